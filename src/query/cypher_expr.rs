//! Cypher's expression forms beyond FQL's core: `case`, list
//! comprehensions, quantifiers (`all`, `any`, `none`, `single`), subscripts
//! and slices, label tests (`n:Firm`) and the functions of `functions`.
//! Compiled by [`Compiler::compile_ext`], evaluated by [`Ext::eval`].

use std::sync::Arc;

use super::expr::Params;
use super::expr::{
    CExpr, Compiler, Ctx, bool_cell, describe, equals, list_items, truth, type_error,
};
use super::functions::{self, Fun};
use super::matcher::Matcher;
use super::scope::{Scope, VarKind};
use crate::diag::{Diagnostic, Span};
use crate::model::Value;
use crate::result::Cell;
use crate::syntax::ast::{Expr, ExprKind, Ident, Pattern, Quantifier};

/// An element variable's slot and what is done with each element.
#[derive(Clone, Debug)]
pub struct Comp {
    /// The slot the element is bound to (past the row's own slots).
    pub slot: usize,
    /// The list.
    pub list: CExpr,
    /// `where p`.
    pub filter: Option<CExpr>,
    /// `| e` (comprehensions).
    pub map: Option<CExpr>,
    /// `Some` for a quantifier.
    pub quant: Option<Quantifier>,
}

/// A compiled Cypher form.
#[derive(Clone, Debug)]
pub enum Ext {
    /// `case [subject] when ... then ... [else ...] end`
    Case {
        /// The simple form's subject.
        subject: Option<CExpr>,
        /// `when` / `then` pairs.
        whens: Vec<(CExpr, CExpr)>,
        /// `else`.
        default: Option<CExpr>,
    },
    /// A comprehension or quantifier.
    Comp(Comp),
    /// `e[i]`
    Index(CExpr, CExpr, Span),
    /// `e[a..b]`
    Slice(CExpr, Option<CExpr>, Option<CExpr>, Span),
    /// `n:A:B`
    HasLabels(CExpr, Vec<Arc<str>>),
    /// A Cypher function.
    Call(Fun, Vec<CExpr>, Span),
    /// A pattern as a condition, compiled per evaluation against the
    /// scope it was written in.
    Exists {
        /// The pattern.
        pattern: Box<Pattern>,
        /// The scope around it.
        scope: Box<Scope>,
        /// Parameter values.
        params: Box<Params>,
        /// The outer slots it reads.
        reads: Vec<usize>,
        /// Where.
        span: Span,
    },
    /// `[p = (a)-->(b) where q | e]`: the pattern is compiled per
    /// evaluation (as for `Exists`); `filter` and `map` were compiled
    /// against the scope with the pattern's variables declared, which
    /// compiling the pattern again declares at the same slots.
    PatternComp {
        /// The pattern.
        pattern: Box<Pattern>,
        /// The scope around it.
        scope: Box<Scope>,
        /// Parameter values.
        params: Box<Params>,
        /// The outer slots the pattern reads (a null one gives null).
        reads: Vec<usize>,
        /// The outer slots the pattern, `where` and `|` read.
        outer: Vec<usize>,
        /// `where q`.
        filter: Option<CExpr>,
        /// `| e`.
        map: CExpr,
        /// Where.
        span: Span,
    },
}

