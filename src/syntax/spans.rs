//! Comparing trees modulo spans: for round-trip tests (parse -> print ->
//! parse) and for anyone who needs structural equality.

use super::ast::*;
use crate::diag::Span;

/// Resets every span in the statement to `Span::default()`, so that two
/// trees parsed from differently formatted text compare equal.
pub fn strip_spans(stmt: &mut Statement) {
    stmt.span = Span::default();
    match &mut stmt.kind {
        StatementKind::Match(m) => {
            m.patterns.iter_mut().for_each(pattern);
            m.filter.iter_mut().for_each(expr);
            let r = &mut m.ret;
            for item in &mut r.items {
                expr(&mut item.expr);
                item.alias.iter_mut().for_each(ident);
            }
            r.order.iter_mut().for_each(|k| expr(&mut k.expr));
            r.skip.iter_mut().chain(r.limit.iter_mut()).for_each(expr);
        }
        StatementKind::Path(p) => {
            nodeset(&mut p.from);
            nodeset(&mut p.to);
            p.via.iter_mut().for_each(ident);
            if let Some(Some(w)) = &mut p.weighted {
                ident(w);
            }
        }
        StatementKind::Upstream(t) | StatementKind::Downstream(t) => {
            nodeset(&mut t.of);
            t.via.iter_mut().for_each(ident);
        }
        StatementKind::Exposure(e) | StatementKind::Impact(e) => {
            nodeset(&mut e.of);
            nodeset(&mut e.to);
            e.via.iter_mut().for_each(ident);
        }
        StatementKind::Chokepoints(c) => {
            nodeset(&mut c.of);
            c.via.iter_mut().for_each(ident);
            c.kinds.iter_mut().for_each(ident);
            c.weighted.iter_mut().for_each(ident);
        }
        StatementKind::Scenario(s) => {
            ident(&mut s.name);
            for op in &mut s.ops {
                match op {
                    ScenarioOp::Remove(a)
                    | ScenarioOp::Shock(a, _)
                    | ScenarioOp::Policy(a)
                    | ScenarioOp::Risk(a) => nodeset(a),
                    ScenarioOp::Cut(a, b, _) | ScenarioOp::Decouple(a, b, _) => {
                        nodeset(a);
                        nodeset(b);
                    }
                    ScenarioOp::Use(n) => ident(n),
                }
            }
        }
        StatementKind::With { scenario, body, .. }
        | StatementKind::Compare { scenario, body, .. } => {
            ident(scenario);
            strip_spans(body);
        }
        StatementKind::At { date, body } => {
            strip_date(date);
            strip_spans(body);
        }
        StatementKind::CompareAt {
            before,
            after,
            body,
        } => {
            strip_date(before);
            strip_date(after);
            strip_spans(body);
        }
        StatementKind::Changes { from, to, of } => {
            strip_date(from);
            strip_date(to);
            of.iter_mut().for_each(nodeset);
        }
        StatementKind::Show(s) => nodeset(s),
        StatementKind::Schema | StatementKind::Stats => {}
        StatementKind::Export(e) => e.from.iter_mut().for_each(|s| strip_spans(s)),
        StatementKind::Query(q) => {
            for clause in q.parts.iter_mut().flatten() {
                match clause {
                    Clause::Match {
                        patterns, filter, ..
                    } => {
                        patterns.iter_mut().for_each(pattern);
                        filter.iter_mut().for_each(expr);
                    }
                    Clause::Unwind { expr: e, alias } => {
                        expr(e);
                        ident(alias);
                    }
                    Clause::With { proj, filter } => {
                        ret(proj);
                        filter.iter_mut().for_each(expr);
                    }
                    Clause::Return(r) => ret(r),
                }
            }
        }
    }
}

fn strip_date(d: &mut DateLit) {
    match d {
        DateLit::Text(_, s) | DateLit::Param(_, s) => *s = Span::default(),
    }
}

fn ret(r: &mut Return) {
    for item in &mut r.items {
        expr(&mut item.expr);
        item.alias.iter_mut().for_each(ident);
    }
    r.order.iter_mut().for_each(|k| expr(&mut k.expr));
    r.skip.iter_mut().chain(r.limit.iter_mut()).for_each(expr);
}

