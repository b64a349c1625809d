//! CSV node and edge files (RFC 4180 quoting, CRLF or LF, a leading BOM
//! ignored), read in blocks and parsed on every core ([`super::blocks`]).
//!
//! Column names are resolved to interned property keys once per file; the
//! row parsers are pure functions of the record, the columns and the rules,
//! so the threads parsing the pieces of a block share nothing mutable. Node
//! rows come back parsed (the id's hash computed) and are added in order on
//! the calling thread, which keeps duplicate ids and first-seen kinds
//! exactly as a sequential read would have them. Edge rows are resolved on
//! the threads too (ids to nodes, kinds checked) and come back as columns
//! that are appended to the builder in bulk.

use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::model::{EdgeSide, GraphBuilder, Probe, PropKey, Value};

use super::blocks::{Blocks, Buffers, MAX_RECORD, Parsed, Piece, Stop, Tuning, parse_pieces};
use super::edges::{EdgeBatch, EdgeEnv, EdgeState, EdgeWorker, Faults, RowProblem};
use super::files::{EDGE_HEADER, NODE_HEADER, header_names, io_message};
use super::records::{Record, RecordBuf, Scanner};
use super::rules::{LastName, Rules, cell_value, check_share};
use super::{Ctx, EdgeRow, FxMap, Loc, MAX_FIELD_BYTES, NodeRow};

/// A property column: its position, interned key and name.
#[derive(Debug)]
pub(crate) struct PropCol {
    index: usize,
    key: PropKey,
    name: Box<str>,
}

/// The columns of a node file.
#[derive(Debug)]
pub(crate) struct NodeCols {
    width: usize,
    name: Option<usize>,
    aliases: Option<usize>,
    props: Vec<PropCol>,
}

/// The columns of an edge file.
#[derive(Debug)]
pub(crate) struct EdgeCols {
    width: usize,
    props: Vec<PropCol>,
}

/// Every column must be named, and named once.
fn check_names(names: &[String], expected: &str) -> Result<(), String> {
    for (i, name) in names.iter().enumerate() {
        if name.is_empty() {
            return Err(format!(
                "header column {} has no name; expected {expected}",
                i + 1
            ));
        }
        if names[..i].contains(name) {
            return Err(format!(
                "header names column `{name}` twice; expected {expected}"
            ));
        }
    }
    Ok(())
}

/// Resolves a node file's header (`id,kind` first; `name` and `aliases`
/// anywhere after; everything else a property).
pub(crate) fn node_cols(names: &[String], b: &mut GraphBuilder) -> Result<NodeCols, String> {
    check_names(names, NODE_HEADER)?;
    let mut cols = NodeCols {
        width: names.len(),
        name: None,
        aliases: None,
        props: Vec::new(),
    };
    for (index, name) in names.iter().enumerate().skip(2) {
        match name.as_str() {
            "name" => cols.name = Some(index),
            "aliases" => cols.aliases = Some(index),
            _ => cols.props.push(PropCol {
                index,
                key: b.prop_key(name),
                name: name.as_str().into(),
            }),
        }
    }
    Ok(cols)
}

/// Resolves an edge file's header (`from,to,type`, then properties).
pub(crate) fn edge_cols(names: &[String], b: &mut GraphBuilder) -> Result<EdgeCols, String> {
    check_names(names, EDGE_HEADER)?;
    let props = names
        .iter()
        .enumerate()
        .skip(3)
        .map(|(index, name)| PropCol {
            index,
            key: b.prop_key(name),
            name: name.as_str().into(),
        })
        .collect();
    Ok(EdgeCols {
        width: names.len(),
        props,
    })
}

/// A field as trimmed text; invalid UTF-8 is a fault naming the column.
#[inline]
fn field<'r>(
    rec: &Record<'r>,
    i: usize,
    column: &str,
    faults: &mut Vec<String>,
) -> Option<&'r str> {
    match rec.get_str(i)? {
        Ok(s) => Some(trim(s)),
        Err(bytes) => {
            let shown = String::from_utf8_lossy(bytes);
            faults.push(format!(
                "column `{column}` is not valid UTF-8 (`{shown}`); expected UTF-8 text"
            ));
            None
        }
    }
}

