//! petgraph's view of the graph: [`Graph`] implements petgraph's visit
//! traits over its own CSR adjacency, so `petgraph::algo` (strongly
//! connected components, topological order, Dijkstra, dominators, ...) and
//! `petgraph::visit` (BFS, DFS, DfsPostOrder, ...) run on the loaded graph
//! directly, with our typed ids, and without copying tens of millions of
//! edges into a second structure.
//!
//! ```
//! use faultline::model::{GraphBuilder, Value};
//! use petgraph::algo::tarjan_scc;
//!
//! let mut b = GraphBuilder::new();
//! let firm = b.kind("Firm");
//! let t = b.edge_type("SUPPLIES");
//! let a = b.add_node("a", firm, "A", vec![], []).unwrap();
//! let c = b.add_node("c", firm, "C", vec![], []).unwrap();
//! b.add_edge(a, c, t, []);
//! b.add_edge(c, a, t, []);
//! let g = b.finish();
//! assert_eq!(tarjan_scc(&g).len(), 1);
//! ```

use fixedbitset::FixedBitSet;
use petgraph::Direction as PgDirection;
use petgraph::visit::{
    self, Data, EdgeCount, EdgeIndexable, GraphBase, GraphProp, IntoEdgeReferences, IntoEdges,
    IntoEdgesDirected, IntoNeighbors, IntoNeighborsDirected, IntoNodeIdentifiers,
    NodeCompactIndexable, NodeCount, NodeIndexable, VisitMap, Visitable,
};

use super::graph::Graph;
use super::ids::{EdgeId, EdgeTypeId, NodeId};

impl GraphBase for Graph {
    type NodeId = NodeId;
    type EdgeId = EdgeId;
}

impl Data for Graph {
    type NodeWeight = ();
    type EdgeWeight = EdgeTypeId;
}

impl GraphProp for Graph {
    type EdgeType = petgraph::Directed;
}

impl NodeCount for Graph {
    fn node_count(&self) -> usize {
        Graph::node_count(self)
    }
}

impl EdgeCount for Graph {
    fn edge_count(&self) -> usize {
        Graph::edge_count(self)
    }
}

impl NodeIndexable for Graph {
    fn node_bound(&self) -> usize {
        Graph::node_count(self)
    }
    fn to_index(&self, a: NodeId) -> usize {
        a.index()
    }
    fn from_index(&self, i: usize) -> NodeId {
        NodeId::from_index(i)
    }
}

impl NodeCompactIndexable for Graph {}

impl EdgeIndexable for Graph {
    fn edge_bound(&self) -> usize {
        Graph::edge_count(self)
    }
    fn to_index(&self, a: EdgeId) -> usize {
        a.index()
    }
    fn from_index(&self, i: usize) -> EdgeId {
        EdgeId::from_index(i)
    }
}

/// A set of nodes as a bitset ([`FixedBitSet`]): petgraph's visit map for
/// [`Graph`], and a compact `visited` set for any traversal.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeSet {
    bits: FixedBitSet,
}

impl NodeSet {
    /// An empty set sized for `nodes` nodes (it grows as needed).
    pub fn with_capacity(nodes: usize) -> NodeSet {
        NodeSet {
            bits: FixedBitSet::with_capacity(nodes),
        }
    }

    /// Adds `n`; returns whether it was new.
    #[inline]
    pub fn insert(&mut self, n: NodeId) -> bool {
        if n.index() >= self.bits.len() {
            self.bits.grow(n.index() + 1);
        }
        !self.bits.put(n.index())
    }

    /// Removes `n`; returns whether it was there.
    #[inline]
    pub fn remove(&mut self, n: NodeId) -> bool {
        let was = self.bits.contains(n.index());
        if was {
            self.bits.set(n.index(), false);
        }
        was
    }

    /// Whether `n` is in the set.
    #[inline]
    pub fn contains(&self, n: NodeId) -> bool {
        self.bits.contains(n.index())
    }

    /// Empties the set, keeping its memory.
    pub fn clear(&mut self) {
        self.bits.clear();
    }
}

