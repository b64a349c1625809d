//! The copy loop shared by every escaper: runs of ordinary characters are
//! copied whole, and only the characters a format cannot hold as they are
//! get replaced. Exports of millions of names spend their time here.

use std::borrow::Cow;

/// Copies `s` into `out`, replacing each character for which `rep` returns
/// a text. `rep` also sees the rest of the string after the character, for
/// the escapes that look ahead (`\r\n`).
pub(crate) fn escape_into(
    s: &str,
    out: &mut String,
    rep: impl Fn(char, &str) -> Option<Cow<'static, str>>,
) {
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let end = i + c.len_utf8();
        if let Some(r) = rep(c, &s[end..]) {
            out.push_str(&s[start..i]);
            out.push_str(&r);
            start = end;
        }
    }
    out.push_str(&s[start..]);
}

/// Whether XML 1.0 can hold the character at all (not even a character
/// reference can carry the others).
/// Text for HTML or XML content: `&`, `<`, `>` and `"` as entities,
/// control characters as U+FFFD (the HTML title, the SVG chart).
pub(crate) fn push_markup_text(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
}

pub(crate) fn xml_char(c: char) -> bool {
    match c {
        '\t' | '\n' | '\r' => true,
        '\u{FFFE}' | '\u{FFFF}' => false,
        c => c >= ' ',
    }
}

/// Characters a picture should not try to draw: control characters
/// (C0, DEL, C1) and the XML non-characters, all of which SVG cannot hold.
pub(crate) fn undrawable(c: char) -> bool {
    c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_runs_and_replaces_marked_characters() {
        let mut out = String::from(">");
        escape_into("a\"bc\"\"é\r\nx\r", &mut out, |c, rest| match c {
            '"' => Some("\\\"".into()),
            '\r' if rest.starts_with('\n') => Some("".into()),
            '\r' => Some("\\n".into()),
            _ => None,
        });
        assert_eq!(out, ">a\\\"bc\\\"\\\"é\nx\\n");
        assert!(!xml_char('\u{1}') && xml_char('\n') && !xml_char('\u{FFFF}') && xml_char('é'));
        assert!(undrawable('\u{85}') && undrawable('\u{7f}') && !undrawable('台'));
    }
}
