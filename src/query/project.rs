//! The `return` clause: projection, implicit grouping by the non-aggregate
//! items (as in Cypher), `distinct`, `order by`, `skip` and `limit`.

use std::cmp::Ordering;
use std::hash::BuildHasherDefault;

use indexmap::IndexMap;

use super::expr::{AggFunc, AggSpec, CExpr, Compiler, Ctx, Func, Params, describe};
use super::key::{CellKey, RowKey};
use super::scope::Scope;
use crate::analysis::View;
use crate::diag::{Diagnostic, Span};
use crate::hash::{Fx, FxMap, FxSet};
use crate::limits::Work;
use crate::model::{Graph, NodeId, NodeSet, Value};
use crate::result::{Cell, ResultSet};
use crate::syntax::ast::{Expr, ExprKind, Literal, Return};

/// An output row in the making: the binding row, aggregate values, projected values.
type OutRow = (Vec<Cell>, Vec<Cell>, Vec<Cell>);

/// A compiled `return` clause.
pub struct Projection {
    columns: Vec<String>,
    items: Vec<CExpr>,
    is_agg: Vec<bool>,
    aggs: Vec<AggSpec>,
    order: Vec<(CExpr, bool)>,
    distinct: bool,
    skip: usize,
    limit: Option<usize>,
}

fn contains_agg(e: &CExpr) -> bool {
    match e {
        CExpr::Agg(_) => true,
        CExpr::Const(_) | CExpr::Slot(_) | CExpr::Column(_) => false,
        CExpr::List(items) | CExpr::Func(_, items, _) => items.iter().any(contains_agg),
        CExpr::Prop(t, _, _) | CExpr::Not(t) | CExpr::Neg(t, _) | CExpr::IsNull(t, _) => {
            contains_agg(t)
        }
        CExpr::Bin(_, l, r, _) | CExpr::Regex(l, r, _, _) => contains_agg(l) || contains_agg(r),
        CExpr::Map(entries) => entries.iter().any(|(_, v)| contains_agg(v)),
        CExpr::Ext(ext) => ext.children().into_iter().any(contains_agg),
    }
}

fn count_arg(e: &Option<Expr>, params: &Params, what: &str) -> Result<Option<usize>, Diagnostic> {
    let Some(e) = e else { return Ok(None) };
    let value = match &e.kind {
        ExprKind::Literal(Literal::Int(i)) => Value::Int(*i),
        ExprKind::Param(name) => super::expr::param_value(params, name, e.span)?,
        _ => Value::Null,
    };
    match value {
        Value::Int(i) if i >= 0 => Ok(Some(i as usize)),
        other => Err(Diagnostic::new(
            "E0307",
            format!("`{what}` needs a non-negative integer, got {other}"),
        )
        .at(e.span)
        .expected("a non-negative integer or a parameter holding one")),
    }
}

