//! Edge rows: resolving them against the nodes loaded (on any thread),
//! adding them in file order, and the duplicate check after the fact.
//!
//! An edge row is checked by [`EdgeWorker::resolve`] against a read-only
//! [`EdgeEnv`] (the builder's id index, the rules, the rejected node ids),
//! so the rows of a large file are resolved by several threads at once; the
//! results ([`EdgeBatch`]) are added to the builder in file order. Edge
//! types met for the first time without a schema are numbered per batch
//! and interned when the batch is added, in the order a sequential read
//! would have met them.
//!
//! Duplicate edges (same `from`, `to` and type, unless the type is
//! `multi`) are found once every edge is in, on the finished graph's CSR:
//! a scan per node with a marker array, instead of a hash set of every
//! edge (which cost a third of a gigabyte on ten million edges). What a
//! duplicate row is reported with is what a row-by-row check would say;
//! problems are sorted back into file order before they are reported.

use std::collections::HashSet;

use crate::model::{
    EdgeId, EdgeSide, EdgeTypeId, Graph, KindId, NodeId, NodeView, Probe, PropKey, Value,
};

use super::rows::EdgeRows;
use super::rules::{LastName, Rules};
use super::{EdgeRow, FxMap};

/// What resolving an edge row reads; shared by the threads of a block.
#[derive(Clone, Copy)]
pub(crate) struct EdgeEnv<'c> {
    pub nodes: NodeView<'c>,
    pub rules: &'c Rules,
    pub rejected: &'c HashSet<Box<str>>,
    /// Edge types interned so far without a schema.
    pub types: &'c FxMap<Box<str>, EdgeTypeId>,
    pub skips_rows: bool,
    /// How many more edge types may be interned.
    pub type_room: usize,
}

/// An edge's type: interned, or new in this batch (an index into
/// [`EdgeWorker::new_types`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ty {
    Known(EdgeTypeId),
    New(u32),
}

/// How many edge rows are resolved together: their id lookups are issued
/// back to back, so the cache misses of a row overlap those of the next
/// (one miss at a time, the million-entry id table made the lookups most
/// of the load's time).
const BATCH: usize = 64;

/// An edge row waiting in a batch: its text is in the worker's arena.
#[derive(Debug, Default)]
struct Queued {
    line: usize,
    /// `from`, `to` and `type` as spans of the worker's text (see
    /// [`EdgeWorker::text`]).
    spans: [(usize, usize); 3],
    known: Option<EdgeTypeId>,
    props: Vec<(PropKey, Value)>,
}

/// One thread's state while resolving edge rows.
#[derive(Debug, Default)]
pub(crate) struct EdgeWorker<'p> {
    known: LastName<EdgeTypeId>,
    /// Types first met by this worker (without a schema), in order.
    pub new_types: NewTypes,
    /// The text the rows were parsed from (empty: unknown). A queued id
    /// that is a slice of it is kept as a span of it; others (a field
    /// with escaped quotes, a JSON string) are copied to `text`, whose
    /// spans start at `base.len()`.
    base: &'p str,
    text: String,
    queue: Vec<Queued>,
    /// How many of `queue` are in use.
    queued: usize,
    /// The last id looked up at each end, and its node and kind.
    last: [(String, Option<(NodeId, KindId)>); 2],
}

/// Edge types met for the first time by a worker, in order.
#[derive(Debug, Default)]
pub(crate) struct NewTypes {
    pub names: Vec<Box<str>>,
    index: FxMap<Box<str>, u32>,
}

/// The faults of a row, and which of them name an unknown node (a "did you
/// mean" is added to those when the problem is reported).
#[derive(Debug, Default)]
pub(crate) struct Faults {
    pub list: Vec<String>,
    pub unknown: Vec<(usize, Box<str>)>,
}

