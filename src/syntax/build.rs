//! Pest pairs -> typed AST. The grammar fixes the shape of the pairs, so
//! this walks them without backtracking; what the grammar cannot check
//! (escapes, number ranges, duplicate clauses, quantifier bounds, depth of
//! operator chains) is checked here, with spans into the whole source.

use super::ast::*;
use super::grammar::{PRATT, Rule};
use super::lexer::{MAX_DEPTH, too_deep};
use crate::diag::{Diagnostic, Span};
use pest::iterators::Pair;

type P<'i> = Pair<'i, Rule>;
type Result<T> = std::result::Result<T, Diagnostic>;

/// Builds AST nodes from pairs parsed out of a text that starts at
/// `offset` in the whole source.
pub(crate) struct Builder {
    /// Byte offset of the parsed text in the whole source.
    pub offset: usize,
}

/// The error for a pair shape the grammar rules out (a bug, not bad input).
fn internal(what: &str, span: Span) -> Diagnostic {
    Diagnostic::new("E0101", format!("internal parser error: {what}"))
        .at(span)
        .help("this is a bug in Faultline; please report it with the statement")
}

/// The first inner pair, which the grammar guarantees.
fn first<'i>(pair: &P<'i>) -> Option<P<'i>> {
    pair.clone().into_inner().next()
}

/// Sets an optional clause once; a second one is an error.
fn once<T>(slot: &mut Option<T>, value: T, span: Span, what: &str) -> Result<()> {
    if slot.is_some() {
        return Err(Diagnostic::new("E0101", format!("`{what}` given twice"))
            .at(span)
            .help(format!("give `{what}` at most once")));
    }
    *slot = Some(value);
    Ok(())
}

impl Builder {
    fn span(&self, pair: &P<'_>) -> Span {
        let s = pair.as_span();
        Span::new(s.start() + self.offset, s.end() + self.offset)
    }