impl Compiler<'_> {
    /// Compiles `case`, comprehensions, quantifiers, subscripts and label tests.
    pub(super) fn compile_ext(&mut self, e: &Expr) -> Result<CExpr, Diagnostic> {
        let ext = match &e.kind {
            ExprKind::Case {
                subject,
                whens,
                default,
            } => Ext::Case {
                subject: subject.as_deref().map(|s| self.compile(s)).transpose()?,
                whens: whens
                    .iter()
                    .map(|(w, t)| Ok((self.compile(w)?, self.compile(t)?)))
                    .collect::<Result<Vec<_>, Diagnostic>>()?,
                default: default.as_deref().map(|d| self.compile(d)).transpose()?,
            },
            ExprKind::ListComp {
                var,
                list,
                filter,
                map,
            } => Ext::Comp(self.comp(var, list, filter.as_deref(), map.as_deref(), None)?),
            ExprKind::Quantified {
                quant,
                var,
                list,
                filter,
            } => Ext::Comp(self.comp(var, list, filter.as_deref(), None, Some(*quant))?),
            ExprKind::Index(a, i) => Ext::Index(self.compile(a)?, self.compile(i)?, e.span),
            ExprKind::Slice(a, from, to) => Ext::Slice(
                self.compile(a)?,
                from.as_deref().map(|x| self.compile(x)).transpose()?,
                to.as_deref().map(|x| self.compile(x)).transpose()?,
                e.span,
            ),
            ExprKind::PatternPred(p) => {
                if self.aggs.is_some() {
                    return Err(Diagnostic::new(
                        "E0306",
                        "a pattern is a condition here only in `where`",
                    )
                    .at(e.span)
                    .expected("a `where` clause (or a `match` for its rows)"));
                }
                let nodes = std::iter::once(&p.start).chain(p.steps.iter().map(|(_, n)| n));
                let named = nodes
                    .filter_map(|n| n.var.as_ref())
                    .chain(p.steps.iter().filter_map(|(e, _)| e.var.as_ref()));
                if let Some(v) = named.clone().find(|v| self.scope.get(&v.name).is_none()) {
                    return Err(Diagnostic::new(
                        "E0203",
                        format!(
                            "a pattern condition cannot introduce the variable `{}`",
                            v.name
                        ),
                    )
                    .at(v.span)
                    .expected("a variable bound before, or no name"));
                }
                Ext::Exists {
                    pattern: p.clone(),
                    scope: Box::new(self.scope.clone()),
                    params: Box::new(self.params.clone()),
                    reads: self.pattern_reads(p),
                    span: e.span,
                }
            }
            ExprKind::PatternComp {
                pattern,
                filter,
                map,
            } => {
                let mut inner_scope = self.scope.clone();
                super::pattern::declare(std::slice::from_ref(&**pattern), &mut inner_scope)?;
                let mut inner = Compiler {
                    scope: &inner_scope,
                    params: self.params,
                    aliases: self.aliases,
                    aggs: None,
                };
                let filter = filter.as_deref().map(|f| inner.compile(f)).transpose()?;
                let map = inner.compile(map)?;
                let reads = self.pattern_reads(pattern);
                let mut outer = reads.clone();
                for c in filter.iter().chain(std::iter::once(&map)) {
                    let mut used = Vec::new();
                    c.slots(&mut used);
                    outer.extend(used.into_iter().filter(|s| *s < self.scope.len()));
                }
                outer.sort_unstable();
                outer.dedup();
                Ext::PatternComp {
                    pattern: pattern.clone(),
                    scope: Box::new(self.scope.clone()),
                    params: Box::new(self.params.clone()),
                    reads,
                    outer,
                    filter,
                    map,
                    span: e.span,
                }
            }
            ExprKind::HasLabels(a, labels) => Ext::HasLabels(
                self.compile(a)?,
                labels.iter().map(|l| Arc::from(l.name.as_str())).collect(),
            ),
            _ => {
                return Err(Diagnostic::new("E0306", "not a Cypher expression form").at(e.span));
            }
        };
        Ok(CExpr::Ext(Box::new(ext)))
    }

    /// The slots of the variables bound before that `p` names, sorted.
    fn pattern_reads(&self, p: &Pattern) -> Vec<usize> {
        let nodes = std::iter::once(&p.start).chain(p.steps.iter().map(|(_, n)| n));
        let mut reads: Vec<usize> = nodes
            .filter_map(|n| n.var.as_ref())
            .chain(p.steps.iter().filter_map(|(e, _)| e.var.as_ref()))
            .filter_map(|v| self.scope.get(&v.name).map(|(s, _)| s))
            .collect();
        reads.sort_unstable();
        reads.dedup();
        reads
    }

    fn comp(
        &mut self,
        var: &Ident,
        list: &Expr,
        filter: Option<&Expr>,
        map: Option<&Expr>,
        quant: Option<Quantifier>,
    ) -> Result<Comp, Diagnostic> {
        let list = self.compile(list)?;
        let mut scope = self.scope.clone();
        let slot = scope.shadow(&var.name, VarKind::Value);
        let mut inner = Compiler {
            scope: &scope,
            params: self.params,
            aliases: self.aliases,
            aggs: None,
        };
        Ok(Comp {
            slot,
            list,
            filter: filter.map(|f| inner.compile(f)).transpose()?,
            map: map.map(|m| inner.compile(m)).transpose()?,
            quant,
        })
    }

    /// Compiles a call of one of Cypher's functions (`functions::lookup`).
    pub(super) fn compile_function(
        &mut self,
        f: Fun,
        name: &Ident,
        distinct: bool,
        args: &[Expr],
        span: Span,
    ) -> Result<CExpr, Diagnostic> {
        let (min, max) = f.arity();
        if distinct {
            return Err(
                Diagnostic::new("E0306", "`distinct` is only allowed in aggregates")
                    .at(span)
                    .expected("an aggregate such as count(distinct x)"),
            );
        }
        if args.len() < min || args.len() > max {
            let expected = if min == max {
                format!("{min} argument{}", if min == 1 { "" } else { "s" })
            } else {
                format!("{min} to {max} arguments")
            };
            return Err(Diagnostic::new(
                "E0306",
                format!("`{}` takes {expected}, got {}", name.name, args.len()),
            )
            .at(span)
            .expected(expected));
        }
        let args = args
            .iter()
            .map(|a| self.compile(a))
            .collect::<Result<Vec<_>, Diagnostic>>()?;
        Ok(CExpr::Ext(Box::new(Ext::Call(f, args, span))))
    }
}

