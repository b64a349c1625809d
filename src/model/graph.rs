//! The graph store: a petgraph directed graph of typed nodes and edges, with
//! indexes from id, name and alias to node, interned kinds, edge types and
//! property keys, and a CSR adjacency for fast traversal.
//!
//! A [`Graph`] is immutable once built: the loader fills a [`GraphBuilder`]
//! and calls [`GraphBuilder::finish`]. Merging more data (`:load`) goes back
//! through [`Graph::to_builder`], so a failed load never touches the graph
//! that was there before.

use indexmap::{IndexMap, IndexSet};
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};

use super::adjacency::Adjacency;
use super::ids::{EdgeId, EdgeTypeId, KindId, NodeId, PropKey};
use super::schema::{Direction, Role, Schema};
use super::store::Pool;
use super::value::{Stored, Value};

/// What a node carries. Property keys are interned; values are compact.
#[derive(Clone, Debug)]
struct NodeData {
    key: Box<str>,
    name: Box<str>,
    kind: KindId,
    aliases: Box<[Box<str>]>,
    props: Box<[(PropKey, Stored)]>,
}

/// What an edge carries inline; its properties live in a flat arena.
#[derive(Clone, Copy, Debug)]
struct EdgeData {
    ty: EdgeTypeId,
}

/// Everything the analyses need to know about an edge type.
#[derive(Clone, Debug)]
pub struct EdgeTypeInfo {
    /// The type's name.
    pub name: Box<str>,
    /// Its role (from the schema; `other` without one).
    pub role: Role,
    /// Which end is the dependent.
    pub direction: Direction,
}

/// The result of looking a node up by id, name or alias.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// Exactly one node.
    Found(NodeId),
    /// Several nodes share the text (at the first level that matched).
    Ambiguous(Vec<NodeId>),
    /// No match; up to three near nodes as suggestions.
    Missing(Vec<NodeId>),
}

/// Node ids under one lower-cased key: usually one, so no allocation.
#[derive(Clone, Debug)]
enum Hits {
    One(NodeId),
    Many(Vec<NodeId>),
}

impl Hits {
    fn push(&mut self, n: NodeId) {
        match self {
            Hits::One(first) if *first != n => *self = Hits::Many(vec![*first, n]),
            Hits::One(_) => {}
            Hits::Many(v) => {
                if !v.contains(&n) {
                    v.push(n)
                }
            }
        }
    }

    fn as_slice(&self) -> &[NodeId] {
        match self {
            Hits::One(n) => std::slice::from_ref(n),
            Hits::Many(v) => v,
        }
    }
}

fn add_hit(map: &mut IndexMap<Box<str>, Hits>, key: String, n: NodeId) {
    match map.get_mut(key.as_str()) {
        Some(h) => h.push(n),
        None => {
            map.insert(key.into_boxed_str(), Hits::One(n));
        }
    }
}

/// The shared tables of builder and graph.
#[derive(Clone, Debug, Default)]
struct Tables {
    g: DiGraph<NodeData, EdgeData, u32>,
    kinds: IndexSet<Box<str>>,
    edge_types: Vec<EdgeTypeInfo>,
    edge_type_index: IndexMap<Box<str>, EdgeTypeId>,
    pool: Pool,
    by_key: IndexMap<Box<str>, NodeId>,
    edge_prop_start: Vec<u32>,
    edge_props: Vec<(PropKey, Stored)>,
    schema: Option<Schema>,
}

/// Accumulates nodes and edges; [`GraphBuilder::finish`] makes a [`Graph`].
#[derive(Clone, Debug, Default)]
pub struct GraphBuilder {
    t: Tables,
}

impl GraphBuilder {
    /// An empty builder with no schema.
    pub fn new() -> GraphBuilder {
        GraphBuilder::default()
    }

