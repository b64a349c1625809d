//! The typed, spanned syntax tree of FQL. The parser builds it; nothing
//! above `syntax` ever sees pest pairs. Every node's `Display` (in
//! `print.rs`) prints valid FQL, so parse -> print -> parse is testable.

use crate::diag::Span;

/// A name as written, with where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    /// The text (case preserved).
    pub name: String,
    /// Where.
    pub span: Span,
}

/// One statement of a script.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    /// What it is.
    pub kind: StatementKind,
    /// The whole statement's text range (without the `;`).
    pub span: Span,
}

/// The statements of FQL.
#[derive(Clone, Debug, PartialEq)]
pub enum StatementKind {
    /// `match ... return ...`
    Match(MatchStmt),
    /// `path ...`
    Path(PathStmt),
    /// `upstream of ...`
    Upstream(TraceStmt),
    /// `downstream of ...`
    Downstream(TraceStmt),
    /// `exposure of ... to ...`
    Exposure(ExposureStmt),
    /// `chokepoints of ...`
    Chokepoints(ChokepointsStmt),
    /// `impact of SHOCK on ...` (an exposure written the other way round)
    Impact(ExposureStmt),
    /// `scenario NAME = OP, ...`
    Scenario(ScenarioStmt),
    /// `with NAME [substituting]: STATEMENT`
    With {
        /// The scenario's name.
        scenario: Ident,
        /// `substituting`: the scenario's lost arcs are re-weighed away.
        substituting: bool,
        /// The statement run under the scenario's view.
        body: Box<Statement>,
    },
    /// `compare NAME [substituting]: exposure ...`
    Compare {
        /// The scenario's name.
        scenario: Ident,
        /// `substituting`.
        substituting: bool,
        /// The statement compared (resolution checks it is an `exposure`).
        body: Box<Statement>,
    },
    /// `at DATE: STATEMENT` (time.md)
    At {
        /// The date the statement sees the graph at.
        date: DateLit,
        /// The statement.
        body: Box<Statement>,
    },
    /// `compare at DATE1 and DATE2: exposure ... | chokepoints ...`
    CompareAt {
        /// The first date (`before`).
        before: DateLit,
        /// The second date (`after`).
        after: DateLit,
        /// The statement compared.
        body: Box<Statement>,
    },
    /// `changes between DATE1 and DATE2 [of NODESET]`
    Changes {
        /// The start of the window.
        from: DateLit,
        /// The end of the window.
        to: DateLit,
        /// Only changes touching these nodes.
        of: Option<NodeSet>,
    },
    /// `show NODESET`
    Show(NodeSet),
    /// `schema`
    Schema,
    /// `stats`
    Stats,
    /// `export FORMAT "FILE" [with clusters] [from STATEMENT]`
    Export(ExportStmt),
    /// A Cypher query of several clauses (`unwind`, `with`, `optional
    /// match`, `union`, a `return` alone).
    Query(Query),
}

/// A read-only Cypher query: parts joined by `union [all]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    /// The parts, each ending in `return`.
    pub parts: Vec<Vec<Clause>>,
    /// Between part `i` and `i + 1`: `union all` (true) or `union` (false).
    pub union_all: Vec<bool>,
}

/// One clause of a Cypher query.
#[derive(Clone, Debug, PartialEq)]
pub enum Clause {
    /// `[optional] match PATTERN, ... [where EXPR]`
    Match {
        /// `optional match`.
        optional: bool,
        /// The patterns.
        patterns: Vec<Pattern>,
        /// The `where` clause.
        filter: Option<Expr>,
    },
    /// `unwind EXPR as NAME`
    Unwind {
        /// The list.
        expr: Expr,
        /// The variable.
        alias: Ident,
    },
    /// `with ITEMS [order by ...] [skip] [limit] [where EXPR]`
    With {
        /// The projection.
        proj: Return,
        /// The filter on the projected rows.
        filter: Option<Expr>,
    },
    /// `return ...`
    Return(Return),
}

/// A date as written: `2022-10-07` (unquoted), a string or a parameter;
/// checked against the calendar when the statement runs.
#[derive(Clone, Debug, PartialEq)]
pub enum DateLit {
    /// An unquoted date or a string: its text, and where it is.
    Text(String, Span),
    /// A `$parameter` (its name without `$`), and where it is.
    Param(String, Span),
}