/// Trims ASCII whitespace (spaces, tabs, line ends) around a field, with a
/// shortcut for the usual field that needs none. Unicode spaces (U+00A0,
/// U+3000, ...) are data and kept, quoted or not.
#[inline]
fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(&f), Some(&l)) if f > b' ' && l > b' ' => s,
        _ => s.trim_matches(|c: char| c.is_ascii_whitespace()),
    }
}

fn check_width(rec: &Record<'_>, width: usize, faults: &mut Vec<String>) -> bool {
    if rec.len() == width {
        return true;
    }
    let found = rec.len();
    let s = if found == 1 { "" } else { "s" };
    faults.push(format!(
        "row `{}` has {found} field{s}, expected {width} (as in the header)",
        preview(rec)
    ));
    false
}

/// A record as text for messages, cut after 60 characters.
fn preview(rec: &Record<'_>) -> String {
    let joined = rec
        .iter()
        .map(String::from_utf8_lossy)
        .collect::<Vec<_>>()
        .join(",");
    match joined.char_indices().nth(60) {
        Some((cut, _)) => format!("{}...", &joined[..cut]),
        None => joined,
    }
}

/// Parses a node row. Property values are typed by the schema when it
/// declares them for the row's kind, else inferred. On a fault, returns
/// `None` with the faults pushed. `kinds` remembers the last kind looked up.
pub(crate) fn parse_node_row<'r>(
    rec: &Record<'r>,
    cols: &NodeCols,
    rules: &Rules,
    kinds: &mut LastName<crate::model::KindId>,
    props: &mut Vec<(PropKey, Value)>,
    faults: &mut Vec<String>,
) -> Option<NodeRow<'r>> {
    if !check_width(rec, cols.width, faults) {
        return None;
    }
    let id = field(rec, 0, "id", faults);
    let kind = field(rec, 1, "kind", faults);
    let name = cols
        .name
        .and_then(|i| field(rec, i, "name", faults))
        .unwrap_or("");
    let aliases = cols
        .aliases
        .and_then(|i| field(rec, i, "aliases", faults))
        .unwrap_or("");
    if id == Some("") {
        faults.push("`id` is empty; expected a node id".to_string());
    }
    if kind == Some("") {
        faults.push("`kind` is empty; expected a kind".to_string());
    }
    let typed_kind = kind.and_then(|k| kinds.get_or(k, |k| rules.kind(k)));
    // `props` may hold the rows before this one (a batch's arena).
    let first = props.len();
    for col in &cols.props {
        let Some(cell) = field(rec, col.index, &col.name, faults) else {
            continue;
        };
        if cell.is_empty() {
            continue;
        }
        let ty = typed_kind.and_then(|k| rules.node_prop(k, col.key));
        match cell_value(cell, ty) {
            Ok(v) => props.push((col.key, v)),
            Err(e) => faults.push(format!("property `{}`: {e}", col.name)),
        }
    }
    faults.extend(rules.interval_fault(&props[first..]));
    let (Some(id), Some(kind)) = (id, kind) else {
        return None;
    };
    if !faults.is_empty() {
        return None;
    }
    let aliases = aliases
        .split('|')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(Box::from)
        .collect();
    Some(NodeRow {
        id,
        kind,
        name,
        aliases,
    })
}

/// Parses an edge row. With a schema, the type must be declared and
/// property values are typed by it; a `share` must lie in (0, 1].
/// `types` remembers the last type name looked up in the schema.
pub(crate) fn parse_edge_row<'r>(
    rec: &Record<'r>,
    cols: &EdgeCols,
    rules: &Rules,
    types: &mut LastName<crate::model::EdgeTypeId>,
    props: &mut Vec<(PropKey, Value)>,
    faults: &mut Vec<String>,
) -> Option<EdgeRow<'r>> {
    if !check_width(rec, cols.width, faults) {
        return None;
    }
    let from = field(rec, 0, "from", faults);
    let to = field(rec, 1, "to", faults);
    let ty = field(rec, 2, "type", faults);
    for (text, column, expected) in [
        (from, "from", "a node id"),
        (to, "to", "a node id"),
        (ty, "type", "an edge type"),
    ] {
        if text == Some("") {
            faults.push(format!("`{column}` is empty; expected {expected}"));
        }
    }
    let known = ty.and_then(|t| types.get_or(t, |t| rules.edge_type(t)));
    if let Some(t) = ty
        && rules.strict()
        && known.is_none()
        && !t.is_empty()
    {
        faults.push(rules.unknown_edge_type(t));
    }
    let first = props.len();
    for col in &cols.props {
        let Some(cell) = field(rec, col.index, &col.name, faults) else {
            continue;
        };
        if cell.is_empty() {
            continue;
        }
        let declared = known.and_then(|t| rules.edge_prop(t, col.key));
        match cell_value(cell, declared) {
            Ok(v) => {
                if col.key == rules.share
                    && let Err(e) = check_share(&v)
                {
                    faults.push(e);
                    continue;
                }
                props.push((col.key, v));
            }
            Err(e) => faults.push(format!("property `{}`: {e}", col.name)),
        }
    }
    faults.extend(rules.interval_fault(&props[first..]));
    EdgeRow::checked([from, to, ty], known, faults)
}

