//! Diagnostics: errors as data, rendered at the edge.
//!
//! A [`Diagnostic`] is a query-side error with a byte span into the source
//! text, a stable code, what was expected and found, and a hint. A
//! [`Problem`] is a data-side error located by file, line and column.
//! Rendering is plain text (no colour, fixed layout) so messages are stable
//! in tests and readable in pipes: `file:line:col`, the source line, a caret
//! under the fault.

use std::fmt;

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
            message: message.into(),
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
        self.expected = Some(expected.into());
        self
    }

    /// Adds a hint.
    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
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
            out.push_str(&format!("{pad}--> {origin}:{line}:{col}\n"));
            out.push_str(&format!("{pad} |\n"));
            out.push_str(&format!("{line} | {text}\n"));
            let line_start = source[..span.start.min(source.len())]
                .rfind('\n')
                .map_or(0, |i| i + 1);
            let line_end = line_start + text.len();
            let caret_from = text[..(span.start.min(line_end) - line_start).min(text.len())]
                .chars()
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect::<String>();
            let width = source
                .get(span.start.min(line_end)..span.end.min(line_end))
                .map_or(1, |s| s.chars().count().max(1));
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
            message: message.into(),
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
        f.write_str(&self.file)?;
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
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\ncé d", 7), (2, 4));
        assert_eq!(line_col("", 5), (1, 1));
    }
}
