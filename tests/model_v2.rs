//! The dependency model v2 through FQL on small data sets: the spec's
//! chokepoints and cut examples with their numbers, policies, the errors a
//! shock that is not one gets, and v1 compatibility on the bundled graph.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

mod common;

use faultline::analysis::{ArcSpec, Hits, LossQuery, View, exposure, loss, target_closure};
use faultline::limits::Work;
use faultline::load::{LoadOptions, load};
use faultline::model::{ModelFacts, Value};
use faultline::result::{Cell, ResultSet};
use faultline::session::Session;

const SCHEMA: &str = r#"
[kinds.Nation]
polity = true
[kinds.Buyer]
props = { revenue = "float" }
[kinds.Technology]
[kinds.Firm]
[kinds.Policy]
shock = "policy"
[kinds.Risk]
shock = "risk"

[edges.SOURCES]
role = "dependency"
props = { share = "float", input = "string" }
[edges.REQUIRES]
role = "dependency"
mode = "requirement"
[edges.LOCATED_IN]
role = "membership"
scope = "jurisdiction"
[edges.ENACTS]
role = "enactor"
[edges.APPLIES_TO]
role = "destination"
[edges.TARGETS]
role = "impact"
[edges.AFFECTS]
role = "impact"
props = { severity = "float" }
"#;

fn session(nodes: &str, edges: &str) -> Session {
    let dir = common::write(&[
        ("schema.toml", SCHEMA.as_bytes()),
        ("nodes/n.csv", nodes.as_bytes()),
        ("edges/e.csv", edges.as_bytes()),
    ]);
    let g = load(&[dir.path().to_path_buf()], &LoadOptions::default())
        .unwrap_or_else(|f| panic!("{f}"))
        .graph;
    Session::new(g)
}

fn run(s: &mut Session, src: &str) -> ResultSet {
    let mut out = s.execute(src, false);
    out.pop()
        .expect("a statement")
        .result
        .unwrap_or_else(|d| panic!("{src}: {}", d.message))
}

fn error(s: &mut Session, src: &str) -> String {
    let out = s.execute(src, false);
    match &out.last().expect("a statement").result {
        Ok(r) => panic!("{src}: expected an error, got {r:?}"),
        Err(d) => format!("{} {}", d.code, d.message) + &d.help.clone().unwrap_or_default(),
    }
}

fn float(c: &Cell) -> f64 {
    match c {
        Cell::Value(Value::Float(x)) => *x,
        other => panic!("not a float: {other:?}"),
    }
}

/// `(node name, number in column col)` per row.
fn pairs(s: &Session, r: &ResultSet, col: usize) -> Vec<(String, f64)> {
    let g = s.graph();
    r.rows
        .iter()
        .map(|row| {
            let name = match &row[0] {
                Cell::Node(n) => g.node_name(*n).to_string(),
                other => panic!("not a node: {other:?}"),
            };
            (name, (float(&row[col]) * 1e9).round() / 1e9)
        })
        .collect()
}

const CHOKE_NODES: &str = "id,kind,name,revenue\na1,Buyer,a1,3\na2,Buyer,a2,1\nt1,Technology,t1,\nt2,Technology,t2,\np,Firm,p,\nq,Firm,q,\nn,Nation,n,\n";
const CHOKE_EDGES: &str = "from,to,type,share\na1,t1,REQUIRES,\na1,t2,REQUIRES,\na2,t2,REQUIRES,\nt1,p,SOURCES,1\nt2,p,SOURCES,0.5\nt2,q,SOURCES,0.5\np,n,LOCATED_IN,\nq,n,LOCATED_IN,\n";

