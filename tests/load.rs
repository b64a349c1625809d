//! The loader through its public API: fixture data sets that load (with
//! their quirks: BOM, CRLF, quoting, header-only files, several data sets)
//! and one case per class of bad data, which must fail naming the file,
//! line and offending value.

#![allow(clippy::panic, clippy::unwrap_used, clippy::print_stderr)]

mod common;

use std::path::{Path, PathBuf};

use faultline::load::{LoadFailure, LoadOptions, Loaded, bundled_data_dir, load, load_into};
use faultline::model::{Direction, Graph, Role, Value};
use proptest::prelude::*;

use common::{bad_cases, good_dir, with_base, write};

fn load_paths(paths: &[&Path]) -> Result<Loaded, LoadFailure> {
    let paths: Vec<PathBuf> = paths.iter().map(|p| p.to_path_buf()).collect();
    load(&paths, &LoadOptions::default())
}

fn load_dir(dir: &Path) -> Result<Loaded, LoadFailure> {
    load_paths(&[dir])
}

/// Loads a data set that must fail; returns the failure text.
fn failure(dir: &Path) -> String {
    match load_dir(dir) {
        Ok(l) => panic!(
            "loaded {} nodes, {} edges; expected a failure",
            l.graph.node_count(),
            l.graph.edge_count()
        ),
        Err(f) => f.to_string(),
    }
}

fn node(g: &Graph, id: &str) -> faultline::model::NodeId {
    g.node_by_key(id)
        .unwrap_or_else(|| panic!("node {id} loaded"))
}

fn edge_between(g: &Graph, from: &str, to: &str, ty: &str) -> Option<faultline::model::EdgeId> {
    let (a, b) = (g.node_by_key(from)?, g.node_by_key(to)?);
    g.edges()
        .find(|e| g.edge_ends(*e) == (a, b) && g.edge_type_name(g.edge_type(*e)) == ty)
}

#[test]
fn the_good_fixture_loads_with_typed_properties() {
    let loaded = load_dir(&good_dir()).expect("the good fixture loads");
    let g = &loaded.graph;
    assert_eq!((g.node_count(), g.edge_count()), (12, 15));
    assert!(loaded.skipped.is_empty());
    let names: Vec<&str> = loaded
        .files
        .iter()
        .map(|f| f.rsplit("good/").next().unwrap_or(f))
        .collect();
    assert_eq!(
        names,
        [
            "edges/empty.csv",
            "edges/located.csv",
            "edges/supplies.csv",
            "korea.json",
            "nodes/firms.csv",
            "nodes/nations.csv",
            "schema.toml"
        ]
    );

    let tsmc = node(g, "tsmc");
    assert_eq!(g.node_name(tsmc), "TSMC");
    assert_eq!(g.node_kind_name(tsmc), "Firm");
    assert_eq!(
        g.node_aliases(tsmc),
        [Box::from("Taiwan Semiconductor"), Box::from("TSMC Ltd")]
    );
    assert_eq!(g.node_prop(tsmc, "founded"), Some(Value::Int(1987)));
    assert_eq!(g.node_prop(tsmc, "ticker"), Some(Value::str("TSM")));
    // Quoted commas, doubled quotes and newlines survive.
    assert_eq!(g.node_name(node(g, "apple")), "Apple, Inc.");
    assert_eq!(
        g.node_name(node(g, "amd")),
        "AMD \"Advanced Micro Devices\""
    );
    assert_eq!(g.node_name(node(g, "umc")), "United\nMicroelectronics");
    // JSON nodes: typed by the schema; undeclared properties inferred.
    let skh = node(g, "skhynix");
    assert_eq!(g.node_prop(skh, "founded"), Some(Value::Int(1983)));
    assert_eq!(g.node_prop(skh, "hbm_leader"), Some(Value::Bool(true)));
    assert_eq!(
        g.node_aliases(node(g, "kr")),
        [Box::from("Korea"), Box::from("ROK")]
    );

    // Edge properties: declared float (an int cell becomes a float), empty cells absent.
    let e = edge_between(g, "tsmc", "apple", "SUPPLIES").expect("tsmc supplies apple");
    assert_eq!(g.edge_prop(e, "share"), Some(Value::Float(1.0)));
    assert_eq!(g.edge_share(e), Some(1.0));
    let e = edge_between(g, "tsmc", "amd", "SUPPLIES").expect("tsmc supplies amd");
    assert_eq!(g.edge_prop(e, "source"), None);
    // CSV edges may name JSON nodes and the other way round.
    assert!(edge_between(g, "samsung", "kr", "LOCATED_IN").is_some());
    assert!(edge_between(g, "skhynix", "nvidia", "SUPPLIES").is_some());

    let sup = g.edge_type_info(g.edge_type_id("SUPPLIES").expect("SUPPLIES interned"));
    assert_eq!(
        (sup.role, sup.direction),
        (Role::Dependency, Direction::Reverse)
    );
    assert!(g.schema().is_some());
}