impl DateLit {
    /// Where the date is written.
    pub fn span(&self) -> Span {
        match self {
            DateLit::Text(_, s) | DateLit::Param(_, s) => *s,
        }
    }
}

/// `match PATTERN, ... [where EXPR] return ...`
#[derive(Clone, Debug, PartialEq)]
pub struct MatchStmt {
    /// The comma-separated patterns.
    pub patterns: Vec<Pattern>,
    /// The `where` clause.
    pub filter: Option<Expr>,
    /// The `return` clause.
    pub ret: Return,
}

/// `return [distinct] ITEM, ... [order by ...] [skip N] [limit N]`
#[derive(Clone, Debug, PartialEq)]
pub struct Return {
    /// `distinct` given.
    pub distinct: bool,
    /// `*` given: every variable in scope, then the items.
    pub star: bool,
    /// The returned items.
    pub items: Vec<ReturnItem>,
    /// `order by` keys, in order.
    pub order: Vec<OrderKey>,
    /// `skip N` (an integer literal or parameter).
    pub skip: Option<Expr>,
    /// `limit N` (an integer literal or parameter).
    pub limit: Option<Expr>,
}

/// `EXPR [as alias]`
#[derive(Clone, Debug, PartialEq)]
pub struct ReturnItem {
    /// The expression.
    pub expr: Expr,
    /// The alias, if any.
    pub alias: Option<Ident>,
}

/// `EXPR [asc|desc]`
#[derive(Clone, Debug, PartialEq)]
pub struct OrderKey {
    /// The sort key.
    pub expr: Expr,
    /// `desc` given.
    pub descending: bool,
}

/// `[p =] NODE (EDGE NODE)*`
#[derive(Clone, Debug, PartialEq)]
pub struct Pattern {
    /// The path variable, if any (`p = ...`).
    pub path_var: Option<Ident>,
    /// The first node.
    pub start: NodePattern,
    /// The following (edge, node) steps.
    pub steps: Vec<(EdgePattern, NodePattern)>,
    /// The whole pattern.
    pub span: Span,
}

/// `(var:Kind|Kind {k: v, ...} where EXPR)`
#[derive(Clone, Debug, PartialEq)]
pub struct NodePattern {
    /// The variable, if any.
    pub var: Option<Ident>,
    /// Kind alternatives (empty: any kind).
    pub kinds: Vec<Ident>,
    /// Property map; `id` and `name` mean the node's own.
    pub props: Vec<(Ident, Expr)>,
    /// Inline `where`.
    pub filter: Option<Expr>,
    /// The whole node pattern, parentheses included.
    pub span: Span,
}

/// Which way an edge pattern points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeDir {
    /// `-[...]->` / `-->`
    Out,
    /// `<-[...]-` / `<--`
    In,
    /// `-[...]-` / `--`
    Either,
}

/// `-[var:TYPE|TYPE *1..3 {k: v}]->`
#[derive(Clone, Debug, PartialEq)]
pub struct EdgePattern {
    /// The variable, if any.
    pub var: Option<Ident>,
    /// Type alternatives (empty: any type).
    pub types: Vec<Ident>,
    /// Variable length, if given.
    pub quant: Option<Quant>,
    /// Property map.
    pub props: Vec<(Ident, Expr)>,
    /// Direction.
    pub dir: EdgeDir,
    /// The whole edge pattern.
    pub span: Span,
}

/// A variable-length quantifier: `*` is 1.., `*N` is N..N, `*N..M`, `*..M`
/// is 1..M, `*N..` is N.. (unbounded).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quant {
    /// Fewest hops.
    pub min: u32,
    /// Most hops; `None` is unbounded.
    pub max: Option<u32>,
}

/// An expression with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where.
    pub span: Span,
}

/// A literal value.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// An integer that fits i64.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string, escapes resolved.
    Str(String),
}

/// Unary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    /// `not`
    Not,
    /// `-`
    Neg,
}

/// Binary operators, loosest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// `or`
    Or,
    /// `xor`
    Xor,
    /// `and`
    And,
    /// `=`
    Eq,
    /// `<>`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `in`
    In,
    /// `starts with`
    StartsWith,
    /// `ends with`
    EndsWith,
    /// `contains`
    Contains,
    /// `=~`
    Regex,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Mod,
    /// `^`
    Pow,
}

/// `all`, `any`, `none`, `single`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantifier {
    /// Every element.
    All,
    /// At least one.
    Any,
    /// No element.
    None,
    /// Exactly one.
    Single,
}

