//! Views: a filter over node and edge ids, never a copy of the graph. The
//! loaded graph never changes; a scenario or a date hides nodes and edges.

use std::sync::OnceLock;

use fixedbitset::FixedBitSet;

use crate::model::{Date, EdgeId, EdgeTypeId, Graph, NodeId};

/// Which nodes and edges a statement may see. The full view hides nothing
/// and costs nothing to query. A view belongs to the graph it was made
/// for: it caches counts computed from it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct View {
    hidden_nodes: Bits,
    hidden_edges: Bits,
    derived: Derived,
}

impl View {
    /// The view that hides nothing.
    pub fn full() -> View {
        View::default()
    }

    /// The graph as it stands on `day` (a full date; time.md): every node
    /// and edge whose validity interval leaves `day` out is hidden (and an
    /// edge with them, through its ends). Items without an interval are
    /// always visible, so a graph without validity gets the full view.
    pub fn at(g: &Graph, day: Date) -> View {
        let mut view = View::full();
        for (n, interval) in g.nodes_with_validity() {
            if !interval.contains(day) {
                view.hide_node(*n);
            }
        }
        for (e, interval) in g.edges_with_validity() {
            if !interval.contains(day) {
                view.hide_edge(*e);
            }
        }
        view
    }

    /// Whether the node is visible.
    #[inline]
    pub fn node(&self, n: NodeId) -> bool {
        !self.hidden_nodes.get(n.index())
    }

