//! Test fixtures: a small schema with every role and both directions, and a
//! builder that names nodes by their id.

use std::collections::HashMap;

use indexmap::IndexMap;

use crate::model::{
    Direction, EdgeId, EdgeTypeDef, EdgeTypeId, Graph, GraphBuilder, KindId, NodeId, PropKey, Role,
    Schema, Value,
};

/// Builds test graphs over the schema: `DEPENDS_ON` (dependency, forward),
/// `SUPPLIES` (dependency, reverse), `LOCATED_IN` and `MEMBER_OF`
/// (membership), `TARGETS` (impact), `PARTNER` (other).
pub(crate) struct Fixture {
    b: GraphBuilder,
    names: HashMap<String, NodeId>,
    kind: KindId,
    share: PropKey,
    cost: PropKey,
    pub dep: EdgeTypeId,
    pub sup: EdgeTypeId,
    pub loc: EdgeTypeId,
    pub member: EdgeTypeId,
    pub targets: EdgeTypeId,
    pub other: EdgeTypeId,
}

impl Fixture {
    pub fn new() -> Fixture {
        let types = [
            ("DEPENDS_ON", Role::Dependency, Direction::Forward),
            ("SUPPLIES", Role::Dependency, Direction::Reverse),
            ("LOCATED_IN", Role::Membership, Direction::Forward),
            ("MEMBER_OF", Role::Membership, Direction::Forward),
            ("TARGETS", Role::Impact, Direction::Forward),
            ("PARTNER", Role::Other, Direction::Forward),
        ];
        let edges = types
            .into_iter()
            .map(|(name, role, direction)| {
                let def = EdgeTypeDef {
                    role,
                    direction,
                    ..EdgeTypeDef::default()
                };
                (name.to_string(), def)
            })
            .collect();
        let mut b = GraphBuilder::new();
        b.set_schema(Schema {
            kinds: IndexMap::new(),
            edges,
        });
        Fixture {
            kind: b.kind("Firm"),
            share: b.prop_key("share"),
            cost: b.prop_key("cost"),
            dep: b.edge_type("DEPENDS_ON"),
            sup: b.edge_type("SUPPLIES"),
            loc: b.edge_type("LOCATED_IN"),
            member: b.edge_type("MEMBER_OF"),
            targets: b.edge_type("TARGETS"),
            other: b.edge_type("PARTNER"),
            b,
            names: HashMap::new(),
        }
    }

    /// A node whose id and name are `name`.
    pub fn node(&mut self, name: &str) -> NodeId {
        let n = self
            .b
            .add_node(name, self.kind, name, Vec::new(), [])
            .expect("test node ids are unique");
        self.names.insert(name.to_string(), n);
        n
    }

    pub fn nodes<const N: usize>(&mut self, names: [&str; N]) -> [NodeId; N] {
        names.map(|n| self.node(n))
    }

    pub fn edge(&mut self, a: NodeId, b: NodeId, ty: EdgeTypeId, share: Option<f64>) -> EdgeId {
        let props: Vec<(PropKey, Value)> = share
            .map(|s| (self.share, Value::Float(s)))
            .into_iter()
            .collect();
        self.b.add_edge(a, b, ty, props)
    }

    /// An edge with a `cost` property (for weighted paths).
    pub fn costed(&mut self, a: NodeId, b: NodeId, ty: EdgeTypeId, cost: Value) -> EdgeId {
        self.b.add_edge(a, b, ty, [(self.cost, cost)])
    }

    /// `consumer DEPENDS_ON provider`.
    pub fn dep(&mut self, consumer: NodeId, provider: NodeId, share: Option<f64>) -> EdgeId {
        self.edge(consumer, provider, self.dep, share)
    }

    /// `provider SUPPLIES consumer` (a reverse dependency type).
    pub fn supplies(&mut self, provider: NodeId, consumer: NodeId, share: Option<f64>) -> EdgeId {
        self.edge(provider, consumer, self.sup, share)
    }

    pub fn located(&mut self, firm: NodeId, nation: NodeId) -> EdgeId {
        self.edge(firm, nation, self.loc, None)
    }

    pub fn targets(&mut self, policy: NodeId, on: NodeId) -> EdgeId {
        self.edge(policy, on, self.targets, None)
    }

    pub fn partner(&mut self, a: NodeId, b: NodeId) -> EdgeId {
        self.edge(a, b, self.other, None)
    }