/// `i` as an index into `len` items (negative counts from the end).
fn index(i: i64, len: usize) -> Option<usize> {
    let len = len as i64;
    let k = if i < 0 { len + i } else { i };
    (0..len).contains(&k).then_some(k as usize)
}

/// A slice bound clamped into `0..=len`.
fn bound(i: i64, len: usize) -> usize {
    let len = len as i64;
    let k = if i < 0 { len + i } else { i };
    k.clamp(0, len) as usize
}

fn int_arg(c: &Cell, span: Span, cx: &Ctx) -> Result<Option<i64>, Diagnostic> {
    match c {
        Cell::Value(Value::Int(i)) => Ok(Some(*i)),
        c if c.is_null() => Ok(None),
        other => Err(type_error(
            span,
            format!(
                "a subscript must be an integer, got {}",
                describe(cx.g, other)
            ),
            "an integer",
        )),
    }
}

impl Ext {
    /// Evaluates the form.
    pub fn eval(&self, cx: &Ctx) -> Result<Cell, Diagnostic> {
        match self {
            Ext::Case {
                subject,
                whens,
                default,
            } => {
                let subject = subject.as_ref().map(|s| s.eval(cx)).transpose()?;
                for (w, t) in whens {
                    let hit = match &subject {
                        Some(s) => equals(s, &w.eval(cx)?) == Some(true),
                        None => truth(&w.eval(cx)?) == Some(true),
                    };
                    if hit {
                        return t.eval(cx);
                    }
                }
                default.as_ref().map_or(Ok(Cell::NULL), |d| d.eval(cx))
            }
            Ext::Comp(c) => c.eval(cx),
            Ext::Index(a, i, span) => {
                let a = a.eval(cx)?;
                let i = i.eval(cx)?;
                if a.is_null() || i.is_null() {
                    return Ok(Cell::NULL);
                }
                match (&a, &i) {
                    (Cell::Map(entries), Cell::Value(Value::Str(k))) => Ok(entries
                        .iter()
                        .find(|(key, _)| **key == **k)
                        .map_or(Cell::NULL, |(_, v)| v.clone())),
                    (Cell::Node(_) | Cell::Edge(_), Cell::Value(Value::Str(k))) => {
                        Ok(functions::property(cx.g, &a, k))
                    }
                    _ => {
                        let Some(items) = list_items(&a) else {
                            return Err(type_error(
                                *span,
                                format!("cannot subscript {}", describe(cx.g, &a)),
                                "a list, a map, a node or an edge",
                            ));
                        };
                        let Some(i) = int_arg(&i, *span, cx)? else {
                            return Ok(Cell::NULL);
                        };
                        Ok(index(i, items.len()).map_or(Cell::NULL, |k| items[k].clone()))
                    }
                }
            }
            Ext::Slice(a, from, to, span) => {
                let a = a.eval(cx)?;
                if a.is_null() {
                    return Ok(Cell::NULL);
                }
                let Some(items) = list_items(&a) else {
                    return Err(type_error(
                        *span,
                        format!("cannot slice {}", describe(cx.g, &a)),
                        "a list",
                    ));
                };
                let len = items.len();
                let from = match from {
                    Some(f) => match int_arg(&f.eval(cx)?, *span, cx)? {
                        Some(i) => bound(i, len),
                        None => return Ok(Cell::NULL),
                    },
                    None => 0,
                };
                let to = match to {
                    Some(t) => match int_arg(&t.eval(cx)?, *span, cx)? {
                        Some(i) => bound(i, len),
                        None => return Ok(Cell::NULL),
                    },
                    None => len,
                };
                Ok(Cell::List(if from < to {
                    items[from..to].to_vec()
                } else {
                    Vec::new()
                }))
            }
            Ext::HasLabels(a, labels) => match a.eval(cx)? {
                Cell::Node(n) => {
                    let kind = cx.g.node_kind_name(n);
                    Ok(bool_cell(Some(labels.iter().all(|l| **l == *kind))))
                }
                // An edge's one type is its label.
                Cell::Edge(e) => {
                    let t = cx.g.edge_type_name(cx.g.edge_type(e));
                    Ok(bool_cell(Some(labels.iter().all(|l| **l == *t))))
                }
                c if c.is_null() => Ok(Cell::NULL),
                other => Err(type_error(
                    Span::default(),
                    format!(
                        "a label test needs a node or an edge, got {}",
                        describe(cx.g, &other)
                    ),
                    "a node or an edge",
                )),
            },
            Ext::Exists {
                pattern,
                scope,
                params,
                reads,
                span,
            } => {
                let mut found = false;
                let run =
                    match_pattern(cx, pattern, scope, params, reads, *span, false, &mut |_| {
                        found = true;
                        // Stops the match: one row answers the question.
                        Err(Diagnostic::new("E0000", "found"))
                    });
                match run {
                    Ok(false) => Ok(Cell::NULL),
                    Err(d) if !(found && d.code == "E0000") => Err(d),
                    _ => Ok(bool_cell(Some(found))),
                }
            }
            Ext::PatternComp {
                pattern,
                scope,
                params,
                reads,
                filter,
                map,
                span,
                ..
            } => {
                let mut out = Vec::new();
                let matched = match_pattern(
                    cx,
                    pattern,
                    scope,
                    params,
                    reads,
                    *span,
                    true,
                    &mut |r: &[Cell]| {
                        let inner = Ctx {
                            g: cx.g,
                            view: cx.view,
                            row: r,
                            aggs: cx.aggs,
                            cols: cx.cols,
                            work: cx.work,
                        };
                        let keep = match filter {
                            Some(f) => truth(&f.eval(&inner)?) == Some(true),
                            None => true,
                        };
                        if keep {
                            out.push(map.eval(&inner)?);
                        }
                        Ok(())
                    },
                )?;
                Ok(if matched { Cell::List(out) } else { Cell::NULL })
            }
            Ext::Call(f, args, span) => {
                let vals = args
                    .iter()
                    .map(|a| a.eval(cx))
                    .collect::<Result<Vec<_>, Diagnostic>>()?;
                functions::call(*f, &vals, *span, cx)
            }
        }
    }