/// Opens a CSV file and reads its header; problems are fatal (reported
/// through `fatal(line, column, message)`).
fn open(
    path: &Path,
    block: usize,
    bufs: Buffers,
    mut fatal: impl FnMut(Option<usize>, Option<usize>, String),
) -> Option<(Blocks, Vec<String>)> {
    let mut blocks = match Blocks::open_in(path, block, block, bufs) {
        Ok(b) => b,
        Err(e) => {
            fatal(None, None, io_message(&e, "a readable CSV file"));
            return None;
        }
    };
    let mut buf = RecordBuf::default();
    loop {
        let (bytes, line, last) = blocks.unread();
        let mut s = Scanner::new(bytes, line, last);
        if s.next(&mut buf) {
            let rec = Record::new(bytes, &buf);
            if let Some(stop) = too_long(&rec) {
                fatal(Some(stop.line), None, stop.message);
                return None;
            }
            let (names, header_line) = (header_names(rec.iter()), rec.line());
            let (used, after) = (s.pos(), s.line());
            blocks.consume(used, after);
            return match names {
                Ok(n) => Some((blocks, n)),
                Err(message) => {
                    fatal(Some(header_line), None, message);
                    None
                }
            };
        }
        if let Some(stop) = unclosed(&s) {
            fatal(Some(stop.line), stop.col, stop.message);
            return None;
        }
        if last {
            fatal(
                Some(1),
                None,
                "empty CSV file; expected a header".to_string(),
            );
            return None;
        }
        if let Err(e) = blocks.fill() {
            let (bytes, line, _) = blocks.unread();
            let stop = read_error(&e, bytes, line);
            fatal((stop.line > 0).then_some(stop.line), stop.col, stop.message);
            return None;
        }
    }
}

/// A span of a batch's text (pieces are far below 4 GiB: see `Blocks`).
type Span = (u32, u32);

fn span_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A record with a field over [`MAX_FIELD_BYTES`] ends the file: such a
/// field is almost always a broken file, not data.
fn too_long(rec: &Record<'_>) -> Option<Stop> {
    let (i, len) = rec.longer_than(MAX_FIELD_BYTES)?;
    Some(Stop {
        line: rec.line(),
        col: None,
        message: format!(
            "field {} is {len} bytes long; expected at most {MAX_FIELD_BYTES} bytes per field",
            i + 1
        ),
    })
}

/// A quote the file ended inside of: where it opened.
fn unclosed(s: &Scanner<'_>) -> Option<Stop> {
    let (line, col) = s.unclosed()?;
    Some(Stop {
        line,
        col: Some(col),
        message: "this quote is never closed; expected a closing `\"` before the end of the file \
                  (the rest of the file would be one field)"
            .to_string(),
    })
}

/// Why a block could not be read: an I/O error, or a record that grew past
/// the longest read (a field far over the limit, or a quote left open).
fn read_error(e: &std::io::Error, bytes: &[u8], line: usize) -> Stop {
    if e.kind() != std::io::ErrorKind::InvalidData {
        return Stop {
            line: 0,
            col: None,
            message: format!("cannot read the file: {e}"),
        };
    }
    let mut buf = RecordBuf::default();
    let mut s = Scanner::new(bytes, line, true);
    let found = s.next(&mut buf);
    if let Some(stop) = found.then(|| too_long(&Record::new(bytes, &buf))).flatten() {
        return stop;
    }
    match s.unclosed() {
        Some((line, col)) => Stop {
            line,
            col: Some(col),
            message: format!(
                "this quote is not closed within {} MiB; expected a closing `\"` (a field holds at most {MAX_FIELD_BYTES} bytes)",
                MAX_RECORD >> 20
            ),
        },
        None => Stop {
            line,
            col: None,
            message: format!(
                "a row longer than {} MiB; expected at most {MAX_FIELD_BYTES} bytes per field",
                MAX_RECORD >> 20
            ),
        },
    }
}

