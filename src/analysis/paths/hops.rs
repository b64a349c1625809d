//! The fewest-hops path (unweighted `path` with no bans) by a bidirectional,
//! level-synchronous breadth-first search: a hub source with a million
//! customers and a target three hops away cost the target's few levels, not
//! the hub's whole neighbourhood.
//!
//! The answer is exactly the label search's (Dijkstra popping by hops, then
//! node id), which the tests pin:
//!
//! - the target is the lowest-id target at the least distance `d`;
//! - a node's parent is the lowest-id node one hop nearer the sources with
//!   a step into it, through the first such edge in that parent's step
//!   order (out-edges in load order, then in-edges when undirected).
//!
//! The forward side expands each level in node id order and keeps a node's
//! first discoverer, which is that parent. Where the sides meet (forward
//! radius `a`, backward radius `b`, `d = a + b`), the nodes `i > a` hops from
//! the sources on a shortest path are rebuilt level by level from the
//! backward side's levels: `L_a` is the forward level `a` (those of its nodes
//! one step from backward level `b - 1` are exactly the ones `b` from the
//! targets), and a node `d - i` from the targets is in `L_i` when a step
//! comes into it from `L_{i-1}`; the lowest such node is its parent. That
//! pass costs what the backward search already scanned.

use super::{AnalysisError, FoundPath, Walker};
use crate::limits::Work;
use crate::model::{EdgeId, NodeId, Path};

/// One node reached by either side.
#[derive(Clone, Copy, Debug)]
struct Entry {
    node: NodeId,
    /// Hops from the side's start set.
    dist: u32,
    /// Forward: the first discoverer. Backward: the parent found when
    /// rebuilding the shortest-path levels (valid when `on_path`).
    parent: NodeId,
    edge: EdgeId,
    /// Backward only: the node is on a shortest path (`L_{d - dist}`).
    on_path: bool,
}

/// One side of the search: the nodes reached, level after level.
struct Side {
    /// Per node: 0 unreached, else index + 1 into `entries`.
    slot: Vec<u32>,
    entries: Vec<Entry>,
    /// Where each level starts in `entries` (the last level runs to the end).
    starts: Vec<usize>,
    /// The steps the current frontier would scan.
    degree: u64,
}

impl Side {
    /// A side over `slot`, which must be all zero.
    fn with_slots(slot: Vec<u32>) -> Side {
        Side {
            slot,
            entries: Vec::new(),
            starts: vec![0],
            degree: 0,
        }
    }

    /// The slots, zeroed again (only the reached nodes were set).
    fn release(&mut self) -> Vec<u32> {
        for e in &self.entries {
            self.slot[e.node.index()] = 0;
        }
        std::mem::take(&mut self.slot)
    }

    #[inline]
    fn get(&self, n: NodeId) -> Option<&Entry> {
        match self.slot[n.index()] {
            0 => None,
            i => Some(&self.entries[i as usize - 1]),
        }
    }

    #[inline]
    fn reached(&self, n: NodeId) -> bool {
        self.slot[n.index()] != 0
    }

    fn add(&mut self, node: NodeId, dist: u32, parent: NodeId, edge: EdgeId) {
        self.entries.push(Entry {
            node,
            dist,
            parent,
            edge,
            on_path: false,
        });
        self.slot[node.index()] = self.entries.len() as u32;
    }

    /// The entries of the outermost level.
    fn frontier(&self) -> std::ops::Range<usize> {
        self.starts[self.starts.len() - 1]..self.entries.len()
    }

    /// The entries of level `k`.
    fn level(&self, k: u32) -> std::ops::Range<usize> {
        let k = k as usize;
        let end = self
            .starts
            .get(k + 1)
            .copied()
            .unwrap_or(self.entries.len());
        self.starts[k]..end
    }

    /// Sorts the frontier by node id (slots follow), so expanding it meets
    /// each new node first from its lowest-id parent.
    fn sort_frontier(&mut self) {
        let r = self.frontier();
        self.entries[r.clone()].sort_unstable_by_key(|e| e.node);
        for i in r {
            self.slot[self.entries[i].node.index()] = i as u32 + 1;
        }
    }
}

/// The entries a step scan of `u` walks: forward (`steps`) or backward
/// (`steps_back`).
fn degree(w: &Walker, u: NodeId, forward: bool) -> u64 {
    let (along, against) = (w.g.out_adj().degree(u), w.g.in_adj().degree(u));
    let d = match (w.undirected, forward) {
        (true, _) => along + against,
        (false, true) => along,
        (false, false) => against,
    };
    d as u64
}

/// Expands `side`'s frontier by one level, `dist` from its start: along
/// the walker's steps when `forward` (each level in node id order, so a
/// node keeps its first discoverer), against them otherwise. Whether it
/// reached a node `other` has reached.
fn grow(
    w: &Walker,
    side: &mut Side,
    other: &Side,
    dist: u32,
    forward: bool,
    work: &Work,
) -> Result<bool, AnalysisError> {
    let (out, into) = (w.g.out_adj(), w.g.in_adj());
    let adj = if forward { [out, into] } else { [into, out] };
    if forward {
        side.sort_frontier();
    }
    let level = side.frontier();
    side.starts.push(side.entries.len());
    side.degree = 0;
    let mut met = false;
    for i in level {
        let x = side.entries[i].node;
        let scanned = w.scan(x, adj, |e, y| {
            if !side.reached(y) {
                side.add(y, dist, x, e);
                side.degree += degree(w, y, forward);
                met |= other.reached(y);
            }
            Ok::<(), AnalysisError>(())
        })?;
        work.charge(scanned)?;
    }
    Ok(met)
}