    /// A graph of the nodes `names` (ids in that order) and the `edges` of
    /// [`Fixture::link`].
    pub fn graph<const N: usize>(names: [&str; N], edges: &str) -> (Graph, [NodeId; N]) {
        let mut f = Fixture::new();
        let nodes = f.nodes(names);
        f.link(edges);
        (f.finish(), nodes)
    }

    /// A chain `n0 -> n1 -> …` of `n` nodes, each step `parallel` edges
    /// without a share.
    pub fn chain(n: usize, parallel: usize) -> (Graph, Vec<NodeId>) {
        let mut f = Fixture::new();
        let nodes: Vec<NodeId> = (0..n).map(|i| f.node(&format!("n{i}"))).collect();
        for w in nodes.windows(2) {
            for _ in 0..parallel {
                f.dep(w[0], w[1], None);
            }
        }
        (f.finish(), nodes)
    }

    /// Edges written out, comma-separated, between nodes made before (by
    /// name): `a -> b 0.5` (`a DEPENDS_ON b`, the share optional),
    /// `p supplies c`, `f in n` (`LOCATED_IN`), `n member b`,
    /// `p targets n`, `a partner b`.
    pub fn link(&mut self, edges: &str) {
        for item in edges.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let words: Vec<&str> = item.split_whitespace().collect();
            let [from, op, to, share @ ..] = words.as_slice() else {
                panic!("edge `{item}`: expected `FROM OP TO [SHARE]`");
            };
            let ty = match *op {
                "->" => self.dep,
                "supplies" => self.sup,
                "in" => self.loc,
                "member" => self.member,
                "targets" => self.targets,
                "partner" => self.other,
                _ => panic!("edge `{item}`: unknown operator `{op}`"),
            };
            let share = share.first().map(|s| s.parse().expect("a share"));
            let node = |name: &str| self.names[name];
            self.edge(node(from), node(to), ty, share);
        }
    }

    pub fn finish(self) -> Graph {
        self.b.finish()
    }
}

/// A random graph for property tests: `n` nodes named `n0..`, and edges
/// `(from, to, type, share)` where type 0 is `DEPENDS_ON`, 1 `SUPPLIES`,
/// 2 `PARTNER`.
pub(crate) fn random_graph(n: usize, edges: &[(usize, usize, u8, Option<f64>)]) -> Graph {
    let mut f = Fixture::new();
    let nodes: Vec<NodeId> = (0..n).map(|i| f.node(&format!("n{i}"))).collect();
    random_edges_between(f, &nodes, edges)
}

/// The graph of `f` with `edges` between `nodes` (ends taken modulo their
/// number; type 0 DEPENDS_ON, 1 SUPPLIES, else PARTNER).
fn random_edges_between(
    mut f: Fixture,
    nodes: &[NodeId],
    edges: &[(usize, usize, u8, Option<f64>)],
) -> Graph {
    let n = nodes.len();
    for &(a, b, ty, share) in edges {
        let ty = match ty {
            0 => f.dep,
            1 => f.sup,
            _ => f.other,
        };
        f.edge(nodes[a % n], nodes[b % n], ty, share);
    }
    f.finish()
}

/// [`random_graph`] with every third node (`n2`, `n5`, ...) of kind
/// `Nation` instead of `Firm`, for checks of kinds.
pub(crate) fn random_graph_of_two_kinds(
    n: usize,
    edges: &[(usize, usize, u8, Option<f64>)],
) -> Graph {
    let mut f = Fixture::new();
    let nation = f.b.kind("Nation");
    let nodes: Vec<NodeId> = (0..n)
        .map(|i| {
            let name = format!("n{i}");
            let kind = if i % 3 == 2 { nation } else { f.kind };
            let id =
                f.b.add_node(&name, kind, &name, Vec::new(), [])
                    .expect("test node ids are unique");
            f.names.insert(name, id);
            id
        })
        .collect();
    random_edges_between(f, &nodes, edges)
}

/// Strategy for [`random_graph`]'s edges.
pub(crate) fn random_edges(
    n: usize,
    max_edges: usize,
) -> impl proptest::strategy::Strategy<Value = Vec<(usize, usize, u8, Option<f64>)>> {
    use proptest::prelude::*;
    let share = prop_oneof![
        3 => Just(None),
        1 => Just(Some(0.1)),
        1 => Just(Some(0.25)),
        1 => Just(Some(0.5)),
        1 => Just(Some(0.7)),
        1 => Just(Some(1.0)),
        1 => Just(Some(1.5)),
    ];
    proptest::collection::vec((0..n, 0..n, 0u8..3, share), 0..max_edges)
}

