//! Cypher queries of several clauses: each clause maps the rows of the
//! one before (starting from one empty row), so `return 1 + 2` needs no
//! `match`. `match` runs the matcher seeded with each row (variables bound
//! earlier stay bound); `optional match` keeps a row with nulls when
//! nothing matches; `unwind` makes a row per element; `with` projects
//! (grouping, `distinct`, `order by`, `skip`, `limit`) into a new scope and
//! filters; `return` ends a part; `union` joins the parts' rows.

use super::expr::Compiler;
use super::key::RowKey;
use super::matcher::Matcher;
use super::pattern;
use super::project::Projection;
use super::scope::{Scope, VarKind};
use super::{Env, interrupted};
use crate::analysis::View;
use crate::diag::{Diagnostic, Span};
use crate::hash::FxSet;
use crate::result::{Cell, ResultSet};
use crate::syntax::ast::{Clause, Expr, ExprKind, Ident, Literal, Query, Return, ReturnItem};

/// Runs a query: its parts, joined by `union`.
pub fn run_query(
    env: &mut Env,
    q: &Query,
    view: &View,
    span: Span,
) -> Result<ResultSet, Diagnostic> {
    if let Some(first) = q.union_all.first()
        && q.union_all.iter().any(|all| all != first)
    {
        return Err(
            Diagnostic::new("E0306", "a query mixes `union` and `union all`")
                .at(span)
                .expected("the same kind of `union` between every part")
                .help("write `union all` everywhere to keep duplicates, `union` to drop them"),
        );
    }
    let mut result: Option<ResultSet> = None;
    for part in &q.parts {
        let rs = run_part(env, part, view, span)?;
        result = Some(match result {
            None => rs,
            Some(mut acc) => {
                if acc.columns != rs.columns {
                    return Err(Diagnostic::new(
                        "E0306",
                        format!(
                            "the parts of a `union` return different columns: {} and {}",
                            acc.columns.join(", "),
                            rs.columns.join(", ")
                        ),
                    )
                    .at(span)
                    .expected("the same column names in every part"));
                }
                acc.rows.extend(rs.rows);
                acc
            }
        });
    }
    let mut result = result.unwrap_or_default();
    if q.union_all.iter().any(|all| !all) {
        let mut seen = FxSet::default();
        result.rows.retain(|r| seen.insert(RowKey(r.clone())));
    }
    Ok(result)
}

/// `return *` / `with *`: every named variable, by name, then the items.
pub(super) fn expand_star(ret: &Return, scope: &Scope, span: Span) -> Result<Return, Diagnostic> {
    if !ret.star {
        return Ok(ret.clone());
    }
    let mut names: Vec<&str> = scope.names().collect();
    names.sort_unstable();
    if names.is_empty() {
        return Err(Diagnostic::new("E0306", "`*` with no variables in scope")
            .at(span)
            .expected("a variable to project (name a pattern element)"));
    }
    let mut items: Vec<ReturnItem> = names
        .into_iter()
        .map(|n| ReturnItem {
            expr: Expr {
                kind: ExprKind::Var(n.to_string()),
                span,
            },
            alias: Some(Ident {
                name: n.to_string(),
                span,
            }),
        })
        .collect();
    items.extend(ret.items.iter().cloned());
    Ok(Return {
        star: false,
        items,
        ..ret.clone()
    })
}

/// Projects `rows` through `ret`.
fn project(
    env: &Env,
    ret: &Return,
    scope: &Scope,
    rows: Vec<Vec<Cell>>,
    view: &View,
    span: Span,
) -> Result<(Return, ResultSet), Diagnostic> {
    let ret = expand_star(ret, scope, span)?;
    let projection = Projection::compile(&ret, scope, env.params, env.source)?;
    let mut collected = projection.collector(env.graph, view, env.work, span);
    for row in &rows {
        collected.push(row)?;
    }
    let rs = projection.run(collected)?;
    Ok((ret, rs))
}

