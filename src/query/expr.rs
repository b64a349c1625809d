//! Expressions: compiled from the AST against a scope (variables become
//! slots, parameters constants, aggregates references), then evaluated per
//! binding row. Null follows Cypher: comparisons with null are null, and a
//! filter keeps a row only when its condition is `true`.

use std::sync::Arc;

use indexmap::IndexMap;
use regex::Regex;

use super::scope::{Scope, VarKind, closest};
use crate::analysis::View;
use crate::diag::{Diagnostic, Span};
use crate::limits::Work;
use crate::model::{Graph, NodeId, Value};
use crate::result::Cell;
use crate::syntax::ast::{BinOp, Expr, ExprKind, Literal, UnaryOp};
use crate::syntax::vocab::SCALAR_FUNCTIONS;

/// Parameter values by name (without `$`).
pub type Params = IndexMap<String, Value>;

/// A scalar function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    /// `id(n)`
    Id,
    /// `kind(n)`
    Kind,
    /// `name(n)`
    Name,
    /// `type(r)`
    Type,
    /// `length(p)`
    Length,
    /// `nodes(p)`
    Nodes,
    /// `lower(s)`
    Lower,
    /// `upper(s)`
    Upper,
    /// `coalesce(a, b, ...)`
    Coalesce,
    /// `size(s or list)`
    Size,
    /// `abs(x)`
    Abs,
    /// `round(x [, digits])`
    Round,
    /// `degree(n [, "TYPE"])`
    Degree,
    /// `in_degree(n [, "TYPE"])`
    InDegree,
    /// `out_degree(n [, "TYPE"])`
    OutDegree,
}

impl Func {
    /// Every scalar function, in the order of `vocab::SCALAR_FUNCTIONS`
    /// (which holds their names).
    const ALL: [Func; 15] = [
        Func::Id,
        Func::Kind,
        Func::Name,
        Func::Type,
        Func::Length,
        Func::Nodes,
        Func::Lower,
        Func::Upper,
        Func::Coalesce,
        Func::Size,
        Func::Abs,
        Func::Round,
        Func::Degree,
        Func::InDegree,
        Func::OutDegree,
    ];

    /// The function a (lower-case) name means, with its least and most
    /// arguments.
    fn lookup(name: &str) -> Option<(Func, usize, usize)> {
        let at = SCALAR_FUNCTIONS.iter().position(|f| *f == name)?;
        let func = Func::ALL[at];
        let most = match func {
            Func::Coalesce => usize::MAX,
            Func::Round | Func::Degree | Func::InDegree | Func::OutDegree => 2,
            _ => 1,
        };
        Some((func, 1, most))
    }

    /// The function's name.
    fn name(self) -> &'static str {
        let at = Func::ALL.iter().position(|f| *f == self);
        at.map_or("", |at| SCALAR_FUNCTIONS[at])
    }
}

/// An aggregate function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AggFunc {
    /// `count(*)`
    CountStar,
    /// `count(e)`
    Count,
    /// `sum(e)`
    Sum,
    /// `avg(e)`
    Avg,
    /// `min(e)`
    Min,
    /// `max(e)`
    Max,
    /// `collect(e)`
    Collect,
    /// `percentileDisc(e, p)`: the value at percentile `p` (0..1).
    PercentileDisc,
    /// `percentileCont(e, p)`: interpolated between the nearest values.
    PercentileCont,
}

/// One aggregate of a `return` clause.
#[derive(Clone, Debug)]
pub struct AggSpec {
    /// Which aggregate.
    pub func: AggFunc,
    /// `distinct` inside the call.
    pub distinct: bool,
    /// The argument (none for `count(*)`).
    pub arg: Option<CExpr>,
    /// The percentile of `percentileDisc` / `percentileCont`.
    pub percentile: Option<CExpr>,
    /// Where it was written.
    pub span: Span,
}

/// A compiled expression.
#[derive(Clone, Debug)]
pub enum CExpr {
    /// A constant (literals, parameters).
    Const(Cell),
    /// A variable's slot in the binding row.
    Slot(usize),
    /// A projected column (an alias used in `order by`).
    Column(usize),
    /// An aggregate's value.
    Agg(usize),
    /// `[a, b]`
    List(Vec<CExpr>),
    /// `e.key`
    Prop(Box<CExpr>, Arc<str>, Span),
    /// `not e`
    Not(Box<CExpr>),
    /// `-e`
    Neg(Box<CExpr>, Span),
    /// `a OP b`
    Bin(BinOp, Box<CExpr>, Box<CExpr>, Span),
    /// `a =~ b` with the pattern compiled once when it is constant.
    Regex(Box<CExpr>, Box<CExpr>, Option<Box<Pattern>>, Span),
    /// `e is [not] null`
    IsNull(Box<CExpr>, bool),
    /// A scalar function call.
    Func(Func, Vec<CExpr>, Span),
    /// `{k: e, ...}`
    Map(Vec<(Arc<str>, CExpr)>),
    /// `case ... end`, list comprehensions, quantifiers, subscripts,
    /// label tests and Cypher's functions (see `cypher_expr`).
    Ext(Box<super::cypher_expr::Ext>),
}

/// Compiles expressions in a scope.
pub struct Compiler<'a> {
    /// The statement's variables.
    pub scope: &'a Scope,
    /// Parameter values.
    pub params: &'a Params,
    /// Return aliases visible here (`order by`), by name.
    pub aliases: Option<&'a IndexMap<String, usize>>,
    /// Where aggregates are collected; `None` where they are not allowed.
    pub aggs: Option<&'a mut Vec<AggSpec>>,
}

pub(super) fn type_error(
    span: Span,
    message: impl Into<String>,
    expected: impl Into<String>,
) -> Diagnostic {
    Diagnostic::new("E0301", message)
        .at(span)
        .expected(expected)
}

