//! The graph store: typed nodes and edges in flat columns, indexes from id,
//! name and alias to node, interned kinds, edge types and property keys, and
//! a CSR adjacency in each direction for traversal.
//!
//! A [`Graph`] is immutable once built: the loader fills a [`GraphBuilder`]
//! and calls [`GraphBuilder::finish`]. Merging more data (`:load`) goes back
//! through [`Graph::to_builder`], so a failed load never touches the graph
//! that was there before.
//!
//! Layout (sized for millions of nodes and tens of millions of edges):
//! node ids live in one string arena behind an open-addressing hash table
//! ([`KeyIndex`]), names in another arena; kinds are a column; aliases and
//! properties are kept only for the nodes that have them. An edge is a
//! `(from, to)` pair, a type and a `share` in four parallel columns (18
//! bytes); its other properties sit in a flat arena that costs nothing per
//! edge until some edge has one. The graph implements petgraph's visit
//! traits (`model::visit`), so petgraph's algorithms run on it directly,
//! without a copy.

use indexmap::{IndexMap, IndexSet};
use std::sync::OnceLock;

use super::adjacency::Adjacency;
use super::fold::{FoldIndex, fold};
use super::ids::{EdgeId, EdgeTypeId, KindId, NodeId, PropKey};
use super::keys::{KeyIndex, Probe};
use super::props::PropLists;
use super::schema::{Direction, Role, Schema};
use super::store::Pool;
use super::validity::{Interval, Validity};
use super::value::{Stored, Value};

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

/// Strings in one arena: string `i` ends at `ends[i]`.
#[derive(Clone, Debug, Default)]
struct StrColumn {
    text: String,
    ends: Vec<usize>,
}

impl StrColumn {
    fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.ends.push(self.text.len());
    }

    #[inline]
    fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
    }
}

/// The shared tables of builder and graph.
#[derive(Clone, Debug, Default)]
struct Tables {
    /// Node ids; node `i` is key `i`.
    keys: KeyIndex,
    names: StrColumn,
    node_kinds: Vec<KindId>,
    /// Aliases of the nodes that have any, by node (pushed in node order).
    aliases: Vec<(NodeId, Box<[Box<str>]>)>,
    node_props: PropLists,
    /// Edge `e` is `ends[e]`, of type `edge_type_of[e]`.
    ends: Vec<(NodeId, NodeId)>,
    edge_type_of: Vec<EdgeTypeId>,
    /// Every edge's numeric `share`, NaN when it has none. A float share is
    /// kept only here when it is the edge's one property; otherwise it is
    /// also in `edge_props`, which then keeps the properties' order.
    shares: Vec<f64>,
    edge_props: PropLists,
    /// The interned `share` key, once interned.
    share_key: Option<PropKey>,
    /// `valid_from` and `valid_to` values live only in `validity`.
    valid_keys: Option<(PropKey, PropKey)>,
    validity: Validity,
    kinds: IndexSet<Box<str>>,
    edge_types: Vec<EdgeTypeInfo>,
    edge_type_index: IndexMap<Box<str>, EdgeTypeId>,
    pool: Pool,
    schema: Option<Schema>,
}

impl Tables {
    fn node_count(&self) -> usize {
        self.node_kinds.len()
    }

    fn node_aliases(&self, n: NodeId) -> &[Box<str>] {
        match self.aliases.binary_search_by_key(&n, |(m, _)| *m) {
            Ok(i) => &self.aliases[i].1,
            Err(_) => &[],
        }
    }

    /// The edge's properties except a float `share` kept only in its column.
    fn edge_prop_list(&self, e: EdgeId) -> &[(PropKey, Stored)] {
        self.edge_props.get(e.index())
    }

    /// The share kept only in its column (see `shares`), if any.
    fn column_share(&self, e: EdgeId) -> Option<(PropKey, Stored)> {
        let s = *self.shares.get(e.index())?;
        if s.is_nan() || !self.edge_prop_list(e).is_empty() {
            return None;
        }
        Some((self.share_key?, Stored::Float(s)))
    }
}

