//! `export chart "FILE.svg" from exposure|impact|chokepoints|compare ...`:
//! a labelled horizontal bar chart of the rows, one bar per row (two,
//! before and after, for `compare`), written as a small hand-made SVG.
//!
//! Which number is drawn: for `before`/`after` columns both; otherwise the
//! first of `total`, `exposure`, `score`, `loss`, `impact` present, else the
//! first numeric column after the first. Rows are drawn in result order
//! (the statements already sort them), each named by its first text column
//! (and the next ones while names repeat; see `label_columns`). A result
//! without rows or without a number is an error, not an empty chart.
//!
//! A plotting crate (plotters) was considered; for one kind of chart the
//! SVG is a few lines of text and builds in no time on a 2-core machine.

use std::fmt::Write as _;

use super::escape::push_markup_text;
use crate::model::{Graph, Value};
use crate::output::{Style, cell_text};
use crate::result::{Cell, ResultSet};

/// Columns preferred for the bar length, in order.
const PREFERRED: &[&str] = &["total", "exposure", "score", "loss", "impact"];
/// The most bars drawn (the rest are counted in the caption).
pub const MAX_BARS: usize = 40;

const BAR: f64 = 16.0;
const GAP: f64 = 8.0;
const LABEL_W: f64 = 220.0;
const PLOT_W: f64 = 420.0;
const BEFORE: &str = "#9fc5e8";
const AFTER: &str = "#e06666";
const ONE: &str = "#6fa8dc";

/// Writes the result as an SVG bar chart, or says why it cannot.
pub fn to_chart(g: &Graph, result: &ResultSet, title: &str) -> Result<String, String> {
    if result.rows.is_empty() {
        return Err(format!(
            "the statement returned no rows, so there is nothing to draw (columns: {})",
            result.columns.join(", ")
        ));
    }
    let col = |name: &str| result.columns.iter().position(|c| c == name);
    let numeric = |i: usize| {
        result
            .rows
            .iter()
            .any(|r| matches!(r.get(i), Some(Cell::Value(Value::Int(_) | Value::Float(_)))))
    };
    let series: Vec<(usize, &str)> = match (col("before"), col("after")) {
        (Some(b), Some(a)) => vec![(b, BEFORE), (a, AFTER)],
        _ => {
            let pick = PREFERRED
                .iter()
                .filter_map(|name| col(name))
                .next()
                .or_else(|| (1..result.columns.len()).find(|&i| numeric(i)));
            match pick {
                Some(i) => vec![(i, ONE)],
                None => {
                    return Err(format!(
                        "a chart needs a numeric column; the statement returns {}",
                        result.columns.join(", ")
                    ));
                }
            }
        }
    };
    let number = |row: &[Cell], i: usize| match row.get(i) {
        Some(Cell::Value(Value::Int(v))) => *v as f64,
        Some(Cell::Value(Value::Float(v))) if v.is_finite() => *v,
        _ => 0.0,
    };
    let rows: Vec<&Vec<Cell>> = result.rows.iter().take(MAX_BARS).collect();
    let label_columns = label_columns(g, result, series[0].0, &numeric);
    let max = rows
        .iter()
        .flat_map(|r| series.iter().map(|&(i, _)| number(r, i).abs()))
        .fold(0.0f64, f64::max);
    let scale = if max > 0.0 { PLOT_W / max } else { 0.0 };
    let group = BAR * series.len() as f64 + GAP;
    let top = 48.0;
    let height = top + group * rows.len() as f64 + 40.0;
    let width = LABEL_W + PLOT_W + 90.0;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">"
    );
    let _ = writeln!(
        out,
        "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">{}</text>",
        xml(title)
    );
    // Legend: the series' column names.
    let mut lx = 10.0;
    for &(i, colour) in &series {
        let _ = writeln!(
            out,
            "<rect x=\"{lx}\" y=\"28\" width=\"10\" height=\"10\" fill=\"{colour}\"/><text x=\"{}\" y=\"37\">{}</text>",
            lx + 14.0,
            xml(&result.columns[i])
        );
        lx += 100.0;
    }
    for (k, row) in rows.iter().enumerate() {
        let y0 = top + group * k as f64;
        let label = row_label(g, row, &label_columns);
        let _ = writeln!(
            out,
            "<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            LABEL_W - 6.0,
            y0 + group / 2.0,
            xml(&cut(&label, 34))
        );
        for (j, &(i, colour)) in series.iter().enumerate() {
            let v = number(row, i);
            let y = y0 + BAR * j as f64;
            let w = (v.abs() * scale).max(0.5);
            let _ = writeln!(
                out,
                "<rect class=\"bar\" x=\"{LABEL_W}\" y=\"{y}\" width=\"{w:.2}\" height=\"{}\" fill=\"{colour}\"><title>{}: {}</title></rect>\
                 <text x=\"{:.2}\" y=\"{:.2}\" font-size=\"10\">{}</text>",
                BAR - 2.0,
                xml(&result.columns[i]),
                v,
                LABEL_W + w + 4.0,
                y + BAR - 5.0,
                format_value(v)
            );
        }
    }
    let axis_y = top + group * rows.len() as f64;
    let _ = writeln!(
        out,
        "<line x1=\"{LABEL_W}\" y1=\"{top}\" x2=\"{LABEL_W}\" y2=\"{axis_y}\" stroke=\"#444\"/>"
    );
    if result.rows.len() > rows.len() {
        let _ = writeln!(
            out,
            "<text x=\"10\" y=\"{}\" fill=\"#777\">first {} of {} rows</text>",
            axis_y + 20.0,
            rows.len(),
            result.rows.len()
        );
    }
    out.push_str("</svg>\n");
    Ok(out)
}