/// A constant operand of `and`, `or`, `xor`, `not` that is neither a
/// boolean nor null is rejected before anything runs.
fn not_boolean_constant(c: &CExpr, span: Span, op: &str) -> Result<(), Diagnostic> {
    match c {
        CExpr::Const(Cell::Value(Value::Bool(_) | Value::Null)) => Ok(()),
        CExpr::Const(Cell::Value(v)) => Err(type_error(
            span,
            format!("`{op}` needs booleans, got {} {v}", v.type_name()),
            "a boolean or null",
        )),
        CExpr::Map(_) => Err(type_error(
            span,
            format!("`{op}` needs booleans, got a map"),
            "a boolean or null",
        )),
        _ => Ok(()),
    }
}

/// A constant from a literal.
pub fn literal_value(lit: &Literal) -> Value {
    match lit {
        Literal::Null => Value::Null,
        Literal::Bool(b) => Value::Bool(*b),
        Literal::Int(i) => Value::Int(*i),
        Literal::Float(f) => Value::Float(*f),
        Literal::Str(s) => Value::str(s),
    }
}

/// Looks a parameter up; a missing one is error E0205.
pub fn param_value(params: &Params, name: &str, span: Span) -> Result<Value, Diagnostic> {
    params.get(name).cloned().ok_or_else(|| {
        let mut d = Diagnostic::new("E0205", format!("parameter `${name}` is not set"))
            .at(span)
            .expected("a parameter set with `--param NAME=VALUE` or `:param NAME VALUE`");
        if let Some(c) = closest(name, params.keys().map(|s| s.as_str())) {
            d = d.help(format!("did you mean `${c}`?"));
        }
        d
    })
}

