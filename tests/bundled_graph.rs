//! The bundled graph: it loads, passes its schema, covers every entity of
//! the seed article (`../shared/seed/`), and carries provenance everywhere.

#![allow(clippy::panic)] // test helpers fail the test by panicking

use faultline::load::{LoadOptions, bundled_data_dir, load};
use faultline::model::{Graph, Lookup, Role, Value};

fn graph() -> Graph {
    load(&[bundled_data_dir()], &LoadOptions::default())
        .expect("the bundled graph loads cleanly")
        .graph
}

fn node(g: &Graph, text: &str) -> faultline::model::NodeId {
    match g.lookup(text) {
        Lookup::Found(n) => n,
        other => panic!("the seed article's {text:?} is not one node of the graph: {other:?}"),
    }
}

#[test]
fn every_entity_of_the_seed_article_is_in_the_graph() {
    let g = graph();
    // (name as the article writes it, expected kind)
    let entities = [
        ("CHIPS and Science Act", "Policy"),
        ("Made in China 2025", "Policy"),
        ("European Chips Act", "Policy"),
        ("EU digital sovereignty strategy", "Policy"),
        ("Intel", "Firm"),
        ("AMD", "Firm"),
        ("NVIDIA", "Firm"),
        ("Huawei", "Firm"),
        ("Baidu", "Firm"),
        ("United States", "Nation"),
        ("China", "Nation"),
        ("European Union", "Bloc"),
        ("semiconductors", "Sector"),
        ("advanced-manufacturing", "Sector"),
        ("edge-computing", "Sector"),
        ("data-localization", "Sector"),
        ("cybersecurity", "Sector"),
        ("supply-chain-resilience", "Sector"),
        ("cloud-computing", "Sector"),
        ("5g-networks", "Sector"),
        ("industrial-automation", "Sector"),
        ("smart-infrastructure", "Sector"),
        ("us-china-decoupling", "Risk"),
        ("ai-standards-fragmentation", "Risk"),
        ("overcapitalization", "Risk"),
        ("redundant-infrastructure", "Risk"),
        ("trade-restrictions", "Risk"),
    ];
    for (name, kind) in entities {
        let n = node(&g, name);
        assert_eq!(g.node_kind_name(n), kind, "{name}");
    }
    // The article's figures.
    let chips = node(&g, "CHIPS and Science Act");
    assert_eq!(
        g.node_prop(chips, "amount_usd_bn"),
        Some(Value::Float(52.7))
    );
    let eu_act = node(&g, "European Chips Act");
    assert_eq!(
        g.node_prop(eu_act, "amount_eur_bn"),
        Some(Value::Float(43.0))
    );
    let goal = g
        .node_prop_str(eu_act, "goal")
        .expect("the EU Chips Act has its goal");
    assert!(goal.contains("20%") && goal.contains("2030"), "{goal}");
}

#[test]
fn the_curated_graph_is_as_large_as_promised_and_sourced() {
    let g = graph();
    let count = |kinds: &[&str]| -> usize {
        kinds
            .iter()
            .filter_map(|k| g.kind_id(k))
            .map(|k| g.nodes_of_kind(k).len())
            .sum()
    };
    assert!(count(&["Nation", "Bloc"]) >= 20);
    assert!(count(&["Firm"]) >= 80);
    assert!(count(&["Sector", "Technology"]) >= 20);
    assert!(count(&["Policy"]) >= 20);
    assert!(count(&["Risk"]) >= 12);
    assert!(g.edge_count() >= 500);
    for n in g.nodes() {
        assert!(
            g.node_prop_str(n, "source").is_some_and(|s| !s.is_empty()),
            "node {} has no source",
            g.node_key(n)
        );
        assert!(
            g.node_prop(n, "as_of").is_some(),
            "node {} has no as_of",
            g.node_key(n)
        );
    }
    for e in g.edges() {
        let (a, b) = g.edge_ends(e);
        let what = format!("{} -> {}", g.node_key(a), g.node_key(b));
        assert!(
            g.edge_prop(e, "source").is_some(),
            "edge {what} has no source"
        );
        assert!(
            g.edge_prop(e, "as_of").is_some(),
            "edge {what} has no as_of"
        );
        if let Some(s) = g.edge_share(e) {
            assert!(s > 0.0 && s <= 1.0, "edge {what} has share {s}");
        }
    }
    // The analyses need roles: the schema declares dependency and membership types.
    assert!(g.edge_types().any(|(_, i)| i.role == Role::Dependency));
    assert!(g.edge_types().any(|(_, i)| i.role == Role::Membership));
}
