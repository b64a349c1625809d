//! The rustyline helper: Tab completion that knows where the cursor is,
//! syntax colouring and history hints.

use std::borrow::Cow;

use rustyline::completion::{Completer, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hinter, HistoryHinter};
use rustyline::validate::Validator;
use rustyline::{Context, Helper};

use super::lexer::{KEYWORDS, Tok, tokens};
use super::meta::COMMANDS;
use crate::model::Graph;

const FUNCTIONS: &[&str] = &[
    "id",
    "kind",
    "name",
    "type",
    "length",
    "nodes",
    "lower",
    "upper",
    "coalesce",
    "size",
    "abs",
    "round",
    "degree",
    "in_degree",
    "out_degree",
    "count",
    "sum",
    "avg",
    "min",
    "max",
    "collect",
];

/// Completion vocabulary and colour setting.
pub struct FqlHelper {
    kinds: Vec<String>,
    types: Vec<String>,
    props: Vec<String>,
    /// (lower-cased text, node name or id) sorted by the first.
    names: Vec<(String, String)>,
    color: bool,
    hinter: HistoryHinter,
}

impl FqlHelper {
    /// Takes the vocabulary of a graph.
    pub fn new(g: &Graph, color: bool) -> FqlHelper {
        let mut names: Vec<(String, String)> = Vec::with_capacity(g.node_count() * 2);
        for n in g.nodes() {
            names.push((g.node_name(n).to_lowercase(), g.node_name(n).to_string()));
            if !g.node_key(n).eq_ignore_ascii_case(g.node_name(n)) {
                names.push((g.node_key(n).to_lowercase(), g.node_key(n).to_string()));
            }
        }
        names.sort();
        names.dedup();
        let mut props: Vec<String> = g.prop_keys().map(String::from).collect();
        props.extend(["id".to_string(), "name".to_string()]);
        props.sort();
        props.dedup();
        FqlHelper {
            kinds: g.kinds().map(|(_, k)| k.to_string()).collect(),
            types: g.edge_types().map(|(_, i)| i.name.to_string()).collect(),
            props,
            names,
            color,
            hinter: HistoryHinter::new(),
        }
    }

    /// Completion candidates at `pos`: `(start of the replaced text, pairs)`.
    pub fn candidates(&self, line: &str, pos: usize) -> (usize, Vec<Pair>) {
        let before = &line[..pos];
        // Meta commands.
        if let Some(rest) = before.strip_prefix(':') {
            if !rest.contains(' ') {
                return (
                    1,
                    prefixed(COMMANDS.iter().map(|(c, _)| c.to_string()), rest, false),
                );
            }
            if let Some(arg) = rest.strip_prefix("format ") {
                return (
                    before.len() - arg.len(),
                    prefixed(["table", "json", "csv"].map(String::from), arg, false),
                );
            }
            if let Some(arg) = rest.strip_prefix("help ") {
                return (
                    before.len() - arg.len(),
                    prefixed(super::help::topics().map(String::from), arg, false),
                );
            }
            if let Some(arg) = rest.strip_prefix("timing ") {
                return (
                    before.len() - arg.len(),
                    prefixed(["on", "off"].map(String::from), arg, false),
                );
            }
            return (pos, Vec::new());
        }
        // Inside an open string: node names and ids, inserted with the closing quote.
        let toks = tokens(before);
        if let Some(&(Tok::Str, start, end)) = toks.last() {
            let text = &before[start..end];
            let quote = text.chars().next().unwrap_or('"');
            let closed =
                text.len() > 1 && text.ends_with(quote) && !text.ends_with(&format!("\\{quote}"));
            if !closed {
                let typed = text[1..].to_lowercase();
                let lo = self
                    .names
                    .partition_point(|(k, _)| k.as_str() < typed.as_str());
                let pairs = self.names[lo..]
                    .iter()
                    .take_while(|(k, _)| k.starts_with(&typed))
                    .take(200)
                    .map(|(_, n)| Pair {
                        display: n.clone(),
                        replacement: format!(
                            "{quote}{}{quote}",
                            n.replace(quote, &format!("\\{quote}"))
                        ),
                    })
                    .collect();
                return (start, pairs);
            }
        }
        let word_start = before
            .char_indices()
            .rev()
            .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let word = &before[word_start..];
        let prev = before[..word_start].trim_end();
        if prev.ends_with('.') {
            return (
                word_start,
                prefixed(self.props.iter().cloned(), word, false),
            );
        }
        if prev.ends_with(':') || prev.ends_with('|') {
            let open_paren = before.rfind('(');
            let open_bracket = before.rfind('[');
            let in_edge = match (open_bracket, open_paren) {
                (Some(b), Some(p)) => b > p && !before[b..].contains(']'),
                (Some(b), None) => !before[b..].contains(']'),
                _ => false,
            };
            let after_via = prev.trim_end_matches(['|', ':']).trim_end().to_lowercase();
            let pool = if in_edge || after_via.ends_with("via") || self.is_via_list(prev) {
                &self.types
            } else {
                &self.kinds
            };
            return (word_start, prefixed(pool.iter().cloned(), word, false));
        }
        if prev.to_lowercase().ends_with("via") {
            return (
                word_start,
                prefixed(self.types.iter().cloned(), word, false),
            );
        }
        let words = KEYWORDS
            .iter()
            .map(|k| k.to_string())
            .chain(FUNCTIONS.iter().map(|f| f.to_string()));
        (word_start, prefixed(words, word, true))
    }