/// Accumulates nodes and edges; [`GraphBuilder::finish`] makes a [`Graph`].
#[derive(Clone, Debug, Default)]
pub struct GraphBuilder {
    t: Tables,
    /// Reused for an edge's or node's properties while adding it.
    scratch: Vec<(PropKey, Stored)>,
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
        self.split().1.edge_type(name)
    }

    /// Interns a property key.
    pub fn prop_key(&mut self, name: &str) -> PropKey {
        let key = self.t.pool.key(name);
        if name == "share" {
            self.t.share_key = Some(key);
        }
        if (name == "valid_from" || name == "valid_to") && self.t.valid_keys.is_none() {
            self.t.valid_keys = Some((self.t.pool.key("valid_from"), self.t.pool.key("valid_to")));
        }
        key
    }

    /// The node with this exact id, if already added.
    pub fn node(&self, id: &str) -> Option<NodeId> {
        self.t.keys.get(id).map(NodeId)
    }

    /// Reads the id table where these probes will look, all at once, so
    /// the cache misses overlap instead of coming one lookup at a time.
    pub(crate) fn touch_ids<'p>(&self, probes: impl Iterator<Item = &'p Probe>) {
        std::hint::black_box(self.t.keys.touch(probes));
    }

    /// The number of nodes added so far.
    pub fn node_count(&self) -> usize {
        self.t.node_count()
    }

    /// The number of edges added so far.
    pub fn edge_count(&self) -> usize {
        self.t.ends.len()
    }

    /// The kind name of an added node.
    pub fn node_kind_name(&self, n: NodeId) -> &str {
        let kind = self.t.node_kinds[n.index()];
        self.t.kinds.get_index(kind.index()).map_or("", |s| s)
    }

    /// Makes room for about `nodes` more nodes (with ids of about
    /// `id_bytes` bytes in all) and `edges` more edges, so loading a large
    /// graph does not repeatedly grow its columns.
    pub fn reserve(&mut self, nodes: usize, id_bytes: usize, edges: usize) {
        let t = &mut self.t;
        t.keys.reserve(nodes, id_bytes);
        t.names.text.reserve(id_bytes);
        t.names.ends.reserve(nodes);
        t.node_kinds.reserve(nodes);
        t.ends.reserve(edges);
        t.edge_type_of.reserve(edges);
        t.shares.reserve(edges);
        t.edge_props.reserve(edges);
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
        self.add_node_probed(id, &Probe::new(id), kind, name, aliases, props)
    }

    /// [`GraphBuilder::add_node`] with the id's probe computed beforehand.
    pub(crate) fn add_node_probed(
        &mut self,
        id: &str,
        probe: &Probe,
        kind: KindId,
        name: &str,
        aliases: Vec<Box<str>>,
        props: impl IntoIterator<Item = (PropKey, Value)>,
    ) -> Result<NodeId, NodeId> {
        let n = NodeId(
            self.t
                .keys
                .insert_probed(id, probe, kind.0)
                .map_err(NodeId)?,
        );
        self.t.names.push(name);
        self.t.node_kinds.push(kind);
        if !aliases.is_empty() {
            self.t.aliases.push((n, aliases.into_boxed_slice()));
        }
        self.scratch.clear();
        let mut interval = Interval::default();
        for (k, v) in props {
            if divert(self.t.valid_keys, k, &v, &mut interval) {
                continue;
            }
            if let Some(s) = self.t.pool.store(&v) {
                self.scratch.push((k, s));
            }
        }
        if !self.scratch.is_empty() {
            self.t.node_props.push(n.index(), &self.scratch);
        }
        if interval != Interval::default() {
            self.t.validity.push_node(n, interval);
        }
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
        self.split().1.add_edge(from, to, ty, props)
    }

    /// The node side of the builder, to read.
    pub(crate) fn nodes(&self) -> NodeView<'_> {
        NodeView {
            keys: &self.t.keys,
            kinds: &self.t.kinds,
        }
    }

    /// The node side of the builder (to read) and its edge side (to
    /// write), borrowed together: the loader resolves the ids of the next
    /// edge rows while it appends the rows before.
    pub(crate) fn split(&mut self) -> (NodeView<'_>, EdgeSide<'_>) {
        let t = &mut self.t;
        (
            NodeView {
                keys: &t.keys,
                kinds: &t.kinds,
            },
            EdgeSide {
                ends: &mut t.ends,
                edge_type_of: &mut t.edge_type_of,
                shares: &mut t.shares,
                edge_props: &mut t.edge_props,
                share_key: t.share_key,
                valid_keys: t.valid_keys,
                validity: &mut t.validity,
                edge_types: &mut t.edge_types,
                edge_type_index: &mut t.edge_type_index,
                pool: &mut t.pool,
                scratch: &mut self.scratch,
            },
        )
    }

    /// Keeps only the edges for which `keep` holds (renumbering the rest in
    /// order): the loader drops duplicate edges this way when skipping bad rows.
    pub(crate) fn retain_edges(&mut self, keep: impl Fn(EdgeId) -> bool) {
        let t = &mut self.t;
        let m = t.ends.len();
        t.edge_props.retain(m, |i| keep(EdgeId(i as u32)));
        t.validity.retain_edges(m, &keep);
        let mut i = 0;
        t.ends.retain(|_| (keep(EdgeId(i as u32)), i += 1).0);
        i = 0;
        t.edge_type_of
            .retain(|_| (keep(EdgeId(i as u32)), i += 1).0);
        i = 0;
        t.shares.retain(|_| (keep(EdgeId(i as u32)), i += 1).0);
    }

    /// Freezes the builder: builds the name indexes and the adjacency (the
    /// two directions and the indexes on separate threads for large graphs).
    pub fn finish(self) -> Graph {
        let mut t = self.t;
        t.keys.shrink_to_fit();
        t.names.shrink_to_fit();
        t.node_kinds.shrink_to_fit();
        t.aliases.shrink_to_fit();
        t.node_props.shrink_to_fit();
        t.ends.shrink_to_fit();
        t.edge_type_of.shrink_to_fit();
        t.shares.shrink_to_fit();
        t.edge_props.shrink_to_fit();
        t.validity.shrink_to_fit();
        let n = t.node_count();
        let parallel = t.ends.len() + n >= PARALLEL_FINISH;
        let (out, inn, idx) = if parallel {
            std::thread::scope(|s| {
                // Files usually group edges by one end, so one direction
                // builds from near-sequential reads and the other from
                // random ones, twice as long: each gathers on two threads,
                // so the slow one has both cores once the other is done.
                let inn = s.spawn(|| Adjacency::build_on(n, &t.ends, &t.edge_type_of, true, 2));
                let idx = Indexes::build(&t);
                let out = Adjacency::build_on(n, &t.ends, &t.edge_type_of, false, 2);
                (out, join(inn), idx)
            })
        } else {
            (
                Adjacency::build(n, &t.ends, &t.edge_type_of, false),
                Adjacency::build(n, &t.ends, &t.edge_type_of, true),
                Indexes::build(&t),
            )
        };
        let mut type_edges = vec![0; t.edge_types.len()];
        for ty in &t.edge_type_of {
            type_edges[ty.index()] += 1;
        }
        Graph {
            t,
            idx,
            out,
            inn,
            type_edges,
        }
    }
}