    /// The visible nodes of `nodes`, sorted, each once.
    pub fn visible(&self, nodes: &[NodeId]) -> Vec<NodeId> {
        let mut out: Vec<NodeId> = nodes.iter().copied().filter(|n| self.node(*n)).collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Whether the edge is visible (its endpoints must be visible too).
    #[inline]
    pub fn edge(&self, g: &Graph, e: EdgeId) -> bool {
        if self.is_full() {
            return true;
        }
        if self.hidden_edges.get(e.index()) {
            return false;
        }
        let (a, b) = g.edge_ends(e);
        self.node(a) && self.node(b)
    }

    /// Whether the edge itself is hidden (not looking at its endpoints);
    /// traversals that already checked the neighbour use this.
    #[inline]
    pub fn edge_hidden(&self, e: EdgeId) -> bool {
        self.hidden_edges.get(e.index())
    }

    /// Whether this view hides nothing.
    #[inline]
    pub fn is_full(&self) -> bool {
        self.hidden_nodes.none() && self.hidden_edges.none()
    }

    /// Hides a node (and so every edge touching it); returns whether it
    /// was visible before.
    pub fn hide_node(&mut self, n: NodeId) -> bool {
        self.derived = Derived::default();
        self.hidden_nodes.set(n.index())
    }

    /// Hides an edge; returns whether it was visible before.
    pub fn hide_edge(&mut self, e: EdgeId) -> bool {
        self.derived = Derived::default();
        self.hidden_edges.set(e.index())
    }

    /// Whether `other` hides exactly the nodes and edges this view hides
    /// (whatever either has cached).
    pub fn same_items(&self, other: &View) -> bool {
        self.hidden_nodes.same(&other.hidden_nodes) && self.hidden_edges.same(&other.hidden_edges)
    }

    /// Hides everything `other` hides too (scenario composition).
    pub fn compose(&mut self, other: &View) {
        self.derived = Derived::default();
        self.hidden_nodes.union(&other.hidden_nodes);
        self.hidden_edges.union(&other.hidden_edges);
    }

    /// The number of visible edges of visible node `n` (0 when `n` is
    /// hidden) of type `ty` (any type when `None`), out of `n` or, when
    /// `incoming`, into it. Under a view that hides something the counts
    /// of every node are computed once per direction and type asked about
    /// (the graph's own counts, less the hidden edges) and kept with the
    /// view, so `degree(n, TYPE)` over every node stays one lookup each.
    #[inline]
    pub fn degree(&self, g: &Graph, n: NodeId, incoming: bool, ty: Option<EdgeTypeId>) -> usize {
        if self.is_full() {
            let adj = if incoming { g.in_adj() } else { g.out_adj() };
            return match ty {
                None => adj.degree(n),
                Some(t) => adj.degree_of_type(n, t),
            };
        }
        self.visible_degree(g, n, incoming, ty)
    }

    /// [`View::degree`] under a view that hides something.
    fn visible_degree(
        &self,
        g: &Graph,
        n: NodeId,
        incoming: bool,
        ty: Option<EdgeTypeId>,
    ) -> usize {
        if !self.node(n) {
            return 0;
        }
        // Per direction, "any type" then one per edge type.
        let cells = self.derived.degrees.get_or_init(|| {
            (0..2 * (g.edge_types().count() + 1))
                .map(|_| OnceLock::new())
                .collect()
        });
        let per_direction = cells.len() / 2;
        let Some(cell) = ty
            .map_or(Some(0), |t| Some(t.index() + 1))
            .filter(|i| *i < per_direction)
            .map(|i| &cells[usize::from(incoming) * per_direction + i])
        else {
            // A type the graph does not have.
            return 0;
        };
        let counts = cell.get_or_init(|| self.visible_degrees(g, incoming, ty));
        counts.get(n.index()).map_or(0, |c| *c as usize)
    }

    /// Which entries of `g`'s adjacency (out, or in when `incoming`) this
    /// view hides, by slot ([`crate::model::Adjacency::slots`]): the
    /// entry's edge or neighbour is hidden (whether the node the entry
    /// belongs to is visible is the caller's to know). `None` when nothing
    /// is hidden. A traversal that reads only the types and neighbour
    /// columns tests these bits, which stay in cache where the edge ids
    /// would not. They are computed a block of entries at a time, when a
    /// traversal first reads the block, and kept with the view: a small
    /// search pays only for the blocks it reads.
    pub fn hidden_slots<'a>(&'a self, g: &'a Graph, incoming: bool) -> Option<HiddenSlots<'a>> {
        if self.is_full() {
            return None;
        }
        let adj = if incoming { g.in_adj() } else { g.out_adj() };
        let blocks = self.derived.slots[usize::from(incoming)].get_or_init(|| {
            (0..g.edge_count().div_ceil(BLOCK))
                .map(|_| OnceLock::new())
                .collect()
        });
        Some(HiddenSlots {
            view: self,
            edges: adj.slot_edges(),
            nbrs: adj.slot_neighbors(),
            blocks,
        })
    }

    /// Every node's count for [`View::degree`]: the graph's counts, less
    /// each hidden edge at its end and each edge (not hidden itself) to a
    /// hidden neighbour. Hidden nodes' own counts are left as they are:
    /// [`View::degree`] answers 0 for them.
    fn visible_degrees(&self, g: &Graph, incoming: bool, ty: Option<EdgeTypeId>) -> Box<[u32]> {
        let adj = if incoming { g.in_adj() } else { g.out_adj() };
        let other = if incoming { g.out_adj() } else { g.in_adj() };
        let mut counts: Box<[u32]> = g
            .nodes()
            .map(|n| match ty {
                None => adj.degree(n),
                Some(t) => adj.degree_of_type(n, t),
            } as u32)
            .collect();
        let wanted = |t: EdgeTypeId| ty.is_none_or(|ty| ty == t);
        for e in self.hidden_edges.words.ones() {
            let e = EdgeId(e as u32);
            if e.index() < g.edge_count() && wanted(g.edge_type(e)) {
                let (from, to) = g.edge_ends(e);
                let at = if incoming { to } else { from };
                counts[at.index()] -= 1;
            }
        }
        for h in self.hidden_nodes.words.ones() {
            let h = NodeId(h as u32);
            if h.index() >= counts.len() {
                continue;
            }
            // The edges into a hidden node, seen from their other end.
            for (e, t, n) in other.iter(h) {
                if wanted(t) && !self.edge_hidden(e) && self.node(n) {
                    counts[n.index()] -= 1;
                }
            }
        }
        counts
    }

    /// Whether the view hides any edge by itself (not through its nodes).
    #[inline]
    pub fn hides_edges(&self) -> bool {
        !self.hidden_edges.none()
    }

    /// The number of hidden nodes and edges.
    pub fn hidden_counts(&self) -> (usize, usize) {
        (self.hidden_nodes.count(), self.hidden_edges.count())
    }
}

/// Adjacency entries per block of [`View::hidden_slots`] (small in tests,
/// so that their graphs have several).
const BLOCK: usize = if cfg!(test) { 64 } else { 4096 };

/// One block's bits.
type SlotBlock = [u64; BLOCK / 64];

/// Every node's count of one direction and type ([`View::degree`]).
type Counts = Box<[u32]>;

/// [`View::hidden_slots`]: one bit per adjacency entry, built a block at a
/// time on first read.
#[derive(Clone, Copy)]
pub struct HiddenSlots<'a> {
    view: &'a View,
    edges: &'a [EdgeId],
    nbrs: &'a [NodeId],
    blocks: &'a [OnceLock<SlotBlock>],
}

impl HiddenSlots<'_> {
    /// Whether the entry at `slot` is hidden.
    #[inline]
    pub fn get(&self, slot: usize) -> bool {
        let block = self.blocks[slot / BLOCK].get_or_init(|| self.build(slot / BLOCK));
        let i = slot % BLOCK;
        block[i / 64] >> (i % 64) & 1 == 1
    }

    /// The bits of block `b`.
    #[inline(never)]
    fn build(&self, b: usize) -> SlotBlock {
        let mut words = [0u64; BLOCK / 64];
        let nodes = !self.view.hidden_nodes.none();
        let start = b * BLOCK;
        let end = (start + BLOCK).min(self.edges.len());
        for slot in start..end {
            let hidden = self.view.edge_hidden(self.edges[slot])
                || (nodes && !self.view.node(self.nbrs[slot]));
            let i = slot - start;
            words[i / 64] |= u64::from(hidden) << (i % 64);
        }
        words
    }
}

