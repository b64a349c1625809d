//! DOT for Graphviz: a left-to-right `digraph` whose nodes and edges are
//! exactly the exported ones, styled by kind, with the legend in the graph's
//! own (HTML-like) label rather than in extra nodes.
//!
//! Every id and label is a quoted string, escaped here and nowhere else:
//! a name can never end its string early and inject attributes or nodes.
//! Ids spell out what they cannot hold (they are never shown, but must stay
//! distinct); labels show what Graphviz can show.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use crate::model::{Date, Direction, EdgeId, EdgeTypeId, Graph, NodeId, Role};

use super::escape::{escape_into, undrawable};
use super::style::{KindStyle, kind_style};
use super::subgraph::{Ordered, Subgraph};

/// Options of the DOT writer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DotOptions {
    /// Group nodes into `cluster_<nation id>` subgraphs by the node their
    /// `LOCATED_IN` edge points to (see [`to_dot`]).
    pub clusters: bool,
    /// The Graphviz engine; `None`: chosen by size ([`Layout::for_size`]).
    pub layout: Option<Layout>,
    /// Edge labels; `None`: only while they stay readable ([`labels_fit`]).
    pub labels: Option<bool>,
}

/// A Graphviz layout engine, written into the DOT as the `layout`
/// attribute, so `dot -Tsvg` (and any viewer) lays the file out with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Layered, left to right: readable for small dependency trees, but
    /// its time grows fast with size (minutes at a few thousand edges).
    Dot,
    /// Scalable force-directed placement with overlap removal: seconds
    /// for the whole bundled graph.
    Sfdp,
    /// Spring model with overlap removal: middle-sized, unlayered graphs.
    Neato,
}

/// The most nodes `dot` lays out by default; above it, `sfdp`.
pub const DOT_MAX_NODES: usize = 150;
/// The most edges `dot` lays out by default; above it, `sfdp`.
pub const DOT_MAX_EDGES: usize = 400;
/// The most edges drawn with labels by default.
pub const LABEL_MAX_EDGES: usize = 120;
/// Above this many nodes a single picture is too dense to read.
pub const READABLE_NODES: usize = 80;

impl Layout {
    /// `dot` for graphs up to [`DOT_MAX_NODES`] nodes and [`DOT_MAX_EDGES`]
    /// edges, `sfdp` above.
    pub fn for_size(nodes: usize, edges: usize) -> Layout {
        if nodes <= DOT_MAX_NODES && edges <= DOT_MAX_EDGES {
            Layout::Dot
        } else {
            Layout::Sfdp
        }
    }

    /// The engine's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Dot => "dot",
            Layout::Sfdp => "sfdp",
            Layout::Neato => "neato",
        }
    }
}

/// Whether edge labels stay readable: a layered layout of at most
/// [`LABEL_MAX_EDGES`] edges.
pub fn labels_fit(layout: Layout, edges: usize) -> bool {
    layout == Layout::Dot && edges <= LABEL_MAX_EDGES
}

/// A note for a picture too dense to read, with what to do instead.
pub fn readability_note(nodes: usize) -> Option<String> {
    (nodes > READABLE_NODES).then(|| {
        format!(
            "note: {nodes} nodes are too many to read in one picture; narrow it \
             (e.g. `depth 1`, `top 10`, a `where` clause), or `export html` for a \
             view with search and zoom"
        )
    })
}

/// The colour of highlighted path edges and their nodes.
const HOT: &str = "red";

/// Writes the subgraph as a Graphviz `digraph`.
///
/// Nodes are sorted by id, edges by (from id, to id, type, edge id). A node's
/// label is its name (its id when the name is empty) over its kind; its shape
/// and fill come from its kind. An edge's label is its type and share
/// (`SUPPLIES 0.62`); membership edges are dashed, impact edges dotted.
/// Highlighted path edges and their endpoints are drawn thick and red.
///
/// With `clusters`, a node with `LOCATED_IN` edges (in the whole graph, not
/// only the export) goes in the cluster of its target with the smallest id;
/// a node that is itself such a target of an exported node heads its own
/// cluster; other nodes stay outside. Clusters do not nest.
pub fn to_dot(g: &Graph, sub: &Subgraph, opts: &DotOptions) -> String {
    to_dot_at(g, sub, opts, None)
}