/// The nodes of a builder, read-only: shared by the threads resolving
/// edge rows.
#[derive(Clone, Copy, Debug)]
pub(crate) struct NodeView<'b> {
    keys: &'b KeyIndex,
    kinds: &'b IndexSet<Box<str>>,
}

impl<'b> NodeView<'b> {
    /// The node with this id and its kind, the id's probe computed beforehand.
    #[inline]
    pub(crate) fn node_probed(&self, id: &str, probe: &Probe) -> Option<(NodeId, KindId)> {
        self.keys
            .get_probed(id, probe)
            .map(|(n, k)| (NodeId(n), KindId(k)))
    }

    /// Reads the id table where these probes will look, all at once, so
    /// the cache misses overlap instead of coming one lookup at a time.
    pub(crate) fn touch_ids<'p>(&self, probes: impl Iterator<Item = &'p Probe>) {
        std::hint::black_box(self.keys.touch(probes));
    }

    /// A kind's name.
    pub(crate) fn kind_name(&self, k: KindId) -> &'b str {
        self.kinds.get_index(k.index()).map_or("", |s| s)
    }
}

/// The edges of a builder, to append to (see [`GraphBuilder::split`]).
#[derive(Debug)]
pub(crate) struct EdgeSide<'b> {
    ends: &'b mut Vec<(NodeId, NodeId)>,
    edge_type_of: &'b mut Vec<EdgeTypeId>,
    shares: &'b mut Vec<f64>,
    edge_props: &'b mut PropLists,
    share_key: Option<PropKey>,
    valid_keys: Option<(PropKey, PropKey)>,
    validity: &'b mut Validity,
    edge_types: &'b mut Vec<EdgeTypeInfo>,
    edge_type_index: &'b mut IndexMap<Box<str>, EdgeTypeId>,
    pool: &'b mut Pool,
    scratch: &'b mut Vec<(PropKey, Stored)>,
}