#[test]
fn every_class_of_bad_data_is_reported_with_file_line_and_value() {
    for case in bad_cases() {
        let dir = with_base(&case.files);
        let text = failure(dir.path());
        for want in &case.expect {
            assert!(
                text.contains(want),
                "case `{}`: expected {want:?} in:\n{text}",
                case.name
            );
        }
        assert!(
            text.ends_with("the graph was not loaded"),
            "case `{}`:\n{text}",
            case.name
        );
    }
}

#[test]
fn problems_carry_structured_locations() {
    let dir = with_base(&[(
        "more.json",
        b"{\"nodes\": [\n  {\"id\": \"asml\", \"kind\": \"Firm\"},\n  {\"kind\": \"Firm\"}\n]}\n",
    )]);
    let f = load_dir(dir.path()).expect_err("an item without an id fails");
    assert_eq!(f.problems.len(), 1);
    let p = &f.problems[0];
    assert!(p.file.ends_with("more.json"), "{p}");
    assert_eq!((p.line, p.column), (Some(3), Some(3)));
    assert!(!f.truncated);
}

#[test]
fn all_problems_are_collected_not_just_the_first() {
    let dir = with_base(&[
        ("nodes/x.csv", b"id,kind,name\na,Frim,A\nb,Firm\n"),
        (
            "edges/e.csv",
            b"from,to,type\ntsmc,nope,SUPPLIES\ntsmc,nvidia,BOGUS\n",
        ),
    ]);
    let f = load_dir(dir.path()).expect_err("bad data fails");
    let shown: Vec<String> = f.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(shown.len(), 4, "{shown:#?}");
    assert!(
        f.to_string()
            .ends_with("4 problems; the graph was not loaded")
    );
}

#[test]
fn problems_stop_at_the_limit() {
    let mut csv = String::from("from,to,type\n");
    for i in 0..50 {
        csv.push_str(&format!("tsmc,missing{i},SUPPLIES\n"));
    }
    let dir = with_base(&[("edges/e.csv", csv.as_bytes())]);
    let opts = LoadOptions {
        max_problems: 10,
        ..LoadOptions::default()
    };
    let f = load(&[dir.path().to_path_buf()], &opts).expect_err("dangling edges fail");
    assert_eq!(f.problems.len(), 10);
    assert!(f.truncated);
    assert!(
        f.to_string()
            .ends_with("more than 10 problems (only the first 10 shown); the graph was not loaded")
    );
}

#[test]
fn a_rejected_node_does_not_also_report_its_edges() {
    let dir = with_base(&[
        ("nodes/x.csv", b"id,kind,name\nintel,Frim,Intel\n"),
        (
            "edges/e.csv",
            b"from,to,type\nintel,tsmc,SUPPLIES\nintel,us,LOCATED_IN\n",
        ),
    ]);
    let f = load_dir(dir.path()).expect_err("an unknown kind fails");
    assert_eq!(f.problems.len(), 1, "{f}");
}

#[test]
fn a_missing_path_is_an_error() {
    let dir = write(&[]);
    let missing = dir.path().join("nope");
    let text = failure(&missing);
    assert!(text.contains("nope: no such file or directory"), "{text}");
}