impl Compiler<'_> {
    /// Compiles one expression.
    pub fn compile(&mut self, e: &Expr) -> Result<CExpr, Diagnostic> {
        Ok(match &e.kind {
            ExprKind::Literal(lit) => CExpr::Const(Cell::Value(literal_value(lit))),
            ExprKind::Param(name) => {
                CExpr::Const(Cell::Value(param_value(self.params, name, e.span)?))
            }
            ExprKind::List(items) => {
                let items: Result<Vec<CExpr>, Diagnostic> =
                    items.iter().map(|i| self.compile(i)).collect();
                let items = items?;
                if items
                    .iter()
                    .all(|i| matches!(i, CExpr::Const(Cell::Value(_))))
                {
                    let values: Vec<Value> = items
                        .into_iter()
                        .filter_map(|i| match i {
                            CExpr::Const(Cell::Value(v)) => Some(v),
                            _ => None,
                        })
                        .collect();
                    CExpr::Const(Cell::Value(Value::List(values.into())))
                } else {
                    CExpr::List(items)
                }
            }
            ExprKind::Var(name) => {
                if let Some(col) = self.aliases.and_then(|a| a.get(name)) {
                    return Ok(CExpr::Column(*col));
                }
                match self.scope.get(name) {
                    Some((slot, _)) => CExpr::Slot(slot),
                    None => {
                        let mut d = Diagnostic::new("E0203", format!("unknown variable `{name}`"))
                            .at(e.span)
                            .expected("a variable bound in the pattern");
                        let names = self.scope.names().chain(
                            self.aliases
                                .into_iter()
                                .flat_map(|a| a.keys().map(|s| s.as_str())),
                        );
                        if let Some(c) = closest(name, names) {
                            d = d.help(format!("did you mean `{c}`?"));
                        }
                        return Err(d);
                    }
                }
            }
            ExprKind::Prop(target, key) => CExpr::Prop(
                Box::new(self.compile_holder(target)?),
                Arc::from(key.name.as_str()),
                key.span,
            ),
            ExprKind::Unary(UnaryOp::Not, inner) => {
                let inner = self.compile(inner)?;
                not_boolean_constant(&inner, e.span, "not")?;
                CExpr::Not(Box::new(inner))
            }
            ExprKind::Unary(UnaryOp::Neg, inner) => {
                CExpr::Neg(Box::new(self.compile(inner)?), e.span)
            }
            ExprKind::Binary(BinOp::Regex, l, r) => {
                let l = self.compile(l)?;
                let r = self.compile(r)?;
                let cached = match &r {
                    CExpr::Const(Cell::Value(Value::Str(p))) => {
                        Some(Box::new(compile_regex(p, e.span)?))
                    }
                    _ => None,
                };
                CExpr::Regex(Box::new(l), Box::new(r), cached, e.span)
            }
            ExprKind::Binary(op, l, r) => {
                let (l, r) = (self.compile(l)?, self.compile(r)?);
                if matches!(op, BinOp::And | BinOp::Or | BinOp::Xor) {
                    not_boolean_constant(&l, e.span, op.symbol())?;
                    not_boolean_constant(&r, e.span, op.symbol())?;
                }
                CExpr::Bin(*op, Box::new(l), Box::new(r), e.span)
            }
            ExprKind::IsNull { expr, negated } => {
                CExpr::IsNull(Box::new(self.compile(expr)?), *negated)
            }
            ExprKind::CountStar => self.aggregate(AggFunc::CountStar, false, None, None, e.span)?,
            ExprKind::Map(entries) => CExpr::Map(
                entries
                    .iter()
                    .map(|(k, v)| Ok((Arc::from(k.name.as_str()), self.compile(v)?)))
                    .collect::<Result<Vec<_>, Diagnostic>>()?,
            ),
            ExprKind::Case { .. }
            | ExprKind::ListComp { .. }
            | ExprKind::Quantified { .. }
            | ExprKind::Index(..)
            | ExprKind::Slice(..)
            | ExprKind::HasLabels(..)
            | ExprKind::PatternPred(_)
            | ExprKind::PatternComp { .. } => return self.compile_ext(e),
            ExprKind::Call {
                name,
                distinct,
                args,
            } => {
                let lower = name.name.to_lowercase();
                let agg = match lower.as_str() {
                    "count" => Some(AggFunc::Count),
                    "sum" => Some(AggFunc::Sum),
                    "avg" => Some(AggFunc::Avg),
                    "min" => Some(AggFunc::Min),
                    "max" => Some(AggFunc::Max),
                    "collect" => Some(AggFunc::Collect),
                    "percentiledisc" => Some(AggFunc::PercentileDisc),
                    "percentilecont" => Some(AggFunc::PercentileCont),
                    _ => None,
                };
                if let Some(func) = agg {
                    let two = matches!(func, AggFunc::PercentileDisc | AggFunc::PercentileCont);
                    if args.len() != 1 + usize::from(two) {
                        let expected = if two { "two arguments" } else { "one argument" };
                        return Err(Diagnostic::new(
                            "E0306",
                            format!("`{}` takes {expected}", name.name),
                        )
                        .at(e.span)
                        .expected(expected));
                    }
                    return self.aggregate(func, *distinct, Some(&args[0]), args.get(1), e.span);
                }
                if Func::lookup(&lower).is_none()
                    && let Some(f) = super::functions::lookup(&lower)
                {
                    return self.compile_function(f, name, *distinct, args, e.span);
                }
                if let Some(ExprKind::Var(v)) = args.first().map(|a| &a.kind)
                    && self.aliases.is_none_or(|a| !a.contains_key(v))
                    && let Some((_, kind)) = self.scope.get(v)
                    && let Some(expected) = super::checks::wrong_argument(&lower, kind)
                {
                    return Err(type_error(
                        e.span,
                        format!("{lower}() cannot take `{v}`, {}", kind.noun()),
                        expected,
                    ));
                }
                let Some((func, min, max)) = Func::lookup(&lower) else {
                    let mut d =
                        Diagnostic::new("E0204", format!("unknown function `{}`", name.name))
                            .at(name.span)
                            .expected("a function of FQL");
                    if let Some(c) = closest(&lower, crate::syntax::vocab::functions()) {
                        d = d.help(format!("did you mean `{c}`?"));
                    }
                    return Err(d);
                };
                if *distinct {
                    return Err(Diagnostic::new(
                        "E0306",
                        "`distinct` is only allowed in aggregates",
                    )
                    .at(e.span)
                    .expected("an aggregate such as count(distinct x)"));
                }
                if args.len() < min || args.len() > max {
                    let expected = if min == max {
                        format!("{min} argument{}", if min == 1 { "" } else { "s" })
                    } else if max == usize::MAX {
                        format!("at least {min} argument")
                    } else {
                        format!("{min} to {max} arguments")
                    };
                    return Err(Diagnostic::new(
                        "E0306",
                        format!("`{}` takes {expected}, got {}", name.name, args.len()),
                    )
                    .at(e.span)
                    .expected(expected));
                }
                let args: Result<Vec<CExpr>, Diagnostic> =
                    args.iter().map(|a| self.compile(a)).collect();
                CExpr::Func(func, args?, e.span)
            }
        })
    }

    /// The target of `x.key`: a path or a list of edges has no properties
    /// (Cypher rejects `p.name` before anything runs).
    fn compile_holder(&mut self, target: &Expr) -> Result<CExpr, Diagnostic> {
        if let ExprKind::Var(v) = &target.kind
            && self.aliases.is_none_or(|a| !a.contains_key(v))
            && let Some((_, kind @ (VarKind::Path | VarKind::EdgeList))) = self.scope.get(v)
        {
            return Err(type_error(
                target.span,
                format!("`{v}` is {} and has no properties", kind.noun()),
                "a node, an edge or a map",
            ));
        }
        self.compile(target)
    }

    fn aggregate(
        &mut self,
        func: AggFunc,
        distinct: bool,
        arg: Option<&Expr>,
        percentile: Option<&Expr>,
        span: Span,
    ) -> Result<CExpr, Diagnostic> {
        if let Some(r) = arg.and_then(super::checks::random_call) {
            return Err(Diagnostic::new(
                "E0306",
                format!("`{r}` is random: an aggregate cannot read it"),
            )
            .at(r.span)
            .expected("a deterministic expression inside an aggregate")
            .help("compute it with `with ... as x` first, then aggregate `x`"));
        }
        // Aggregates cannot nest: compile the arguments without an aggregate sink.
        let mut inner = Compiler {
            scope: self.scope,
            params: self.params,
            aliases: None,
            aggs: None,
        };
        let arg = arg.map(|a| inner.compile(a)).transpose()?;
        let percentile = percentile.map(|a| inner.compile(a)).transpose()?;
        let Some(aggs) = self.aggs.as_deref_mut() else {
            return Err(Diagnostic::new(
                "E0306",
                "aggregates are only allowed in `return` and `order by`",
            )
            .at(span)
            .expected("a plain expression (aggregates cannot nest or appear in `where`)"));
        };
        aggs.push(AggSpec {
            func,
            distinct,
            arg,
            percentile,
            span,
        });
        Ok(CExpr::Agg(aggs.len() - 1))
    }
}

/// A compiled regular expression and what matching it costs. A match runs
/// first on a lazy DFA that gives up when its cache thrashes (work linear
/// in the input, charged per byte); only then on the regex crate's other
/// engines, charged their worst case (input bytes × NFA states) before
/// they start, since a search cannot be interrupted.
#[derive(Debug)]
pub struct Pattern {
    re: Regex,
    dfa: regex_automata::hybrid::dfa::DFA,
    cache: std::cell::RefCell<regex_automata::hybrid::dfa::Cache>,
    /// States of the Thompson NFA: the worst-case work per input byte.
    states: u64,
}

impl Clone for Pattern {
    fn clone(&self) -> Pattern {
        Pattern {
            re: self.re.clone(),
            dfa: self.dfa.clone(),
            cache: std::cell::RefCell::new(self.dfa.create_cache()),
            states: self.states,
        }
    }
}

