//! Exports through FQL, end to end: the whole bundled graph, a path, an
//! upstream trace, a match and a scenario view. Every DOT file is parsed by
//! Graphviz's `dot` where it is installed (CI installs it) and its node and
//! edge counts are asserted; JSON loads back through the loader; GraphML
//! parses as XML with the expected counts.

#![allow(clippy::panic)] // test helpers fail the test by panicking

use std::path::{Path, PathBuf};
use std::process::Command;

use faultline::load::{LoadOptions, bundled_data_dir, load};
use faultline::model::Graph;
use faultline::session::Session;

mod tools;

fn bundled() -> Graph {
    load(&[bundled_data_dir()], &LoadOptions::default())
        .expect("the bundled graph loads")
        .graph
}

fn mini() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini")
}

fn run(session: &mut Session, source: &str) -> String {
    let mut messages = String::new();
    for o in session.execute(source, false) {
        let r = o
            .result
            .unwrap_or_else(|d| panic!("{}", d.render("<test>", source)));
        messages.push_str(&r.message.unwrap_or_default());
        messages.push('\n');
    }
    messages
}

/// Node and edge statements of a DOT file, counted from its text.
fn dot_counts(text: &str) -> (usize, usize) {
    let mut nodes = 0;
    let mut edges = 0;
    for line in text.lines().map(str::trim) {
        if !line.starts_with('"') {
            continue;
        }
        if line.contains("\" -> \"") {
            edges += 1;
        } else {
            nodes += 1;
        }
    }
    (nodes, edges)
}