    fn first<'i>(&self, pair: &P<'i>) -> Result<P<'i>> {
        first(pair).ok_or_else(|| internal("empty rule", self.span(pair)))
    }

    fn find<'i>(&self, pair: &P<'i>, rule: Rule) -> Result<P<'i>> {
        pair.clone()
            .into_inner()
            .find(|p| p.as_rule() == rule)
            .ok_or_else(|| internal("missing part", self.span(pair)))
    }

    /// A `statement` pair.
    pub(crate) fn statement(&self, pair: P<'_>) -> Result<Statement> {
        // A trailing repetition (`via ...*`) may leave whitespace in the pair.
        let span = self.span(&pair);
        let span = Span::new(span.start, span.start + pair.as_str().trim_end().len());
        let inner = self.first(&pair)?;
        let kind = match inner.as_rule() {
            Rule::match_stmt => StatementKind::Match(self.match_stmt(inner)?),
            Rule::path_stmt => StatementKind::Path(self.path_stmt(inner)?),
            Rule::upstream_stmt => StatementKind::Upstream(self.trace_stmt(inner)?),
            Rule::downstream_stmt => StatementKind::Downstream(self.trace_stmt(inner)?),
            Rule::exposure_stmt => StatementKind::Exposure(self.exposure_stmt(inner)?),
            Rule::chokepoints_stmt => StatementKind::Chokepoints(self.chokepoints_stmt(inner)?),
            Rule::impact_stmt => StatementKind::Impact(self.exposure_stmt(inner)?),
            Rule::scenario_stmt => StatementKind::Scenario(self.scenario_stmt(inner)?),
            Rule::with_stmt => {
                let (scenario, substituting, body) = self.scoped(inner)?;
                StatementKind::With {
                    scenario,
                    substituting,
                    body,
                }
            }
            Rule::compare_stmt => {
                let (scenario, substituting, body) = self.scoped(inner)?;
                StatementKind::Compare {
                    scenario,
                    substituting,
                    body,
                }
            }
            Rule::at_stmt => {
                let dates = self.dates(&inner)?;
                let body = Box::new(self.statement(self.find(&inner, Rule::statement)?)?);
                let [date] = <[DateLit; 1]>::try_from(dates)
                    .map_err(|_| internal("`at` without one date", span))?;
                StatementKind::At { date, body }
            }
            Rule::compare_at_stmt => {
                let dates = self.dates(&inner)?;
                let body = Box::new(self.statement(self.find(&inner, Rule::statement)?)?);
                let [before, after] = <[DateLit; 2]>::try_from(dates)
                    .map_err(|_| internal("`compare at` without two dates", span))?;
                StatementKind::CompareAt {
                    before,
                    after,
                    body,
                }
            }
            Rule::changes_stmt => {
                let dates = self.dates(&inner)?;
                let of = self.nodesets(&inner)?.pop();
                let [from, to] = <[DateLit; 2]>::try_from(dates)
                    .map_err(|_| internal("`changes` without two dates", span))?;
                StatementKind::Changes { from, to, of }
            }
            Rule::show_stmt => {
                StatementKind::Show(self.nodeset(self.find(&inner, Rule::nodeset)?)?)
            }
            Rule::schema_stmt => StatementKind::Schema,
            Rule::stats_stmt => StatementKind::Stats,
            Rule::export_stmt => StatementKind::Export(self.export_stmt(inner)?),
            Rule::cypher_stmt => self.cypher_stmt(inner)?,
            _ => return Err(internal("unknown statement", span)),
        };
        Ok(Statement { kind, span })
    }

    // ------------------------------------------------------------ match

    fn match_stmt(&self, pair: P<'_>) -> Result<MatchStmt> {
        let span = self.span(&pair);
        let mut patterns = Vec::new();
        let mut filter = None;
        let mut ret = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::pattern => patterns.push(self.pattern(p)?),
                Rule::where_clause => filter = Some(self.expr(self.find(&p, Rule::expr)?)?),
                Rule::return_clause => ret = Some(self.return_clause(p)?),
                _ => {}
            }
        }
        let ret = ret.ok_or_else(|| internal("match without return", span))?;
        Ok(MatchStmt {
            patterns,
            filter,
            ret,
        })
    }

    fn return_clause(&self, pair: P<'_>) -> Result<Return> {
        let mut ret = Return {
            distinct: false,
            star: false,
            items: Vec::new(),
            order: Vec::new(),
            skip: None,
            limit: None,
        };
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::kw_distinct => ret.distinct = true,
                Rule::return_star => ret.star = true,
                Rule::return_item => {
                    let expr = self.expr(self.find(&p, Rule::expr)?)?;
                    let alias = p
                        .into_inner()
                        .find(|a| a.as_rule() == Rule::var_name)
                        .map(|a| self.ident(&a));
                    ret.items.push(ReturnItem { expr, alias });
                }
                Rule::order_clause => {
                    for key in p.into_inner().filter(|k| k.as_rule() == Rule::order_key) {
                        let expr = self.expr(self.find(&key, Rule::expr)?)?;
                        let descending = key.into_inner().any(|k| k.as_rule() == Rule::kw_desc);
                        ret.order.push(OrderKey { expr, descending });
                    }
                }
                Rule::skip_clause => {
                    ret.skip = Some(self.row_count(self.find(&p, Rule::row_count)?, "skip")?)
                }
                Rule::limit_clause => {
                    ret.limit = Some(self.row_count(self.find(&p, Rule::row_count)?, "limit")?)
                }
                _ => {}
            }
        }
        Ok(ret)
    }

    /// A Cypher query; a single `match ... return` is the plain statement.
    fn cypher_stmt(&self, pair: P<'_>) -> Result<StatementKind> {
        let mut parts = Vec::new();
        let mut union_all = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::union_clause => {
                    union_all.push(p.into_inner().any(|k| k.as_rule() == Rule::kw_all))
                }
                Rule::single_query => {
                    let mut clauses = Vec::new();
                    for c in p.into_inner() {
                        clauses.push(self.clause(c)?);
                    }
                    parts.push(clauses);
                }
                _ => {}
            }
        }
        Ok(StatementKind::Query(Query { parts, union_all }))
    }

    fn clause(&self, pair: P<'_>) -> Result<Clause> {
        let span = self.span(&pair);
        Ok(match pair.as_rule() {
            Rule::match_clause => {
                let mut optional = false;
                let mut patterns = Vec::new();
                let mut filter = None;
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::kw_optional => optional = true,
                        Rule::pattern => patterns.push(self.pattern(p)?),
                        Rule::where_clause => filter = Some(self.expr(self.find(&p, Rule::expr)?)?),
                        _ => {}
                    }
                }
                Clause::Match {
                    optional,
                    patterns,
                    filter,
                }
            }
            Rule::unwind_clause => Clause::Unwind {
                expr: self.expr(self.find(&pair, Rule::expr)?)?,
                alias: self.ident(&self.find(&pair, Rule::var_name)?),
            },
            Rule::with_clause => {
                let filter = match pair
                    .clone()
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::where_clause)
                {
                    Some(w) => Some(self.expr(self.find(&w, Rule::expr)?)?),
                    None => None,
                };
                Clause::With {
                    proj: self.return_clause(pair)?,
                    filter,
                }
            }
            Rule::return_clause => Clause::Return(self.return_clause(pair)?),
            _ => return Err(internal("unknown clause", span)),
        })
    }

    /// `skip`/`limit`'s argument: a non-negative integer literal or a parameter.
    fn row_count(&self, pair: P<'_>, keyword: &str) -> Result<Expr> {
        let inner = self.first(&pair)?;
        let span = self.span(&inner);
        let kind = match inner.as_rule() {
            Rule::param => ExprKind::Param(inner.as_str()[1..].to_string()),
            _ => {
                let text = inner.as_str();
                match text.parse::<i64>() {
                    Ok(n) if n >= 0 => ExprKind::Literal(Literal::Int(n)),
                    _ => return Err(bad_count(keyword, text, span, i64::MAX as u64)),
                }
            }
        };
        Ok(Expr { kind, span })
    }

    fn pattern(&self, pair: P<'_>) -> Result<Pattern> {
        let span = self.span(&pair);
        let mut path_var = None;
        let mut start = None;
        let mut steps = Vec::new();
        let mut edge = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::var_name => path_var = Some(self.ident(&p)),
                Rule::edge => edge = Some(self.edge(p)?),
                Rule::node_pattern => {
                    let node = self.node_pattern(p)?;
                    match edge.take() {
                        Some(e) => steps.push((e, node)),
                        None => start = Some(node),
                    }
                }
                _ => {}
            }
        }
        let start = start.ok_or_else(|| internal("pattern without a node", span))?;
        // The pair's span may run on over whitespace after the last node.
        let last = steps.last().map_or(start.span, |(_, n)| n.span);
        let span = Span::new(span.start, last.end);
        Ok(Pattern {
            path_var,
            start,
            steps,
            span,
        })
    }

    fn node_pattern(&self, pair: P<'_>) -> Result<NodePattern> {
        let span = self.span(&pair);
        let mut node = NodePattern {
            var: None,
            kinds: Vec::new(),
            props: Vec::new(),
            filter: None,
            span,
        };
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::var_name => node.var = Some(self.ident(&p)),
                Rule::kind_alts => node.kinds = self.words(p),
                Rule::prop_map => node.props = self.prop_map(p)?,
                Rule::inline_where => node.filter = Some(self.expr(self.find(&p, Rule::expr)?)?),
                _ => {}
            }
        }
        Ok(node)
    }

    fn edge(&self, pair: P<'_>) -> Result<EdgePattern> {
        let span = self.span(&pair);
        let inner = self.first(&pair)?;
        let dir = match inner.as_rule() {
            Rule::edge_in => EdgeDir::In,
            Rule::edge_out => EdgeDir::Out,
            _ => EdgeDir::Either,
        };
        let mut edge = EdgePattern {
            var: None,
            types: Vec::new(),
            quant: None,
            props: Vec::new(),
            dir,
            span,
        };
        if let Some(spec) = inner.into_inner().find(|p| p.as_rule() == Rule::edge_spec) {
            for p in spec.into_inner() {
                match p.as_rule() {
                    Rule::var_name => edge.var = Some(self.ident(&p)),
                    Rule::type_alts => edge.types = self.words(p),
                    Rule::quant => edge.quant = Some(self.quant(&p)?),
                    Rule::prop_map => edge.props = self.prop_map(p)?,
                    _ => {}
                }
            }
        }
        Ok(edge)
    }

    /// `*`, `*N`, `*N..M`, `*..M`, `*N..` (and `*..`, the same as `*`).
    fn quant(&self, pair: &P<'_>) -> Result<Quant> {
        let span = self.span(pair);
        let text = &pair.as_str()[1..];
        let bound = |s: &str| -> Result<Option<u32>> {
            if s.is_empty() {
                return Ok(None);
            }
            s.parse::<u32>()
                .map(Some)
                .map_err(|_| bad_count("*", s, span, u32::MAX as u64))
        };
        let quant = match text.split_once("..") {
            None => match bound(text)? {
                None => Quant { min: 1, max: None },
                Some(n) => Quant {
                    min: n,
                    max: Some(n),
                },
            },
            Some((lo, hi)) => Quant {
                min: bound(lo)?.unwrap_or(1),
                max: bound(hi)?,
            },
        };
        // A minimum above the maximum matches nothing (Cypher's answer);
        // the query compiler warns about it (query::pattern).
        Ok(quant)
    }

    fn prop_map(&self, pair: P<'_>) -> Result<Vec<(Ident, Expr)>> {
        let mut props = Vec::new();
        for entry in pair
            .into_inner()
            .filter(|p| p.as_rule() == Rule::prop_entry)
        {
            let key = self.ident(&self.find(&entry, Rule::word)?);
            props.push((key, self.expr(self.find(&entry, Rule::expr)?)?));
        }
        Ok(props)
    }

    /// The `word`s under a pair (kind, type and `via` lists).
    fn words(&self, pair: P<'_>) -> Vec<Ident> {
        pair.into_inner()
            .filter(|p| p.as_rule() == Rule::word)
            .map(|p| self.ident(&p))
            .collect()
    }

    /// A `word` or `var_name`: backquotes removed, doubled backquotes undone.
    fn ident(&self, pair: &P<'_>) -> Ident {
        let text = pair.as_str();
        let name = match text.strip_prefix('`').and_then(|t| t.strip_suffix('`')) {
            Some(inner) => inner.replace("``", "`"),
            None => text.to_string(),
        };
        Ident {
            name,
            span: self.span(pair),
        }
    }

    // ------------------------------------------------------------ expressions

    /// An `expr` pair, through the Pratt parser.
    pub(crate) fn expr(&self, pair: P<'_>) -> Result<Expr> {
        self.expr_depth(pair).map(|(e, _)| e)
    }

    /// An expression and its depth in operators (leaves are 0), so that no
    /// tree deeper than [`MAX_DEPTH`] is ever built (a long flat chain like
    /// `1 + 1 + ...` nests one level per operator).
    fn expr_depth(&self, pair: P<'_>) -> Result<(Expr, u32)> {
        let mut flat = Vec::new();
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::operand => {
                    for piece in part.into_inner() {
                        match piece.as_rule() {
                            Rule::primary => flat.push(piece),
                            _ => flat.extend(first(&piece)),
                        }
                    }
                }
                _ => flat.extend(first(&part)),
            }
        }
        let deeper = |depth: u32, span: Span| {
            if depth >= MAX_DEPTH {
                Err(too_deep(span))
            } else {
                Ok(depth + 1)
            }
        };
        PRATT
            .map_primary(|p| {
                let paren = p
                    .clone()
                    .into_inner()
                    .next()
                    .is_some_and(|i| i.as_rule() == Rule::paren_expr);
                self.primary(p).map(|(e, d)| (e, d, paren))
            })
            .map_prefix(|op, rhs| {
                let (rhs, d, _) = rhs?;
                let span = self.span(&op).to(rhs.span);
                let unary = if op.as_rule() == Rule::op_not {
                    UnaryOp::Not
                } else {
                    UnaryOp::Neg
                };
                Ok((
                    Expr {
                        kind: ExprKind::Unary(unary, Box::new(rhs)),
                        span,
                    },
                    deeper(d, span)?,
                    false,
                ))
            })
            .map_postfix(|lhs, op| {
                let (lhs, d, _) = lhs?;
                let span = lhs.span.to(self.span(&op));
                let (kind, d) = self.postfix(lhs, op, d)?;
                Ok((Expr { kind, span }, deeper(d, span)?, false))
            })
            .map_infix(|lhs, op, rhs| {
                let ((lhs, dl, lparen), (rhs, dr, _)) = (lhs?, rhs?);
                let span = lhs.span.to(rhs.span);
                let bin = binop(op.as_rule())
                    .ok_or_else(|| internal("unknown operator", self.span(&op)))?;
                // `a < b < c` is `a < b and b < c` (Cypher's chained comparison).
                // A longer chain's left side is the `and` built here.
                let last_comparison = match &lhs.kind {
                    ExprKind::Binary(BinOp::And, _, right) => &right.kind,
                    kind => kind,
                };
                let chained = match last_comparison {
                    ExprKind::Binary(prev, _, middle) if !lparen && is_comparison(*prev) => {
                        is_comparison(bin).then(|| (**middle).clone())
                    }
                    _ => None,
                };
                let kind = match chained {
                    Some(middle) => {
                        let right = Expr {
                            span: middle.span.to(rhs.span),
                            kind: ExprKind::Binary(bin, Box::new(middle), Box::new(rhs)),
                        };
                        ExprKind::Binary(BinOp::And, Box::new(lhs), Box::new(right))
                    }
                    None => ExprKind::Binary(bin, Box::new(lhs), Box::new(rhs)),
                };
                Ok((Expr { kind, span }, deeper(dl.max(dr), span)?, false))
            })
            .parse(flat.into_iter())
            .map(|(e, d, _)| (e, d))
    }

    /// A postfix operator applied to `lhs`: `.key`, `is [not] null`,
    /// `[i]`, `[a..b]`, `:Label`.
    fn postfix(&self, lhs: Expr, op: P<'_>, d: u32) -> Result<(ExprKind, u32)> {
        let lhs = Box::new(lhs);
        Ok(match op.as_rule() {
            Rule::is_null => {
                let negated = op.into_inner().any(|p| p.as_rule() == Rule::kw_not);
                (ExprKind::IsNull { expr: lhs, negated }, d)
            }
            Rule::label_test => (ExprKind::HasLabels(lhs, self.words(op)), d),
            Rule::index_op => {
                let inner = op
                    .into_inner()
                    .find(|p| matches!(p.as_rule(), Rule::slice_range | Rule::expr))
                    .ok_or_else(|| internal("empty subscript", lhs.span))?;
                if inner.as_rule() == Rule::expr {
                    let (i, di) = self.expr_depth(inner)?;
                    (ExprKind::Index(lhs, Box::new(i)), d.max(di))
                } else {
                    let mut from = None;
                    let mut to = None;
                    let mut depth = d;
                    for p in inner.into_inner() {
                        let slot = match p.as_rule() {
                            Rule::slice_from => &mut from,
                            Rule::slice_to => &mut to,
                            _ => continue,
                        };
                        let (e, de) = self.expr_depth(self.find(&p, Rule::expr)?)?;
                        depth = depth.max(de);
                        *slot = Some(Box::new(e));
                    }
                    (ExprKind::Slice(lhs, from, to), depth)
                }
            }
            _ => {
                let name = self.ident(&self.find(&op, Rule::word)?);
                (ExprKind::Prop(lhs, name), d)
            }
        })
    }

    fn primary(&self, pair: P<'_>) -> Result<(Expr, u32)> {
        let inner = self.first(&pair)?;
        let span = self.span(&inner);
        let leaf = |kind| Ok((Expr { kind, span }, 0));
        match inner.as_rule() {
            Rule::literal => leaf(ExprKind::Literal(self.literal(self.first(&inner)?)?)),
            Rule::param => leaf(ExprKind::Param(inner.as_str()[1..].to_string())),
            Rule::var => {
                // The `var` pair runs on over the whitespace before its `!"("` check.
                let name = self.ident(&self.first(&inner)?);
                Ok((
                    Expr {
                        kind: ExprKind::Var(name.name),
                        span: name.span,
                    },
                    0,
                ))
            }
            Rule::count_star => leaf(ExprKind::CountStar),
            Rule::pattern_pred => {
                let pattern = self.pattern(inner)?;
                Ok((
                    Expr {
                        kind: ExprKind::PatternPred(Box::new(pattern)),
                        span,
                    },
                    1,
                ))
            }
            Rule::prop_map => {
                let entries = self.prop_map(inner)?;
                Ok((
                    Expr {
                        kind: ExprKind::Map(entries),
                        span,
                    },
                    1,
                ))
            }
            Rule::case_expr => {
                let mut subject = None;
                let mut whens = Vec::new();
                let mut default = None;
                for p in inner.into_inner() {
                    match p.as_rule() {
                        Rule::expr => subject = Some(Box::new(self.expr(p)?)),
                        Rule::case_when => {
                            let mut es = p.into_inner().filter(|e| e.as_rule() == Rule::expr);
                            let (Some(w), Some(t)) = (es.next(), es.next()) else {
                                return Err(internal("case without then", span));
                            };
                            whens.push((self.expr(w)?, self.expr(t)?));
                        }
                        Rule::case_else => {
                            default = Some(Box::new(self.expr(self.find(&p, Rule::expr)?)?))
                        }
                        _ => {}
                    }
                }
                Ok((
                    Expr {
                        kind: ExprKind::Case {
                            subject,
                            whens,
                            default,
                        },
                        span,
                    },
                    1,
                ))
            }
            Rule::pattern_comp => {
                let mut pattern = None;
                let mut filter = None;
                let mut map = None;
                for p in inner.into_inner() {
                    match p.as_rule() {
                        Rule::comp_pattern => pattern = Some(Box::new(self.pattern(p)?)),
                        Rule::comp_where => {
                            filter = Some(Box::new(self.expr(self.find(&p, Rule::expr)?)?))
                        }
                        Rule::comp_map => {
                            map = Some(Box::new(self.expr(self.find(&p, Rule::expr)?)?))
                        }
                        _ => {}
                    }
                }
                let (Some(pattern), Some(map)) = (pattern, map) else {
                    return Err(internal("pattern comprehension without a pattern", span));
                };
                Ok((
                    Expr {
                        kind: ExprKind::PatternComp {
                            pattern,
                            filter,
                            map,
                        },
                        span,
                    },
                    1,
                ))
            }
            Rule::list_comp | Rule::quantifier => {
                let mut var = None;
                let mut list = None;
                let mut filter = None;
                let mut map = None;
                let mut quant = Quantifier::All;
                for p in inner.clone().into_inner() {
                    match p.as_rule() {
                        Rule::var_name => var = Some(self.ident(&p)),
                        Rule::expr => list = Some(Box::new(self.expr(p)?)),
                        Rule::comp_where => {
                            filter = Some(Box::new(self.expr(self.find(&p, Rule::expr)?)?))
                        }
                        Rule::comp_map => {
                            map = Some(Box::new(self.expr(self.find(&p, Rule::expr)?)?))
                        }
                        Rule::kw_any => quant = Quantifier::Any,
                        Rule::kw_none => quant = Quantifier::None,
                        Rule::kw_single => quant = Quantifier::Single,
                        _ => {}
                    }
                }
                let (Some(var), Some(list)) = (var, list) else {
                    return Err(internal("comprehension without a list", span));
                };
                let kind = if inner.as_rule() == Rule::list_comp {
                    ExprKind::ListComp {
                        var,
                        list,
                        filter,
                        map,
                    }
                } else {
                    ExprKind::Quantified {
                        quant,
                        var,
                        list,
                        filter,
                    }
                };
                Ok((Expr { kind, span }, 1))
            }
            Rule::paren_expr => {
                let (mut e, d) = self.expr_depth(self.find(&inner, Rule::expr)?)?;
                e.span = span;
                Ok((e, d))
            }
            Rule::list => {
                let (items, d) = self.exprs(&inner)?;
                Ok((
                    Expr {
                        kind: ExprKind::List(items),
                        span,
                    },
                    d,
                ))
            }
            Rule::call => {
                let name = self.ident(&self.find(&inner, Rule::func_name)?);
                let distinct = inner
                    .clone()
                    .into_inner()
                    .any(|p| p.as_rule() == Rule::kw_distinct);
                let (args, d) = self.exprs(&inner)?;
                Ok((
                    Expr {
                        kind: ExprKind::Call {
                            name,
                            distinct,
                            args,
                        },
                        span,
                    },
                    d,
                ))
            }
            _ => Err(internal("unknown primary", span)),
        }
    }

    /// The `expr` children of a list or call, and the depth of the whole.
    fn exprs(&self, pair: &P<'_>) -> Result<(Vec<Expr>, u32)> {
        let mut items = Vec::new();
        let mut depth = 0;
        for p in pair
            .clone()
            .into_inner()
            .filter(|p| p.as_rule() == Rule::expr)
        {
            let (e, d) = self.expr_depth(p)?;
            depth = depth.max(d);
            items.push(e);
        }
        if depth >= MAX_DEPTH {
            return Err(too_deep(self.span(pair)));
        }
        Ok((items, depth + 1))
    }

    /// A literal's value (`pair` is the literal's one inner pair).
    pub(crate) fn literal(&self, pair: P<'_>) -> Result<Literal> {
        let span = self.span(&pair);
        let text = pair.as_str();
        Ok(match pair.as_rule() {
            Rule::kw_null => Literal::Null,
            Rule::kw_true => Literal::Bool(true),
            Rule::kw_false => Literal::Bool(false),
            Rule::string => Literal::Str(self.string(&pair)?),
            _ if text.trim_start_matches('-').starts_with("0x")
                || text.trim_start_matches('-').starts_with("0o") =>
            {
                // Cypher's hexadecimal `0x1F` and octal `0o17` integers.
                let (sign, rest) = text.split_at(usize::from(text.starts_with('-')));
                let radix = if rest.starts_with("0x") { 16 } else { 8 };
                match i64::from_str_radix(&format!("{sign}{}", &rest[2..]), radix) {
                    Ok(n) => Literal::Int(n),
                    Err(_) => {
                        return Err(Diagnostic::new("E0102", "integer literal too large")
                            .at(span)
                            .help("integers must fit in 64 bits (-0x8000000000000000 to 0x7FFFFFFFFFFFFFFF)"));
                    }
                }
            }
            _ if text.contains(['.', 'e', 'E']) => match text.parse::<f64>() {
                Ok(f) if f.is_finite() => Literal::Float(f),
                _ => {
                    return Err(Diagnostic::new("E0102", "number literal too large")
                        .at(span)
                        .help("floats must be within about ±1.8e308"));
                }
            },
            _ => match text.parse::<i64>() {
                Ok(n) => Literal::Int(n),
                Err(_) => {
                    return Err(Diagnostic::new("E0102", "integer literal too large")
                        .at(span)
                        .help("integers must fit in 64 bits (-9223372036854775808 to 9223372036854775807); write a float such as 1e20 for larger numbers"));
                }
            },
        })
    }

    /// A string literal's value, escapes resolved.
    fn string(&self, pair: &P<'_>) -> Result<String> {
        let text = pair.as_str();
        let start = self.span(pair).start;
        let body = &text[1..text.len().saturating_sub(1).max(1)];
        let mut out = String::with_capacity(body.len());
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            let escaped = chars.next().map(|(_, e)| e);
            out.push(match escaped {
                Some('"') => '"',
                Some('\'') => '\'',
                Some('\\') => '\\',
                Some('n') => '\n',
                Some('t') => '\t',
                Some('r') => '\r',
                Some('b') => '\u{8}',
                Some('f') => '\u{c}',
                // `\u01FF` (4 hex digits) and `\U0001F600` (8): a code point.
                Some(u @ ('u' | 'U')) => {
                    let digits = if u == 'u' { 4 } else { 8 };
                    let hex: String = chars.clone().take(digits).map(|(_, h)| h).collect();
                    let code = (hex.len() == digits && hex.chars().all(|h| h.is_ascii_hexdigit()))
                        .then(|| u32::from_str_radix(&hex, 16).ok())
                        .flatten()
                        .and_then(char::from_u32);
                    let Some(code) = code else {
                        return Err(Diagnostic::new(
                            "E0101",
                            format!("`\\{u}{hex}` is not a Unicode escape"),
                        )
                        .at(Span::new(start + 1 + i, start + 1 + i + 2 + hex.len()))
                        .expected(format!("`\\{u}` and {digits} hexadecimal digits naming a character")));
                    };
                    for _ in 0..digits {
                        chars.next();
                    }
                    code
                }
                other => {
                    let len = 1 + other.map_or(0, char::len_utf8);
                    let shown: String = other.into_iter().collect();
                    return Err(Diagnostic::new(
                        "E0101",
                        format!("unknown escape `\\{shown}` in a string"),
                    )
                    .at(Span::new(start + 1 + i, start + 1 + i + len))
                    .expected("one of `\\\"`, `\\'`, `\\\\`, `\\n`, `\\t`, `\\r`, `\\b`, `\\f`, `\\uXXXX`")
                    .help("write `\\\\` for a backslash"));
                }
            });
        }
        Ok(out)
    }

    // ------------------------------------------------------------ node sets and analyses

    fn nodeset(&self, pair: P<'_>) -> Result<NodeSet> {
        let span = self.span(&pair);
        let inner = self.first(&pair)?;
        let inner_span = self.span(&inner);
        let kind = match inner.as_rule() {
            Rule::members_of => {
                NodeSetKind::MembersOf(Box::new(self.nodeset(self.find(&inner, Rule::nodeset)?)?))
            }
            Rule::node_pattern => NodeSetKind::Pattern(self.node_pattern(inner)?),
            Rule::string => NodeSetKind::Name(Expr {
                kind: ExprKind::Literal(Literal::Str(self.string(&inner)?)),
                span: inner_span,
            }),
            _ => NodeSetKind::Name(Expr {
                kind: ExprKind::Param(inner.as_str()[1..].to_string()),
                span: inner_span,
            }),
        };
        Ok(NodeSet { kind, span })
    }

    /// The dates of a statement, in order.
    fn dates(&self, pair: &P<'_>) -> Result<Vec<DateLit>> {
        pair.clone()
            .into_inner()
            .filter(|p| p.as_rule() == Rule::date_value)
            .map(|p| {
                let inner = self.first(&p)?;
                let span = self.span(&inner);
                Ok(match inner.as_rule() {
                    Rule::string => DateLit::Text(self.string(&inner)?, span),
                    Rule::param => DateLit::Param(inner.as_str()[1..].to_string(), span),
                    _ => DateLit::Text(inner.as_str().to_string(), span),
                })
            })
            .collect()
    }

    /// The nodesets of a statement or operation, in order.
    fn nodesets(&self, pair: &P<'_>) -> Result<Vec<NodeSet>> {
        pair.clone()
            .into_inner()
            .filter(|p| p.as_rule() == Rule::nodeset)
            .map(|p| self.nodeset(p))
            .collect()
    }

    fn two_nodesets(&self, pair: &P<'_>) -> Result<(NodeSet, NodeSet)> {
        let mut sets = self.nodesets(pair)?.into_iter();
        match (sets.next(), sets.next()) {
            (Some(a), Some(b)) => Ok((a, b)),
            _ => Err(internal("missing node set", self.span(pair))),
        }
    }

    fn one_nodeset(&self, pair: &P<'_>) -> Result<NodeSet> {
        self.nodeset(self.find(pair, Rule::nodeset)?)
    }

    /// The integer after `depth`, `top`, `max` or `k`.
    fn count(&self, clause: &P<'_>, keyword: &str) -> Result<u32> {
        let number = self.find(clause, Rule::count)?;
        let text = number.as_str().trim();
        text.parse::<u32>()
            .map_err(|_| bad_count(keyword, text, self.span(&number), u32::MAX as u64))
    }

    fn path_stmt(&self, pair: P<'_>) -> Result<PathStmt> {
        let (from, to) = self.two_nodesets(&pair)?;
        let mut mode = PathMode::Shortest;
        let mut opts = Options::default();
        let mut max = None;
        let mut undirected = None;
        let mut weighted = None;
        for p in pair.into_inner() {
            let span = self.span(&p);
            match p.as_rule() {
                Rule::path_mode => {
                    mode = match self.first(&p)?.as_rule() {
                        Rule::kw_all => PathMode::All,
                        Rule::kw_k => PathMode::K(self.count(&p, "k")?),
                        _ => PathMode::Shortest,
                    }
                }
                Rule::max_clause => once(&mut max, self.count(&p, "max")?, span, "max")?,
                Rule::kw_undirected => once(&mut undirected, (), span, "undirected")?,
                Rule::weighted_clause => {
                    let by = p
                        .into_inner()
                        .find(|w| w.as_rule() == Rule::word)
                        .map(|w| self.ident(&w));
                    once(&mut weighted, by, span, "weighted")?;
                }
                _ => self.option(&p, &mut opts)?,
            }
        }
        Ok(PathStmt {
            mode,
            from,
            to,
            via: opts.via.unwrap_or_default(),
            max,
            undirected: undirected.is_some(),
            weighted,
        })
    }

    /// Handles the clauses shared by the analyses (`via`, `depth`, `top`).
    fn option(&self, p: &P<'_>, opts: &mut Options) -> Result<()> {
        let span = self.span(p);
        match p.as_rule() {
            Rule::via_clause => once(&mut opts.via, self.words(p.clone()), span, "via"),
            Rule::depth_clause => once(&mut opts.depth, self.count(p, "depth")?, span, "depth"),
            Rule::top_clause => once(&mut opts.top, self.count(p, "top")?, span, "top"),
            Rule::by_scope => {
                let scope = if p
                    .clone()
                    .into_inner()
                    .any(|w| w.as_rule() == Rule::kw_jurisdiction)
                {
                    ByScope::Jurisdiction
                } else {
                    ByScope::Territory
                };
                once(&mut opts.by, scope, span, "by territory|jurisdiction")
            }
            Rule::by_share => once(&mut opts.by_share, (), span, "by share"),
            Rule::excluding_clause => once(&mut opts.excluding, (), span, "excluding members"),
            _ => Ok(()),
        }
    }

    fn options(&self, pair: &P<'_>) -> Result<Options> {
        let mut opts = Options::default();
        for p in pair.clone().into_inner() {
            self.option(&p, &mut opts)?;
        }
        Ok(opts)
    }

    fn trace_stmt(&self, pair: P<'_>) -> Result<TraceStmt> {
        let opts = self.options(&pair)?;
        Ok(TraceStmt {
            of: self.one_nodeset(&pair)?,
            via: opts.via.unwrap_or_default(),
            depth: opts.depth,
        })
    }

    /// `exposure of A to SHOCK ...` and `impact of SHOCK on A ...`.
    fn exposure_stmt(&self, pair: P<'_>) -> Result<ExposureStmt> {
        let opts = self.options(&pair)?;
        let of = self.one_nodeset(&pair)?;
        let to = self.shock_ref(self.find(&pair, Rule::shock_ref)?)?;
        Ok(ExposureStmt {
            of,
            to,
            via: opts.via.unwrap_or_default(),
            depth: opts.depth,
            top: opts.top,
            by: opts.by,
            by_share: opts.by_share.is_some(),
            excluding_members: opts.excluding.is_some(),
        })
    }

    /// A shock: a node set, or a bare scenario name read as its name.
    fn shock_ref(&self, pair: P<'_>) -> Result<NodeSet> {
        let inner = self.first(&pair)?;
        if inner.as_rule() == Rule::nodeset {
            return self.nodeset(inner);
        }
        let name = self.ident(&inner);
        Ok(NodeSet {
            kind: NodeSetKind::Name(Expr {
                kind: ExprKind::Literal(Literal::Str(name.name)),
                span: name.span,
            }),
            span: name.span,
        })
    }

    fn chokepoints_stmt(&self, pair: P<'_>) -> Result<ChokepointsStmt> {
        let opts = self.options(&pair)?;
        let mut kinds = None;
        let mut weighted = None;
        for p in pair.clone().into_inner() {
            let span = self.span(&p);
            match p.as_rule() {
                Rule::kinds_clause => once(&mut kinds, self.words(p.clone()), span, "kinds")?,
                Rule::weighted_clause => {
                    let by = p
                        .clone()
                        .into_inner()
                        .find(|w| w.as_rule() == Rule::word)
                        .map(|w| self.ident(&w));
                    let Some(by) = by else {
                        return Err(Diagnostic::new("E0105", "`weighted` needs a property")
                            .at(span)
                            .expected("`weighted by PROP`"));
                    };
                    once(&mut weighted, by, span, "weighted")?;
                }
                _ => {}
            }
        }
        Ok(ChokepointsStmt {
            of: self.one_nodeset(&pair)?,
            via: opts.via.unwrap_or_default(),
            top: opts.top,
            by: opts.by,
            kinds: kinds.unwrap_or_default(),
            weighted,
            excluding_members: opts.excluding.is_some(),
        })
    }

    // ------------------------------------------------------------ scenarios, exploring

    fn scenario_stmt(&self, pair: P<'_>) -> Result<ScenarioStmt> {
        let name = self.ident(&self.find(&pair, Rule::var_name)?);
        let mut ops = Vec::new();
        for op in pair
            .into_inner()
            .filter(|p| p.as_rule() == Rule::scenario_op)
        {
            let inner = self.first(&op)?;
            ops.push(match inner.as_rule() {
                Rule::remove_op => ScenarioOp::Remove(self.one_nodeset(&inner)?),
                Rule::cut_op => {
                    let (a, b) = self.two_nodesets(&inner)?;
                    ScenarioOp::Cut(a, b, self.op_scope(&inner))
                }
                Rule::decouple_op => {
                    let (a, b) = self.two_nodesets(&inner)?;
                    ScenarioOp::Decouple(a, b, self.op_scope(&inner))
                }
                Rule::shock_op => {
                    let number = self.find(&inner, Rule::number)?;
                    let text = number.as_str().trim();
                    let by = text.parse::<f64>().ok().filter(|f| *f > 0.0 && *f <= 1.0);
                    let Some(by) = by else {
                        return Err(Diagnostic::new(
                            "E0104",
                            format!("`shock ... by {text}`: the severity must be in (0, 1]"),
                        )
                        .at(self.span(&number))
                        .expected("a number in (0, 1], like 0.5"));
                    };
                    ScenarioOp::Shock(self.one_nodeset(&inner)?, by)
                }
                Rule::policy_op => ScenarioOp::Policy(self.one_nodeset(&inner)?),
                Rule::risk_op => ScenarioOp::Risk(self.one_nodeset(&inner)?),
                _ => ScenarioOp::Use(self.ident(&inner)),
            });
        }
        Ok(ScenarioStmt { name, ops })
    }

    /// `by territory|jurisdiction` of a cut or decouple.
    fn op_scope(&self, pair: &P<'_>) -> Option<ByScope> {
        let by = pair
            .clone()
            .into_inner()
            .find(|p| p.as_rule() == Rule::by_scope)?;
        Some(
            if by
                .into_inner()
                .any(|w| w.as_rule() == Rule::kw_jurisdiction)
            {
                ByScope::Jurisdiction
            } else {
                ByScope::Territory
            },
        )
    }

    /// `with NAME [substituting]: STATEMENT` and `compare NAME ...: STATEMENT`.
    fn scoped(&self, pair: P<'_>) -> Result<(Ident, bool, Box<Statement>)> {
        let name = self.ident(&self.find(&pair, Rule::var_name)?);
        let substituting = pair
            .clone()
            .into_inner()
            .any(|p| p.as_rule() == Rule::kw_substituting);
        let body = self.statement(self.find(&pair, Rule::statement)?)?;
        Ok((name, substituting, Box::new(body)))
    }

    fn export_stmt(&self, pair: P<'_>) -> Result<ExportStmt> {
        let mut export = ExportStmt {
            format: ExportFormat::Dot,
            file: String::new(),
            clusters: false,
            layout: None,
            labels: None,
            ended: false,
            from: None,
        };
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::export_format => {
                    export.format = match self.first(&p)?.as_rule() {
                        Rule::kw_json => ExportFormat::Json,
                        Rule::kw_graphml => ExportFormat::Graphml,
                        Rule::kw_svg => ExportFormat::Svg,
                        Rule::kw_png => ExportFormat::Png,
                        Rule::kw_html => ExportFormat::Html,
                        Rule::kw_chart => ExportFormat::Chart,
                        _ => ExportFormat::Dot,
                    }
                }
                Rule::string => export.file = self.string(&p)?,
                Rule::clusters => export.clusters = true,
                Rule::export_layout => export.layout = Some(self.export_layout(&p)?),
                Rule::export_labels => export.labels = Some(self.export_labels(&p)?),
                Rule::show_ended => export.ended = true,
                Rule::statement => export.from = Some(Box::new(self.statement(p)?)),
                _ => {}
            }
        }
        Ok(export)
    }
}

