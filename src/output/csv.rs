//! The `csv` format: a header and rows (RFC 4180 quoting by the csv crate),
//! nodes by id, paths as text, floats at full precision.
//!
//! Cells that a spreadsheet would run as a formula (text starting with `=`,
//! `@`, a tab or a carriage return, or with `+` or `-` when it is not a
//! number) get a leading `'`, the usual defence against CSV injection: a
//! node named `=cmd|' /C calc'!A0` must not run anything when an analyst
//! opens the result in a spreadsheet. Numbers are never changed.

use super::text::{Style, cell_text};
use crate::model::Graph;
use crate::result::ResultSet;

/// Renders a result as CSV. A message-only result renders as nothing (the
/// message goes to the caller's notice channel).
pub fn render(g: &Graph, result: &ResultSet) -> String {
    if !result.has_table() {
        return String::new();
    }
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    // Writing into a Vec cannot fail; a failure would only drop the row.
    // Column names come from the query (`return a.name as "=cmd"`): the
    // header is defused like any cell.
    let _ = w.write_record(result.columns.iter().map(|c| defuse(c.clone())));
    for row in &result.rows {
        let _ = w.write_record(row.iter().map(|c| defuse(cell_text(g, c, Style::Csv))));
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The cell with a leading `'` when a spreadsheet would read it as a
/// formula (see the module comment).
fn defuse(text: String) -> String {
    let formula = match text.chars().next() {
        Some('=' | '@' | '\t' | '\r') => true,
        Some('+' | '-') => text.parse::<f64>().is_err(),
        _ => false,
    };
    if formula { format!("'{text}") } else { text }
}

#[cfg(test)]
mod tests {
    use super::defuse;

    #[test]
    fn formula_cells_are_defused_and_numbers_kept() {
        for (cell, shown) in [
            ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
            ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
            ("+1+2", "'+1+2"),
            ("-2+3", "'-2+3"),
            ("\t=1", "'\t=1"),
            ("-0.25", "-0.25"),
            ("+7", "+7"),
            ("1e-3", "1e-3"),
            ("TSMC", "TSMC"),
            ("", ""),
        ] {
            assert_eq!(defuse(cell.to_string()), shown, "{cell:?}");
        }
    }
}