#[test]
fn bom_crlf_and_header_only_files_are_fine() {
    let dir = write(&[
        (
            "nodes/n.csv",
            b"\xEF\xBB\xBFid,kind,name,size\r\na,Thing,\"A, the first\",\r\nb,Thing,B,2.5\r\n",
        ),
        ("edges/e.csv", b"\xEF\xBB\xBFfrom,to,type\r\na,b,LINKS\r\n"),
        ("edges/none.csv", b"from,to,type,share\r\n"),
        ("nodes/none.csv", b"id,kind,name"),
        ("empty.json", b"{}"),
    ]);
    let loaded = load_dir(dir.path()).expect("loads");
    let g = &loaded.graph;
    assert_eq!((g.node_count(), g.edge_count()), (2, 1));
    assert_eq!(g.node_name(node(g, "a")), "A, the first");
    assert_eq!(g.node_prop(node(g, "b"), "size"), Some(Value::Float(2.5)));
    assert_eq!(g.node_prop(node(g, "a"), "size"), None);
}

#[test]
fn line_numbers_are_exact_with_crlf() {
    let dir = with_base(&[(
        "nodes/x.csv",
        b"id,kind,name\r\nintel,Firm,\"Intel\r\nCorp\"\r\namd,Frim,AMD\r\n",
    )]);
    let text = failure(dir.path());
    assert!(
        text.contains("nodes/x.csv:4: unknown kind `Frim`"),
        "{text}"
    );
}

#[test]
fn line_numbers_count_newlines_inside_quoted_fields() {
    let dir = with_base(&[(
        "nodes/x.csv",
        b"id,kind,name\nintel,Firm,\"Intel\nCorporation\"\namd,Frim,AMD\n",
    )]);
    let text = failure(dir.path());
    assert!(
        text.contains("nodes/x.csv:4: unknown kind `Frim`"),
        "{text}"
    );
}

#[test]
fn without_a_schema_everything_is_accepted_and_inferred() {
    let dir = write(&[
        ("n.csv", b"id,kind,name,aliases,n,x,flag,note\na,Widget,A,Alpha|First,3,0.5,true,hello\nb,Gadget,B,,,,,\n"),
        ("e.csv", b"from,to,type,share,since\na,b,FEEDS,0.25,2023\nb,a,FEEDS,,\n"),
    ]);
    let loaded = load_dir(dir.path()).expect("loads");
    let g = &loaded.graph;
    let a = node(g, "a");
    assert_eq!(g.node_prop(a, "n"), Some(Value::Int(3)));
    assert_eq!(g.node_prop(a, "x"), Some(Value::Float(0.5)));
    assert_eq!(g.node_prop(a, "flag"), Some(Value::Bool(true)));
    assert_eq!(g.node_prop(a, "note"), Some(Value::str("hello")));
    assert_eq!(g.node_props(node(g, "b")), []);
    let feeds = g.edge_type_info(g.edge_type_id("FEEDS").expect("FEEDS interned"));
    assert_eq!(feeds.role, Role::Other);
    assert!(g.schema().is_none());
}

#[test]
fn undeclared_properties_are_accepted_and_inferred_under_a_schema() {
    let dir = with_base(&[(
        "nodes/x.csv",
        b"id,kind,name,employees\nintel,Firm,Intel,124800\n",
    )]);
    let loaded = load_dir(dir.path()).expect("loads");
    assert_eq!(
        loaded
            .graph
            .node_prop(node(&loaded.graph, "intel"), "employees"),
        Some(Value::Int(124800))
    );
}

#[test]
fn multi_types_allow_parallel_edges_and_others_do_not() {
    let dir = with_base(&[(
        "edges/e.csv",
        b"from,to,type\ntsmc,nvidia,PARTNERS\ntsmc,nvidia,PARTNERS\ntsmc,nvidia,SUPPLIES\n",
    )]);
    let loaded = load_dir(dir.path()).expect("multi = true allows parallel edges");
    assert_eq!(loaded.graph.edge_count(), 3);
}

#[test]
fn several_data_sets_merge_and_may_refer_to_each_other() {
    let first = with_base(&[]);
    let second = write(&[
        ("nodes/x.csv", b"id,kind,name\nasml,Firm,ASML\n"),
        (
            "edges/e.csv",
            b"from,to,type\nasml,tsmc,SUPPLIES\ntsmc,tw,LOCATED_IN\n",
        ),
    ]);
    let loaded = load_paths(&[first.path(), second.path()]).expect("merged data sets load");
    assert_eq!(
        (loaded.graph.node_count(), loaded.graph.edge_count()),
        (5, 2)
    );

    let clash = write(&[("nodes/x.csv", b"id,kind,name\ntsmc,Firm,TSMC\n")]);
    let text = match load_paths(&[first.path(), clash.path()]) {
        Ok(_) => panic!("a node defined in two data sets must fail"),
        Err(f) => f.to_string(),
    };
    assert!(
        text.contains("nodes/x.csv:2: duplicate node id `tsmc`; first defined at "),
        "{text}"
    );
    assert!(text.contains("nodes/firms.csv:2"), "{text}");
}