/// The compiled size limit of a pattern, and of its lazy DFA cache.
const REGEX_SIZE_LIMIT: usize = 1 << 20;
/// The lazy DFA's cache; when it fills twice with too few bytes searched
/// per state, the search gives up and the worst case is charged.
const REGEX_DFA_CACHE: usize = 256 << 10;
/// How deeply a pattern may nest groups and repetitions.
const REGEX_NEST_LIMIT: u32 = 64;
/// Input bytes × NFA states per budget unit. A unit is about the time of
/// an edge expansion, and the engines do far better than their worst case
/// on most patterns, so this is generous; a pattern with thousands of
/// states over a megabyte still spends the default budget before it runs.
const REGEX_STEPS_PER_UNIT: u64 = 64;

impl Pattern {
    /// Whether the pattern matches `s` whole, after charging the worst-case
    /// cost of the search (it cannot be interrupted once it starts).
    fn is_match(&self, s: &str, work: &Work, span: Span) -> Result<bool, Diagnostic> {
        let len = s.len() as u64;
        let stop = |e| super::interrupted(e, span);
        work.charge(len / 1024).map_err(stop)?;
        let input = regex_automata::Input::new(s).earliest(true);
        let fast = match self.cache.try_borrow_mut() {
            Ok(mut cache) => self.dfa.try_search_fwd(&mut cache, &input).ok(),
            Err(_) => None,
        };
        if let Some(found) = fast {
            return Ok(found.is_some());
        }
        let steps = len.saturating_mul(self.states);
        work.charge(steps / REGEX_STEPS_PER_UNIT).map_err(stop)?;
        Ok(self.re.is_match(s))
    }
}

fn compile_regex(pattern: &str, span: Span) -> Result<Pattern, Diagnostic> {
    let anchored = format!("^(?:{pattern})$");
    let built = regex::RegexBuilder::new(&anchored)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .nest_limit(REGEX_NEST_LIMIT)
        .build()
        .and_then(|re| {
            use regex_automata::hybrid::dfa;
            use regex_automata::nfa::thompson;
            let dfa = dfa::DFA::builder()
                .syntax(regex_automata::util::syntax::Config::new().nest_limit(REGEX_NEST_LIMIT))
                .thompson(thompson::Config::new().nfa_size_limit(Some(REGEX_SIZE_LIMIT)))
                .configure(
                    dfa::DFA::config()
                        .cache_capacity(REGEX_DFA_CACHE)
                        .skip_cache_capacity_check(true)
                        .minimum_cache_clear_count(Some(2))
                        .minimum_bytes_per_state(Some(10)),
                )
                .build(&anchored)
                .map_err(|e| regex::Error::Syntax(e.to_string()))?;
            Ok(Pattern {
                re,
                cache: std::cell::RefCell::new(dfa.create_cache()),
                states: dfa.get_nfa().states().len() as u64,
                dfa,
            })
        });
    built.map_err(|err| {
        // The regex crate's message repeats the pattern over several
        // lines; its last line says what is wrong.
        let text = err.to_string();
        let reason = text
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim();
        let reason = reason.strip_prefix("error: ").unwrap_or(reason);
        Diagnostic::new(
            "E0305",
            format!(
                "invalid regular expression \"{}\": {reason}",
                crate::diag::cut_value(pattern)
            ),
        )
        .at(span)
        .expected("a valid regular expression (Rust regex syntax)")
    })
}

/// What an expression is evaluated against.
pub struct Ctx<'a> {
    /// The graph.
    pub g: &'a Graph,
    /// The scenario view.
    pub view: &'a View,
    /// The binding row (by slot).
    pub row: &'a [Cell],
    /// Aggregate values (return clause).
    pub aggs: &'a [Cell],
    /// Projected columns (order by).
    pub cols: &'a [Cell],
    /// The statement's budget: work an expression does beyond a constant
    /// (compiling a pattern that differs per row) is charged here.
    pub work: &'a Work,
}

/// What compiling a regular expression costs, in budget units: about the
/// time of a thousand edge expansions.
const REGEX_COMPILE_UNITS: u64 = 1000;
/// How many compiled per-row patterns are kept (per thread). A compiled
/// pattern may take up to the 1 MB size limit, so the cache stays small.
const REGEX_CACHE: usize = 256;

