//! Tests of the sweep order.

use super::{Place, flow_order, pick};
use proptest::prelude::*;

fn csr(n: usize, arcs: &[(u32, u32)]) -> (Vec<u32>, Vec<u32>) {
    let mut off = vec![0u32; n + 1];
    let mut to = Vec::new();
    for u in 0..n as u32 {
        to.extend(arcs.iter().filter(|a| a.0 == u).map(|a| a.1));
        off[u as usize + 1] = to.len() as u32;
    }
    (off, to)
}

#[test]
fn a_dag_comes_out_in_topological_order() {
    let arcs = [(3, 1), (1, 0), (3, 2), (2, 0), (4, 3)];
    let (off, to) = csr(5, &arcs);
    let order = flow_order(&off, &to);
    let mut at = [0; 5];
    for (i, &u) in order.iter().enumerate() {
        at[u as usize] = i;
    }
    for (u, v) in arcs {
        assert!(at[u as usize] < at[v as usize], "{u} -> {v} in {order:?}");
    }
}

#[test]
fn a_cycle_keeps_all_but_one_arc_forward() {
    let arcs = [(0, 1), (1, 2), (2, 3), (3, 0), (3, 3)];
    let (off, to) = csr(4, &arcs);
    let order = flow_order(&off, &to);
    let mut sorted = order.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, vec![0, 1, 2, 3]);
    let mut at = [0; 4];
    for (i, &u) in order.iter().enumerate() {
        at[u as usize] = i;
    }
    let backward = arcs
        .iter()
        .filter(|(u, v)| u != v && at[*u as usize] > at[*v as usize])
        .count();
    assert_eq!(backward, 1);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// The packed slots give the order the four arrays gave: the same
    /// buckets, the same list order within each (self-loops and parallel
    /// arcs included).
    #[test]
    fn packed_slots_give_the_reference_order(
        n in 1usize..40,
        arcs in proptest::collection::vec((0u32..40, 0u32..40), 0..160),
    ) {
        let arcs: Vec<(u32, u32)> = arcs
            .into_iter()
            .map(|(u, v)| (u % n as u32, v % n as u32))
            .collect();
        let (off, to) = csr(n, &arcs);
        prop_assert_eq!(flow_order(&off, &to), reference_order(&off, &to));
    }
}

/// "No node" in the bucket lists.
const NIL: u32 = u32::MAX;

/// The order as first written (four arrays, a `gone` flag): the reference
/// for [`flow_order`]'s packed slots, which must give the same order.
///
/// The order of the nodes `0..n` of the graph whose arcs from node `u` are
/// `to[off[u]..off[u + 1]]`: a permutation, the node to visit first first.
/// Self-loops are ignored; parallel arcs count once each.
fn reference_order(off: &[u32], to: &[u32]) -> Vec<u32> {
    let n = off.len().saturating_sub(1);
    let arcs = |u: usize| &to[off[u] as usize..off[u + 1] as usize];
    let super::Reverse { in_off, from, out } = super::reverse(off, to);
    let mut outdeg: Vec<i64> = out.iter().map(|&d| i64::from(d)).collect();
    let mut indeg: Vec<i64> = (0..n)
        .map(|v| i64::from(in_off[v + 1] - in_off[v]))
        .collect();
    let mut b = Buckets::new(n, &outdeg, &indeg);
    let mut front = Vec::with_capacity(n);
    let mut back = Vec::new();
    let mut gone = vec![false; n];
    while let Some((u, place)) = b.next(&outdeg, &indeg) {
        gone[u] = true;
        match place {
            Place::Back => back.push(u as u32),
            Place::Front => front.push(u as u32),
        }
        for &v in arcs(u) {
            let v = v as usize;
            if v != u && !gone[v] {
                b.remove(v, &outdeg, &indeg);
                indeg[v] -= 1;
                b.insert(v, &outdeg, &indeg);
            }
        }
        for &v in &from[in_off[u] as usize..in_off[u + 1] as usize] {
            let v = v as usize;
            if !gone[v] {
                b.remove(v, &outdeg, &indeg);
                outdeg[v] -= 1;
                b.insert(v, &outdeg, &indeg);
            }
        }
    }
    front.extend(back.iter().rev());
    front
}

/// The remaining nodes in doubly linked lists: sinks, sources, and the
/// others by outdegree minus indegree.
struct Buckets {
    /// List heads: 0 sinks, 1 sources, then `2 + (out - in + shift)`.
    head: Vec<u32>,
    prev: Vec<u32>,
    next: Vec<u32>,
    shift: i64,
    /// No bucket above this one is non-empty.
    top: usize,
}

impl Buckets {
    fn new(n: usize, outdeg: &[i64], indeg: &[i64]) -> Buckets {
        let shift = indeg.iter().copied().max().unwrap_or(0);
        let span = shift + outdeg.iter().copied().max().unwrap_or(0);
        let mut b = Buckets {
            head: vec![NIL; 3 + span as usize],
            prev: vec![NIL; n],
            next: vec![NIL; n],
            shift,
            top: 0,
        };
        for u in 0..n {
            b.insert(u, outdeg, indeg);
        }
        b
    }

    fn bucket(&self, u: usize, outdeg: &[i64], indeg: &[i64]) -> usize {
        if outdeg[u] == 0 {
            0
        } else if indeg[u] == 0 {
            1
        } else {
            // In range: outdeg ≤ its initial maximum, indeg ≥ 0.
            (2 + outdeg[u] - indeg[u] + self.shift) as usize
        }
    }

    fn insert(&mut self, u: usize, outdeg: &[i64], indeg: &[i64]) {
        let k = self.bucket(u, outdeg, indeg);
        let h = self.head[k];
        self.next[u] = h;
        self.prev[u] = NIL;
        if h != NIL {
            self.prev[h as usize] = u as u32;
        }
        self.head[k] = u as u32;
        self.top = self.top.max(k);
    }

    fn remove(&mut self, u: usize, outdeg: &[i64], indeg: &[i64]) {
        let k = self.bucket(u, outdeg, indeg);
        let (p, nx) = (self.prev[u], self.next[u]);
        if p == NIL {
            self.head[k] = nx;
        } else {
            self.next[p as usize] = nx;
        }
        if nx != NIL {
            self.prev[nx as usize] = p;
        }
    }

    /// Takes the next node out: a sink (to the back), a source, or the
    /// node with the largest difference (to the front).
    fn next(&mut self, outdeg: &[i64], indeg: &[i64]) -> Option<(usize, Place)> {
        let (k, place) = pick(&self.head, &mut self.top)?;
        let u = self.head[k] as usize;
        self.remove(u, outdeg, indeg);
        Some((u, place))
    }
}
