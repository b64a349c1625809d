//! `Display` for the AST: every node prints as valid FQL that parses back
//! to the same tree (spans aside). Expressions get parentheses exactly
//! where precedence needs them; names that are not plain identifiers, or
//! are reserved words, are backquoted.

use super::ast::*;
use std::fmt::{self, Display, Formatter, Write};

/// Words that cannot be a bare variable, alias or scenario name (the
/// grammar's `reserved`); they print backquoted.
const RESERVED: [&str; 35] = [
    "match", "where", "return", "distinct", "order", "by", "asc", "desc", "skip", "limit", "as",
    "and", "or", "xor", "not", "in", "is", "null", "true", "false", "starts", "ends", "contains",
    "with", "remove", "cut", "decouple", "optional", "unwind", "union", "case", "when", "then",
    "else", "end",
];

/// Writes a name, backquoted when it is not a plain identifier or is reserved.
fn name(f: &mut Formatter<'_>, text: &str) -> fmt::Result {
    let plain = text
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !RESERVED.iter().any(|r| r.eq_ignore_ascii_case(text));
    if plain {
        f.write_str(text)
    } else {
        write!(f, "`{}`", text.replace('`', "``"))
    }
}

/// Writes a string literal with the grammar's escapes.
fn string(f: &mut Formatter<'_>, text: &str) -> fmt::Result {
    f.write_char('"')?;
    for c in text.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\t' => f.write_str("\\t")?,
            '\r' => f.write_str("\\r")?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('"')
}

/// Writes items separated by `sep`.
fn list<T: Display>(f: &mut Formatter<'_>, items: &[T], sep: &str) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        item.fmt(f)?;
    }
    Ok(())
}

impl Display for Ident {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        name(f, &self.name)
    }
}

impl Display for Literal {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Null => f.write_str("null"),
            Literal::Bool(b) => write!(f, "{b}"),
            Literal::Int(n) => write!(f, "{n}"),
            // `{:?}` is the shortest text that reads back to the same f64,
            // and always has a `.` or an exponent (so it stays a float).
            Literal::Float(x) => write!(f, "{x:?}"),
            Literal::Str(s) => string(f, s),
        }
    }
}

impl BinOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::Xor => "xor",
            BinOp::And => "and",
            BinOp::Eq => "=",
            BinOp::Ne => "<>",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::In => "in",
            BinOp::StartsWith => "starts with",
            BinOp::EndsWith => "ends with",
            BinOp::Contains => "contains",
            BinOp::Regex => "=~",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Mod => "%",
            BinOp::Pow => "^",
        }
    }

    /// Binding strength, loosest 1 (matches the grammar's Pratt table).
    fn precedence(self) -> u8 {
        match self {
            BinOp::Or => 1,
            BinOp::Xor => 2,
            BinOp::And => 3,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => COMPARISON,
            BinOp::In | BinOp::StartsWith | BinOp::EndsWith | BinOp::Contains | BinOp::Regex => {
                PREDICATE
            }
            BinOp::Add | BinOp::Sub => 7,
            BinOp::Mul | BinOp::Div | BinOp::Mod => 8,
            BinOp::Pow => 9,
        }
    }
}

/// Precedence levels not owned by a binary operator.
const NOT: u8 = 4;
const COMPARISON: u8 = 5;
const PREDICATE: u8 = 6;
const NEG: u8 = 10;
const POSTFIX: u8 = 11;
const ATOM: u8 = 12;

impl Expr {
    /// How tightly the expression's top operator binds.
    fn precedence(&self) -> u8 {
        match &self.kind {
            ExprKind::Binary(op, ..) => op.precedence(),
            ExprKind::Unary(UnaryOp::Not, _) => NOT,
            ExprKind::Unary(UnaryOp::Neg, _) => NEG,
            ExprKind::IsNull { .. } => PREDICATE,
            ExprKind::Prop(..)
            | ExprKind::Index(..)
            | ExprKind::Slice(..)
            | ExprKind::HasLabels(..) => POSTFIX,
            _ => ATOM,
        }
    }