impl EdgeSide<'_> {
    /// Interns an edge type (see [`GraphBuilder::edge_type`]).
    pub(crate) fn edge_type(&mut self, name: &str) -> EdgeTypeId {
        if let Some(t) = self.edge_type_index.get(name) {
            return *t;
        }
        let t = EdgeTypeId(self.edge_types.len() as u16);
        self.edge_types.push(EdgeTypeInfo {
            name: name.into(),
            role: Role::Other,
            direction: Direction::Forward,
        });
        self.edge_type_index.insert(name.into(), t);
        t
    }

    /// Makes room for `edges` more edges.
    pub(crate) fn reserve(&mut self, edges: usize) {
        self.ends.reserve(edges);
        self.edge_type_of.reserve(edges);
        self.shares.reserve(edges);
        self.edge_props.reserve(edges);
    }

    /// Adds an edge (see [`GraphBuilder::add_edge`]).
    pub(crate) fn add_edge(
        &mut self,
        from: NodeId,
        to: NodeId,
        ty: EdgeTypeId,
        props: impl IntoIterator<Item = (PropKey, Value)>,
    ) -> EdgeId {
        let e = EdgeId(self.ends.len() as u32);
        let mut share = f64::NAN;
        self.scratch.clear();
        let mut interval = Interval::default();
        for (k, v) in props {
            if divert(self.valid_keys, k, &v, &mut interval) {
                continue;
            }
            if let Some(s) = self.pool.store(&v) {
                if Some(k) == self.share_key {
                    share = match s {
                        Stored::Float(f) => f,
                        Stored::Int(i) => i as f64,
                        _ => f64::NAN,
                    };
                }
                self.scratch.push((k, s));
            }
        }
        // A float share that is the edge's only property lives in its column alone.
        let column_only = matches!(self.scratch.as_slice(),
            [(k, Stored::Float(f))] if Some(*k) == self.share_key && !f.is_nan());
        if !column_only && !self.scratch.is_empty() {
            self.edge_props.push(e.index(), self.scratch);
        }
        self.ends.push((from, to));
        self.edge_type_of.push(ty);
        self.shares.push(share);
        if interval != Interval::default() {
            self.validity.push_edge(e, interval);
        }
        e
    }

    /// Appends edges without properties other than a share (NaN: none), in
    /// bulk: the loader's fast path. The three slices are parallel.
    pub(crate) fn extend_edges(
        &mut self,
        ends: &[(NodeId, NodeId)],
        types: &[EdgeTypeId],
        shares: &[f64],
    ) {
        debug_assert!(ends.len() == types.len() && ends.len() == shares.len());
        self.ends.extend_from_slice(ends);
        self.edge_type_of.extend_from_slice(types);
        self.shares.extend_from_slice(shares);
    }
}