/// A node row parsed by a thread, waiting to be added in order: 36
/// bytes, a million of them per large file.
#[derive(Clone, Copy, Debug)]
enum NodeOut {
    Good {
        line: u32,
        id: Span,
        name: Span,
        /// Into the batch's kinds.
        kind: u32,
        /// Where the row's aliases and properties end in the batch's lists
        /// (they start where the row before's end).
        aliases_end: u32,
        props_end: u32,
    },
    Bad {
        line: u32,
        /// Into the batch's bad rows.
        bad: u32,
    },
}

/// A rejected node row: its id (when readable: its edges are then not
/// reported) and its faults.
#[derive(Debug)]
struct BadRow {
    id: Option<Span>,
    faults: Vec<String>,
}

/// The node rows of one piece of a file.
#[derive(Debug, Default)]
struct NodeBatch {
    rows: Vec<NodeOut>,
    text: String,
    /// The distinct kind names of the piece.
    kinds: Vec<Span>,
    aliases: Vec<Span>,
    props: Vec<(PropKey, Value)>,
    bad: Vec<BadRow>,
    last_kind: Option<u32>,
    kind_index: FxMap<Box<str>, u32>,
}

impl NodeBatch {
    fn keep(&mut self, s: &str) -> Span {
        let start = span_u32(self.text.len());
        self.text.push_str(s);
        (start, span_u32(self.text.len()))
    }

    fn text(&self, (a, b): Span) -> &str {
        self.text.get(a as usize..b as usize).unwrap_or("")
    }

    /// The piece's index of a kind name (the rows of a file usually
    /// repeat one kind, so the last one is tried first).
    fn kind(&mut self, name: &str) -> u32 {
        if let Some(k) = self.last_kind
            && self
                .kinds
                .get(k as usize)
                .is_some_and(|s| self.text(*s) == name)
        {
            return k;
        }
        let k = match self.kind_index.get(name) {
            Some(k) => *k,
            None => {
                let span = self.keep(name);
                self.kinds.push(span);
                let k = span_u32(self.kinds.len() - 1);
                self.kind_index.insert(name.into(), k);
                k
            }
        };
        self.last_kind = Some(k);
        k
    }
}

/// Parses the node rows of a piece (lines counted from 0).
fn parse_nodes(piece: &[u8], last: bool, cols: &NodeCols, rules: &Rules) -> Parsed<NodeBatch> {
    let mut out = NodeBatch::default();
    out.rows.reserve(piece.len() / 24);
    let mut buf = RecordBuf::default();
    let mut s = Scanner::new(piece, 0, last);
    let mut faults = Vec::new();
    let mut kinds = LastName::default();
    let text = std::str::from_utf8(piece).ok();
    let mut stop = None;
    while s.next(&mut buf) {
        let rec = match text {
            Some(t) => Record::in_text(t, &buf),
            None => Record::new(piece, &buf),
        };
        if let Some(long) = too_long(&rec) {
            stop = Some(long);
            break;
        }
        let line = span_u32(rec.line());
        let first = out.props.len();
        match parse_node_row(&rec, cols, rules, &mut kinds, &mut out.props, &mut faults) {
            Some(row) => {
                for a in &row.aliases {
                    let span = out.keep(a);
                    out.aliases.push(span);
                }
                let row_out = NodeOut::Good {
                    line,
                    id: out.keep(row.id),
                    name: out.keep(row.name),
                    kind: out.kind(row.kind),
                    aliases_end: span_u32(out.aliases.len()),
                    props_end: span_u32(out.props.len()),
                };
                out.rows.push(row_out);
            }
            None => {
                out.props.truncate(first);
                let id = rec.get(0).and_then(|b| std::str::from_utf8(b).ok());
                let id = id.map(|id| out.keep(id.trim()));
                out.bad.push(BadRow {
                    id,
                    faults: std::mem::take(&mut faults),
                });
                out.rows.push(NodeOut::Bad {
                    line,
                    bad: span_u32(out.bad.len() - 1),
                });
            }
        }
    }
    Parsed {
        out,
        used: s.pos(),
        end_line: s.line(),
        stop: stop.or_else(|| unclosed(&s)),
    }
}