    /// Writes the expression, in parentheses when it binds looser than `min`.
    fn fmt_at(&self, f: &mut Formatter<'_>, min: u8) -> fmt::Result {
        if self.precedence() < min {
            write!(f, "({self})")
        } else {
            self.fmt(f)
        }
    }
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Literal(lit) => lit.fmt(f),
            ExprKind::List(items) => {
                f.write_char('[')?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    // `[a in xs]` would read back as a list comprehension.
                    if i == 0
                        && matches!(&item.kind, ExprKind::Binary(BinOp::In, lhs, _) if matches!(lhs.kind, ExprKind::Var(_)))
                    {
                        write!(f, "({item})")?;
                    } else {
                        item.fmt(f)?;
                    }
                }
                f.write_char(']')
            }
            ExprKind::Param(p) => write!(f, "${p}"),
            ExprKind::Var(v) => name(f, v),
            ExprKind::Prop(e, key) => {
                if matches!(e.kind, ExprKind::Literal(_)) {
                    write!(f, "({e})")?; // `1.x` would read as a number
                } else {
                    e.fmt_at(f, POSTFIX)?;
                }
                write!(f, ".{key}")
            }
            ExprKind::Unary(UnaryOp::Not, e) => {
                f.write_str("not ")?;
                e.fmt_at(f, NOT)
            }
            ExprKind::Unary(UnaryOp::Neg, e) => {
                // `-5` would read back as a literal and `--x` as a comment.
                let text = if e.precedence() < NEG {
                    format!("({e})")
                } else {
                    e.to_string()
                };
                let space = if text.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
                    " "
                } else {
                    ""
                };
                write!(f, "-{space}{text}")
            }
            ExprKind::Binary(op, l, r) => {
                let p = op.precedence();
                // A comparison on the left of a comparison would read as a chain.
                l.fmt_at(f, if p == COMPARISON { p + 1 } else { p })?;
                write!(f, " {} ", op.symbol())?;
                r.fmt_at(f, p + 1)
            }
            ExprKind::IsNull { expr, negated } => {
                expr.fmt_at(f, PREDICATE + 1)?;
                f.write_str(if *negated { " is not null" } else { " is null" })
            }
            ExprKind::Call {
                name: func,
                distinct,
                args,
            } => {
                write!(f, "{func}(")?;
                if *distinct {
                    f.write_str("distinct ")?;
                }
                list(f, args, ", ")?;
                f.write_char(')')
            }
            ExprKind::CountStar => f.write_str("count(*)"),
            ExprKind::Map(entries) => {
                f.write_char('{')?;
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                f.write_char('}')
            }
            ExprKind::Case {
                subject,
                whens,
                default,
            } => {
                f.write_str("case")?;
                if let Some(s) = subject {
                    write!(f, " {s}")?;
                }
                for (w, t) in whens {
                    write!(f, " when {w} then {t}")?;
                }
                if let Some(d) = default {
                    write!(f, " else {d}")?;
                }
                f.write_str(" end")
            }
            ExprKind::ListComp {
                var,
                list,
                filter,
                map,
            } => {
                write!(f, "[{var} in {list}")?;
                if let Some(w) = filter {
                    write!(f, " where {w}")?;
                }
                if let Some(m) = map {
                    write!(f, " | {m}")?;
                }
                f.write_char(']')
            }
            ExprKind::Quantified {
                quant,
                var,
                list,
                filter,
            } => {
                let q = match quant {
                    Quantifier::All => "all",
                    Quantifier::Any => "any",
                    Quantifier::None => "none",
                    Quantifier::Single => "single",
                };
                write!(f, "{q}({var} in {list}")?;
                if let Some(w) = filter {
                    write!(f, " where {w}")?;
                }
                f.write_char(')')
            }
            ExprKind::Index(e, i) => {
                e.fmt_at(f, POSTFIX)?;
                write!(f, "[{i}]")
            }
            ExprKind::Slice(e, from, to) => {
                e.fmt_at(f, POSTFIX)?;
                f.write_char('[')?;
                if let Some(a) = from {
                    a.fmt(f)?;
                }
                f.write_str("..")?;
                if let Some(b) = to {
                    b.fmt(f)?;
                }
                f.write_char(']')
            }
            ExprKind::PatternPred(p) => p.fmt(f),
            ExprKind::PatternComp {
                pattern,
                filter,
                map,
            } => {
                write!(f, "[{pattern}")?;
                if let Some(w) = filter {
                    write!(f, " where {w}")?;
                }
                write!(f, " | {map}]")
            }
            ExprKind::HasLabels(e, labels) => {
                e.fmt_at(f, POSTFIX)?;
                for l in labels {
                    write!(f, ":{l}")?;
                }
                Ok(())
            }
        }
    }
}

