//! The `table` format: aligned columns (Markdown-style, so a table pastes
//! into documents as is), numbers right-aligned, and a row count.

use comfy_table::{CellAlignment, ContentArrangement, Table, presets};

use super::text::{Style, cell_text};
use crate::model::{Graph, Value};
use crate::result::{Cell, ResultSet};

/// The text with control characters escaped (`\n`, `\u{1b}`): a table is
/// for a terminal, and names from the data must neither break its rows nor
/// send escape sequences. (CSV and JSON keep the text exact.)
fn printable(text: &str) -> String {
    crate::diag::escape_for_terminal(text).into_owned()
}

/// `text` cut to at most `max` characters, the last one `…`.
fn cut(text: String, max: usize) -> String {
    match text.char_indices().nth(max.saturating_sub(1)) {
        Some((at, _)) if text.chars().count() > max => format!("{}…", &text[..at]),
        _ => text,
    }
}

/// The fewest columns a table is squeezed into.
const MIN_WIDTH: usize = 20;

/// Renders a result as a table. With a `width` (a terminal's columns), the
/// table fits it: a cell longer than the width is cut with `…`, and
/// columns are wrapped to share the width.
pub fn render(g: &Graph, result: &ResultSet, width: Option<usize>) -> String {
    let mut out = String::new();
    if result.has_table() {
        let mut table = Table::new();
        table.load_style(presets::ASCII_MARKDOWN);
        let fit = |text: String| match width {
            Some(w) => cut(text, w.max(MIN_WIDTH)),
            None => text,
        };
        match width {
            Some(w) => {
                table.set_content_arrangement(ContentArrangement::Dynamic);
                table.set_width(u16::try_from(w.max(MIN_WIDTH)).unwrap_or(u16::MAX));
            }
            None => {
                table.set_content_arrangement(ContentArrangement::Disabled);
            }
        }
        table.set_header(
            result
                .columns
                .iter()
                .map(|c| comfy_table::Cell::new(fit(printable(c)))),
        );
        for row in &result.rows {
            table.add_row(row.iter().map(|c| {
                let text = fit(printable(&cell_text(g, c, Style::Table)));
                let cell = comfy_table::Cell::new(text);
                if matches!(c, Cell::Value(Value::Int(_) | Value::Float(_))) {
                    cell.set_alignment(CellAlignment::Right)
                } else {
                    cell
                }
            }));
        }
        out.push_str(&table.to_string());
        out.push('\n');
        let n = result.rows.len();
        out.push_str(&format!("({n} row{})\n", if n == 1 { "" } else { "s" }));
    }
    if let Some(message) = &result.message {
        let lines: Vec<String> = message.split('\n').map(printable).collect();
        out.push_str(&lines.join("\n"));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::GraphBuilder;

    #[test]
    fn a_wide_table_fits_the_width() {
        let g = GraphBuilder::new().finish();
        let long = "x".repeat(600);
        let result = ResultSet {
            columns: vec!["name".into(), "members".into(), "n".into()],
            rows: vec![vec![
                Cell::Value(Value::Str("short".into())),
                Cell::Value(Value::Str(long.clone().into())),
                Cell::Value(Value::Int(3)),
            ]],
            message: None,
        };
        let fitted = render(&g, &result, Some(100));
        for line in fitted.lines() {
            assert!(line.chars().count() <= 100, "{line:?} is wider than 100");
        }
        assert!(fitted.contains('…'), "{fitted}");
        assert!(fitted.contains("short"));
        let unbounded = render(&g, &result, None);
        assert!(unbounded.contains(&long));
    }

    #[test]
    fn cut_keeps_short_text_and_marks_long_text() {
        assert_eq!(cut("abc".into(), 3), "abc");
        assert_eq!(cut("abcd".into(), 3), "ab…");
        assert_eq!(cut("ééééé".into(), 2), "é…");
    }
}
