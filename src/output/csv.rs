//! The `csv` format: a header and rows (RFC 4180 quoting by the csv crate),
//! nodes by id, paths as text, floats at full precision.

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
    let _ = w.write_record(&result.columns);
    for row in &result.rows {
        let _ = w.write_record(row.iter().map(|c| cell_text(g, c, Style::Csv)));
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}