/// A random graph (node count and edges) and what to hide in it, by index
/// (wrapped by the user): the input of the view property tests.
#[derive(Clone, Debug)]
pub(crate) struct Viewed {
    /// Nodes of the graph (at least 1).
    pub n: usize,
    /// [`random_graph`]'s edges.
    pub edges: Vec<(usize, usize, u8, Option<f64>)>,
    /// Node indexes to hide.
    pub hide_nodes: Vec<usize>,
    /// Edge indexes to hide.
    pub hide_edges: Vec<usize>,
}

/// Strategy for [`Viewed`]: up to `max_nodes` nodes and `max_edges` edges,
/// a few of each hidden.
pub(crate) fn viewed(
    max_nodes: usize,
    max_edges: usize,
) -> impl proptest::strategy::Strategy<Value = Viewed> {
    use proptest::prelude::*;
    (
        1..max_nodes,
        random_edges(max_nodes, max_edges),
        proptest::collection::vec(0..max_nodes, 0..4),
        proptest::collection::vec(0..max_edges, 0..12),
    )
        .prop_map(|(n, edges, hide_nodes, hide_edges)| Viewed {
            n,
            edges,
            hide_nodes,
            hide_edges,
        })
}

/// Exposure by the spec's definition: iterate `x = F(x)` from 0 (T fixed
/// at 1) until nothing moves by 1e-15, or `rounds` times.
pub(crate) fn naive_exposure(
    g: &Graph,
    view: &crate::analysis::View,
    spec: &crate::analysis::ArcSpec,
    t: &[bool],
    rounds: Option<u32>,
) -> Vec<f64> {
    let pinned = |u: usize| t[u].then_some(1.0);
    naive_rounds(g, view, spec, &pinned, &|_| 0.0, rounds)
}

/// The least fixed point of `x(u) = b(u) + Σ w(u,v)·x(v)` (or `pinned(u)`
/// when it says so) by its definition: rounds from 0 until nothing moves
/// by 1e-15, or `rounds` times.
pub(crate) fn naive_rounds(
    g: &Graph,
    view: &crate::analysis::View,
    spec: &crate::analysis::ArcSpec,
    pinned: &dyn Fn(usize) -> Option<f64>,
    b: &dyn Fn(NodeId) -> f64,
    rounds: Option<u32>,
) -> Vec<f64> {
    let n = g.node_count();
    let arcs: Vec<Vec<(EdgeId, NodeId, f64)>> =
        g.nodes().map(|u| spec.weighted_arcs(g, view, u)).collect();
    let b: Vec<f64> = g.nodes().map(b).collect();
    let mut x: Vec<f64> = (0..n).map(|u| pinned(u).unwrap_or(0.0)).collect();
    let limit = rounds.unwrap_or(2_000_000);
    for _ in 0..limit {
        let y: Vec<f64> = (0..n)
            .map(|u| {
                pinned(u).unwrap_or_else(|| {
                    b[u] + arcs[u]
                        .iter()
                        .map(|(_, v, w)| w * x[v.index()])
                        .sum::<f64>()
                })
            })
            .collect();
        let change = x
            .iter()
            .zip(&y)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        x = y;
        if rounds.is_none() && change < 1e-15 {
            break;
        }
    }
    x
}

/// The arc subgraph of all of `g` (every node a row, the default arcs, the
/// full view) and its strongly connected components: what the solvers'
/// tests start from. `keep_zero` keeps arcs of weight 0.
pub(crate) fn whole_local(
    g: &Graph,
    keep_zero: bool,
) -> (crate::analysis::local::Local, crate::analysis::scc::Sccs) {
    use crate::analysis::local::{Grow, grow};
    use crate::analysis::{ArcSpec, View};
    use crate::limits::Work;
    let spec = ArcSpec::new(g, None);
    let all: Vec<NodeId> = g.nodes().collect();
    let how = Grow {
        stop: None,
        depth: None,
        keep_zero,
    };
    let l = grow(g, &View::full(), &spec, &all, &how, &Work::unlimited())
        .expect("an unlimited budget never runs out");
    let s = crate::analysis::scc::sccs(&l, &Work::unlimited())
        .expect("an unlimited budget never runs out");
    (l, s)
}