impl<'p> EdgeWorker<'p> {
    /// A worker for the rows of `base` (their ids are not copied).
    pub(crate) fn over(base: &'p str) -> EdgeWorker<'p> {
        EdgeWorker {
            base,
            ..EdgeWorker::default()
        }
    }

    /// The text of a span made by [`EdgeWorker::queue`] (`text` being the
    /// worker's own).
    fn text<'t>(base: &'t str, text: &'t str, (a, b): (usize, usize)) -> &'t str {
        let found = match a.checked_sub(base.len()) {
            None => base.get(a..b),
            Some(at) => text.get(at..b - base.len()),
        };
        found.unwrap_or("")
    }

    /// Queues a parsed edge row from `line` (taking its properties); true
    /// when the batch is full and [`EdgeWorker::flush`] is due.
    pub(crate) fn queue(
        &mut self,
        line: usize,
        row: &EdgeRow<'_>,
        props: &mut Vec<(PropKey, Value)>,
    ) -> bool {
        if self.queue.len() == self.queued {
            self.queue.push(Queued::default());
        }
        let (base, text) = (self.base, &mut self.text);
        let mut keep = |s: &str| {
            // Pointers compared as addresses only: is `s` inside `base`?
            let at = (s.as_ptr() as usize).wrapping_sub(base.as_ptr() as usize);
            if at <= base.len() && s.len() <= base.len() - at {
                return (at, at + s.len());
            }
            let start = base.len() + text.len();
            text.push_str(s);
            (start, base.len() + text.len())
        };
        let spans = [keep(row.from), keep(row.to), keep(row.ty)];
        let q = &mut self.queue[self.queued];
        q.line = line;
        q.spans = spans;
        q.known = row.known;
        std::mem::swap(&mut q.props, props);
        props.clear();
        self.queued += 1;
        self.queued == BATCH
    }

    /// Resolves the queued rows, adding their edges and problems to `out`.
    pub(crate) fn flush(&mut self, env: &EdgeEnv<'_>, out: &mut EdgeBatch) {
        let n = std::mem::take(&mut self.queued);
        let text = std::mem::take(&mut self.text);
        let queue = &mut self.queue[..n];
        let base = self.base;
        let span = |s: (usize, usize)| EdgeWorker::text(base, &text, s);
        let id = |q: &Queued, k: usize| span(q.spans[k]);
        // Ids that repeat the row before's take its result; the others are
        // looked up, their table slots read all at once first.
        let mut probes: Vec<(usize, usize, Probe)> = Vec::with_capacity(2 * n);
        for (i, q) in queue.iter().enumerate() {
            for (k, last) in self.last.iter().enumerate() {
                let same = match i {
                    0 => last.1.is_some() && last.0 == id(q, k),
                    _ => id(&queue[i - 1], k) == id(q, k),
                };
                if !same {
                    probes.push((i, k, Probe::new(id(q, k))));
                }
            }
        }
        env.nodes.touch_ids(probes.iter().map(|p| &p.2));
        let mut ends = [[None::<(NodeId, KindId)>; 2]; BATCH];
        let mut looked = [[false; 2]; BATCH];
        for &(i, k, ref probe) in &probes {
            ends[i][k] = env.nodes.node_probed(id(&queue[i], k), probe);
            looked[i][k] = true;
        }
        let mut before = [self.last[0].1, self.last[1].1];
        for (row, looked) in ends.iter_mut().zip(&looked).take(n) {
            for ((end, looked), before) in row.iter_mut().zip(looked).zip(&mut before) {
                if !looked {
                    *end = *before;
                }
                *before = *end;
            }
        }
        let mut faults = Faults::default();
        for (q, ends) in queue.iter_mut().zip(ends) {
            let row = EdgeRow {
                from: id(q, 0),
                to: id(q, 1),
                ty: id(q, 2),
                known: q.known,
            };
            match self_check(
                &mut self.known,
                &mut self.new_types,
                env,
                &row,
                ends,
                &mut faults,
            ) {
                Some(edge) => out.push(edge, q.line, env.rules.share, &mut q.props),
                None => {
                    q.props.clear();
                    if !faults.list.is_empty() {
                        out.problems.push(RowProblem {
                            line: q.line,
                            faults: std::mem::take(&mut faults),
                        });
                    }
                }
            }
        }
        if let Some(q) = queue.last() {
            for (k, (last, found)) in self.last.iter_mut().zip(before).enumerate() {
                last.0.clear();
                last.0.push_str(id(q, k));
                last.1 = found;
            }
        }
        self.text = text;
        self.text.clear();
    }

    /// Checks one edge row (looking its ends up): both ends must exist (and
    /// have the kinds the schema allows) and the type must be known or still
    /// internable. Returns the edge, or `None` with the faults pushed (no
    /// faults: a row silently dropped because an end's own row was rejected).
    pub(crate) fn resolve(
        &mut self,
        env: &EdgeEnv<'_>,
        row: &EdgeRow<'_>,
        faults: &mut Faults,
    ) -> Option<(NodeId, NodeId, Ty)> {
        let ends = [row.from, row.to].map(|id| env.nodes.node_probed(id, &Probe::new(id)));
        self_check(&mut self.known, &mut self.new_types, env, row, ends, faults)
    }
}

/// The checks of [`EdgeWorker::resolve`] with the ends already looked up.
fn self_check(
    known: &mut LastName<EdgeTypeId>,
    new_types: &mut NewTypes,
    env: &EdgeEnv<'_>,
    row: &EdgeRow<'_>,
    ends: [Option<(NodeId, KindId)>; 2],
    faults: &mut Faults,
) -> Option<(NodeId, NodeId, Ty)> {
    for (end, (id, which)) in ends.iter().zip([(row.from, "from"), (row.to, "to")]) {
        if end.is_some() {
            continue;
        }
        if env.rejected.contains(id) {
            // Unless rows are skipped, its row is already reported and
            // saying so again per edge is noise.
            if env.skips_rows {
                faults.list.push(format!(
                    "`{which}` node `{id}` was skipped (its row is bad)"
                ));
            }
        } else {
            faults.unknown.push((faults.list.len(), id.into()));
            faults.list.push(format!(
                "unknown node `{id}` in `{which}`; expected the id of a node defined in the data"
            ));
        }
    }
    let ty = edge_type(known, new_types, env, row, faults);
    let ([Some((from, from_kind)), Some((to, to_kind))], Some(ty)) = (ends, ty) else {
        return None;
    };
    if let Ty::Known(t) = ty
        && let Some(rule) = env.rules.edge_rule(t)
    {
        let checks = [
            (from_kind, row.from, "from", &rule.from, &rule.from_names),
            (to_kind, row.to, "to", &rule.to, &rule.to_names),
        ];
        for (kind, id, which, allowed, names) in checks {
            if !allowed.is_empty() && !allowed.contains(&kind) {
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                faults.list.push(format!(
                    "{} edge `{}` -> `{}`: `{which}` node `{id}` is a {}; expected {}",
                    row.ty,
                    row.from,
                    row.to,
                    env.nodes.kind_name(kind),
                    super::or_list(&names)
                ));
            }
        }
    }
    faults.list.is_empty().then_some((from, to, ty))
}

/// The type of an edge row: declared (with a schema), interned, or new.
fn edge_type(
    known: &mut LastName<EdgeTypeId>,
    new_types: &mut NewTypes,
    env: &EdgeEnv<'_>,
    row: &EdgeRow<'_>,
    faults: &mut Faults,
) -> Option<Ty> {
    if let Some(t) = row.known {
        return Some(Ty::Known(t));
    }
    if env.rules.strict() {
        faults.list.push(env.rules.unknown_edge_type(row.ty));
        return None;
    }
    if let Some(t) = known.get_or(row.ty, |name| env.types.get(name).copied()) {
        return Some(Ty::Known(t));
    }
    if let Some(i) = new_types.index.get(row.ty) {
        return Some(Ty::New(*i));
    }
    if new_types.names.len() >= env.type_room {
        faults.list.push(format!(
            "edge type `{}` is one too many; expected at most {} distinct types",
            row.ty,
            super::MAX_INTERNED
        ));
        return None;
    }
    let i = new_types.names.len() as u32;
    new_types.names.push(row.ty.into());
    new_types.index.insert(row.ty.into(), i);
    Some(Ty::New(i))
}

/// Where the edges of one file start, and for JSON where its items are.
#[derive(Debug)]
pub(crate) struct EdgeSource {
    pub first: usize,
    pub file: usize,
    /// JSON: (line, column) of each item of `edges`.
    pub at: Option<Vec<(usize, usize)>>,
}

/// A problem of the edge phase, held until the load ends: duplicate edges
/// are only found then, and all are reported in file order.
#[derive(Debug)]
pub(crate) struct Pending {
    pub file: usize,
    /// 0: none.
    pub line: usize,
    pub col: Option<usize>,
    pub item: Option<(&'static str, usize)>,
    /// A problem with the whole file (never skipped).
    pub fatal: bool,
    pub faults: Faults,
}

impl Pending {
    pub(crate) fn key(&self) -> (usize, usize, usize) {
        let line = if self.line == 0 {
            usize::MAX
        } else {
            self.line
        };
        (self.file, line, self.col.unwrap_or(0))
    }
}

/// What the edge phase of a load keeps besides the edges: the types
/// interned without a schema, the problems held until the end, and where
/// each edge came from.
#[derive(Debug, Default)]
pub(crate) struct EdgeState {
    pub types: FxMap<Box<str>, EdgeTypeId>,
    pub type_count: usize,
    /// Problems of the edge phase, and how many of them fail the load.
    pub pending: Vec<Pending>,
    pub pending_failing: usize,
    /// For each edge added by this load: its line (CSV) or item (JSON).
    pub rows: EdgeRows,
    pub sources: Vec<EdgeSource>,
}

impl EdgeState {
    /// The state for a load whose graph already has these types.
    pub(crate) fn new(types: FxMap<Box<str>, EdgeTypeId>) -> EdgeState {
        EdgeState {
            type_count: types.len(),
            types,
            ..EdgeState::default()
        }
    }

