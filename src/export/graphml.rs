//! GraphML for networkx (`read_graphml`), Gephi and yEd: typed `<key>`
//! declarations, then the nodes and edges with their `<data>`.
//!
//! Keys: for nodes `kind`, `name`, `aliases` and each property; for edges
//! `type`, `highlight` (only when a path is highlighted) and each property.
//! A property's `attr.type` is inferred from the exported values: `boolean`,
//! `int` (`long` when a value does not fit 32 bits), `double` (floats, or
//! ints mixed with floats), else `string` (text, dates, lists, mixed types).
//! Lists are joined with `|`, like aliases. A property named like a fixed key
//! (`kind`, `name`, `aliases`; `type`, `highlight`) is declared as
//! `prop.<name>` so no two keys share an `attr.name`.
//!
//! XML 1.0 cannot hold most control characters, even as references: they
//! become U+FFFD. Node ids are the node keys; a key changed by that
//! replacement gets a `~2`, `~3`... suffix if it would collide.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use crate::model::{Graph, NodeId, Value};

use super::escape::{escape_into, xml_char};
use super::subgraph::{Ordered, Subgraph};

/// Writes the subgraph as a GraphML document.
pub fn to_graphml(g: &Graph, sub: &Subgraph) -> String {
    let ord = Ordered::new(g, sub);
    let node_props = collect_keys(
        ord.nodes.iter().map(|&n| g.node_props(n)),
        &["kind", "name", "aliases"],
    );
    let edge_props = collect_keys(
        ord.edges.iter().map(|&e| g.edge_props(e)),
        &["type", "highlight"],
    );
    let ids = NodeIds::new(g, &ord.nodes);

    let mut out = String::with_capacity(1024 + ord.nodes.len() * 160 + ord.edges.len() * 120);
    out.push_str(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns \
         http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
    );
    key_line("kind", "node", "kind", "string", &mut out);
    key_line("name", "node", "name", "string", &mut out);
    key_line("aliases", "node", "aliases", "string", &mut out);
    prop_key_lines("np", "node", &node_props, &mut out);
    key_line("type", "edge", "type", "string", &mut out);
    if ord.has_highlight() {
        key_line("highlight", "edge", "highlight", "boolean", &mut out);
    }
    prop_key_lines("ep", "edge", &edge_props, &mut out);
    out.push_str("  <graph id=\"G\" edgedefault=\"directed\">\n");
    if let Some(title) = &sub.title {
        out.push_str("    <desc>");
        push_xml(title, false, &mut out);
        out.push_str("</desc>\n");
    }
    for &n in &ord.nodes {
        out.push_str("    <node id=\"");
        push_xml(ids.get(g, n), true, &mut out);
        out.push_str("\">");
        data("kind", g.node_kind_name(n), &mut out);
        data("name", g.node_name(n), &mut out);
        let aliases = g.node_aliases(n);
        if !aliases.is_empty() {
            data("aliases", &aliases.join("|"), &mut out);
        }
        props_data("np", &node_props, g.node_props(n), &mut out);
        out.push_str("</node>\n");
    }
    for (i, &e) in ord.edges.iter().enumerate() {
        let (a, b) = g.edge_ends(e);
        let _ = write!(out, "    <edge id=\"e{i}\" source=\"");
        push_xml(ids.get(g, a), true, &mut out);
        out.push_str("\" target=\"");
        push_xml(ids.get(g, b), true, &mut out);
        out.push_str("\">");
        data("type", g.edge_type_name(g.edge_type(e)), &mut out);
        if ord.is_hot_edge(e) {
            data("highlight", "true", &mut out);
        }
        props_data("ep", &edge_props, g.edge_props(e), &mut out);
        out.push_str("</edge>\n");
    }
    out.push_str("  </graph>\n</graphml>\n");
    out
}

/// A GraphML value type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyType {
    Boolean,
    Int,
    Long,
    Double,
    String,
}

impl KeyType {
    fn as_str(self) -> &'static str {
        match self {
            KeyType::Boolean => "boolean",
            KeyType::Int => "int",
            KeyType::Long => "long",
            KeyType::Double => "double",
            KeyType::String => "string",
        }
    }

    fn of(v: &Value) -> KeyType {
        match v {
            Value::Bool(_) => KeyType::Boolean,
            Value::Int(i) if i32::try_from(*i).is_ok() => KeyType::Int,
            Value::Int(_) => KeyType::Long,
            Value::Float(_) => KeyType::Double,
            Value::Null | Value::Str(_) | Value::Date(_) | Value::List(_) => KeyType::String,
        }
    }

    /// The narrowest type holding values of both.
    fn join(self, other: KeyType) -> KeyType {
        use KeyType::*;
        match (self, other) {
            (a, b) if a == b => a,
            (Int, Long) | (Long, Int) => Long,
            (Int | Long | Double, Int | Long | Double) => Double,
            _ => String,
        }
    }
}

