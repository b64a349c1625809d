//! Compressed sparse row adjacency (CSR), built once when a graph is
//! finished. Traversals read these flat arrays instead of petgraph's linked
//! edge lists: a node's neighbours are one contiguous slice, which is what
//! makes BFS over tens of millions of edges cache-friendly.

use std::sync::OnceLock;

use fixedbitset::FixedBitSet;

use super::ids::{EdgeId, EdgeTypeId, NodeId};

/// One direction (out or in) of the graph's adjacency.
#[derive(Clone, Debug, Default)]
pub struct Adjacency {
    offsets: Vec<u32>,
    nbrs: Vec<NodeId>,
    edges: Vec<EdgeId>,
    types: Vec<EdgeTypeId>,
    /// Per edge type present: every node's number of edges of that type,
    /// so `degree(n, "TYPE")` over every node of a large graph is one lookup
    /// each instead of a scan of each node's edges (4 bytes per node and
    /// type). Counted at the build when types × nodes ≤ edges, else on
    /// first use for the types asked about (one pass over the types column).
    typed_degrees: Box<[OnceLock<Box<[u32]>>]>,
}

impl Adjacency {
    /// Builds the adjacency of `node_count` nodes from the edges' ends
    /// (`(from, to)`, edge ids being positions) and types, by `from` or, when
    /// `incoming`, by `to`. Entries of a node keep edge order (a stable
    /// counting sort), so iteration is deterministic.
    pub(crate) fn build(
        node_count: usize,
        ends: &[(NodeId, NodeId)],
        types: &[EdgeTypeId],
        incoming: bool,
    ) -> Adjacency {
        Adjacency::build_on(node_count, ends, types, incoming, 1)
    }

    /// [`Adjacency::build`] with the gathering of neighbours and types (the
    /// random reads, most of the time of a direction whose edges are not
    /// grouped by node in the files) on two threads, one per column, when
    /// `threads` is two or more.
    pub(crate) fn build_on(
        node_count: usize,
        ends: &[(NodeId, NodeId)],
        types: &[EdgeTypeId],
        incoming: bool,
        threads: usize,
    ) -> Adjacency {
        let orient = |(a, b): (NodeId, NodeId)| if incoming { (b, a) } else { (a, b) };
        let mut offsets = vec![0u32; node_count + 1];
        for e in ends {
            offsets[orient(*e).0.index() + 1] += 1;
        }
        for i in 0..node_count {
            offsets[i + 1] += offsets[i];
        }
        // Scatter only the edge ids, then gather the rest in slot order:
        // random reads overlap where random writes to three arrays queue up
        // (a quarter faster on ten million edges).
        let mut cursor: Vec<u32> = offsets[..node_count].to_vec();
        let mut edges = vec![EdgeId(0); ends.len()];
        for (e, end) in ends.iter().enumerate() {
            let this = orient(*end).0.index();
            edges[cursor[this] as usize] = EdgeId(e as u32);
            cursor[this] += 1;
        }
        drop(cursor);
        let (nbrs, tys) = gather(
            &edges,
            threads,
            |e| orient(ends[e.index()]).1,
            |e| types[e.index()],
        );
        let type_count = tys.iter().map(|t| t.index() + 1).max().unwrap_or(0);
        let typed_degrees: Box<[OnceLock<Box<[u32]>>]> =
            (0..type_count).map(|_| OnceLock::new()).collect();
        // Counted now when the table is no larger than the edge column (a
        // few types over many edges, as in a supply graph): the first
        // `degree(n, "T")` of a session then costs nothing, for a pass the
        // build's cache already holds. Many types over few edges stay lazy.
        if type_count.saturating_mul(node_count) <= ends.len() {
            for (cell, counts) in typed_degrees
                .iter()
                .zip(count_every_type(&offsets, &tys, type_count))
            {
                // Fresh cells: setting cannot fail.
                let _ = cell.set(counts);
            }
        }
        Adjacency {
            offsets,
            nbrs,
            edges,
            types: tys,
            typed_degrees,
        }
    }