/// Has Graphviz lay the file out as SVG and counts its node and edge groups.
fn graphviz_counts(path: &Path) -> Option<(usize, usize)> {
    let out = Command::new("dot").arg("-Tsvg").arg(path).output().ok()?;
    assert!(
        out.status.success(),
        "dot rejects {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let svg = String::from_utf8_lossy(&out.stdout);
    Some((
        svg.matches("class=\"node\"").count(),
        svg.matches("class=\"edge\"").count(),
    ))
}

fn check_dot(path: &Path, nodes: usize, edges: usize) {
    let text = std::fs::read_to_string(path).expect("the DOT file was written");
    assert!(text.starts_with("digraph"), "{text}");
    assert_eq!(
        dot_counts(&text),
        (nodes, edges),
        "statements of {}",
        path.display()
    );
    if let Some(counts) = graphviz_counts(path) {
        assert_eq!(
            counts,
            (nodes, edges),
            "what Graphviz drew of {}",
            path.display()
        );
    }
}

#[test]
fn the_whole_bundled_graph_exports_to_dot_json_and_graphml() {
    let dir = tempfile::tempdir().expect("temp dir");
    let g = bundled();
    // Today's graph: what has ended (or not begun) is not exported.
    let (hidden_nodes, hidden_edges) =
        faultline::load::hidden_at(&g, faultline::model::Date::today());
    let (n, m) = (g.node_count() - hidden_nodes, g.edge_count() - hidden_edges);
    let mut s = Session::new(g);
    let dot = dir.path().join("all.dot");
    let json = dir.path().join("all.json");
    let graphml = dir.path().join("all.graphml");
    let said = run(
        &mut s,
        &format!(
            "export dot {:?}; export json {:?}; export graphml {:?}",
            dot, json, graphml
        ),
    );
    // The export shows the graph at today's date: facts that ended (or have
    // not started) are left out, the rest is all there.
    let counts = said
        .split("exported ")
        .nth(1)
        .and_then(|rest| {
            let mut w = rest.split_whitespace();
            let nodes = w.next()?.parse::<usize>().ok()?;
            let edges = w.nth(2)?.parse::<usize>().ok()?;
            Some((nodes, edges))
        })
        .unwrap_or_else(|| panic!("no counts in {said}"));
    assert!(
        counts.0 <= n && counts.0 + 20 >= n && counts.1 <= m && counts.1 + 100 >= m,
        "exported {counts:?} of {n} nodes and {m} edges"
    );
    let (n, m) = counts;
    let text = std::fs::read_to_string(&dot).expect("DOT written");
    assert_eq!(dot_counts(&text), (n, m));
    // The whole graph is too big to lay out quickly: have Graphviz's `nop`
    // (parse and print, no layout) read it.
    if let Ok(out) = Command::new("nop").arg(&dot).output() {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let xml = std::fs::read_to_string(&graphml).expect("GraphML written");
    let doc = roxmltree::Document::parse(&xml).expect("GraphML is XML");
    assert_eq!(
        doc.descendants().filter(|e| e.has_tag_name("node")).count(),
        n
    );
    assert_eq!(
        doc.descendants().filter(|e| e.has_tag_name("edge")).count(),
        m
    );
    // JSON carries no schema: with the bundled schemas beside it (which allow
    // the dated parallel edges of a changed share), it loads back strictly
    // with every node and edge.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("graph-data");
    let back_dir = dir.path().join("back");
    for (i, schema) in [
        root.join("schema.toml"),
        root.join("imported/eto/schema.toml"),
        root.join("imported/epoch/schema.toml"),
    ]
    .iter()
    .enumerate()
    {
        let sub = back_dir.join(format!("s{i}"));
        std::fs::create_dir_all(&sub).expect("schema dir");
        std::fs::copy(schema, sub.join("schema.toml")).expect("copy schema");
    }
    std::fs::rename(&json, back_dir.join("all.json")).expect("move the JSON export");
    let back = load(&[back_dir], &LoadOptions::default()).expect("the JSON export loads back");
    assert_eq!((back.graph.node_count(), back.graph.edge_count()), (n, m));
}

#[test]
fn a_path_an_upstream_trace_and_a_match_export_their_subgraphs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = Session::new(bundled());
    let path = dir.path().join("path.dot");
    run(
        &mut s,
        &format!("export dot {path:?} from path from \"NVIDIA\" to \"Netherlands\""),
    );
    check_dot(&path, 4, 3);
    let text = std::fs::read_to_string(&path).expect("written");
    assert_eq!(
        text.matches("penwidth=3").count(),
        3 + 4,
        "path edges and nodes are highlighted"
    );

    let up = dir.path().join("up.dot");
    let said = run(
        &mut s,
        &format!("export dot {up:?} from upstream of \"NVIDIA\" depth 1"),
    );
    assert!(said.contains("exported 8 nodes"), "{said}");
    let text = std::fs::read_to_string(&up).expect("written");
    let (nodes, edges) = dot_counts(&text);
    assert_eq!(nodes, 8);
    check_dot(&up, nodes, edges);

    let m = dir.path().join("match.dot");
    run(
        &mut s,
        &format!(
            "export dot {m:?} with clusters from match (f:Firm)-[r:LOCATED_IN]->(n:Nation {{name: \"Taiwan\"}}) return f, r, n"
        ),
    );
    let text = std::fs::read_to_string(&m).expect("written");
    let firms = text.matches("\\nFirm\"").count();
    check_dot(&m, firms + 1, firms);
    assert!(
        text.contains("subgraph \"cluster_tw\""),
        "clustered by nation"
    );
}

#[test]
fn a_scenario_view_exports_without_what_it_removes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let g = load(&[mini()], &LoadOptions::default())
        .expect("fixture loads")
        .graph;
    let (n, m) = (g.node_count(), g.edge_count());
    let mut s = Session::new(g);
    let json = dir.path().join("view.json");
    let dot = dir.path().join("view.dot");
    // Removing Taiwan is a blockade: it hides Taiwan and its closure (TSMC,
    // located in it) with their seven edges.
    run(
        &mut s,
        &format!(
            "scenario blockade = remove \"Taiwan\"; with blockade: export json {json:?}; with blockade: export dot {dot:?}"
        ),
    );
    check_dot(&dot, n - 2, m - 7);
    // With the schema beside it, the export loads back strictly, values and all.
    std::fs::copy(mini().join("schema.toml"), dir.path().join("schema.toml")).expect("copy schema");
    std::fs::remove_file(&dot).expect("remove the DOT file");
    let back =
        load(&[dir.path().to_path_buf()], &LoadOptions::default()).expect("the view loads back");
    assert_eq!(
        (back.graph.node_count(), back.graph.edge_count()),
        (n - 2, m - 7)
    );
    let nvidia = back
        .graph
        .node_by_key("nvidia")
        .expect("NVIDIA is still there");
    assert_eq!(
        back.graph.node_prop(nvidia, "founded"),
        Some(faultline::model::Value::Int(1993))
    );
    assert!(back.graph.node_by_key("tsmc").is_none());
    assert!(back.graph.node_by_key("tw").is_none());
}

