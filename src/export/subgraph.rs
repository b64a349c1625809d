//! The subgraph to export, and the one deterministic order every writer
//! emits it in.

use crate::analysis::View;
use crate::model::{EdgeId, Graph, NodeId, Value};
use crate::result::{Cell, ResultSet};

/// What to export: nodes, edges, path edges to emphasise, and a title.
///
/// The ids may come in any order and with repeats; writers normalize a copy
/// ([`Subgraph::normalize`]), so an edge always brings its endpoints and a
/// highlighted edge is always exported.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Subgraph {
    /// The nodes to export.
    pub nodes: Vec<NodeId>,
    /// The edges to export.
    pub edges: Vec<EdgeId>,
    /// Path edges to emphasise (DOT draws them and their nodes in red).
    pub highlight: Vec<EdgeId>,
    /// A title for the picture's legend (DOT) or description (GraphML).
    pub title: Option<String>,
    /// Depth of nodes from the statement's start (`upstream`,
    /// `downstream`): a layered picture puts each depth in one column.
    /// Empty: no layering asked for.
    pub depths: Vec<(NodeId, u32)>,
}

impl Subgraph {
    /// Every node and edge the view shows (an export with no statement).
    pub fn whole(g: &Graph, view: &View) -> Subgraph {
        Subgraph {
            nodes: g.nodes().filter(|n| view.node(*n)).collect(),
            edges: g.edges().filter(|e| view.edge(g, *e)).collect(),
            highlight: Vec::new(),
            title: None,
            depths: Vec::new(),
        }
    }

    /// Layers the nodes by the result's `depth` column when it has `node`
    /// and `depth` columns (`upstream`, `downstream`): each row's node at its
    /// depth, every other node of the subgraph (the start set) at depth 0.
    /// Call before adding nodes that are not the statement's own.
    pub fn layer_by_depth(&mut self, result: &ResultSet) {
        let col = |name: &str| result.columns.iter().position(|c| c == name);
        let (Some(node), Some(depth)) = (col("node"), col("depth")) else {
            return;
        };
        let mut depths: Vec<(NodeId, u32)> = result
            .rows
            .iter()
            .filter_map(|r| match (r.get(node), r.get(depth)) {
                (Some(Cell::Node(n)), Some(Cell::Value(Value::Int(d)))) => {
                    Some((*n, u32::try_from(*d).ok()?))
                }
                _ => None,
            })
            .collect();
        if depths.is_empty() {
            return;
        }
        let ranked: std::collections::HashSet<NodeId> = depths.iter().map(|&(n, _)| n).collect();
        depths.extend(
            self.nodes
                .iter()
                .filter(|n| !ranked.contains(n))
                .map(|&n| (n, 0)),
        );
        depths.sort_unstable();
        depths.dedup_by_key(|&mut (n, _)| n);
        self.depths = depths;
    }

    /// Sorts and dedups the ids, adds highlighted edges to the edges and the
    /// endpoints of every edge to the nodes (an exported edge never dangles).
    /// Takes the graph because an edge id alone does not know its endpoints.
    pub fn normalize(&mut self, g: &Graph) {
        self.highlight.sort_unstable();
        self.highlight.dedup();
        self.edges.extend_from_slice(&self.highlight);
        self.edges.sort_unstable();
        self.edges.dedup();
        self.nodes.reserve(self.edges.len());
        for &e in &self.edges {
            let (a, b) = g.edge_ends(e);
            self.nodes.push(a);
            self.nodes.push(b);
        }
        self.nodes.sort_unstable();
        self.nodes.dedup();
    }
}

/// A subgraph in output order, ready for a writer.
pub(crate) struct Ordered {
    /// Nodes sorted by id (node key).
    pub nodes: Vec<NodeId>,
    /// Edges sorted by (from key, to key, type name, edge id).
    pub edges: Vec<EdgeId>,
    /// Highlighted edges, sorted by edge id (for binary search).
    highlight: Vec<EdgeId>,
    /// Endpoints of highlighted edges, sorted by node id.
    hot_nodes: Vec<NodeId>,
}

impl Ordered {
    /// Normalizes a copy of `sub` and sorts it into output order. Ids that
    /// are not in `g` (a caller bug) are dropped rather than panicking.
    pub fn new(g: &Graph, sub: &Subgraph) -> Ordered {
        let mut sub = Subgraph {
            nodes: sub
                .nodes
                .iter()
                .copied()
                .filter(|n| n.index() < g.node_count())
                .collect(),
            edges: sub
                .edges
                .iter()
                .copied()
                .filter(|e| e.index() < g.edge_count())
                .collect(),
            highlight: sub
                .highlight
                .iter()
                .copied()
                .filter(|e| e.index() < g.edge_count())
                .collect(),
            title: None,
            depths: Vec::new(),
        };
        sub.normalize(g);
        let mut hot_nodes: Vec<NodeId> = Vec::with_capacity(sub.highlight.len() * 2);
        for &e in &sub.highlight {
            let (a, b) = g.edge_ends(e);
            hot_nodes.push(a);
            hot_nodes.push(b);
        }
        hot_nodes.sort_unstable();
        hot_nodes.dedup();
        let mut nodes = sub.nodes;
        // Node keys are unique, so an unstable sort is deterministic.
        nodes.sort_unstable_by(|a, b| g.node_key(*a).cmp(g.node_key(*b)));
        let edges = sort_edges(g, &nodes, sub.edges);
        Ordered {
            nodes,
            edges,
            highlight: sub.highlight,
            hot_nodes,
        }
    }