/// What a view computes from the graph on first use and keeps: per
/// direction its hidden adjacency entries, and [`View::degree`]'s counts
/// (per direction, for "any type" and each edge type, every node's). A
/// clone or a changed view starts empty (they depend on what is hidden).
#[derive(Default)]
struct Derived {
    slots: [OnceLock<Box<[OnceLock<SlotBlock>]>>; 2],
    degrees: OnceLock<Box<[OnceLock<Counts>]>>,
}

impl Clone for Derived {
    fn clone(&self) -> Derived {
        Derived::default()
    }
}

impl PartialEq for Derived {
    /// Derived data: views that hide the same items are equal.
    fn eq(&self, _: &Derived) -> bool {
        true
    }
}

impl Eq for Derived {}

impl std::fmt::Debug for Derived {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Derived")
    }
}

/// A growable bitset ([`FixedBitSet`]); empty means "nothing set" at no
/// cost. It keeps its count of set bits, so "is anything hidden" is O(1):
/// the traversals ask it once per node.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Bits {
    words: FixedBitSet,
    ones: usize,
}

impl Bits {
    #[inline]
    fn get(&self, i: usize) -> bool {
        self.words.contains(i)
    }

    /// Sets bit `i`; returns whether it was newly set.
    fn set(&mut self, i: usize) -> bool {
        if i >= self.words.len() {
            self.words.grow(i + 1);
        }
        let new = !self.words.put(i);
        self.ones += usize::from(new);
        new
    }

    /// The same bits set (the sets may have grown to different lengths).
    fn same(&self, other: &Bits) -> bool {
        self.ones == other.ones && self.words.is_subset(&other.words)
    }

    fn union(&mut self, other: &Bits) {
        self.words.union_with(&other.words);
        self.ones = self.words.count_ones(..);
    }

    #[inline]
    fn none(&self) -> bool {
        self.ones == 0
    }

    fn count(&self) -> usize {
        self.ones
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::analysis::testing::{Viewed, random_graph, viewed};

    proptest! {
        /// The hidden entries and the counts kept with a view are what a
        /// check of each edge (its bit and its ends) gives, in either
        /// direction, also after the view changes.
        #[test]
        fn derived_data_is_the_per_edge_check(
            Viewed { n, edges, hide_nodes, hide_edges } in viewed(20, 60),
        ) {
            let g = random_graph(n, &edges);
            let mut view = View::full();
            for (k, &i) in hide_nodes.iter().enumerate() {
                view.hide_node(NodeId::from_index(i % n));
                // Asked between changes: a change must drop what was kept.
                if k == 0 && g.edge_count() > 0 {
                    view.degree(&g, NodeId(0), false, None);
                    view.hidden_slots(&g, false);
                }
            }
            for &i in &hide_edges {
                if i < g.edge_count() {
                    view.hide_edge(EdgeId(i as u32));
                }
            }
            for incoming in [false, true] {
                let adj = if incoming { g.in_adj() } else { g.out_adj() };
                for u in g.nodes() {
                    let visible: Vec<(EdgeId, EdgeTypeId)> = adj
                        .edges(u)
                        .iter()
                        .zip(adj.types(u))
                        .map(|(e, t)| (*e, *t))
                        .filter(|(e, _)| view.node(u) && view.edge(&g, *e))
                        .collect();
                    if let Some(hidden) = view.hidden_slots(&g, incoming) {
                        for (slot, e) in adj.slots(u).zip(adj.edges(u)) {
                            if view.node(u) {
                                prop_assert_eq!(hidden.get(slot), !view.edge(&g, *e));
                            }
                        }
                    } else {
                        prop_assert!(view.is_full());
                    }
                    prop_assert_eq!(view.degree(&g, u, incoming, None), visible.len());
                    for (t, _) in g.edge_types() {
                        let typed = visible.iter().filter(|(_, x)| *x == t).count();
                        prop_assert_eq!(view.degree(&g, u, incoming, Some(t)), typed);
                    }
                    let beyond = EdgeTypeId(g.edge_types().count() as u16);
                    prop_assert_eq!(view.degree(&g, u, incoming, Some(beyond)), 0);
                }
            }
        }
    }

    #[test]
    fn counts_follow_hiding_and_composition() {
        let mut a = View::full();
        assert!(a.is_full());
        assert!(a.hide_node(NodeId(3)));
        assert!(!a.hide_node(NodeId(3)));
        assert!(a.hide_edge(EdgeId(70)));
        assert_eq!(a.hidden_counts(), (1, 1));
        let mut b = View::full();
        b.hide_node(NodeId(3));
        b.hide_node(NodeId(100));
        b.compose(&a);
        assert_eq!(b.hidden_counts(), (2, 1));
        assert!(!b.node(NodeId(100)) && b.node(NodeId(4)) && b.edge_hidden(EdgeId(70)));
    }
}
