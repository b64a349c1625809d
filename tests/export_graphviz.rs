//! Graphviz accepts every DOT export of a graph of hostile names, and draws
//! exactly the exported nodes and edges (an injected node, or a legend drawn
//! as nodes, would change the counts). Skips cleanly when `dot` is not
//! installed.

use std::path::Path;
use std::process::Command;

use faultline::analysis::View;
use faultline::export::{
    DotOptions, ImageFormat, Subgraph, render_with_graphviz, to_dot, write_atomic,
};
use faultline::model::{Graph, GraphBuilder, Value};

mod tools;

/// Every name a writer could get wrong, with LOCATED_IN edges for clusters
/// and a hostile edge type.
fn hostile_graph() -> Graph {
    let mut b = GraphBuilder::new();
    let firm = b.kind("Firm");
    let nation = b.kind("Nation");
    let odd = b.kind("<Kind> & \"co\"\n");
    let located = b.edge_type("LOCATED_IN");
    let supplies = b.edge_type("SUPPLIES \"x\"\\");
    let share = b.prop_key("share");
    let names = [
        ("q\"uote", firm, "He said \"hi\""),
        ("back\\slash\\", firm, "C:\\path\\"),
        ("new\nline", firm, "two\nlines\r\nthree"),
        ("inject", firm, "\"];\n evil [shape=box"),
        ("\"]; evil2 [color=red", odd, "x\"] ; y [label=\"z"),
        ("html", odd, "<b>bold</b> & <i>"),
        ("tw", nation, "台湾 (中華民國)"),
        ("eg", nation, "جمهورية مصر العربية"),
        ("empty", firm, ""),
        ("ctrl\u{1}", odd, "bell\u{7}\u{0}"),
        ("ctrl\u{2}", odd, "esc\u{1b}[31m"),
        ("\\N", firm, "\\N\\G\\l"),
        ("cluster_x", firm, "}} subgraph { "),
    ];
    let ids: Vec<_> = names
        .iter()
        .map(|(key, kind, name)| {
            b.add_node(key, *kind, name, vec![], [])
                .expect("unique ids")
        })
        .collect();
    for (i, &n) in ids.iter().enumerate() {
        if i != 6 && i != 7 {
            b.add_edge(n, ids[6 + i % 2], located, []);
        }
        b.add_edge(
            n,
            ids[(i + 1) % ids.len()],
            supplies,
            [(share, Value::Float(0.25))],
        );
    }
    b.finish()
}

/// The `<g class=...>` groups of an SVG, and the texts drawn.
struct Drawn {
    nodes: usize,
    edges: usize,
    clusters: usize,
    texts: Vec<String>,
}

fn drawn(svg_path: &Path) -> Drawn {
    let svg = std::fs::read_to_string(svg_path).expect("the SVG was written");
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let doc =
        roxmltree::Document::parse_with_options(&svg, opts).expect("the SVG is well-formed XML");
    let count = |class: &str| {
        doc.descendants()
            .filter(|n| n.has_tag_name("g") && n.attribute("class") == Some(class))
            .count()
    };
    let texts = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").to_string())
        .collect();
    Drawn {
        nodes: count("node"),
        edges: count("edge"),
        clusters: count("cluster"),
        texts,
    }
}

#[test]
fn graphviz_draws_exactly_the_exported_graph() {
    if tools::skip_without("Graphviz's `dot`", tools::graphviz()) {
        return;
    }
    let g = hostile_graph();
    let dir = tempfile::tempdir().expect("a temp dir");
    let whole = Subgraph::whole(&g, &View::full());
    let first_two = Subgraph {
        edges: whole.edges[..2].to_vec(),
        ..Subgraph::default()
    };
    let mut highlighted = whole.clone();
    highlighted.highlight = whole.edges[..3].to_vec();
    highlighted.title = Some("path from \"inject\" <to> tw & co\n".to_string());
    let cases = [
        ("whole", &whole),
        ("first-two", &first_two),
        ("highlighted", &highlighted),
    ];
    for (name, sub) in cases {
        let mut check = sub.clone();
        check.normalize(&g);
        for clusters in [false, true] {
            let dot = to_dot(
                &g,
                sub,
                &DotOptions {
                    clusters,
                    ..Default::default()
                },
            );
            let svg = dir.path().join(format!("{name}-{clusters}.svg"));
            let rendered = render_with_graphviz(&dot, ImageFormat::Svg, &svg);
            let error = rendered.err().map(|e| e.to_string());
            assert_eq!(error, None, "{name}, clusters {clusters}\n{dot}");
            let d = drawn(&svg);
            assert_eq!(
                d.nodes,
                check.nodes.len(),
                "{name}, clusters {clusters}\n{dot}"
            );
            assert_eq!(
                d.edges,
                check.edges.len(),
                "{name}, clusters {clusters}\n{dot}"
            );
            if !clusters {
                assert_eq!(d.clusters, 0);
            }
            if name == "whole" {
                assert_eq!(d.clusters, if clusters { 2 } else { 0 });
                // Names are shown as written, line breaks as line breaks.
                for text in [
                    "\"];",
                    " evil [shape=box",
                    "جمهورية مصر العربية",
                    "台湾 (中華民國)",
                ] {
                    assert!(
                        d.texts.iter().any(|t| t == text),
                        "{text:?} not drawn: {:?}",
                        d.texts
                    );
                }
                assert!(d.texts.iter().any(|t| t == "\\N\\G\\l"), "{:?}", d.texts);
                assert!(
                    d.texts.iter().any(|t| t == "<b>bold</b> & <i>"),
                    "{:?}",
                    d.texts
                );
            }
        }
    }
}

#[test]
fn a_written_dot_file_renders_with_the_dot_command() {
    if tools::skip_without("Graphviz's `dot`", tools::graphviz()) {
        return;
    }
    let g = hostile_graph();
    let dir = tempfile::tempdir().expect("a temp dir");
    let dot_path = dir.path().join("hostile.dot");
    let svg_path = dir.path().join("hostile.svg");
    let dot = to_dot(
        &g,
        &Subgraph::whole(&g, &View::full()),
        &DotOptions {
            clusters: true,
            ..Default::default()
        },
    );
    write_atomic(&dot_path, dot.as_bytes()).expect("the DOT is written");
    // What the README tells users to run.
    let status = Command::new("dot")
        .arg("-Tsvg")
        .arg(&dot_path)
        .arg("-o")
        .arg(&svg_path)
        .status()
        .expect("dot runs");
    assert!(status.success());
    let d = drawn(&svg_path);
    assert_eq!((d.nodes, d.edges), (g.node_count(), g.edge_count()));
}