    /// The slots the form reads.
    pub fn slots(&self, out: &mut Vec<usize>) {
        if let Ext::Exists { reads, .. } | Ext::PatternComp { outer: reads, .. } = self {
            out.extend(reads);
            return;
        }
        let own = match self {
            Ext::Comp(c) => Some(c.slot),
            _ => None,
        };
        let mut inner = Vec::new();
        for c in self.children() {
            c.slots(&mut inner);
        }
        out.extend(inner.into_iter().filter(|s| Some(*s) != own));
    }

    /// The sub-expressions.
    pub fn children(&self) -> Vec<&CExpr> {
        match self {
            Ext::Case {
                subject,
                whens,
                default,
            } => subject
                .iter()
                .chain(whens.iter().flat_map(|(w, t)| [w, t]))
                .chain(default.iter())
                .collect(),
            Ext::Comp(c) => std::iter::once(&c.list)
                .chain(c.filter.iter())
                .chain(c.map.iter())
                .collect(),
            Ext::Index(a, i, _) => vec![a, i],
            Ext::Slice(a, f, t, _) => std::iter::once(a).chain(f.iter()).chain(t.iter()).collect(),
            Ext::HasLabels(a, _) => vec![a],
            Ext::Call(_, args, _) => args.iter().collect(),
            Ext::Exists { .. } | Ext::PatternComp { .. } => Vec::new(),
        }
    }
}

