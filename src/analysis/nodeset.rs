//! A set of nodes as the model's bitset plus the member list: O(1)
//! membership for the traversals, and the members in insertion order
//! without a scan of the whole graph.

use crate::model::{self, NodeId};

/// A set of nodes of one graph.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeSet {
    mask: model::NodeSet,
    list: Vec<NodeId>,
}

impl NodeSet {
    /// The empty set over a graph of `node_count` nodes.
    pub fn new(node_count: usize) -> NodeSet {
        NodeSet {
            mask: model::NodeSet::with_capacity(node_count),
            list: Vec::new(),
        }
    }

    /// Whether `n` is in the set.
    #[inline]
    pub fn contains(&self, n: NodeId) -> bool {
        self.mask.contains(n)
    }

    /// Adds `n`; returns whether it was new.
    #[inline]
    pub fn insert(&mut self, n: NodeId) -> bool {
        let new = self.mask.insert(n);
        if new {
            self.list.push(n);
        }
        new
    }

    /// The members in insertion order.
    pub fn nodes(&self) -> &[NodeId] {
        &self.list
    }

    /// The members sorted by id.
    pub fn sorted(&self) -> Vec<NodeId> {
        let mut v = self.list.clone();
        v.sort_unstable();
        v
    }

    /// The number of members.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}
