//! Loading the dependency model's (v2) schema keys and edge properties:
//! modes, scopes, polity, needs_supply, shock, flow; and the located errors
//! for an unknown mode or scope, a share on a requirement arc, an `input`
//! naming no requirement of the consumer, a risk's impact on a polity
//! without severity.

#![allow(clippy::panic, clippy::unwrap_used)]

mod common;

use faultline::load::{LoadOptions, load};
use faultline::model::{Flow, Mode, ModelFacts, NeedsSupply, Scope, ShockKind};

const SCHEMA: &str = r#"
[kinds.Nation]
polity = true
[kinds.Firm]
needs_supply = "any"
[kinds.Technology]
needs_supply = "sources"
[kinds.Risk]
shock = "risk"
[kinds.Policy]
shock = "policy"
props = { worldwide = "bool" }

[edges.LOCATED_IN]
role = "membership"
scope = "jurisdiction"
[edges.SITED_IN]
role = "membership"
scope = "territory"
[edges.SOURCES_FROM]
role = "dependency"
props = { share = "float", input = "string" }
[edges.REQUIRES]
role = "dependency"
mode = "requirement"
props = { essential = "float" }
[edges.AFFECTS]
role = "impact"
props = { severity = "float" }
[edges.APPLIES_TO]
role = "destination"
flow = "import"
"#;

const NODES: &str = "id,kind,name\ntw,Nation,Taiwan\ntsmc,Firm,TSMC\nnvidia,Firm,NVIDIA\nlel,Technology,LEL\nwar,Risk,War\nban,Policy,Ban\n";

fn data(edges: &str) -> tempfile::TempDir {
    common::write(&[
        ("schema.toml", SCHEMA.as_bytes()),
        ("nodes/n.csv", NODES.as_bytes()),
        ("edges/e.csv", edges.as_bytes()),
    ])
}

fn failure(edges: &str) -> String {
    let dir = data(edges);
    match load(&[dir.path().to_path_buf()], &LoadOptions::default()) {
        Ok(_) => panic!("loaded; expected a failure for {edges}"),
        Err(f) => f.to_string(),
    }
}

const GOOD: &str = "from,to,type,share,input,essential,severity,mode\n\
tsmc,tw,LOCATED_IN,,,,,\n\
tsmc,tw,SITED_IN,,,,,\n\
nvidia,lel,REQUIRES,,,0.5,,\n\
nvidia,tsmc,SOURCES_FROM,1,lel,,,\n\
lel,tsmc,SOURCES_FROM,0.9,,,,\n\
nvidia,tsmc,REQUIRES,,,,,source\n\
war,tw,AFFECTS,,,,0.7,\n\
ban,tw,APPLIES_TO,,,,,\n";

#[test]
fn modes_scopes_and_kinds_are_read() {
    let dir = data(GOOD);
    let loaded = load(&[dir.path().to_path_buf()], &LoadOptions::default()).unwrap();
    let g = &loaded.graph;
    let f = ModelFacts::new(g);
    let edge = |i: usize| faultline::model::EdgeId::from_index(i);
    assert_eq!(f.mode(g, edge(2)), Mode::Requirement);
    assert!((f.essential(g, edge(2)) - 0.5).abs() < 1e-15);
    assert_eq!(f.mode(g, edge(3)), Mode::Source);
    assert_eq!(f.input(g, edge(3)), g.node_by_key("lel"));
    // An edge's `mode` overrides its type's.
    assert_eq!(f.mode(g, edge(5)), Mode::Source);
    assert_eq!(f.severity(g, edge(6)), Some(0.7));
    let ty = |name: &str| g.edge_type_id(name).unwrap();
    assert_eq!(f.scope(ty("LOCATED_IN")), Scope::Jurisdiction);
    assert_eq!(f.scope(ty("SITED_IN")), Scope::Territory);
    assert_eq!(f.scope(ty("AFFECTS")), Scope::Territory);
    assert_eq!(f.flow(ty("APPLIES_TO")), Flow::Import);
    let n = |id: &str| g.node_by_key(id).unwrap();
    assert!(f.polity(g, n("tw")) && !f.polity(g, n("tsmc")));
    assert_eq!(f.needs_supply(g, n("lel")), Some(NeedsSupply::Sources));
    assert_eq!(f.needs_supply(g, n("tsmc")), Some(NeedsSupply::Any));
    assert_eq!(f.shock(g, n("war")), Some(ShockKind::Risk));
    assert_eq!(f.shock(g, n("ban")), Some(ShockKind::Policy));
    assert!(f.may_require());
}

#[test]
fn bad_model_values_are_located_errors() {
    let cases: &[(&str, &str)] = &[
        ("from,to,type,share\nnvidia,lel,REQUIRES,0.5\n", "e.csv:2"),
        (
            "from,to,type,share,input\nnvidia,tsmc,SOURCES_FROM,1,lel\n",
            "input `lel` names no requirement of the consumer",
        ),
        (
            "from,to,type,mode\nnvidia,tsmc,SOURCES_FROM,needed\n",
            "mode `needed`; expected source or requirement",
        ),
        ("from,to,type\nwar,tw,AFFECTS\n", "without severity"),
        (
            "from,to,type,severity\nwar,tsmc,AFFECTS,1.5\n",
            "severity `1.5`; expected a number in (0, 1]",
        ),
        (
            "from,to,type,essential\nnvidia,lel,REQUIRES,0\n",
            "essential `0`",
        ),
    ];
    for (edges, want) in cases {
        let text = failure(edges);
        assert!(text.contains(want), "{edges}: {text}");
        assert!(text.contains("e.csv:2"), "{edges}: located: {text}");
    }
    let text = failure("from,to,type,share\nnvidia,lel,REQUIRES,0.5\n");
    assert!(text.contains("share 0.5 on a requirement arc"), "{text}");
}

#[test]
fn an_input_naming_a_requirement_of_another_consumer_is_an_error() {
    let text = failure(
        "from,to,type,share,input\nlel,tsmc,REQUIRES,,\nnvidia,lel,REQUIRES,,\nnvidia,tsmc,SOURCES_FROM,1,tsmc\n",
    );
    assert!(text.contains("e.csv:4"), "{text}");
    assert!(
        text.contains("one of `nvidia`'s requirements: lel"),
        "{text}"
    );
}

#[test]
fn unknown_schema_words_are_located() {
    for (schema, want) in [
        (
            "[edges.X]\nrole = \"dependency\"\nmode = \"needed\"\n",
            "schema.toml:3:8: unknown mode `needed` for X; expected source or requirement",
        ),
        (
            "[edges.X]\nrole = \"membership\"\nscope = \"land\"\n",
            "schema.toml:3:9: unknown scope `land` for X; expected territory, jurisdiction or both",
        ),
        (
            "[kinds.K]\nneeds_supply = \"all\"\n",
            "schema.toml:2:16: unknown needs_supply `all` for K; expected sources or any",
        ),
        (
            "[edges.X]\nrole = \"other\"\nscope = \"territory\"\n",
            "schema.toml:3:1: `scope` on edge type X of role other",
        ),
    ] {
        let dir = common::write(&[("schema.toml", schema.as_bytes())]);
        let text = match load(&[dir.path().to_path_buf()], &LoadOptions::default()) {
            Ok(_) => panic!("{schema} loaded"),
            Err(f) => f.to_string(),
        };
        assert!(text.contains(want), "{schema}: {text}");
    }
}