/// Resets every span in the expression.
pub fn strip_expr_spans(e: &mut Expr) {
    expr(e);
}

/// `a` and `b` are the same expression, ignoring spans.
pub fn same_expr_modulo_spans(a: &Expr, b: &Expr) -> bool {
    let (mut a, mut b) = (a.clone(), b.clone());
    expr(&mut a);
    expr(&mut b);
    a == b
}

/// `a` and `b` are the same tree, ignoring spans.
pub fn same_modulo_spans(a: &Statement, b: &Statement) -> bool {
    let (mut a, mut b) = (a.clone(), b.clone());
    strip_spans(&mut a);
    strip_spans(&mut b);
    a == b
}

fn ident(i: &mut Ident) {
    i.span = Span::default();
}

fn props(ps: &mut [(Ident, Expr)]) {
    for (k, v) in ps {
        ident(k);
        expr(v);
    }
}

fn node(n: &mut NodePattern) {
    n.span = Span::default();
    n.var.iter_mut().for_each(ident);
    n.kinds.iter_mut().for_each(ident);
    props(&mut n.props);
    n.filter.iter_mut().for_each(expr);
}

fn pattern(p: &mut Pattern) {
    p.span = Span::default();
    p.path_var.iter_mut().for_each(ident);
    node(&mut p.start);
    for (e, n) in &mut p.steps {
        e.span = Span::default();
        e.var.iter_mut().for_each(ident);
        e.types.iter_mut().for_each(ident);
        props(&mut e.props);
        node(n);
    }
}

fn nodeset(s: &mut NodeSet) {
    s.span = Span::default();
    match &mut s.kind {
        NodeSetKind::Name(e) => expr(e),
        NodeSetKind::Pattern(n) => node(n),
        NodeSetKind::MembersOf(inner) => nodeset(inner),
    }
}

fn expr(e: &mut Expr) {
    e.span = Span::default();
    match &mut e.kind {
        ExprKind::Literal(_) | ExprKind::Param(_) | ExprKind::Var(_) | ExprKind::CountStar => {}
        ExprKind::List(items) => items.iter_mut().for_each(expr),
        ExprKind::Prop(inner, key) => {
            expr(inner);
            ident(key);
        }
        ExprKind::Unary(_, inner) | ExprKind::IsNull { expr: inner, .. } => expr(inner),
        ExprKind::Binary(_, l, r) => {
            expr(l);
            expr(r);
        }
        ExprKind::Call { name, args, .. } => {
            ident(name);
            args.iter_mut().for_each(expr);
        }
        ExprKind::Map(entries) => props(entries),
        ExprKind::Case {
            subject,
            whens,
            default,
        } => {
            subject.iter_mut().for_each(|e| expr(e));
            for (w, t) in whens {
                expr(w);
                expr(t);
            }
            default.iter_mut().for_each(|e| expr(e));
        }
        ExprKind::ListComp {
            var,
            list,
            filter,
            map,
        } => {
            ident(var);
            expr(list);
            filter
                .iter_mut()
                .chain(map.iter_mut())
                .for_each(|e| expr(e));
        }
        ExprKind::Quantified {
            var, list, filter, ..
        } => {
            ident(var);
            expr(list);
            filter.iter_mut().for_each(|e| expr(e));
        }
        ExprKind::Index(a, b) => {
            expr(a);
            expr(b);
        }
        ExprKind::Slice(a, from, to) => {
            expr(a);
            from.iter_mut().chain(to.iter_mut()).for_each(|e| expr(e));
        }
        ExprKind::PatternPred(p) => pattern(p),
        ExprKind::PatternComp {
            pattern: p,
            filter,
            map,
        } => {
            pattern(p);
            filter.iter_mut().for_each(|e| expr(e));
            expr(map);
        }
        ExprKind::HasLabels(a, labels) => {
            expr(a);
            labels.iter_mut().for_each(ident);
        }
    }
}