#[test]
fn exporting_to_a_missing_directory_is_a_clear_error() {
    let mut s = Session::new(
        load(&[mini()], &LoadOptions::default())
            .expect("fixture loads")
            .graph,
    );
    let source = "export dot \"/nonexistent-dir/x.dot\"";
    let outcome = s.execute(source, false);
    let err = outcome[0].result.as_ref().expect_err("the export fails");
    assert!(err.message.contains("/nonexistent-dir"), "{}", err.message);
}

/// The whole bundled graph as a picture: laid out by `sfdp` without edge
/// labels (chosen by size), it finishes and draws every node and edge; the
/// message says the picture is too large to read and what to do.
#[test]
fn the_whole_bundled_graph_renders_to_svg() {
    if tools::skip_without("Graphviz's `dot`", tools::graphviz()) {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let g = bundled();
    let (all_n, all_m) = (g.node_count(), g.edge_count());
    let mut s = Session::new(g);
    let svg = dir.path().join("all.svg");
    let said = run(&mut s, &format!("export svg {svg:?}"));
    // What is visible today: the graph less what has ended or not begun.
    let counts: Vec<usize> = said
        .split("exported ")
        .nth(1)
        .expect("the message counts what was exported")
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .take(2)
        .collect();
    let (n, m) = (counts[0], counts[1]);
    assert!(n > 1000 && n <= all_n && m > 4000 && m <= all_m, "{said}");
    // The same counts as the queries over what is visible today.
    let count = |s: &mut Session, q: &str| match s.execute(q, false).remove(0).result {
        Ok(r) => match r.rows[0][0] {
            faultline::result::Cell::Value(faultline::model::Value::Int(v)) => v as usize,
            ref other => panic!("{q}: {other:?}"),
        },
        Err(d) => panic!("{}", d.render("<test>", q)),
    };
    assert_eq!(count(&mut s, "match (n) return count(*)"), n, "{said}");
    assert_eq!(
        count(&mut s, "match ()-[r]->() return count(*)"),
        m,
        "{said}"
    );
    assert!(
        said.contains("too many to read") && said.contains("depth 1"),
        "{said}"
    );
    let text = std::fs::read_to_string(&svg).expect("SVG written");
    assert_eq!(text.matches("class=\"node\"").count(), n);
    assert_eq!(text.matches("class=\"edge\"").count(), m);
}

/// `layout` and `labels` reach the DOT; direction is consistent: a
/// `SUPPLIES` edge (the provider first) is laid out dependent first.
#[test]
fn export_options_choose_the_layout_and_labels() {
    let dir = tempfile::tempdir().expect("temp dir");
    let g = faultline::load::load(&[mini()], &LoadOptions::default())
        .expect("mini loads")
        .graph;
    let mut s = Session::new(g);
    let dot = dir.path().join("g.dot");
    run(
        &mut s,
        &format!("export dot {dot:?} layout neato labels off"),
    );
    let text = std::fs::read_to_string(&dot).expect("DOT written");
    assert!(text.contains("layout=neato"), "{text}");
    assert!(!text.contains("[label=\"SUPPLIES"), "{text}");
    run(&mut s, &format!("export dot {dot:?}"));
    let text = std::fs::read_to_string(&dot).expect("DOT written");
    assert!(text.contains("layout=dot"), "{text}");
    let supplies: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("[label=\"SUPPLIES"))
        .collect();
    assert!(!supplies.is_empty(), "{text}");
    assert!(
        supplies.iter().all(|l| l.contains("dir=back")),
        "{supplies:?}"
    );
}