thread_local! {
    /// Patterns that are not constants (`a.name =~ b.pattern`) are compiled
    /// per row; rows often repeat them.
    static PATTERNS: std::cell::RefCell<std::collections::HashMap<String, Pattern>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// Whether `s` matches the per-row pattern `p`, compiling it (charged) when
/// it is not cached.
fn dynamic_match(p: &str, s: &str, span: Span, work: &Work) -> Result<bool, Diagnostic> {
    if let Some(hit) = PATTERNS.with(|c| c.borrow().get(p).map(|re| re.is_match(s, work, span))) {
        return hit;
    }
    work.charge(REGEX_COMPILE_UNITS)
        .map_err(|e| super::interrupted(e, span))?;
    let re = compile_regex(p, span)?;
    let hit = re.is_match(s, work, span)?;
    PATTERNS.with(|c| {
        let mut cache = c.borrow_mut();
        if cache.len() >= REGEX_CACHE {
            cache.clear();
        }
        cache.insert(p.to_string(), re);
    });
    Ok(hit)
}

/// A string value copied from the graph, a unit charged per KiB.
fn charged_str(s: &str, work: &Work, span: Span) -> Result<Value, Diagnostic> {
    if s.len() >= 1024 {
        work.charge(s.len() as u64 / 1024)
            .map_err(|e| super::interrupted(e, span))?;
    }
    Ok(Value::str(s))
}

pub(super) fn truth(c: &Cell) -> Option<bool> {
    match c {
        Cell::Value(Value::Bool(b)) => Some(*b),
        _ => None,
    }
}

pub(super) fn bool_cell(b: Option<bool>) -> Cell {
    b.map_or(Cell::NULL, |b| Cell::Value(Value::Bool(b)))
}

/// Equality as `=` sees it: `None` when either side is null.
pub fn equals(a: &Cell, b: &Cell) -> Option<bool> {
    if a.is_null() || b.is_null() {
        return None;
    }
    if let (Some(x), Some(y)) = (list_items(a), list_items(b)) {
        // Three-valued, element by element: a false pair decides, a null
        // pair leaves the answer unknown.
        if x.len() != y.len() {
            return Some(false);
        }
        let mut unknown = false;
        for (p, q) in x.iter().zip(&y) {
            match equals(p, q) {
                Some(false) => return Some(false),
                None => unknown = true,
                Some(true) => {}
            }
        }
        return if unknown { None } else { Some(true) };
    }
    Some(match (a, b) {
        (Cell::Value(x), Cell::Value(y)) => x == y,
        (Cell::Node(x), Cell::Node(y)) => x == y,
        (Cell::Edge(x), Cell::Edge(y)) => x == y,
        (Cell::Path(x), Cell::Path(y)) => x == y,
        (Cell::Map(x), Cell::Map(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            let mut unknown = false;
            for (k, v) in x {
                let Some((_, w)) = y.iter().find(|(l, _)| l == k) else {
                    return Some(false);
                };
                match equals(v, w) {
                    Some(false) => return Some(false),
                    None => unknown = true,
                    Some(true) => {}
                }
            }
            return if unknown { None } else { Some(true) };
        }
        _ => false,
    })
}

/// A boolean operand of `and`, `or`, `xor`, `not`: null stays unknown,
/// anything else but a boolean is a type error.
pub(super) fn logic(c: &Cell, span: Span, g: &Graph, op: &str) -> Result<Option<bool>, Diagnostic> {
    match c {
        Cell::Value(Value::Bool(b)) => Ok(Some(*b)),
        c if c.is_null() => Ok(None),
        other => Err(type_error(
            span,
            format!("`{op}` needs booleans, got {}", describe(g, other)),
            "a boolean or null",
        )),
    }
}

pub(super) fn list_items(c: &Cell) -> Option<Vec<Cell>> {
    match c {
        Cell::List(items) => Some(items.clone()),
        Cell::Value(Value::List(items)) => Some(items.iter().cloned().map(Cell::Value).collect()),
        _ => None,
    }
}

pub(super) fn describe(g: &Graph, c: &Cell) -> String {
    match c {
        Cell::Value(Value::Str(s)) => format!("string \"{}\"", crate::diag::cut_value(s)),
        Cell::Value(v) => format!("{} {v}", v.type_name()),
        Cell::Node(n) => format!("node {}", g.node_key(*n)),
        Cell::Edge(_) => "an edge".to_string(),
        Cell::Path(_) => "a path".to_string(),
        Cell::List(_) => "a list".to_string(),
        Cell::Map(_) => "a map".to_string(),
    }
}

impl CExpr {
    /// Evaluates the expression.
    pub fn eval(&self, cx: &Ctx) -> Result<Cell, Diagnostic> {
        Ok(match self {
            CExpr::Const(c) => c.clone(),
            CExpr::Slot(s) => cx.row.get(*s).cloned().unwrap_or(Cell::NULL),
            CExpr::Column(i) => cx.cols.get(*i).cloned().unwrap_or(Cell::NULL),
            CExpr::Agg(i) => cx.aggs.get(*i).cloned().unwrap_or(Cell::NULL),
            CExpr::List(items) => {
                let items: Result<Vec<Cell>, Diagnostic> =
                    items.iter().map(|i| i.eval(cx)).collect();
                Cell::List(items?)
            }
            CExpr::Prop(target, key, span) => match target.eval(cx)? {
                Cell::Node(n) => match &**key {
                    "id" => Cell::Value(charged_str(cx.g.node_key(n), cx.work, *span)?),
                    // A node without a name (a Cypher node with no `name`) reads null.
                    "name" if cx.g.node_name(n).is_empty() => {
                        Cell::Value(cx.g.node_prop(n, "name").unwrap_or(Value::Null))
                    }
                    "name" => Cell::Value(charged_str(cx.g.node_name(n), cx.work, *span)?),
                    k => Cell::Value(cx.g.node_prop(n, k).unwrap_or(Value::Null)),
                },
                Cell::Edge(e) => Cell::Value(cx.g.edge_prop(e, key).unwrap_or(Value::Null)),
                Cell::Map(entries) => entries
                    .iter()
                    .find(|(k, _)| **k == **key)
                    .map_or(Cell::NULL, |(_, v)| v.clone()),
                c if c.is_null() => Cell::NULL,
                other => {
                    return Err(type_error(
                        *span,
                        format!("cannot read property `{key}` of {}", describe(cx.g, &other)),
                        "a node or an edge",
                    ));
                }
            },
            CExpr::Not(inner) => {
                bool_cell(logic(&inner.eval(cx)?, Span::default(), cx.g, "not")?.map(|b| !b))
            }
            CExpr::Neg(inner, span) => match inner.eval(cx)? {
                Cell::Value(Value::Int(i)) => {
                    Cell::Value(Value::Int(i.checked_neg().ok_or_else(|| overflow(*span))?))
                }
                Cell::Value(Value::Float(f)) => Cell::Value(Value::Float(-f)),
                c if c.is_null() => Cell::NULL,
                other => {
                    return Err(type_error(
                        *span,
                        format!("cannot negate {}", describe(cx.g, &other)),
                        "a number",
                    ));
                }
            },
            CExpr::IsNull(inner, negated) => {
                Cell::Value(Value::Bool(inner.eval(cx)?.is_null() != *negated))
            }
            CExpr::Regex(l, r, cached, span) => {
                let l = l.eval(cx)?;
                let r = r.eval(cx)?;
                match (&l, &r) {
                    (Cell::Value(Value::Str(s)), Cell::Value(Value::Str(p))) => {
                        let matched = match cached {
                            Some(re) => re.is_match(s, cx.work, *span)?,
                            None => dynamic_match(p, s, *span, cx.work)?,
                        };
                        Cell::Value(Value::Bool(matched))
                    }
                    _ if l.is_null() || r.is_null() => Cell::NULL,
                    _ => {
                        return Err(type_error(
                            *span,
                            "`=~` needs a string and a pattern",
                            "two strings",
                        ));
                    }
                }
            }
            CExpr::Bin(op, l, r, span) => return binary(*op, l, r, *span, cx),
            CExpr::Func(f, args, span) => return call(*f, args, *span, cx),
            CExpr::Map(entries) => Cell::Map(
                entries
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), v.eval(cx)?)))
                    .collect::<Result<Vec<_>, Diagnostic>>()?,
            ),
            CExpr::Ext(ext) => return ext.eval(cx),
        })
    }

    /// Evaluates as a filter: true only when the value is `true`.
    pub fn test(&self, cx: &Ctx) -> Result<bool, Diagnostic> {
        Ok(truth(&self.eval(cx)?) == Some(true))
    }

    /// The slots this expression reads (for pushing filters down).
    pub fn slots(&self, out: &mut Vec<usize>) {
        match self {
            CExpr::Slot(s) => out.push(*s),
            CExpr::Const(_) | CExpr::Column(_) | CExpr::Agg(_) => {}
            CExpr::List(items) | CExpr::Func(_, items, _) => {
                items.iter().for_each(|i| i.slots(out))
            }
            CExpr::Prop(t, _, _) | CExpr::Not(t) | CExpr::Neg(t, _) | CExpr::IsNull(t, _) => {
                t.slots(out)
            }
            CExpr::Bin(_, l, r, _) | CExpr::Regex(l, r, _, _) => {
                l.slots(out);
                r.slots(out);
            }
            CExpr::Map(entries) => entries.iter().for_each(|(_, v)| v.slots(out)),
            CExpr::Ext(ext) => ext.slots(out),
        }
    }
}