#[test]
fn single_files_can_be_given() {
    let dir = with_base(&[]);
    let files = [
        dir.path().join("schema.toml"),
        dir.path().join("nodes/firms.csv"),
    ];
    let loaded = load(&files, &LoadOptions::default()).expect("loads");
    assert_eq!(loaded.graph.node_count(), 2);
    assert_eq!(loaded.files.len(), 2);
}

#[test]
fn conflicting_schemas_are_an_error() {
    let first = with_base(&[]);
    let second = write(&[(
        "schema.toml",
        b"[kinds.Firm]\nprops = { founded = \"string\" }\n",
    )]);
    let text = match load_paths(&[first.path(), second.path()]) {
        Ok(_) => panic!("conflicting schemas must fail"),
        Err(f) => f.to_string(),
    };
    assert!(
        text.contains("property founded declared as int and as string"),
        "{text}"
    );
}

#[test]
fn skip_bad_rows_loads_the_rest_and_says_why() {
    let dir = with_base(&[
        ("nodes/x.csv", b"id,kind,name\nintel,Frim,Intel\nasml,Firm,ASML\nbad\n"),
        ("edges/e.csv", b"from,to,type,share\nasml,tsmc,SUPPLIES,0.5\nintel,tsmc,SUPPLIES,\ntsmc,nope,SUPPLIES,\ntsmc,nvidia,SUPPLIES,7\n"),
    ]);
    let opts = LoadOptions {
        skip_bad_rows: true,
        ..LoadOptions::default()
    };
    let loaded = load(&[dir.path().to_path_buf()], &opts).expect("skipping bad rows loads");
    assert_eq!(
        (loaded.graph.node_count(), loaded.graph.edge_count()),
        (5, 1)
    );
    let skipped: Vec<String> = loaded.skipped.iter().map(|p| p.to_string()).collect();
    assert_eq!(loaded.skipped_count, 5, "{skipped:#?}");
    let want = [
        "nodes/x.csv:2: unknown kind `Frim`",
        "nodes/x.csv:4: row `bad` has 1 field, expected 3",
        "edges/e.csv:3: `from` node `intel` was skipped",
        "edges/e.csv:4: unknown node `nope`",
        "edges/e.csv:5: share `7` is out of range",
    ];
    for (got, want) in skipped.iter().zip(want) {
        assert!(got.contains(want), "expected {want:?} in {got:?}");
    }
}

#[test]
fn skip_bad_rows_still_fails_on_broken_files() {
    let dir = with_base(&[("x.json", b"{\"nodes\": [")]);
    let opts = LoadOptions {
        skip_bad_rows: true,
        ..LoadOptions::default()
    };
    let f = load(&[dir.path().to_path_buf()], &opts)
        .expect_err("broken JSON fails even when skipping rows");
    assert!(f.to_string().contains("invalid JSON"), "{f}");
}

#[test]
fn load_into_merges_and_leaves_the_base_alone() {
    let base = load_dir(&good_dir()).expect("the good fixture loads").graph;
    let more = write(&[
        ("nodes/x.csv", b"id,kind,name\nintel,Firm,Intel\n"),
        (
            "edges/e.csv",
            b"from,to,type\nintel,us,LOCATED_IN\ntsmc,intel,SUPPLIES\n",
        ),
    ]);
    let merged = load_into(&base, &[more.path().to_path_buf()], &LoadOptions::default())
        .expect("merges")
        .graph;
    assert_eq!((merged.node_count(), merged.edge_count()), (13, 17));
    assert!(merged.schema().is_some(), "the base's schema still applies");
    assert_eq!((base.node_count(), base.edge_count()), (12, 15));

    let bad = write(&[(
        "edges/e.csv",
        b"from,to,type\ntsmc,nvidia,SUPPLIES\nasml,nvidia,BOGUS\n",
    )]);
    let f = load_into(&base, &[bad.path().to_path_buf()], &LoadOptions::default())
        .expect_err("bad data fails");
    let text = f.to_string();
    assert!(text.contains("edges/e.csv:2: duplicate edge `tsmc` -[SUPPLIES]-> `nvidia`; first defined at the graph loaded before"), "{text}");
    assert!(
        text.contains("edges/e.csv:3: unknown edge type `BOGUS`"),
        "{text}"
    );
    assert_eq!((base.node_count(), base.edge_count()), (12, 15));
}