/// A declared property key.
struct PropKeyDecl {
    name: String,
    attr_name: String,
    ty: KeyType,
}

/// The property keys used by the exported items, sorted by name, typed by
/// their values.
fn collect_keys<'a>(
    items: impl Iterator<Item = Vec<(&'a str, Value)>>,
    reserved: &[&str],
) -> Vec<PropKeyDecl> {
    let mut types: BTreeMap<&'a str, KeyType> = BTreeMap::new();
    for props in items {
        for (k, v) in props {
            if matches!(v, Value::Null) {
                continue;
            }
            let t = KeyType::of(&v);
            types
                .entry(k)
                .and_modify(|old| *old = old.join(t))
                .or_insert(t);
        }
    }
    // Every attr.name once, as written (after XML's replacements): the
    // fixed keys, then each property, renamed `prop.NAME` when it clashes
    // with a fixed key and suffixed `~2`, `~3`... when it still clashes
    // (`prop.kind` beside `kind`, names differing only in control chars).
    let written = |name: &str| {
        let mut s = String::new();
        push_xml(name, true, &mut s);
        s
    };
    let mut used: HashSet<String> = reserved.iter().map(|r| written(r)).collect();
    types
        .into_iter()
        .map(|(name, ty)| {
            let base = if reserved.contains(&name) {
                format!("prop.{name}")
            } else {
                name.to_string()
            };
            let mut attr_name = base.clone();
            let mut n = 1;
            while !used.insert(written(&attr_name)) {
                n += 1;
                attr_name = format!("{base}~{n}");
            }
            PropKeyDecl {
                name: name.to_string(),
                attr_name,
                ty,
            }
        })
        .collect()
}

fn key_line(id: &str, domain: &str, attr_name: &str, ty: &str, out: &mut String) {
    let _ = write!(out, "  <key id=\"{id}\" for=\"{domain}\" attr.name=\"");
    push_xml(attr_name, true, out);
    let _ = writeln!(out, "\" attr.type=\"{ty}\"/>");
}

/// One `<key>` per property (`np0`, `np1`... for nodes, `ep0`... for edges).
fn prop_key_lines(prefix: &str, domain: &str, keys: &[PropKeyDecl], out: &mut String) {
    for (i, p) in keys.iter().enumerate() {
        key_line(
            &format!("{prefix}{i}"),
            domain,
            &p.attr_name,
            p.ty.as_str(),
            out,
        );
    }
}

fn data(key: &str, text: &str, out: &mut String) {
    let _ = write!(out, "<data key=\"{key}\">");
    push_xml(text, false, out);
    out.push_str("</data>");
}

/// The `<data>` of an item's properties, in key order.
fn props_data(prefix: &str, keys: &[PropKeyDecl], mut props: Vec<(&str, Value)>, out: &mut String) {
    props.sort_by(|a, b| a.0.cmp(b.0));
    for (k, v) in props {
        if matches!(v, Value::Null) {
            continue;
        }
        // `keys` is sorted by name and holds every key of the exported items.
        let Ok(i) = keys.binary_search_by(|d| d.name.as_str().cmp(k)) else {
            continue;
        };
        let _ = write!(out, "<data key=\"{prefix}{i}\">");
        push_value(&v, out);
        out.push_str("</data>");
    }
}

/// A value as GraphML text: XML Schema spellings for booleans and special
/// floats, lists joined with `|`.
fn push_value(v: &Value, out: &mut String) {
    match v {
        Value::Null => {}
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) if f.is_nan() => out.push_str("NaN"),
        Value::Float(f) if f.is_infinite() => out.push_str(if *f > 0.0 { "INF" } else { "-INF" }),
        Value::Float(f) => {
            let _ = write!(out, "{f:?}");
        }
        Value::Str(s) => push_xml(s, false, out),
        Value::Date(d) => {
            let _ = write!(out, "{d}");
        }
        Value::List(items) => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push('|');
                }
                push_value(item, out);
            }
        }
    }
}

/// Escapes text for XML. In attributes, tab, newline and carriage return are
/// written as references (parsers would turn them into spaces); in text, a
/// carriage return is (parsers would drop it before a newline). Characters
/// XML cannot hold become U+FFFD.
fn push_xml(s: &str, attribute: bool, out: &mut String) {
    escape_into(s, out, |c, _| match c {
        '&' => Some("&amp;".into()),
        '<' => Some("&lt;".into()),
        '>' => Some("&gt;".into()),
        '"' => Some("&quot;".into()),
        '\'' => Some("&apos;".into()),
        '\r' => Some("&#13;".into()),
        '\n' if attribute => Some("&#10;".into()),
        '\t' if attribute => Some("&#9;".into()),
        c if !xml_char(c) => Some("\u{FFFD}".into()),
        _ => None,
    });
}

