//! Diagnostics: errors as data, rendered at the edge.
//!
//! A [`Diagnostic`] is a query-side error with a byte span into the source
//! text, a stable code, what was expected and found, and a hint. A
//! [`Problem`] is a data-side error located by file, line and column.
//! Rendering is plain text (no colour, fixed layout) so messages are stable
//! in tests and readable in pipes: `file:line:col`, the source line, a caret
//! under the fault.

use std::fmt;

pub mod closest;

pub use closest::{closest, ranked};

/// A byte range into a statement's or script's source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start,
            end: end.max(start),
        }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// Shifts the span by `offset` bytes (a statement inside a script).
    pub fn shift(self, offset: usize) -> Span {
        Span::new(self.start + offset, self.end + offset)
    }
}

/// A query-side error: syntax, name resolution, types, evaluation.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// A stable code (`E0101` syntax, `E02xx` names, `E03xx` types, `E04xx` evaluation).
    pub code: &'static str,
    /// One line saying what is wrong.
    pub message: String,
    /// Where, if known.
    pub span: Option<Span>,
    /// What was expected there, in words.
    pub expected: Option<String>,
    /// A hint: "did you mean", how to fix.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with a code and message.
    pub fn new(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            message: tidy_message(message.into()),
            span: None,
            expected: None,
            help: None,
        }
    }

    /// Attaches a span.
    pub fn at(mut self, span: Span) -> Diagnostic {
        self.span = Some(span);
        self
    }

    /// Says what was expected.
    pub fn expected(mut self, expected: impl Into<String>) -> Diagnostic {
        self.expected = Some(tidy_message(expected.into()));
        self
    }

    /// Adds a hint.
    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(tidy_message(help.into()));
        self
    }

    /// Renders against the source it refers to. `origin` names it (a script
    /// path, or `<query>`).
    pub fn render(&self, origin: &str, source: &str) -> String {
        let mut out = format!("error[{}]: {}\n", self.code, self.message);
        if let Some(span) = self.span {
            let (line, col) = line_col(source, span.start);
            let text = source.lines().nth(line - 1).unwrap_or("");
            let gutter = line.to_string().len();
            let pad = " ".repeat(gutter);
            let origin = escape_for_terminal(origin);
            out.push_str(&format!("{pad}--> {origin}:{line}:{col}\n"));
            out.push_str(&format!("{pad} |\n"));
            let line_start = line_start(source, span.start);
            let line_end = line_start + text.len();
            let before = source
                .get(line_start..span.start.min(line_end).max(line_start))
                .unwrap_or("");
            let width = source
                .get(span.start.min(line_end)..span.end.min(line_end))
                .map_or(1, |s| s.chars().count().max(1));
            let (shown, caret_at, width) = excerpt(text, before.chars().count(), width);
            out.push_str(&format!("{line} | {shown}\n"));
            let caret_from = shown
                .chars()
                .take(caret_at)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect::<String>();
            out.push_str(&format!("{pad} | {caret_from}{}", "^".repeat(width)));
            if let Some(expected) = &self.expected {
                out.push_str(&format!(" expected {expected}"));
            }
            out.push('\n');
        } else if let Some(expected) = &self.expected {
            out.push_str(&format!("  expected {expected}\n"));
        }
        if let Some(help) = &self.help {
            out.push_str(&format!("  = help: {help}\n"));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error[{}]: {}", self.code, self.message)?;
        if let Some(e) = &self.expected {
            write!(f, " (expected {e})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

/// Lines longer than this many characters are shown as an excerpt around
/// the fault (a one-line script of megabytes must not print megabytes).
const MAX_SHOWN_LINE: usize = 160;
/// Characters of context either side of the fault in an excerpt.
const EXCERPT_CONTEXT: usize = 60;
/// The longest caret drawn under an excerpt.
const MAX_CARET: usize = 60;

/// The byte offset where the line holding `offset` starts.
fn line_start(source: &str, offset: usize) -> usize {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    source[..offset].rfind('\n').map_or(0, |i| i + 1)
}

/// The source line as shown under a diagnostic, the caret's position in it
/// (in characters) and the caret's width. Control characters other than
/// tab become U+FFFD, so a query cannot send escape sequences to the
/// terminal through its error message; a long line is cut to an excerpt
/// around the fault with `…` at the cuts.
fn excerpt(text: &str, at: usize, width: usize) -> (String, usize, usize) {
    let clean = |c: char| {
        if unsafe_for_terminal(c) && c != '\t' {
            '\u{FFFD}'
        } else {
            c
        }
    };
    let total = text.chars().count();
    if total <= MAX_SHOWN_LINE {
        return (text.chars().map(clean).collect(), at, width);
    }
    let width = width.clamp(1, MAX_CARET);
    let from = at.saturating_sub(EXCERPT_CONTEXT);
    let to = (at + width + EXCERPT_CONTEXT).min(total);
    let mut shown = String::new();
    let mut caret_at = at - from;
    if from > 0 {
        shown.push('…');
        caret_at += 1;
    }
    shown.extend(text.chars().skip(from).take(to - from).map(clean));
    if to < total {
        shown.push('…');
    }
    (shown, caret_at, width)
}

/// Whether `c` must not reach a terminal raw: control characters (C0,
/// DEL, C1, which start escape sequences) and the bidirectional overrides
/// and isolates (which reorder what is shown).
pub fn unsafe_for_terminal(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The text with every character [`unsafe_for_terminal`] escaped
/// (`\u{1b}`, `\n`): the one escaping function for everything from the
/// data or a query that is printed (tables, `check`, errors and their
/// help lines, REPL messages). Borrowed when there is nothing to escape.
pub fn escape_for_terminal(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(unsafe_for_terminal) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_for_terminal(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A value for a message: whole when short, else its first characters,
/// `…` and its length in bytes (for values quoted other than with
/// backticks, which [`tidy_message`] cuts by itself).
pub fn cut_value(value: &str) -> std::borrow::Cow<'_, str> {
    if value.chars().nth(MAX_QUOTED).is_none() {
        return std::borrow::Cow::Borrowed(value);
    }
    let head: String = value.chars().take(MAX_QUOTED - 20).collect();
    std::borrow::Cow::Owned(format!("{head}… ({} bytes)", value.len()))
}

/// The longest part of a message between backticks (a value from the data
/// or the query) that is shown whole.
const MAX_QUOTED: usize = 80;
/// The longest message kept whole.
const MAX_MESSAGE: usize = 1000;

/// Makes a message safe and short enough to print: control characters are
/// escaped (`\u{1b}`), a value between backticks longer than
/// `MAX_QUOTED` characters is cut with its length in bytes, and the whole
/// message is cut at `MAX_MESSAGE` characters. Data files and queries can
/// hold anything; their errors must still be one readable line.
pub fn tidy_message(message: String) -> String {
    let needs_work = message.len() > MAX_QUOTED || message.chars().any(unsafe_for_terminal);
    if !needs_work {
        return message;
    }
    let mut out = String::with_capacity(message.len().min(MAX_MESSAGE + 64));
    for (i, part) in message.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        let quoted = i % 2 == 1;
        let long = quoted && part.chars().nth(MAX_QUOTED).is_some();
        let shown = if long {
            let mut cut: String = part.chars().take(MAX_QUOTED - 20).collect();
            cut.push_str(&format!("… ({} bytes)", part.len()));
            cut
        } else {
            part.to_string()
        };
        out.push_str(&escape_for_terminal(&shown));
        if out.len() > 4 * MAX_MESSAGE {
            break;
        }
    }
    if out.chars().nth(MAX_MESSAGE).is_some() {
        let total = message.len();
        out = out.chars().take(MAX_MESSAGE).collect();
        out.push_str(&format!("… (message cut; {total} bytes)"));
    }
    out
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let mut offset = offset;
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rfind('\n')
        .map_or(before, |i| &before[i + 1..])
        .chars()
        .count()
        + 1;
    (line, col)
}

/// A data-side problem: file, line, column, and a message that names the
/// offending value and what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The file (as given or found under a directory).
    pub file: String,
    /// 1-based line, when the problem has one.
    pub line: Option<usize>,
    /// 1-based column, when the problem has one.
    pub column: Option<usize>,
    /// What is wrong, with the value and what was expected.
    pub message: String,
}

impl Problem {
    /// A problem located in a file.
    pub fn new(file: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            file: file.into(),
            line: None,
            column: None,
            message: tidy_message(message.into()),
        }
    }

    /// Sets the line.
    pub fn line(mut self, line: usize) -> Problem {
        self.line = Some(line);
        self
    }

    /// Sets the column.
    pub fn column(mut self, column: usize) -> Problem {
        self.column = Some(column);
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape_for_terminal(&self.file))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_caret_under_the_span() {
        let src = "match (f:Frim)\nreturn f";
        let d = Diagnostic::new("E0201", "unknown kind `Frim`")
            .at(Span::new(9, 13))
            .expected("a kind of the graph")
            .help("did you mean `Firm`?");
        let text = d.render("q.fql", src);
        assert_eq!(
            text,
            "error[E0201]: unknown kind `Frim`\n --> q.fql:1:10\n  |\n1 | match (f:Frim)\n  |          ^^^^ expected a kind of the graph\n  = help: did you mean `Firm`?\n"
        );
    }

    #[test]
    fn long_lines_are_shown_as_an_excerpt_around_the_fault() {
        let src = format!("match (n) return {}1{}", "(".repeat(5000), ")".repeat(5000));
        let d = Diagnostic::new("E0103", "nested too deeply").at(Span::new(5017, 5018));
        let text = d.render("<query>", &src);
        assert!(text.len() < 600, "{} bytes: {text}", text.len());
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[3].starts_with("1 | …((((") && lines[3].ends_with(")))…"),
            "{text}"
        );
        // The caret stands under the `1`.
        let shown: Vec<char> = lines[3].chars().collect();
        let caret_chars = lines[4].chars().take_while(|c| *c != '^').count();
        assert_eq!(shown[caret_chars], '1', "{text}");
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let src = "match (n) where n.name = \"\u{1b}[31mred\" return n";
        let d = Diagnostic::new("E0201", "unknown node `\u{1b}[31mred`").at(Span::new(25, 36));
        let text = d.render("<query>", src);
        assert!(!text.contains('\u{1b}'), "{text:?}");
        assert!(text.contains("unknown node `\\u{1b}[31mred`"), "{text}");
        assert!(text.contains("\u{FFFD}[31mred"), "{text}");
    }

    #[test]
    fn long_values_in_messages_are_cut_with_their_length() {
        let value = "x".repeat(3_000_000);
        let p = Problem::new(
            "f.csv",
            format!("`{value}` is not an int; expected an integer"),
        );
        assert!(p.message.len() < 200, "{}", p.message);
        assert!(
            p.message
                .contains("… (3000000 bytes)` is not an int; expected an integer")
        );
        let d = Diagnostic::new("E0305", format!("bad \"{value}\""));
        assert!(d.message.len() < 1100 && d.message.ends_with("(message cut; 3000006 bytes)"));
        let short = "unknown kind `Frim`".to_string();
        assert_eq!(tidy_message(short.clone()), short);
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\ncé d", 7), (2, 4));
        assert_eq!(line_col("", 5), (1, 1));
    }
}
