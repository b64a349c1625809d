//! `export html`: one self-contained HTML file that opens offline in any
//! browser: the subgraph as JSON inside the page, a small viewer written for
//! Faultline (`viewer/viewer.js`, vanilla JavaScript on a canvas: force
//! layout, pan and zoom, search by name, the properties of a clicked node or
//! edge including `source` and `as_of`, colour by kind, width by share, the
//! explaining path in red, a legend). No network, no libraries.
//!
//! The JSON is escaped for a `<script>` element: every `<` is written as
//! `\u003c` (only strings can hold one), so no name can close the element.

use serde::Serialize;

use crate::model::Graph;

use super::escape::push_markup_text;
use super::json::Props;
use super::style::kind_style;
use super::subgraph::{Ordered, Subgraph};

const VIEWER_JS: &str = include_str!("viewer/viewer.js");
const VIEWER_CSS: &str = include_str!("viewer/viewer.css");

#[derive(Serialize)]
struct Page<'a> {
    title: &'a str,
    kinds: Vec<KindEntry<'a>>,
    nodes: Vec<NodeEntry<'a>>,
    edges: Vec<EdgeEntry<'a>>,
}

#[derive(Serialize)]
struct KindEntry<'a> {
    name: &'a str,
    color: &'static str,
    count: usize,
}

#[derive(Serialize)]
struct NodeEntry<'a> {
    id: &'a str,
    name: &'a str,
    kind: &'a str,
    color: &'static str,
    hot: bool,
    props: Props<'a>,
}

#[derive(Serialize)]
struct EdgeEntry<'a> {
    /// Index of the `from` node in `nodes`.
    s: usize,
    /// Index of the `to` node.
    t: usize,
    #[serde(rename = "type")]
    ty: &'a str,
    share: Option<f64>,
    hot: bool,
    props: Props<'a>,
}

/// Writes the subgraph as a self-contained HTML page with the viewer.
pub fn to_html(g: &Graph, sub: &Subgraph) -> String {
    let ord = Ordered::new(g, sub);
    let index: std::collections::HashMap<_, usize> =
        ord.nodes.iter().enumerate().map(|(i, &n)| (n, i)).collect();
    let mut counts = vec![0usize; g.kinds().count()];
    for &n in &ord.nodes {
        counts[g.node_kind(n).index()] += 1;
    }
    let kinds = g
        .kinds()
        .filter(|(k, _)| counts[k.index()] > 0)
        .map(|(k, name)| KindEntry {
            name,
            color: kind_style(name).fill,
            count: counts[k.index()],
        })
        .collect();
    let nodes = ord
        .nodes
        .iter()
        .map(|&n| NodeEntry {
            id: g.node_key(n),
            name: match g.node_name(n) {
                "" => g.node_key(n),
                name => name,
            },
            kind: g.node_kind_name(n),
            color: kind_style(g.node_kind_name(n)).fill,
            hot: ord.is_hot_node(n),
            props: Props::new(g.node_props(n)),
        })
        .collect();
    let edges = ord
        .edges
        .iter()
        .filter_map(|&e| {
            let (a, b) = g.edge_ends(e);
            Some(EdgeEntry {
                s: *index.get(&a)?,
                t: *index.get(&b)?,
                ty: g.edge_type_name(g.edge_type(e)),
                share: g.edge_share(e).filter(|s| s.is_finite()),
                hot: ord.is_hot_edge(e),
                props: Props::new(g.edge_props(e)),
            })
        })
        .collect();
    let title = sub.title.as_deref().unwrap_or("Faultline export");
    let page = Page {
        title,
        kinds,
        nodes,
        edges,
    };
    let json = serde_json::to_string(&page)
        .expect("serializing strings, finite numbers and string-keyed maps cannot fail")
        .replace('<', "\\u003c");
    let mut out = String::with_capacity(json.len() + VIEWER_JS.len() + 2048);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<title>");
    push_markup_text(title, &mut out);
    out.push_str("</title>\n<style>\n");
    out.push_str(VIEWER_CSS);
    out.push_str("</style>\n</head>\n<body>\n<div id=\"fl-root\">\n");
    out.push_str("<canvas id=\"fl-canvas\"></canvas>\n<div id=\"fl-side\">\n");
    out.push_str("<h2 id=\"fl-title\"></h2><div id=\"fl-count\" class=\"muted\"></div>\n");
    out.push_str("<input id=\"fl-search\" type=\"search\" placeholder=\"Search by name or id\">\n");
    out.push_str("<div id=\"fl-legend\"></div>\n<div id=\"fl-panel\"></div>\n");
    out.push_str("<p class=\"muted\">Drag to pan, wheel to zoom, click for details.</p>\n");
    out.push_str("</div>\n</div>\n<script type=\"application/json\" id=\"fl-data\">");
    out.push_str(&json);
    out.push_str("</script>\n<script>\n");
    out.push_str(VIEWER_JS);
    out.push_str("</script>\n</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::View;
    use crate::export::testkit::{hostile_graph, small_graph};

    /// The JSON between the data element's tags.
    fn data(html: &str) -> serde_json::Value {
        let start =
            html.find("id=\"fl-data\">").expect("the data element") + "id=\"fl-data\">".len();
        let end = start + html[start..].find("</script>").expect("its end");
        serde_json::from_str(&html[start..end]).expect("the data is JSON")
    }

    #[test]
    fn the_page_holds_every_node_and_edge_with_their_properties() {
        let g = small_graph();
        let mut sub = Subgraph::whole(&g, &View::full());
        sub.highlight = sub.edges[..1].to_vec();
        sub.normalize(&g);
        let html = to_html(&g, &sub);
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "offline"
        );
        let d = data(&html);
        assert_eq!(d["nodes"].as_array().map(Vec::len), Some(g.node_count()));
        assert_eq!(d["edges"].as_array().map(Vec::len), Some(g.edge_count()));
        let hot = d["edges"]
            .as_array()
            .map(|es| es.iter().filter(|e| e["hot"] == true).count());
        assert_eq!(hot, Some(1));
        let text = d.to_string();
        assert!(
            text.contains("\"source\"") && text.contains("\"as_of\""),
            "{text}"
        );
    }

    #[test]
    fn hostile_names_cannot_close_the_script() {
        let g = hostile_graph();
        let mut sub = Subgraph::whole(&g, &View::full());
        sub.title = Some("</script><script>alert(1)</script>".into());
        let html = to_html(&g, &sub);
        assert_eq!(html.matches("</script>").count(), 2, "only the page's own");
        assert_eq!(html.matches("<script").count(), 2);
        let d = data(&html);
        assert_eq!(d["nodes"].as_array().map(Vec::len), Some(g.node_count()));
    }
}