/// [`to_dot`], with the nodes and edges that do not hold on `day` (time.md)
/// drawn grey and dashed, labelled `(ended 2020-09-15)` or `(starts ...)`:
/// `export dot "FILE" with ended` shows what ended beside what holds.
pub fn to_dot_at(g: &Graph, sub: &Subgraph, opts: &DotOptions, day: Option<Date>) -> String {
    let ord = Ordered::new(g, sub);
    let marks = Marks { day };
    // One style lookup per kind, not per node.
    let styles: Vec<KindStyle> = g.kinds().map(|(_, name)| kind_style(name)).collect();
    let layout = opts
        .layout
        .unwrap_or_else(|| Layout::for_size(ord.nodes.len(), ord.edges.len()));
    let labels = opts
        .labels
        .unwrap_or_else(|| labels_fit(layout, ord.edges.len()));
    let mut out = String::with_capacity(256 + ord.nodes.len() * 96 + ord.edges.len() * 64);
    out.push_str("digraph \"faultline\" {\n");
    let _ = write!(out, "  graph [layout={}, ", layout.as_str());
    if layout != Layout::Dot {
        // Force-directed: no overlapping nodes, straight edges (fast).
        out.push_str("overlap=prism, overlap_scaling=-4, splines=false, outputorder=edgesfirst, ");
    }
    out.push_str(
        "rankdir=LR, charset=\"UTF-8\", fontname=\"Helvetica\", fontsize=10, \
         labelloc=b, labeljust=l, nodesep=0.3, ranksep=0.6, label=",
    );
    legend(g, &ord, sub.title.as_deref(), &mut out);
    out.push_str("];\n");
    out.push_str(
        "  node [fontname=\"Helvetica\", fontsize=10, style=filled, color=\"#555555\"];\n",
    );
    out.push_str(
        "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#666666\", fontcolor=\"#444444\", \
         arrowsize=0.7];\n",
    );
    if opts.clusters {
        write_clustered_nodes(g, &ord, &styles, &marks, &mut out);
    } else {
        for &n in &ord.nodes {
            node_statement(g, &ord, &styles, &marks, n, "  ", &mut out);
        }
    }
    if layout == Layout::Dot && !opts.clusters {
        write_depth_ranks(g, &ord, &sub.depths, &mut out);
    }
    for &e in &ord.edges {
        edge_statement(g, &ord, &marks, e, labels, &mut out);
    }
    out.push_str("}\n");
    out
}

/// `  {rank=same; "a"; "b"}` per depth (upstream, downstream): the layered
/// layout draws each depth as one column, the start set first. Not with
/// clusters (a rank cannot cross them).
fn write_depth_ranks(g: &Graph, ord: &Ordered, depths: &[(NodeId, u32)], out: &mut String) {
    let depth: HashMap<NodeId, u32> = depths.iter().copied().collect();
    let mut by_depth: BTreeMap<u32, Vec<NodeId>> = BTreeMap::new();
    for &n in &ord.nodes {
        if let Some(&d) = depth.get(&n) {
            by_depth.entry(d).or_default().push(n);
        }
    }
    for nodes in by_depth.values() {
        out.push_str("  {rank=same;");
        for &n in nodes {
            out.push(' ');
            push_id(g.node_key(n), out);
            out.push(';');
        }
        out.push_str("}\n");
    }
}

/// The date items are marked against, if any.
struct Marks {
    day: Option<Date>,
}

impl Marks {
    fn node(&self, g: &Graph, n: NodeId) -> Option<String> {
        g.node_validity(n)?.mark(self.day?)
    }

    fn edge(&self, g: &Graph, e: EdgeId) -> Option<String> {
        g.edge_validity(e)?.mark(self.day?)
    }
}

