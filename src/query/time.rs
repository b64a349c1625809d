//! Time (time.md): the graph seen at a date, `compare at`, `changes
//! between`, and the marks `show` puts on items outside the date.
//!
//! A date's view hides what is not valid on that day; it is computed once
//! per date from the graph's validity columns and cached ([`Timeline`]).
//! A graph without validity gets the full view, so today's statements on
//! such a graph run exactly as before.

use std::sync::{Arc, Mutex};

use super::{Env, Evaluated, Footprint};
use crate::analysis::View;
use crate::diag::{Diagnostic, Span};
use crate::model::{Date, EdgeId, Graph, Interval, NodeId, Value};
use crate::result::{Cell, ResultSet};
use crate::syntax::ast::{DateLit, NodeSet, Statement, StatementKind};

/// How many dates' views are kept.
const CACHED_DATES: usize = 4;

/// Today's date and the views of the dates asked about, cached per graph.
#[derive(Debug)]
pub struct Timeline {
    today: Date,
    full: Arc<View>,
    cache: Mutex<Vec<(Date, Arc<View>)>>,
}

impl Timeline {
    /// A timeline whose default date is `today`.
    pub fn new(today: Date) -> Timeline {
        Timeline {
            today: today.first_day(),
            full: Arc::new(View::full()),
            cache: Mutex::new(Vec::new()),
        }
    }

    /// The date statements see by default.
    pub fn today(&self) -> Date {
        self.today
    }

    /// The view of `g` on `day` (hiding what is not valid then).
    pub fn view(&self, g: &Graph, day: Date) -> Arc<View> {
        if !g.has_validity() {
            return self.full.clone();
        }
        let day = day.first_day();
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = cache.iter().position(|(d, _)| *d == day) {
            let hit = cache.remove(i);
            let view = hit.1.clone();
            cache.push(hit);
            return view;
        }
        let view = Arc::new(View::at(g, day));
        if cache.len() == CACHED_DATES {
            cache.remove(0);
        }
        cache.push((day, view.clone()));
        view
    }

    /// Forgets the cached views (the graph changed).
    pub fn clear(&self) {
        self.cache.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

/// The date a [`DateLit`] names (E0220 when it is not a calendar date).
pub fn resolve_date(env: &Env, lit: &DateLit) -> Result<Date, Diagnostic> {
    let (text, span) = match lit {
        DateLit::Text(t, span) => (t.clone(), *span),
        DateLit::Param(name, span) => match super::expr::param_value(env.params, name, *span)? {
            Value::Date(d) => return Ok(d),
            Value::Str(s) => (s.to_string(), *span),
            other => (other.to_string(), *span),
        },
    };
    parse_date(&text).map_err(|expected| {
        Diagnostic::new("E0220", format!("`{text}` is not a date"))
            .at(span)
            .expected(expected)
    })
}

/// Parses a date as typed (`--at`, `:at`, `at DATE:`); the error says what
/// was expected.
pub fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text.trim()).ok_or_else(|| {
        if Date::is_impossible(text.trim()) {
            "a day of the calendar (that month has fewer days)".to_string()
        } else {
            "a date: YYYY, YYYY-MM or YYYY-MM-DD".to_string()
        }
    })
}

/// `at DATE:` anywhere but at the start of a statement.
pub fn nested_at(span: Span) -> Diagnostic {
    Diagnostic::new("E0221", "`at DATE:` must start the statement")
        .at(span)
        .expected("`at DATE: STATEMENT` with nothing before it")
        .help("write `at DATE: with NAME: ...` rather than `with NAME: at DATE: ...`")
}

/// ` (ended 2020-09-15)` or ` (starts 2025-01-01)` for an edge hidden
/// because it, or its other end, is not valid on `day`; `None` when the
/// date is not why it is hidden.
pub fn outside_mark(g: &Graph, e: EdgeId, other: NodeId, day: Date) -> Option<String> {
    let mark = |i: Interval| i.mark(day).map(|m| format!(" ({m})"));
    g.edge_validity(e)
        .and_then(mark)
        .or_else(|| g.node_validity(other).and_then(mark))
}