    /// How many more edge types may be interned.
    pub(crate) fn room(&self) -> usize {
        super::MAX_INTERNED.saturating_sub(self.type_count)
    }

    /// Interns an edge type met without a schema (the caller checked the room).
    pub(crate) fn intern_type(&mut self, name: &str, side: &mut EdgeSide<'_>) -> EdgeTypeId {
        if let Some(t) = self.types.get(name) {
            return *t;
        }
        let t = side.edge_type(name);
        self.types.insert(name.into(), t);
        self.type_count += 1;
        t
    }

    /// Holds a problem (counting it when it fails the load).
    pub(crate) fn hold(&mut self, p: Pending, skips_rows: bool) {
        if p.fatal || !skips_rows {
            self.pending_failing += 1;
        }
        self.pending.push(p);
    }

    /// Holds a file-level problem.
    pub(crate) fn fatal(
        &mut self,
        file: usize,
        line: Option<usize>,
        col: Option<usize>,
        message: String,
    ) {
        let p = Pending {
            file,
            line: line.unwrap_or(0),
            col: line.and(col),
            item: None,
            fatal: true,
            faults: Faults {
                list: vec![message],
                unknown: Vec::new(),
            },
        };
        self.hold(p, false);
    }

    /// Adds a batch of resolved CSV edge rows from `file` in order and
    /// holds its problems; `first_line` is its piece's first line. The
    /// batch is left empty (for reuse).
    pub(crate) fn add_batch(
        &mut self,
        side: &mut EdgeSide<'_>,
        skips_rows: bool,
        file: usize,
        batch: &mut EdgeBatch,
        first_line: usize,
    ) {
        let new_types: Vec<EdgeTypeId> = std::mem::take(&mut batch.new_types)
            .iter()
            .map(|t| self.intern_type(t, side))
            .collect();
        self.rows.extend_shifted(&batch.lines, first_line);
        for p in std::mem::take(&mut batch.problems) {
            let p = Pending {
                file,
                line: first_line + p.line,
                col: None,
                item: None,
                fatal: false,
                faults: p.faults,
            };
            self.hold(p, skips_rows);
        }
        batch.add_to(side, &new_types);
    }
}

/// A problem with one row, its line relative to its piece of the file.
#[derive(Debug)]
pub(crate) struct RowProblem {
    pub line: usize,
    pub faults: Faults,
}

/// The edges of one piece of a file, in row order, ready to be added.
#[derive(Debug, Default)]
pub(crate) struct EdgeBatch {
    pub ends: Vec<(NodeId, NodeId)>,
    pub types: Vec<EdgeTypeId>,
    /// NaN where an edge has no share (or its properties are in `props`).
    pub shares: Vec<f64>,
    /// The line of each edge, relative to the piece.
    pub lines: EdgeRows,
    /// Edges whose type is new in this batch: (edge, index into `new_types`).
    pub new_type_at: Vec<(u32, u32)>,
    /// Edges with properties besides a float share: (edge, properties).
    pub props: Vec<(u32, Vec<(PropKey, Value)>)>,
    pub new_types: Vec<Box<str>>,
    pub problems: Vec<RowProblem>,
}

impl EdgeBatch {
    /// Makes room for about `rows` edges.
    pub(crate) fn reserve(&mut self, rows: usize) {
        self.ends.reserve(rows);
        self.types.reserve(rows);
        self.shares.reserve(rows);
    }