impl Projection {
    /// Compiles the clause. `source` is the statement's text, for column names.
    pub fn compile(
        ret: &Return,
        scope: &Scope,
        params: &Params,
        source: &str,
    ) -> Result<Projection, Diagnostic> {
        super::checks::check_projection(ret)?;
        let mut aggs = Vec::new();
        let mut items = Vec::new();
        let mut columns = Vec::new();
        let mut is_agg = Vec::new();
        let mut texts = Vec::new();
        for item in &ret.items {
            let before = aggs.len();
            let mut c = Compiler {
                scope,
                params,
                aliases: None,
                aggs: Some(&mut aggs),
            };
            let compiled = c.compile(&item.expr)?;
            let text = source
                .get(item.expr.span.start..item.expr.span.end)
                .unwrap_or("?")
                .trim()
                .to_string();
            columns.push(
                item.alias
                    .as_ref()
                    .map_or_else(|| text.clone(), |a| a.name.clone()),
            );
            is_agg.push(aggs.len() > before || contains_agg(&compiled));
            texts.push(text);
            items.push(compiled);
        }
        let aliases: IndexMap<String, usize> = ret
            .items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| item.alias.as_ref().map(|a| (a.name.clone(), i)))
            .collect();
        let mut order = Vec::new();
        for key in &ret.order {
            let text = source
                .get(key.expr.span.start..key.expr.span.end)
                .unwrap_or("")
                .trim();
            let compiled = match texts.iter().position(|t| t == text) {
                Some(i) => CExpr::Column(i),
                None => {
                    let before = aggs.len();
                    let mut c = Compiler {
                        scope,
                        params,
                        aliases: Some(&aliases),
                        aggs: Some(&mut aggs),
                    };
                    let compiled = c.compile(&key.expr)?;
                    // Cypher: an aggregate in `order by` must be one the
                    // projection computes; a new one would regroup the rows.
                    if aggs.len() > before && !is_agg.iter().any(|a| *a) {
                        return Err(Diagnostic::new(
                            "E0306",
                            "`order by` cannot aggregate when the projection does not",
                        )
                        .at(key.expr.span)
                        .expected("an expression of the projected rows")
                        .help("aggregate in the projection and sort by its alias"));
                    }
                    compiled
                }
            };
            order.push((compiled, key.descending));
        }
        Ok(Projection {
            columns,
            items,
            is_agg,
            aggs,
            order,
            distinct: ret.distinct,
            skip: count_arg(&ret.skip, params, "skip")?.unwrap_or(0),
            limit: count_arg(&ret.limit, params, "limit")?,
        })
    }

    /// The binding slots the projection reads.
    pub fn slots(&self) -> Vec<usize> {
        let mut out = Vec::new();
        for e in &self.items {
            e.slots(&mut out);
        }
        for (e, _) in &self.order {
            e.slots(&mut out);
        }
        for a in &self.aggs {
            if let Some(arg) = &a.arg {
                arg.slots(&mut out);
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Whether the result ignores how many times a binding occurs, so the
    /// matcher may deduplicate (BFS for variable-length edges).
    pub fn ignores_multiplicity(&self) -> bool {
        if self.distinct {
            return true;
        }
        !self.aggs.is_empty()
            && self
                .aggs
                .iter()
                .all(|a| a.distinct || matches!(a.func, AggFunc::Min | AggFunc::Max))
    }

    /// Whether the result is the same whatever order the rows come in:
    /// only counts, no grouping key (`return count(distinct b)`), so the
    /// matcher may hand rows over in node order instead of search order.
    pub fn ignores_order(&self) -> bool {
        !self.aggs.is_empty()
            && self.is_agg.iter().all(|a| *a)
            && self
                .aggs
                .iter()
                .all(|a| matches!(a.func, AggFunc::Count | AggFunc::CountStar))
    }

    /// The slot of `return count(distinct x)` when that is the whole
    /// projection: the matcher may then hand over the nodes bound to `x`
    /// instead of rows (see [`Collector::add_distinct_nodes`]).
    pub fn counted_slot(&self) -> Option<usize> {
        match (self.is_agg.as_slice(), self.aggs.as_slice()) {
            (
                [true],
                [
                    AggSpec {
                        func: AggFunc::Count,
                        distinct: true,
                        arg: Some(CExpr::Slot(s)),
                        ..
                    },
                ],
            ) => Some(*s),
            _ => None,
        }
    }

    /// A collector for this projection's input rows: it keeps the rows
    /// when there are no aggregates, and otherwise folds each row into its
    /// group as it arrives.
    pub fn collector<'p>(
        &'p self,
        g: &'p Graph,
        view: &'p View,
        work: &'p Work,
        span: Span,
    ) -> Collector<'p> {
        Collector {
            proj: self,
            g,
            view,
            work,
            span,
            rows: Vec::new(),
            groups: IndexMap::default(),
            key_slot: self.key_node_slot(),
            by_node: FxMap::default(),
        }
    }

    /// The node slot every grouping key reads and nothing else (`n`,
    /// `n.name`, `id(n)`, `name(n)`, `kind(n)`), when there is one: rows
    /// with the same node there fall in the same group, which the collector
    /// then finds by the node instead of evaluating and hashing the keys.
    fn key_node_slot(&self) -> Option<usize> {
        let of = |e: &CExpr| match e {
            CExpr::Slot(s) => Some(*s),
            CExpr::Prop(t, _, _) => match &**t {
                CExpr::Slot(s) => Some(*s),
                _ => None,
            },
            CExpr::Func(Func::Id | Func::Name | Func::Kind, args, _) => match args.as_slice() {
                [CExpr::Slot(s)] => Some(*s),
                _ => None,
            },
            _ => None,
        };
        let mut slot = None;
        for (e, agg) in self.items.iter().zip(&self.is_agg) {
            if *agg {
                continue;
            }
            let s = of(e)?;
            if slot.is_some_and(|t| t != s) {
                return None;
            }
            slot = Some(s);
        }
        slot
    }

    /// The slot of the node that decides each row's group when nothing
    /// else about a row matters: every aggregate is `count(*)`, every key
    /// and `order by` reads only that node. The matcher may then count the
    /// rows per node ([`Matcher::tallying`](super::matcher::Matcher::tallying))
    /// and hand over each node once with its count
    /// ([`Collector::add_tallies`]) instead of a row each.
    pub fn tallied_slot(&self) -> Option<usize> {
        if self.distinct
            || self.aggs.is_empty()
            || !self
                .aggs
                .iter()
                .all(|a| a.func == AggFunc::CountStar && !a.distinct)
        {
            return None;
        }
        let slot = self.key_node_slot()?;
        let mut read = Vec::new();
        for (e, _) in &self.order {
            e.slots(&mut read);
        }
        read.iter().all(|s| *s == slot).then_some(slot)
    }

    /// Fresh accumulators for one group.
    fn new_accs(&self, g: &Graph) -> Vec<Acc> {
        let single_group = self.is_agg.iter().all(|a| *a);
        let node_bits = single_group.then(|| g.node_count());
        self.aggs.iter().map(|a| Acc::new(a, node_bits)).collect()
    }

    /// Projects the collected bindings into the result.
    pub fn run(&self, collected: Collector<'_>) -> Result<ResultSet, Diagnostic> {
        let (g, view, work) = (collected.g, collected.view, collected.work);
        let span = collected.span;
        let hold = |row: &[Cell]| {
            work.charge_mem(Cell::row_bytes(row))
                .map_err(|e| super::interrupted(e, span))
        };
        // Each output row: (binding row, aggregate values, projected values).
        let mut out: Vec<OutRow> = Vec::new();
        let mut project = |row: Vec<Cell>, aggs: Vec<Cell>| -> Result<(), Diagnostic> {
            let cx = Ctx {
                g,
                view,
                row: &row,
                aggs: &aggs,
                cols: &[],
                work,
            };
            let values = self
                .items
                .iter()
                .map(|e| e.eval(&cx))
                .collect::<Result<Vec<Cell>, Diagnostic>>()?;
            hold(&values)?;
            out.push((row, aggs, values));
            Ok(())
        };
        if self.aggs.is_empty() {
            for row in collected.rows {
                project(row, Vec::new())?;
            }
        } else {
            let mut groups = collected.groups;
            if groups.is_empty() && self.is_agg.iter().all(|a| *a) {
                let accs = self.new_accs(g);
                groups.insert(RowKey(Vec::new()), (Vec::new(), accs));
            }
            for (_, (rep, accs)) in groups {
                project(rep, accs.into_iter().map(Acc::finish).collect())?;
            }
        }
        if self.distinct {
            let mut seen = FxSet::default();
            out.retain(|(_, _, values)| seen.insert(RowKey(values.clone())));
        }
        if !self.order.is_empty() {
            let mut keyed: Vec<(Vec<Cell>, OutRow)> = Vec::with_capacity(out.len());
            for entry in out {
                let cx = Ctx {
                    g,
                    view,
                    row: &entry.0,
                    aggs: &entry.1,
                    cols: &entry.2,
                    work,
                };
                let keys: Result<Vec<Cell>, Diagnostic> =
                    self.order.iter().map(|(e, _)| e.eval(&cx)).collect();
                let keys = keys?;
                hold(&keys)?;
                keyed.push((keys, entry));
            }
            // Sorting compares about n log n times.
            let n = keyed.len() as u64;
            work.charge(n.saturating_mul(u64::from(n.max(2).ilog2())) / 8)
                .map_err(|e| super::interrupted(e, span))?;
            keyed.sort_by(|a, b| {
                for (i, (_, desc)) in self.order.iter().enumerate() {
                    let o = cell_cmp(g, &a.0[i], &b.0[i]);
                    let o = if *desc { o.reverse() } else { o };
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                Ordering::Equal
            });
            out = keyed.into_iter().map(|(_, e)| e).collect();
        }
        let rows: Vec<Vec<Cell>> = out
            .into_iter()
            .skip(self.skip)
            .take(self.limit.unwrap_or(usize::MAX))
            .map(|(_, _, values)| values)
            .collect();
        Ok(ResultSet::new(self.columns.clone(), rows))
    }
}

/// Sort order of cells: values by type then value, nodes by name then id;
/// null sorts last (first when descending), as in Cypher.
pub fn cell_cmp(g: &Graph, a: &Cell, b: &Cell) -> Ordering {
    // Cypher's orderability: maps, nodes, edges, lists, paths, strings,
    // (dates), booleans, numbers (NaN above every number), null last.
    fn rank(c: &Cell) -> u8 {
        match c {
            Cell::Map(_) => 0,
            Cell::Node(_) => 1,
            Cell::Edge(_) => 2,
            Cell::List(_) | Cell::Value(Value::List(_)) => 3,
            Cell::Path(_) => 4,
            Cell::Value(Value::Str(_)) => 5,
            Cell::Value(Value::Date(_)) => 6,
            Cell::Value(Value::Bool(_)) => 7,
            Cell::Value(Value::Int(_) | Value::Float(_)) => 8,
            Cell::Value(Value::Null) => 9,
        }
    }
    let (ra, rb) = (rank(a), rank(b));
    if ra != rb {
        return ra.cmp(&rb);
    }
    if ra == 3 {
        let (x, y) = (
            super::expr::list_items(a).unwrap_or_default(),
            super::expr::list_items(b).unwrap_or_default(),
        );
        for (p, q) in x.iter().zip(&y) {
            let o = cell_cmp(g, p, q);
            if o != Ordering::Equal {
                return o;
            }
        }
        return x.len().cmp(&y.len());
    }
    match (a, b) {
        (Cell::Value(Value::Null), _) | (_, Cell::Value(Value::Null)) => Ordering::Equal,
        (Cell::Value(x @ Value::Float(_)), Cell::Value(y))
        | (Cell::Value(x), Cell::Value(y @ Value::Float(_))) => {
            let (p, q) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
            match (p.is_nan(), q.is_nan()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                _ => p.partial_cmp(&q).unwrap_or(Ordering::Equal),
            }
        }
        (Cell::Value(x), Cell::Value(y)) => x.sort_cmp(y),
        (Cell::Node(x), Cell::Node(y)) => g
            .node_name(*x)
            .cmp(g.node_name(*y))
            .then_with(|| g.node_key(*x).cmp(g.node_key(*y))),
        (Cell::Edge(x), Cell::Edge(y)) => x.cmp(y),
        (Cell::Path(x), Cell::Path(y)) => x.len().cmp(&y.len()).then_with(|| x.cmp(y)),
        (Cell::List(x), Cell::List(y)) => {
            for (p, q) in x.iter().zip(y) {
                let o = cell_cmp(g, p, q);
                if o != Ordering::Equal {
                    return o;
                }
            }
            x.len().cmp(&y.len())
        }
        _ => rank(a).cmp(&rank(b)),
    }
}

/// The rows of one group so far: its first binding row and one
/// accumulator per aggregate.
type Group = (Vec<Cell>, Vec<Acc>);

/// Takes the match's rows one at a time (see [`Projection::collector`]).
pub struct Collector<'p> {
    proj: &'p Projection,
    g: &'p Graph,
    view: &'p View,
    work: &'p Work,
    span: Span,
    rows: Vec<Vec<Cell>>,
    groups: IndexMap<RowKey, Group, BuildHasherDefault<Fx>>,
    /// See [`Projection::key_node_slot`].
    key_slot: Option<usize>,
    /// The group of each node met in `key_slot`, by index in `groups`.
    by_node: FxMap<NodeId, usize>,
}

