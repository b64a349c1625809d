//! Scenario views: a filter over node and edge ids, never a copy of the
//! graph. The loaded graph never changes; a scenario hides nodes and edges.

use fixedbitset::FixedBitSet;

use crate::model::{Date, EdgeId, Graph, NodeId};

/// Which nodes and edges a statement may see. The full view hides nothing
/// and costs nothing to query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct View {
    hidden_nodes: Bits,
    hidden_edges: Bits,
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
        self.hidden_nodes.set(n.index())
    }

    /// Hides an edge; returns whether it was visible before.
    pub fn hide_edge(&mut self, e: EdgeId) -> bool {
        self.hidden_edges.set(e.index())
    }

    /// Hides everything `other` hides too (scenario composition).
    pub fn compose(&mut self, other: &View) {
        self.hidden_nodes.union(&other.hidden_nodes);
        self.hidden_edges.union(&other.hidden_edges);
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
    use super::*;

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
