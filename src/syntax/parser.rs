//! The parser's public entry points: scripts, single statements, and the
//! REPL's "is this input finished?" question.
//!
//! Each statement is parsed on its own (scripts are split lexically on `;`
//! first), so one bad statement's error is reported at its own place and a
//! 1 MB script never becomes one huge pest run. Spans are always offsets
//! into the whole source.

use super::ast::Statement;
use super::build::Builder;
use super::grammar::{FqlParser, Rule, words};
use super::lexer::{Scanner, TokKind, end_of_tokens, precheck, split_statements, too_deep};
use crate::diag::{Diagnostic, Span};
use pest::Parser;
use pest::error::{ErrorVariant, InputLocation};

/// Parses every statement of a script, in order; stops at the first error.
pub fn parse_script(source: &str) -> Result<Vec<Statement>, Diagnostic> {
    split_statements(source)
        .into_iter()
        .map(|span| parse_statement(source, span))
        .collect()
}

/// Parses the one statement in `source[span]` (no `;`). All spans in the
/// result and in errors are offsets into the whole `source`.
pub fn parse_statement(source: &str, span: Span) -> Result<Statement, Diagnostic> {
    let text = source.get(span.start..span.end).ok_or_else(|| {
        Diagnostic::new("E0101", "statement span is outside the source text")
            .at(Span::new(source.len(), source.len()))
    })?;
    let depth = precheck(text, span.start)?;
    if depth <= INLINE_DEPTH {
        return parse_text(text, span);
    }
    // Deep statements recurse deeper than a small thread stack allows (a
    // debug build spends ~15 KB per level), so they get a thread of their own.
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("fql-parse".into())
            .stack_size(DEEP_STACK)
            .spawn_scoped(scope, || parse_text(text, span));
        match worker {
            Ok(handle) => handle.join().unwrap_or_else(|_| {
                Err(
                    Diagnostic::new("E0101", "internal parser error: the parser thread failed")
                        .at(span),
                )
            }),
            Err(_) => Err(too_deep(span)
                .help("could not start a thread to parse the deeply nested statement")),
        }
    })
}

/// The nesting depth up to which a statement is parsed on the caller's stack.
const INLINE_DEPTH: u32 = 24;

/// The stack for parsing deeper statements (reserved, not committed, memory).
const DEEP_STACK: usize = 64 << 20;

/// Parses one statement's text (`text` is `source[span]`) with pest and builds its tree.
fn parse_text(text: &str, span: Span) -> Result<Statement, Diagnostic> {
    let mut pairs = FqlParser::parse(Rule::statement_input, text)
        .map_err(|e| syntax_error(&e, text, span.start))?;
    let statement = pairs
        .next()
        .and_then(|input| input.into_inner().find(|p| p.as_rule() == Rule::statement))
        .ok_or_else(|| Diagnostic::new("E0101", "internal parser error: no statement").at(span))?;
    Builder { offset: span.start }.statement(statement)
}

/// For the REPL: true when `source` is empty or parses as complete
/// statements, or has a syntax error before its end (so the REPL runs it
/// and shows the error); false when the parser ran out of input (an open
/// string, bracket or clause, a trailing operator).
pub fn is_complete(source: &str) -> bool {
    let Err(err) = parse_script(source) else {
        return true;
    };
    if err.code != "E0101" {
        return true;
    }
    if Scanner::new(source).any(|t| {
        matches!(
            t.kind,
            TokKind::Str { terminated: false } | TokKind::Quoted { terminated: false }
        )
    }) {
        return false;
    }
    err.span.is_none_or(|s| s.start < end_of_tokens(source))
}

/// Turns a pest error into a diagnostic with the expected tokens in words.
fn syntax_error(err: &pest::error::Error<Rule>, text: &str, offset: usize) -> Diagnostic {
    let pos = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let (found, span) = found_at(text, pos);
    let span = span.shift(offset);
    match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let mut diag = Diagnostic::new("E0101", format!("unexpected {found}")).at(span);
            if !positives.is_empty() {
                diag = diag.expected(expected_words(positives));
            }
            if let Some(help) = did_you_mean(positives, text, pos) {
                diag = diag.help(help);
            } else if text.get(pos..).is_some_and(|rest| rest.starts_with("--")) {
                diag = diag.help("`--` followed by `>` or `(` is an edge, not a comment; write `//` for this comment");
            }
            diag
        }
        ErrorVariant::CustomError { message } => Diagnostic::new(
            "E0103",
            format!("the statement is too complex to parse ({message})"),
        )
        .at(span),
    }
}

/// The token at `pos`, described (`` `return` ``, `end of input`), and its span.
fn found_at(text: &str, pos: usize) -> (String, Span) {
    let rest = text.get(pos..).unwrap_or("");
    match Scanner::new(rest).next() {
        None => (
            "end of input".to_string(),
            Span::new(text.len(), text.len()),
        ),
        Some(tok) => {
            let raw = &rest[tok.start..tok.end];
            let shown: String = raw.chars().take(30).collect();
            let ellipsis = if shown.len() < raw.len() { "..." } else { "" };
            let what = match tok.kind {
                TokKind::Str { .. } => format!("string {shown}{ellipsis}"),
                _ => format!("`{shown}{ellipsis}`"),
            };
            (what, Span::new(pos + tok.start, pos + tok.end))
        }
    }
}

/// "a, b or c", each rule in words, duplicates dropped, the end last.
fn expected_words(rules: &[Rule]) -> String {
    let mut list: Vec<&str> = Vec::new();
    let ordered = rules
        .iter()
        .filter(|r| **r != Rule::EOI)
        .chain(rules.iter().filter(|r| **r == Rule::EOI));
    for rule in ordered {
        let w = words(*rule);
        if !list.contains(&w) {
            list.push(w);
        }
    }
    match list.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// The statement keywords, for "did you mean" on a misspelt statement.
const STATEMENT_WORDS: [&str; 13] = [
    "match",
    "path",
    "upstream",
    "downstream",
    "exposure",
    "chokepoints",
    "scenario",
    "with",
    "compare",
    "show",
    "schema",
    "stats",
    "export",
];

/// "did you mean `match`?" when the word at `pos` is a near miss of an
/// expected keyword.
fn did_you_mean(rules: &[Rule], text: &str, pos: usize) -> Option<String> {
    let rest = text.get(pos..)?;
    let tok = Scanner::new(rest)
        .next()
        .filter(|t| t.kind == TokKind::Word)?;
    let found = rest[tok.start..tok.end].to_ascii_lowercase();
    let mut candidates: Vec<&str> = Vec::new();
    for rule in rules {
        if matches!(rule, Rule::statement | Rule::statement_input) {
            candidates.extend(STATEMENT_WORDS);
        } else if let Some(word) = words(*rule)
            .strip_prefix('`')
            .and_then(|w| w.strip_suffix('`'))
            && word.chars().all(|c| c.is_ascii_alphabetic() || c == ' ')
        {
            candidates.push(word);
        }
    }
    crate::diag::closest(&found, candidates.into_iter().filter(|c| *c != found))
        .map(|best| format!("did you mean `{best}`?"))
}

#[cfg(test)]
#[path = "parser_tests.rs"]
#[allow(clippy::panic, reason = "a test fails by panicking on the wrong tree")]
mod tests;