/// Writes `{k: v, ...}` with a leading space, or nothing when empty.
fn props(f: &mut Formatter<'_>, props: &[(Ident, Expr)]) -> fmt::Result {
    if props.is_empty() {
        return Ok(());
    }
    f.write_str(" {")?;
    for (i, (k, v)) in props.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{k}: {v}")?;
    }
    f.write_char('}')
}

impl Display for NodePattern {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_char('(')?;
        if let Some(v) = &self.var {
            v.fmt(f)?;
        }
        if !self.kinds.is_empty() {
            f.write_char(':')?;
            list(f, &self.kinds, "|")?;
        }
        props(f, &self.props)?;
        if let Some(w) = &self.filter {
            let space = if self.var.is_some() || !self.kinds.is_empty() || !self.props.is_empty() {
                " "
            } else {
                ""
            };
            write!(f, "{space}where {w}")?;
        }
        f.write_char(')')
    }
}

impl Display for Quant {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match (self.min, self.max) {
            (1, None) => f.write_char('*'),
            (min, Some(max)) if min == max => write!(f, "*{min}"),
            (min, Some(max)) => write!(f, "*{min}..{max}"),
            (min, None) => write!(f, "*{min}.."),
        }
    }
}

impl Display for EdgePattern {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let bare = self.var.is_none()
            && self.types.is_empty()
            && self.quant.is_none()
            && self.props.is_empty();
        if bare {
            return f.write_str(match self.dir {
                EdgeDir::Out => "-->",
                EdgeDir::In => "<--",
                EdgeDir::Either => "--",
            });
        }
        f.write_str(if self.dir == EdgeDir::In { "<-[" } else { "-[" })?;
        if let Some(v) = &self.var {
            v.fmt(f)?;
        }
        if !self.types.is_empty() {
            f.write_char(':')?;
            list(f, &self.types, "|")?;
        }
        if let Some(q) = &self.quant {
            q.fmt(f)?;
        }
        props(f, &self.props)?;
        f.write_str(if self.dir == EdgeDir::Out {
            "]->"
        } else {
            "]-"
        })
    }
}

impl Display for Pattern {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(p) = &self.path_var {
            write!(f, "{p} = ")?;
        }
        self.start.fmt(f)?;
        for (edge, node) in &self.steps {
            write!(f, "{edge}{node}")?;
        }
        Ok(())
    }
}

impl Display for ReturnItem {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.expr.fmt(f)?;
        if let Some(a) = &self.alias {
            write!(f, " as {a}")?;
        }
        Ok(())
    }
}

impl Display for OrderKey {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.expr.fmt(f)?;
        if self.descending {
            f.write_str(" desc")?;
        }
        Ok(())
    }
}

impl Display for Return {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("return ")?;
        if self.distinct {
            f.write_str("distinct ")?;
        }
        if self.star {
            f.write_char('*')?;
            if !self.items.is_empty() {
                f.write_str(", ")?;
            }
        }
        list(f, &self.items, ", ")?;
        if !self.order.is_empty() {
            f.write_str(" order by ")?;
            list(f, &self.order, ", ")?;
        }
        if let Some(s) = &self.skip {
            write!(f, " skip {s}")?;
        }
        if let Some(l) = &self.limit {
            write!(f, " limit {l}")?;
        }
        Ok(())
    }
}

impl Display for Clause {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Clause::Match {
                optional,
                patterns,
                filter,
            } => {
                if *optional {
                    f.write_str("optional ")?;
                }
                f.write_str("match ")?;
                list(f, patterns, ", ")?;
                if let Some(w) = filter {
                    write!(f, " where {w}")?;
                }
                Ok(())
            }
            Clause::Unwind { expr, alias } => write!(f, "unwind {expr} as {alias}"),
            Clause::With { proj, filter } => {
                // `return` and `with` share the projection's text.
                let text = proj.to_string();
                write!(f, "with{}", text.strip_prefix("return").unwrap_or(&text))?;
                if let Some(w) = filter {
                    write!(f, " where {w}")?;
                }
                Ok(())
            }
            Clause::Return(r) => r.fmt(f),
        }
    }
}