#[test]
fn chokepoints_are_scored_by_loss() {
    let mut s = session(CHOKE_NODES, CHOKE_EDGES);
    let r = run(&mut s, "chokepoints of (x:Buyer)");
    let got = pairs(&s, &r, 2);
    let want: Vec<(String, f64)> = [
        ("n", 1.0),
        ("t2", 1.0),
        ("p", 0.75),
        ("a1", 0.5),
        ("a2", 0.5),
        ("q", 0.5),
        ("t1", 0.5),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), *b))
    .collect();
    assert_eq!(got, want);
    let r = run(&mut s, "chokepoints of (x:Buyer) kinds Nation");
    assert_eq!(pairs(&s, &r, 2), vec![("n".to_string(), 1.0)]);
    let r = run(&mut s, "chokepoints of (x:Buyer) weighted by revenue top 3");
    let got = pairs(&s, &r, 2);
    assert_eq!(got[2], ("p".to_string(), 0.875), "{got:?}");
    let all = run(
        &mut s,
        "chokepoints of (x:Buyer) weighted by revenue top 20",
    );
    let all = pairs(&s, &all, 2);
    assert!(all.contains(&("t1".to_string(), 0.75)), "{all:?}");
    assert!(all.contains(&("a2".to_string(), 0.25)), "{all:?}");
    assert!(r.message.unwrap().contains("mean unknown"));
}

/// A cycle of requirements (a ⇒ b, b ⇒ a) lets a walk go on forever: the
/// system has no steps bound, so chokepoints fall back to one fixed point
/// per candidate, the least one (dependency-model.md, *Cycles*: a loses
/// 0.3 when X fails, not 1).
#[test]
fn chokepoints_on_a_cycle_of_requirements_take_the_least_fixed_point() {
    let mut s = session(
        "id,kind,name\na,Firm,A\nb,Firm,B\nx,Firm,X\n",
        "from,to,type,share\na,b,REQUIRES,\nb,a,REQUIRES,\na,x,SOURCES,0.3\n",
    );
    let r = run(&mut s, "chokepoints of \"A\" top 5");
    let want = [("A", 1.0), ("B", 1.0), ("X", 0.3)].map(|(n, v)| (n.to_string(), v));
    assert_eq!(pairs(&s, &r, 2), want);
}

const CUT_NODES: &str = "id,kind,name\nusf,Firm,USF\nga,Technology,Gallium\ncnf,Firm,CNF\njpf,Firm,JPF\nus,Nation,United States\ncn,Nation,China\njp,Nation,Japan\nban,Policy,Ban\nstrategy,Policy,Strategy\nwar,Risk,War\n";
const CUT_EDGES: &str = "from,to,type,share,severity\nusf,ga,REQUIRES,,\nga,cnf,SOURCES,0.8,\nga,jpf,SOURCES,0.2,\njpf,cnf,SOURCES,1,\nusf,us,LOCATED_IN,,\ncnf,cn,LOCATED_IN,,\njpf,jp,LOCATED_IN,,\ncn,ban,ENACTS,,\nban,us,APPLIES_TO,,\nstrategy,ga,TARGETS,,\nwar,cn,AFFECTS,,0.5\n";

