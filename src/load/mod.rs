//! Loading graphs from files (spec: data-format.md): CSV, JSON and
//! `schema.toml`, problems collected, never first-error-only.
//!
//! A load runs in three phases over the files of every data set, so any
//! file may refer to nodes of any other: all schemas (merged), then all
//! nodes (CSV node files and the `nodes` of JSON documents), then all edges.
//!
//! A CSV file is read in 16 MiB blocks (`blocks`), each cut at line
//! breaks into one piece per core; the pieces are scanned (`records`) and
//! parsed by pure functions (`csv`) on scoped threads, while the block
//! before is added to the graph and the block after is read. Node rows are
//! added in file order on the loading thread (first-come ids and kinds);
//! edge rows are resolved on the threads too (`edges`) and appended in
//! bulk. Duplicate edges are found once all edges are in, on the CSR, and
//! every problem of the edge phase is held and sorted back into file order:
//! the graph and the problems are exactly those of a row-by-row read, line
//! numbers included. A failed load returns every problem it found (up to a
//! limit) and no graph; the graph a [`load_into`] started from is never
//! touched.

mod blocks;
mod csv;
mod edges;
mod files;
mod json;
mod model_rules;
mod records;
mod report;
mod rows;
mod rules;
#[cfg(test)]
mod scale_tests;
mod schema;
mod validity;

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diag::Problem;
use crate::hash::FxMap;
use crate::model::{
    EdgeId, EdgeTypeId, Graph, GraphBuilder, KindId, NodeId, Probe, PropKey, Schema, Value,
};

use blocks::Tuning;
use edges::{EdgeEnv, EdgeSource, EdgeState, EdgeWorker, Faults, Pending, Ty};
use files::Class;
use report::{Origin, Sink};
use rules::Rules;

pub use schema::parse_schema;
pub use validity::{hidden_at, interval_warnings};

/// How to load.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadOptions {
    /// Skip bad rows (reporting them in [`Loaded::skipped`]) instead of
    /// failing. Problems with whole files (broken JSON or TOML, a missing
    /// path, an unrecognized CSV header) still fail the load.
    pub skip_bad_rows: bool,
    /// How many problems to collect before giving up (default 100).
    pub max_problems: usize,
    /// Stops the load (between blocks and rows) when set: the REPL's
    /// Ctrl-C during `:load`. A cancelled load fails and changes nothing.
    pub cancel: Option<crate::limits::CancelFlag>,
}