    /// Sets (or replaces) the schema; edge types it declares get their roles.
    pub fn set_schema(&mut self, schema: Schema) {
        for (name, def) in &schema.edges {
            let t = self.edge_type(name);
            let info = &mut self.t.edge_types[t.index()];
            info.role = def.role;
            info.direction = def.direction;
        }
        for name in schema.kinds.keys() {
            self.kind(name);
        }
        self.t.schema = Some(schema);
    }

    /// The schema, if one was set.
    pub fn schema(&self) -> Option<&Schema> {
        self.t.schema.as_ref()
    }

    /// Interns a kind name.
    pub fn kind(&mut self, name: &str) -> KindId {
        if let Some(i) = self.t.kinds.get_index_of(name) {
            return KindId(i as u16);
        }
        KindId(self.t.kinds.insert_full(name.into()).0 as u16)
    }

    /// Interns an edge type name (role `other`, direction forward unless the
    /// schema says otherwise).
    pub fn edge_type(&mut self, name: &str) -> EdgeTypeId {
        if let Some(t) = self.t.edge_type_index.get(name) {
            return *t;
        }
        let t = EdgeTypeId(self.t.edge_types.len() as u16);
        self.t.edge_types.push(EdgeTypeInfo {
            name: name.into(),
            role: Role::Other,
            direction: Direction::Forward,
        });
        self.t.edge_type_index.insert(name.into(), t);
        t
    }

    /// Interns a property key.
    pub fn prop_key(&mut self, name: &str) -> PropKey {
        self.t.pool.key(name)
    }

    /// The node with this exact id, if already added.
    pub fn node(&self, id: &str) -> Option<NodeId> {
        self.t.by_key.get(id).copied()
    }

    /// The number of nodes added so far.
    pub fn node_count(&self) -> usize {
        self.t.g.node_count()
    }

    /// The number of edges added so far.
    pub fn edge_count(&self) -> usize {
        self.t.g.edge_count()
    }

    /// The kind name of an added node.
    pub fn node_kind_name(&self, n: NodeId) -> &str {
        let kind = self.t.g[NodeIndex::new(n.index())].kind;
        self.t.kinds.get_index(kind.index()).map_or("", |s| s)
    }

    /// Adds a node. Fails with the existing node's id when the id is taken.
    pub fn add_node(
        &mut self,
        id: &str,
        kind: KindId,
        name: &str,
        aliases: Vec<Box<str>>,
        props: impl IntoIterator<Item = (PropKey, Value)>,
    ) -> Result<NodeId, NodeId> {
        if let Some(existing) = self.node(id) {
            return Err(existing);
        }
        let props: Vec<(PropKey, Stored)> = props
            .into_iter()
            .filter_map(|(k, v)| self.t.pool.store(&v).map(|s| (k, s)))
            .collect();
        let data = NodeData {
            key: id.into(),
            name: name.into(),
            kind,
            aliases: aliases.into_boxed_slice(),
            props: props.into_boxed_slice(),
        };
        let n = NodeId(self.t.g.add_node(data).index() as u32);
        self.t.by_key.insert(id.into(), n);
        Ok(n)
    }

    /// Adds an edge. Duplicate checks are the loader's job (it knows the
    /// schema's `multi` and where each edge came from).
    pub fn add_edge(
        &mut self,
        from: NodeId,
        to: NodeId,
        ty: EdgeTypeId,
        props: impl IntoIterator<Item = (PropKey, Value)>,
    ) -> EdgeId {
        if self.t.edge_prop_start.is_empty() {
            self.t.edge_prop_start.push(0);
        }
        for (k, v) in props {
            if let Some(s) = self.t.pool.store(&v) {
                self.t.edge_props.push((k, s));
            }
        }
        self.t.edge_prop_start.push(self.t.edge_props.len() as u32);
        let e = self.t.g.add_edge(
            NodeIndex::new(from.index()),
            NodeIndex::new(to.index()),
            EdgeData { ty },
        );
        EdgeId(e.index() as u32)
    }

