//! A small hand-written scanner that runs before pest.
//!
//! Why a second lexer: splitting a script on `;`, telling the REPL whether
//! input is finished, and bounding nesting depth all have to work on text
//! that does not parse, and must not recurse. The scanner mirrors the
//! grammar's lexical rules (strings, backquoted names, `--` and `//`
//! comments, where `--` followed by `>` or `(` is an edge, not a comment).

use crate::diag::{Diagnostic, Span};

/// The deepest nesting the parser accepts (brackets, prefix operators,
/// `members of` chains and nested statements together).
pub const MAX_DEPTH: u32 = 256;

/// What a token is, as far as the scanner cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokKind {
    /// A run of `[A-Za-z0-9_]` (keywords, names and numbers alike).
    Word,
    /// A string literal; `terminated` is false when the input ended first.
    Str { terminated: bool },
    /// A backquoted name; `terminated` as for strings.
    Quoted { terminated: bool },
    /// `;`
    Semicolon,
    /// Any other single character.
    Punct(char),
}

/// A token: its kind and byte range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tok {
    pub kind: TokKind,
    pub start: usize,
    pub end: usize,
}

/// Iterates the tokens of a text, skipping whitespace and comments.
pub(crate) struct Scanner<'s> {
    src: &'s str,
    pos: usize,
}

impl<'s> Scanner<'s> {
    /// A scanner at the start of `src`.
    pub(crate) fn new(src: &'s str) -> Scanner<'s> {
        Scanner { src, pos: 0 }
    }

    fn bytes(&self) -> &'s [u8] {
        self.src.as_bytes()
    }

    /// Skips whitespace and comments; returns the position after them.
    fn skip_trivia(&mut self) {
        let b = self.bytes();
        loop {
            match b.get(self.pos) {
                Some(b' ' | b'\t' | b'\r' | b'\n') => self.pos += 1,
                Some(0xEF) if self.src[self.pos..].starts_with('\u{FEFF}') => self.pos += 3,
                Some(b'/') if b.get(self.pos + 1) == Some(&b'/') => self.skip_line(),
                Some(b'-')
                    if b.get(self.pos + 1) == Some(&b'-') && is_dash_comment(b, self.pos) =>
                {
                    self.skip_line()
                }
                _ => return,
            }
        }
    }

    fn skip_line(&mut self) {
        let rest = &self.bytes()[self.pos..];
        self.pos += rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len());
    }

    /// Scans a quoted run starting at `self.pos` (on the opening quote).
    /// Returns whether the closing quote was found.
    fn scan_quoted(&mut self, quote: u8) -> bool {
        let b = self.bytes();
        let mut i = self.pos + 1;
        while i < b.len() {
            let c = b[i];
            if quote != b'`' && c == b'\\' {
                i += 2;
            } else if c == quote {
                if quote == b'`' && b.get(i + 1) == Some(&b'`') {
                    i += 2;
                } else {
                    self.pos = i + 1;
                    return true;
                }
            } else {
                i += 1;
            }
        }
        self.pos = b.len();
        false
    }
}

/// True when the `--` at `at` starts a comment: not when followed by `>`
/// or by spaces/tabs and `(` (then it is an edge `-->` or `--`).
fn is_dash_comment(b: &[u8], at: usize) -> bool {
    let mut i = at + 2;
    if b.get(i) == Some(&b'>') {
        return false;
    }
    while matches!(b.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    b.get(i) != Some(&b'(')
}

fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

impl Iterator for Scanner<'_> {
    type Item = Tok;

    fn next(&mut self) -> Option<Tok> {
        self.skip_trivia();
        let b = self.bytes();
        let start = self.pos;
        let c = *b.get(start)?;
        let kind = match c {
            b'"' | b'\'' => TokKind::Str {
                terminated: self.scan_quoted(c),
            },
            b'`' => TokKind::Quoted {
                terminated: self.scan_quoted(c),
            },
            b';' => {
                self.pos += 1;
                TokKind::Semicolon
            }
            c if is_word_byte(c) => {
                self.pos += b[start..]
                    .iter()
                    .position(|&c| !is_word_byte(c))
                    .unwrap_or(b.len() - start);
                TokKind::Word
            }
            _ => {
                let ch = self.src[start..].chars().next()?;
                self.pos += ch.len_utf8();
                TokKind::Punct(ch)
            }
        };
        Some(Tok {
            kind,
            start,
            end: self.pos,
        })
    }
}

