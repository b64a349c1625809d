//! Loading graphs from files (spec: data-format.md): CSV, JSON and
//! `schema.toml`, problems collected, never first-error-only.
//!
//! A load runs in three phases over the files of every data set, so any
//! file may refer to nodes of any other: all schemas (merged), then all
//! nodes (CSV node files and the `nodes` of JSON documents), then all edges.
//! Rows are parsed by pure functions ([`csv`], [`json`]) into borrowed rows;
//! [`Ctx`] then resolves them against the builder (ids, kinds, duplicates)
//! and adds them. A failed load returns every problem it found (up to a
//! limit) and no graph; the graph a [`load_into`] started from is never
//! touched.

mod csv;
mod files;
mod json;
mod report;
mod rules;
mod schema;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::path::{Path, PathBuf};

use crate::diag::Problem;
use crate::model::{EdgeTypeId, Graph, GraphBuilder, KindId, NodeId, PropKey, Schema, Value};

use files::Class;
use report::{Origin, Sink};
use rules::Rules;

pub use schema::parse_schema;

/// How to load.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadOptions {
    /// Skip bad rows (reporting them in [`Loaded::skipped`]) instead of
    /// failing. Problems with whole files (broken JSON or TOML, a missing
    /// path, an unrecognized CSV header) still fail the load.
    pub skip_bad_rows: bool,
    /// How many problems to collect before giving up (default 100).
    pub max_problems: usize,
}

impl Default for LoadOptions {
    fn default() -> LoadOptions {
        LoadOptions {
            skip_bad_rows: false,
            max_problems: 100,
        }
    }
}

/// A successful load.
#[derive(Debug)]
pub struct Loaded {
    /// The graph.
    pub graph: Graph,
    /// Rows skipped under [`LoadOptions::skip_bad_rows`], each with why
    /// (at most [`LoadOptions::max_problems`] kept).
    pub skipped: Vec<Problem>,
    /// How many rows were skipped in all (may exceed `skipped.len()`).
    pub skipped_count: usize,
    /// Every data file read, in the order read.
    pub files: Vec<String>,
}

/// A failed load: every problem found, up to the limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadFailure {
    /// The problems, in the order found.
    pub problems: Vec<Problem>,
    /// Whether more problems were found than kept.
    pub truncated: bool,
}

impl fmt::Display for LoadFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.problems {
            writeln!(f, "{p}")?;
        }
        let n = self.problems.len();
        let plural = if n == 1 { "" } else { "s" };
        if self.truncated {
            write!(
                f,
                "more than {n} problems (only the first {n} shown); the graph was not loaded"
            )
        } else {
            write!(f, "{n} problem{plural}; the graph was not loaded")
        }
    }
}

impl std::error::Error for LoadFailure {}

/// Loads a graph from data sets: directories (read recursively, in sorted
/// path order) or single files, merged.
pub fn load(paths: &[PathBuf], opts: &LoadOptions) -> Result<Loaded, LoadFailure> {
    run(None, paths, opts)
}

/// Loads more data into a copy of `base` (the REPL's `:load`). Ids in the
/// new data may refer to nodes of `base`; `base` itself is never changed,
/// so a failed load leaves it as it was.
pub fn load_into(
    base: &Graph,
    paths: &[PathBuf],
    opts: &LoadOptions,
) -> Result<Loaded, LoadFailure> {
    run(Some(base), paths, opts)
}

/// Where the bundled graph lives: `$FAULTLINE_DATA` when set (and not
/// empty), else the crate's `graph-data/`.
pub fn bundled_data_dir() -> PathBuf {
    match std::env::var_os("FAULTLINE_DATA") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/graph-data")),
    }
}