/// Takes a `valid_from` / `valid_to` date into `interval` (they live in
/// the validity column, not among the properties); false for any other
/// property.
fn divert(
    keys: Option<(PropKey, PropKey)>,
    k: PropKey,
    v: &Value,
    interval: &mut Interval,
) -> bool {
    let (Some((from, to)), Value::Date(d)) = (keys, v) else {
        return false;
    };
    if k == from {
        interval.from = Some(*d);
    } else if k == to {
        interval.to = Some(*d);
    } else {
        return false;
    }
    true
}

/// Below this many nodes plus edges, `finish` stays on one thread.
const PARALLEL_FINISH: usize = 1 << 16;

/// Joins a scoped thread, passing a panic on (a bug, never bad input).
fn join<T>(h: std::thread::ScopedJoinHandle<'_, T>) -> T {
    h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
}

/// The lookup indexes of a graph: the nodes of each kind, built by
/// `finish` (every traversal by kind reads it), and the case-insensitive
/// text indexes, built on first use.
#[derive(Clone, Debug, Default)]
struct Indexes {
    by_kind: Vec<Vec<NodeId>>,
    /// Only a lookup that misses the exact id reads these (a node set
    /// named by text, the REPL); on a million-node graph they cost a
    /// tenth of a second of the load, which most sessions never use.
    text: OnceLock<TextIndexes>,
}

/// Names, aliases and ids that are not lower case, lower-cased.
#[derive(Clone, Debug, Default)]
struct TextIndexes {
    by_name: FoldIndex,
    by_alias: FoldIndex,
    /// Ids whose lower-cased form differs from the id.
    by_lower_key: FoldIndex,
}

impl Indexes {
    fn build(t: &Tables) -> Indexes {
        let n = t.node_count();
        let mut by_kind: Vec<Vec<NodeId>> = vec![Vec::new(); t.kinds.len()];
        for (v, k) in (0..n as u32).map(NodeId).zip(&t.node_kinds) {
            if let Some(list) = by_kind.get_mut(k.index()) {
                list.push(v);
            }
        }
        Indexes {
            by_kind,
            text: OnceLock::new(),
        }
    }

    /// The text indexes of `t` (the tables these indexes were built from).
    fn text(&self, t: &Tables) -> &TextIndexes {
        self.text.get_or_init(|| TextIndexes::build(t))
    }
}

impl TextIndexes {
    fn build(t: &Tables) -> TextIndexes {
        let nodes = (0..t.node_count() as u32).map(NodeId);
        let by_name = FoldIndex::build(nodes.map(|v| (v, t.names.get(v.index()))), |v| {
            std::iter::once(t.names.get(v.index()))
        });
        let by_alias = FoldIndex::build(
            t.aliases
                .iter()
                .flat_map(|(v, list)| list.iter().map(|a| (*v, &**a))),
            |v| t.node_aliases(v).iter().map(|a| &**a),
        );
        let by_lower_key = FoldIndex::build(
            t.keys
                .iter()
                .map(|(v, k)| (NodeId(v), k))
                .filter(|(_, k)| has_upper(k)),
            |v| std::iter::once(t.keys.key(v.index())),
        );
        TextIndexes {
            by_name,
            by_alias,
            by_lower_key,
        }
    }
}

/// Appends an interval's bounds as `valid_from` / `valid_to` properties.
fn push_interval(props: &mut Vec<(&str, Value)>, interval: Option<&Interval>) {
    if let Some(i) = interval {
        props.extend(i.from.map(|d| ("valid_from", Value::Date(d))));
        props.extend(i.to.map(|d| ("valid_to", Value::Date(d))));
    }
}

/// Whether lower-casing changes `text`.
fn has_upper(text: &str) -> bool {
    if text.is_ascii() {
        text.bytes().any(|b| b.is_ascii_uppercase())
    } else {
        text.to_lowercase() != text
    }
}