pub(super) fn overflow(span: Span) -> Diagnostic {
    Diagnostic::new("E0303", "integer overflow")
        .at(span)
        .expected("a result within 64-bit integers")
}

/// The type error of an operator that cannot take its two operands.
fn operator_mismatch(
    op: BinOp,
    [a, b]: [&Cell; 2],
    span: Span,
    g: &Graph,
    expected: &str,
) -> Diagnostic {
    type_error(
        span,
        format!(
            "operator `{}` cannot take {} and {}",
            op.symbol(),
            describe(g, a),
            describe(g, b)
        ),
        expected,
    )
}

fn binary(op: BinOp, l: &CExpr, r: &CExpr, span: Span, cx: &Ctx) -> Result<Cell, Diagnostic> {
    // Logic is three-valued and short-circuits where the answer is known.
    match op {
        BinOp::And | BinOp::Or => {
            // `and` is decided by a false, `or` by a true; both known and
            // not decisive, they agree; otherwise unknown.
            let decisive = op == BinOp::Or;
            let a = logic(&l.eval(cx)?, span, cx.g, op.symbol())?;
            if a == Some(decisive) {
                return Ok(bool_cell(a));
            }
            let b = logic(&r.eval(cx)?, span, cx.g, op.symbol())?;
            return Ok(bool_cell(match (a, b) {
                (_, Some(y)) if y == decisive => Some(decisive),
                (Some(x), Some(y)) if x == y => Some(x),
                _ => None,
            }));
        }
        BinOp::Xor => {
            let a = logic(&l.eval(cx)?, span, cx.g, "xor")?;
            let b = logic(&r.eval(cx)?, span, cx.g, "xor")?;
            return Ok(bool_cell(a.zip(b).map(|(x, y)| x != y)));
        }
        // Two variables compared (`y <> x` over every row of a match):
        // in place, without copying either cell.
        BinOp::Eq | BinOp::Ne => {
            if let (CExpr::Slot(x), CExpr::Slot(y)) = (l, r)
                && let (Some(a), Some(b)) = (cx.row.get(*x), cx.row.get(*y))
            {
                let eq = equals(a, b);
                return Ok(bool_cell(if op == BinOp::Eq { eq } else { eq.map(|e| !e) }));
            }
        }
        _ => {}
    }
    let a = l.eval(cx)?;
    let b = r.eval(cx)?;
    match op {
        BinOp::Eq => return Ok(bool_cell(equals(&a, &b))),
        BinOp::Ne => return Ok(bool_cell(equals(&a, &b).map(|x| !x))),
        BinOp::In => {
            if b.is_null() {
                return Ok(Cell::NULL);
            }
            // Charged by the list's length, and compared in place: a list
            // of 100,000 items over every row is real work.
            let len = match &b {
                Cell::List(items) => items.len(),
                Cell::Value(Value::List(items)) => items.len(),
                _ => {
                    return Err(type_error(
                        span,
                        format!("`in` needs a list on its right, got {}", describe(cx.g, &b)),
                        "a list",
                    ));
                }
            };
            cx.work
                .charge_scaled(len as u64, 64)
                .map_err(|e| super::interrupted(e, span))?;
            // Three-valued: not found but compared with a null is unknown.
            let mut unknown = false;
            let mut test = |i: &Cell| match equals(&a, i) {
                Some(true) => true,
                None => {
                    unknown = true;
                    false
                }
                Some(false) => false,
            };
            let found = match &b {
                Cell::List(items) => items.iter().any(&mut test),
                Cell::Value(Value::List(items)) => {
                    items.iter().any(|i| test(&Cell::Value(i.clone())))
                }
                _ => false,
            };
            return Ok(bool_cell(if found {
                Some(true)
            } else if unknown {
                None
            } else {
                Some(false)
            }));
        }
        _ => {}
    }
    if a.is_null() || b.is_null() {
        return Ok(Cell::NULL);
    }
    // String and list work is charged by size (a unit per KiB or per 64
    // items), so megabyte values over many rows meet the budget.
    let size = |c: &Cell| match c {
        Cell::Value(Value::Str(s)) => s.len() as u64 / 1024,
        Cell::Value(Value::List(items)) => items.len() as u64 / 64,
        Cell::List(items) => items.len() as u64 / 64,
        _ => 0,
    };
    let units = size(&a) + size(&b);
    if units > 0 {
        cx.work
            .charge(units)
            .map_err(|e| super::interrupted(e, span))?;
    }
    let (Cell::Value(x), Cell::Value(y)) = (&a, &b) else {
        if op == BinOp::Add
            && let (Some(mut p), Some(q)) = (list_items(&a), list_items(&b))
        {
            p.extend(q);
            return Ok(Cell::List(p));
        }
        if op == BinOp::Add
            && let Some(mut p) = list_items(&a)
        {
            p.push(b);
            return Ok(Cell::List(p));
        }
        if op == BinOp::Add
            && let Some(q) = list_items(&b)
        {
            let mut p = vec![a];
            p.extend(q);
            return Ok(Cell::List(p));
        }
        if matches!(
            op,
            BinOp::Lt
                | BinOp::Le
                | BinOp::Gt
                | BinOp::Ge
                | BinOp::StartsWith
                | BinOp::EndsWith
                | BinOp::Contains
        ) {
            return Ok(Cell::NULL);
        }
        return Err(operator_mismatch(
            op,
            [&a, &b],
            span,
            cx.g,
            "values of compatible types",
        ));
    };
    let mismatch = || {
        operator_mismatch(
            op,
            [&a, &b],
            span,
            cx.g,
            match op {
                BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                    "two numbers, two strings, two dates or two booleans"
                }
                BinOp::StartsWith | BinOp::EndsWith | BinOp::Contains => "two strings",
                _ => "two numbers (or strings and lists for `+`)",
            },
        )
    };
    Ok(match op {
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            // Values of different types are not comparable: null, as in Cypher.
            let Some(ord) = compare_values(x, y) else {
                return Ok(Cell::NULL);
            };
            if x.as_f64().is_some_and(f64::is_nan) || y.as_f64().is_some_and(f64::is_nan) {
                return Ok(Cell::Value(Value::Bool(false)));
            }
            Cell::Value(Value::Bool(match op {
                BinOp::Lt => ord.is_lt(),
                BinOp::Le => ord.is_le(),
                BinOp::Gt => ord.is_gt(),
                _ => ord.is_ge(),
            }))
        }
        BinOp::StartsWith | BinOp::EndsWith | BinOp::Contains => match (x, y) {
            (Value::Str(s), Value::Str(t)) => Cell::Value(Value::Bool(match op {
                BinOp::StartsWith => s.starts_with(&**t),
                BinOp::EndsWith => s.ends_with(&**t),
                _ => s.contains(&**t),
            })),
            _ => Cell::NULL,
        },
        _ => Cell::Value(arith(op, x, y, span).ok_or_else(mismatch)??),
    })
}