/// `compare at D1 and D2: STATEMENT`: the statement's value per node at
/// each date, and the delta. A node visible at one date only has a null on
/// the other side and a null delta; rows are ordered by |delta| (nulls
/// last), then name.
pub fn compare_at(
    env: &mut Env,
    before: &DateLit,
    after: &DateLit,
    body: &Statement,
) -> Result<Evaluated, Diagnostic> {
    let g = env.graph;
    let (d1, d2) = (resolve_date(env, before)?, resolve_date(env, after)?);
    // Each side runs without `top`, so a node's value exists at both dates;
    // `top` applies to the compared rows.
    let mut whole = body.clone();
    let top = match &mut whole.kind {
        StatementKind::Exposure(x) | StatementKind::Impact(x) => x.top.take(),
        StatementKind::Chokepoints(c) => c.top.replace(u32::MAX).or(Some(10)),
        _ => {
            return Err(Diagnostic::new(
                "E0222",
                "`compare at` works on an `exposure`, `impact` or `chokepoints` statement",
            )
            .at(body.span)
            .expected("`exposure of ... to ...`, `impact of ...` or `chokepoints of ...`"));
        }
    };
    // Each side's every row (not only those a result would show), and
    // only its numbers.
    let side_values = |env: &mut Env, view: &View| match &whole.kind {
        StatementKind::Exposure(x) | StatementKind::Impact(x) => {
            super::loss::losses(env, x, view, &[], whole.span)
        }
        _ => Ok(values(&super::execute(env, &whole, view)?.result)),
    };
    let bview = env.timeline.view(g, d1);
    let b = side_values(env, &bview)?;
    let aview = env.timeline.view(g, d2);
    let a = side_values(env, &aview)?;
    let is_choke = matches!(whole.kind, StatementKind::Chokepoints(_));
    let mut nodes: Vec<NodeId> = if is_choke {
        // The chokepoints of either date's top K.
        let k = top.unwrap_or(10) as usize;
        b.iter()
            .take(k)
            .chain(a.iter().take(k))
            .map(|r| r.0)
            .collect()
    } else {
        b.iter().chain(a.iter()).map(|r| r.0).collect()
    };
    nodes.sort_unstable();
    nodes.dedup();
    let (bmap, amap): (
        crate::hash::FxMap<NodeId, f64>,
        crate::hash::FxMap<NodeId, f64>,
    ) = (b.iter().copied().collect(), a.iter().copied().collect());
    let side = |list: &crate::hash::FxMap<NodeId, f64>, view: &View, n: NodeId| -> Option<f64> {
        match list.get(&n) {
            Some(v) => Some(*v),
            // Visible but not upstream at that date: nothing concentrates on it.
            None if is_choke && view.node(n) => Some(0.0),
            None => None,
        }
    };
    let mut rows: Vec<(NodeId, Option<f64>, Option<f64>)> = nodes
        .into_iter()
        .map(|n| (n, side(&bmap, &bview, n), side(&amap, &aview, n)))
        .collect();
    let delta = |r: &(NodeId, Option<f64>, Option<f64>)| Some(r.2? - r.1?);
    rows.sort_by(|x, y| {
        let (dx, dy) = (delta(x).map(f64::abs), delta(y).map(f64::abs));
        match (dx, dy) {
            (Some(p), Some(q)) => q.total_cmp(&p),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
        .then_with(|| g.node_name(x.0).cmp(g.node_name(y.0)))
        .then_with(|| x.0.cmp(&y.0))
    });
    if !is_choke && let Some(k) = top {
        rows.truncate(k as usize);
    }
    let float = |x: Option<f64>| x.map_or(Cell::NULL, |v| Cell::Value(Value::Float(v)));
    let rows: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| vec![Cell::Node(r.0), float(r.1), float(r.2), float(delta(r))])
        .collect();
    let result = before_after(rows);
    let footprint = Footprint::of_result(g, &result);
    Ok(Evaluated { result, footprint })
}

/// The (node, value) pairs of a result: its first column's nodes and the
/// named column's numbers, in result order.
fn values(result: &ResultSet) -> Vec<(NodeId, f64)> {
    // The statement's measure: `total` (exposure by the v1 rule), else
    // `loss` (v2 exposure, impact, chokepoints), else `exposure`.
    let Some(c) = ["total", "loss", "exposure"]
        .iter()
        .find_map(|name| result.columns.iter().position(|n| n == name))
    else {
        return Vec::new();
    };
    result
        .rows
        .iter()
        .filter_map(|row| match (row.first(), row.get(c)) {
            (Some(Cell::Node(n)), Some(Cell::Value(v))) => Some((*n, v.as_f64()?)),
            _ => None,
        })
        .collect()
}

/// A comparison's result: `node`, `before`, `after`, `delta` per row.
pub(super) fn before_after(rows: Vec<Vec<Cell>>) -> ResultSet {
    let columns = ["node", "before", "after", "delta"];
    ResultSet::new(columns.map(String::from).to_vec(), rows)
}

/// One change: when, what, which item, and why it changed (the item whose
/// interval starts or ends there).
struct Change {
    day: Date,
    started: bool,
    item: Cell,
    because: Item,
}

impl Change {
    /// The changes of `item` on each of `days` (`(day, started)`).
    fn record(found: &mut Vec<Change>, days: Vec<(Date, bool)>, item: Cell, because: Item) {
        found.extend(days.into_iter().map(|(day, started)| Change {
            day,
            started,
            item: item.clone(),
            because,
        }));
    }
}