thread_local! {
    /// The two sides' node slots, kept between searches (all zero when not
    /// in use): a search on a million-node graph then costs what it
    /// touches, not two fresh arrays of the whole graph.
    static SLOTS: std::cell::Cell<Option<(Vec<u32>, Vec<u32>)>> =
        const { std::cell::Cell::new(None) };
}

/// The fewest-hops path from `from` (sorted, deduplicated, visible) to
/// `to` (visible) with at most `max` hops: the label search's path, found
/// by a bidirectional breadth-first search.
pub(super) fn fewest_hops(
    w: &Walker,
    from: &[NodeId],
    to: &[NodeId],
    max: Option<u32>,
    work: &Work,
) -> Result<Option<FoundPath>, AnalysisError> {
    let n = w.g.node_count();
    // Taken, not borrowed: a nested search (none today) would just
    // allocate its own.
    let (mut f, mut b) = SLOTS.with(|c| c.take()).unwrap_or_default();
    for v in [&mut f, &mut b] {
        if v.len() < n {
            // Fresh zeroed memory is mapped lazily: the first search pays
            // for the pages it touches, not for writing the whole array.
            *v = vec![0; n];
        }
    }
    let mut fwd = Side::with_slots(f);
    let mut bwd = Side::with_slots(b);
    let found = search(w, from, to, max, work, &mut fwd, &mut bwd);
    let slots = (fwd.release(), bwd.release());
    SLOTS.with(|c| c.set(Some(slots)));
    found
}

#[allow(
    clippy::expect_used,
    reason = "an invariant, named in the expect message"
)]
fn search(
    w: &Walker,
    from: &[NodeId],
    to: &[NodeId],
    max: Option<u32>,
    work: &Work,
    fwd: &mut Side,
    bwd: &mut Side,
) -> Result<Option<FoundPath>, AnalysisError> {
    work.charge(1 + from.len() as u64)?;
    for &t in to {
        if !bwd.reached(t) {
            bwd.add(t, 0, t, EdgeId(0));
            bwd.degree += degree(w, t, false);
        }
    }
    for &s in from {
        if bwd.reached(s) {
            // Sources pop in id order: the first one that is a target.
            return Ok(Some(FoundPath {
                path: Path::single(s),
                cost: 0.0,
            }));
        }
        fwd.add(s, 0, s, EdgeId(0));
        fwd.degree += degree(w, s, true);
    }
    let (mut a, mut b) = (0u32, 0u32);
    loop {
        if max.is_some_and(|m| a + b >= m) || fwd.frontier().is_empty() || bwd.frontier().is_empty()
        {
            return Ok(None);
        }
        // The cheaper side grows by one level.
        let met = if fwd.degree <= bwd.degree {
            a += 1;
            grow(w, fwd, bwd, a, true, work)?
        } else {
            b += 1;
            grow(w, bwd, fwd, b, false, work)?
        };
        if met {
            break;
        }
    }
    let d = a + b;
    // Rebuild L_{a+1} .. L_d from the backward levels b-1 .. 0.
    for k in (0..b).rev() {
        for i in bwd.level(k) {
            let y = bwd.entries[i].node;
            let mut best: Option<(NodeId, EdgeId)> = None;
            let scanned = w.steps_back(y, |e, q| {
                let in_prev = if k + 1 == b {
                    fwd.get(q).is_some_and(|f| f.dist == a)
                } else {
                    bwd.get(q).is_some_and(|x| x.dist == k + 1 && x.on_path)
                };
                // The first step from the lowest parent is that parent's
                // first step into `y` (both adjacencies keep edge order).
                if in_prev && best.is_none_or(|(p, _)| q < p) {
                    best = Some((q, e));
                }
            });
            work.charge(scanned)?;
            if let Some((p, e)) = best {
                let entry = &mut bwd.entries[i];
                entry.on_path = true;
                entry.parent = p;
                entry.edge = e;
            }
        }
    }
    let ends = if b == 0 {
        fwd.level(a)
            .map(|i| fwd.entries[i].node)
            .filter(|&t| bwd.reached(t))
            .min()
    } else {
        bwd.level(0)
            .filter(|&i| bwd.entries[i].on_path)
            .map(|i| bwd.entries[i].node)
            .min()
    };
    let target = ends.expect("the sides met, so some target is d hops from the sources");
    let mut path = Path::single(target);
    let mut y = target;
    for i in (1..=d).rev() {
        let side = if i > a { &bwd } else { &fwd };
        let entry = side
            .get(y)
            .expect("every node on the rebuilt path was reached by its side");
        path.push(entry.edge, entry.parent);
        y = entry.parent;
    }
    path.nodes.reverse();
    path.edges.reverse();
    Ok(Some(FoundPath {
        path,
        cost: f64::from(d),
    }))
}

#[cfg(test)]
mod tests;