/// Cypher's comparability: numbers with numbers, strings, dates and
/// booleans with their own type, lists element by element (the first
/// unequal pair decides, an incomparable or null pair gives `None`).
fn compare_values(x: &Value, y: &Value) -> Option<std::cmp::Ordering> {
    match (x, y) {
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_))
        | (Value::Str(_), Value::Str(_))
        | (Value::Date(_), Value::Date(_))
        | (Value::Bool(_), Value::Bool(_)) => Some(x.sort_cmp(y)),
        (Value::List(a), Value::List(b)) => {
            for (p, q) in a.iter().zip(b.iter()) {
                if p == q && !matches!(p, Value::Null) {
                    continue;
                }
                return compare_values(p, q).filter(|o| o.is_ne());
            }
            Some(a.len().cmp(&b.len()))
        }
        _ => None,
    }
}

/// Arithmetic; `None` for a type mismatch, `Some(Err)` for overflow or
/// division by zero.
fn arith(op: BinOp, x: &Value, y: &Value, span: Span) -> Option<Result<Value, Diagnostic>> {
    Some(match (x, y) {
        (Value::Int(a), Value::Int(b)) => {
            let (a, b) = (*a, *b);
            if matches!(op, BinOp::Div | BinOp::Mod) && b == 0 {
                return Some(Err(Diagnostic::new("E0304", "division by zero")
                    .at(span)
                    .expected("a non-zero divisor")));
            }
            let r = match op {
                BinOp::Add => a.checked_add(b),
                BinOp::Sub => a.checked_sub(b),
                BinOp::Mul => a.checked_mul(b),
                BinOp::Div => a.checked_div(b),
                BinOp::Mod => a.checked_rem(b),
                BinOp::Pow => return Some(Ok(Value::Float((a as f64).powf(b as f64)))),
                _ => return None,
            };
            r.map(Value::Int).ok_or_else(|| overflow(span))
        }
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
            let (a, b) = (x.as_f64()?, y.as_f64()?);
            Ok(Value::Float(match op {
                BinOp::Add => a + b,
                BinOp::Sub => a - b,
                BinOp::Mul => a * b,
                BinOp::Div => a / b,
                BinOp::Mod => a % b,
                BinOp::Pow => a.powf(b),
                _ => return None,
            }))
        }
        (Value::Str(a), Value::Str(b)) if op == BinOp::Add => Ok(Value::str(&format!("{a}{b}"))),
        (Value::List(a), Value::List(b)) if op == BinOp::Add => Ok(Value::List(
            a.iter().chain(b.iter()).cloned().collect::<Vec<_>>().into(),
        )),
        // `list + x` appends, `x + list` prepends.
        (Value::List(a), _) if op == BinOp::Add => Ok(Value::List(
            a.iter().chain([y]).cloned().collect::<Vec<_>>().into(),
        )),
        (_, Value::List(b)) if op == BinOp::Add => Ok(Value::List(
            [x].into_iter()
                .chain(b.iter())
                .cloned()
                .collect::<Vec<_>>()
                .into(),
        )),
        _ => return None,
    })
}

