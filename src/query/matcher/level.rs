//! One level of a breadth-first search expanded on two threads: the
//! matcher's BFS hands a large level here when its rows may come in any
//! order and nothing is hidden (see `Matcher::bfs_levels`).

use super::Visited;
use crate::model::{Adjacency, NodeId, TypeSet};

/// The level size from which a BFS whose rows may come in any order is
/// expanded on two threads (tiny in tests, so the property tests' small
/// graphs take this path too).
pub(super) const PARALLEL_LEVEL_MIN: usize = if cfg!(test) { 2 } else { 1 << 14 };

/// Expands one BFS level (`frontier`) along `adjs` (edges of `types`, all
/// when `None`; nothing hidden) on two threads, marking reached nodes in
/// `visited` and appending the newly reached to `next` (left half's first).
/// Returns the adjacency entries scanned, for the budget.
pub(super) fn level_on_two_threads(
    frontier: &[NodeId],
    adjs: &[&Adjacency],
    types: Option<&TypeSet>,
    visited: &mut Visited,
    next: &mut Vec<NodeId>,
) -> u64 {
    use std::sync::atomic::{AtomicUsize, Ordering};
    // The marks as atomics for the level (a copy: a bit per node).
    let marks: Vec<AtomicUsize> = visited
        .bits
        .as_slice()
        .iter()
        .map(|b| AtomicUsize::new(*b))
        .collect();
    let bits = usize::BITS as usize;
    let expand = |part: &[NodeId], out: &mut Vec<NodeId>| {
        let mut scanned = part.len() as u64;
        for &u in part {
            for adj in adjs {
                let (ts, ns) = adj.typed_neighbors(u);
                scanned += ns.len() as u64;
                for (t, &n) in ts.iter().zip(ns) {
                    if types.is_some_and(|s| !s.contains(*t)) {
                        continue;
                    }
                    let (word, bit) = (n.index() / bits, 1usize << (n.index() % bits));
                    let Some(w) = marks.get(word) else { continue };
                    if w.load(Ordering::Relaxed) & bit == 0
                        && w.fetch_or(bit, Ordering::Relaxed) & bit == 0
                    {
                        out.push(n);
                    }
                }
            }
        }
        scanned
    };
    let (left, right) = frontier.split_at(frontier.len() / 2);
    let mut tail = Vec::new();
    let scanned = std::thread::scope(|s| {
        let other = s.spawn(|| {
            let mut found = Vec::new();
            let scanned = expand(right, &mut found);
            (found, scanned)
        });
        let mine = expand(left, next);
        let (found, theirs) = other
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        tail = found;
        mine + theirs
    });
    next.append(&mut tail);
    for (block, mark) in visited.bits.as_mut_slice().iter_mut().zip(marks) {
        *block = mark.into_inner();
    }
    scanned
}

#[cfg(test)]
mod level_tests {
    use super::*;
    use crate::model::EdgeTypeId;
    use fixedbitset::FixedBitSet;
    use proptest::prelude::*;

    proptest! {
        /// A level expanded on two threads reaches the nodes, marks and
        /// scanned entries of the serial expansion.
        #[test]
        fn a_level_on_two_threads_is_the_serial_level(
            edges in proptest::collection::vec((0u32..40, 0u32..40, 0u16..2), 0..200),
            frontier in proptest::collection::btree_set(0u32..40, 0..20),
            marked in proptest::collection::btree_set(0u32..40, 0..10),
            typed in any::<bool>(),
        ) {
            let ends: Vec<(NodeId, NodeId)> =
                edges.iter().map(|(a, b, _)| (NodeId(*a), NodeId(*b))).collect();
            let tys: Vec<EdgeTypeId> = edges.iter().map(|(_, _, t)| EdgeTypeId(*t)).collect();
            let out = Adjacency::build(40, &ends, &tys, false);
            let inn = Adjacency::build(40, &ends, &tys, true);
            let mut keep = TypeSet::new();
            keep.insert(EdgeTypeId(1));
            let types = typed.then_some(&keep);
            let frontier: Vec<NodeId> = frontier.into_iter().map(NodeId).collect();
            let fresh = || {
                let mut v = Visited { bits: FixedBitSet::with_capacity(40) };
                for n in frontier.iter().copied().chain(marked.iter().map(|m| NodeId(*m))) {
                    v.mark(n);
                }
                v
            };
            // Serially: each entry in turn.
            let mut serial = fresh();
            let mut expected = Vec::new();
            let mut scanned = frontier.len() as u64;
            for &u in &frontier {
                for adj in [&out, &inn] {
                    for (_, t, n) in adj.iter(u) {
                        scanned += 1;
                        if types.is_none_or(|s| s.contains(t)) && serial.mark(n) {
                            expected.push(n);
                        }
                    }
                }
            }
            let mut visited = fresh();
            let mut next = Vec::new();
            let found = level_on_two_threads(&frontier, &[&out, &inn], types, &mut visited, &mut next);
            next.sort_unstable();
            expected.sort_unstable();
            prop_assert_eq!(next, expected);
            prop_assert_eq!(visited.bits, serial.bits);
            prop_assert_eq!(found, scanned);
        }
    }
}