impl Display for MatchStmt {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("match ")?;
        list(f, &self.patterns, ", ")?;
        if let Some(w) = &self.filter {
            write!(f, " where {w}")?;
        }
        write!(f, " {}", self.ret)
    }
}

impl Display for NodeSet {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.kind {
            NodeSetKind::Name(e) => e.fmt(f),
            NodeSetKind::Pattern(p) => p.fmt(f),
            NodeSetKind::MembersOf(s) => write!(f, "members of {s}"),
        }
    }
}

/// Writes ` via A|B` (nothing when empty).
fn via(f: &mut Formatter<'_>, types: &[Ident]) -> fmt::Result {
    if types.is_empty() {
        return Ok(());
    }
    f.write_str(" via ")?;
    list(f, types, "|")
}

/// Writes ` KEYWORD N` when set.
fn count(f: &mut Formatter<'_>, keyword: &str, n: Option<u32>) -> fmt::Result {
    match n {
        Some(n) => write!(f, " {keyword} {n}"),
        None => Ok(()),
    }
}

impl Display for PathStmt {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("path ")?;
        match self.mode {
            PathMode::Shortest => {}
            PathMode::All => f.write_str("all ")?,
            PathMode::K(k) => write!(f, "k {k} ")?,
        }
        write!(f, "from {} to {}", self.from, self.to)?;
        via(f, &self.via)?;
        count(f, "max", self.max)?;
        if self.undirected {
            f.write_str(" undirected")?;
        }
        match &self.weighted {
            None => Ok(()),
            Some(None) => f.write_str(" weighted"),
            Some(Some(p)) => write!(f, " weighted by {p}"),
        }
    }
}

impl Display for TraceStmt {
    /// Without the leading `upstream`/`downstream` keyword.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "of {}", self.of)?;
        via(f, &self.via)?;
        count(f, "depth", self.depth)
    }
}

impl Display for ByScope {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ByScope::Territory => " by territory",
            ByScope::Jurisdiction => " by jurisdiction",
        })
    }
}

impl ExposureStmt {
    /// The clauses after the two sets.
    fn clauses(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(by) = self.by {
            by.fmt(f)?;
        }
        if self.by_share {
            f.write_str(" by share")?;
        }
        via(f, &self.via)?;
        count(f, "depth", self.depth)?;
        if self.excluding_members {
            f.write_str(" excluding members")?;
        }
        count(f, "top", self.top)
    }
}

impl Display for ExposureStmt {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "exposure of {} to {}", self.of, self.to)?;
        self.clauses(f)
    }
}

impl Display for ChokepointsStmt {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "chokepoints of {}", self.of)?;
        if let Some(by) = self.by {
            by.fmt(f)?;
        }
        via(f, &self.via)?;
        if !self.kinds.is_empty() {
            f.write_str(" kinds ")?;
            list(f, &self.kinds, ", ")?;
        }
        if let Some(w) = &self.weighted {
            write!(f, " weighted by {w}")?;
        }
        if self.excluding_members {
            f.write_str(" excluding members")?;
        }
        count(f, "top", self.top)
    }
}

impl Display for ScenarioOp {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            ScenarioOp::Remove(s) => write!(f, "remove {s}"),
            ScenarioOp::Cut(a, b, by) => {
                write!(f, "cut {a} from {b}")?;
                by.map_or(Ok(()), |by| by.fmt(f))
            }
            ScenarioOp::Decouple(a, b, by) => {
                write!(f, "decouple {a} and {b}")?;
                by.map_or(Ok(()), |by| by.fmt(f))
            }
            ScenarioOp::Shock(s, by) => write!(f, "shock {s} by {by}"),
            ScenarioOp::Policy(s) => write!(f, "policy {s}"),
            ScenarioOp::Risk(s) => write!(f, "risk {s}"),
            ScenarioOp::Use(name) => name.fmt(f),
        }
    }
}

impl Display for ScenarioStmt {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "scenario {} = ", self.name)?;
        list(f, &self.ops, ", ")
    }
}