/// Whether `text` lower-cases to `lower`, without allocating for ASCII.
fn folds_to(text: &str, lower: &str) -> bool {
    if text.is_ascii() {
        text.len() == lower.len()
            && text
                .bytes()
                .zip(lower.bytes())
                .all(|(a, b)| a.to_ascii_lowercase() == b)
    } else {
        text.to_lowercase() == lower
    }
}

/// An immutable, indexed graph.
#[derive(Clone, Debug)]
pub struct Graph {
    t: Tables,
    idx: Indexes,
    out: Adjacency,
    inn: Adjacency,
    /// The number of edges of each type (for the planner's estimates).
    type_edges: Vec<usize>,
}

impl Default for Graph {
    fn default() -> Graph {
        GraphBuilder::new().finish()
    }
}

impl Graph {
    /// The number of nodes.
    pub fn node_count(&self) -> usize {
        self.t.node_count()
    }

    /// The number of edges of type `t`.
    pub fn edge_count_of_type(&self, t: EdgeTypeId) -> usize {
        self.type_edges.get(t.index()).copied().unwrap_or(0)
    }

    /// The number of edges.
    pub fn edge_count(&self) -> usize {
        self.t.ends.len()
    }

    /// Every node, in load order.
    pub fn nodes(&self) -> impl ExactSizeIterator<Item = NodeId> + use<> {
        (0..self.node_count() as u32).map(NodeId)
    }

    /// Every edge, in load order.
    pub fn edges(&self) -> impl ExactSizeIterator<Item = EdgeId> + use<> {
        (0..self.edge_count() as u32).map(EdgeId)
    }

    /// The node's id (its key in the data files).
    pub fn node_key(&self, n: NodeId) -> &str {
        self.t.keys.key(n.index())
    }

    /// The node's display name.
    pub fn node_name(&self, n: NodeId) -> &str {
        self.t.names.get(n.index())
    }

    /// The node's kind.
    pub fn node_kind(&self, n: NodeId) -> KindId {
        self.t.node_kinds[n.index()]
    }

    /// The name of the node's kind.
    pub fn node_kind_name(&self, n: NodeId) -> &str {
        self.kind_name(self.node_kind(n))
    }

    /// The node's aliases.
    pub fn node_aliases(&self, n: NodeId) -> &[Box<str>] {
        self.t.node_aliases(n)
    }

    /// A node property by name; `None` when absent.
    pub fn node_prop(&self, n: NodeId, key: &str) -> Option<Value> {
        let key = self.t.pool.find_key(key)?;
        self.node_prop_by_key(n, key)
    }

    /// A node property by interned key.
    pub fn node_prop_by_key(&self, n: NodeId, key: PropKey) -> Option<Value> {
        if let Some(v) = self.validity_prop(self.t.validity.node(n), key) {
            return v;
        }
        let (_, v) = self
            .t
            .node_props
            .get(n.index())
            .iter()
            .find(|(k, _)| *k == key)?;
        Some(self.t.pool.load(*v))
    }

    /// A node's string property without allocating (None when absent or not a string).
    pub fn node_prop_str(&self, n: NodeId, key: &str) -> Option<&str> {
        let key = self.t.pool.find_key(key)?;
        let (_, v) = self
            .t
            .node_props
            .get(n.index())
            .iter()
            .find(|(k, _)| *k == key)?;
        self.t.pool.str_of(*v)
    }

    /// Every property of a node, in stored order (`valid_from` and
    /// `valid_to` last).
    pub fn node_props(&self, n: NodeId) -> Vec<(&str, Value)> {
        let mut props: Vec<(&str, Value)> = self
            .t
            .node_props
            .get(n.index())
            .iter()
            .map(|(k, v)| (self.t.pool.key_name(*k), self.t.pool.load(*v)))
            .collect();
        push_interval(&mut props, self.t.validity.node(n));
        props
    }

    /// `valid_from` / `valid_to` of an interval, when `key` is one of them:
    /// `Some(None)` when the item has no such bound.
    fn validity_prop(&self, interval: Option<&Interval>, key: PropKey) -> Option<Option<Value>> {
        let (from, to) = self.t.valid_keys?;
        if key == from {
            Some(interval.and_then(|i| i.from).map(Value::Date))
        } else if key == to {
            Some(interval.and_then(|i| i.to).map(Value::Date))
        } else {
            None
        }
    }

