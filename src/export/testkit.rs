//! Test graphs and checks shared by the export tests: a small, readable
//! supply chain with a schema, a graph of hostile names, a DOT statement
//! counter, and a Graphviz check that every DOT the tests produce renders.

use std::io::Write;
use std::process::{Command, Stdio};

use indexmap::IndexMap;

use crate::model::{
    Direction, EdgeTypeDef, Graph, GraphBuilder, KindDef, PropType, Role, Schema, Value,
};

/// The same ids as `sub` in another order and with repeats: a writer must
/// write both alike.
pub(crate) fn scrambled(sub: &super::Subgraph) -> super::Subgraph {
    let mut b = sub.clone();
    b.nodes.reverse();
    b.edges.reverse();
    b.nodes.extend(sub.nodes.iter().take(3).copied());
    b
}

/// A writer's output for the whole hostile graph is the same twice and
/// whatever the order of the ids it is given.
pub(crate) fn assert_deterministic(write: impl Fn(&Graph, &super::Subgraph) -> String) {
    let g = hostile_graph();
    let a = super::Subgraph::whole(&g, &crate::analysis::View::full());
    let first = write(&g, &a);
    assert_eq!(first, write(&g, &a));
    assert_eq!(first, write(&g, &scrambled(&a)));
}

/// TSMC supplies NVIDIA; both located in their nations; TSMC depends on EUV.
pub(crate) fn small_graph() -> Graph {
    let mut schema = Schema::default();
    let mut firm = KindDef::default();
    firm.props.insert("founded".into(), PropType::Int);
    firm.props.insert("revenue_usd_bn".into(), PropType::Float);
    schema.kinds.insert("Firm".into(), firm);
    schema.kinds.insert("Nation".into(), KindDef::default());
    schema.kinds.insert("Technology".into(), KindDef::default());
    let mut edges = IndexMap::new();
    let dep = |direction| EdgeTypeDef {
        role: Role::Dependency,
        direction,
        ..Default::default()
    };
    edges.insert("SUPPLIES".to_string(), dep(Direction::Reverse));
    edges.insert("DEPENDS_ON".to_string(), dep(Direction::Forward));
    edges.insert(
        "LOCATED_IN".to_string(),
        EdgeTypeDef {
            role: Role::Membership,
            ..Default::default()
        },
    );
    schema.edges = edges;

    let mut b = GraphBuilder::new();
    b.set_schema(schema);
    let (firm, nation, tech) = (b.kind("Firm"), b.kind("Nation"), b.kind("Technology"));
    let (supplies, depends, located) = (
        b.edge_type("SUPPLIES"),
        b.edge_type("DEPENDS_ON"),
        b.edge_type("LOCATED_IN"),
    );
    let (founded, revenue, listed, tags) = (
        b.prop_key("founded"),
        b.prop_key("revenue_usd_bn"),
        b.prop_key("listed"),
        b.prop_key("tags"),
    );
    let (share, source, as_of) = (
        b.prop_key("share"),
        b.prop_key("source"),
        b.prop_key("as_of"),
    );
    let date = |s: &str| Value::Date(crate::model::Date::parse(s).expect("a valid date"));
    // Added out of key order on purpose: output order must not follow it.
    let us = b.add_node(
        "us",
        nation,
        "United States",
        vec!["USA".into(), "US".into()],
        [],
    );
    let tw = b.add_node("tw", nation, "Taiwan", vec![], []);
    let nvidia = b.add_node(
        "nvidia",
        firm,
        "NVIDIA",
        vec![],
        [
            (founded, Value::Int(1993)),
            (revenue, Value::Float(61.0)),
            (listed, Value::Bool(true)),
        ],
    );
    let tsmc = b.add_node(
        "tsmc",
        firm,
        "TSMC",
        vec!["Taiwan Semiconductor".into()],
        [
            (founded, Value::Int(1987)),
            (revenue, Value::Float(69.3)),
            (
                tags,
                Value::List(vec![Value::str("foundry"), Value::str("logic")].into()),
            ),
        ],
    );
    let euv = b.add_node("euv", tech, "EUV lithography", vec![], []);
    let [us, tw, nvidia, tsmc, euv] =
        [us, tw, nvidia, tsmc, euv].map(|n| n.expect("ids are unique"));
    b.add_edge(
        tsmc,
        nvidia,
        supplies,
        [
            (share, Value::Float(0.62)),
            (source, Value::str("NVIDIA 10-K 2024")),
            (as_of, date("2024-10")),
        ],
    );
    b.add_edge(tsmc, euv, depends, [(share, Value::Float(1.0))]);
    b.add_edge(tsmc, tw, located, []);
    b.add_edge(nvidia, us, located, []);
    b.finish()
}