impl Default for LoadOptions {
    fn default() -> LoadOptions {
        LoadOptions {
            skip_bad_rows: false,
            max_problems: 100,
            cancel: None,
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
    run_tuned(base, paths, opts, Tuning::default())
}

fn run_tuned(
    base: Option<&Graph>,
    paths: &[PathBuf],
    opts: &LoadOptions,
    tuning: Tuning,
) -> Result<Loaded, LoadFailure> {
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
    cx.tuning = tuning;
    cx.cancel = opts.cancel.clone();

    let mut docs: Vec<Option<json::Doc>> = found.iter().map(|_| None).collect();
    for (i, f) in found.iter().enumerate() {
        if cx.full() {
            break;
        }
        match f.class {
            Class::Nodes => csv::load_nodes(&mut cx, i, &f.path),
            Class::Json => docs[i] = json::read(&mut cx, i, &f.path),
            Class::Edges | Class::Schema => {}
        }
    }
    for (i, f) in found.iter().enumerate() {
        if cx.full() {
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
    // Not needed past the files: freed before the graph is finished (the
    // load's peak of memory).
    cx.reuse = csv::Reuse::default();
    if cx.cancelled() {
        let mut sink = cx.sink;
        sink.fatal(Problem::new(
            "load",
            "cancelled (Ctrl-C); nothing was loaded",
        ));
        return Err(failure(sink));
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
    let line = records::line_ends(before) + 1;
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

impl<'r> EdgeRow<'r> {
    /// The row, when its three columns were read and no fault was found.
    pub(crate) fn checked(
        [from, to, ty]: [Option<&'r str>; 3],
        known: Option<EdgeTypeId>,
        faults: &[String],
    ) -> Option<EdgeRow<'r>> {
        let (Some(from), Some(to), Some(ty)) = (from, to, ty) else {
            return None;
        };
        faults.is_empty().then_some(EdgeRow {
            from,
            to,
            ty,
            known,
        })
    }
}

/// The longest field a data file may hold (1 MiB): a CSV field, or a JSON
/// string. Longer ones are almost always a broken file (a quote left open
/// swallows the rest of it) and are reported, not loaded.
pub const MAX_FIELD_BYTES: usize = 1 << 20;

/// The ids kinds and edge types are interned to are 16-bit.
const MAX_INTERNED: usize = u16::MAX as usize;

/// How many node ids "did you mean" may compare in one load (a million-node
/// graph gets a suggestion for its first five unknown ids).
const SUGGEST_BUDGET: usize = 5_000_000;

/// The state of one load: the builder, the rules, where every node and
/// edge came from (for "first defined at"), and the problems.
pub(crate) struct Ctx {
    pub b: GraphBuilder,
    /// Shared with the threads that parse node rows.
    pub rules: Arc<Rules>,
    pub sink: Sink,
    pub files: Vec<String>,
    base_nodes: usize,
    base_edges: usize,
    /// Origins of the nodes added by this load (index: node - base_nodes).
    node_origins: Vec<Origin>,
    /// Ids of node rows that were rejected, so their edges are not reported
    /// again as dangling.
    rejected: HashSet<Box<str>>,
    /// Kinds and types interned without a schema, and how many exist.
    kinds: FxMap<Box<str>, KindId>,
    kind_count: usize,
    /// The last kind declared by the schema that was looked up.
    declared: rules::LastName<KindId>,
    /// Edge types, held problems and edge origins.
    pub edges: EdgeState,
    /// The unknown ids of the last JSON edge resolved.
    unknown: Vec<(usize, Box<str>)>,
    /// Block size and threads.
    pub tuning: Tuning,
    /// Set by Ctrl-C during `:load`.
    cancel: Option<crate::limits::CancelFlag>,
    /// Memory kept from one CSV file for the next.
    reuse: csv::Reuse,
}

impl Ctx {
    fn new(
        b: GraphBuilder,
        rules: Rules,
        sink: Sink,
        files: Vec<String>,
        base: Option<&Graph>,
    ) -> Ctx {
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
            cancel: None,
            base_nodes: b.node_count(),
            base_edges: b.edge_count(),
            b,
            rules: Arc::new(rules),
            sink,
            files,
            node_origins: Vec::new(),
            rejected: HashSet::new(),
            kind_count: kinds.len(),
            kinds,
            declared: rules::LastName::default(),
            edges: EdgeState::new(types),
            unknown: Vec::new(),
            tuning: Tuning::default(),
            reuse: csv::Reuse::default(),
        }
    }

    /// Whether it is no use going on: the problem limit is reached.
    pub fn full(&self) -> bool {
        self.sink.full_with(self.edges.pending_failing) || self.cancelled()
    }

    /// Whether the load was cancelled.
    pub fn cancelled(&self) -> bool {
        self.cancel.as_ref().is_some_and(|c| c.is_cancelled())
    }

    /// Reports a row's faults (joined into one problem) and clears them.
    pub fn report(&mut self, loc: &Loc, faults: &mut Vec<String>) {
        if faults.is_empty() {
            return;
        }
        let p = self.problem(loc, &faults.join("; "));
        faults.clear();
        self.sink.row(p);
    }

    /// A problem at `loc` (a JSON item's message names the item).
    fn problem(&self, loc: &Loc, text: &str) -> Problem {
        let mut message = match loc.item {
            Some((section, i)) => format!("{section}[{i}]: "),
            None => String::new(),
        };
        message.push_str(text);
        let file = self.files.get(loc.file).map_or("", String::as_str);
        let mut p = Problem::new(file, message);
        if loc.line > 0 {
            p.line = Some(loc.line);
            p.column = loc.col;
        }
        p
    }

    /// A file-level problem (fails the load even when skipping rows).
    pub fn fatal(&mut self, file: usize, line: Option<usize>, col: Option<usize>, message: String) {
        let name = self.files.get(file).map_or("", String::as_str);
        let mut p = Problem::new(name, message);
        p.line = line;
        p.column = line.and(col);
        self.sink.fatal(p);
    }

    /// A file-level problem of the edge phase (held in file order).
    pub fn edge_fatal(
        &mut self,
        file: usize,
        line: Option<usize>,
        col: Option<usize>,
        message: String,
    ) {
        self.edges.fatal(file, line, col, message);
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
        let probe = Probe::new(row.id);
        self.add_node_probed(loc, row, &probe, props, faults);
    }

    /// [`Ctx::add_node`] with the id's probe computed beforehand.
    pub fn add_node_probed(
        &mut self,
        loc: &Loc,
        row: NodeRow<'_>,
        probe: &Probe,
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
            .add_node_probed(row.id, probe, kind, name, row.aliases, props.drain(..))
        {
            Ok(_) => self.node_origins.push(loc.origin()),
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
            let rules = &self.rules;
            return self
                .declared
                .get_or(name, |n| rules.kind(n))
                .ok_or_else(|| rules.unknown_kind(name));
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

    /// What resolving edge rows reads (shared by the threads of a block).
    pub fn edge_env(&self) -> EdgeEnv<'_> {
        EdgeEnv {
            nodes: self.b.nodes(),
            rules: &self.rules,
            rejected: &self.rejected,
            types: &self.edges.types,
            skips_rows: self.sink.skips_rows(),
            type_room: self.edges.room(),
        }
    }

    /// Starts the edges of a file (JSON: with where its items are).
    pub fn begin_edges(&mut self, file: usize, at: Option<Vec<(usize, usize)>>) {
        self.edges.sources.push(EdgeSource {
            first: self.b.edge_count(),
            file,
            at,
        });
    }

    /// Adds a parsed edge row (JSON): endpoints must exist (and have
    /// allowed kinds). Faults are left in `faults` for the caller to report
    /// with [`Ctx::report_edge`]. Duplicates are found when the load ends.
    pub fn add_edge(
        &mut self,
        loc: &Loc,
        row: EdgeRow<'_>,
        props: &mut Vec<(PropKey, Value)>,
        faults: &mut Vec<String>,
    ) {
        let mut worker = EdgeWorker::default();
        let mut found = Faults {
            list: std::mem::take(faults),
            unknown: Vec::new(),
        };
        let resolved = worker.resolve(&self.edge_env(), &row, &mut found);
        *faults = found.list;
        self.unknown = found.unknown;
        let Some((from, to, ty)) = resolved else {
            props.clear();
            return;
        };
        let (_, mut side) = self.b.split();
        let ty = match ty {
            Ty::Known(t) => t,
            Ty::New(i) => {
                let name = worker.new_types.names.get(i as usize).map_or("", |t| &**t);
                self.edges.intern_type(name, &mut side)
            }
        };
        side.add_edge(from, to, ty, props.drain(..));
        let row = loc.item.map_or(loc.line, |(_, i)| i);
        self.edges.rows.push(row);
    }

    /// Holds an edge row's faults (joined into one problem) and clears them.
    pub fn report_edge(&mut self, loc: &Loc, faults: &mut Vec<String>) {
        let unknown = std::mem::take(&mut self.unknown);
        if faults.is_empty() {
            return;
        }
        let p = Pending {
            file: loc.file,
            line: loc.line,
            col: loc.col,
            item: loc.item,
            fatal: false,
            faults: Faults {
                list: std::mem::take(faults),
                unknown,
            },
        };
        self.edges.hold(p, self.sink.skips_rows());
    }

    /// Where an edge of this load came from.
    fn edge_loc(&self, e: EdgeId) -> Option<Loc> {
        let row = self
            .edges
            .rows
            .get(e.index().checked_sub(self.base_edges)?)?;
        let k = self
            .edges
            .sources
            .partition_point(|s| s.first <= e.index())
            .checked_sub(1)?;
        let source = &self.edges.sources[k];
        Some(match &source.at {
            None => Loc {
                file: source.file,
                line: row,
                col: None,
                item: None,
            },
            Some(at) => {
                let (line, col) = at.get(row).copied().unwrap_or((0, 0));
                Loc {
                    file: source.file,
                    line,
                    col: Some(col),
                    item: Some(("edges", row)),
                }
            }
        })
    }

    /// Holds one row problem of an edge found after the edges were added.
    fn hold_fault(&mut self, loc: &Loc, fault: String) {
        self.edges.pending.push(Pending {
            file: loc.file,
            line: loc.line,
            col: loc.col,
            item: loc.item,
            fatal: false,
            faults: Faults {
                list: vec![fault],
                unknown: Vec::new(),
            },
        });
    }

    /// Finds duplicate edges, reports every held problem in file order, and
    /// freezes the graph (without the duplicates, when rows are skipped).
    fn finish(mut self) -> Result<Loaded, LoadFailure> {
        let b = std::mem::take(&mut self.b);
        let g = b.finish();
        let multi: Vec<bool> = g
            .edge_types()
            .map(|(t, _)| self.rules.edge_rule(t).is_some_and(|r| r.multi))
            .collect();
        let candidates = edges::duplicates(&g, self.base_edges, &multi, self.tuning.threads);
        let dups = edges::overlapping(&g, &candidates);
        for &(dup, first) in &dups {
            let Some(loc) = self.edge_loc(dup) else {
                continue;
            };
            let first_at = match self.edge_loc(first) {
                Some(l) => l.origin().describe(&self.files),
                None => Origin::BASE.describe(&self.files),
            };
            let (from, to) = g.edge_ends(dup);
            let ty = g.edge_type_name(g.edge_type(dup));
            let (from, to) = (g.node_key(from), g.node_key(to));
            let message = match (g.edge_validity(dup), g.edge_validity(first)) {
                (None, None) => format!(
                    "duplicate edge `{from}` -[{ty}]-> `{to}`; first defined at {first_at} (declare multi = true for {ty} in the schema to allow parallel edges)"
                ),
                (mine, theirs) => format!(
                    "edge `{from}` -[{ty}]-> `{to}` valid {} overlaps the same edge valid {} at {first_at}; expected intervals that do not overlap (or multi = true for {ty} in the schema)",
                    mine.unwrap_or_default().describe(),
                    theirs.unwrap_or_default().describe(),
                ),
            };
            self.hold_fault(&loc, message);
        }
        let model_faults = model_rules::check(&g, self.base_edges);
        for (e, fault) in &model_faults {
            if let Some(loc) = self.edge_loc(*e) {
                self.hold_fault(&loc, fault.clone());
            }
        }
        let mut pending = std::mem::take(&mut self.edges.pending);
        pending.sort_by_key(Pending::key);
        let mut budget = SUGGEST_BUDGET;
        for mut p in pending {
            if self.sink.keeps(p.fatal) {
                for (i, id) in &p.faults.unknown {
                    if let (Some(near), Some(fault)) = (
                        edges::near_id(&g, id, &mut budget),
                        p.faults.list.get_mut(*i),
                    ) {
                        fault.push_str(&format!("; did you mean `{near}`?"));
                    }
                }
            }
            let loc = Loc {
                file: p.file,
                line: p.line,
                col: p.col,
                item: p.item,
            };
            let problem = self.problem(&loc, &p.faults.list.join("; "));
            if p.fatal {
                self.sink.fatal(problem);
            } else {
                self.sink.row(problem);
            }
        }
        let Ctx { sink, files, .. } = self;
        if sink.failed() {
            return Err(failure(sink));
        }
        let graph = if dups.is_empty() && model_faults.is_empty() {
            g
        } else {
            let mut drop: Vec<EdgeId> = dups.iter().map(|(d, _)| *d).collect();
            drop.extend(model_faults.iter().map(|(e, _)| *e));
            drop.sort_unstable();
            drop.dedup();
            let mut b = g.into_builder();
            b.retain_edges(|e| drop.binary_search(&e).is_err());
            b.finish()
        };
        Ok(Loaded {
            graph,
            skipped: sink.skipped,
            skipped_count: sink.skipped_count,
            files,
        })
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
