//! A small tokenizer for highlighting and completion. It never fails: any
//! input splits into tokens, so half-typed statements colour sensibly.

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
    /// Anything else (punctuation, operators, whitespace).
    Other,
}

/// The FQL keywords (lower case).
pub const KEYWORDS: &[&str] = &[
    "match",
    "where",
    "return",
    "distinct",
    "order",
    "by",
    "asc",
    "desc",
    "skip",
    "limit",
    "as",
    "and",
    "or",
    "xor",
    "not",
    "in",
    "is",
    "null",
    "true",
    "false",
    "starts",
    "ends",
    "with",
    "contains",
    "path",
    "shortest",
    "all",
    "from",
    "to",
    "via",
    "max",
    "undirected",
    "weighted",
    "upstream",
    "downstream",
    "of",
    "depth",
    "exposure",
    "top",
    "chokepoints",
    "scenario",
    "remove",
    "cut",
    "decouple",
    "compare",
    "show",
    "schema",
    "stats",
    "export",
    "dot",
    "json",
    "graphml",
    "svg",
    "png",
    "html",
    "chart",
    "layout",
    "labels",
    "members",
    "clusters",
    "count",
    "at",
    "changes",
    "between",
    "ended",
];

/// Splits `line` into `(kind, start, end)` byte ranges.
pub fn tokens(line: &str) -> Vec<(Tok, usize, usize)> {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let c = bytes[i];
        let kind =
            if (c == b'-' && bytes.get(i + 1) == Some(&b'-') && bytes.get(i + 2) != Some(&b'>'))
                || (c == b'/' && bytes.get(i + 1) == Some(&b'/'))
            {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                Tok::Comment
            } else if c == b'"' || c == b'\'' {
                i += 1;
                while i < bytes.len() && bytes[i] != c {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i = (i + 1).min(bytes.len());
                Tok::Str
            } else if c.is_ascii_digit() {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'.') {
                    if bytes[i] == b'.' && bytes.get(i + 1) == Some(&b'.') {
                        break;
                    }
                    i += 1;
                }
                Tok::Number
            } else if c == b'$' {
                i += 1;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                Tok::Param
            } else if c.is_ascii_alphabetic() || c == b'_' {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                Tok::Word
            } else {
                // Skip one whole UTF-8 character.
                i += line[i..].chars().next().map_or(1, char::len_utf8);
                Tok::Other
            };
        out.push((kind, start, i.min(bytes.len())));
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
    }

    #[test]
    fn arrows_are_not_comments() {
        assert!(tokens("(a)-->(b)").iter().all(|t| t.0 != Tok::Comment));
        assert!(
            tokens("*1..3")
                .iter()
                .any(|t| t.0 == Tok::Number && t.2 - t.1 == 1)
        );
    }
}