#[test]
fn loads_are_deterministic() {
    let a = load_dir(&good_dir()).expect("loads").graph;
    let b = load_dir(&good_dir()).expect("loads").graph;
    let keys = |g: &Graph| {
        g.nodes()
            .map(|n| g.node_key(n).to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(keys(&a), keys(&b));
    let ends = |g: &Graph| g.edges().map(|e| g.edge_ends(e)).collect::<Vec<_>>();
    assert_eq!(ends(&a), ends(&b));
}

/// The bundled graph (`graph-data/`, or `$FAULTLINE_DATA`) loads with no
/// problem at all.
#[test]
fn the_bundled_graph_loads_cleanly() {
    let dir = bundled_data_dir();
    let loaded = match load(std::slice::from_ref(&dir), &LoadOptions::default()) {
        Ok(l) => l,
        Err(f) => panic!("the bundled graph at {} does not load:\n{f}", dir.display()),
    };
    assert!(loaded.graph.node_count() > 0 && loaded.graph.edge_count() > 0);
    assert!(
        loaded.graph.schema().is_some(),
        "the bundled graph has a schema"
    );
}

/// A data set with one file of arbitrary bytes, next to valid files.
fn arbitrary_file(name: &str, bytes: &[u8]) {
    let dir = with_base(&[(name, bytes)]);
    // Ok or Err are both fine; a panic is not.
    let _ = load_dir(dir.path());
    let opts = LoadOptions {
        skip_bad_rows: true,
        max_problems: 3,
        ..LoadOptions::default()
    };
    let _ = load(&[dir.path().to_path_buf()], &opts);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        arbitrary_file("nodes/x.csv", &bytes);
        arbitrary_file("x.json", &bytes);
        arbitrary_file("schema.toml", &bytes);
    }

    #[test]
    fn arbitrary_rows_after_valid_headers_never_panic(body in "[a-z0-9,\"|\n\r .:-]{0,200}") {
        let nodes = format!("id,kind,name,aliases,founded\n{body}");
        let edges = format!("from,to,type,share\n{body}");
        arbitrary_file("nodes/x.csv", nodes.as_bytes());
        arbitrary_file("edges/x.csv", edges.as_bytes());
    }

    #[test]
    fn arbitrary_json_items_never_panic(body in "[a-z0-9,\"{}\\[\\]: .-]{0,120}") {
        let doc = format!("{{\"nodes\": [{body}], \"edges\": [{body}]}}");
        arbitrary_file("x.json", doc.as_bytes());
    }
}

#[test]
fn pathological_inputs_are_errors_not_crashes() {
    let deep_json = "[".repeat(100_000);
    let deep_toml = format!("x = {}", "[".repeat(100_000));
    let long_field = format!("id,kind,name\na,Firm,{}\n", "x".repeat(2_000_000));
    for (name, bytes) in [
        ("x.json", deep_json.as_bytes()),
        ("schema.toml", deep_toml.as_bytes()),
        ("nodes/long.csv", long_field.as_bytes()),
    ] {
        arbitrary_file(name, bytes);
    }
}

#[test]
fn a_directory_with_the_ignore_marker_is_skipped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::write(root.join("nodes.csv"), "id,kind,name\na,Firm,A\n").expect("write");
    std::fs::create_dir(root.join("raw")).expect("mkdir");
    std::fs::write(root.join("raw/data.csv"), "not,a,graph,file\n1,2,3,4\n").expect("write");
    let err = faultline::load::load(
        &[root.to_path_buf()],
        &faultline::load::LoadOptions::default(),
    );
    assert!(
        err.is_err(),
        "an unrecognized CSV is an error without the marker"
    );
    std::fs::write(root.join("raw/.faultline-ignore"), "").expect("write");
    let loaded = faultline::load::load(
        &[root.to_path_buf()],
        &faultline::load::LoadOptions::default(),
    )
    .expect("the marked directory is skipped");
    assert_eq!(loaded.graph.node_count(), 1);
}
