//! The `return` clause: projection, implicit grouping by the non-aggregate
//! items (as in Cypher), `distinct`, `order by`, `skip` and `limit`.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;

use super::expr::{AggFunc, AggSpec, CExpr, Compiler, Ctx, Params};
use super::scope::Scope;
use crate::analysis::View;
use crate::diag::{Diagnostic, Span};
use crate::limits::Work;
use crate::model::{Graph, Value};
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
                    let mut c = Compiler {
                        scope,
                        params,
                        aliases: Some(&aliases),
                        aggs: Some(&mut aggs),
                    };
                    c.compile(&key.expr)?
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

    /// Projects the bindings into the result.
    pub fn run(
        &self,
        g: &Graph,
        view: &View,
        work: &Work,
        rows: Vec<Vec<Cell>>,
        span: Span,
    ) -> Result<ResultSet, Diagnostic> {
        // Each output row: (binding row, aggregate values, projected values).
        let mut out: Vec<OutRow> = Vec::new();
        let grouping = !self.aggs.is_empty();
        if !grouping {
            for row in rows {
                let cx = Ctx {
                    g,
                    view,
                    row: &row,
                    aggs: &[],
                    cols: &[],
                    work,
                };
                let values: Result<Vec<Cell>, Diagnostic> =
                    self.items.iter().map(|e| e.eval(&cx)).collect();
                out.push((Vec::new(), Vec::new(), values?));
                if let Some(last) = out.last_mut() {
                    last.0 = row;
                }
            }
        } else {
            let mut groups: IndexMap<String, (Vec<Cell>, Vec<Vec<Cell>>)> = IndexMap::new();
            for row in rows {
                let cx = Ctx {
                    g,
                    view,
                    row: &row,
                    aggs: &[],
                    cols: &[],
                    work,
                };
                let mut keys = Vec::new();
                for (e, agg) in self.items.iter().zip(&self.is_agg) {
                    if !agg {
                        keys.push(e.eval(&cx)?);
                    }
                }
                let k = format!("{keys:?}");
                groups
                    .entry(k)
                    .or_insert_with(|| (row.clone(), Vec::new()))
                    .1
                    .push(row);
            }
            if groups.is_empty() && self.is_agg.iter().all(|a| *a) {
                groups.insert(String::new(), (Vec::new(), Vec::new()));
            }
            for (_, (rep, members)) in groups {
                work.charge(members.len() as u64)
                    .map_err(|e| super::interrupted(e, span))?;
                let agg_values: Result<Vec<Cell>, Diagnostic> = self
                    .aggs
                    .iter()
                    .map(|a| aggregate(g, view, work, a, &members))
                    .collect();
                let agg_values = agg_values?;
                let cx = Ctx {
                    g,
                    view,
                    row: &rep,
                    aggs: &agg_values,
                    cols: &[],
                    work,
                };
                let values: Result<Vec<Cell>, Diagnostic> =
                    self.items.iter().map(|e| e.eval(&cx)).collect();
                out.push((rep, agg_values, values?));
            }
        }
        if self.distinct {
            let mut seen = HashSet::new();
            out.retain(|(_, _, values)| seen.insert(format!("{values:?}")));
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
                keyed.push((keys?, entry));
            }
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
    fn rank(c: &Cell) -> u8 {
        match c {
            Cell::Value(Value::Null) => 9,
            Cell::Value(_) => 0,
            Cell::Node(_) => 1,
            Cell::Edge(_) => 2,
            Cell::Path(_) => 3,
            Cell::List(_) => 4,
        }
    }
    match (a, b) {
        (Cell::Value(Value::Null), _) | (_, Cell::Value(Value::Null)) => rank(a).cmp(&rank(b)),
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

fn aggregate(
    g: &Graph,
    view: &View,
    work: &Work,
    spec: &AggSpec,
    rows: &[Vec<Cell>],
) -> Result<Cell, Diagnostic> {
    if spec.func == AggFunc::CountStar {
        return Ok(Cell::Value(Value::Int(rows.len() as i64)));
    }
    let mut values = Vec::with_capacity(rows.len());
    let mut seen: HashMap<String, ()> = HashMap::new();
    if let Some(arg) = &spec.arg {
        for row in rows {
            let v = arg.eval(&Ctx {
                g,
                view,
                row,
                aggs: &[],
                cols: &[],
                work,
            })?;
            if v.is_null() {
                continue;
            }
            if spec.distinct && seen.insert(format!("{v:?}"), ()).is_some() {
                continue;
            }
            values.push(v);
        }
    }
    let type_error = |what: &str| {
        Diagnostic::new("E0301", format!("{what} needs numbers"))
            .at(spec.span)
            .expected("numeric values (int or float)")
    };
    Ok(match spec.func {
        AggFunc::CountStar | AggFunc::Count => Cell::Value(Value::Int(values.len() as i64)),
        AggFunc::Sum | AggFunc::Avg => {
            let mut int_sum: Option<i64> = Some(0);
            let mut float_sum = 0.0;
            for v in &values {
                match v {
                    Cell::Value(Value::Int(i)) => {
                        int_sum = int_sum.and_then(|s| s.checked_add(*i));
                        float_sum += *i as f64;
                    }
                    Cell::Value(Value::Float(f)) => {
                        int_sum = None;
                        float_sum += f;
                    }
                    _ => {
                        return Err(type_error(if spec.func == AggFunc::Sum {
                            "sum()"
                        } else {
                            "avg()"
                        }));
                    }
                }
            }
            if spec.func == AggFunc::Avg {
                if values.is_empty() {
                    Cell::NULL
                } else {
                    Cell::Value(Value::Float(float_sum / values.len() as f64))
                }
            } else {
                match int_sum {
                    Some(s) => Cell::Value(Value::Int(s)),
                    None => Cell::Value(Value::Float(float_sum)),
                }
            }
        }
        AggFunc::Min | AggFunc::Max => {
            let best = values.into_iter().reduce(|a, b| {
                let o = cell_cmp(g, &a, &b);
                let keep_a = if spec.func == AggFunc::Min {
                    o != Ordering::Greater
                } else {
                    o != Ordering::Less
                };
                if keep_a { a } else { b }
            });
            best.unwrap_or(Cell::NULL)
        }
        AggFunc::Collect => Cell::List(values),
    })
}