/// Expression forms.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A literal.
    Literal(Literal),
    /// `[e, ...]`
    List(Vec<Expr>),
    /// `$name`
    Param(String),
    /// A variable.
    Var(String),
    /// `e.prop`
    Prop(Box<Expr>, Ident),
    /// `not e`, `-e`
    Unary(UnaryOp, Box<Expr>),
    /// `a OP b`
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `e is null` / `e is not null`
    IsNull {
        /// The tested expression.
        expr: Box<Expr>,
        /// `is not null`.
        negated: bool,
    },
    /// A function or aggregate call: `lower(x)`, `count(distinct x)`.
    Call {
        /// The function's name as written (matched case-insensitively).
        name: Ident,
        /// `distinct` inside the parentheses.
        distinct: bool,
        /// The arguments.
        args: Vec<Expr>,
    },
    /// `count(*)`
    CountStar,
    /// `{k: e, ...}`
    Map(Vec<(Ident, Expr)>),
    /// `case [subject] when ... then ... [else ...] end`
    Case {
        /// The value compared with each `when` (simple form).
        subject: Option<Box<Expr>>,
        /// `when` / `then` pairs.
        whens: Vec<(Expr, Expr)>,
        /// `else`.
        default: Option<Box<Expr>>,
    },
    /// `[x in list where p | e]`
    ListComp {
        /// The element variable.
        var: Ident,
        /// The list.
        list: Box<Expr>,
        /// `where p`.
        filter: Option<Box<Expr>>,
        /// `| e`.
        map: Option<Box<Expr>>,
    },
    /// `all(x in list where p)` and the other quantifiers.
    Quantified {
        /// Which quantifier.
        quant: Quantifier,
        /// The element variable.
        var: Ident,
        /// The list.
        list: Box<Expr>,
        /// The predicate (`None`: the element itself).
        filter: Option<Box<Expr>>,
    },
    /// `e[i]`
    Index(Box<Expr>, Box<Expr>),
    /// `e[a..b]`
    Slice(Box<Expr>, Option<Box<Expr>>, Option<Box<Expr>>),
    /// `n:A:B`
    HasLabels(Box<Expr>, Vec<Ident>),
    /// `(a)-[:T]->(b)` as a condition: whether it matches.
    PatternPred(Box<Pattern>),
    /// `[p = (a)-->(b) where q | e]`: `e` for each match, in a list.
    PatternComp {
        /// The pattern (its path variable included).
        pattern: Box<Pattern>,
        /// `where q`.
        filter: Option<Box<Expr>>,
        /// `| e`.
        map: Box<Expr>,
    },
}

/// A NODESET (spec: *Node sets*).
#[derive(Clone, Debug, PartialEq)]
pub struct NodeSet {
    /// What it is.
    pub kind: NodeSetKind,
    /// Where.
    pub span: Span,
}

/// The forms of a node set.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeSetKind {
    /// `"TSMC"` or `$param`: one node by id, name or alias.
    Name(Expr),
    /// `(f:Firm {...} where ...)`
    Pattern(NodePattern),
    /// `members of NODESET`
    MembersOf(Box<NodeSet>),
}

/// `path [shortest|all|k N] from A to B [via T|...] [max N] [undirected] [weighted [by PROP]]`
#[derive(Clone, Debug, PartialEq)]
pub struct PathStmt {
    /// Which paths.
    pub mode: PathMode,
    /// Sources.
    pub from: NodeSet,
    /// Targets.
    pub to: NodeSet,
    /// `via` types (empty: any type).
    pub via: Vec<Ident>,
    /// `max N`.
    pub max: Option<u32>,
    /// `undirected`.
    pub undirected: bool,
    /// `weighted` (None: not weighted; Some(None): by `cost`; Some(Some(p)): by p).
    pub weighted: Option<Option<Ident>>,
}

/// Path modes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathMode {
    /// One path of fewest hops (or least weight).
    Shortest,
    /// Every simple path up to `max`.
    All,
    /// The N shortest simple paths (extension: `path k N from ...`).
    K(u32),
}

/// `upstream|downstream of NODESET [via ...] [depth N]`
#[derive(Clone, Debug, PartialEq)]
pub struct TraceStmt {
    /// The set traced from.
    pub of: NodeSet,
    /// `via` types.
    pub via: Vec<Ident>,
    /// `depth N`.
    pub depth: Option<u32>,
}