#[test]
fn cuts_follow_paths_through_free_nodes_not_third_countries() {
    let mut s = session(CUT_NODES, CUT_EDGES);
    let defined = run(&mut s, "scenario c = cut \"United States\" from \"China\"");
    // Gallium is free: seen from the US side it loses China's 0.8.
    let said = defined.message.unwrap_or_default();
    assert!(
        said.contains("free nodes per context: Gallium 0.80 from United States"),
        "{said}"
    );
    let r = run(&mut s, "impact of c on (f:Firm)");
    let got = pairs(&s, &r, 2);
    assert!(got.contains(&("USF".to_string(), 0.8)), "{got:?}");
    assert!(got.contains(&("JPF".to_string(), 0.0)), "{got:?}");
    // The path ends at the cut arc.
    let usf = r
        .rows
        .iter()
        .find(|row| matches!(&row[0], Cell::Node(n) if s.graph().node_name(*n) == "USF"))
        .unwrap();
    assert!(
        matches!(&usf[4], Cell::Value(Value::Str(p)) if p.contains("(cut: Gallium -> CNF)")),
        "{usf:?}"
    );
    // China's ban on exports to the US is the same cut.
    let r = run(&mut s, "exposure of (f:Firm) to \"Ban\" top 5");
    assert_eq!(pairs(&s, &r, 2), vec![("USF".to_string(), 0.8)]);
    // `top K` keeps only rows with loss; `excluding members` drops the
    // consumer side.
    let r = run(&mut s, "exposure of (f:Firm) to \"Ban\" excluding members");
    assert!(pairs(&s, &r, 2).iter().all(|(n, _)| n != "USF"));
    // A risk hits with its severity: China's firm at 0.5, so all gallium.
    let r = run(&mut s, "exposure of \"USF\" to \"War\"");
    assert_eq!(pairs(&s, &r, 2), vec![("USF".to_string(), 0.5)]);
}

#[test]
fn what_is_not_a_shock_says_so() {
    let mut s = session(CUT_NODES, CUT_EDGES);
    let e = error(&mut s, "exposure of (f:Firm) to \"Strategy\"");
    assert!(e.starts_with("E0212"), "{e}");
    assert!(e.contains("not a shock") && e.contains("match"), "{e}");
    let e = error(&mut s, "exposure of (f:Firm) to \"War\" by territory");
    assert!(e.starts_with("E0213"), "{e}");
    let e = error(&mut s, "scenario China = remove \"Japan\"");
    assert!(e.starts_with("E0214"), "{e}");
    let e = error(&mut s, "scenario x = shock \"Japan\" by 1.5");
    assert!(e.starts_with("E0104"), "{e}");
}

#[test]
fn scenarios_lose_supply_unless_substituting() {
    let mut s = session(
        "id,kind,name\nu,Firm,U\nx,Firm,X\ny,Firm,Y\nz,Firm,Z\n",
        "from,to,type,share\nu,x,SOURCES,0.5\nu,y,SOURCES,0.5\n",
    );
    run(&mut s, "scenario gone = remove \"X\"");
    let r = run(&mut s, "with gone: exposure of \"U\" to \"Y\"");
    assert_eq!(pairs(&s, &r, 2), vec![("U".to_string(), 1.0)]);
    let r = run(&mut s, "impact of gone on \"U\"");
    assert_eq!(pairs(&s, &r, 2), vec![("U".to_string(), 0.5)]);
    let r = run(&mut s, "compare gone: exposure of \"U\" to \"Y\"");
    assert_eq!(float(&r.rows[0][1]), 0.5);
    assert_eq!(float(&r.rows[0][2]), 1.0);
    run(&mut s, "scenario half = shock \"X\" by 0.5");
    let r = run(&mut s, "impact of half on \"U\"");
    assert_eq!(pairs(&s, &r, 2), vec![("U".to_string(), 0.25)]);
}