/// Names and keys built to break naive writers: quotes, backslashes, line
/// breaks, attribute injection, markup, non-Latin scripts, empty names,
/// control characters (two keys differing only in one), hostile kinds,
/// edge types and property names.
pub(crate) fn hostile_graph() -> Graph {
    let mut b = GraphBuilder::new();
    let firm = b.kind("Firm");
    let nation = b.kind("Nation");
    let html_kind = b.kind("<Kind> & \"co\"");
    let ctrl_kind = b.kind("Weird\u{7}Kind");
    let located = b.edge_type("LOCATED_IN");
    let evil_type = b.edge_type("DEPENDS \"ON\"\n];");
    let share = b.prop_key("share");
    let weird = b.prop_key("we\"ird <key>&");
    let note = b.prop_key("note");
    let nodes: &[(&str, crate::model::KindId, &str)] = &[
        ("q\"uote", firm, "He said \"hi\""),
        ("back\\slash\\", firm, "C:\\path\\"),
        ("new\nline", firm, "two\nlines\r\nthree\rfour"),
        ("inject", firm, "\"];\n evil [shape=box"),
        ("\"]; evil [color=red", firm, "x\"] ; y [label=\"z"),
        ("html", html_kind, "<b>bold</b> & <i>"),
        ("台湾", nation, "台湾 (中華民國)"),
        ("مصر", nation, "جمهورية مصر العربية"),
        ("empty", firm, ""),
        ("ctrl\u{1}", ctrl_kind, "bell\u{7}\u{0}nul"),
        ("ctrl\u{2}", ctrl_kind, "other\u{1b}[31m"),
        ("amp", firm, "AT&amp;T &#65; &"),
        ("\\N", firm, "\\N\\G\\l\\E"),
        ("arrow -> x", firm, "a -> b; c"),
        ("cluster_x", firm, "}} subgraph { "),
    ];
    let mut ids = Vec::new();
    for (i, (key, kind, name)) in nodes.iter().enumerate() {
        let props = [
            (weird, Value::str("<v\u{1}>\"&'")),
            (note, Value::Int(i as i64)),
        ];
        ids.push(
            b.add_node(key, *kind, name, vec!["a|b".into(), "\"al\"".into()], props)
                .expect("unique ids"),
        );
    }
    let nation_of = |i: usize| if i.is_multiple_of(2) { ids[6] } else { ids[7] };
    for (i, &n) in ids.iter().enumerate() {
        if i != 6 && i != 7 {
            b.add_edge(n, nation_of(i), located, []);
        }
        let next = ids[(i + 1) % ids.len()];
        b.add_edge(
            n,
            next,
            evil_type,
            [(share, Value::Float(0.5)), (weird, Value::str("\n\r\t"))],
        );
    }
    b.finish()
}

/// What a DOT text declares at statement level: node ids (as written, with
/// quotes) and the number of edge statements.
pub(crate) struct DotCounts {
    pub nodes: Vec<String>,
    pub edges: usize,
}

/// Counts node and edge statements: lines that start with a quoted id,
/// followed by ` [` (a node) or ` -> ` (an edge). Relies on the writer's one
/// statement per line, which the escaping guarantees.
pub(crate) fn dot_statements(dot: &str) -> DotCounts {
    let mut counts = DotCounts {
        nodes: Vec::new(),
        edges: 0,
    };
    for line in dot.lines() {
        let line = line.trim_start();
        if !line.starts_with('"') {
            continue;
        }
        let mut end = None;
        let mut escaped = false;
        for (i, c) in line.char_indices().skip(1) {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => {
                    end = Some(i);
                    break;
                }
                _ => {}
            }
        }
        let end = end.expect("every quoted id is closed on its line");
        let (id, rest) = line.split_at(end + 1);
        if rest.starts_with(" -> ") {
            counts.edges += 1;
        } else {
            assert!(rest.starts_with(" ["), "unexpected statement: {line}");
            counts.nodes.push(id.to_string());
        }
    }
    counts
}

/// Runs `dot -Tsvg` on the text when Graphviz is installed (skips cleanly
/// when not) and checks it succeeds and draws exactly `nodes` nodes and
/// `edges` edges: an injected node or a legend node would show up here.
pub(crate) fn check_dot(dot: &str, nodes: usize, edges: usize) {
    if !crate::export::dot_available() {
        return;
    }
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dot is available");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let text = dot.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    let out = child.wait_with_output().expect("dot runs");
    writer
        .join()
        .expect("the writer thread ends")
        .expect("dot reads its input");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "dot failed: {stderr}\n{dot}");
    assert!(!stderr.contains("Error"), "dot complained: {stderr}\n{dot}");
    let svg = String::from_utf8(out.stdout).expect("SVG is UTF-8");
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(&svg, opts).expect("SVG is well-formed XML");
    let count = |class: &str| {
        doc.descendants()
            .filter(|n| n.has_tag_name("g") && n.attribute("class") == Some(class))
            .count()
    };
    assert_eq!(count("node"), nodes, "drawn nodes\n{dot}");
    assert_eq!(count("edge"), edges, "drawn edges\n{dot}");
}