/// Splits a script into statements on `;` outside strings, backquoted names
/// and comments. Each span covers the statement's first to last token (no
/// surrounding whitespace or comments, no `;`); empty and comment-only
/// chunks are dropped.
pub fn split_statements(source: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut current: Option<Span> = None;
    for tok in Scanner::new(source) {
        if tok.kind == TokKind::Semicolon {
            spans.extend(current.take());
        } else {
            let span = Span::new(tok.start, tok.end);
            current = Some(current.map_or(span, |c| c.to(span)));
        }
    }
    spans.extend(current);
    spans
}

/// The end of the last token of `source` (0 when it has none).
pub(crate) fn end_of_tokens(source: &str) -> usize {
    Scanner::new(source).last().map_or(0, |t| t.end)
}

/// Checks the lexical shape of one statement's text before pest sees it:
/// unterminated strings and names, and nesting deeper than [`MAX_DEPTH`]
/// (so that neither pest nor the tree builder can run out of stack).
/// `offset` is where `text` starts in the whole source. Returns the
/// deepest nesting seen.
pub(crate) fn precheck(text: &str, offset: usize) -> Result<u32, Diagnostic> {
    let mut depth = DepthCounter::default();
    let mut deepest = 0;
    let mut prev: Option<Tok> = None;
    for tok in Scanner::new(text) {
        let span = Span::new(tok.start + offset, tok.end + offset);
        match tok.kind {
            TokKind::Str { terminated: false } => {
                return Err(Diagnostic::new("E0101", "unterminated string")
                    .at(Span::new(span.start, span.start + 1))
                    .expected(format!("a closing `{}`", &text[tok.start..tok.start + 1]))
                    .help("strings end on the same kind of quote they start with; write `\\\"` for a quote inside"));
            }
            TokKind::Quoted { terminated: false } => {
                return Err(Diagnostic::new("E0101", "unterminated backquoted name")
                    .at(Span::new(span.start, span.start + 1))
                    .expected("a closing backquote")
                    .help("write two backquotes for a backquote inside a name"));
            }
            _ => {}
        }
        let word = (tok.kind == TokKind::Word).then(|| &text[tok.start..tok.end]);
        let now = depth.step(
            tok.kind,
            word,
            prev.map(|p| (p.kind, &text[p.start..p.end])),
        );
        if now > MAX_DEPTH {
            return Err(too_deep(span));
        }
        deepest = deepest.max(now);
        prev = Some(tok);
    }
    Ok(deepest)
}

/// The E0103 diagnostic.
pub(crate) fn too_deep(span: Span) -> Diagnostic {
    Diagnostic::new("E0103", format!("nested too deeply (more than {MAX_DEPTH} levels)"))
        .at(span)
        .help("simplify the statement: fewer nested parentheses, brackets, `not`s, `members of`s or operators in one chain")
}

/// Tracks an over-approximation of the parse tree's depth, token by token.
///
/// Brackets nest; a run of prefix tokens (`not`, `-`, `members`, with `of`
/// neutral) nests until the next other token; `with`, `compare`, `at` and
/// `export` starting a (nested) statement nest until the statement ends.
#[derive(Default)]
struct DepthCounter {
    /// The depth at each enclosing open bracket's level.
    stack: Vec<u32>,
    /// The depth of the current bracket level, without a prefix run.
    base: u32,
    /// The current depth.
    depth: u32,
}

