//! Human-readable text of cells: nodes by name (or id), paths as
//! `NVIDIA -[DEPENDS_ON]-> TSMC`, floats to 4 digits in tables.

use crate::model::{Graph, Path, Value};
use crate::result::Cell;

/// How nodes and floats are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Tables: nodes by name, floats to 4 digits.
    Table,
    /// CSV: nodes by id, floats at full precision.
    Csv,
}

/// A path as text: `A -[T]-> B <-[U]- C` (an edge walked against its
/// direction points back).
pub fn path_text(g: &Graph, path: &Path, by_id: bool) -> String {
    let name = |n| if by_id { g.node_key(n) } else { g.node_name(n) };
    let mut out = String::new();
    if let Some(first) = path.nodes.first() {
        out.push_str(name(*first));
    }
    for (i, e) in path.edges.iter().enumerate() {
        let ty = g.edge_type_name(g.edge_type(*e));
        let (from, _) = g.edge_ends(*e);
        let forward = path.nodes.get(i) == Some(&from);
        if forward {
            out.push_str(&format!(" -[{ty}]-> "));
        } else {
            out.push_str(&format!(" <-[{ty}]- "));
        }
        if let Some(n) = path.nodes.get(i + 1) {
            out.push_str(name(*n));
        }
    }
    out
}

fn float_text(f: f64, style: Style) -> String {
    match style {
        Style::Table => {
            let s = format!("{f:.4}");
            if s == "-0.0000" {
                "0.0000".to_string()
            } else {
                s
            }
        }
        Style::Csv => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{f:.1}")
            } else {
                format!("{f}")
            }
        }
    }
}

fn value_text(v: &Value, style: Style) -> String {
    match v {
        Value::Null => String::new(),
        Value::Float(f) => float_text(*f, style),
        Value::List(items) => {
            let parts: Vec<String> = items.iter().map(|i| value_text(i, style)).collect();
            format!("[{}]", parts.join(", "))
        }
        other => other.to_string(),
    }
}

/// A cell as text in the given style.
pub fn cell_text(g: &Graph, cell: &Cell, style: Style) -> String {
    match cell {
        Cell::Value(v) => value_text(v, style),
        Cell::Node(n) => match style {
            Style::Table => g.node_name(*n).to_string(),
            Style::Csv => g.node_key(*n).to_string(),
        },
        Cell::Edge(e) => {
            let (a, b) = g.edge_ends(*e);
            let name = |n| match style {
                Style::Table => g.node_name(n),
                Style::Csv => g.node_key(n),
            };
            format!(
                "{} -[{}]-> {}",
                name(a),
                g.edge_type_name(g.edge_type(*e)),
                name(b)
            )
        }
        Cell::Path(p) => path_text(g, p, style == Style::Csv),
        Cell::List(items) => {
            let parts: Vec<String> = items.iter().map(|i| cell_text(g, i, style)).collect();
            format!("[{}]", parts.join(", "))
        }
        Cell::Map(entries) => {
            let parts: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{k}: {}", cell_text(g, v, style)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
    }
}