/// How many rows ahead the id table is read (see `GraphBuilder::touch_ids`).
const TOUCH: usize = 32;

/// Adds a batch of node rows in order; `first_line` is its piece's line.
fn add_nodes(cx: &mut Ctx, file: usize, mut batch: NodeBatch, first_line: usize) {
    let mut props = Vec::new();
    let mut faults = Vec::new();
    let mut probes = [None; TOUCH];
    let (mut aliases_from, mut props_from) = (0, 0);
    let rows = std::mem::take(&mut batch.rows);
    for (i, row) in rows.iter().enumerate() {
        if i % TOUCH == 0 {
            // Hash the next rows' ids and read the id table where they
            // go, all at once.
            for (slot, row) in probes.iter_mut().zip(
                rows[i..]
                    .iter()
                    .chain(std::iter::repeat(&NodeOut::Bad { line: 0, bad: 0 })),
            ) {
                *slot = match row {
                    NodeOut::Good { id, .. } => Some(Probe::new(batch.text(*id))),
                    NodeOut::Bad { .. } => None,
                };
            }
            cx.b.touch_ids(probes.iter().flatten());
        }
        let line = |l: u32| first_line + l as usize;
        match *row {
            NodeOut::Good {
                line: l,
                id,
                name,
                kind,
                aliases_end,
                props_end,
            } => {
                let loc = Loc {
                    file,
                    line: line(l),
                    col: None,
                    item: None,
                };
                let (a1, p1) = (aliases_end as usize, props_end as usize);
                props.clear();
                props.extend(
                    batch.props[props_from..p1]
                        .iter_mut()
                        .map(|(k, v)| (*k, std::mem::replace(v, Value::Null))),
                );
                let kind = batch.kinds.get(kind as usize).copied().unwrap_or((0, 0));
                let row = NodeRow {
                    id: batch.text(id),
                    kind: batch.text(kind),
                    name: batch.text(name),
                    aliases: batch.aliases[aliases_from..a1]
                        .iter()
                        .map(|s| Box::from(batch.text(*s)))
                        .collect(),
                };
                (aliases_from, props_from) = (a1, p1);
                let probe = probes[i % TOUCH].unwrap_or_else(|| Probe::new(row.id));
                cx.add_node_probed(&loc, row, &probe, &mut props, &mut faults);
                cx.report(&loc, &mut faults);
            }
            NodeOut::Bad { line: l, bad } => {
                let loc = Loc {
                    file,
                    line: line(l),
                    col: None,
                    item: None,
                };
                let Some(bad) = batch.bad.get_mut(bad as usize) else {
                    continue;
                };
                let mut row_faults = std::mem::take(&mut bad.faults);
                if let Some(id) = bad.id {
                    let id = batch.text(id).to_string();
                    cx.reject(&id);
                }
                cx.report(&loc, &mut row_faults);
            }
        }
        if cx.full() {
            return;
        }
    }
}

/// How much smaller node files' blocks are than edge files'.
const NODE_BLOCK_DIVISOR: usize = 8;