/// `(ended 2020-09-15)` after a label, opened by `open`.
fn push_mark(mark: Option<&str>, open: &str, out: &mut String) {
    if let Some(m) = mark {
        out.push_str(open);
        push_label_text(m, out);
        out.push(')');
    }
}

/// Grey for what does not hold on the export's date.
const ENDED_FILL: &str = "#eeeeee";
const ENDED_LINE: &str = "#aaaaaa";

/// `  "id" [label="Name\nKind", shape=..., style="...", fillcolor="..."];`
fn node_statement(
    g: &Graph,
    ord: &Ordered,
    styles: &[KindStyle],
    marks: &Marks,
    n: NodeId,
    indent: &str,
    out: &mut String,
) {
    let kind = g.node_kind_name(n);
    let style = styles[g.node_kind(n).index()];
    let name = match g.node_name(n) {
        "" => g.node_key(n),
        name => name,
    };
    out.push_str(indent);
    push_id(g.node_key(n), out);
    out.push_str(" [label=\"");
    push_label_text(name, out);
    out.push_str("\\n");
    push_label_text(kind, out);
    let mark = marks.node(g, n);
    push_mark(mark.as_deref(), "\\n(", out);
    out.push_str("\", shape=");
    out.push_str(style.shape);
    out.push_str(", style=\"");
    if !style.extra.is_empty() {
        out.push_str(style.extra);
        out.push(',');
    }
    out.push_str("filled\", fillcolor=\"");
    match mark {
        Some(_) => {
            out.push_str(ENDED_FILL);
            out.push_str("\", fontcolor=\"");
            out.push_str(ENDED_LINE);
        }
        None => out.push_str(style.fill),
    }
    out.push('"');
    if ord.is_hot_node(n) {
        out.push_str(", color=\"");
        out.push_str(HOT);
        out.push_str("\", penwidth=3");
    }
    out.push_str("];\n");
}

/// `  "from" -> "to" [label="TYPE 0.62"];`
///
/// Every edge is laid out from dependent to provider, so dependents stand
/// left of what they depend on in every picture: an edge type whose `to`
/// end depends on its `from` end (`SUPPLIES`) is written `"to" -> "from"`
/// with `dir=back`, its arrow still pointing at its own `to`.
fn edge_statement(
    g: &Graph,
    ord: &Ordered,
    marks: &Marks,
    e: EdgeId,
    labels: bool,
    out: &mut String,
) {
    let (a, b) = g.edge_ends(e);
    let ty = g.edge_type(e);
    let reverse = g.edge_type_info(ty).direction == Direction::Reverse;
    let (first, second) = if reverse { (b, a) } else { (a, b) };
    out.push_str("  ");
    push_id(g.node_key(first), out);
    out.push_str(" -> ");
    push_id(g.node_key(second), out);
    // Without labels, the type and share stay as a tooltip in SVG viewers.
    out.push_str(if labels { " [label=\"" } else { " [tooltip=\"" });
    push_label_text(g.edge_type_name(ty), out);
    if let Some(share) = g.edge_share(e) {
        out.push(' ');
        out.push_str(&format_share(share));
    }
    let mark = marks.edge(g, e);
    push_mark(mark.as_deref(), " (", out);
    out.push('"');
    if reverse {
        out.push_str(", dir=back");
    }
    if mark.is_some() {
        out.push_str(", style=dashed, color=\"");
        out.push_str(ENDED_LINE);
        out.push_str("\", fontcolor=\"");
        out.push_str(ENDED_LINE);
        out.push('"');
    } else if let Some(style) = role_line(g, ty).1 {
        out.push_str(", style=");
        out.push_str(style);
    }
    if ord.is_hot_edge(e) {
        out.push_str(", color=\"");
        out.push_str(HOT);
        out.push_str("\", fontcolor=\"");
        out.push_str(HOT);
        out.push_str("\", penwidth=3");
    }
    out.push_str("];\n");
}

/// The role of an edge type and the line style that shows it (`None`: solid).
fn role_line(g: &Graph, ty: EdgeTypeId) -> (Role, Option<&'static str>) {
    let role = g.edge_type_info(ty).role;
    let style = match role {
        Role::Membership => Some("dashed"),
        Role::Impact => Some("dotted"),
        Role::Dependency | Role::Destination | Role::Enactor | Role::Other => None,
    };
    (role, style)
}

