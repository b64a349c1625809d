//! JSON in the load format of data-format.md, so an export loads back with
//! `--data out.json`: `{"nodes": [{"id", "kind", "name", "aliases",
//! "props"}], "edges": [{"from", "to", "type", "props"}]}`, one node or edge
//! per line (diffable, greppable), properties sorted by name.
//!
//! Values keep their JSON types so that loading without a schema infers the
//! same types back: ints as integers, floats always with a fraction or
//! exponent (`1.0`, never `1`), booleans, strings, lists as arrays. Dates
//! have no JSON type and are written as their text (`"2024-10"`); they are
//! dates again when a schema declares them. Non-finite floats cannot be
//! written in JSON and the loader never produces them; such a property is
//! left out.

use serde::Serialize;
use serde::ser::Serializer;

use crate::model::{Graph, Value};

use super::subgraph::{Ordered, Subgraph};

/// Writes the subgraph as a JSON document in the load format.
#[allow(
    clippy::expect_used,
    reason = "an invariant, named in the expect message"
)]
pub fn to_json(g: &Graph, sub: &Subgraph) -> String {
    let ord = Ordered::new(g, sub);
    let mut buf: Vec<u8> = Vec::with_capacity(64 + ord.nodes.len() * 96 + ord.edges.len() * 80);
    buf.extend_from_slice(b"{\"nodes\": [");
    for (i, &n) in ord.nodes.iter().enumerate() {
        buf.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
        let node = JsonNode {
            id: g.node_key(n),
            kind: g.node_kind_name(n),
            name: g.node_name(n),
            aliases: g.node_aliases(n),
            props: Props::new(g.node_props(n)),
        };
        put(&mut buf, &node);
    }
    buf.extend_from_slice(b"\n],\n\"edges\": [");
    for (i, &e) in ord.edges.iter().enumerate() {
        buf.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
        let (a, b) = g.edge_ends(e);
        let edge = JsonEdge {
            from: g.node_key(a),
            to: g.node_key(b),
            ty: g.edge_type_name(g.edge_type(e)),
            props: Props::new(g.edge_props(e)),
        };
        put(&mut buf, &edge);
    }
    buf.extend_from_slice(b"\n]}\n");
    String::from_utf8(buf).expect("serde_json writes UTF-8 and so do the literals around it")
}

#[allow(
    clippy::expect_used,
    reason = "an invariant, named in the expect message"
)]
fn put(buf: &mut Vec<u8>, item: &impl Serialize) {
    serde_json::to_writer(buf, item).expect(
        "serializing strings, finite numbers and string-keyed maps into memory cannot fail",
    );
}

#[derive(Serialize)]
struct JsonNode<'a> {
    id: &'a str,
    kind: &'a str,
    name: &'a str,
    aliases: &'a [Box<str>],
    props: Props<'a>,
}

#[derive(Serialize)]
struct JsonEdge<'a> {
    from: &'a str,
    to: &'a str,
    #[serde(rename = "type")]
    ty: &'a str,
    props: Props<'a>,
}

/// Properties as a JSON object, sorted by name, unwritable values left out.
pub(crate) struct Props<'a>(Vec<(&'a str, Value)>);

impl<'a> Props<'a> {
    /// The properties, sorted, without what JSON cannot carry.
    pub(crate) fn new(mut props: Vec<(&'a str, Value)>) -> Props<'a> {
        props.retain(|(_, v)| writable(v));
        props.sort_by(|a, b| a.0.cmp(b.0));
        Props(props)
    }
}

/// Whether JSON can carry the value faithfully.
fn writable(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Float(f) => f.is_finite(),
        Value::List(items) => items.iter().all(writable),
        _ => true,
    }
}

impl Serialize for Props<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (*k, JsonValue(v))))
    }
}

/// A property value with its JSON type.
struct JsonValue<'a>(&'a Value);