/// Loads the nodes of a node file.
pub(crate) fn load_nodes(cx: &mut Ctx, file: usize, path: &Path) {
    let tuning = cx.tuning;
    let bufs = std::mem::take(&mut cx.reuse.bufs);
    // Node rows are added on this thread, one at a time, while the threads
    // parse the next block: smaller blocks than the edges' keep the two
    // overlapping for more of the file (the adding is the slower half).
    let tuning = Tuning {
        block: (tuning.block / NODE_BLOCK_DIVISOR).max(1),
        ..tuning
    };
    let opened = open(path, tuning.block, bufs, |line, col, message| {
        cx.fatal(file, line, col, message)
    });
    let Some((mut blocks, names)) = opened else {
        return;
    };
    let cols = match node_cols(&names, &mut cx.b) {
        Ok(c) => c,
        Err(message) => return cx.fatal(file, Some(1), None, message),
    };
    let rules = Arc::clone(&cx.rules);
    let mut first = true;
    // The block parsed last, added (on this thread, in order) while the
    // threads parse the next one.
    let mut held: Vec<Piece<NodeBatch>> = Vec::new();
    loop {
        let (pieces, used, end, last, stopped) = blocks.with_unread(|bytes, line, last| {
            std::thread::scope(|s| {
                let parser = s.spawn(|| {
                    parse_pieces(bytes, line, last, tuning, |p, last| {
                        parse_nodes(p, last, &cols, &rules)
                    })
                });
                let stopped = add_held(cx, file, &mut held);
                let (pieces, used, end) = parser
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e));
                (pieces, used, end, last, stopped)
            })
        });
        if stopped || cx.full() {
            return;
        }
        if std::mem::take(&mut first) && !last {
            let rows: usize = pieces.iter().map(|p| p.out.rows.len()).sum();
            let ids: usize = pieces.iter().map(|p| p.out.text.len()).sum();
            let est = blocks.estimate(rows, used);
            cx.b.reserve(est, blocks.estimate(ids, used), 0);
        }
        let stops = ends_file(&pieces);
        held = pieces;
        blocks.consume(used, end);
        if last || stops {
            break;
        }
        if let Err(e) = blocks.fill() {
            if !add_held(cx, file, &mut held) {
                let (bytes, line, _) = blocks.unread();
                let stop = read_error(&e, bytes, line);
                cx.fatal(
                    file,
                    (stop.line > 0).then_some(stop.line),
                    stop.col,
                    stop.message,
                );
            }
            return;
        }
    }
    add_held(cx, file, &mut held);
    cx.reuse.bufs = blocks.into_buffers();
}

/// Whether the last piece parsed ends the file.
fn ends_file<T>(pieces: &[Piece<T>]) -> bool {
    pieces.last().is_some_and(|p| p.stop.is_some())
}

/// Adds parsed node rows in order, stopping when the problems are too many.
/// Returns whether a piece ended the file (its problem reported).
fn add_held(cx: &mut Ctx, file: usize, held: &mut Vec<Piece<NodeBatch>>) -> bool {
    for p in held.drain(..) {
        if cx.full() {
            return true;
        }
        add_nodes(cx, file, p.out, p.first_line);
        if let Some(stop) = p.stop {
            if !cx.full() {
                cx.fatal(file, Some(stop.line), stop.col, stop.message);
            }
            return true;
        }
    }
    false
}

/// Parses and resolves the edge rows of a piece (lines counted from 0)
/// into `out` (empty; a batch reused, so its memory is not faulted in anew).
fn parse_edges(
    piece: &[u8],
    last: bool,
    cols: &EdgeCols,
    env: &EdgeEnv<'_>,
    mut out: EdgeBatch,
) -> Parsed<EdgeBatch> {
    out.reserve(piece.len() / 24);
    let text = std::str::from_utf8(piece).ok();
    let mut worker = EdgeWorker::over(text.unwrap_or(""));
    let mut types = LastName::default();
    let mut buf = RecordBuf::default();
    let mut s = Scanner::new(piece, 0, last);
    let mut props = Vec::new();
    let mut faults = Vec::new();
    let mut stop = None;
    while s.next(&mut buf) {
        let rec = match text {
            Some(t) => Record::in_text(t, &buf),
            None => Record::new(piece, &buf),
        };
        if let Some(long) = too_long(&rec) {
            stop = Some(long);
            break;
        }
        props.clear();
        match parse_edge_row(&rec, cols, env.rules, &mut types, &mut props, &mut faults) {
            Some(row) => {
                if worker.queue(rec.line(), &row, &mut props) {
                    worker.flush(env, &mut out);
                }
            }
            None if faults.is_empty() => {}
            None => out.problems.push(RowProblem {
                line: rec.line(),
                faults: Faults {
                    list: std::mem::take(&mut faults),
                    unknown: Vec::new(),
                },
            }),
        }
    }
    worker.flush(env, &mut out);
    out.problems.sort_by_key(|p| p.line);
    out.new_types = worker.new_types.names;
    Parsed {
        out,
        used: s.pos(),
        end_line: s.line(),
        stop: stop.or_else(|| unclosed(&s)),
    }
}