/// Runs `pattern` (compiled now, in `scope`) from the row of `cx`, every
/// variable of `scope` bound; `sink` gets each match. `every_row`: the
/// sink sees every match (else it only asks whether one exists, and BFS
/// may stand in for trails). `Ok(false)`: a node or edge the pattern
/// reads (`reads`) is null, so nothing was matched.
#[allow(
    clippy::too_many_arguments,
    reason = "the pattern's compiled parts and the evaluation's context"
)]
fn match_pattern(
    cx: &Ctx,
    pattern: &Pattern,
    scope: &Scope,
    params: &Params,
    reads: &[usize],
    span: Span,
    every_row: bool,
    sink: &mut super::matcher::Sink<'_>,
) -> Result<bool, Diagnostic> {
    if reads
        .iter()
        .any(|s| cx.row.get(*s).is_none_or(Cell::is_null))
    {
        return Ok(false);
    }
    let mut sc = scope.clone();
    let mut filters = Vec::new();
    let mut warnings = Vec::new();
    let pats = super::pattern::compile_patterns_in(
        cx.g,
        std::slice::from_ref(pattern),
        &mut sc,
        params,
        &mut filters,
        Some(&mut warnings),
    )?;
    let n = sc.len().max(cx.row.len());
    // The outer variables are read, never rebound.
    let mut bound = vec![false; n];
    for b in bound.iter_mut().take(scope.len().min(cx.row.len())) {
        *b = true;
    }
    let live: Vec<usize> = if every_row {
        (0..n).collect()
    } else {
        Vec::new()
    };
    let m = Matcher::plan(
        cx.g,
        cx.view,
        cx.work,
        &pats,
        &filters,
        n,
        !every_row,
        &live,
        span,
        bound.clone(),
    );
    m.run_seeded(cx.row, &bound, sink)?;
    Ok(true)
}

impl Comp {
    fn eval(&self, cx: &Ctx) -> Result<Cell, Diagnostic> {
        let list = self.list.eval(cx)?;
        if list.is_null() {
            return Ok(Cell::NULL);
        }
        let Some(items) = list_items(&list) else {
            return Err(type_error(
                Span::default(),
                format!("`in` needs a list, got {}", describe(cx.g, &list)),
                "a list",
            ));
        };
        let mut row = cx.row.to_vec();
        if row.len() <= self.slot {
            row.resize(self.slot + 1, Cell::NULL);
        }
        let mut out = Vec::new();
        let (mut yes, mut unknown) = (0usize, 0usize);
        for item in items {
            row[self.slot] = item.clone();
            let inner = Ctx {
                g: cx.g,
                view: cx.view,
                row: &row,
                aggs: cx.aggs,
                cols: cx.cols,
                work: cx.work,
            };
            let keep = match &self.filter {
                Some(f) => truth(&f.eval(&inner)?),
                None if self.quant.is_some() => truth(&item),
                None => Some(true),
            };
            match keep {
                Some(true) => {
                    yes += 1;
                    if self.quant.is_none() {
                        out.push(match &self.map {
                            Some(m) => m.eval(&inner)?,
                            None => item,
                        });
                    }
                }
                None => unknown += 1,
                Some(false) => {}
            }
        }
        let Some(q) = self.quant else {
            return Ok(Cell::List(out));
        };
        let total = out.len().max(yes + unknown);
        let _ = total;
        // Three-valued: an unknown element may go either way.
        let answer = match q {
            Quantifier::Any => {
                if yes > 0 {
                    Some(true)
                } else if unknown > 0 {
                    None
                } else {
                    Some(false)
                }
            }
            Quantifier::None => {
                if yes > 0 {
                    Some(false)
                } else if unknown > 0 {
                    None
                } else {
                    Some(true)
                }
            }
            Quantifier::All => {
                let n = list_items(&list).map_or(0, |l| l.len());
                let no = n - yes - unknown;
                if no > 0 {
                    Some(false)
                } else if unknown > 0 {
                    None
                } else {
                    Some(true)
                }
            }
            Quantifier::Single => {
                if yes > 1 {
                    Some(false)
                } else if unknown > 0 {
                    None
                } else {
                    Some(yes == 1)
                }
            }
        };
        Ok(bool_cell(answer))
    }
}