impl Collector<'_> {
    /// Counts nodes bound to the slot of [`Projection::counted_slot`]
    /// without a row each (duplicates of earlier rows' nodes count once).
    pub fn add_distinct_nodes(&mut self, nodes: impl Iterator<Item = NodeId>) {
        let mut nodes = nodes.peekable();
        if nodes.peek().is_none() || self.proj.counted_slot().is_none() {
            return;
        }
        if self.groups.is_empty() {
            // The one group of a keyless aggregate reads no binding row.
            let accs = self.proj.new_accs(self.g);
            self.groups.insert(RowKey(Vec::new()), (Vec::new(), accs));
        }
        let (_, accs) = &mut self.groups[0];
        let Some(acc) = accs.first_mut() else { return };
        for n in nodes {
            let new = acc.seen.as_mut().is_none_or(|s| s.insert(&Cell::Node(n)));
            if let (true, AccState::Count(c)) = (new, &mut acc.state) {
                *c += 1;
            }
        }
    }

    /// Takes the rows counted per node of [`Projection::tallied_slot`]
    /// (`slot`): each node once, as a row holding only that node, counted
    /// `count` times.
    pub fn add_tallies(
        &mut self,
        slot: usize,
        slots: usize,
        tallies: impl IntoIterator<Item = (NodeId, u64)>,
    ) -> Result<(), Diagnostic> {
        let mut row = vec![Cell::NULL; slots];
        for (n, count) in tallies {
            row[slot] = Cell::Node(n);
            self.push_counted(&row, count)?;
        }
        Ok(())
    }

    /// Takes one binding row.
    pub fn push(&mut self, row: &[Cell]) -> Result<(), Diagnostic> {
        self.push_counted(row, 1)
    }

    /// Takes `times` binding rows equal to `row`.
    fn push_counted(&mut self, row: &[Cell], times: u64) -> Result<(), Diagnostic> {
        let proj = self.proj;
        if proj.aggs.is_empty() {
            for _ in 0..times {
                self.work
                    .charge_mem(Cell::row_bytes(row))
                    .map_err(|e| super::interrupted(e, self.span))?;
                self.rows.push(row.to_vec());
            }
            return Ok(());
        }
        let cx = Ctx {
            g: self.g,
            view: self.view,
            row,
            aggs: &[],
            cols: &[],
            work: self.work,
        };
        // Keys that read one node only: the group of a node seen before.
        let keyed_by = self.key_slot.and_then(|s| match row.get(s) {
            Some(Cell::Node(n)) => Some(*n),
            _ => None,
        });
        let known = keyed_by.and_then(|n| self.by_node.get(&n).copied());
        let (_, accs) = if let Some(at) = known {
            &mut self.groups[at]
        } else {
            let mut keys = Vec::new();
            for (e, agg) in proj.items.iter().zip(&proj.is_agg) {
                if !agg {
                    keys.push(e.eval(&cx)?);
                }
            }
            if keys.is_empty() && !self.groups.is_empty() {
                // The one group of a keyless aggregate: no hashing per row.
                &mut self.groups[0]
            } else {
                let entry = self.groups.entry(RowKey(keys));
                if let indexmap::map::Entry::Vacant(v) = &entry {
                    // A new group holds its key, a row and its accumulators.
                    let bytes = Cell::row_bytes(&v.key().0) + Cell::row_bytes(row) + 64;
                    self.work
                        .charge_mem(bytes)
                        .map_err(|e| super::interrupted(e, self.span))?;
                }
                if let Some(n) = keyed_by {
                    self.by_node.insert(n, entry.index());
                }
                entry.or_insert_with(|| (row.to_vec(), proj.new_accs(self.g)))
            }
        };
        for (spec, acc) in proj.aggs.iter().zip(accs) {
            match (&mut acc.state, spec.func) {
                (AccState::Count(n), AggFunc::CountStar) => {
                    *n = n.saturating_add(i64::try_from(times).unwrap_or(i64::MAX));
                }
                _ => {
                    for _ in 0..times {
                        acc.add(spec, &cx)?;
                    }
                }
            }
        }
        self.work
            .charge(times)
            .map_err(|e| super::interrupted(e, self.span))
    }
}