    /// Adds a resolved edge from line `line` with its properties.
    pub(crate) fn push(
        &mut self,
        (from, to, ty): (NodeId, NodeId, Ty),
        line: usize,
        share_key: PropKey,
        props: &mut Vec<(PropKey, Value)>,
    ) {
        let at = self.ends.len() as u32;
        self.ends.push((from, to));
        self.types.push(match ty {
            Ty::Known(t) => t,
            Ty::New(i) => {
                self.new_type_at.push((at, i));
                EdgeTypeId::from_index(0)
            }
        });
        self.lines.push(line);
        let share = match props.as_slice() {
            [] => f64::NAN,
            [(k, Value::Float(f))] if *k == share_key && !f.is_nan() => *f,
            _ => {
                self.props.push((at, std::mem::take(props)));
                f64::NAN
            }
        };
        props.clear();
        self.shares.push(share);
    }

    /// The number of distinct types new in `batches` and not in `known`.
    pub(crate) fn new_types_beyond<'b>(
        batches: impl Iterator<Item = &'b EdgeBatch>,
        known: &FxMap<Box<str>, EdgeTypeId>,
    ) -> usize {
        let mut seen: HashSet<&str> = HashSet::new();
        for b in batches {
            seen.extend(
                b.new_types
                    .iter()
                    .map(|t| &**t)
                    .filter(|t| !known.contains_key(*t)),
            );
        }
        seen.len()
    }

