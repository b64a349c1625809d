//! Output formats for results (spec: *Output*): `table`, `json`, `csv`.
//! Each renders one [`ResultSet`] to a string; the caller prints it.

mod csv;
mod json;
mod table;
mod text;

use std::fmt;
use std::str::FromStr;

use crate::model::Graph;
use crate::result::ResultSet;

pub use text::{Style, cell_text, path_text};

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    /// Aligned columns, nodes by name, floats to 4 digits.
    #[default]
    Table,
    /// One JSON object per statement per line.
    Json,
    /// A header and rows; nodes by id.
    Csv,
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Format, String> {
        match s.to_ascii_lowercase().as_str() {
            "table" => Ok(Format::Table),
            "json" => Ok(Format::Json),
            "csv" => Ok(Format::Csv),
            _ => Err(format!("unknown format `{s}`: expected table, json or csv")),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Csv => "csv",
        })
    }
}

/// Renders a result in a format. The string ends with a newline.
pub fn render(g: &Graph, result: &ResultSet, format: Format) -> String {
    render_fit(g, result, format, None)
}

/// Like [`render`], with tables fitted to `width` columns (a terminal's
/// width; long cells are cut with `…`). JSON and CSV stay exact.
pub fn render_fit(g: &Graph, result: &ResultSet, format: Format, width: Option<usize>) -> String {
    match format {
        Format::Table => table::render(g, result, width),
        Format::Json => json::render(g, result),
        Format::Csv => csv::render(g, result),
    }
}