fn run(base: Option<&Graph>, paths: &[PathBuf], opts: &LoadOptions) -> Result<Loaded, LoadFailure> {
    let mut sink = Sink::new(opts.skip_bad_rows, opts.max_problems);
    let found = files::discover(paths, &mut sink);
    let names: Vec<String> = found.iter().map(|f| f.display.clone()).collect();

    let mut schema = base.and_then(|g| g.schema().cloned());
    for f in found.iter().filter(|f| f.class == Class::Schema) {
        read_schema(&f.path, &f.display, &mut schema, &mut sink);
    }
    if sink.failed() {
        return Err(failure(sink));
    }

    let mut b = base.map_or_else(GraphBuilder::new, Graph::to_builder);
    if let Some(s) = &schema {
        b.set_schema(s.clone());
    }
    let rules = Rules::new(&mut b, schema);
    let mut cx = Ctx::new(b, rules, sink, names, base);

    let mut docs: Vec<Option<json::Doc>> = found.iter().map(|_| None).collect();
    for (i, f) in found.iter().enumerate() {
        if cx.sink.full() {
            break;
        }
        match f.class {
            Class::Nodes => csv::load_nodes(&mut cx, i, &f.path),
            Class::Json => docs[i] = json::read(&mut cx, i, &f.path),
            Class::Edges | Class::Schema => {}
        }
    }
    for (i, f) in found.iter().enumerate() {
        if cx.sink.full() {
            break;
        }
        match f.class {
            Class::Edges => csv::load_edges(&mut cx, i, &f.path),
            Class::Json => {
                if let Some(doc) = docs[i].take() {
                    doc.load_edges(&mut cx, i);
                }
            }
            Class::Nodes | Class::Schema => {}
        }
    }
    cx.finish()
}

fn failure(sink: Sink) -> LoadFailure {
    LoadFailure {
        problems: sink.problems,
        truncated: sink.truncated,
    }
}

/// Reads one `schema.toml` and merges it into what was read before.
fn read_schema(path: &Path, display: &str, into: &mut Option<Schema>, sink: &mut Sink) {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            return sink.fatal(Problem::new(
                display,
                files::io_message(&e, "a readable schema file"),
            ));
        }
    };
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t,
        Err(e) => return sink.fatal(not_utf8(display, &bytes, e.valid_up_to())),
    };
    match parse_schema(text, display) {
        Ok(s) => match into {
            None => *into = Some(s),
            Some(existing) => {
                if let Err(e) = existing.merge(s) {
                    sink.fatal(Problem::new(
                        display,
                        format!("{e}; expected schemas that agree"),
                    ));
                }
            }
        },
        Err(problems) => problems.into_iter().for_each(|p| sink.fatal(p)),
    }
}

/// A file that is not UTF-8, located at the first bad byte.
pub(crate) fn not_utf8(display: &str, bytes: &[u8], valid_up_to: usize) -> Problem {
    let before = &bytes[..valid_up_to.min(bytes.len())];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let bad = bytes.get(valid_up_to).copied().unwrap_or(0);
    Problem::new(
        display,
        format!("invalid UTF-8 (byte 0x{bad:02X}); expected UTF-8 text"),
    )
    .line(line)
}

/// Where a row or item is: file, line (and column for JSON), and for JSON
/// the item's place (`nodes[3]`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Loc {
    pub file: usize,
    pub line: usize,
    pub col: Option<usize>,
    pub item: Option<(&'static str, usize)>,
}

impl Loc {
    fn origin(&self) -> Origin {
        Origin::new(self.file, self.line)
    }
}

/// A node row, borrowed from the record it was parsed from.
#[derive(Debug)]
pub(crate) struct NodeRow<'r> {
    pub id: &'r str,
    pub kind: &'r str,
    pub name: &'r str,
    pub aliases: Vec<Box<str>>,
}

/// An edge row, borrowed from its record. `known` is the declared type
/// when there is a schema.
#[derive(Debug)]
pub(crate) struct EdgeRow<'r> {
    pub from: &'r str,
    pub to: &'r str,
    pub ty: &'r str,
    pub known: Option<EdgeTypeId>,
}

/// A fast hasher for the loader's integer-keyed maps (the duplicate-edge
/// check sees every edge); a multiply-rotate in the style of rustc's FxHash.
/// Not DoS-resistant, which does not matter for data the user loads.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Fx(u64);

