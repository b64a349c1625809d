use proptest::prelude::*;

use super::*;
use crate::analysis::testing::Fixture;
use crate::model::Value;

fn q<'a>(from: &'a [NodeId], to: &'a [NodeId], mode: PathMode) -> PathQuery<'a> {
    PathQuery {
        from,
        to,
        types: None,
        undirected: false,
        weighted: None,
        max: None,
        mode,
    }
}

fn run(g: &Graph, q: &PathQuery) -> Vec<(Vec<String>, f64)> {
    paths(g, &View::full(), q, &Work::unlimited())
        .unwrap()
        .into_iter()
        .map(|p| {
            (
                p.path
                    .nodes
                    .iter()
                    .map(|n| g.node_name(*n).to_string())
                    .collect(),
                p.cost,
            )
        })
        .collect()
}

fn names(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// a -> b -> e (costs 5, 1), a -> c -> e (1, missing = 1), a -> e (10),
/// x -> e (a PARTNER edge).
fn sample() -> (Graph, [NodeId; 6]) {
    let mut f = Fixture::new();
    let ns = f.nodes(["a", "b", "c", "e", "x", "lone"]);
    let [a, b, c, e, x, _] = ns;
    let dep = f.dep;
    let other = f.other;
    f.costed(a, b, dep, Value::Int(5));
    f.costed(b, e, dep, Value::Float(1.0));
    f.costed(a, c, dep, Value::Int(1));
    f.dep(c, e, None);
    f.costed(a, e, dep, Value::Int(10));
    f.edge(x, e, other, None);
    (f.finish(), ns)
}

#[test]
fn shortest_by_hops_and_by_weight() {
    let (g, [a, _, _, e, _, lone]) = sample();
    let (sa, se) = ([a], [e]);
    assert_eq!(
        run(&g, &q(&[a], &[e], PathMode::Shortest)),
        vec![(names(&["a", "e"]), 1.0)]
    );
    let mut w = q(&sa, &se, PathMode::Shortest);
    w.weighted = Some("cost");
    assert_eq!(run(&g, &w), vec![(names(&["a", "c", "e"]), 2.0)]);
    // max bounds the weighted search too: one hop leaves only the direct edge.
    w.max = Some(1);
    assert_eq!(run(&g, &w), vec![(names(&["a", "e"]), 10.0)]);
    // An unknown property weighs 1 everywhere.
    let mut u = q(&sa, &se, PathMode::Shortest);
    u.weighted = Some("nonexistent");
    assert_eq!(run(&g, &u), vec![(names(&["a", "e"]), 1.0)]);
    assert!(run(&g, &q(&[a], &[lone], PathMode::Shortest)).is_empty());
    // A node in both sets is the 0-hop path.
    assert_eq!(
        run(&g, &q(&[a, e], &[e], PathMode::Shortest)),
        vec![(names(&["e"]), 0.0)]
    );
}

#[test]
fn ties_prefer_lower_ids() {
    let (g, [s, _, _, t]) =
        Fixture::graph(["s", "m2", "m1", "t"], "s -> m1, m1 -> t, s -> m2, m2 -> t");
    assert_eq!(
        run(&g, &q(&[s], &[t], PathMode::Shortest)),
        vec![(names(&["s", "m2", "t"]), 2.0)]
    );
}

#[test]
fn all_paths_with_max_cheapest_first() {
    let (g, [a, _, _, e, _, _]) = sample();
    let (sa, se) = ([a], [e]);
    let got = run(&g, &q(&[a], &[e], PathMode::All));
    assert_eq!(
        got,
        vec![
            (names(&["a", "e"]), 1.0),
            (names(&["a", "b", "e"]), 2.0),
            (names(&["a", "c", "e"]), 2.0)
        ]
    );
    let mut one = q(&sa, &se, PathMode::All);
    one.max = Some(1);
    assert_eq!(run(&g, &one).len(), 1);
    let mut w = q(&sa, &se, PathMode::All);
    w.weighted = Some("cost");
    let costs: Vec<f64> = run(&g, &w).iter().map(|p| p.1).collect();
    assert_eq!(costs, vec![2.0, 6.0, 10.0]);
}

#[test]
fn undirected_and_types() {
    let (g, [a, _, _, e, x, _]) = sample();
    let (sa, se, sx) = ([a], [e], [x]);
    assert!(run(&g, &q(&[a], &[x], PathMode::Shortest)).is_empty());
    let mut u = q(&sa, &sx, PathMode::Shortest);
    u.undirected = true;
    assert_eq!(run(&g, &u), vec![(names(&["a", "e", "x"]), 2.0)]);
    let partner = [g.edge_type_id("PARTNER").unwrap()];
    let mut t = q(&sx, &se, PathMode::All);
    t.types = Some(&partner);
    assert_eq!(run(&g, &t), vec![(names(&["x", "e"]), 1.0)]);
    t.from = &sa;
    assert!(run(&g, &t).is_empty());
    // Hidden nodes do not exist.
    let mut view = View::full();
    view.hide_node(e);
    let got = paths(&g, &view, &q(&[a], &[e], PathMode::All), &Work::unlimited()).unwrap();
    assert!(got.is_empty());
}

#[test]
fn k_shortest_follows_cost_order() {
    let (g, [a, _, _, e, _, _]) = sample();
    let (sa, se) = ([a], [e]);
    let mut k = q(&sa, &se, PathMode::K(2));
    k.weighted = Some("cost");
    assert_eq!(
        run(&g, &k),
        vec![
            (names(&["a", "c", "e"]), 2.0),
            (names(&["a", "b", "e"]), 6.0)
        ]
    );
    k.mode = PathMode::K(10);
    assert_eq!(run(&g, &k).len(), 3);
    k.mode = PathMode::K(0);
    assert!(run(&g, &k).is_empty());
}

#[test]
fn bad_weights_are_errors() {
    let mut f = Fixture::new();
    let [a, b, c] = f.nodes(["a", "b", "c"]);
    let dep = f.dep;
    let neg = f.costed(a, b, dep, Value::Float(-2.0));
    f.costed(b, c, dep, Value::str("cheap"));
    let g = f.finish();
    let (sa, sb, sc) = ([a], [b], [c]);
    let mut w = q(&sa, &sc, PathMode::Shortest);
    w.weighted = Some("cost");
    let err = paths(&g, &View::full(), &w, &Work::unlimited()).unwrap_err();
    assert_eq!(
        err,
        AnalysisError::NegativeWeight {
            edge: neg,
            prop: "cost".into(),
            value: -2.0
        }
    );
    assert_eq!(
        err.describe(&g),
        "edge a -[DEPENDS_ON]-> b has `cost` = -2; weighted paths need weights of 0 or more"
    );
    w.from = &sb;
    let err = paths(&g, &View::full(), &w, &Work::unlimited()).unwrap_err();
    assert!(
        matches!(err, AnalysisError::BadWeight { ref value, .. } if value.contains("cheap")),
        "{err}"
    );
    // Unweighted, the property is not read.
    w.weighted = None;
    assert_eq!(
        paths(&g, &View::full(), &w, &Work::unlimited())
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn budget_stops_path_enumeration() {
    // A ladder with 2^20 paths.
    let (g, nodes) = Fixture::chain(21, 2);
    let mut all = q(&nodes[..1], &nodes[20..], PathMode::All);
    all.max = Some(30);
    let work = Work::new(100_000, crate::limits::CancelFlag::new());
    let r = paths(&g, &View::full(), &all, &work);
    assert!(matches!(
        r,
        Err(AnalysisError::Interrupt(Interrupt::Budget { .. }))
    ));
}

fn random_path_graph(n: usize, edges: &[(usize, usize, bool, Option<i64>)]) -> Graph {
    let mut f = Fixture::new();
    let nodes: Vec<NodeId> = (0..n).map(|i| f.node(&format!("n{i}"))).collect();
    for &(a, b, partner, cost) in edges {
        let ty = if partner { f.other } else { f.dep };
        match cost {
            Some(c) => f.costed(nodes[a % n], nodes[b % n], ty, Value::Int(c)),
            None => f.edge(nodes[a % n], nodes[b % n], ty, None),
        };
    }
    f.finish()
}

fn valid(g: &Graph, p: &FoundPath, q: &PathQuery, max: u32) -> bool {
    let path = &p.path;
    let simple = path
        .nodes
        .iter()
        .enumerate()
        .all(|(i, n)| !path.nodes[..i].contains(n));
    let steps = path.edges.iter().enumerate().all(|(i, e)| {
        let (x, y) = g.edge_ends(*e);
        let (u, v) = (path.nodes[i], path.nodes[i + 1]);
        (x, y) == (u, v) || (q.undirected && (y, x) == (u, v))
    });
    simple
        && steps
        && q.from.contains(&path.nodes[0])
        && q.to.contains(&path.nodes[path.nodes.len() - 1])
        && path.len() as u32 <= max
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn shortest_and_k_shortest_agree_with_enumeration(
        n in 2usize..8,
        edges in proptest::collection::vec((0usize..8, 0usize..8, any::<bool>(), proptest::option::of(0i64..5)), 0..18),
        from in proptest::collection::vec(0usize..8, 1..3),
        to in proptest::collection::vec(0usize..8, 1..3),
        undirected in any::<bool>(),
        weighted in any::<bool>(),
        max in proptest::option::of(0u32..4),
        k in 1u32..6,
    ) {
        let g = random_path_graph(n, &edges);
        let from: Vec<NodeId> = from.iter().map(|i| NodeId::from_index(i % n)).collect();
        let to: Vec<NodeId> = to.iter().map(|i| NodeId::from_index(i % n)).collect();
        let limit = max.unwrap_or(n as u32);
        let mut query = PathQuery { from: &from, to: &to, types: None, undirected, weighted: weighted.then_some("cost"), max: Some(limit), mode: PathMode::All };
        let work = Work::unlimited();
        let all = paths(&g, &View::full(), &query, &work).unwrap();
        for p in &all {
            prop_assert!(valid(&g, p, &query, limit), "{:?}", p);
        }
        query.max = max;
        query.mode = PathMode::Shortest;
        let shortest = paths(&g, &View::full(), &query, &work).unwrap();
        prop_assert_eq!(shortest.len(), usize::from(!all.is_empty()));
        if let Some(s) = shortest.first() {
            prop_assert!(valid(&g, s, &query, limit));
            prop_assert!((s.cost - all[0].cost).abs() < 1e-12, "{} vs {}", s.cost, all[0].cost);
        }
        query.mode = PathMode::K(k);
        let ks = paths(&g, &View::full(), &query, &work).unwrap();
        prop_assert_eq!(ks.len(), all.len().min(k as usize));
        for (i, p) in ks.iter().enumerate() {
            prop_assert!(valid(&g, p, &query, limit), "{:?}", p);
            prop_assert!((p.cost - all[i].cost).abs() < 1e-12, "k-th cost {} vs {}", p.cost, all[i].cost);
            prop_assert!(!ks[..i].iter().any(|o| o.path == p.path));
        }
    }
}

#[test]
fn a_negative_weight_beyond_the_target_is_still_an_error() {
    let mut f = Fixture::new();
    let [a, b, c] = f.nodes(["a", "b", "c"]);
    let dep = f.dep;
    f.costed(a, c, dep, Value::Int(1));
    f.costed(a, b, dep, Value::Int(2));
    let neg = f.costed(b, c, dep, Value::Int(-7));
    let g = f.finish();
    let (sa, sc) = ([a], [c]);
    let mut w = q(&sa, &sc, PathMode::Shortest);
    w.weighted = Some("cost");
    // Dijkstra settles c at cost 1 before it reaches b -> c (cost -5 in all).
    let err = paths(&g, &View::full(), &w, &Work::unlimited()).unwrap_err();
    assert!(
        matches!(err, AnalysisError::NegativeWeight { edge, .. } if edge == neg),
        "{err}"
    );
}