impl DepthCounter {
    fn step(&mut self, kind: TokKind, word: Option<&str>, prev: Option<(TokKind, &str)>) -> u32 {
        let is = |w: &str| word.is_some_and(|x| x.eq_ignore_ascii_case(w));
        let starts_statement = match prev {
            None => true,
            Some((TokKind::Punct(':'), _)) => true,
            Some((TokKind::Word, p)) => p.eq_ignore_ascii_case("from"),
            _ => false,
        };
        match kind {
            TokKind::Punct('(' | '[' | '{') => {
                self.stack.push(self.base);
                self.base = self.depth + 1;
                self.depth = self.base;
            }
            TokKind::Punct(')' | ']' | '}') => {
                self.base = self.stack.pop().unwrap_or(self.base);
                self.depth = self.base;
            }
            TokKind::Punct('-') => self.depth += 1,
            _ if is("not") || is("members") => self.depth += 1,
            _ if is("of") => {}
            _ if starts_statement && (is("with") || is("compare") || is("export") || is("at")) => {
                self.base += 1;
                self.depth = self.base;
            }
            _ => self.depth = self.base,
        }
        self.depth
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(src: &str) -> Vec<&str> {
        split_statements(src)
            .into_iter()
            .map(|s| &src[s.start..s.end])
            .collect()
    }

    #[test]
    fn splits_on_semicolons_outside_strings_and_comments() {
        let src = "stats; show \"a;b\" -- c;d\n; show 'x;y'; // only; a comment\n ;; schema";
        assert_eq!(
            pieces(src),
            vec!["stats", "show \"a;b\"", "show 'x;y'", "schema"]
        );
    }

    #[test]
    fn splits_with_backquotes_and_escaped_quotes() {
        let src = "match (`a;b`) return 1; show \"x\\\";\" ;";
        assert_eq!(
            pieces(src),
            vec!["match (`a;b`) return 1", "show \"x\\\";\""]
        );
    }

    #[test]
    fn dash_dash_before_paren_or_gt_is_an_edge_not_a_comment() {
        let src = "match (a)--(b)-->(c) return a; stats";
        assert_eq!(pieces(src), vec!["match (a)--(b)-->(c) return a", "stats"]);
        assert_eq!(pieces("stats -- x; y"), vec!["stats"]);
    }

    #[test]
    fn empty_and_comment_only_scripts_have_no_statements() {
        assert!(split_statements("").is_empty());
        assert!(split_statements("  ;\n -- nothing; here\n // or here\n;").is_empty());
    }

    #[test]
    fn unterminated_string_runs_to_the_end() {
        let src = "show \"abc; stats";
        assert_eq!(pieces(src), vec![src]);
        let err = precheck(src, 0).expect_err("the string is open");
        assert_eq!(err.code, "E0101");
        assert_eq!(err.span, Some(Span::new(5, 6)));
    }

    #[test]
    fn depth_counts_brackets_prefixes_and_nested_statements() {
        let deep = format!("match (n) return {}1{}", "(".repeat(300), ")".repeat(300));
        assert_eq!(precheck(&deep, 0).map_err(|d| d.code), Err("E0103"));
        let ok = format!("match (n) return {}1{}", "(".repeat(200), ")".repeat(200));
        assert!(precheck(&ok, 0).is_ok());
        let chain = format!("match (n) return {}", "1 + ".repeat(1000));
        assert!(
            precheck(&chain, 0).is_ok(),
            "a flat chain is not lexically nested"
        );
        let withs = "with s: ".repeat(300) + "stats";
        assert_eq!(precheck(&withs, 0).map_err(|d| d.code), Err("E0103"));
        let starts = "match (n) where ".to_string()
            + &"n.a starts with \"x\" or ".repeat(300)
            + "true return n";
        assert!(precheck(&starts, 0).is_ok(), "`starts with` does not nest");
    }
}