impl Fx {
    #[inline]
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for Fx {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u16(&mut self, i: u16) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        // The high bits pick hashbrown's control byte; rotating mixes the
        // well-spread high product bits into the low ones that pick buckets.
        self.0.rotate_left(26)
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

/// The ids kinds and edge types are interned to are 16-bit.
/// The longest field a data file may hold (1 MiB): a CSV field, or a JSON
/// string. Longer ones are almost always a broken file (a quote left open
/// swallows the rest of it) and are reported, not loaded.
pub const MAX_FIELD_BYTES: usize = 1 << 20;

const MAX_INTERNED: usize = u16::MAX as usize;

/// The state of one load: the builder, the rules, where every node and
/// edge came from (for "first defined at"), and the problems.
pub(crate) struct Ctx<'g> {
    pub b: GraphBuilder,
    pub rules: Rules,
    pub sink: Sink,
    pub files: Vec<String>,
    base: Option<&'g Graph>,
    base_nodes: usize,
    /// Origins of the nodes added by this load (index: node - base_nodes).
    node_origins: Vec<Origin>,
    /// Every node's kind (base nodes too), for the endpoint checks.
    node_kinds: Vec<KindId>,
    /// Ids of node rows that were rejected, so their edges are not reported
    /// again as dangling.
    rejected: HashSet<Box<str>>,
    /// First origin of each (from, to, type) added by this load.
    seen_edges: FxMap<(NodeId, NodeId, EdgeTypeId), Origin>,
    /// The last endpoints resolved: edge files are usually grouped by one
    /// end, and a repeated id then costs a string compare instead of a
    /// lookup in the million-entry id index.
    last_ends: [LastId; 2],
    /// Kinds and types interned without a schema, and how many exist.
    kinds: FxMap<Box<str>, KindId>,
    kind_count: usize,
    types: FxMap<Box<str>, EdgeTypeId>,
    type_count: usize,
}

impl<'g> Ctx<'g> {
    fn new(
        b: GraphBuilder,
        rules: Rules,
        sink: Sink,
        files: Vec<String>,
        base: Option<&'g Graph>,
    ) -> Ctx<'g> {
        let node_kinds =
            base.map_or_else(Vec::new, |g| g.nodes().map(|n| g.node_kind(n)).collect());
        let mut kinds = FxMap::default();
        let mut types = FxMap::default();
        if let Some(g) = base {
            for (k, name) in g.kinds() {
                kinds.insert(name.into(), k);
            }
            for (t, info) in g.edge_types() {
                types.insert(info.name.clone(), t);
            }
        }
        Ctx {
            b,
            rules,
            sink,
            files,
            base,
            base_nodes: node_kinds.len(),
            node_origins: Vec::new(),
            node_kinds,
            rejected: HashSet::new(),
            seen_edges: FxMap::default(),
            last_ends: Default::default(),
            kind_count: kinds.len(),
            kinds,
            type_count: types.len(),
            types,
        }
    }

    /// Reports a row's faults (joined into one problem) and clears them.
    pub fn report(&mut self, loc: &Loc, faults: &mut Vec<String>) {
        if faults.is_empty() {
            return;
        }
        let mut message = match loc.item {
            Some((section, i)) => format!("{section}[{i}]: "),
            None => String::new(),
        };
        message.push_str(&faults.join("; "));
        faults.clear();
        let file = self.files.get(loc.file).map_or("", String::as_str);
        let mut p = Problem::new(file, message);
        if loc.line > 0 {
            p.line = Some(loc.line);
            p.column = loc.col;
        }
        self.sink.row(p);
    }

    /// A file-level problem (fails the load even when skipping rows).
    pub fn fatal(&mut self, file: usize, line: Option<usize>, col: Option<usize>, message: String) {
        let name = self.files.get(file).map_or("", String::as_str);
        let mut p = Problem::new(name, message);
        p.line = line;
        p.column = line.and(col);
        self.sink.fatal(p);
    }

    /// Remembers that the node row with this id was rejected.
    pub fn reject(&mut self, id: &str) {
        if !id.is_empty() && self.b.node(id).is_none() {
            self.rejected.insert(id.into());
        }
    }