    /// Freezes the builder: builds the name indexes and the adjacency.
    pub fn finish(self) -> Graph {
        let t = self.t;
        let n = t.g.node_count();
        let m = t.g.edge_count();
        let mut by_name: IndexMap<Box<str>, Hits> = IndexMap::with_capacity(n);
        let mut by_alias: IndexMap<Box<str>, Hits> = IndexMap::new();
        let mut by_lower_key: IndexMap<Box<str>, Hits> = IndexMap::new();
        let mut by_kind: Vec<Vec<NodeId>> = vec![Vec::new(); t.kinds.len()];
        for (i, data) in t.g.node_weights().enumerate() {
            let node = NodeId(i as u32);
            add_hit(&mut by_name, data.name.to_lowercase(), node);
            for a in data.aliases.iter() {
                add_hit(&mut by_alias, a.to_lowercase(), node);
            }
            let lower = data.key.to_lowercase();
            if *lower != *data.key {
                add_hit(&mut by_lower_key, lower, node);
            }
            by_kind[data.kind.index()].push(node);
        }
        let mut ends = Vec::with_capacity(m);
        for e in t.g.edge_references_raw() {
            ends.push(e);
        }
        let out = Adjacency::build(n, m, |e| {
            let (a, b, ty) = ends[e];
            (a, b, ty)
        });
        let inn = Adjacency::build(n, m, |e| {
            let (a, b, ty) = ends[e];
            (b, a, ty)
        });
        let share_key = t.pool.find_key("share");
        let mut shares = vec![f64::NAN; m];
        if let Some(key) = share_key {
            for (e, share) in shares.iter_mut().enumerate() {
                let lo = t.edge_prop_start.get(e).copied().unwrap_or(0) as usize;
                let hi = t.edge_prop_start.get(e + 1).copied().unwrap_or(0) as usize;
                for (k, v) in &t.edge_props[lo..hi.max(lo)] {
                    if *k == key {
                        *share = match *v {
                            Stored::Float(f) => f,
                            Stored::Int(i) => i as f64,
                            _ => f64::NAN,
                        };
                    }
                }
            }
        }
        Graph {
            t,
            by_name,
            by_alias,
            by_lower_key,
            by_kind,
            out,
            inn,
            shares,
        }
    }
}

trait RawEdges {
    fn edge_references_raw(&self) -> Vec<(NodeId, NodeId, EdgeTypeId)>;
}

impl RawEdges for DiGraph<NodeData, EdgeData, u32> {
    fn edge_references_raw(&self) -> Vec<(NodeId, NodeId, EdgeTypeId)> {
        self.raw_edges()
            .iter()
            .map(|e| {
                (
                    NodeId(e.source().index() as u32),
                    NodeId(e.target().index() as u32),
                    e.weight.ty,
                )
            })
            .collect()
    }
}

/// An immutable, indexed graph.
#[derive(Clone, Debug)]
pub struct Graph {
    t: Tables,
    by_name: IndexMap<Box<str>, Hits>,
    by_alias: IndexMap<Box<str>, Hits>,
    by_lower_key: IndexMap<Box<str>, Hits>,
    by_kind: Vec<Vec<NodeId>>,
    out: Adjacency,
    inn: Adjacency,
    shares: Vec<f64>,
}

impl Default for Graph {
    fn default() -> Graph {
        GraphBuilder::new().finish()
    }
}

impl Graph {
    /// The number of nodes.
    pub fn node_count(&self) -> usize {
        self.t.g.node_count()
    }

    /// The number of edges.
    pub fn edge_count(&self) -> usize {
        self.t.g.edge_count()
    }

    /// Every node, in load order.
    pub fn nodes(&self) -> impl ExactSizeIterator<Item = NodeId> + use<> {
        (0..self.node_count() as u32).map(NodeId)
    }