    /// Whether the edge is a highlighted path edge.
    pub fn is_hot_edge(&self, e: EdgeId) -> bool {
        self.highlight.binary_search(&e).is_ok()
    }

    /// Whether the node is an endpoint of a highlighted path edge.
    pub fn is_hot_node(&self, n: NodeId) -> bool {
        self.hot_nodes.binary_search(&n).is_ok()
    }

    /// Whether anything is highlighted.
    pub fn has_highlight(&self) -> bool {
        !self.highlight.is_empty()
    }
}

/// Sorts edges by (from key, to key, type name, edge id) without comparing
/// strings per pair: each endpoint is replaced by its rank among the sorted
/// nodes (which hold every endpoint) and each type by its rank by name, so
/// the sort compares integers.
fn sort_edges(g: &Graph, sorted_nodes: &[NodeId], edges: Vec<EdgeId>) -> Vec<EdgeId> {
    // Zeroed memory is mapped lazily: a small export of a huge graph only
    // touches the pages of its own nodes.
    let mut rank = vec![0u32; g.node_count()];
    for (i, n) in sorted_nodes.iter().enumerate() {
        rank[n.index()] = i as u32;
    }
    let mut types: Vec<(&str, usize)> = g
        .edge_types()
        .map(|(t, info)| (&*info.name, t.index()))
        .collect();
    types.sort_unstable();
    let mut type_rank = vec![0u32; types.len()];
    for (i, (_, t)) in types.iter().enumerate() {
        type_rank[*t] = i as u32;
    }
    let mut keyed: Vec<(u32, u32, u32, EdgeId)> = edges
        .into_iter()
        .map(|e| {
            let (a, b) = g.edge_ends(e);
            (
                rank[a.index()],
                rank[b.index()],
                type_rank[g.edge_type(e).index()],
                e,
            )
        })
        .collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|k| k.3).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testkit::{hostile_graph, scrambled};
    use std::cmp::Ordering;

    /// The edge order `sort_edges` implements, spelled out: from key, to
    /// key, type name, then edge id (parallel edges of one type keep load
    /// order).
    fn edge_order(g: &Graph, a: EdgeId, b: EdgeId) -> Ordering {
        let (af, at) = g.edge_ends(a);
        let (bf, bt) = g.edge_ends(b);
        g.node_key(af)
            .cmp(g.node_key(bf))
            .then_with(|| g.node_key(at).cmp(g.node_key(bt)))
            .then_with(|| {
                g.edge_type_name(g.edge_type(a))
                    .cmp(g.edge_type_name(g.edge_type(b)))
            })
            .then_with(|| a.cmp(&b))
    }

    #[test]
    fn normalize_adds_endpoints_and_highlight_and_dedups() {
        let g = hostile_graph();
        let e = g.edges().next().expect("the test graph has edges");
        let (a, b) = g.edge_ends(e);
        let mut sub = Subgraph {
            highlight: vec![e, e],
            ..Subgraph::default()
        };
        sub.normalize(&g);
        assert_eq!(sub.edges, vec![e]);
        assert_eq!(sub.highlight, vec![e]);
        let mut want = vec![a, b];
        want.sort();
        want.dedup();
        assert_eq!(sub.nodes, want);
    }

    #[test]
    fn order_is_by_key_whatever_the_input_order() {
        let g = hostile_graph();
        let whole = Subgraph::whole(&g, &View::full());
        let a = Ordered::new(&g, &whole);
        let b = Ordered::new(&g, &scrambled(&whole));
        assert_eq!(a.nodes, b.nodes);
        assert_eq!(a.edges, b.edges);
        let keys: Vec<&str> = a.nodes.iter().map(|n| g.node_key(*n)).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        for w in a.edges.windows(2) {
            assert_eq!(edge_order(&g, w[0], w[1]), Ordering::Less);
        }
    }

    #[test]
    fn whole_respects_the_view() {
        let g = hostile_graph();
        let mut view = View::full();
        let hidden = g.nodes().next().expect("the test graph has nodes");
        view.hide_node(hidden);
        let sub = Subgraph::whole(&g, &view);
        assert!(!sub.nodes.contains(&hidden));
        assert_eq!(sub.nodes.len(), g.node_count() - 1);
        for e in &sub.edges {
            let (a, b) = g.edge_ends(*e);
            assert!(a != hidden && b != hidden);
        }
    }
}