/// `with NAME substituting:` scales a group's survivors up to what the
/// group weighed before (dependency-model.md, *Scenarios*), not by v1's
/// rule: a market 0.9 Taiwan, 0.08 Korea (0.02 unstated) that loses Taiwan
/// buys 0.98 from Korea, not 0.08; unshared arcs keep their proportions to
/// the shared ones; a lost requirement stays lost.
#[test]
fn substituting_scales_survivors_to_the_former_weight() {
    let mut s = session(
        "id,kind,name\nm,Technology,M\ntw,Firm,TW\nkr,Firm,KR\nu,Firm,U\na,Firm,A\nb,Firm,B\nc,Firm,C\nx,Firm,X\n",
        "from,to,type,share\nm,tw,SOURCES,0.9\nm,kr,SOURCES,0.08\nu,a,SOURCES,0.5\nu,b,SOURCES,\nu,c,SOURCES,\nx,tw,REQUIRES,\nx,kr,REQUIRES,\n",
    );
    run(&mut s, "scenario blockade = remove \"TW\"");
    let r = run(
        &mut s,
        "with blockade substituting: exposure of \"M\" to \"KR\"",
    );
    assert!((float(&r.rows[0][2]) - 0.98).abs() < 1e-12, "{r:?}");
    // Without substituting, lost supply stays lost: 0.9 + 0.08.
    let r = run(&mut s, "with blockade: exposure of \"M\" to \"KR\"");
    assert!((float(&r.rows[0][2]) - 0.98).abs() < 1e-12, "{r:?}");
    // U: A 0.5, B 0.25, C 0.25; without B, A 0.5/0.75 and C 0.25/0.75.
    run(&mut s, "scenario no_b = remove \"B\"");
    let r = run(&mut s, "with no_b substituting: exposure of \"U\" to \"A\"");
    assert!((float(&r.rows[0][2]) - 2.0 / 3.0).abs() < 1e-12, "{r:?}");
    let r = run(&mut s, "with no_b substituting: exposure of \"U\" to \"C\"");
    assert!((float(&r.rows[0][2]) - 1.0 / 3.0).abs() < 1e-12, "{r:?}");
    // `by share` is v1's reach: v1 re-weighs the view (A 0.5, C 0.5).
    let r = run(
        &mut s,
        "with no_b substituting: exposure of \"U\" to \"C\" by share",
    );
    assert!((float(&r.rows[0][2]) - 0.5).abs() < 1e-12, "{r:?}");
    // X requires TW and KR: substituting does not bring TW back.
    let r = run(
        &mut s,
        "with blockade substituting: exposure of \"X\" to \"KR\"",
    );
    assert!((float(&r.rows[0][2]) - 1.0).abs() < 1e-12, "{r:?}");
}

/// An `input` arc whose requirement is outside `via` is ignored, with a
/// notice (dependency-model.md, *Sourcing one input*).
#[test]
fn an_input_whose_requirement_is_not_visible_is_ignored_with_a_notice() {
    let mut s = session(
        "id,kind,name\nu,Firm,U\nlel,Technology,LEL\nt,Firm,T\n",
        "from,to,type,share,input\nu,lel,REQUIRES,,\nu,t,SOURCES,1,lel\nlel,t,SOURCES,1,\n",
    );
    let r = run(&mut s, "exposure of \"U\" to \"T\"");
    assert_eq!(pairs(&s, &r, 2), vec![("U".to_string(), 1.0)]);
    assert_eq!(r.message, None);
    let r = run(&mut s, "exposure of \"U\" to \"T\" via SOURCES");
    assert_eq!(pairs(&s, &r, 2), vec![("U".to_string(), 0.0)]);
    let m = r.message.unwrap_or_default();
    assert!(m.contains("1 `input` arc ignored"), "{m}");
}

/// With only source arcs, the engine's loss is v1's total on the bundled
/// v1 graph (the curated graph as it stood before the v2 remodel, kept as
/// `tests/fixtures/bundled-v1` with the v2 schema's polities and scopes),
/// to every nation, for every node (the hits: v1's closure).
#[test]
fn loss_equals_v1_total_on_the_bundled_graph() {
    let v1_data =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bundled-v1");
    let g = load(&[v1_data], &LoadOptions::default())
        .expect("the v1 fixture loads")
        .graph;
    let facts = ModelFacts::new(&g);
    assert!(!facts.may_require(), "the bundled v1 graph is source-only");
    let view = View::full();
    let spec = ArcSpec::new(&g, None);
    let work = Work::unlimited();
    let all: Vec<_> = g.nodes().collect();
    let nation = g.kind_id("Nation").unwrap();
    for &y in g.nodes_of_kind(nation) {
        let v1 = exposure(&g, &view, &spec, &all, &[y], None, &work).unwrap();
        let t = target_closure(&g, &view, &[y], &work).unwrap();
        let mut hits = Hits::new(g.node_count());
        for &n in t.nodes() {
            hits.hit_alone(n);
        }
        let q = LossQuery {
            arcs: &spec,
            depth: None,
            by_share: false,
            cuts: &[],
            unknown: false,
            unknown_cache: None,
            paths: usize::MAX,
            substituted_from: None,
        };
        let v2 = loss(&g, &view, &facts, &q, &all, &hits, &work)
            .unwrap()
            .rows;
        assert_eq!(v1.len(), v2.len());
        for (a, b) in v1.iter().zip(&v2) {
            assert_eq!((a.node, a.total, a.direct), (b.node, b.loss, b.direct));
        }
    }
}

