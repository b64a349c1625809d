//! Compile-time checks Cypher makes on a projection (`return`, `with`):
//! beside an aggregate, only grouping keys may be read; after `distinct` or
//! an aggregation, `order by` sees only what was projected; column names
//! are unique. Each failure is a located E0306 with what was expected.
//! Also the static type checks on variables (`size(path)`, `type(node)`,
//! `where (n)`: E0301) and the expression walks the Cypher clauses share
//! (free variables, random calls, aggregates).

use super::scope::{Scope, VarKind};
use crate::diag::Diagnostic;
use crate::syntax::ast::{Expr, ExprKind, Return};
use crate::syntax::same_expr_modulo_spans;

/// Whether `name` is an aggregate function.
pub fn is_aggregate(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "count" | "sum" | "avg" | "min" | "max" | "collect" | "percentiledisc" | "percentilecont"
    )
}

/// What `func` needs instead, when it is called on a variable of `kind`
/// that it can never take (Cypher's compile-time argument type check).
pub fn wrong_argument(func: &str, kind: VarKind) -> Option<&'static str> {
    use VarKind::{Edge, EdgeList, Node, Path};
    match (func, kind) {
        ("size", Node | Edge | Path) => Some("a list or a string"),
        ("length", Node | Edge) => Some("a path or a list"),
        ("type", Node | Path | EdgeList) => Some("an edge"),
        _ => None,
    }
}

/// A `where` condition that is a bare node, edge or path variable (as in
/// `where (n)`) can never be a boolean: rejected before anything runs.
pub fn check_condition(e: &Expr, scope: &Scope) -> Result<(), Diagnostic> {
    if let ExprKind::Var(v) = &e.kind
        && let Some((_, kind)) = scope.get(v)
        && matches!(
            kind,
            VarKind::Node | VarKind::Edge | VarKind::EdgeList | VarKind::Path
        )
    {
        return Err(Diagnostic::new(
            "E0301",
            format!("`where` needs a boolean, but `{v}` is {}", kind.noun()),
        )
        .at(e.span)
        .expected("a condition, such as a comparison or a pattern `(n)-->()`"));
    }
    Ok(())
}

/// The variables `e` reads (comprehension variables excepted), pattern
/// conditions' variables included, each once in order of appearance.
pub fn free_vars(e: &Expr) -> Vec<String> {
    let mut local: Vec<&str> = Vec::new();
    let mut out: Vec<String> = Vec::new();
    let add = |v: &str, out: &mut Vec<String>| {
        if !out.iter().any(|o| o == v) {
            out.push(v.to_string());
        }
    };
    walk(e, &mut |x| {
        match &x.kind {
            ExprKind::ListComp { var, .. } | ExprKind::Quantified { var, .. } => {
                local.push(&var.name);
            }
            ExprKind::Var(v) if !local.contains(&v.as_str()) => add(v, &mut out),
            ExprKind::PatternPred(p) | ExprKind::PatternComp { pattern: p, .. } => {
                let nodes = std::iter::once(&p.start).chain(p.steps.iter().map(|(_, n)| n));
                for v in nodes
                    .filter_map(|n| n.var.as_ref())
                    .chain(p.steps.iter().filter_map(|(e, _)| e.var.as_ref()))
                {
                    add(&v.name, &mut out);
                }
            }
            _ => {}
        }
        true
    });
    out
}

/// Whether `e` contains an aggregate.
pub fn has_aggregate(e: &Expr) -> bool {
    let mut found = false;
    walk(e, &mut |x| {
        if matches!(&x.kind, ExprKind::CountStar)
            || matches!(&x.kind, ExprKind::Call { name, .. } if is_aggregate(&name.name))
        {
            found = true;
        }
        !found
    });
    found
}

/// The first call of a non-deterministic function (`rand()`) in `e`:
/// Cypher rejects one inside an aggregate.
pub fn random_call(e: &Expr) -> Option<&Expr> {
    let mut found = None;
    walk(e, &mut |x| {
        if matches!(&x.kind, ExprKind::Call { name, .. } if name.name.eq_ignore_ascii_case("rand"))
        {
            found = Some(x);
        }
        found.is_none()
    });
    found
}

/// Calls `f` on `e` and its sub-expressions, depth first, while `f` says go on.
fn walk<'e>(e: &'e Expr, f: &mut dyn FnMut(&'e Expr) -> bool) {
    if !f(e) {
        return;
    }
    for c in children(e) {
        walk(c, f);
    }
}

fn children(e: &Expr) -> Vec<&Expr> {
    match &e.kind {
        ExprKind::Literal(_) | ExprKind::Param(_) | ExprKind::Var(_) | ExprKind::CountStar => {
            Vec::new()
        }
        ExprKind::List(items) | ExprKind::Call { args: items, .. } => items.iter().collect(),
        ExprKind::Prop(t, _) | ExprKind::Unary(_, t) | ExprKind::IsNull { expr: t, .. } => {
            vec![t]
        }
        ExprKind::HasLabels(t, _) => vec![t],
        ExprKind::PatternPred(_) => Vec::new(),
        ExprKind::PatternComp { filter, map, .. } => filter
            .iter()
            .map(|b| &**b)
            .chain(std::iter::once(&**map))
            .collect(),
        ExprKind::Binary(_, l, r) | ExprKind::Index(l, r) => vec![l, r],
        ExprKind::Map(entries) => entries.iter().map(|(_, v)| v).collect(),
        ExprKind::Case {
            subject,
            whens,
            default,
        } => subject
            .iter()
            .map(|b| &**b)
            .chain(whens.iter().flat_map(|(w, t)| [w, t]))
            .chain(default.iter().map(|b| &**b))
            .collect(),
        ExprKind::ListComp {
            list, filter, map, ..
        } => std::iter::once(&**list)
            .chain(filter.iter().map(|b| &**b))
            .chain(map.iter().map(|b| &**b))
            .collect(),
        ExprKind::Quantified { list, filter, .. } => std::iter::once(&**list)
            .chain(filter.iter().map(|b| &**b))
            .collect(),
        ExprKind::Slice(a, from, to) => std::iter::once(&**a)
            .chain(from.iter().map(|b| &**b))
            .chain(to.iter().map(|b| &**b))
            .collect(),
    }
}

