//! Gathering lines into statements, the way psql and cypher-shell do: a
//! line that is complete on its own runs on Enter; once a statement spans
//! lines it runs at the `;` that ends it. Each line is read by its own
//! `readline`, so a paste of many lines costs one short redraw per line,
//! never a redraw of everything pasted so far.

use super::lexer::{Tok, tokens};

/// The prompt of a new statement.
pub const PROMPT: &str = "faultline> ";
/// The prompt of a continuation line (as wide as [`PROMPT`]).
pub const CONTINUATION: &str = "      ..> ";

/// A statement that spans more lines than this runs anyway (and shows its
/// syntax error), so an unclosed string in a paste cannot swallow the rest.
const MAX_LINES: usize = 2_000;

/// What to do with the input gathered so far.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    /// Read another line (show the continuation prompt).
    More,
    /// Run this `:` command (without the colon).
    Command(String),
    /// Run these statements.
    Statements(String),
}

/// Lines read so far for the statement being typed.
#[derive(Debug, Default)]
pub struct Pending {
    text: String,
    lines: usize,
}

impl Pending {
    /// Whether a statement is half-typed (the continuation prompt shows).
    pub fn is_open(&self) -> bool {
        self.lines > 0
    }

    /// Forgets the half-typed statement (Ctrl-C).
    pub fn clear(&mut self) {
        self.text.clear();
        self.lines = 0;
    }

    /// Adds a line (which may itself hold newlines, from history or a
    /// bracketed paste) and says what to do.
    pub fn push(&mut self, line: &str) -> Step {
        if !self.is_open() {
            let t = line.trim();
            if t.is_empty() {
                return Step::More;
            }
            if let Some(command) = t.strip_prefix(':') {
                return Step::Command(command.to_string());
            }
        }
        if self.is_open() {
            self.text.push('\n');
        }
        self.text.push_str(line.trim_end());
        self.lines += 1 + line.matches('\n').count();
        let t = self.text.trim();
        let done = if t.is_empty() {
            self.clear();
            return Step::More;
        } else if self.lines == 1 && !t.contains('\n') {
            crate::syntax::is_complete(t)
        } else {
            ends_with_semicolon(t) || self.lines > MAX_LINES
        };
        if !done {
            return Step::More;
        }
        let text = std::mem::take(&mut self.text);
        self.lines = 0;
        Step::Statements(text.trim().to_string())
    }
}

/// Whether the last token that is not a comment or a blank is `;`, outside
/// any string.
fn ends_with_semicolon(text: &str) -> bool {
    tokens(text)
        .into_iter()
        .rev()
        .find(|&(kind, start, end)| {
            kind != Tok::Comment && !(kind == Tok::Other && text[start..end].trim().is_empty())
        })
        .is_some_and(|(kind, start, end)| kind == Tok::Other && &text[start..end] == ";")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_complete_single_line_runs_on_enter() {
        let mut p = Pending::default();
        assert_eq!(
            p.push("match (n) return n.name"),
            Step::Statements("match (n) return n.name".into())
        );
        assert!(!p.is_open());
        assert_eq!(p.push(":help  "), Step::Command("help".into()));
        assert_eq!(p.push("   "), Step::More);
        assert!(!p.is_open());
    }

    #[test]
    fn a_statement_over_lines_waits_for_its_semicolon() {
        let mut p = Pending::default();
        assert_eq!(p.push("match (f:Firm)"), Step::More);
        assert!(p.is_open());
        assert_eq!(p.push("return f.name"), Step::More, "complete but no `;`");
        assert_eq!(p.push(":Firm) -- a line starting with a colon"), Step::More);
        assert_eq!(p.push("order by f.name // later"), Step::More);
        assert_eq!(p.push(""), Step::More);
        assert_eq!(
            p.push("; -- done"),
            Step::Statements(
                "match (f:Firm)\nreturn f.name\n:Firm) -- a line starting with a colon\norder by f.name // later\n\n; -- done"
                    .into()
            )
        );
        assert!(!p.is_open());
    }

    #[test]
    fn a_semicolon_inside_a_string_does_not_end_it() {
        let mut p = Pending::default();
        assert_eq!(p.push("show \"a;"), Step::More);
        assert_eq!(p.push("b;"), Step::More);
        assert!(matches!(p.push("\";"), Step::Statements(_)));
    }

    #[test]
    fn pasted_text_with_newlines_is_one_input() {
        let mut p = Pending::default();
        assert_eq!(p.push("stats;\nschema"), Step::More);
        assert_eq!(
            p.push("  ;"),
            Step::Statements("stats;\nschema\n  ;".into())
        );
        p.clear();
        assert!(!p.is_open());
    }

    #[test]
    fn an_endless_statement_runs_after_max_lines() {
        let mut p = Pending::default();
        assert_eq!(p.push("show \"never closed"), Step::More);
        let ran = (0..MAX_LINES + 1).any(|_| p.push("x") != Step::More);
        assert!(ran);
    }
}
