//! FQL's vocabulary in one place: statement keywords, every keyword, and
//! function names. The parser's messages, the REPL's highlighter and
//! completer and `:help` all read it from here.
//!
//! The keywords are read from the grammar itself (`grammar/fql.pest`, its
//! case-insensitive literals), so they cannot drift from what parses.

use std::sync::LazyLock;

/// The words a statement starts with, in the order `:help` and error
/// messages list them.
pub const STATEMENTS: [&str; 13] = [
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

/// The scalar functions of expressions.
pub const SCALAR_FUNCTIONS: [&str; 15] = [
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
];

/// The aggregate functions of `return`.
pub const AGGREGATES: [&str; 6] = ["count", "sum", "avg", "min", "max", "collect"];

/// Every function name: scalar functions, then aggregates.
pub fn functions() -> impl Iterator<Item = &'static str> {
    SCALAR_FUNCTIONS.into_iter().chain(AGGREGATES)
}

/// The grammar, for its keywords.
const GRAMMAR: &str = include_str!("../../grammar/fql.pest");

static KEYWORDS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut words: Vec<&'static str> = GRAMMAR
        .split("^\"")
        .skip(1)
        .filter_map(|rest| rest.split_once('"').map(|(word, _)| word))
        .filter(|w| w.len() > 1 && w.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        .collect();
    words.sort_unstable();
    words.dedup();
    words
});

/// Every keyword of the grammar (lower case, sorted; single letters such as
/// the `k` of `path k N` left out, since they are also common names).
pub fn keywords() -> &'static [&'static str] {
    &KEYWORDS
}

/// Whether `word` is a keyword, case ignored.
pub fn is_keyword(word: &str) -> bool {
    KEYWORDS
        .binary_search(&word.to_ascii_lowercase().as_str())
        .is_ok()
}

/// The statement keywords as a list for messages: `match, path, ...`.
pub fn statement_list() -> &'static str {
    static LIST: LazyLock<String> = LazyLock::new(|| STATEMENTS.join(", "));
    &LIST
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_come_from_the_grammar() {
        for w in [
            "match", "return", "upstream", "starts", "graphml", "members",
        ] {
            assert!(is_keyword(w), "{w}");
        }
        assert!(is_keyword("MATCH"), "case ignored");
        assert!(!is_keyword("k") && !is_keyword("nvidia"));
    }

    #[test]
    fn statements_are_keywords() {
        for s in STATEMENTS {
            assert!(is_keyword(s), "{s} is not a literal of the grammar");
        }
        assert!(statement_list().starts_with("match, path, upstream"));
    }
}