impl Display for ExportFormat {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ExportFormat::Dot => "dot",
            ExportFormat::Json => "json",
            ExportFormat::Graphml => "graphml",
            ExportFormat::Svg => "svg",
            ExportFormat::Png => "png",
            ExportFormat::Html => "html",
            ExportFormat::Chart => "chart",
        })
    }
}

impl Display for ExportStmt {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "export {} ", self.format)?;
        string(f, &self.file)?;
        if self.clusters {
            f.write_str(" with clusters")?;
        }
        if self.ended {
            f.write_str(" with ended")?;
        }
        if let Some(layout) = self.layout {
            write!(f, " layout {}", layout.as_str())?;
        }
        if let Some(labels) = self.labels {
            f.write_str(if labels { " labels on" } else { " labels off" })?;
        }
        if let Some(s) = &self.from {
            write!(f, " from {s}")?;
        }
        Ok(())
    }
}

impl Display for DateLit {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            DateLit::Text(t, _) if is_date_shape(t) => f.write_str(t),
            DateLit::Text(t, _) => string(f, t),
            DateLit::Param(name, _) => write!(f, "${name}"),
        }
    }
}

/// Whether the text lexes as an unquoted date (`2022`, `2022-10-07`).
fn is_date_shape(t: &str) -> bool {
    let parts: Vec<&str> = t.split('-').collect();
    (1..=3).contains(&parts.len())
        && parts[0].len() == 4
        && parts[1..].iter().all(|p| p.len() == 2)
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

impl Display for StatementKind {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            StatementKind::Match(m) => m.fmt(f),
            StatementKind::Path(p) => p.fmt(f),
            StatementKind::Upstream(t) => write!(f, "upstream {t}"),
            StatementKind::Downstream(t) => write!(f, "downstream {t}"),
            StatementKind::Exposure(e) => e.fmt(f),
            StatementKind::Chokepoints(c) => c.fmt(f),
            StatementKind::Impact(e) => {
                write!(f, "impact of {} on {}", e.to, e.of)?;
                e.clauses(f)
            }
            StatementKind::Scenario(s) => s.fmt(f),
            StatementKind::With {
                scenario,
                substituting,
                body,
            } => {
                let s = if *substituting { " substituting" } else { "" };
                write!(f, "with {scenario}{s}: {body}")
            }
            StatementKind::Compare {
                scenario,
                substituting,
                body,
            } => {
                let s = if *substituting { " substituting" } else { "" };
                write!(f, "compare {scenario}{s}: {body}")
            }
            StatementKind::At { date, body } => write!(f, "at {date}: {body}"),
            StatementKind::CompareAt {
                before,
                after,
                body,
            } => write!(f, "compare at {before} and {after}: {body}"),
            StatementKind::Changes { from, to, of } => {
                write!(f, "changes between {from} and {to}")?;
                match of {
                    Some(set) => write!(f, " of {set}"),
                    None => Ok(()),
                }
            }
            StatementKind::Show(s) => write!(f, "show {s}"),
            StatementKind::Schema => f.write_str("schema"),
            StatementKind::Stats => f.write_str("stats"),
            StatementKind::Export(e) => e.fmt(f),
            StatementKind::Query(q) => {
                for (i, part) in q.parts.iter().enumerate() {
                    if i > 0 {
                        let all = q.union_all.get(i - 1).copied().unwrap_or(false);
                        f.write_str(if all { " union all " } else { " union " })?;
                    }
                    for (k, clause) in part.iter().enumerate() {
                        if k > 0 {
                            f.write_char(' ')?;
                        }
                        clause.fmt(f)?;
                    }
                }
                Ok(())
            }
        }
    }
}

impl Display for Statement {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.kind.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Span;

    fn e(kind: ExprKind) -> Expr {
        Expr {
            kind,
            span: Span::default(),
        }
    }
    fn var(name: &str) -> Expr {
        e(ExprKind::Var(name.to_string()))
    }
    fn int(n: i64) -> Expr {
        e(ExprKind::Literal(Literal::Int(n)))
    }
    fn bin(op: BinOp, l: Expr, r: Expr) -> Expr {
        e(ExprKind::Binary(op, Box::new(l), Box::new(r)))
    }
    fn un(op: UnaryOp, x: Expr) -> Expr {
        e(ExprKind::Unary(op, Box::new(x)))
    }
    fn id(name: &str) -> Ident {
        Ident {
            name: name.to_string(),
            span: Span::default(),
        }
    }