    /// The number of edges of type `t` of `node` in this direction.
    #[inline]
    pub fn degree_of_type(&self, node: NodeId, t: EdgeTypeId) -> usize {
        self.type_degrees(t)
            .get(node.index())
            .map_or(0, |c| *c as usize)
    }

    /// Every node's number of edges of type `t` in this direction, by node
    /// index (empty for a type beyond the ones present); counted at the build
    /// or on first use (see `typed_degrees`).
    pub fn type_degrees(&self, t: EdgeTypeId) -> &[u32] {
        let Some(cell) = self.typed_degrees.get(t.index()) else {
            return &[];
        };
        cell.get_or_init(|| {
            // One pass over the type column: a mark per entry of the type,
            // summed between consecutive offsets (no per-node slicing).
            let mut counts = Vec::with_capacity(self.offsets.len().saturating_sub(1));
            let mut seen = 0u32;
            let mut entry = 0usize;
            for &end in self.offsets.iter().skip(1) {
                let end = end as usize;
                let before = seen;
                for ty in self.types.get(entry..end).unwrap_or_default() {
                    seen += u32::from(*ty == t);
                }
                entry = end;
                counts.push(seen - before);
            }
            counts.into_boxed_slice()
        })
    }

    #[inline]
    fn range(&self, node: NodeId) -> std::ops::Range<usize> {
        self.offsets[node.index()] as usize..self.offsets[node.index() + 1] as usize
    }

    /// The neighbours of `node` in this direction.
    #[inline]
    pub fn neighbors(&self, node: NodeId) -> &[NodeId] {
        &self.nbrs[self.range(node)]
    }

    /// The edge types and neighbours of `node` (one offset lookup), for
    /// traversals that need no edge ids.
    #[inline]
    pub fn typed_neighbors(&self, node: NodeId) -> (&[EdgeTypeId], &[NodeId]) {
        let r = self.range(node);
        (&self.types[r.clone()], &self.nbrs[r])
    }

    /// The positions of `node`'s entries in this adjacency's columns
    /// (slots: `0..edge count`, each node's contiguous), so that data kept
    /// per entry elsewhere (a view's hidden entries) lines up with
    /// [`Adjacency::typed_neighbors`].
    #[inline]
    pub fn slots(&self, node: NodeId) -> std::ops::Range<usize> {
        self.range(node)
    }

    /// Every entry's edge id, in slot order (each node's entries in turn).
    #[inline]
    pub fn slot_edges(&self) -> &[EdgeId] {
        &self.edges
    }

    /// Every entry's neighbour, in slot order.
    #[inline]
    pub fn slot_neighbors(&self) -> &[NodeId] {
        &self.nbrs
    }

    /// The edge types parallel to [`Adjacency::neighbors`].
    #[inline]
    pub fn types(&self, node: NodeId) -> &[EdgeTypeId] {
        &self.types[self.range(node)]
    }

    /// The edge ids parallel to [`Adjacency::neighbors`].
    #[inline]
    pub fn edges(&self, node: NodeId) -> &[EdgeId] {
        &self.edges[self.range(node)]
    }

    /// `(edge, type, neighbour)` for every edge of `node` in this direction.
    #[inline]
    pub fn iter(&self, node: NodeId) -> impl Iterator<Item = (EdgeId, EdgeTypeId, NodeId)> + '_ {
        let r = self.range(node);
        self.edges[r.clone()]
            .iter()
            .zip(&self.types[r.clone()])
            .zip(&self.nbrs[r])
            .map(|((e, t), n)| (*e, *t, *n))
    }

    /// `(edge, type, neighbour)` for the edges of `node` whose type is in
    /// `keep` (every edge when `None`), in [`Adjacency::iter`]'s order. Reads
    /// the type column first and the edge and neighbour only of the entries
    /// kept: on a mixed adjacency most of a node's entries are rejected, and
    /// each column skipped is a cache line less per node.
    #[inline]
    pub fn iter_typed<'s>(
        &'s self,
        node: NodeId,
        keep: Option<&'s TypeSet>,
    ) -> impl Iterator<Item = (EdgeId, EdgeTypeId, NodeId)> + 's {
        let r = self.range(node);
        let (edges, nbrs) = (&self.edges[r.clone()], &self.nbrs[r.clone()]);
        self.types[r]
            .iter()
            .enumerate()
            .filter(move |(_, t)| keep.is_none_or(|k| k.contains(**t)))
            .map(move |(i, t)| (edges[i], *t, nbrs[i]))
    }

    /// The number of edges of `node` in this direction.
    #[inline]
    pub fn degree(&self, node: NodeId) -> usize {
        self.range(node).len()
    }
}

