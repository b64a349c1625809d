//! `export html`: one self-contained HTML file that opens offline in any
//! browser: the subgraph as JSON inside the page, a small viewer written for
//! Faultline (`viewer/viewer.js`, vanilla JavaScript on a canvas: force
//! layout, pan and zoom, search by name, the properties of a clicked node or
//! edge including `source` and `as_of`, colour by kind, width by share, the
//! explaining path in red, a legend; columns by depth for `upstream` and
//! `downstream`, names while at most 150 nodes are on screen). No network,
//! no libraries.
//!
//! The JSON is escaped for a `<script>` element: every `<` is written as
//! `\u003c` (only strings can hold one), so no name can close the element.

use serde::Serialize;

use crate::model::{Direction, Graph, NodeId, Role};

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
    /// The node's column in a layered view (`upstream`, `downstream`): its
    /// depth, negated when dependents stand deeper (see [`columns`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    col: Option<i64>,
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
#[allow(
    clippy::expect_used,
    reason = "an invariant, named in the expect message"
)]
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
    let cols = columns(g, &ord, &sub.depths);
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
            col: cols.get(&n).copied(),
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

/// Columns for a layered view: each node's depth, so the view reads as
/// tiers like the DOT picture, with dependents on the left. Upstream, the
/// start depends on what is deeper (columns grow to the right); downstream,
/// what is deeper depends on the start (columns are negated). Which one is
/// decided by the exported dependency edges between different depths.
fn columns(
    g: &Graph,
    ord: &Ordered,
    depths: &[(NodeId, u32)],
) -> std::collections::HashMap<NodeId, i64> {
    let depth: std::collections::HashMap<NodeId, i64> =
        depths.iter().map(|&(n, d)| (n, i64::from(d))).collect();
    let mut deeper_provides = 0i64;
    for &e in &ord.edges {
        let (a, b) = g.edge_ends(e);
        let info = g.edge_type_info(g.edge_type(e));
        if info.role != Role::Dependency {
            continue;
        }
        // The dependent and the provider of this edge.
        let (dependent, provider) = match info.direction {
            Direction::Forward => (a, b),
            Direction::Reverse => (b, a),
        };
        if let (Some(dd), Some(dp)) = (depth.get(&dependent), depth.get(&provider)) {
            deeper_provides += (dp - dd).signum();
        }
    }
    let sign = if deeper_provides < 0 { -1 } else { 1 };
    depth.into_iter().map(|(n, d)| (n, sign * d)).collect()
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

    /// Upstream of NVIDIA (TSMC at depth 1, EUV at 2): columns by depth
    /// to the right; downstream of EUV: the same nodes, columns negated so
    /// dependents stay on the left; no depths: no columns.
    #[test]
    fn depths_become_columns_with_dependents_on_the_left() {
        let g = small_graph();
        let node = |k: &str| g.node_by_key(k).expect("a node");
        let three = ["nvidia", "tsmc", "euv"];
        let cols = |depths: [u32; 3]| {
            let mut sub = Subgraph {
                nodes: three.iter().map(|k| node(k)).collect(),
                depths: three.iter().map(|k| node(k)).zip(depths).collect(),
                ..Subgraph::default()
            };
            sub.edges = Subgraph::whole(&g, &View::full())
                .edges
                .into_iter()
                .filter(|&e| {
                    let (a, b) = g.edge_ends(e);
                    sub.nodes.contains(&a) && sub.nodes.contains(&b)
                })
                .collect();
            let d = data(&to_html(&g, &sub));
            let by_id: Vec<(String, Option<i64>)> = d["nodes"]
                .as_array()
                .expect("nodes")
                .iter()
                .map(|n| {
                    (
                        n["id"].as_str().unwrap_or("").to_string(),
                        n["col"].as_i64(),
                    )
                })
                .collect();
            three.map(|k| by_id.iter().find(|(id, _)| id == k).and_then(|(_, c)| *c))
        };
        assert_eq!(cols([0, 1, 2]), [Some(0), Some(1), Some(2)], "upstream");
        assert_eq!(cols([2, 1, 0]), [Some(-2), Some(-1), Some(0)], "downstream");
        let plain = data(&to_html(&g, &Subgraph::whole(&g, &View::full())));
        assert!(!plain.to_string().contains("\"col\""), "{plain}");
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