/// Loads the edges of an edge file.
pub(crate) fn load_edges(cx: &mut Ctx, file: usize, path: &Path) {
    let tuning = cx.tuning;
    let bufs = std::mem::take(&mut cx.reuse.bufs);
    let opened = open(path, tuning.block, bufs, |line, col, message| {
        cx.edge_fatal(file, line, col, message)
    });
    let Some((mut blocks, names)) = opened else {
        return;
    };
    let cols = match edge_cols(&names, &mut cx.b) {
        Ok(c) => c,
        Err(message) => return cx.edge_fatal(file, Some(1), None, message),
    };
    cx.begin_edges(file, None);
    // The threads resolve rows against the nodes while this thread appends
    // the block before to the edges: the builder is borrowed in two halves.
    let Ctx {
        b,
        rules,
        rejected,
        sink,
        edges: state,
        reuse,
        ..
    } = cx;
    let skips = sink.skips_rows();
    let (nodes, mut side) = b.split();
    let spare: Mutex<Vec<EdgeBatch>> = Mutex::new(std::mem::take(&mut reuse.batches));
    let take = || {
        let mut spare = spare.lock().unwrap_or_else(|e| e.into_inner());
        spare.pop().unwrap_or_default()
    };
    let mut held: Vec<Piece<EdgeBatch>> = Vec::new();
    // Appends parsed rows in order; whether a piece ended the file.
    let add_held =
        |held: &mut Vec<Piece<EdgeBatch>>, side: &mut EdgeSide<'_>, state: &mut EdgeState| {
            for mut p in held.drain(..) {
                state.add_batch(side, skips, file, &mut p.out, p.first_line);
                spare.lock().unwrap_or_else(|e| e.into_inner()).push(p.out);
                if let Some(stop) = p.stop {
                    state.fatal(file, Some(stop.line), stop.col, stop.message);
                    return true;
                }
            }
            false
        };
    let mut first = true;
    loop {
        // Types interned by the block being appended are not in this copy:
        // its rows met them as new, and appending finds them interned.
        let types = state.types.clone();
        let env = EdgeEnv {
            nodes,
            rules,
            rejected,
            types: &types,
            skips_rows: skips,
            type_room: state.room(),
        };
        let (pieces, used, end, last, stopped) = blocks.with_unread(|bytes, line, last| {
            let parse = |env: &EdgeEnv<'_>, threads| {
                let tuning = Tuning { threads, ..tuning };
                parse_pieces(bytes, line, last, tuning, |p, last| {
                    parse_edges(p, last, &cols, env, take())
                })
            };
            let (stopped, (mut pieces, mut used, mut end)) = std::thread::scope(|s| {
                let parser = s.spawn(|| parse(&env, tuning.threads));
                let stopped = add_held(&mut held, &mut side, state);
                let parsed = parser
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e));
                (stopped, parsed)
            });
            if EdgeBatch::new_types_beyond(pieces.iter().map(|p| &p.out), &state.types)
                > state.room()
            {
                // More new types than there is room for: only a sequential
                // pass, knowing the room, can tell which row is one too many.
                let types = state.types.clone();
                let exact = EdgeEnv {
                    types: &types,
                    type_room: state.room(),
                    ..env
                };
                (pieces, used, end) = parse(&exact, 1);
            }
            (pieces, used, end, last, stopped)
        });
        if stopped || sink.full_with(state.pending_failing) {
            return;
        }
        if std::mem::take(&mut first) && !last {
            let rows: usize = pieces.iter().map(|p| p.out.ends.len()).sum();
            let est = blocks.estimate(rows, used);
            side.reserve(est);
        }
        let stops = ends_file(&pieces);
        held = pieces;
        blocks.consume(used, end);
        if last || stops {
            break;
        }
        if let Err(e) = blocks.fill() {
            if !add_held(&mut held, &mut side, state) {
                let (bytes, line, _) = blocks.unread();
                let stop = read_error(&e, bytes, line);
                state.fatal(
                    file,
                    (stop.line > 0).then_some(stop.line),
                    stop.col,
                    stop.message,
                );
            }
            return;
        }
    }
    add_held(&mut held, &mut side, state);
    reuse.batches = std::mem::take(&mut *spare.lock().unwrap_or_else(|e| e.into_inner()));
    reuse.bufs = blocks.into_buffers();
}

/// Memory kept from one CSV file for the next (fresh memory costs a page
/// fault per 4 KiB on its first write: a tenth of the time of a large load
/// went to faults).
#[derive(Debug, Default)]
pub(crate) struct Reuse {
    /// The read buffers.
    bufs: Buffers,
    /// Edge batches, emptied.
    batches: Vec<EdgeBatch>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::GraphBuilder;