/// `exposure of A to B [via ...] [depth N] [top K]`
#[derive(Clone, Debug, PartialEq)]
pub struct ExposureStmt {
    /// The exposed nodes (a row each).
    pub of: NodeSet,
    /// The target set (closed under membership and impact).
    pub to: NodeSet,
    /// `via` types.
    pub via: Vec<Ident>,
    /// `depth N`.
    pub depth: Option<u32>,
    /// `top K`.
    pub top: Option<u32>,
    /// `by territory|jurisdiction`.
    pub by: Option<ByScope>,
    /// `by share`: v1's reach.
    pub by_share: bool,
    /// `excluding members`.
    pub excluding_members: bool,
}

/// `by territory` or `by jurisdiction`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ByScope {
    /// Where production happens.
    Territory,
    /// Who controls it.
    Jurisdiction,
}

/// `chokepoints of NODESET [by ...] [via ...] [kinds K, ...] [weighted by PROP] [top K]`
#[derive(Clone, Debug, PartialEq)]
pub struct ChokepointsStmt {
    /// The set whose upstream is scored.
    pub of: NodeSet,
    /// `via` types.
    pub via: Vec<Ident>,
    /// `top K` (default 10).
    pub top: Option<u32>,
    /// `by territory|jurisdiction`.
    pub by: Option<ByScope>,
    /// `kinds K1, K2`: candidates of these kinds only.
    pub kinds: Vec<Ident>,
    /// `weighted by PROP`.
    pub weighted: Option<Ident>,
    /// `excluding members`: leave out the candidates that hold the set
    /// itself (its own nodes, and the polities it is wholly inside).
    pub excluding_members: bool,
}

/// `scenario NAME = OP, ...`
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioStmt {
    /// The scenario's name.
    pub name: Ident,
    /// Its operations, applied in order.
    pub ops: Vec<ScenarioOp>,
}

/// One scenario operation.
#[derive(Clone, Debug, PartialEq)]
pub enum ScenarioOp {
    /// `remove NODESET`
    Remove(NodeSet),
    /// `cut A from B [by ...]`: A's side loses supply from B's side.
    Cut(NodeSet, NodeSet, Option<ByScope>),
    /// `decouple A and B [by ...]`: cut both ways.
    Decouple(NodeSet, NodeSet, Option<ByScope>),
    /// `shock SET by F`: hits SET's closure with severity F.
    Shock(NodeSet, f64),
    /// `policy P`: the restriction P defines.
    Policy(NodeSet),
    /// `risk R`: the hits R defines.
    Risk(NodeSet),
    /// A bare name: an earlier scenario, composed in.
    Use(Ident),
}

/// Export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// Graphviz DOT.
    Dot,
    /// The load format's JSON.
    Json,
    /// GraphML.
    Graphml,
    /// SVG rendered by Graphviz.
    Svg,
    /// PNG rendered by Graphviz.
    Png,
    /// A self-contained interactive HTML page.
    Html,
    /// An SVG bar chart of the rows.
    Chart,
}

/// A Graphviz layout engine named by `layout`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GraphLayout {
    /// `dot`: layered.
    Dot,
    /// `sfdp`: force-directed, scalable.
    Sfdp,
    /// `neato`: spring model.
    Neato,
}

impl GraphLayout {
    /// The engine's name as written.
    pub fn as_str(self) -> &'static str {
        match self {
            GraphLayout::Dot => "dot",
            GraphLayout::Sfdp => "sfdp",
            GraphLayout::Neato => "neato",
        }
    }
}

/// `export FORMAT "FILE" [with clusters] [layout L] [labels on|off] [from STATEMENT]`
#[derive(Clone, Debug, PartialEq)]
pub struct ExportStmt {
    /// The format.
    pub format: ExportFormat,
    /// The file path (a string literal).
    pub file: String,
    /// `with clusters` (DOT/SVG/PNG: cluster nodes by nation).
    pub clusters: bool,
    /// `layout dot|sfdp|neato` (DOT/SVG/PNG); `None`: chosen by size.
    pub layout: Option<GraphLayout>,
    /// `labels on|off` (edge labels); `None`: only while readable.
    pub labels: Option<bool>,
    /// `with ended` (DOT/SVG/PNG): also draw, greyed, the nodes and edges
    /// that do not hold at the statement's date (time.md).
    pub ended: bool,
    /// The statement whose result is exported; `None`: the whole graph.
    pub from: Option<Box<Statement>>,
}