/// Nodes grouped into clusters by `LOCATED_IN` (see [`to_dot`]).
fn write_clustered_nodes(
    g: &Graph,
    ord: &Ordered,
    styles: &[KindStyle],
    marks: &Marks,
    out: &mut String,
) {
    let located: Vec<EdgeTypeId> = g
        .edge_types()
        .filter(|(_, info)| info.name.eq_ignore_ascii_case("LOCATED_IN"))
        .map(|(t, _)| t)
        .collect();
    // Each exported node's home: its LOCATED_IN target with the smallest id.
    let home: HashMap<NodeId, NodeId> = ord
        .nodes
        .iter()
        .filter_map(|&n| {
            g.out_adj()
                .iter(n)
                .filter(|(_, t, _)| located.contains(t))
                .map(|(_, _, to)| to)
                .min_by(|a, b| g.node_key(*a).cmp(g.node_key(*b)))
                .map(|h| (n, h))
        })
        .collect();
    let heads: std::collections::HashSet<NodeId> = home.values().copied().collect();
    let mut clusters: BTreeMap<&str, (NodeId, Vec<NodeId>)> = BTreeMap::new();
    for &n in &ord.nodes {
        let head = if heads.contains(&n) {
            Some(n)
        } else {
            home.get(&n).copied()
        };
        match head {
            Some(h) => clusters
                .entry(g.node_key(h))
                .or_insert_with(|| (h, Vec::new()))
                .1
                .push(n),
            None => node_statement(g, ord, styles, marks, n, "  ", out),
        }
    }
    for (key, (head, members)) in clusters {
        out.push_str("  subgraph ");
        push_id(&format!("cluster_{key}"), out);
        out.push_str(" {\n    label=\"");
        let name = match g.node_name(head) {
            "" => key,
            name => name,
        };
        push_label_text(name, out);
        out.push_str(
            "\"; labelloc=t; labeljust=l; style=\"rounded,filled\"; fillcolor=\"#f3f3f3\"; \
             color=\"#999999\"; \
             fontsize=11;\n",
        );
        for n in members {
            node_statement(g, ord, styles, marks, n, "    ", out);
        }
        out.push_str("  }\n");
    }
}

/// The legend: an HTML-like table with the title, a swatch per kind present
/// (with its shape and count), a line per edge type present, the path
/// highlight when there is one, and the counts.
fn legend(g: &Graph, ord: &Ordered, title: Option<&str>, out: &mut String) {
    // Count by id (cheap per item), then name the kinds and types present.
    let mut kind_counts = vec![0usize; g.kinds().count()];
    for &n in &ord.nodes {
        kind_counts[g.node_kind(n).index()] += 1;
    }
    let kinds: BTreeMap<&str, usize> = g
        .kinds()
        .filter(|(k, _)| kind_counts[k.index()] > 0)
        .map(|(k, name)| (name, kind_counts[k.index()]))
        .collect();
    let mut type_counts = vec![0usize; g.edge_types().count()];
    for &e in &ord.edges {
        type_counts[g.edge_type(e).index()] += 1;
    }
    let types: BTreeMap<&str, (EdgeTypeId, usize)> = g
        .edge_types()
        .filter(|(t, _)| type_counts[t.index()] > 0)
        .map(|(t, info)| (&*info.name, (t, type_counts[t.index()])))
        .collect();
    out.push_str(
        "<<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"3\">\
         <TR><TD COLSPAN=\"2\"><B>",
    );
    push_html_text(title.unwrap_or("Faultline export"), out);
    out.push_str("</B></TD></TR>");
    for (kind, count) in &kinds {
        let style = kind_style(kind);
        let shape = match style.extra {
            "" => style.shape.to_string(),
            extra => format!("{} {}", extra, style.shape),
        };
        let _ = write!(
            out,
            "<TR><TD BGCOLOR=\"{}\" WIDTH=\"24\"> </TD><TD ALIGN=\"LEFT\">",
            style.fill
        );
        push_html_text(if kind.is_empty() { "(no kind)" } else { kind }, out);
        let _ = write!(out, " ({shape}): {count}</TD></TR>");
    }
    for (name, (t, count)) in &types {
        let (role, style) = role_line(g, *t);
        let stroke = match style {
            Some("dashed") => "- - &gt;",
            Some(_) => "&#183;&#183;&#183;&gt;",
            None => "&#8212;&gt;",
        };
        let _ = write!(out, "<TR><TD>{stroke}</TD><TD ALIGN=\"LEFT\">");
        push_html_text(name, out);
        if role != Role::Other {
            let _ = write!(out, " ({})", role.as_str());
        }
        let _ = write!(out, ": {count}</TD></TR>");
    }
    if ord.has_highlight() {
        let _ = write!(
            out,
            "<TR><TD><FONT COLOR=\"{HOT}\"><B>&#8212;&gt;</B></FONT></TD>\
             <TD ALIGN=\"LEFT\"><FONT COLOR=\"{HOT}\">path</FONT></TD></TR>"
        );
    }
    let _ = write!(
        out,
        "<TR><TD COLSPAN=\"2\" ALIGN=\"LEFT\">{} nodes, {} edges</TD></TR></TABLE>>",
        ord.nodes.len(),
        ord.edges.len()
    );
}

