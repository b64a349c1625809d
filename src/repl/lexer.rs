//! The REPL's view of FQL's one lexer ([`crate::syntax::pieces`]) and
//! vocabulary ([`crate::syntax::vocab`]): tokens that cover every byte of
//! the line (whitespace included), so the highlighter can rebuild it, and
//! the keywords to colour and complete.

use std::sync::LazyLock;

use crate::syntax::{Piece, pieces, vocab};

/// What a token is, as far as colouring and completion care.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok {
    /// A word: keyword, kind, type, variable or function.
    Word,
    /// A string literal (possibly unterminated).
    Str,
    /// A number.
    Number,
    /// `$name`
    Param,
    /// `--` or `//` comment.
    Comment,
    /// Anything else (punctuation, operators, backquoted names, whitespace).
    Other,
}

/// The FQL keywords (lower case), from the grammar.
pub static KEYWORDS: LazyLock<&'static [&'static str]> = LazyLock::new(vocab::keywords);

/// Splits `line` into `(kind, start, end)` byte ranges covering all of it.
pub fn tokens(line: &str) -> Vec<(Tok, usize, usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    for (piece, start, end) in pieces(line) {
        if start > at {
            out.push((Tok::Other, at, start));
        }
        let tok = match piece {
            Piece::Word => Tok::Word,
            Piece::Number => Tok::Number,
            Piece::Param => Tok::Param,
            Piece::Str { .. } => Tok::Str,
            Piece::Comment => Tok::Comment,
            Piece::Quoted { .. } | Piece::Other => Tok::Other,
        };
        out.push((tok, start, end));
        at = end;
    }
    if at < line.len() {
        out.push((Tok::Other, at, line.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_cover_strings_numbers_params_and_comments() {
        let line = "match (n {name: \"TSMC\"}) where n.x > 1.5 and $p -- note";
        let kinds: Vec<Tok> = tokens(line)
            .into_iter()
            .filter(|t| t.0 != Tok::Other)
            .map(|t| t.0)
            .collect();
        assert_eq!(
            kinds,
            vec![
                Tok::Word,
                Tok::Word,
                Tok::Word,
                Tok::Str,
                Tok::Word,
                Tok::Word,
                Tok::Word,
                Tok::Number,
                Tok::Word,
                Tok::Param,
                Tok::Comment
            ]
        );
        let rebuilt: String = tokens(line).iter().map(|t| &line[t.1..t.2]).collect();
        assert_eq!(rebuilt, line);
    }

    #[test]
    fn arrows_and_undirected_edges_are_not_comments() {
        assert!(tokens("(a)-->(b)").iter().all(|t| t.0 != Tok::Comment));
        assert!(
            tokens("match (a)--(b) return a")
                .iter()
                .all(|t| t.0 != Tok::Comment)
        );
        assert!(
            tokens("match (`x--y`) return 1")
                .iter()
                .all(|t| t.0 != Tok::Comment)
        );
        assert!(
            tokens("*1..3")
                .iter()
                .any(|t| t.0 == Tok::Number && t.2 - t.1 == 1)
        );
    }
}