    /// Adds a parsed node row, checking its kind and id. Faults are left in
    /// `faults` for the caller to report.
    pub fn add_node(
        &mut self,
        loc: &Loc,
        row: NodeRow<'_>,
        props: &mut Vec<(PropKey, Value)>,
        faults: &mut Vec<String>,
    ) {
        let kind = match self.kind(row.kind) {
            Ok(k) => k,
            Err(message) => {
                faults.push(message);
                self.reject(row.id);
                return;
            }
        };
        let name = if row.name.is_empty() {
            row.id
        } else {
            row.name
        };
        match self
            .b
            .add_node(row.id, kind, name, row.aliases, props.drain(..))
        {
            Ok(_) => {
                self.node_origins.push(loc.origin());
                self.node_kinds.push(kind);
            }
            Err(existing) => {
                let first = self.node_origin(existing).describe(&self.files);
                faults.push(format!(
                    "duplicate node id `{}`; first defined at {first}",
                    row.id
                ));
            }
        }
    }

    fn node_origin(&self, n: NodeId) -> Origin {
        n.index()
            .checked_sub(self.base_nodes)
            .and_then(|i| self.node_origins.get(i).copied())
            .unwrap_or(Origin::BASE)
    }

    /// The kind of a row: declared (with a schema) or interned.
    fn kind(&mut self, name: &str) -> Result<KindId, String> {
        if self.rules.strict() {
            return self
                .rules
                .kind(name)
                .ok_or_else(|| self.rules.unknown_kind(name));
        }
        if let Some(k) = self.kinds.get(name) {
            return Ok(*k);
        }
        if self.kind_count >= MAX_INTERNED {
            return Err(format!(
                "kind `{name}` is one too many; expected at most {MAX_INTERNED} distinct kinds"
            ));
        }
        let k = self.b.kind(name);
        self.kinds.insert(name.into(), k);
        self.kind_count += 1;
        Ok(k)
    }

    /// The type of an edge row: declared (with a schema) or interned.
    fn edge_type(&mut self, row: &EdgeRow<'_>) -> Result<EdgeTypeId, String> {
        if let Some(t) = row.known {
            return Ok(t);
        }
        if self.rules.strict() {
            return Err(self.rules.unknown_edge_type(row.ty));
        }
        if let Some(t) = self.types.get(row.ty) {
            return Ok(*t);
        }
        if self.type_count >= MAX_INTERNED {
            return Err(format!(
                "edge type `{}` is one too many; expected at most {MAX_INTERNED} distinct types",
                row.ty
            ));
        }
        let t = self.b.edge_type(row.ty);
        self.types.insert(row.ty.into(), t);
        self.type_count += 1;
        Ok(t)
    }

    /// Adds a parsed edge row: endpoints must exist (and have allowed
    /// kinds), and it must not repeat an edge unless its type is `multi`.
    /// Faults are left in `faults` for the caller to report.
    pub fn add_edge(
        &mut self,
        loc: &Loc,
        row: EdgeRow<'_>,
        props: &mut Vec<(PropKey, Value)>,
        faults: &mut Vec<String>,
    ) {
        let mut ends = [None, None];
        let mut hidden = false;
        for (i, (slot, (id, which))) in ends
            .iter_mut()
            .zip([(row.from, "from"), (row.to, "to")])
            .enumerate()
        {
            *slot = self.last_ends[i].lookup(&self.b, id);
            if slot.is_some() {
                continue;
            }
            if self.rejected.contains(id) {
                if self.sink.skips_rows() {
                    faults.push(format!(
                        "`{which}` node `{id}` was skipped (its row is bad)"
                    ));
                } else {
                    // Its row is already reported; saying so again per edge is noise.
                    hidden = true;
                }
            } else {
                faults.push(format!("unknown node `{id}` in `{which}`; expected the id of a node defined in the data"));
            }
        }
        let ty = match self.edge_type(&row) {
            Ok(t) => Some(t),
            Err(message) => {
                faults.push(message);
                None
            }
        };
        let ([Some(from), Some(to)], Some(ty)) = (ends, ty) else {
            if hidden && faults.is_empty() {
                props.clear();
            }
            return;
        };
        let mut multi = false;
        if let Some(rule) = self.rules.edge_rule(ty) {
            multi = rule.multi;
            let checks = [
                (from, row.from, "from", &rule.from, &rule.from_names),
                (to, row.to, "to", &rule.to, &rule.to_names),
            ];
            for (n, id, which, allowed, names) in checks {
                let kind = self.node_kinds.get(n.index()).copied();
                if !allowed.is_empty() && !kind.is_some_and(|k| allowed.contains(&k)) {
                    let names: Vec<&str> = names.iter().map(String::as_str).collect();
                    faults.push(format!(
                        "{} edge `{}` -> `{}`: `{which}` node `{id}` is a {}; expected {}",
                        row.ty,
                        row.from,
                        row.to,
                        self.b.node_kind_name(n),
                        or_list(&names)
                    ));
                }
            }
        }
        let key = (from, to, ty);
        if !multi && let Some(first) = self.first_edge(key) {
            faults.push(format!(
                "duplicate edge `{}` -[{}]-> `{}`; first defined at {} (declare multi = true for {} in the schema to allow parallel edges)",
                row.from,
                row.ty,
                row.to,
                first.describe(&self.files),
                row.ty
            ));
        }
        if !faults.is_empty() {
            props.clear();
            return;
        }
        self.b.add_edge(from, to, ty, props.drain(..));
        if !multi {
            self.seen_edges.insert(key, loc.origin());
        }
    }