    /// Whether `prev` ends inside a `via A|B|` list.
    fn is_via_list(&self, prev: &str) -> bool {
        let lower = prev.to_lowercase();
        lower
            .rfind(" via ")
            .is_some_and(|i| !lower[i + 5..].contains(' '))
    }
}

fn prefixed(pool: impl IntoIterator<Item = String>, typed: &str, keyword: bool) -> Vec<Pair> {
    let lower = typed.to_lowercase();
    let mut out: Vec<Pair> = pool
        .into_iter()
        .filter(|c| {
            if keyword {
                c.starts_with(&lower)
            } else {
                c.to_lowercase().starts_with(&lower)
            }
        })
        .map(|c| Pair {
            display: c.clone(),
            replacement: c,
        })
        .collect();
    out.sort_by(|a, b| a.display.cmp(&b.display));
    out.dedup_by(|a, b| a.display == b.display);
    out
}

impl Completer for FqlHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        Ok(self.candidates(line, pos))
    }
}

impl Hinter for FqlHelper {
    type Hint = String;

    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<String> {
        self.hinter.hint(line, pos, ctx)
    }
}

impl Highlighter for FqlHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if !self.color || line.starts_with(':') {
            return Cow::Borrowed(line);
        }
        let mut out = String::with_capacity(line.len() + 32);
        for (kind, start, end) in tokens(line) {
            let text = &line[start..end];
            let style = match kind {
                Tok::Str => Some("32"),
                Tok::Number => Some("36"),
                Tok::Param => Some("35"),
                Tok::Comment => Some("2"),
                Tok::Word if KEYWORDS.contains(&text.to_lowercase().as_str()) => Some("1;34"),
                Tok::Word if self.kinds.iter().any(|k| k == text) => Some("33"),
                Tok::Word if self.types.iter().any(|t| t == text) => Some("35"),
                _ => None,
            };
            match style {
                Some(code) => out.push_str(&format!("\x1b[{code}m{text}\x1b[0m")),
                None => out.push_str(text),
            }
        }
        Cow::Owned(out)
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color {
            Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
        } else {
            Cow::Borrowed(hint)
        }
    }

    /// Repaints the line as it is typed (so a word turns into a coloured
    /// keyword), except on very long lines, where a repaint per key would
    /// make a paste crawl.
    fn highlight_char(&self, line: &str, _pos: usize, _kind: CmdKind) -> bool {
        self.color && line.len() < 1024
    }
}

/// Lines are gathered into statements by the REPL loop (`input.rs`), one
/// `readline` per line, so the editor itself never holds several lines.
impl Validator for FqlHelper {}

impl Helper for FqlHelper {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::GraphBuilder;

    fn helper() -> FqlHelper {
        let mut b = GraphBuilder::new();
        let firm = b.kind("Firm");
        b.kind("Nation");
        b.edge_type("SUPPLIES");
        b.edge_type("LOCATED_IN");
        b.add_node("tsmc", firm, "TSMC", vec![], [])
            .expect("fresh id");
        b.add_node("tw-semi", firm, "Taiwan Semi \"X\"", vec![], [])
            .expect("fresh id");
        FqlHelper::new(&b.finish(), false)
    }

    fn texts(h: &FqlHelper, line: &str) -> (usize, Vec<String>) {
        let (start, pairs) = h.candidates(line, line.len());
        (start, pairs.into_iter().map(|p| p.replacement).collect())
    }

    #[test]
    fn completes_keywords_kinds_types_and_names() {
        let h = helper();
        assert_eq!(texts(&h, "ups").1, vec!["upstream"]);
        assert_eq!(texts(&h, "match (f:Fi").1, vec!["Firm"]);
        assert_eq!(texts(&h, "match (f)-[:SUP").1, vec!["SUPPLIES"]);
        assert_eq!(texts(&h, "upstream of \"TS").1, vec!["\"TSMC\""]);
        assert_eq!(
            texts(&h, "show \"taiwan").1,
            vec!["\"Taiwan Semi \\\"X\\\"\""]
        );
        assert_eq!(
            texts(&h, "path from \"a\" to \"b\" via LOC").1,
            vec!["LOCATED_IN"]
        );
        assert_eq!(texts(&h, ":for").1, vec!["format"]);
        assert_eq!(texts(&h, ":format j").1, vec!["json"]);
    }
}