/// The neighbour and the type of each slot's edge, in slot order: each
/// column on its own thread when `threads` allows (one random read per
/// entry each, so about even, and each column written once in place).
fn gather(
    edges: &[EdgeId],
    threads: usize,
    nbr: impl Fn(EdgeId) -> NodeId + Sync,
    ty: impl Fn(EdgeId) -> EdgeTypeId + Sync,
) -> (Vec<NodeId>, Vec<EdgeTypeId>) {
    let nbrs = || edges.iter().map(|e| nbr(*e)).collect();
    let tys = || edges.iter().map(|e| ty(*e)).collect();
    if threads < 2 {
        return (nbrs(), tys());
    }
    std::thread::scope(|s| {
        let tys = s.spawn(tys);
        let nbrs = nbrs();
        (
            nbrs,
            tys.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
        )
    })
}

/// A set of edge types, as a bitset ([`FixedBitSet`]) over [`EdgeTypeId`]s.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TypeSet {
    bits: FixedBitSet,
}

impl TypeSet {
    /// The empty set.
    pub fn new() -> TypeSet {
        TypeSet::default()
    }

    /// Adds a type.
    pub fn insert(&mut self, t: EdgeTypeId) {
        if t.index() >= self.bits.len() {
            self.bits.grow(t.index() + 1);
        }
        self.bits.insert(t.index());
    }

    /// Whether the set holds `t`.
    #[inline]
    pub fn contains(&self, t: EdgeTypeId) -> bool {
        self.bits.contains(t.index())
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.bits.is_clear()
    }
}

impl FromIterator<EdgeTypeId> for TypeSet {
    fn from_iter<I: IntoIterator<Item = EdgeTypeId>>(iter: I) -> TypeSet {
        let mut set = TypeSet::new();
        for t in iter {
            set.insert(t);
        }
        set
    }
}