    /// Adds the batch's edges to the builder, `types` mapping its new types
    /// to interned ones.
    /// The batch is left empty, its memory kept for the next one.
    pub(crate) fn add_to(&mut self, b: &mut EdgeSide<'_>, types: &[EdgeTypeId]) {
        for &(at, i) in &self.new_type_at {
            self.types[at as usize] = types[i as usize];
        }
        let mut from = 0;
        for (at, props) in self.props.drain(..) {
            let at = at as usize;
            b.extend_edges(
                &self.ends[from..at],
                &self.types[from..at],
                &self.shares[from..at],
            );
            let (f, t) = self.ends[at];
            b.add_edge(f, t, self.types[at], props);
            from = at + 1;
        }
        b.extend_edges(
            &self.ends[from..],
            &self.types[from..],
            &self.shares[from..],
        );
        self.clear();
    }

    /// Empties the batch, keeping its memory.
    pub(crate) fn clear(&mut self) {
        self.ends.clear();
        self.types.clear();
        self.shares.clear();
        self.lines.clear();
        self.new_type_at.clear();
        self.props.clear();
        self.new_types.clear();
        self.problems.clear();
    }
}

/// The edges that repeat an earlier one (same `from`, `to` and type, the
/// type not `multi`), each with the first such edge, for edges numbered
/// `since` and after (those of this load). Reads the out-adjacency: edges
/// of a node come in edge order, so the first of a kind is never a
/// duplicate.
pub(crate) fn duplicates(
    g: &Graph,
    since: usize,
    multi: &[bool],
    threads: usize,
) -> Vec<(EdgeId, EdgeId)> {
    let n = g.node_count();
    if g.edge_count() <= since {
        return Vec::new();
    }
    let threads = threads.min(n.max(1));
    let ranges = split_by_degree(g, threads);
    let scan = |lo: usize, hi: usize| {
        let mut found = Vec::new();
        // mark[v] == u + 1: some edge u -> v (not multi) was seen.
        let mut mark = vec![0u32; n];
        let mut seen: FxMap<(NodeId, EdgeTypeId), EdgeId> = FxMap::default();
        let adj = g.out_adj();
        for u in lo..hi {
            let node = NodeId::from_index(u);
            let (nbrs, types, edges) = (adj.neighbors(node), adj.types(node), adj.edges(node));
            if nbrs.len() > 64 {
                // A hub: a map, so repeated pairs do not cost a scan each.
                seen.clear();
                for ((v, t), e) in nbrs.iter().zip(types).zip(edges) {
                    if multi.get(t.index()).copied().unwrap_or(false) {
                        continue;
                    }
                    match seen.get(&(*v, *t)) {
                        Some(first) if e.index() >= since => found.push((*e, *first)),
                        Some(_) => {}
                        None => {
                            seen.insert((*v, *t), *e);
                        }
                    }
                }
                continue;
            }
            for i in 0..nbrs.len() {
                let (v, t) = (nbrs[i], types[i]);
                if multi.get(t.index()).copied().unwrap_or(false) {
                    continue;
                }
                if mark[v.index()] != u as u32 + 1 {
                    mark[v.index()] = u as u32 + 1;
                    continue;
                }
                if edges[i].index() < since {
                    continue;
                }
                if let Some(j) = (0..i).find(|&j| nbrs[j] == v && types[j] == t) {
                    found.push((edges[i], edges[j]));
                }
            }
        }
        found
    };
    let mut all: Vec<(EdgeId, EdgeId)> = if ranges.len() == 1 {
        scan(0, n)
    } else {
        std::thread::scope(|s| {
            let handles: Vec<_> = ranges
                .iter()
                .map(|&(lo, hi)| {
                    let scan = &scan;
                    s.spawn(move || scan(lo, hi))
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        })
    };
    all.sort_unstable();
    all
}

/// The true duplicates among `candidates` (edges with the same `from`,
/// `to` and type as an earlier one, from [`duplicates`]): a repeat is
/// allowed when its `input` differs or its validity interval overlaps no
/// earlier edge's of the same group. Each is paired with the earliest edge
/// it collides with. Groups are tiny, so every pair is compared.
pub(crate) fn overlapping(g: &Graph, candidates: &[(EdgeId, EdgeId)]) -> Vec<(EdgeId, EdgeId)> {
    let mut by_first: Vec<(EdgeId, EdgeId)> = candidates.iter().map(|&(d, f)| (f, d)).collect();
    by_first.sort_unstable();
    let input = g.prop_key("input");
    let collide = |a: EdgeId, b: EdgeId| {
        let same_input = input.is_none_or(|k| g.edge_prop_by_key(a, k) == g.edge_prop_by_key(b, k));
        let (ia, ib) = (g.edge_validity(a), g.edge_validity(b));
        same_input && ia.unwrap_or_default().overlaps(&ib.unwrap_or_default())
    };
    let mut out = Vec::new();
    for group in by_first.chunk_by(|a, b| a.0 == b.0) {
        let members: Vec<EdgeId> = std::iter::once(group[0].0)
            .chain(group.iter().map(|p| p.1))
            .collect();
        for (j, &e) in members.iter().enumerate().skip(1) {
            if let Some(&earlier) = members[..j].iter().find(|&&o| collide(e, o)) {
                out.push((e, earlier));
            }
        }
    }
    out.sort_unstable();
    out
}

/// Node ranges with about equal numbers of out-edges, one per thread.
fn split_by_degree(g: &Graph, threads: usize) -> Vec<(usize, usize)> {
    let n = g.node_count();
    let m = g.edge_count();
    if threads < 2 || m < 1 << 16 {
        return vec![(0, n)];
    }
    let adj = g.out_adj();
    let mut ranges = Vec::with_capacity(threads);
    let (mut lo, mut acc) = (0, 0);
    for u in 0..n {
        acc += adj.degree(NodeId::from_index(u));
        if acc * threads >= m * (ranges.len() + 1) && ranges.len() + 1 < threads {
            ranges.push((lo, u + 1));
            lo = u + 1;
        }
    }
    ranges.push((lo, n));
    ranges
}

/// A node id close to `id` ([`crate::diag::closest`]), for "did you mean".
/// Each call spends the graph's node count from `budget` (the ids it may
/// scan), so a load with many unknown ids stays fast.
pub(crate) fn near_id<'g>(g: &'g Graph, id: &str, budget: &mut usize) -> Option<&'g str> {
    if *budget < g.node_count() {
        return None;
    }
    *budget -= g.node_count();
    crate::diag::closest(id, g.nodes().map(|n| g.node_key(n)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::GraphBuilder;

    fn graph(edges: &[(usize, usize, &str)]) -> (Graph, Vec<bool>) {
        let mut b = GraphBuilder::new();
        let k = b.kind("K");
        let nodes: Vec<NodeId> = (0..4)
            .map(|i| b.add_node(&format!("n{i}"), k, "", vec![], []).unwrap())
            .collect();
        let multi = vec![false, true];
        let t = [b.edge_type("T"), b.edge_type("M")];
        for &(x, y, ty) in edges {
            let ty = if ty == "M" { t[1] } else { t[0] };
            b.add_edge(nodes[x], nodes[y], ty, []);
        }
        (b.finish(), multi)
    }

    #[test]
    fn duplicates_point_at_the_first_edge_and_skip_multi_types() {
        let (g, multi) = graph(&[
            (0, 1, "T"),
            (0, 1, "M"),
            (0, 1, "M"),
            (1, 2, "T"),
            (0, 1, "T"),
            (0, 1, "T"),
            (1, 0, "T"),
        ]);
        let e = EdgeId::from_index;
        assert_eq!(duplicates(&g, 0, &multi, 2), [(e(4), e(0)), (e(5), e(0))]);
        assert_eq!(duplicates(&g, 5, &multi, 2), [(e(5), e(0))]);
    }

    #[test]
    fn hubs_find_duplicates_too() {
        let mut edges: Vec<(usize, usize, &str)> = (0..100).map(|i| (0, 1 + i % 3, "M")).collect();
        edges.push((0, 2, "T"));
        edges.push((0, 2, "T"));
        let (g, multi) = graph(&edges);
        let e = EdgeId::from_index;
        assert_eq!(duplicates(&g, 0, &multi, 2), [(e(101), e(100))]);
    }

    /// What a worker makes of `rows` (from, to, type; ids past 5 name no
    /// node), their text taken from `base` where `borrowed` says so and
    /// from copies elsewhere.
    fn resolve_rows(rows: &[(usize, usize, bool, bool)], over_base: bool) -> Vec<String> {
        let mut b = GraphBuilder::new();
        let rules = Rules::new(&mut b, None);
        let k = b.kind("K");
        for i in 0..6 {
            b.add_node(&format!("n{i}"), k, "", vec![], []).unwrap();
        }
        let base: String = rows
            .iter()
            .map(|&(f, t, u, _)| format!("n{f},n{t},{}\n", if u { "U" } else { "T" }))
            .collect();
        let (rejected, types) = (HashSet::new(), FxMap::default());
        let env = EdgeEnv {
            nodes: b.nodes(),
            rules: &rules,
            rejected: &rejected,
            types: &types,
            skips_rows: false,
            type_room: 10,
        };
        let mut worker = if over_base {
            EdgeWorker::over(&base)
        } else {
            EdgeWorker::default()
        };
        let mut out = EdgeBatch::default();
        let mut at = 0;
        for (line, (&(.., borrowed), text)) in rows.iter().zip(base.lines()).enumerate() {
            let start = at;
            at += text.len() + 1;
            let copy = text.to_string();
            let text = if borrowed {
                &base[start..at - 1]
            } else {
                &copy
            };
            let mut fields = text.split(',');
            let row = EdgeRow {
                from: fields.next().unwrap(),
                to: fields.next().unwrap(),
                ty: fields.next().unwrap(),
                known: None,
            };
            if worker.queue(line, &row, &mut Vec::new()) {
                worker.flush(&env, &mut out);
            }
        }
        worker.flush(&env, &mut out);
        let mut seen: Vec<String> = out
            .ends
            .iter()
            .zip(&out.types)
            .map(|((f, t), ty)| format!("{f:?} {t:?} {ty:?}"))
            .collect();
        seen.extend(
            out.problems
                .iter()
                .map(|p| format!("{}: {:?}", p.line, p.faults.list)),
        );
        seen.extend(out.new_type_at.iter().map(|x| format!("{x:?}")));
        seen.extend(worker.new_types.names.iter().map(|t| t.to_string()));
        seen
    }

    proptest::proptest! {
        /// Ids kept as spans of the parsed text resolve as copied ones do.
        #[test]
        fn ids_borrowed_from_the_text_resolve_like_copies(
            rows in proptest::collection::vec(
                (0usize..8, 0usize..8, proptest::bool::ANY, proptest::bool::ANY),
                0..300,
            ),
        ) {
            proptest::prop_assert_eq!(resolve_rows(&rows, true), resolve_rows(&rows, false));
        }
    }

    #[test]
    fn near_ids_ignore_case_and_spend_the_budget() {
        let (g, _) = graph(&[]);
        let mut budget = 100;
        assert_eq!(near_id(&g, "N2", &mut budget), Some("n2"));
        assert_eq!(near_id(&g, "n22", &mut budget), Some("n2"));
        assert_eq!(near_id(&g, "zzzz", &mut budget), None);
        assert_eq!(budget, 88);
        let mut none = 3;
        assert_eq!(near_id(&g, "n2", &mut none), None);
    }
}