/// Every node's and edge's validity, by ids, sorted.
fn intervals(g: &Graph) -> Vec<String> {
    let mut out: Vec<String> = g
        .nodes_with_validity()
        .iter()
        .map(|(n, i)| format!("{} {}", g.node_key(*n), i.describe()))
        .chain(g.edges_with_validity().iter().map(|(e, i)| {
            let (a, b) = g.edge_ends(*e);
            format!("{} {} {}", g.node_key(a), g.node_key(b), i.describe())
        }))
        .collect();
    out.sort();
    out
}

#[test]
fn json_exports_keep_validity_and_dot_marks_what_ended() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/time"));
    let g = load(std::slice::from_ref(&data), &LoadOptions::default())
        .expect("the time fixture loads")
        .graph;
    let expected = intervals(&g);
    assert_eq!(expected.len(), 9, "{expected:?}");
    let mut s = Session::new(g);
    s.set_date(faultline::model::Date::parse("2021-06-01").expect("a date"));
    let json = dir.path().join("all.json");
    let dot = dir.path().join("ended.dot");
    let said = run(
        &mut s,
        &format!(
            "export json {json:?} with ended; export dot {dot:?} with ended from upstream of \"Huawei\"; export dot {:?} from upstream of \"Huawei\"",
            dir.path().join("plain.dot")
        ),
    );
    assert!(said.contains("exported 10 nodes and 14 edges"), "{said}");
    // With the schema beside it, the export loads back with the same intervals.
    let schema = dir.path().join("schema.toml");
    std::fs::copy(data.join("schema.toml"), &schema).expect("schema copied");
    let back = load(&[schema, json], &LoadOptions::default())
        .expect("the export loads back")
        .graph;
    assert_eq!(intervals(&back), expected);
    let text = std::fs::read_to_string(&dot).expect("DOT written");
    assert!(
        text.contains("DEPENDS_ON 0.9 (ended 2020-09-15)\", style=dashed"),
        "{text}"
    );
    assert!(
        text.contains("Old Fab\\nFirm\\n(ended 2020-01-01)"),
        "{text}"
    );
    let plain = std::fs::read_to_string(dir.path().join("plain.dot")).expect("DOT written");
    assert!(
        !plain.contains("ended") && !plain.contains("tsmc"),
        "{plain}"
    );
}

/// Upstream and downstream pictures read as tiers: each depth of the
/// statement's rows is one rank (`rank=same`) of the layered layout, the
/// start node alone in the first.
#[test]
fn upstream_and_downstream_pictures_rank_nodes_by_depth() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = Session::new(bundled());
    for (statement, start) in [
        ("upstream of \"NVIDIA\" depth 2", "nvidia"),
        ("downstream of \"ASML\" depth 1", "asml"),
    ] {
        let result = s.execute(statement, false).remove(0).result.expect("runs");
        let depth_col = result.columns.iter().position(|c| c == "depth");
        let depth_col = depth_col.expect("a depth column");
        let mut want: Vec<Vec<String>> = vec![vec![format!("\"{start}\"")]];
        for row in &result.rows {
            let (
                faultline::result::Cell::Node(n),
                faultline::result::Cell::Value(faultline::model::Value::Int(d)),
            ) = (&row[0], &row[depth_col])
            else {
                panic!("node and depth: {row:?}");
            };
            let d = usize::try_from(*d).expect("a depth");
            if want.len() <= d {
                want.resize(d + 1, Vec::new());
            }
            want[d].push(format!("\"{}\"", s.graph().node_key(*n)));
        }
        for w in &mut want {
            w.sort();
        }
        let file = dir.path().join("tiers.dot");
        run(&mut s, &format!("export dot {file:?} from {statement}"));
        let text = std::fs::read_to_string(&file).expect("DOT written");
        assert!(text.contains("layout=dot"), "{statement}");
        let ranks: Vec<Vec<String>> = text
            .lines()
            .filter_map(|l| l.trim().strip_prefix("{rank=same;"))
            .map(|l| {
                let mut ids: Vec<String> = l
                    .trim_end_matches('}')
                    .split(';')
                    .map(|id| id.trim().to_string())
                    .filter(|id| !id.is_empty())
                    .collect();
                ids.sort();
                ids
            })
            .collect();
        assert_eq!(ranks, want, "{statement}");
        if let Some(counts) = graphviz_counts(&file) {
            assert_eq!(counts, dot_counts(&text), "{statement}");
        }
    }
}
