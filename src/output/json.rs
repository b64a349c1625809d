//! The `json` format: one object per statement per line,
//! `{"columns": [...], "rows": [[...], ...]}` (and `"message"`). A node is
//! `{"id","kind","name"}`, an edge `{"type","from","to"}`, a path
//! `{"nodes": [...], "edges": [...]}`, floats at full precision.

use serde_json::{Map, Value as Json, json};

use crate::model::{EdgeId, Graph, NodeId, Value};
use crate::result::{Cell, ResultSet};

fn node_json(g: &Graph, n: NodeId) -> Json {
    json!({"id": g.node_key(n), "kind": g.node_kind_name(n), "name": g.node_name(n)})
}

fn edge_json(g: &Graph, e: EdgeId) -> Json {
    let (a, b) = g.edge_ends(e);
    json!({"type": g.edge_type_name(g.edge_type(e)), "from": g.node_key(a), "to": g.node_key(b)})
}

/// A data value as JSON (dates as strings; non-finite floats as null).
pub fn value_json(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => json!(i),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
        Value::Str(s) => Json::String(s.to_string()),
        Value::Date(d) => Json::String(d.to_string()),
        Value::List(items) => Json::Array(items.iter().map(value_json).collect()),
    }
}

fn cell_json(g: &Graph, c: &Cell) -> Json {
    match c {
        Cell::Value(v) => value_json(v),
        Cell::Node(n) => node_json(g, *n),
        Cell::Edge(e) => edge_json(g, *e),
        Cell::Path(p) => json!({
            "nodes": p.nodes.iter().map(|n| node_json(g, *n)).collect::<Vec<_>>(),
            "edges": p.edges.iter().map(|e| edge_json(g, *e)).collect::<Vec<_>>(),
        }),
        Cell::List(items) => Json::Array(items.iter().map(|i| cell_json(g, i)).collect()),
        Cell::Map(entries) => Json::Object(
            entries
                .iter()
                .map(|(k, v)| (k.to_string(), cell_json(g, v)))
                .collect(),
        ),
    }
}

/// Renders a result as one line of JSON.
pub fn render(g: &Graph, result: &ResultSet) -> String {
    let mut obj = Map::new();
    obj.insert("columns".into(), json!(result.columns));
    let rows: Vec<Json> = result
        .rows
        .iter()
        .map(|r| Json::Array(r.iter().map(|c| cell_json(g, c)).collect()))
        .collect();
    obj.insert("rows".into(), Json::Array(rows));
    if let Some(m) = &result.message {
        obj.insert("message".into(), Json::String(m.clone()));
    }
    let mut line = terminal_safe_json(Json::Object(obj).to_string());
    line.push('\n');
    line
}

/// serde_json escapes C0 controls but writes DEL, the C1 controls and the
/// bidirectional overrides raw; they can only sit inside strings, where
/// `\uXXXX` means the same, so the JSON is unchanged and terminal-safe.
fn terminal_safe_json(text: String) -> String {
    if !text.chars().any(crate::diag::unsafe_for_terminal) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if crate::diag::unsafe_for_terminal(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::terminal_safe_json;

    #[test]
    fn c1_del_and_bidi_are_escaped_and_the_json_means_the_same() {
        let value = serde_json::json!({"s": "a\u{9b}31m\u{7f}\u{202e}b\u{1b}"});
        let text = terminal_safe_json(value.to_string());
        assert!(
            !text.chars().any(crate::diag::unsafe_for_terminal),
            "{text:?}"
        );
        let back: serde_json::Value = serde_json::from_str(&text).expect("still JSON");
        assert_eq!(back, value);
    }
}