/// The columns that name a bar: the first text column before the drawn one
/// (after it if none comes before: a path after its hop count), and the
/// next text columns until the rows' labels are distinct (`stats`: element
/// and name).
fn label_columns(
    g: &Graph,
    result: &ResultSet,
    drawn: usize,
    numeric: &dyn Fn(usize) -> bool,
) -> Vec<usize> {
    let text: Vec<usize> = (0..result.columns.len()).filter(|&i| !numeric(i)).collect();
    let start = text
        .iter()
        .position(|&i| i < drawn)
        .or_else(|| (!text.is_empty()).then_some(0));
    let Some(start) = start else {
        return vec![0];
    };
    let mut chosen = Vec::new();
    for &i in &text[start..] {
        chosen.push(i);
        let mut seen = std::collections::HashSet::new();
        if result
            .rows
            .iter()
            .all(|r| seen.insert(row_label(g, r, &chosen)))
        {
            break;
        }
    }
    chosen
}

/// A bar's label: the row's label cells, the empty ones left out.
fn row_label(g: &Graph, row: &[Cell], columns: &[usize]) -> String {
    columns
        .iter()
        .filter_map(|&i| row.get(i))
        .map(|c| cell_text(g, c, Style::Table))
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

/// A number for a bar's end: up to 4 decimals, no trailing zeros.
fn format_value(v: f64) -> String {
    let text = format!("{v:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text.is_empty() || text == "-" {
        "0".into()
    } else {
        text.into()
    }
}

/// At most `max` characters, the last one `…`.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max - 1).collect();
    s.push('…');
    s
}

/// Text for SVG (XML) content.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_markup_text(s, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::GraphBuilder;

    fn float(v: f64) -> Cell {
        Cell::Value(Value::Float(v))
    }

    fn text(s: &str) -> Cell {
        Cell::Value(Value::Str(s.into()))
    }

    #[test]
    fn one_bar_per_row_or_two_for_before_and_after() {
        let g = GraphBuilder::new().finish();
        let exposure = ResultSet {
            columns: vec!["node".into(), "direct".into(), "total".into()],
            rows: vec![
                vec![text("A <&>"), float(0.1), float(0.5)],
                vec![text("B"), float(0.2), float(0.25)],
            ],
            message: None,
        };
        let svg = to_chart(&g, &exposure, "t").expect("a chart");
        assert_eq!(svg.matches("class=\"bar\"").count(), 2);
        assert!(svg.contains("A &lt;&amp;&gt;") && svg.contains("total: 0.5"));
        let compare = ResultSet {
            columns: vec![
                "node".into(),
                "before".into(),
                "after".into(),
                "delta".into(),
            ],
            rows: vec![vec![text("A"), float(0.5), float(0.1), float(-0.4)]],
            message: None,
        };
        let svg = to_chart(&g, &compare, "t").expect("a chart");
        assert_eq!(svg.matches("class=\"bar\"").count(), 2);
        assert!(svg.contains("before: 0.5") && svg.contains("after: 0.1"));
        let names = ResultSet {
            columns: vec!["name".into()],
            rows: vec![vec![text("A")]],
            message: None,
        };
        let err = to_chart(&g, &names, "t").expect_err("nothing to draw");
        assert!(err.contains("numeric column"), "{err}");
        let empty = ResultSet {
            rows: Vec::new(),
            ..exposure
        };
        let err = to_chart(&g, &empty, "t").expect_err("no rows");
        assert!(err.contains("no rows") && err.contains("total"), "{err}");
    }
}
