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

/// `prev` of a node taken out.
const GONE: u32 = u32::MAX - 1;

/// The order of the nodes `0..n` of the graph whose arcs from node `u` are
/// `to[off[u]..off[u + 1]]`: a permutation, the node to visit first first.
/// Self-loops are ignored; parallel arcs count once each.
pub(crate) fn flow_order(off: &[u32], to: &[u32]) -> Vec<u32> {
    let n = off.len().saturating_sub(1);
    let arcs = |u: usize| &to[off[u] as usize..off[u + 1] as usize];
    let Reverse { in_off, from, out } = reverse(off, to);
    let slots = (0..n)
        .map(|u| Slot {
            prev: NIL,
            next: NIL,
            out: out[u] as i32,
            inn: (in_off[u + 1] - in_off[u]) as i32,
        })
        .collect();
    drop(out);
    let mut b = Buckets::new(slots);
    let mut front = Vec::with_capacity(n);
    let mut back = Vec::new();
    while let Some((u, place)) = b.next() {
        match place {
            Place::Back => back.push(u as u32),
            Place::Front => front.push(u as u32),
        }
        for &v in arcs(u) {
            b.update(v as usize, |s| s.inn -= 1);
        }
        for &v in &from[in_off[u] as usize..in_off[u + 1] as usize] {
            b.update(v as usize, |s| s.out -= 1);
        }
    }
    front.extend(back.iter().rev());
    front
}

/// The reverse adjacency of a CSR without its self-loops, to update
/// consumers when a node is removed, and each node's outdegree.
struct Reverse {
    /// `from[in_off[v]..in_off[v + 1]]` are the nodes with an arc to `v`.
    in_off: Vec<u32>,
    from: Vec<u32>,
    out: Vec<u32>,
}

fn reverse(off: &[u32], to: &[u32]) -> Reverse {
    let n = off.len().saturating_sub(1);
    let arcs = |u: usize| &to[off[u] as usize..off[u + 1] as usize];
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
    let mut out = vec![0u32; n];
    for (u, d) in out.iter_mut().enumerate() {
        for &v in arcs(u) {
            if v as usize != u {
                from[cursor[v as usize] as usize] = u as u32;
                cursor[v as usize] += 1;
                *d += 1;
            }
        }
    }
    Reverse { in_off, from, out }
}

/// The bucket the next node comes from, and where it goes: the sinks (to
/// the back), else the sources, else the highest non-empty difference at
/// or below `top` (lowered to it); `None` when all are empty.
fn pick(head: &[u32], top: &mut usize) -> Option<(usize, Place)> {
    if head[0] != NIL {
        return Some((0, Place::Back));
    }
    if head[1] != NIL {
        return Some((1, Place::Front));
    }
    while *top > 1 && head[*top] == NIL {
        *top -= 1;
    }
    (*top > 1).then_some((*top, Place::Front))
}

/// Where a removed node goes.
enum Place {
    Front,
    Back,
}

/// One node's list links and remaining degrees, side by side: the order's
/// updates are random reads of all four, one cache line instead of four
/// (the layout took 1 s of Q7 on the large graph with four arrays).
#[derive(Clone, Copy, Default)]
struct Slot {
    prev: u32,
    next: u32,
    /// Arcs to nodes still in (self-loops not counted).
    out: i32,
    /// Arcs from nodes still in.
    inn: i32,
}

/// The remaining nodes in doubly linked lists: sinks, sources, and the
/// others by outdegree minus indegree.
struct Buckets {
    /// List heads: 0 sinks, 1 sources, then `2 + (out - in + shift)`.
    head: Vec<u32>,
    slots: Vec<Slot>,
    shift: i64,
    /// No bucket above this one is non-empty.
    top: usize,
}

impl Buckets {
    fn new(slots: Vec<Slot>) -> Buckets {
        let shift = slots.iter().map(|s| i64::from(s.inn)).max().unwrap_or(0);
        let span = shift + slots.iter().map(|s| i64::from(s.out)).max().unwrap_or(0);
        let n = slots.len();
        let mut b = Buckets {
            head: vec![NIL; 3 + span as usize],
            slots,
            shift,
            top: 0,
        };
        for u in 0..n {
            b.insert(u);
        }
        b
    }

    fn bucket(&self, s: Slot) -> usize {
        if s.out == 0 {
            0
        } else if s.inn == 0 {
            1
        } else {
            // In range: out ≤ its initial maximum, inn ≥ 0.
            (2 + i64::from(s.out) - i64::from(s.inn) + self.shift) as usize
        }
    }

    fn insert(&mut self, u: usize) {
        let k = self.bucket(self.slots[u]);
        let h = self.head[k];
        self.slots[u].next = h;
        self.slots[u].prev = NIL;
        if h != NIL {
            self.slots[h as usize].prev = u as u32;
        }
        self.head[k] = u as u32;
        self.top = self.top.max(k);
    }

    fn remove(&mut self, u: usize) {
        let s = self.slots[u];
        let k = self.bucket(s);
        if s.prev == NIL {
            self.head[k] = s.next;
        } else {
            self.slots[s.prev as usize].next = s.next;
        }
        if s.next != NIL {
            self.slots[s.next as usize].prev = s.prev;
        }
    }

    /// Moves node `u`, unless it is gone or `u` is the node being taken
    /// out (a self-loop), to the bucket of its degrees after `change`.
    fn update(&mut self, u: usize, change: impl FnOnce(&mut Slot)) {
        if self.slots[u].prev == GONE {
            return;
        }
        self.remove(u);
        change(&mut self.slots[u]);
        self.insert(u);
    }

    /// Takes the next node out: a sink (to the back), a source, or the
    /// node with the largest difference (to the front).
    fn next(&mut self) -> Option<(usize, Place)> {
        let (k, place) = pick(&self.head, &mut self.top)?;
        let u = self.head[k] as usize;
        self.remove(u);
        self.slots[u].prev = GONE;
        Some((u, place))
    }
}

#[cfg(test)]
mod tests;