fn call(f: Func, args: &[CExpr], span: Span, cx: &Ctx) -> Result<Cell, Diagnostic> {
    if f == Func::Coalesce {
        for a in args {
            let v = a.eval(cx)?;
            if !v.is_null() {
                return Ok(v);
            }
        }
        return Ok(Cell::NULL);
    }
    if matches!(f, Func::Degree | Func::InDegree | Func::OutDegree) {
        // Often run once per node of a large graph: no argument vector,
        // each argument evaluated once.
        let first = args.first().map(|a| a.eval(cx)).transpose()?;
        return match first {
            Some(Cell::Node(n)) => {
                let ty = args.get(1).map(|a| a.eval(cx)).transpose()?;
                degree(f, n, ty.as_ref(), span, cx)
            }
            None => Ok(Cell::NULL),
            Some(c) if c.is_null() => Ok(Cell::NULL),
            Some(other) => Err(type_error(
                span,
                format!("{}() cannot take {}", f.name(), describe(cx.g, &other)),
                "a node",
            )),
        };
    }
    let vals: Result<Vec<Cell>, Diagnostic> = args.iter().map(|a| a.eval(cx)).collect();
    let vals = vals?;
    let first = vals.first().cloned().unwrap_or(Cell::NULL);
    if first.is_null() {
        return Ok(Cell::NULL);
    }
    let g = cx.g;
    let wrong = |expected: &str| {
        type_error(
            span,
            format!("{}() cannot take {}", f.name(), describe(g, &first)),
            expected.to_string(),
        )
    };
    Ok(match (f, &first) {
        (Func::Id, Cell::Node(n)) => Cell::Value(Value::str(g.node_key(*n))),
        (Func::Kind, Cell::Node(n)) => Cell::Value(Value::str(g.node_kind_name(*n))),
        (Func::Name, Cell::Node(n)) => Cell::Value(Value::str(g.node_name(*n))),
        (Func::Id | Func::Kind | Func::Name, _) => return Err(wrong("a node")),
        (Func::Type, Cell::Edge(e)) => Cell::Value(Value::str(g.edge_type_name(g.edge_type(*e)))),
        (Func::Type, _) => return Err(wrong("an edge")),
        (Func::Length, Cell::Path(p)) => Cell::Value(Value::Int(p.len() as i64)),
        (Func::Length, c) => match list_items(c) {
            Some(items) => Cell::Value(Value::Int(items.len() as i64)),
            None => return Err(wrong("a path or a list")),
        },
        (Func::Nodes, Cell::Path(p)) => {
            Cell::List(p.nodes.iter().map(|n| Cell::Node(*n)).collect())
        }
        (Func::Nodes, _) => return Err(wrong("a path")),
        (Func::Lower, Cell::Value(Value::Str(s))) => Cell::Value(Value::str(&s.to_lowercase())),
        (Func::Upper, Cell::Value(Value::Str(s))) => Cell::Value(Value::str(&s.to_uppercase())),
        (Func::Lower | Func::Upper, _) => return Err(wrong("a string")),
        (Func::Size, Cell::Value(Value::Str(s))) => {
            Cell::Value(Value::Int(s.chars().count() as i64))
        }
        (Func::Size, c) => match list_items(c) {
            Some(items) => Cell::Value(Value::Int(items.len() as i64)),
            None => return Err(wrong("a string or a list")),
        },
        (Func::Abs, Cell::Value(Value::Int(i))) => {
            Cell::Value(Value::Int(i.checked_abs().ok_or_else(|| overflow(span))?))
        }
        (Func::Abs, Cell::Value(Value::Float(x))) => Cell::Value(Value::Float(x.abs())),
        (Func::Round, Cell::Value(v @ (Value::Int(_) | Value::Float(_)))) => {
            let digits = match vals.get(1) {
                None => 0,
                Some(Cell::Value(Value::Int(d))) if (0..=15).contains(d) => *d as i32,
                Some(_) => {
                    return Err(type_error(
                        span,
                        "round's second argument must be digits 0..15",
                        "an integer 0..15",
                    ));
                }
            };
            match v {
                Value::Int(i) => Cell::Value(Value::Int(*i)),
                _ => {
                    let x = v.as_f64().unwrap_or(0.0);
                    let scale = 10f64.powi(digits);
                    let scaled = x * scale;
                    // Past 2^53 a float has no fraction left to round (and
                    // scaling it could overflow to infinity).
                    Cell::Value(Value::Float(if scaled.abs() < 9.0e15 {
                        scaled.round() / scale
                    } else {
                        x
                    }))
                }
            }
        }
        (Func::Abs | Func::Round, _) => return Err(wrong("a number")),
        // Handled above, before the arguments are collected.
        (Func::Degree | Func::InDegree | Func::OutDegree, _) => return Err(wrong("a node")),
        (Func::Coalesce, _) => first,
    })
}

/// `degree(n [, type])` and its in/out variants.
fn degree(f: Func, n: NodeId, ty: Option<&Cell>, span: Span, cx: &Ctx) -> Result<Cell, Diagnostic> {
    let g = cx.g;
    let ty = match ty {
        None => None,
        Some(Cell::Value(Value::Str(t))) => match g.edge_type_id(t) {
            Some(t) => Some(t),
            None => return Ok(Cell::Value(Value::Int(0))),
        },
        Some(_) => {
            return Err(type_error(
                span,
                "the edge type must be a string",
                "a string such as \"SUPPLIES\"",
            ));
        }
    };
    // One lookup per node: the graph's per-type counts under the full
    // view, the view's own counts otherwise.
    let count = |incoming: bool| cx.view.degree(g, n, incoming, ty) as i64;
    let d = match f {
        Func::InDegree => count(true),
        Func::OutDegree => count(false),
        _ => count(true) + count(false),
    };
    Ok(Cell::Value(Value::Int(d)))
}

#[cfg(test)]
mod vocab_tests {
    use super::Func;

    #[test]
    fn every_scalar_function_of_the_vocabulary_is_known() {
        for f in crate::syntax::vocab::SCALAR_FUNCTIONS {
            let (func, ..) = Func::lookup(f).expect("a function of the vocabulary");
            assert_eq!(func.name(), f);
        }
    }
}