    /// Every edge, in load order.
    pub fn edges(&self) -> impl ExactSizeIterator<Item = EdgeId> + use<> {
        (0..self.edge_count() as u32).map(EdgeId)
    }

    fn node(&self, n: NodeId) -> &NodeData {
        &self.t.g[NodeIndex::new(n.index())]
    }

    /// The node's id (its key in the data files).
    pub fn node_key(&self, n: NodeId) -> &str {
        &self.node(n).key
    }

    /// The node's display name.
    pub fn node_name(&self, n: NodeId) -> &str {
        &self.node(n).name
    }

    /// The node's kind.
    pub fn node_kind(&self, n: NodeId) -> KindId {
        self.node(n).kind
    }

    /// The name of the node's kind.
    pub fn node_kind_name(&self, n: NodeId) -> &str {
        self.kind_name(self.node(n).kind)
    }

    /// The node's aliases.
    pub fn node_aliases(&self, n: NodeId) -> &[Box<str>] {
        &self.node(n).aliases
    }

    /// A node property by name; `None` when absent.
    pub fn node_prop(&self, n: NodeId, key: &str) -> Option<Value> {
        let key = self.t.pool.find_key(key)?;
        self.node_prop_by_key(n, key)
    }

    /// A node property by interned key.
    pub fn node_prop_by_key(&self, n: NodeId, key: PropKey) -> Option<Value> {
        let (_, v) = self.node(n).props.iter().find(|(k, _)| *k == key)?;
        Some(self.t.pool.load(*v))
    }

    /// A node's string property without allocating (None when absent or not a string).
    pub fn node_prop_str(&self, n: NodeId, key: &str) -> Option<&str> {
        let key = self.t.pool.find_key(key)?;
        let (_, v) = self.node(n).props.iter().find(|(k, _)| *k == key)?;
        self.t.pool.str_of(*v)
    }

    /// Every property of a node, in stored order.
    pub fn node_props(&self, n: NodeId) -> Vec<(&str, Value)> {
        self.node(n)
            .props
            .iter()
            .map(|(k, v)| (self.t.pool.key_name(*k), self.t.pool.load(*v)))
            .collect()
    }

    /// The edge's type.
    pub fn edge_type(&self, e: EdgeId) -> EdgeTypeId {
        self.t.g[EdgeIndex::new(e.index())].ty
    }

    /// The edge's `(from, to)`.
    pub fn edge_ends(&self, e: EdgeId) -> (NodeId, NodeId) {
        let edge = &self.t.g.raw_edges()[e.index()];
        (
            NodeId(edge.source().index() as u32),
            NodeId(edge.target().index() as u32),
        )
    }

    fn edge_prop_slice(&self, e: EdgeId) -> &[(PropKey, Stored)] {
        let lo = self.t.edge_prop_start.get(e.index()).copied().unwrap_or(0) as usize;
        let hi = self
            .t
            .edge_prop_start
            .get(e.index() + 1)
            .copied()
            .unwrap_or(0) as usize;
        self.t.edge_props.get(lo..hi).unwrap_or(&[])
    }

    /// An edge property by name; `None` when absent.
    pub fn edge_prop(&self, e: EdgeId, key: &str) -> Option<Value> {
        let key = self.t.pool.find_key(key)?;
        self.edge_prop_by_key(e, key)
    }

    /// An edge property by interned key.
    pub fn edge_prop_by_key(&self, e: EdgeId, key: PropKey) -> Option<Value> {
        let (_, v) = self.edge_prop_slice(e).iter().find(|(k, _)| *k == key)?;
        Some(self.t.pool.load(*v))
    }

    /// Every property of an edge, in stored order.
    pub fn edge_props(&self, e: EdgeId) -> Vec<(&str, Value)> {
        self.edge_prop_slice(e)
            .iter()
            .map(|(k, v)| (self.t.pool.key_name(*k), self.t.pool.load(*v)))
            .collect()
    }