    /// Whether any node or edge has a validity interval.
    pub fn has_validity(&self) -> bool {
        !self.t.validity.is_empty()
    }

    /// A node's validity interval, if it has one.
    pub fn node_validity(&self, n: NodeId) -> Option<Interval> {
        self.t.validity.node(n).copied()
    }

    /// An edge's validity interval, if it has one.
    pub fn edge_validity(&self, e: EdgeId) -> Option<Interval> {
        self.t.validity.edge(e).copied()
    }

    /// The nodes that have a validity interval, in id order.
    pub fn nodes_with_validity(&self) -> &[(NodeId, Interval)] {
        &self.t.validity.nodes
    }

    /// The edges that have a validity interval, in id order.
    pub fn edges_with_validity(&self) -> &[(EdgeId, Interval)] {
        &self.t.validity.edges
    }

    /// The edge's type.
    pub fn edge_type(&self, e: EdgeId) -> EdgeTypeId {
        self.t.edge_type_of[e.index()]
    }

    /// The edge's `(from, to)`.
    pub fn edge_ends(&self, e: EdgeId) -> (NodeId, NodeId) {
        self.t.ends[e.index()]
    }

    /// An edge property by name; `None` when absent.
    pub fn edge_prop(&self, e: EdgeId, key: &str) -> Option<Value> {
        let key = self.t.pool.find_key(key)?;
        self.edge_prop_by_key(e, key)
    }

    /// An edge property by interned key.
    pub fn edge_prop_by_key(&self, e: EdgeId, key: PropKey) -> Option<Value> {
        if let Some(v) = self.validity_prop(self.t.validity.edge(e), key) {
            return v;
        }
        if let Some((k, v)) = self.t.column_share(e) {
            return (k == key).then(|| self.t.pool.load(v));
        }
        let (_, v) = self.t.edge_prop_list(e).iter().find(|(k, _)| *k == key)?;
        Some(self.t.pool.load(*v))
    }

    /// Every property of an edge, in stored order.
    pub fn edge_props(&self, e: EdgeId) -> Vec<(&str, Value)> {
        let mut props: Vec<(&str, Value)> = match self.t.column_share(e) {
            Some((k, v)) => vec![(self.t.pool.key_name(k), self.t.pool.load(v))],
            None => self
                .t
                .edge_prop_list(e)
                .iter()
                .map(|(k, v)| (self.t.pool.key_name(*k), self.t.pool.load(*v)))
                .collect(),
        };
        push_interval(&mut props, self.t.validity.edge(e));
        props
    }

    /// The edge's numeric `share`, if it has one (a fast column for the analyses).
    #[inline]
    pub fn edge_share(&self, e: EdgeId) -> Option<f64> {
        let s = self.t.shares[e.index()];
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
        self.idx.by_kind.get(k.index()).map_or(&[], |v| v)
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
        self.t.keys.get(id).map(NodeId)
    }

    /// The nodes whose name equals `name` case-insensitively.
    pub fn nodes_named(&self, name: &str) -> &[NodeId] {
        self.named(&fold(name))
    }

    /// The nodes with an alias equal to `alias` case-insensitively.
    pub fn nodes_aliased(&self, alias: &str) -> &[NodeId] {
        self.aliased(&fold(alias))
    }

    /// The nodes whose lower-cased name is `lower`.
    fn named(&self, lower: &str) -> &[NodeId] {
        self.idx
            .text(&self.t)
            .by_name
            .get(lower, |n, l| folds_to(self.node_name(n), l))
    }