/// GraphML node ids: the node key, made unique again for the rare keys that
/// XML forces us to change.
struct NodeIds {
    changed: HashMap<NodeId, String>,
}

impl NodeIds {
    fn new(g: &Graph, nodes: &[NodeId]) -> NodeIds {
        let mut changed = HashMap::new();
        let dirty: Vec<NodeId> = nodes
            .iter()
            .copied()
            .filter(|&n| !g.node_key(n).chars().all(xml_char))
            .collect();
        if dirty.is_empty() {
            return NodeIds { changed };
        }
        let mut taken: HashSet<String> = nodes
            .iter()
            .map(|&n| g.node_key(n))
            .filter(|k| k.chars().all(xml_char))
            .map(str::to_string)
            .collect();
        for n in dirty {
            let base: String = g
                .node_key(n)
                .chars()
                .map(|c| if xml_char(c) { c } else { '\u{FFFD}' })
                .collect();
            let mut id = base.clone();
            let mut i = 2;
            while taken.contains(&id) {
                id = format!("{base}~{i}");
                i += 1;
            }
            taken.insert(id.clone());
            changed.insert(n, id);
        }
        NodeIds { changed }
    }

    fn get<'g>(&'g self, g: &'g Graph, n: NodeId) -> &'g str {
        self.changed
            .get(&n)
            .map_or_else(|| g.node_key(n), String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::View;
    use crate::export::testkit::{assert_deterministic, hostile_graph, small_graph};

    fn parse(text: &str) -> roxmltree::Document<'_> {
        roxmltree::Document::parse(text).expect("the export is well-formed XML")
    }

    fn elements<'a>(doc: &'a roxmltree::Document, tag: &str) -> Vec<roxmltree::Node<'a, 'a>> {
        doc.descendants()
            .filter(|n| n.is_element() && n.tag_name().name() == tag)
            .collect()
    }

    /// `(for, attr.name) -> attr.type` of every key.
    fn key_types(doc: &roxmltree::Document) -> BTreeMap<(String, String), String> {
        elements(doc, "key")
            .iter()
            .map(|k| {
                let get = |a: &str| k.attribute(a).expect("a key attribute").to_string();
                ((get("for"), get("attr.name")), get("attr.type"))
            })
            .collect()
    }

    #[test]
    fn typed_keys_and_exact_counts() {
        let g = small_graph();
        let text = to_graphml(&g, &Subgraph::whole(&g, &View::full()));
        let doc = parse(&text);
        assert_eq!(
            doc.root_element().tag_name().namespace(),
            Some("http://graphml.graphdrawing.org/xmlns")
        );
        assert_eq!(elements(&doc, "node").len(), g.node_count());
        assert_eq!(elements(&doc, "edge").len(), g.edge_count());
        let types = key_types(&doc);
        let ty = |d: &str, n: &str| {
            types
                .get(&(d.to_string(), n.to_string()))
                .map(String::as_str)
        };
        assert_eq!(ty("node", "kind"), Some("string"));
        assert_eq!(ty("node", "name"), Some("string"));
        assert_eq!(ty("node", "founded"), Some("int"));
        assert_eq!(ty("node", "revenue_usd_bn"), Some("double"));
        assert_eq!(ty("node", "listed"), Some("boolean"));
        assert_eq!(ty("node", "tags"), Some("string"));
        assert_eq!(ty("edge", "type"), Some("string"));
        assert_eq!(ty("edge", "share"), Some("double"));
        assert_eq!(ty("edge", "as_of"), Some("string"));
        assert_eq!(ty("edge", "highlight"), None, "no path, no highlight key");
        // Every data refers to a declared key.
        let ids: HashSet<&str> = elements(&doc, "key")
            .iter()
            .filter_map(|k| k.attribute("id"))
            .collect();
        for d in elements(&doc, "data") {
            assert!(ids.contains(d.attribute("key").expect("a key ref")));
        }
        assert!(text.contains("<data key=\"aliases\">Taiwan Semiconductor</data>"));
        assert!(text.contains(">foundry|logic</data>"));
        assert!(text.contains(">61.0</data>"), "{text}");
    }