fn run_part(
    env: &mut Env,
    clauses: &[Clause],
    view: &View,
    span: Span,
) -> Result<ResultSet, Diagnostic> {
    let g = env.graph;
    let mut scope = Scope::default();
    let mut rows: Vec<Vec<Cell>> = vec![Vec::new()];
    for clause in clauses {
        match clause {
            Clause::Match {
                optional,
                patterns,
                filter,
            } => {
                let before = scope.len();
                let mut bound: Vec<bool> = vec![true; before];
                let mut filters = Vec::new();
                let pats = pattern::compile_patterns_in(
                    g,
                    patterns,
                    &mut scope,
                    env.params,
                    &mut filters,
                    Some(&mut env.warnings),
                )?;
                if let Some(w) = filter {
                    super::checks::check_condition(w, &scope)?;
                    let mut c = Compiler {
                        scope: &scope,
                        params: env.params,
                        aliases: None,
                        aggs: None,
                    };
                    filters.push(c.compile(w)?);
                }
                let n = scope.len();
                bound.resize(n, false);
                let live: Vec<usize> = (0..n).collect();
                let matcher = Matcher::plan(
                    g,
                    view,
                    env.work,
                    &pats,
                    &filters,
                    n,
                    false,
                    &live,
                    span,
                    bound.clone(),
                );
                let mut out: Vec<Vec<Cell>> = Vec::new();
                for row in rows {
                    let found = out.len();
                    matcher.run_seeded(&row, &bound, &mut |r: &[Cell]| {
                        out.push(r.to_vec());
                        Ok(())
                    })?;
                    if *optional && out.len() == found {
                        let mut r = row;
                        r.resize(n, Cell::NULL);
                        out.push(r);
                    }
                }
                rows = out;
            }
            Clause::Unwind { expr, alias } => {
                let compiled = Compiler {
                    scope: &scope,
                    params: env.params,
                    aliases: None,
                    aggs: None,
                }
                .compile(expr)?;
                let slot = scope.shadow(&alias.name, VarKind::Value);
                let mut out = Vec::new();
                for mut row in rows {
                    row.resize(slot + 1, Cell::NULL);
                    let cx = super::expr::Ctx {
                        g,
                        view,
                        row: &row,
                        aggs: &[],
                        cols: &[],
                        work: env.work,
                    };
                    let v = compiled.eval(&cx)?;
                    let items = match v {
                        c if c.is_null() => Vec::new(),
                        c => super::expr::list_items(&c).unwrap_or_else(|| vec![c]),
                    };
                    env.work
                        .charge(items.len() as u64)
                        .map_err(|e| interrupted(e, span))?;
                    for item in items {
                        let mut r = row.clone();
                        r[slot] = item;
                        out.push(r);
                    }
                }
                rows = out;
            }
            Clause::With { proj, filter } => {
                if let Some(item) = proj
                    .items
                    .iter()
                    .find(|i| i.alias.is_none() && !matches!(i.expr.kind, ExprKind::Var(_)))
                {
                    return Err(
                        Diagnostic::new("E0306", "`with` needs a name for an expression")
                            .at(item.expr.span)
                            .expected("`EXPR as NAME` (only a variable names itself)"),
                    );
                }
                let ret = expand_star(proj, &scope, span)?;
                let hidden = old_reads(&ret, filter.as_ref(), &scope);
                if hidden.is_empty() {
                    let (ret, rs) = project(env, &ret, &scope, rows, view, span)?;
                    scope = column_scope(&ret, &rs.columns, &scope);
                    rows = rs.rows;
                    if let Some(w) = filter {
                        rows = keep(env, w, &scope, rows, view)?;
                    }
                } else {
                    let (visible, next, kept) = with_old_reads(
                        env,
                        &ret,
                        &hidden,
                        filter.as_ref(),
                        &scope,
                        rows,
                        view,
                        span,
                    )?;
                    scope = next;
                    rows = kept;
                    for row in &mut rows {
                        row.truncate(visible);
                    }
                }
            }
            Clause::Return(ret) => {
                return project(env, ret, &scope, rows, view, span).map(|(_, rs)| rs);
            }
        }
    }
    Err(Diagnostic::new("E0306", "a query must end with `return`")
        .at(span)
        .expected("`return`"))
}

