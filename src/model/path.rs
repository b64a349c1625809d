//! A path through the graph: alternating nodes and edges.

use super::ids::{EdgeId, NodeId};

/// A walk `nodes[0] -edges[0]-> nodes[1] ...`; `edges.len() + 1 == nodes.len()`
/// (an empty path is a single node). Edges may be traversed against their
/// direction (undirected patterns); the edge's own ends say which way it points.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Path {
    /// The nodes in walk order.
    pub nodes: Vec<NodeId>,
    /// The edges between consecutive nodes.
    pub edges: Vec<EdgeId>,
}

impl Path {
    /// A path of one node and no edges.
    pub fn single(node: NodeId) -> Path {
        Path {
            nodes: vec![node],
            edges: Vec::new(),
        }
    }

    /// A path of one node with room for `hops` more without reallocating
    /// (paths built by the million: one allocation each instead of three).
    pub fn with_room(node: NodeId, hops: usize) -> Path {
        let mut nodes = Vec::with_capacity(hops + 1);
        nodes.push(node);
        Path {
            nodes,
            edges: Vec::with_capacity(hops),
        }
    }

    /// The number of edges (hops).
    pub fn len(&self) -> usize {
        self.edges.len()
    }

    /// Whether the path has no edges.
    pub fn is_empty(&self) -> bool {
        self.edges.is_empty()
    }

    /// Appends one hop.
    pub fn push(&mut self, edge: EdgeId, node: NodeId) {
        self.edges.push(edge);
        self.nodes.push(node);
    }
}