/// One aggregate's running state.
struct Acc {
    /// The values seen, for `distinct`.
    seen: Option<Seen>,
    state: AccState,
}

/// The values a `distinct` aggregate has seen. Nodes go to a bitset when
/// there is a single group (its size is bounded by the graph's, once), which
/// makes `count(distinct n)` over a million reached nodes a bit per node
/// rather than a hashed cell.
struct Seen {
    keys: FxSet<CellKey>,
    nodes: Option<NodeSet>,
}

impl Seen {
    /// Whether `v` is new (and records it).
    fn insert(&mut self, v: &Cell) -> bool {
        match (&mut self.nodes, v) {
            (Some(nodes), Cell::Node(n)) => nodes.insert(*n),
            _ => self.keys.insert(CellKey(v.clone())),
        }
    }
}

enum AccState {
    Count(i64),
    Sum {
        int: Option<i64>,
        float: f64,
        n: usize,
        avg: bool,
    },
    Best {
        best: Option<Cell>,
        min: bool,
    },
    Collect(Vec<Cell>),
    /// The numbers seen (as floats for sorting, and as given) and the
    /// percentile, read from the first row.
    Percentile {
        values: Vec<(f64, Cell)>,
        p: Option<f64>,
        cont: bool,
    },
}

impl Acc {
    /// `node_bits`: the graph's node count when the aggregate has a single
    /// group (no grouping keys), so a node bitset may serve `distinct`.
    fn new(spec: &AggSpec, node_bits: Option<usize>) -> Acc {
        let state = match spec.func {
            AggFunc::CountStar | AggFunc::Count => AccState::Count(0),
            AggFunc::Sum | AggFunc::Avg => AccState::Sum {
                int: Some(0),
                float: 0.0,
                n: 0,
                avg: spec.func == AggFunc::Avg,
            },
            AggFunc::Min | AggFunc::Max => AccState::Best {
                best: None,
                min: spec.func == AggFunc::Min,
            },
            AggFunc::Collect => AccState::Collect(Vec::new()),
            AggFunc::PercentileDisc | AggFunc::PercentileCont => AccState::Percentile {
                values: Vec::new(),
                p: None,
                cont: spec.func == AggFunc::PercentileCont,
            },
        };
        Acc {
            seen: spec.distinct.then(|| Seen {
                keys: FxSet::default(),
                nodes: node_bits.map(NodeSet::with_capacity),
            }),
            state,
        }
    }