/// The variable a `v` or `v.a.b` chain starts from.
fn root_var(e: &Expr) -> Option<&str> {
    match &e.kind {
        ExprKind::Var(v) => Some(v),
        ExprKind::Prop(t, _) => root_var(t),
        _ => None,
    }
}

fn is_aggregate_call(x: &Expr) -> bool {
    matches!(&x.kind, ExprKind::Call { name, .. } if is_aggregate(&name.name))
        || matches!(x.kind, ExprKind::CountStar)
}

/// The variable reads (`v`, `v.key`) of `e`, outside aggregates unless
/// `inside_aggs`; an aggregate that equals one of `computed` is not looked
/// into. Comprehension variables are not reads of the scope.
fn reads(e: &Expr, inside_aggs: bool, computed: &[&Expr], out: &mut Vec<Expr>) {
    let mut local: Vec<String> = Vec::new();
    walk(e, &mut |x| {
        if let ExprKind::ListComp { var, .. } | ExprKind::Quantified { var, .. } = &x.kind {
            local.push(var.name.clone());
        }
        if is_aggregate_call(x)
            && (!inside_aggs || computed.iter().any(|c| same_expr_modulo_spans(c, x)))
        {
            return false;
        }
        match root_var(x) {
            Some(v) if !local.iter().any(|l| l == v) => {
                out.push(x.clone());
                false
            }
            _ => true,
        }
    });
}

fn ambiguous(e: &Expr, what: &str) -> Diagnostic {
    Diagnostic::new(
        "E0306",
        format!("`{e}` is read beside an aggregate but is not a grouping key"),
    )
    .at(e.span)
    .expected(format!("{what} that is also projected on its own"))
    .help("project it as its own item (a grouping key) or aggregate it")
}

/// The names a projection gives its items: aliases and bare variables.
pub fn projected_names(ret: &Return) -> Vec<&str> {
    ret.items
        .iter()
        .filter_map(|i| match (&i.alias, &i.expr.kind) {
            (Some(a), _) => Some(a.name.as_str()),
            (None, ExprKind::Var(v)) => Some(v.as_str()),
            _ => None,
        })
        .collect()
}

/// Checks a projection before it is compiled.
pub fn check_projection(ret: &Return) -> Result<(), Diagnostic> {
    // Unique column names.
    let mut names: Vec<String> = Vec::new();
    for item in &ret.items {
        let name = match &item.alias {
            Some(a) => a.name.clone(),
            None => item.expr.to_string(),
        };
        if names.contains(&name) {
            return Err(
                Diagnostic::new("E0306", format!("two columns are named `{name}`"))
                    .at(item.alias.as_ref().map_or(item.expr.span, |a| a.span))
                    .expected("a column name used once")
                    .help("give one of them another name with `as`"),
            );
        }
        names.push(name);
    }
    let keys: Vec<&Expr> = ret
        .items
        .iter()
        .filter(|i| !has_aggregate(&i.expr))
        .map(|i| &i.expr)
        .collect();
    let aggregating = keys.len() < ret.items.len();
    let is_key = |e: &Expr| {
        keys.iter().any(|k| same_expr_modulo_spans(k, e))
            || root_var(e).is_some_and(|v| {
                keys.iter()
                    .any(|k| matches!(&k.kind, ExprKind::Var(kv) if kv == v))
            })
    };
    if aggregating {
        for item in ret.items.iter().filter(|i| has_aggregate(&i.expr)) {
            let mut r = Vec::new();
            reads(&item.expr, false, &[], &mut r);
            if let Some(bad) = r.iter().find(|e| !is_key(e)) {
                return Err(ambiguous(bad, "a variable or property"));
            }
        }
    }
    if aggregating || ret.distinct {
        // `order by` sees the projected columns only.
        let aliases = projected_names(ret);
        for key in &ret.order {
            if ret
                .items
                .iter()
                .any(|i| same_expr_modulo_spans(&i.expr, &key.expr))
            {
                continue;
            }
            let mut computed = Vec::new();
            for item in &ret.items {
                walk(&item.expr, &mut |x| {
                    if is_aggregate_call(x) {
                        computed.push(x);
                    }
                    true
                });
            }
            let mut r = Vec::new();
            reads(&key.expr, true, &computed, &mut r);
            let projected = |e: &Expr| {
                root_var(e).is_some_and(|v| aliases.contains(&v))
                    || ret.items.iter().any(|i| same_expr_modulo_spans(&i.expr, e))
            };
            if let Some(bad) = r.iter().find(|e| !projected(e)) {
                let v = root_var(bad).unwrap_or("?");
                return Err(Diagnostic::new(
                    "E0203",
                    format!(
                        "`{v}` is not projected, so `order by` after {} cannot read it",
                        if ret.distinct {
                            "`distinct`"
                        } else {
                            "an aggregation"
                        }
                    ),
                )
                .at(bad.span)
                .expected("a projected column or alias"));
            }
        }
    }
    Ok(())
}