impl VisitMap<NodeId> for NodeSet {
    fn visit(&mut self, a: NodeId) -> bool {
        self.insert(a)
    }
    fn is_visited(&self, a: &NodeId) -> bool {
        self.contains(*a)
    }
    fn unvisit(&mut self, a: NodeId) -> bool {
        self.remove(a)
    }
}

impl Visitable for Graph {
    type Map = NodeSet;
    fn visit_map(&self) -> NodeSet {
        NodeSet::with_capacity(Graph::node_count(self))
    }
    fn reset_map(&self, map: &mut NodeSet) {
        map.clear();
        map.bits.grow(Graph::node_count(self));
    }
}

impl<'a> IntoNeighbors for &'a Graph {
    type Neighbors = std::iter::Copied<std::slice::Iter<'a, NodeId>>;
    fn neighbors(self, a: NodeId) -> Self::Neighbors {
        self.out_adj().neighbors(a).iter().copied()
    }
}

impl<'a> IntoNeighborsDirected for &'a Graph {
    type NeighborsDirected = std::iter::Copied<std::slice::Iter<'a, NodeId>>;
    fn neighbors_directed(self, n: NodeId, d: PgDirection) -> Self::NeighborsDirected {
        let adj = match d {
            PgDirection::Outgoing => self.out_adj(),
            PgDirection::Incoming => self.in_adj(),
        };
        adj.neighbors(n).iter().copied()
    }
}

impl IntoNodeIdentifiers for &Graph {
    type NodeIdentifiers = std::iter::Map<std::ops::Range<u32>, fn(u32) -> NodeId>;
    fn node_identifiers(self) -> Self::NodeIdentifiers {
        (0..Graph::node_count(self) as u32).map(|i| NodeId::from_index(i as usize))
    }
}

/// An edge as petgraph sees it: id, ends and type (the weight).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EdgeRef {
    /// The edge.
    pub id: EdgeId,
    /// Its `from`.
    pub source: NodeId,
    /// Its `to`.
    pub target: NodeId,
    /// Its type.
    pub ty: EdgeTypeId,
}

impl visit::EdgeRef for EdgeRef {
    type NodeId = NodeId;
    type EdgeId = EdgeId;
    type Weight = EdgeTypeId;
    fn source(&self) -> NodeId {
        self.source
    }
    fn target(&self) -> NodeId {
        self.target
    }
    fn weight(&self) -> &EdgeTypeId {
        &self.ty
    }
    fn id(&self) -> EdgeId {
        self.id
    }
}

/// Every edge, in load order.
#[derive(Clone, Debug)]
pub struct EdgeRefs<'a> {
    g: &'a Graph,
    next: u32,
}

impl Iterator for EdgeRefs<'_> {
    type Item = EdgeRef;
    fn next(&mut self) -> Option<EdgeRef> {
        let id = EdgeId::from_index(self.next as usize);
        if id.index() >= self.g.edge_count() {
            return None;
        }
        self.next += 1;
        let (source, target) = self.g.edge_ends(id);
        Some(EdgeRef {
            id,
            source,
            target,
            ty: self.g.edge_type(id),
        })
    }
}

impl<'a> IntoEdgeReferences for &'a Graph {
    type EdgeRef = EdgeRef;
    type EdgeReferences = EdgeRefs<'a>;
    fn edge_references(self) -> EdgeRefs<'a> {
        EdgeRefs { g: self, next: 0 }
    }
}

/// The edges of one node in one direction; sources and targets are the
/// edge's own (an incoming edge's target is the node).
#[derive(Clone, Debug)]
pub struct NodeEdges<'a> {
    node: NodeId,
    incoming: bool,
    edges: std::slice::Iter<'a, EdgeId>,
    types: std::slice::Iter<'a, EdgeTypeId>,
    nbrs: std::slice::Iter<'a, NodeId>,
}