impl Builder {
    /// `layout dot|sfdp|neato`.
    fn export_layout(&self, pair: &P<'_>) -> Result<GraphLayout> {
        let word = self.find(pair, Rule::word)?;
        Ok(match word.as_str().to_ascii_lowercase().as_str() {
            "dot" => GraphLayout::Dot,
            "sfdp" => GraphLayout::Sfdp,
            "neato" => GraphLayout::Neato,
            other => {
                return Err(
                    Diagnostic::new("E0104", format!("unknown layout `{other}`"))
                        .at(self.span(&word))
                        .expected("dot (layered), sfdp (large graphs) or neato"),
                );
            }
        })
    }

    /// `labels on|off`.
    fn export_labels(&self, pair: &P<'_>) -> Result<bool> {
        let word = self.find(pair, Rule::word)?;
        match word.as_str().to_ascii_lowercase().as_str() {
            "on" => Ok(true),
            "off" => Ok(false),
            other => Err(
                Diagnostic::new("E0104", format!("unknown labels setting `{other}`"))
                    .at(self.span(&word))
                    .expected("on or off"),
            ),
        }
    }
}

/// The optional clauses shared by the analysis statements.
#[derive(Default)]
struct Options {
    via: Option<Vec<Ident>>,
    depth: Option<u32>,
    top: Option<u32>,
    by: Option<ByScope>,
    by_share: Option<()>,
    excluding: Option<()>,
}