/// A share for an edge label: two decimals, more only when two would show
/// zero (`0.62`, `1`, `0.004`).
fn format_share(share: f64) -> String {
    if !share.is_finite() {
        return share.to_string();
    }
    let mut decimals = 2;
    while decimals < 6 && share != 0.0 && (share * 10f64.powi(decimals)).round() == 0.0 {
        decimals += 1;
    }
    let text = format!("{share:.prec$}", prec = decimals as usize);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text.is_empty() || text == "-" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

/// A quoted DOT id. Inside a quoted string Graphviz only unescapes `\"`, so
/// every backslash is doubled and every other character that would break
/// the line or the output is spelled out (`\n`, `\u{1}`): distinct keys stay
/// distinct ids, and every statement stays on one line.
fn push_id(s: &str, out: &mut String) {
    out.push('"');
    escape_into(s, out, |c, _| match c {
        '\\' => Some("\\\\".into()),
        '"' => Some("\\\"".into()),
        '\n' => Some("\\n".into()),
        '\r' => Some("\\r".into()),
        '\t' => Some("\\t".into()),
        c if undrawable(c) => Some(format!("\\u{{{:x}}}", c as u32).into()),
        _ => None,
    });
    out.push('"');
}

/// The inside of a quoted label (an escString): backslashes doubled so
/// `\N`, `\l` and friends show literally, quotes escaped, line breaks as
/// Graphviz's `\n`, `&` as `&amp;` (Graphviz decodes entities in labels),
/// control characters that SVG cannot hold as U+FFFD.
fn push_label_text(s: &str, out: &mut String) {
    escape_into(s, out, |c, rest| match c {
        '\\' => Some("\\\\".into()),
        '"' => Some("\\\"".into()),
        '&' => Some("&amp;".into()),
        '\n' => Some("\\n".into()),
        '\r' if rest.starts_with('\n') => Some("".into()),
        '\r' => Some("\\n".into()),
        '\t' => Some(" ".into()),
        c if undrawable(c) => Some("\u{FFFD}".into()),
        _ => None,
    });
}

/// Text inside an HTML-like label: XML entities, line breaks as spaces,
/// control characters as U+FFFD.
fn push_html_text(s: &str, out: &mut String) {
    escape_into(s, out, |c, _| match c {
        '&' => Some("&amp;".into()),
        '<' => Some("&lt;".into()),
        '>' => Some("&gt;".into()),
        '"' => Some("&quot;".into()),
        '\n' | '\r' | '\t' => Some(" ".into()),
        c if undrawable(c) => Some("\u{FFFD}".into()),
        _ => None,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::View;
    use crate::export::testkit::{
        assert_deterministic, check_dot, dot_statements, hostile_graph, small_graph,
    };

    fn whole(g: &Graph) -> Subgraph {
        Subgraph::whole(g, &View::full())
    }

    /// A chain of `n` firms.
    fn chain(n: usize) -> Graph {
        let mut b = crate::model::GraphBuilder::new();
        let firm = b.kind("Firm");
        let dep = b.edge_type("DEPENDS_ON");
        let ids: Vec<NodeId> = (0..n)
            .map(|i| {
                b.add_node(&format!("f{i}"), firm, &format!("F{i}"), vec![], [])
                    .expect("fresh id")
            })
            .collect();
        for w in ids.windows(2) {
            b.add_edge(w[0], w[1], dep, []);
        }
        b.finish()
    }

    /// An upstream-shaped result: each depth is one rank of the layered
    /// picture, the start set (no row) at depth 0; not with clusters or a
    /// force-directed layout, and not for results without a depth.
    #[test]
    fn depths_become_ranks_in_a_layered_picture() {
        use crate::result::{Cell, ResultSet};
        let g = chain(5);
        let node = |k: &str| g.node_by_key(k).expect("a chain node");
        let row = |k: &str, d: i64| {
            vec![
                Cell::Node(node(k)),
                Cell::Value(crate::model::Value::Int(d)),
            ]
        };
        let result = ResultSet {
            columns: vec!["node".into(), "depth".into()],
            rows: vec![row("f1", 1), row("f2", 2), row("f3", 2)],
            message: None,
        };
        let mut sub = Subgraph {
            nodes: ["f0", "f1", "f2", "f3"].iter().map(|k| node(k)).collect(),
            ..Subgraph::default()
        };
        sub.layer_by_depth(&result);
        let dot = to_dot(&g, &sub, &DotOptions::default());
        let ranks: Vec<&str> = dot.lines().filter(|l| l.contains("rank=same")).collect();
        assert_eq!(
            ranks,
            [
                "  {rank=same; \"f0\";}",
                "  {rank=same; \"f1\";}",
                "  {rank=same; \"f2\"; \"f3\";}"
            ],
            "{dot}"
        );
        check_dot(&dot, 4, 0);
        for opts in [
            DotOptions {
                clusters: true,
                ..Default::default()
            },
            DotOptions {
                layout: Some(Layout::Sfdp),
                ..Default::default()
            },
        ] {
            assert!(!to_dot(&g, &sub, &opts).contains("rank=same"), "{opts:?}");
        }
        let mut plain = Subgraph {
            nodes: sub.nodes.clone(),
            ..Subgraph::default()
        };
        plain.layer_by_depth(&ResultSet {
            columns: vec!["node".into(), "loss".into()],
            rows: vec![vec![
                Cell::Node(node("f1")),
                Cell::Value(crate::model::Value::Int(1)),
            ]],
            message: None,
        });
        assert!(plain.depths.is_empty());
    }

    #[test]
    fn layout_and_labels_follow_the_size_unless_chosen() {
        let small = chain(10);
        let dot = to_dot(&small, &whole(&small), &DotOptions::default());
        assert!(dot.contains("graph [layout=dot, rankdir=LR"), "{dot}");
        assert!(dot.contains("[label=\"DEPENDS_ON\"]"), "{dot}");
        assert_eq!(readability_note(small.node_count()), None);

        let large = chain(DOT_MAX_NODES + 1);
        let dot = to_dot(&large, &whole(&large), &DotOptions::default());
        assert!(dot.contains("graph [layout=sfdp, overlap=prism"), "{dot}");
        assert!(
            !dot.contains("[label=\"DEPENDS_ON"),
            "no edge labels when dense"
        );
        assert!(dot.contains("[tooltip=\"DEPENDS_ON\"]"));
        let note = readability_note(large.node_count()).expect("too large to read");
        assert!(
            note.contains("151 nodes") && note.contains("depth 1"),
            "{note}"
        );

        let chosen = DotOptions {
            layout: Some(Layout::Neato),
            labels: Some(true),
            ..Default::default()
        };
        let dot = to_dot(&large, &whole(&large), &chosen);
        assert!(dot.contains("graph [layout=neato, overlap=prism"), "{dot}");
        assert!(dot.contains("[label=\"DEPENDS_ON\"]"));
        let off = DotOptions {
            labels: Some(false),
            ..Default::default()
        };
        let dot = to_dot(&small, &whole(&small), &off);
        assert!(!dot.contains("[label=\"DEPENDS_ON"), "{dot}");
    }

    #[test]
    fn hostile_names_stay_inside_their_strings() {
        let g = hostile_graph();
        for clusters in [false, true] {
            let dot = to_dot(
                &g,
                &whole(&g),
                &DotOptions {
                    clusters,
                    ..Default::default()
                },
            );
            let counts = dot_statements(&dot);
            assert_eq!(counts.nodes.len(), g.node_count(), "{dot}");
            assert_eq!(counts.edges, g.edge_count(), "{dot}");
            // Every node statement's id is one of the graph's (escaped) keys.
            let mut keys: Vec<String> = g
                .nodes()
                .map(|n| {
                    let mut s = String::new();
                    push_id(g.node_key(n), &mut s);
                    s
                })
                .collect();
            keys.sort();
            let mut ids = counts.nodes.clone();
            ids.sort();
            assert_eq!(ids, keys);
            // No raw line breaks or control characters inside statements.
            assert!(!dot.contains('\r'));
            assert!(!dot.chars().any(|c| c.is_control() && c != '\n'));
            assert!(dot.contains("charset=\"UTF-8\""));
            check_dot(&dot, g.node_count(), g.edge_count());
        }
    }

    #[test]
    fn escaping_rules() {
        let mut s = String::new();
        push_id("a\\\"b\nc\u{1}", &mut s);
        assert_eq!(s, r#""a\\\"b\nc\u{1}""#);
        let mut s = String::new();
        push_label_text("x\\N \"y\"\r\nz & <b>\u{7}", &mut s);
        assert_eq!(s, "x\\\\N \\\"y\\\"\\nz &amp; <b>\u{FFFD}");
        let mut s = String::new();
        push_html_text("<b>\"A&B\"</b>\n", &mut s);
        assert_eq!(s, "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt; ");
    }

    #[test]
    fn legend_is_in_the_graph_label_only() {
        let g = small_graph();
        let mut sub = whole(&g);
        sub.title = Some("upstream of <NVIDIA> & co".to_string());
        let dot = to_dot(&g, &sub, &DotOptions::default());
        let label_line = dot.lines().nth(1).expect("the graph attributes line");
        assert!(
            label_line.starts_with("  graph [layout=dot, rankdir=LR"),
            "{dot}"
        );
        assert!(
            label_line.contains("upstream of &lt;NVIDIA&gt; &amp; co"),
            "{dot}"
        );
        for kind in ["Firm", "Nation", "Technology"] {
            assert!(
                label_line.contains(&format!(">{kind} (")),
                "{kind} missing: {dot}"
            );
        }
        assert!(label_line.contains("SUPPLIES (dependency): "), "{dot}");
        assert!(label_line.contains(&format!(
            "{} nodes, {} edges",
            g.node_count(),
            g.edge_count()
        )));
        let counts = dot_statements(&dot);
        assert_eq!(counts.nodes.len(), g.node_count());
        assert_eq!(counts.edges, g.edge_count());
        check_dot(&dot, g.node_count(), g.edge_count());
    }

    #[test]
    fn nodes_and_edges_are_styled() {
        let g = small_graph();
        let dot = to_dot(&g, &whole(&g), &DotOptions::default());
        assert!(dot.starts_with("digraph \"faultline\" {\n"));
        assert!(dot.contains(
            "  \"tsmc\" [label=\"TSMC\\nFirm\", shape=box, style=\"rounded,filled\", \
             fillcolor=\"#b6d7a8\"];"
        ));
        assert!(dot.contains("  \"tw\" [label=\"Taiwan\\nNation\", shape=ellipse,"));
        assert!(
            dot.contains("  \"nvidia\" -> \"tsmc\" [label=\"SUPPLIES 0.62\", dir=back];"),
            "{dot}"
        );
        assert!(
            dot.contains("  \"tsmc\" -> \"tw\" [label=\"LOCATED_IN\", style=dashed];"),
            "{dot}"
        );
        check_dot(&dot, g.node_count(), g.edge_count());
    }

    #[test]
    fn highlight_marks_path_edges_and_their_nodes() {
        let g = small_graph();
        let path_edge = g
            .edges()
            .find(|e| g.edge_type_name(g.edge_type(*e)) == "SUPPLIES")
            .expect("a SUPPLIES edge");
        let sub = Subgraph {
            highlight: vec![path_edge],
            ..Subgraph::default()
        };
        let dot = to_dot(&g, &sub, &DotOptions::default());
        let counts = dot_statements(&dot);
        assert_eq!(
            counts.nodes.len(),
            2,
            "the highlighted edge brings its endpoints: {dot}"
        );
        assert_eq!(counts.edges, 1);
        let hot_lines = dot.lines().filter(|l| l.contains("penwidth=3")).count();
        assert_eq!(hot_lines, 3, "{dot}");
        assert!(dot.contains(">path</FONT>"));
        check_dot(&dot, 2, 1);
    }

    #[test]
    fn clusters_group_by_located_in() {
        let g = small_graph();
        let dot = to_dot(
            &g,
            &whole(&g),
            &DotOptions {
                clusters: true,
                ..Default::default()
            },
        );
        let tw = dot
            .find("subgraph \"cluster_tw\" {")
            .expect("a Taiwan cluster");
        let us = dot.find("subgraph \"cluster_us\" {").expect("a US cluster");
        assert!(tw < us, "clusters in id order");
        let tw_block = &dot[tw..dot[tw..].find("  }\n").map(|i| tw + i).expect("closed")];
        assert!(tw_block.contains("label=\"Taiwan\""));
        assert!(tw_block.contains("    \"tsmc\" ["), "{tw_block}");
        assert!(
            tw_block.contains("    \"tw\" ["),
            "the nation heads its own cluster"
        );
        // EUV has no LOCATED_IN: outside every cluster, before them.
        let euv = dot.find("  \"euv\" [").expect("euv");
        assert!(euv < tw);
        check_dot(&dot, g.node_count(), g.edge_count());
        // Only NVIDIA exported: still in the US cluster, though `us` is not.
        let nvidia = g.node_by_key("nvidia").expect("nvidia");
        let sub = Subgraph {
            nodes: vec![nvidia],
            ..Subgraph::default()
        };
        let dot = to_dot(
            &g,
            &sub,
            &DotOptions {
                clusters: true,
                ..Default::default()
            },
        );
        assert!(
            dot.contains("subgraph \"cluster_us\" {\n    label=\"United States\""),
            "{dot}"
        );
        assert_eq!(dot_statements(&dot).nodes.len(), 1);
        check_dot(&dot, 1, 0);
    }

    #[test]
    fn output_is_deterministic_and_independent_of_input_order() {
        for clusters in [false, true] {
            let opts = DotOptions {
                clusters,
                ..Default::default()
            };
            assert_deterministic(|g, sub| to_dot(g, sub, &opts));
        }
    }

    #[test]
    fn empty_export_is_a_valid_graph() {
        let g = small_graph();
        let dot = to_dot(
            &g,
            &Subgraph::default(),
            &DotOptions {
                clusters: true,
                ..Default::default()
            },
        );
        assert_eq!(dot_statements(&dot).nodes.len(), 0);
        assert!(dot.contains("0 nodes, 0 edges"));
        check_dot(&dot, 0, 0);
    }

    #[test]
    fn shares_are_short() {
        assert_eq!(format_share(0.62), "0.62");
        assert_eq!(format_share(1.0), "1");
        assert_eq!(format_share(0.5), "0.5");
        assert_eq!(format_share(0.004), "0.004");
        assert_eq!(format_share(0.333333), "0.33");
        assert_eq!(format_share(0.0), "0");
    }
}