    /// Folds in the row `cx` holds: its argument, unless null or (with
    /// `distinct`) seen before.
    fn add(&mut self, spec: &AggSpec, cx: &Ctx) -> Result<(), Diagnostic> {
        if spec.func == AggFunc::CountStar {
            if let AccState::Count(n) = &mut self.state {
                *n += 1;
            }
            return Ok(());
        }
        let Some(arg) = &spec.arg else { return Ok(()) };
        let v = arg.eval(cx)?;
        if v.is_null() {
            return Ok(());
        }
        if let Some(seen) = &mut self.seen
            && !seen.insert(&v)
        {
            return Ok(());
        }
        match &mut self.state {
            AccState::Count(n) => *n += 1,
            AccState::Sum { int, float, n, avg } => {
                match v {
                    Cell::Value(Value::Int(i)) => {
                        // An all-integer sum that overflows is E0303, as
                        // `+` is; an average is a float anyway.
                        *int = match *int {
                            Some(s) => match s.checked_add(i) {
                                Some(t) => Some(t),
                                None if *avg => None,
                                None => {
                                    return Err(Diagnostic::new(
                                        "E0303",
                                        "integer overflow in sum()",
                                    )
                                    .at(spec.span)
                                    .expected("a sum within 64-bit integers"));
                                }
                            },
                            None => None,
                        };
                        *float += i as f64;
                    }
                    Cell::Value(Value::Float(f)) => {
                        *int = None;
                        *float += f;
                    }
                    _ => {
                        return Err(Diagnostic::new(
                            "E0301",
                            format!("{} needs numbers", if *avg { "avg()" } else { "sum()" }),
                        )
                        .at(spec.span)
                        .expected("numeric values (int or float)"));
                    }
                }
                *n += 1;
            }
            AccState::Best { best, min } => {
                let keep_old = best.as_ref().is_some_and(|a| {
                    let o = cell_cmp(cx.g, a, &v);
                    if *min {
                        o != Ordering::Greater
                    } else {
                        o != Ordering::Less
                    }
                });
                if !keep_old {
                    *best = Some(v);
                }
            }
            AccState::Collect(values) => {
                cx.work
                    .charge_mem(v.approx_bytes())
                    .map_err(|e| super::interrupted(e, spec.span))?;
                values.push(v)
            }
            AccState::Percentile { values, p, .. } => {
                if p.is_none() {
                    *p = Some(percentile_arg(spec, cx)?);
                }
                let x = match &v {
                    Cell::Value(Value::Int(i)) => *i as f64,
                    Cell::Value(Value::Float(f)) => *f,
                    other => {
                        return Err(Diagnostic::new(
                            "E0301",
                            format!("a percentile needs numbers, got {}", describe(cx.g, other)),
                        )
                        .at(spec.span)
                        .expected("numeric values (int or float)"));
                    }
                };
                cx.work
                    .charge_mem(v.approx_bytes() + 8)
                    .map_err(|e| super::interrupted(e, spec.span))?;
                values.push((x, v));
            }
        }
        Ok(())
    }