/// Every node's number of entries of each type (`result[t][node]`), in one
/// pass over the type column in slot order.
fn count_every_type(offsets: &[u32], types: &[EdgeTypeId], type_count: usize) -> Vec<Box<[u32]>> {
    let nodes = offsets.len().saturating_sub(1);
    let mut counts = vec![vec![0u32; nodes]; type_count];
    let mut entry = 0usize;
    for (node, &end) in offsets.iter().skip(1).enumerate() {
        let end = end as usize;
        for ty in types.get(entry..end).unwrap_or_default() {
            counts[ty.index()][node] += 1;
        }
        entry = end;
    }
    counts.into_iter().map(Vec::into_boxed_slice).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Random edges over `nodes` nodes and `types` types.
    fn edges_strategy() -> impl Strategy<Value = (usize, usize, Vec<(u32, u32, u16)>)> {
        (1usize..12, 1usize..5).prop_flat_map(|(nodes, types)| {
            let edge = (0..nodes as u32, 0..nodes as u32, 0..types as u16);
            (
                Just(nodes),
                Just(types),
                proptest::collection::vec(edge, 0..60),
            )
        })
    }

    proptest! {
        /// Degrees counted at the build (many edges per node and type) and
        /// on first use (few) agree with a scan of each node's entries, and
        /// the typed iteration is the untyped one filtered by type.
        #[test]
        fn typed_degrees_and_iteration_match_a_scan((nodes, types, list) in edges_strategy()) {
            let ends: Vec<(NodeId, NodeId)> =
                list.iter().map(|(a, b, _)| (NodeId(*a), NodeId(*b))).collect();
            let tys: Vec<EdgeTypeId> = list.iter().map(|(_, _, t)| EdgeTypeId(*t)).collect();
            for incoming in [false, true] {
                let adj = Adjacency::build(nodes, &ends, &tys, incoming);
                let mut keep = TypeSet::new();
                keep.insert(EdgeTypeId(0));
                for node in (0..nodes as u32).map(NodeId) {
                    for t in (0..types as u16 + 1).map(EdgeTypeId) {
                        let scan = adj.iter(node).filter(|(_, x, _)| *x == t).count();
                        prop_assert_eq!(adj.degree_of_type(node, t), scan);
                    }
                    let filtered: Vec<_> =
                        adj.iter(node).filter(|(_, t, _)| keep.contains(*t)).collect();
                    prop_assert_eq!(adj.iter_typed(node, Some(&keep)).collect::<Vec<_>>(), filtered);
                    prop_assert_eq!(
                        adj.iter_typed(node, None).collect::<Vec<_>>(),
                        adj.iter(node).collect::<Vec<_>>()
                    );
                }
            }
        }
    }

    proptest! {
        /// Gathering on several threads gives the one-thread adjacency.
        #[test]
        fn threads_do_not_change_the_adjacency(
            n in 1usize..40,
            raw in proptest::collection::vec((0u32..40, 0u32..40, 0u16..3), 0..300),
            threads in 2usize..5,
            incoming: bool,
        ) {
            let ends: Vec<(NodeId, NodeId)> = raw
                .iter()
                .map(|&(a, b, _)| (NodeId(a % n as u32), NodeId(b % n as u32)))
                .collect();
            let types: Vec<EdgeTypeId> = raw.iter().map(|r| EdgeTypeId(r.2)).collect();
            let one = Adjacency::build(n, &ends, &types, incoming);
            let many = Adjacency::build_on(n, &ends, &types, incoming, threads);
            prop_assert_eq!(&one.offsets, &many.offsets);
            prop_assert_eq!(&one.edges, &many.edges);
            prop_assert_eq!(&one.nbrs, &many.nbrs);
            prop_assert_eq!(&one.types, &many.types);
        }
    }

    #[test]
    fn degree_of_type_counts_each_direction_and_type() {
        let n = |i: u32| NodeId(i);
        let ends = [(n(0), n(1)), (n(0), n(2)), (n(2), n(0)), (n(0), n(1))];
        let types = [EdgeTypeId(0), EdgeTypeId(1), EdgeTypeId(0), EdgeTypeId(0)];
        let out = Adjacency::build(3, &ends, &types, false);
        let inn = Adjacency::build(3, &ends, &types, true);
        assert_eq!(out.degree_of_type(n(0), EdgeTypeId(0)), 2);
        assert_eq!(out.degree_of_type(n(0), EdgeTypeId(1)), 1);
        assert_eq!(out.degree_of_type(n(1), EdgeTypeId(0)), 0);
        assert_eq!(inn.degree_of_type(n(1), EdgeTypeId(0)), 2);
        assert_eq!(inn.degree_of_type(n(0), EdgeTypeId(0)), 1);
        // A type with no edges at all, and asking twice (the cached counts).
        assert_eq!(out.degree_of_type(n(0), EdgeTypeId(7)), 0);
        assert_eq!(out.degree_of_type(n(0), EdgeTypeId(0)), 2);
        // The counts agree with a scan of every node's types.
        for node in 0..3 {
            for t in 0..2 {
                let scan = out
                    .types(n(node))
                    .iter()
                    .filter(|x| **x == EdgeTypeId(t))
                    .count();
                assert_eq!(out.degree_of_type(n(node), EdgeTypeId(t)), scan);
            }
        }
    }
}