#[derive(Clone, Copy)]
enum Item {
    Node(NodeId),
    Edge(EdgeId),
}

/// `changes between D1 and D2 [of NODESET]`: what started (first day in
/// (D1, D2]) or ended (last day in [D1, D2)), in date order, with the
/// source of the fact. The `date` of an end is the first day it no longer
/// holds. With `of`, only the set's nodes and their edges, including edges
/// that appear or vanish with their other end.
pub fn changes(
    env: &Env,
    from: &DateLit,
    to: &DateLit,
    of: Option<&NodeSet>,
    span: Span,
) -> Result<Evaluated, Diagnostic> {
    let g = env.graph;
    let (d1, d2) = (
        resolve_date(env, from)?.first_day(),
        resolve_date(env, to)?.last_day(),
    );
    let in_window = |i: &Interval| -> Option<(Date, bool)> {
        if let Some(f) = i.first_day()
            && d1 < f
            && f <= d2
        {
            return Some((f, true));
        }
        match i.last_day() {
            Some(l) if d1 <= l && l < d2 => Some((l.next_day(), false)),
            _ => None,
        }
    };
    // Both ends of an interval may fall in the window: list each.
    let both = |i: &Interval| -> Vec<(Date, bool)> {
        let mut out = Vec::new();
        out.extend(in_window(&Interval { to: None, ..*i }));
        out.extend(in_window(&Interval { from: None, ..*i }));
        out
    };
    let mut found: Vec<Change> = Vec::new();
    match of {
        None => {
            for (n, i) in g.nodes_with_validity() {
                Change::record(&mut found, both(i), Cell::Node(*n), Item::Node(*n));
            }
            for (e, i) in g.edges_with_validity() {
                Change::record(&mut found, both(i), Cell::Edge(*e), Item::Edge(*e));
            }
        }
        Some(set) => {
            let nodes = super::resolve_nodeset(env, set, &View::full())?;
            env.work
                .charge(nodes.len() as u64)
                .map_err(|e| super::interrupted(e, span))?;
            for &n in &nodes {
                let days = g.node_validity(n).map(|i| both(&i)).unwrap_or_default();
                Change::record(&mut found, days, Cell::Node(n), Item::Node(n));
                let out = g.out_adj().iter(n).map(|(e, _, o)| (e, o));
                let inn = g.in_adj().iter(n).map(|(e, _, o)| (e, o));
                for (e, other) in out.chain(inn) {
                    env.work
                        .charge(1)
                        .map_err(|e| super::interrupted(e, span))?;
                    let own = g.edge_validity(e).map(|i| both(&i)).unwrap_or_default();
                    let (list, because) = if own.is_empty() && other != n {
                        let theirs = g.node_validity(other).map(|i| both(&i));
                        (theirs.unwrap_or_default(), Item::Node(other))
                    } else {
                        (own, Item::Edge(e))
                    };
                    Change::record(&mut found, list, Cell::Edge(e), because);
                }
            }
        }
    }
    let key = |c: &Change| match c.item {
        Cell::Node(n) => (0, n.index()),
        Cell::Edge(e) => (1, e.index()),
        _ => (2, 0),
    };
    found.sort_by(|a, b| {
        a.day
            .cmp(&b.day)
            .then(b.started.cmp(&a.started))
            .then(key(a).cmp(&key(b)))
    });
    found.dedup_by(|a, b| a.day == b.day && a.started == b.started && key(a) == key(b));
    let rows: Vec<Vec<Cell>> = found
        .into_iter()
        .map(|c| {
            let source = match c.because {
                Item::Node(n) => g.node_prop(n, "source"),
                Item::Edge(e) => g.edge_prop(e, "source"),
            };
            vec![
                Cell::Value(Value::Date(c.day)),
                Cell::Value(Value::str(if c.started { "started" } else { "ended" })),
                c.item,
                Cell::Value(source.unwrap_or(Value::Null)),
            ]
        })
        .collect();
    let mut result = ResultSet::new(
        vec![
            "date".into(),
            "change".into(),
            "item".into(),
            "source".into(),
        ],
        rows,
    );
    if result.rows.is_empty() {
        result.message = Some(format!("no changes between {d1} and {d2}"));
    }
    let footprint = Footprint::of_result(g, &result);
    Ok(Evaluated { result, footprint })
}

/// Counts of what a graph holds with validity, for the first message:
/// `None` when nothing has an interval.
pub fn validity_note(g: &Graph, day: Date, today: Date) -> Option<String> {
    if !g.has_validity() {
        return None;
    }
    let when = if day == today {
        format!("today, {day}")
    } else {
        day.to_string()
    };
    Some(format!(
        "seen at {when} ({} nodes and {} edges have validity dates; change with :at DATE or --at DATE)",
        g.nodes_with_validity().len(),
        g.edges_with_validity().len()
    ))
}