    /// The edge's numeric `share`, if it has one (a fast column for the analyses).
    #[inline]
    pub fn edge_share(&self, e: EdgeId) -> Option<f64> {
        let s = self.shares[e.index()];
        (!s.is_nan()).then_some(s)
    }

    /// An interned property key, if any node or edge uses it.
    pub fn prop_key(&self, name: &str) -> Option<PropKey> {
        self.t.pool.find_key(name)
    }

    /// Every property key in the graph.
    pub fn prop_keys(&self) -> impl Iterator<Item = &str> {
        self.t.pool.key_names()
    }

    /// Outgoing adjacency (edges by their `from`).
    pub fn out_adj(&self) -> &Adjacency {
        &self.out
    }

    /// Incoming adjacency (edges by their `to`).
    pub fn in_adj(&self) -> &Adjacency {
        &self.inn
    }

    /// The kind's name.
    pub fn kind_name(&self, k: KindId) -> &str {
        self.t.kinds.get_index(k.index()).map_or("", |s| s)
    }

    /// The interned kind with this exact (case-sensitive) name.
    pub fn kind_id(&self, name: &str) -> Option<KindId> {
        self.t.kinds.get_index_of(name).map(|i| KindId(i as u16))
    }

    /// Every kind, in first-seen (or schema) order.
    pub fn kinds(&self) -> impl Iterator<Item = (KindId, &str)> {
        self.t
            .kinds
            .iter()
            .enumerate()
            .map(|(i, s)| (KindId(i as u16), &**s))
    }

    /// The nodes of one kind, in load order.
    pub fn nodes_of_kind(&self, k: KindId) -> &[NodeId] {
        self.by_kind.get(k.index()).map_or(&[], |v| v)
    }

    /// An edge type's name, role and direction.
    pub fn edge_type_info(&self, t: EdgeTypeId) -> &EdgeTypeInfo {
        &self.t.edge_types[t.index()]
    }

    /// An edge type's name.
    pub fn edge_type_name(&self, t: EdgeTypeId) -> &str {
        &self.t.edge_types[t.index()].name
    }

    /// The interned edge type with this exact name.
    pub fn edge_type_id(&self, name: &str) -> Option<EdgeTypeId> {
        self.t.edge_type_index.get(name).copied()
    }

    /// Every edge type.
    pub fn edge_types(&self) -> impl Iterator<Item = (EdgeTypeId, &EdgeTypeInfo)> {
        self.t
            .edge_types
            .iter()
            .enumerate()
            .map(|(i, info)| (EdgeTypeId(i as u16), info))
    }

    /// The schema the graph was loaded with, if any.
    pub fn schema(&self) -> Option<&Schema> {
        self.t.schema.as_ref()
    }

    /// The node with exactly this id.
    pub fn node_by_key(&self, id: &str) -> Option<NodeId> {
        self.t.by_key.get(id).copied()
    }

    /// The nodes whose name equals `name` case-insensitively.
    pub fn nodes_named(&self, name: &str) -> &[NodeId] {
        self.by_name
            .get(name.to_lowercase().as_str())
            .map_or(&[], |h| h.as_slice())
    }

    /// Looks a node up by id, then name, then alias, case-insensitively
    /// (spec: *Node sets*). The first level with any match decides.
    pub fn lookup(&self, text: &str) -> Lookup {
        if let Some(n) = self.node_by_key(text) {
            return Lookup::Found(n);
        }
        let lower = text.to_lowercase();
        let mut ids: Vec<NodeId> = Vec::new();
        if let Some(n) = self.node_by_key(&lower) {
            ids.push(n);
        }
        if let Some(h) = self.by_lower_key.get(lower.as_str()) {
            for n in h.as_slice() {
                if !ids.contains(n) {
                    ids.push(*n);
                }
            }
        }
        let levels = [
            ids,
            self.by_name
                .get(lower.as_str())
                .map_or(Vec::new(), |h| h.as_slice().to_vec()),
            self.by_alias
                .get(lower.as_str())
                .map_or(Vec::new(), |h| h.as_slice().to_vec()),
        ];
        for mut hits in levels {
            match hits.len() {
                0 => continue,
                1 => return Lookup::Found(hits[0]),
                _ => {
                    hits.sort_by(|a, b| self.node_key(*a).cmp(self.node_key(*b)));
                    return Lookup::Ambiguous(hits);
                }
            }
        }
        Lookup::Missing(self.suggest(&lower))
    }