/// Chokepoints on source arcs only take v1's one-propagation scorer for the
/// candidates outside the set; `weighted by` (all weights 1) forces one
/// fixed point per candidate. Both give the same rows, cycles included.
#[test]
fn chokepoints_fast_path_equals_one_solve_per_candidate() {
    let dir = common::write(&[
        (
            "schema.toml",
            b"[kinds.Firm]\nprops = { w = \"float\" }\n[edges.SOURCES]\nrole = \"dependency\"\nprops = { share = \"float\" }\n",
        ),
        (
            "nodes/n.csv",
            b"id,kind,name,w\na,Firm,A,1\nb,Firm,B,1\nc,Firm,C,1\nd,Firm,D,1\ne,Firm,E,1\nf,Firm,F,1\n",
        ),
        (
            "edges/e.csv",
            b"from,to,type,share\na,b,SOURCES,0.5\na,c,SOURCES,0.5\nb,d,SOURCES,1\nc,d,SOURCES,0.3\nc,e,SOURCES,0.7\nd,b,SOURCES,0.4\nd,f,SOURCES,0.6\ne,f,SOURCES,1\n",
        ),
    ]);
    let g = load(&[dir.path().to_path_buf()], &LoadOptions::default())
        .unwrap_or_else(|f| panic!("{f}"))
        .graph;
    let mut s = Session::new(g);
    for set in ["\"A\"", "(n:Firm where n.name in [\"A\", \"C\"])"] {
        let fast = run(&mut s, &format!("chokepoints of {set} top 10"));
        let slow = run(
            &mut s,
            &format!("chokepoints of {set} weighted by w top 10"),
        );
        let (f, w) = (pairs(&s, &fast, 2), pairs(&s, &slow, 2));
        assert_eq!(f.len(), w.len(), "{set}: {f:?} vs {w:?}");
        for ((fname, fv), (wname, wv)) in f.iter().zip(&w) {
            assert_eq!(fname, wname, "{set}: {f:?} vs {w:?}");
            assert!((fv - wv).abs() < 1e-9, "{set}: {f:?} vs {w:?}");
        }
        assert!(f.len() >= 4, "{set}: {f:?}");
    }
}

