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
    let mut line = Json::Object(obj).to_string();
    line.push('\n');
    line
}