impl Serialize for JsonValue<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(i) => s.serialize_i64(*i),
            Value::Float(f) => s.serialize_f64(*f),
            Value::Str(t) => s.serialize_str(t),
            Value::Date(d) => s.collect_str(d),
            Value::List(items) => s.collect_seq(items.iter().map(JsonValue)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::View;
    use crate::export::testkit::{assert_deterministic, hostile_graph, small_graph};
    use serde_json::{Value as J, json};

    fn parse(text: &str) -> J {
        serde_json::from_str(text).expect("the export is valid JSON")
    }

    #[test]
    fn load_format_with_typed_values() {
        let g = small_graph();
        let doc = parse(&to_json(&g, &Subgraph::whole(&g, &View::full())));
        let keys: Vec<&str> = doc["nodes"]
            .as_array()
            .expect("a node list")
            .iter()
            .map(|n| n["id"].as_str().expect("an id"))
            .collect();
        assert_eq!(keys, ["euv", "nvidia", "tsmc", "tw", "us"]);
        assert_eq!(
            doc["nodes"][2],
            json!({"id": "tsmc", "kind": "Firm", "name": "TSMC",
                   "aliases": ["Taiwan Semiconductor"],
                   "props": {"founded": 1987, "revenue_usd_bn": 69.3, "tags": ["foundry", "logic"]}})
        );
        assert_eq!(doc["nodes"][1]["props"]["listed"], json!(true));
        let edges = doc["edges"].as_array().expect("an edge list");
        assert_eq!(edges.len(), 4);
        assert_eq!(
            edges[2],
            json!({"from": "tsmc", "to": "nvidia", "type": "SUPPLIES",
                   "props": {"as_of": "2024-10", "share": 0.62, "source": "NVIDIA 10-K 2024"}})
        );
        assert_eq!(edges[0]["from"], "nvidia");
    }

    #[test]
    fn ints_stay_ints_and_floats_stay_floats() {
        let g = small_graph();
        let text = to_json(&g, &Subgraph::whole(&g, &View::full()));
        // The 61.0 revenue and the 1.0 share must not come back as ints.
        assert!(text.contains("\"revenue_usd_bn\":61.0"), "{text}");
        assert!(text.contains("\"share\":1.0"), "{text}");
        assert!(text.contains("\"founded\":1993,"), "{text}");
        let doc = parse(&text);
        assert!(doc["nodes"][1]["props"]["revenue_usd_bn"].is_f64());
        assert!(doc["nodes"][1]["props"]["founded"].is_i64());
    }

    #[test]
    fn hostile_strings_round_trip_exactly() {
        let g = hostile_graph();
        let doc = parse(&to_json(&g, &Subgraph::whole(&g, &View::full())));
        let nodes = doc["nodes"].as_array().expect("a node list");
        assert_eq!(nodes.len(), g.node_count());
        for node in nodes {
            let key = node["id"].as_str().expect("an id");
            let n = g
                .node_by_key(key)
                .expect("every exported id is a key of the graph");
            assert_eq!(node["name"], g.node_name(n));
            assert_eq!(node["kind"], g.node_kind_name(n));
            assert_eq!(node["aliases"], json!(["a|b", "\"al\""]));
            assert_eq!(node["props"]["we\"ird <key>&"], "<v\u{1}>\"&'");
        }
        let edges = doc["edges"].as_array().expect("an edge list");
        assert_eq!(edges.len(), g.edge_count());
        for edge in edges {
            let from = g
                .node_by_key(edge["from"].as_str().expect("from"))
                .expect("a key");
            let to = g
                .node_by_key(edge["to"].as_str().expect("to"))
                .expect("a key");
            let ty = edge["type"].as_str().expect("a type");
            assert!(
                g.out_adj()
                    .iter(from)
                    .any(|(e, _, n)| { n == to && g.edge_type_name(g.edge_type(e)) == ty })
            );
        }
    }

    #[test]
    fn deterministic_and_order_independent() {
        assert_deterministic(to_json);
    }

    #[test]
    fn edges_bring_their_endpoints_and_empty_is_valid() {
        let g = small_graph();
        let e = g.edges().next().expect("an edge");
        let doc = parse(&to_json(
            &g,
            &Subgraph {
                edges: vec![e],
                ..Subgraph::default()
            },
        ));
        assert_eq!(doc["nodes"].as_array().map(Vec::len), Some(2));
        assert_eq!(
            parse(&to_json(&g, &Subgraph::default())),
            json!({"nodes": [], "edges": []})
        );
    }
}