    /// The nodes with an alias whose lower-cased form is `lower`.
    fn aliased(&self, lower: &str) -> &[NodeId] {
        self.idx.text(&self.t).by_alias.get(lower, |n, l| {
            self.node_aliases(n).iter().any(|a| folds_to(a, l))
        })
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
        let upper_keys = self
            .idx
            .text(&self.t)
            .by_lower_key
            .get(&lower, |n, l| folds_to(self.node_key(n), l));
        for n in upper_keys {
            if !ids.contains(n) {
                ids.push(*n);
            }
        }
        let levels = [
            ids,
            self.named(&lower).to_vec(),
            self.aliased(&lower).to_vec(),
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
        let texts = self.nodes().flat_map(|n| {
            std::iter::once(self.node_name(n))
                .chain(self.node_aliases(n).iter().map(|a| &**a))
                .chain(std::iter::once(self.node_key(n)))
                .map(move |t| (t, n))
        });
        crate::diag::ranked(lower, texts, 3)
            .into_iter()
            .map(|(_, n)| n)
            .collect()
    }

    /// A builder holding a copy of this graph, to merge more data into.
    pub fn to_builder(&self) -> GraphBuilder {
        GraphBuilder {
            t: self.t.clone(),
            scratch: Vec::new(),
        }
    }

    /// The builder this graph was made from, without copying (the loader
    /// uses it to drop rows it rejects after the fact).
    pub(crate) fn into_builder(self) -> GraphBuilder {
        GraphBuilder {
            t: self.t,
            scratch: Vec::new(),
        }
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
    fn a_huge_unknown_name_is_looked_up_with_bounded_work() {
        // "Did you mean" compares capped prefixes (diag::closest), so a
        // 2 MB name costs what a 64-character one does (was quadratic: 40 s).
        let g = tiny();
        let huge = "x".repeat(2 << 20);
        assert_eq!(g.lookup(&huge), Lookup::Missing(vec![]));
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

    #[test]
    fn a_lone_float_share_lives_in_its_column_and_reads_the_same() {
        let mut b = GraphBuilder::new();
        let k = b.kind("K");
        let t = b.edge_type("T");
        let share = b.prop_key("share");
        let note = b.prop_key("note");
        let x = b.add_node("x", k, "X", vec![], []).unwrap();
        let y = b.add_node("y", k, "Y", vec![], []).unwrap();
        let only = b.add_edge(x, y, t, [(share, Value::Float(0.25))]);
        let both = b.add_edge(
            x,
            y,
            t,
            [(note, Value::str("n")), (share, Value::Float(0.5))],
        );
        let int = b.add_edge(x, y, t, [(share, Value::Int(1))]);
        let none = b.add_edge(x, y, t, []);
        let g = b.finish();
        assert_eq!(g.edge_props(only), [("share", Value::Float(0.25))]);
        assert_eq!(g.edge_prop(only, "share"), Some(Value::Float(0.25)));
        assert_eq!(g.edge_prop(only, "note"), None);
        // Stored order is kept when the share is not alone.
        assert_eq!(
            g.edge_props(both),
            [("note", Value::str("n")), ("share", Value::Float(0.5))]
        );
        // An integer share stays an integer, and is a share to the analyses.
        assert!(matches!(g.edge_prop(int, "share"), Some(Value::Int(1))));
        assert_eq!(g.edge_share(int), Some(1.0));
        assert_eq!((g.edge_share(none), g.edge_props(none)), (None, vec![]));
        let to_builder = g.to_builder().finish();
        assert_eq!(to_builder.edge_props(both), g.edge_props(both));
    }

    #[test]
    fn names_aliases_and_ids_are_found_case_insensitively() {
        let g = tiny();
        let tsmc = g.node_by_key("tsmc").unwrap();
        assert_eq!(g.nodes_named("tsmc"), [tsmc]);
        assert_eq!(g.nodes_named("TAIWAN").len(), 2);
        assert!(g.nodes_named("nowhere").is_empty());
        assert_eq!(g.lookup("twn"), Lookup::Found(g.node_by_key("tw").unwrap()));
        assert_eq!(g.node_aliases(tsmc), [Box::from("Taiwan Semiconductor")]);
        assert!(g.node_aliases(g.node_by_key("TW2").unwrap()).is_empty());
    }
}