    fn finish(self) -> Cell {
        match self.state {
            AccState::Count(n) => Cell::Value(Value::Int(n)),
            AccState::Sum { int, float, n, avg } => {
                if avg {
                    if n == 0 {
                        Cell::NULL
                    } else {
                        Cell::Value(Value::Float(float / n as f64))
                    }
                } else {
                    match int {
                        Some(s) => Cell::Value(Value::Int(s)),
                        None => Cell::Value(Value::Float(float)),
                    }
                }
            }
            AccState::Best { best, .. } => best.unwrap_or(Cell::NULL),
            AccState::Collect(values) => Cell::List(values),
            AccState::Percentile {
                mut values,
                p,
                cont,
            } => {
                let (Some(p), false) = (p, values.is_empty()) else {
                    return Cell::NULL;
                };
                values.sort_by(|a, b| a.0.total_cmp(&b.0));
                let n = values.len();
                if cont {
                    // Linear interpolation between the two nearest ranks.
                    let at = p * (n - 1) as f64;
                    let (lo, hi) = (at.floor() as usize, at.ceil() as usize);
                    let (a, b) = (values[lo.min(n - 1)].0, values[hi.min(n - 1)].0);
                    Cell::Value(Value::Float(a + (b - a) * (at - lo as f64)))
                } else {
                    // The smallest value with at least p of the values at or below it.
                    let at = p * n as f64;
                    let k = (at.ceil() as usize).saturating_sub(1).min(n - 1);
                    values.swap_remove(k).1
                }
            }
        }
    }
}

/// The percentile argument of `percentileDisc` / `percentileCont`: a number
/// in 0..=1 (else E0307, as Cypher's NumberOutOfRange).
fn percentile_arg(spec: &AggSpec, cx: &Ctx) -> Result<f64, Diagnostic> {
    let v = match &spec.percentile {
        Some(e) => e.eval(cx)?,
        None => Cell::NULL,
    };
    match v {
        Cell::Value(Value::Int(i)) if (0..=1).contains(&i) => Ok(i as f64),
        Cell::Value(Value::Float(f)) if (0.0..=1.0).contains(&f) => Ok(f),
        other => Err(Diagnostic::new(
            "E0307",
            format!(
                "a percentile must be a number from 0 to 1, got {}",
                describe(cx.g, &other)
            ),
        )
        .at(spec.span)
        .expected("a number from 0.0 to 1.0")),
    }
}