    #[test]
    fn parentheses_only_where_precedence_needs_them() {
        use BinOp::*;
        let cases = [
            (
                bin(Sub, var("a"), bin(Sub, var("b"), var("c"))),
                "a - (b - c)",
            ),
            (
                bin(Sub, bin(Sub, var("a"), var("b")), var("c")),
                "a - b - c",
            ),
            (
                bin(Mul, bin(Add, var("a"), var("b")), var("c")),
                "(a + b) * c",
            ),
            (
                bin(Add, var("a"), bin(Mul, var("b"), var("c"))),
                "a + b * c",
            ),
            (
                bin(And, bin(Or, var("a"), var("b")), var("c")),
                "(a or b) and c",
            ),
            (
                un(UnaryOp::Not, bin(And, var("a"), var("b"))),
                "not (a and b)",
            ),
            (un(UnaryOp::Not, bin(Eq, var("a"), var("b"))), "not a = b"),
            (bin(Eq, var("a"), un(UnaryOp::Not, var("b"))), "a = (not b)"),
            (un(UnaryOp::Neg, bin(Add, var("a"), var("b"))), "-(a + b)"),
            (un(UnaryOp::Neg, int(5)), "- 5"),
            (un(UnaryOp::Neg, int(-5)), "- -5"),
            (un(UnaryOp::Neg, un(UnaryOp::Neg, var("x"))), "- -x"),
            (bin(Sub, var("a"), int(-1)), "a - -1"),
            (e(ExprKind::Prop(Box::new(int(1)), id("x"))), "(1).x"),
            (
                e(ExprKind::Prop(
                    Box::new(e(ExprKind::Prop(Box::new(var("n")), id("a")))),
                    id("b"),
                )),
                "n.a.b",
            ),
            (
                e(ExprKind::IsNull {
                    expr: Box::new(bin(Eq, var("a"), var("b"))),
                    negated: false,
                }),
                "(a = b) is null",
            ),
            (
                e(ExprKind::IsNull {
                    expr: Box::new(bin(Add, var("a"), var("b"))),
                    negated: true,
                }),
                "a + b is not null",
            ),
            // Found by the round-trip property test: unparenthesised, this
            // reads back as the list comprehension `[a in xs]`.
            (
                e(ExprKind::List(vec![bin(In, var("a"), var("xs")), int(1)])),
                "[(a in xs), 1]",
            ),
        ];
        for (tree, text) in cases {
            assert_eq!(tree.to_string(), text);
        }
    }

    #[test]
    fn names_are_backquoted_when_needed() {
        let cases = [
            ("name", "name"),
            ("_x1", "_x1"),
            ("match", "`match`"),
            ("MATCH", "`MATCH`"),
            ("path", "path"),
            ("odd name", "`odd name`"),
            ("a`b", "`a``b`"),
            ("1abc", "`1abc`"),
            ("", "``"),
        ];
        for (name, text) in cases {
            assert_eq!(id(name).to_string(), text);
            assert_eq!(var(name).to_string(), text);
        }
    }

    #[test]
    fn literals_print_as_fql() {
        let cases = [
            (Literal::Null, "null"),
            (Literal::Bool(false), "false"),
            (Literal::Int(i64::MIN), "-9223372036854775808"),
            (Literal::Float(1.0), "1.0"),
            (Literal::Float(1e16), "1e16"),
            (Literal::Float(-0.5), "-0.5"),
            (
                Literal::Str("a\"b\\c\nd\te\r".into()),
                "\"a\\\"b\\\\c\\nd\\te\\r\"",
            ),
        ];
        for (lit, text) in cases {
            assert_eq!(lit.to_string(), text);
        }
    }

    #[test]
    fn quantifiers_print_canonically() {
        let q = |min, max| Quant { min, max }.to_string();
        assert_eq!(q(1, None), "*");
        assert_eq!(q(3, Some(3)), "*3");
        assert_eq!(q(1, Some(3)), "*1..3");
        assert_eq!(q(2, None), "*2..");
        assert_eq!(q(0, Some(0)), "*0");
    }
}