    /// Up to three nodes whose id, name or alias is close to `lower`.
    fn suggest(&self, lower: &str) -> Vec<NodeId> {
        let mut scored: Vec<(f64, NodeId)> = Vec::new();
        let mut consider = |key: &str, hits: &Hits| {
            let score = strsim::jaro_winkler(lower, key);
            if score >= 0.8 {
                for n in hits.as_slice() {
                    scored.push((score, *n));
                }
            }
        };
        for (k, h) in self.by_name.iter().chain(self.by_alias.iter()) {
            consider(k, h);
        }
        for (k, n) in &self.t.by_key {
            consider(&k.to_lowercase(), &Hits::One(*n));
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut out = Vec::new();
        for (_, n) in scored {
            if !out.contains(&n) {
                out.push(n);
            }
            if out.len() == 3 {
                break;
            }
        }
        out
    }

    /// A builder holding a copy of this graph, to merge more data into.
    pub fn to_builder(&self) -> GraphBuilder {
        GraphBuilder { t: self.t.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Graph {
        let mut b = GraphBuilder::new();
        let firm = b.kind("Firm");
        let nation = b.kind("Nation");
        let located = b.edge_type("LOCATED_IN");
        let share = b.prop_key("share");
        let source = b.prop_key("source");
        let tsmc = b
            .add_node(
                "tsmc",
                firm,
                "TSMC",
                vec!["Taiwan Semiconductor".into()],
                [],
            )
            .unwrap();
        let tw = b
            .add_node("tw", nation, "Taiwan", vec!["TWN".into()], [])
            .unwrap();
        b.add_node("TW2", nation, "Taiwan", vec![], []).unwrap();
        assert_eq!(b.add_node("tsmc", firm, "x", vec![], []), Err(tsmc));
        b.add_edge(
            tsmc,
            tw,
            located,
            [(share, Value::Float(0.5)), (source, Value::str("10-K"))],
        );
        b.finish()
    }

    #[test]
    fn lookup_goes_id_then_name_then_alias() {
        let g = tiny();
        let tsmc = g.node_by_key("tsmc").unwrap();
        assert_eq!(g.lookup("TSMC"), Lookup::Found(tsmc));
        assert_eq!(g.lookup("taiwan semiconductor"), Lookup::Found(tsmc));
        assert_eq!(
            g.lookup("tw2"),
            Lookup::Found(g.node_by_key("TW2").unwrap())
        );
        assert!(matches!(g.lookup("Taiwan"), Lookup::Ambiguous(v) if v.len() == 2));
        assert!(matches!(g.lookup("TSMCC"), Lookup::Missing(v) if v.contains(&tsmc)));
    }

    #[test]
    fn edges_keep_props_and_adjacency() {
        let g = tiny();
        let e = EdgeId(0);
        let (a, b) = g.edge_ends(e);
        assert_eq!(g.node_key(a), "tsmc");
        assert_eq!(g.node_key(b), "tw");
        assert_eq!(g.edge_share(e), Some(0.5));
        assert_eq!(g.edge_prop(e, "source"), Some(Value::str("10-K")));
        assert_eq!(g.out_adj().neighbors(a), &[b]);
        assert_eq!(g.in_adj().neighbors(b), &[a]);
        assert_eq!(g.edge_type_name(g.edge_type(e)), "LOCATED_IN");
    }
}