    #[test]
    fn hostile_text_survives_xml() {
        let g = hostile_graph();
        let mut sub = Subgraph::whole(&g, &View::full());
        sub.title = Some("<title> & \"more\"\u{1}".to_string());
        sub.highlight = vec![sub.edges[0]];
        let text = to_graphml(&g, &sub);
        let doc = parse(&text);
        let nodes = elements(&doc, "node");
        assert_eq!(nodes.len(), g.node_count());
        assert_eq!(elements(&doc, "edge").len(), g.edge_count());
        let ids: HashSet<&str> = nodes.iter().filter_map(|n| n.attribute("id")).collect();
        assert_eq!(ids.len(), g.node_count(), "ids stay distinct");
        // Keys XML can hold come back exactly, newlines included.
        for n in g.nodes() {
            let key = g.node_key(n);
            if key.chars().all(xml_char) {
                assert!(ids.contains(key), "{key:?}");
            }
        }
        for e in elements(&doc, "edge") {
            assert!(ids.contains(e.attribute("source").expect("source")));
            assert!(ids.contains(e.attribute("target").expect("target")));
        }
        let names: HashSet<String> = elements(&doc, "data")
            .iter()
            .filter(|d| d.attribute("key") == Some("name"))
            .map(|d| d.text().unwrap_or("").to_string())
            .collect();
        assert!(names.contains("two\nlines\r\nthree\rfour"));
        assert!(names.contains("<b>bold</b> & <i>"));
        assert!(names.contains("bell\u{FFFD}\u{FFFD}nul"));
        assert!(names.contains("جمهورية مصر العربية"));
        let types = key_types(&doc);
        assert!(types.contains_key(&("node".to_string(), "we\"ird <key>&".to_string())));
        assert_eq!(
            types
                .get(&("edge".to_string(), "highlight".to_string()))
                .map(String::as_str),
            Some("boolean")
        );
        let desc = elements(&doc, "desc");
        assert_eq!(desc[0].text(), Some("<title> & \"more\"\u{FFFD}"));
    }

    #[test]
    fn colliding_sanitized_ids_get_suffixes() {
        let mut b = crate::model::GraphBuilder::new();
        let k = b.kind("K");
        for key in ["a\u{1}", "a\u{2}", "a\u{FFFD}"] {
            b.add_node(key, k, "x", vec![], []).expect("unique");
        }
        let g = b.finish();
        let doc_text = to_graphml(&g, &Subgraph::whole(&g, &View::full()));
        let doc = parse(&doc_text);
        let mut ids: Vec<&str> = elements(&doc, "node")
            .iter()
            .filter_map(|n| n.attribute("id"))
            .collect();
        ids.sort();
        assert_eq!(ids, ["a\u{FFFD}", "a\u{FFFD}~2", "a\u{FFFD}~3"]);
    }

    #[test]
    fn key_types_join() {
        assert_eq!(KeyType::Int.join(KeyType::Double), KeyType::Double);
        assert_eq!(KeyType::Int.join(KeyType::Long), KeyType::Long);
        assert_eq!(KeyType::Boolean.join(KeyType::Int), KeyType::String);
        assert_eq!(KeyType::of(&Value::Int(1 << 40)), KeyType::Long);
    }

    #[test]
    fn reserved_property_names_are_prefixed() {
        let mut b = crate::model::GraphBuilder::new();
        let k = b.kind("K");
        let name = b.prop_key("name");
        b.add_node("a", k, "A", vec![], [(name, Value::str("shadow"))])
            .expect("unique");
        let g = b.finish();
        let doc_text = to_graphml(&g, &Subgraph::whole(&g, &View::full()));
        let doc = parse(&doc_text);
        let types = key_types(&doc);
        assert!(types.contains_key(&("node".to_string(), "prop.name".to_string())));
    }

    #[test]
    fn no_two_keys_share_an_attr_name() {
        let mut b = crate::model::GraphBuilder::new();
        let k = b.kind("K");
        let props = ["name", "prop.name", "x\u{1}", "x\u{2}", "name~2"]
            .map(|p| (b.prop_key(p), Value::str(p)));
        b.add_node("a", k, "A", vec![], props).expect("unique");
        let g = b.finish();
        let doc_text = to_graphml(&g, &Subgraph::whole(&g, &View::full()));
        let doc = parse(&doc_text);
        let keys = elements(&doc, "key");
        let mut names: Vec<(String, String)> = keys
            .iter()
            .map(|k| {
                let get = |a: &str| k.attribute(a).expect("a key attribute").to_string();
                (get("for"), get("attr.name"))
            })
            .collect();
        let total = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), total, "{names:?}");
        // Each property's value is still written under its own key.
        let data = elements(&doc, "data");
        for p in ["prop.name", "x\u{FFFD}", "name~2"] {
            assert!(data.iter().any(|d| d.text() == Some(p)), "{p}");
        }
    }

    #[test]
    fn deterministic_and_order_independent() {
        assert_deterministic(to_graphml);
    }
}