/// The scope after a projection: a column that passes a variable on keeps
/// its kind; a literal, list or map is plainly not a node or an edge.
fn column_scope(ret: &Return, columns: &[String], before: &Scope) -> Scope {
    let mut next = Scope::default();
    for (item, column) in ret.items.iter().zip(columns) {
        let kind = match &item.expr.kind {
            ExprKind::Var(v) => before.get(v).map_or(VarKind::Value, |(_, k)| k),
            ExprKind::Literal(Literal::Null) => VarKind::Value,
            ExprKind::Literal(_) | ExprKind::List(_) | ExprKind::Map(_) => VarKind::Data,
            _ => VarKind::Value,
        };
        next.shadow(column, kind);
    }
    next
}

/// The rows of `rows` where `w` holds.
fn keep(
    env: &Env,
    w: &Expr,
    scope: &Scope,
    rows: Vec<Vec<Cell>>,
    view: &View,
) -> Result<Vec<Vec<Cell>>, Diagnostic> {
    super::checks::check_condition(w, scope)?;
    let compiled = Compiler {
        scope,
        params: env.params,
        aliases: None,
        aggs: None,
    }
    .compile(w)?;
    let mut kept = Vec::new();
    for row in rows {
        let cx = super::expr::Ctx {
            g: env.graph,
            view,
            row: &row,
            aggs: &[],
            cols: &[],
            work: env.work,
        };
        if compiled.test(&cx)? {
            kept.push(row);
        }
    }
    Ok(kept)
}

/// The variables a `with`'s `where` reads from before the `with` (Cypher
/// lets it see them when the `with` does not aggregate).
fn old_reads(ret: &Return, filter: Option<&Expr>, scope: &Scope) -> Vec<String> {
    let Some(w) = filter else {
        return Vec::new();
    };
    if ret
        .items
        .iter()
        .any(|i| super::checks::has_aggregate(&i.expr))
    {
        return Vec::new();
    }
    let columns = super::checks::projected_names(ret);
    let mut out: Vec<String> = Vec::new();
    for v in super::checks::free_vars(w) {
        if !columns.contains(&v.as_str()) && scope.get(&v).is_some() && !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

fn var_item(name: &str, span: Span) -> ReturnItem {
    ReturnItem {
        expr: Expr {
            kind: ExprKind::Var(name.to_string()),
            span,
        },
        alias: Some(Ident {
            name: name.to_string(),
            span,
        }),
    }
}

/// A `with` whose `where` reads variables bound before it: they ride
/// along as extra columns past the projected ones until the filter has
/// run. With `distinct`, the filter runs before duplicates are dropped,
/// then `order by`, `skip` and `limit`. Returns the number of projected
/// columns, their scope and the rows (still carrying the extra columns).
#[allow(
    clippy::too_many_arguments,
    reason = "the clause's parts and the query's state, passed flat"
)]
fn with_old_reads(
    env: &mut Env,
    ret: &Return,
    hidden: &[String],
    filter: Option<&Expr>,
    scope: &Scope,
    rows: Vec<Vec<Cell>>,
    view: &View,
    span: Span,
) -> Result<(usize, Scope, Vec<Vec<Cell>>), Diagnostic> {
    super::checks::check_projection(ret)?;
    let mut wide = ret.clone();
    wide.items.extend(hidden.iter().map(|v| var_item(v, span)));
    if ret.distinct {
        wide.distinct = false;
        wide.order = Vec::new();
        wide.skip = None;
        wide.limit = None;
    }
    let (wide, rs) = project(env, &wide, scope, rows, view, span)?;
    let visible = ret.items.len();
    let next = column_scope(&wide, &rs.columns, scope);
    let mut rows = match filter {
        Some(w) => keep(env, w, &next, rs.rows, view)?,
        None => rs.rows,
    };
    if ret.distinct {
        let mut seen = FxSet::default();
        rows.retain(|r| seen.insert(RowKey(r[..visible].to_vec())));
        let names: Vec<&str> = rs.columns.iter().map(String::as_str).collect();
        let again = Return {
            distinct: false,
            star: false,
            items: names.iter().map(|n| var_item(n, span)).collect(),
            order: ret.order.clone(),
            skip: ret.skip.clone(),
            limit: ret.limit.clone(),
        };
        rows = project(env, &again, &next, rows, view, span)?.1.rows;
    }
    let visible_scope = column_scope(ret, &rs.columns[..visible], scope);
    Ok((visible, visible_scope, rows))
}