impl Iterator for NodeEdges<'_> {
    type Item = EdgeRef;
    fn next(&mut self) -> Option<EdgeRef> {
        let (id, ty, other) = (*self.edges.next()?, *self.types.next()?, *self.nbrs.next()?);
        let (source, target) = if self.incoming {
            (other, self.node)
        } else {
            (self.node, other)
        };
        Some(EdgeRef {
            id,
            source,
            target,
            ty,
        })
    }
}

fn node_edges(g: &Graph, node: NodeId, incoming: bool) -> NodeEdges<'_> {
    let adj = if incoming { g.in_adj() } else { g.out_adj() };
    NodeEdges {
        node,
        incoming,
        edges: adj.edges(node).iter(),
        types: adj.types(node).iter(),
        nbrs: adj.neighbors(node).iter(),
    }
}

impl<'a> IntoEdges for &'a Graph {
    type Edges = NodeEdges<'a>;
    fn edges(self, a: NodeId) -> NodeEdges<'a> {
        node_edges(self, a, false)
    }
}

impl<'a> IntoEdgesDirected for &'a Graph {
    type EdgesDirected = NodeEdges<'a>;
    fn edges_directed(self, a: NodeId, dir: PgDirection) -> NodeEdges<'a> {
        node_edges(self, a, dir == PgDirection::Incoming)
    }
}

#[cfg(test)]
mod tests {
    use petgraph::algo::{dijkstra, has_path_connecting, tarjan_scc, toposort};
    use petgraph::visit::{Bfs, EdgeRef as _};

    use super::*;
    use crate::model::GraphBuilder;

    /// a -> b -> c -> a, c -> d.
    fn cycle_and_tail() -> (Graph, Vec<NodeId>) {
        let mut b = GraphBuilder::new();
        let k = b.kind("K");
        let t = b.edge_type("T");
        let ids: Vec<NodeId> = ["a", "b", "c", "d"]
            .iter()
            .map(|id| b.add_node(id, k, id, vec![], []).unwrap())
            .collect();
        for (x, y) in [(0, 1), (1, 2), (2, 0), (2, 3)] {
            b.add_edge(ids[x], ids[y], t, []);
        }
        (b.finish(), ids)
    }

    #[test]
    fn petgraph_algorithms_run_on_the_graph() {
        let (g, ids) = cycle_and_tail();
        let mut sccs = tarjan_scc(&g);
        sccs.iter_mut().for_each(|c| c.sort());
        sccs.sort();
        assert_eq!(sccs, vec![ids[..3].to_vec(), vec![ids[3]]]);
        assert!(toposort(&g, None).is_err(), "the graph has a cycle");
        assert!(has_path_connecting(&g, ids[1], ids[3], None));
        assert!(!has_path_connecting(&g, ids[3], ids[0], None));
        let dist = dijkstra(&g, ids[0], None, |_| 1u32);
        assert_eq!(dist.get(&ids[3]), Some(&3));
        let mut bfs = Bfs::new(&g, ids[3]);
        assert_eq!(bfs.next(&g), Some(ids[3]));
        assert_eq!(bfs.next(&g), None);
    }

    #[test]
    fn directed_edges_keep_their_own_ends() {
        let (g, ids) = cycle_and_tail();
        let incoming: Vec<(NodeId, NodeId)> = g
            .edges_directed(ids[0], PgDirection::Incoming)
            .map(|e| (e.source(), e.target()))
            .collect();
        assert_eq!(incoming, [(ids[2], ids[0])]);
        assert_eq!(g.edge_references().count(), 4);
        let e = IntoEdges::edges(&g, ids[2]).last().unwrap();
        assert_eq!(
            (e.target(), g.edge_ends(e.id())),
            (ids[3], (ids[2], ids[3]))
        );
    }

    #[test]
    fn node_sets_insert_remove_and_grow() {
        let mut s = NodeSet::with_capacity(3);
        assert!(s.insert(NodeId(2)));
        assert!(!s.insert(NodeId(2)));
        assert!(s.insert(NodeId(700)));
        assert!(s.contains(NodeId(700)) && !s.contains(NodeId(3)));
        assert!(s.remove(NodeId(2)) && !s.remove(NodeId(2)));
        s.clear();
        assert!(!s.contains(NodeId(700)));
    }
}