    /// The record of `fields` joined by commas (none may hold a comma).
    fn with_rec<T>(fields: &[&str], f: impl FnOnce(&Record<'_>) -> T) -> T {
        let line = fields.join(",");
        let mut buf = RecordBuf::default();
        assert!(Scanner::new(line.as_bytes(), 1, true).next(&mut buf));
        f(&Record::new(line.as_bytes(), &buf))
    }

    fn names(text: &str) -> Vec<String> {
        text.split(',').map(String::from).collect()
    }

    #[test]
    fn node_rows_parse_without_a_schema() {
        let mut b = GraphBuilder::new();
        let rules = Rules::new(&mut b, None);
        let cols = node_cols(&names("id,kind,name,aliases,founded"), &mut b).unwrap();
        let (mut props, mut faults) = (Vec::new(), Vec::new());
        with_rec(
            &["tsmc", "Firm", "TSMC", "Taiwan Semi| TSM |", "1987"],
            |r| {
                let row = parse_node_row(
                    r,
                    &cols,
                    &rules,
                    &mut LastName::default(),
                    &mut props,
                    &mut faults,
                )
                .unwrap();
                assert_eq!((row.id, row.kind, row.name), ("tsmc", "Firm", "TSMC"));
                assert_eq!(
                    row.aliases,
                    vec![Box::from("Taiwan Semi"), Box::from("TSM")]
                );
            },
        );
        assert_eq!(props, vec![(b.prop_key("founded"), Value::Int(1987))]);
    }

    #[test]
    fn ragged_and_empty_fields_are_faults() {
        let mut b = GraphBuilder::new();
        let rules = Rules::new(&mut b, None);
        let cols = node_cols(&names("id,kind,name"), &mut b).unwrap();
        let (mut props, mut faults) = (Vec::new(), Vec::new());
        assert!(with_rec(&["a", "Firm"], |r| parse_node_row(
            r,
            &cols,
            &rules,
            &mut LastName::default(),
            &mut props,
            &mut faults
        )
        .is_none()));
        assert_eq!(
            faults,
            ["row `a,Firm` has 2 fields, expected 3 (as in the header)"]
        );
        faults.clear();
        assert!(with_rec(&["", "", "x"], |r| parse_node_row(
            r,
            &cols,
            &rules,
            &mut LastName::default(),
            &mut props,
            &mut faults
        )
        .is_none()));
        assert_eq!(faults.len(), 2, "{faults:?}");
    }

    #[test]
    fn edge_shares_are_range_checked() {
        let mut b = GraphBuilder::new();
        let rules = Rules::new(&mut b, None);
        let cols = edge_cols(&names("from,to,type,share"), &mut b).unwrap();
        let (mut props, mut faults) = (Vec::new(), Vec::new());
        let mut types = LastName::default();
        assert!(with_rec(&["a", "b", "T", "1.5"], |r| parse_edge_row(
            r,
            &cols,
            &rules,
            &mut types,
            &mut props,
            &mut faults
        )
        .is_none()));
        assert_eq!(
            faults,
            ["share `1.5` is out of range; expected a number in (0, 1]"]
        );
    }

    #[test]
    fn headers_need_distinct_names() {
        let mut b = GraphBuilder::new();
        assert!(
            node_cols(&names("id,kind,name,"), &mut b)
                .unwrap_err()
                .contains("column 4 has no name")
        );
        assert!(
            edge_cols(&names("from,to,type,x,x"), &mut b)
                .unwrap_err()
                .contains("`x` twice")
        );
    }

    #[test]
    fn a_record_past_the_longest_read_is_explained() {
        let too_long = std::io::Error::new(std::io::ErrorKind::InvalidData, "x");
        let open = b"a,\"no end\nb,c\n";
        let stop = read_error(&too_long, open, 7);
        assert_eq!((stop.line, stop.col), (7, Some(3)));
        assert!(
            stop.message
                .starts_with("this quote is not closed within 64 MiB")
        );
        let mut long = b"a,".to_vec();
        long.extend(std::iter::repeat_n(b'z', MAX_FIELD_BYTES + 1));
        let stop = read_error(&too_long, &long, 7);
        assert_eq!((stop.line, stop.col), (7, None));
        assert!(
            stop.message.starts_with("field 2 is 1048577 bytes long"),
            "{stop:?}"
        );
        let other = std::io::Error::other("disk on fire");
        assert_eq!(
            read_error(&other, b"", 7).message,
            "cannot read the file: disk on fire"
        );
    }
}