/// `unknown` is kept across a session's statements (it depends on the
/// view, not on the shock): a second question about another shock, or about
/// other rows, prints what a fresh session prints; another `via`, and a
/// graph changed by `:load`, are not read from what was kept.
#[test]
fn unknown_kept_across_statements_is_the_fresh_answer() {
    let edges = "from,to,type,share\na1,t1,SOURCES,0.6\na1,p,SOURCES,0.3\nt1,p,SOURCES,0.5\nt1,q,SOURCES,0.25\np,n,LOCATED_IN,\nq,m,LOCATED_IN,\n";
    let nodes = "id,kind,name,revenue\na1,Buyer,a1,\nt1,Technology,t1,\np,Firm,p,\nq,Firm,q,\nn,Nation,n,\nm,Nation,m,\n";
    let statements = [
        "exposure of (x:Buyer) to n",
        "exposure of (x) to m",
        "exposure of (x:Technology) to n via SOURCES",
        "exposure of (x:Buyer) to m",
    ];
    let mut kept = session(nodes, edges);
    for src in statements {
        let r = run(&mut kept, src);
        let a = pairs(&kept, &r, 3);
        let mut fresh = session(nodes, edges);
        let r = run(&mut fresh, src);
        let b = pairs(&fresh, &r, 3);
        assert_eq!(a, b, "{src}");
    }
    // a1's silent part 0.1, plus 0.6 of t1's 0.25: 0.25.
    let r = run(&mut kept, "exposure of (x:Buyer) to n");
    let before = pairs(&kept, &r, 3);
    assert_eq!(before, vec![("a1".to_string(), 0.25)]);
    // More data: t1's missing quarter comes from a new firm. `unknown`
    // changes.
    let more = common::write(&[
        ("more/n.csv", b"id,kind,name\nr,Firm,r\n".as_slice()),
        (
            "more/e.csv",
            b"from,to,type,share\nt1,r,SOURCES,0.25\n".as_slice(),
        ),
    ]);
    kept.load_more(&[more.path().join("more")]).unwrap();
    let r = run(&mut kept, "exposure of (x:Buyer) to n");
    let after = pairs(&kept, &r, 3);
    assert_eq!(after, vec![("a1".to_string(), 0.1)]);
}

/// Past the row limit a row is counted, not shown, and gets no path: the
/// rows shown are the unlimited session's first rows, paths and all;
/// `excluding members` drops rows before the limit counts; `export` still
/// reads every row's path.
#[test]
fn rows_past_the_limit_are_counted_and_export_reads_them_all() {
    // The hit firms and the nation sort first (by name): `excluding members`
    // drops them before the limit counts.
    let nodes = "id,kind,name,revenue\na1,Buyer,a1,\na2,Buyer,a2,\na3,Buyer,a3,\nt1,Technology,t1,\np,Firm,P0,\nq,Firm,Q0,\nn,Nation,N0,\n";
    let edges = "from,to,type,share\na1,t1,SOURCES,1\na2,p,SOURCES,0.5\na2,q,SOURCES,0.5\na3,q,SOURCES,1\nt1,p,SOURCES,1\np,n,LOCATED_IN,\nq,n,LOCATED_IN,\n";
    let cells = |r: &ResultSet| -> Vec<String> {
        r.rows
            .iter()
            .map(|row| format!("{:?} {:?} {:?}", row[0], row[2], row[4]))
            .collect()
    };
    for src in [
        "exposure of (x) to n",
        "exposure of (x) to n excluding members",
        "exposure of (x) to n excluding members top 2",
    ] {
        let mut all = session(nodes, edges);
        let whole = run(&mut all, src);
        let mut limited = session(nodes, edges);
        limited.settings.row_limit = 2;
        let shown = run(&mut limited, src);
        assert_eq!(cells(&shown), cells(&whole)[..2].to_vec(), "{src}");
        assert!(
            shown.rows.iter().all(|r| matches!(r[4], Cell::Path(_))),
            "{src}: every row shown has its path"
        );
        if whole.rows.len() > 2 {
            let notice = shown.message.clone().unwrap_or_default();
            assert!(
                notice.contains(&format!("showing the first 2 of {} rows", whole.rows.len())),
                "{src}: {notice}"
            );
        }
    }
    // `export` writes the paths of every row, the limit notwithstanding.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("x.dot");
    let mut limited = session(nodes, edges);
    limited.settings.row_limit = 1;
    run(
        &mut limited,
        &format!(
            "export dot \"{}\" from exposure of (x:Buyer) to n",
            file.display()
        ),
    );
    let dot = std::fs::read_to_string(&file).unwrap();
    for edge in ["a1", "a2", "a3", "t1"] {
        assert!(
            dot.contains(&format!("\"{edge}\" ->")),
            "{edge}'s path arc in\n{dot}"
        );
    }
}
