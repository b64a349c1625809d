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
use crate::syntax::ast::{Clause, Expr, ExprKind, Ident, Query, Return, ReturnItem};

/// Runs a query: its parts, joined by `union`.
pub fn run_query(
    env: &mut Env,
    q: &Query,
    view: &View,
    span: Span,
) -> Result<ResultSet, Diagnostic> {
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
fn expand_star(ret: &Return, scope: &Scope, span: Span) -> Return {
    if !ret.star {
        return ret.clone();
    }
    let mut names: Vec<&str> = scope.names().filter(|n| !n.starts_with(' ')).collect();
    names.sort_unstable();
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
    Return {
        star: false,
        items,
        ..ret.clone()
    }
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
    let ret = expand_star(ret, scope, span);
    if ret.items.is_empty() {
        return Err(
            Diagnostic::new("E0306", "`return *` with no variables in scope")
                .at(span)
                .expected("at least one variable or item"),
        );
    }
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
                let pats =
                    pattern::compile_patterns(g, patterns, &mut scope, env.params, &mut filters)?;
                if let Some(w) = filter {
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
                let (ret, rs) = project(env, proj, &scope, rows, view, span)?;
                let mut next = Scope::default();
                for (item, column) in ret.items.iter().zip(&rs.columns) {
                    let kind = match &item.expr.kind {
                        ExprKind::Var(v) => scope.get(v).map_or(VarKind::Value, |(_, k)| k),
                        _ => VarKind::Value,
                    };
                    next.shadow(column, kind);
                }
                scope = next;
                rows = rs.rows;
                if let Some(w) = filter {
                    let compiled = Compiler {
                        scope: &scope,
                        params: env.params,
                        aliases: None,
                        aggs: None,
                    }
                    .compile(w)?;
                    let mut kept = Vec::new();
                    for row in rows {
                        let cx = super::expr::Ctx {
                            g,
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
                    rows = kept;
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
