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

/// Renders a result as a table.
pub fn render(g: &Graph, result: &ResultSet) -> String {
    let mut out = String::new();
    if result.has_table() {
        let mut table = Table::new();
        table.load_style(presets::ASCII_MARKDOWN);
        table.set_content_arrangement(ContentArrangement::Disabled);
        table.set_header(
            result
                .columns
                .iter()
                .map(|c| comfy_table::Cell::new(printable(c))),
        );
        for row in &result.rows {
            table.add_row(row.iter().map(|c| {
                let text = printable(&cell_text(g, c, Style::Table));
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