    /// Where an edge with this key was first defined, if it was.
    fn first_edge(&self, key: (NodeId, NodeId, EdgeTypeId)) -> Option<Origin> {
        if let Some(o) = self.seen_edges.get(&key) {
            return Some(*o);
        }
        let g = self.base?;
        let (from, to, ty) = key;
        if from.index() >= self.base_nodes || to.index() >= self.base_nodes {
            return None;
        }
        let adj = g.out_adj();
        let found = adj
            .neighbors(from)
            .iter()
            .zip(adj.types(from))
            .any(|(n, t)| *n == to && *t == ty);
        found.then_some(Origin::BASE)
    }

    fn finish(self) -> Result<Loaded, LoadFailure> {
        let Ctx {
            b,
            sink,
            files,
            seen_edges,
            ..
        } = self;
        if sink.failed() {
            return Err(failure(sink));
        }
        // Free the duplicate index before `finish` builds the adjacency:
        // both are as large as the edge list.
        drop(seen_edges);
        Ok(Loaded {
            graph: b.finish(),
            skipped: sink.skipped,
            skipped_count: sink.skipped_count,
            files,
        })
    }
}

/// A one-entry cache of id -> node (only hits are cached).
#[derive(Debug, Default)]
struct LastId {
    text: String,
    node: Option<NodeId>,
}

impl LastId {
    #[inline]
    fn lookup(&mut self, b: &GraphBuilder, id: &str) -> Option<NodeId> {
        if self.node.is_some() && self.text == id {
            return self.node;
        }
        let node = b.node(id);
        if node.is_some() {
            self.text.clear();
            self.text.push_str(id);
            self.node = node;
        }
        node
    }
}

/// `A`, `A or B`, `A, B or C`.
fn or_list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_lists_each_problem_then_a_count() {
        let f = LoadFailure {
            problems: vec![Problem::new("a.csv", "bad").line(2)],
            truncated: false,
        };
        assert_eq!(
            f.to_string(),
            "a.csv:2: bad\n1 problem; the graph was not loaded"
        );
        let f = LoadFailure {
            truncated: true,
            ..f
        };
        assert!(
            f.to_string().ends_with(
                "more than 1 problems (only the first 1 shown); the graph was not loaded"
            )
        );
    }

    #[test]
    fn or_lists_read_naturally() {
        assert_eq!(or_list(&["Firm"]), "Firm");
        assert_eq!(
            or_list(&["Firm", "Sector", "Nation"]),
            "Firm, Sector or Nation"
        );
    }

    #[test]
    fn not_utf8_names_the_line() {
        let p = not_utf8("x.toml", b"a\nb\n\xff", 4);
        assert_eq!(
            p.to_string(),
            "x.toml:3: invalid UTF-8 (byte 0xFF); expected UTF-8 text"
        );
    }
}
