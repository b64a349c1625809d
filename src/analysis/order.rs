//! A sweep order for the iterative solvers: the nodes of one cyclic
//! component listed so that most arcs go from an earlier node to a later
//! one (consumer before provider).
//!
//! A Gauss-Seidel sweep (or a sweep of pushes) in that order carries a
//! value along every forward arc within the sweep, so only the backward
//! arcs need further sweeps: on the benchmark's tiered supply graphs the
//! order cuts the sweeps of one solve several times over (BENCHMARKS.md,
//! *Performance v2*). The heuristic is Eades, Lin and Smyth's greedy
//! feedback-arc-set order (1993): repeatedly take a sink to the back, a
//! source to the front, or else the node with the most outgoing minus
//! incoming arcs to the front; linear time with buckets by that difference.

/// "No node" in the bucket lists.
const NIL: u32 = u32::MAX;

/// The order of the nodes `0..n` of the graph whose arcs from node `u` are
/// `to[off[u]..off[u + 1]]`: a permutation, the node to visit first first.
/// Self-loops are ignored; parallel arcs count once each.
pub(crate) fn flow_order(off: &[u32], to: &[u32]) -> Vec<u32> {
    let n = off.len().saturating_sub(1);
    let arcs = |u: usize| &to[off[u] as usize..off[u + 1] as usize];
    // The reverse adjacency, to update consumers when a node is removed.
    let mut in_off = vec![0u32; n + 1];
    for u in 0..n {
        for &v in arcs(u) {
            if v as usize != u {
                in_off[v as usize + 1] += 1;
            }
        }
    }
    for i in 0..n {
        in_off[i + 1] += in_off[i];
    }
    let mut from = vec![0u32; in_off[n] as usize];
    let mut cursor = in_off[..n].to_vec();
    let mut outdeg = vec![0i64; n];
    for (u, d) in outdeg.iter_mut().enumerate() {
        for &v in arcs(u) {
            if v as usize != u {
                from[cursor[v as usize] as usize] = u as u32;
                cursor[v as usize] += 1;
                *d += 1;
            }
        }
    }
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

/// Where a removed node goes.
enum Place {
    Front,
    Back,
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
        let (k, place) = if self.head[0] != NIL {
            (0, Place::Back)
        } else if self.head[1] != NIL {
            (1, Place::Front)
        } else {
            while self.top > 1 && self.head[self.top] == NIL {
                self.top -= 1;
            }
            if self.top <= 1 {
                return None;
            }
            (self.top, Place::Front)
        };
        let u = self.head[k] as usize;
        self.remove(u, outdeg, indeg);
        Some((u, place))
    }
}

#[cfg(test)]
mod tests {
    use super::flow_order;

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
}