/// The E0104 error for a count that is not a non-negative integer in range.
fn bad_count(keyword: &str, text: &str, span: Span, max: u64) -> Diagnostic {
    let in_range = text.parse::<u64>().is_ok();
    let message = if in_range {
        format!("`{keyword}` is too large: {text} (at most {max})")
    } else {
        format!("`{keyword}` needs a non-negative integer, found `{text}`")
    };
    Diagnostic::new("E0104", message)
        .at(span)
        .expected(format!("a non-negative integer (0 to {max})"))
}

fn binop(rule: Rule) -> Option<BinOp> {
    Some(match rule {
        Rule::op_or => BinOp::Or,
        Rule::op_xor => BinOp::Xor,
        Rule::op_and => BinOp::And,
        Rule::op_eq => BinOp::Eq,
        Rule::op_ne => BinOp::Ne,
        Rule::op_lt => BinOp::Lt,
        Rule::op_le => BinOp::Le,
        Rule::op_gt => BinOp::Gt,
        Rule::op_ge => BinOp::Ge,
        Rule::op_in => BinOp::In,
        Rule::op_starts_with => BinOp::StartsWith,
        Rule::op_ends_with => BinOp::EndsWith,
        Rule::op_contains => BinOp::Contains,
        Rule::op_regex => BinOp::Regex,
        Rule::op_add => BinOp::Add,
        Rule::op_sub => BinOp::Sub,
        Rule::op_mul => BinOp::Mul,
        Rule::op_div => BinOp::Div,
        Rule::op_mod => BinOp::Mod,
        Rule::op_pow => BinOp::Pow,
        _ => return None,
    })
}

/// `=`, `<>`, `<`, `<=`, `>`, `>=`: the operators Cypher chains.
fn is_comparison(op: BinOp) -> bool {
    matches!(
        op,
        BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
    )
}
