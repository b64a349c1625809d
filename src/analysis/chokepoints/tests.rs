use petgraph::algo::dominators::simple_fast;
use petgraph::graph::{DiGraph, NodeIndex};
use proptest::prelude::*;

use super::*;
use crate::analysis::exposure::{exposure, silent_totals_by_node};
use crate::analysis::testing::{Fixture, random_edges, random_graph};
use crate::analysis::traverse::upstream;

fn run(g: &Graph, of: &[NodeId]) -> Vec<(String, f64)> {
    chokepoints(
        g,
        &View::full(),
        &ArcSpec::new(g, None),
        of,
        None,
        &Work::unlimited(),
    )
    .unwrap()
    .into_iter()
    .map(|c| (g.node_name(c.node).to_string(), c.score))
    .collect()
}

fn same(got: &[(String, f64)], want: &[(&str, f64)]) {
    assert_eq!(got.len(), want.len(), "{got:?}");
    for ((gn, gs), (wn, ws)) in got.iter().zip(want) {
        assert!(gn == wn && (gs - ws).abs() < 1e-12, "{got:?} vs {want:?}");
    }
}

#[test]
fn dag_scores_are_path_sums() {
    let mut f = Fixture::new();
    let [s, _, b, _, d] = f.nodes(["s", "a", "b", "c", "d"]);
    f.link("s -> a 0.6, s -> b 0.4, a -> c, b -> c");
    f.supplies(d, b, None); // b depends on d
    let g = f.finish();
    same(
        &run(&g, &[s]),
        &[("c", 0.8), ("a", 0.6), ("b", 0.4), ("d", 0.2)],
    );
}

#[test]
fn cycles_use_return_probabilities() {
    // a: 0.5 on b, 0.5 on x; b: 0.8 on a. From s (all on a): a is always
    // hit, b with 0.5, x with 0.5 / (1 - 0.5 * 0.8) = 5/6.
    let (g, [s, _, b, _]) = Fixture::graph(
        ["s", "a", "b", "x"],
        "s -> a, a -> b 0.5, a -> x 0.5, b -> a 0.8",
    );
    let want = [("a", 1.0), ("x", 5.0 / 6.0), ("b", 0.5)];
    same(&run(&g, &[s]), &want);
    let iterative = chokepoints_with(
        &g,
        &View::full(),
        &ArcSpec::new(&g, None),
        &[s],
        None,
        None,
        0,
        &Work::unlimited(),
    )
    .unwrap()
    .rows;
    let iterative: Vec<(String, f64)> = iterative
        .iter()
        .map(|c| (g.node_name(c.node).to_string(), c.score))
        .collect();
    same(&iterative, &want);
    // From b itself (a seed inside the cycle): a is hit with 0.8, x with 0.8 * 5/6.
    same(&run(&g, &[b]), &[("a", 0.8), ("x", 0.8 * 5.0 / 6.0)]);
}

#[test]
fn several_seeds_average_and_closed_cycles_are_recurrent() {
    // a and b trap every walk that enters.
    let (g, [s1, s2, a, _, _]) = Fixture::graph(
        ["s1", "s2", "a", "b", "y"],
        "s1 -> a 0.5, s1 -> y 0.5, s2 -> y, a -> b, b -> a",
    );
    same(&run(&g, &[s1]), &[("a", 0.5), ("b", 0.5), ("y", 0.5)]);
    same(
        &run(&g, &[s1, s2]),
        &[("y", 0.75), ("a", 0.25), ("b", 0.25)],
    );
    // A seed upstream of another counts as a node on the way, not a row.
    same(&run(&g, &[a]), &[("b", 1.0)]);
}

#[test]
fn zero_weight_arcs_list_upstream_nodes_with_score_zero() {
    let mut f = Fixture::new();
    let [s, a, b, c] = f.nodes(["s", "a", "b", "c"]);
    f.dep(s, a, Some(1.0));
    f.dep(s, b, None); // weighs max(0, 1 - 1) = 0
    f.dep(b, c, None);
    let g = f.finish();
    same(&run(&g, &[s]), &[("a", 1.0), ("b", 0.0), ("c", 0.0)]);
    let mut view = View::full();
    view.hide_node(a);
    let spec = ArcSpec::new(&g, None);
    let rows = chokepoints(&g, &view, &spec, &[s], None, &Work::unlimited()).unwrap();
    // With a gone, the share-less arc carries everything.
    assert_eq!(
        rows.iter().map(|c| c.score).collect::<Vec<_>>(),
        vec![1.0, 1.0]
    );
    assert!(
        chokepoints(&g, &view, &spec, &[a], None, &Work::unlimited())
            .unwrap()
            .is_empty()
    );
}

/// s depends on r0; each r_i passes 0.9 on to r_{i+1} (the ring of `n`
/// closes) and leaks the rest. From r0, r_k is hit with 0.9^k.
fn leaky_ring(n: usize) -> (Graph, NodeId, Vec<NodeId>) {
    let mut f = Fixture::new();
    let s = f.node("s");
    let ring: Vec<NodeId> = (0..n).map(|i| f.node(&format!("r{i:05}"))).collect();
    f.dep(s, ring[0], None);
    for i in 0..n {
        f.dep(ring[i], ring[(i + 1) % n], Some(0.9));
    }
    (f.finish(), s, ring)
}

/// The k-th chokepoint is `ring[k]`, scored 0.9^k.
fn assert_ring_scores(got: &[Chokepoint], ring: &[NodeId]) {
    for (k, c) in got.iter().enumerate() {
        assert_eq!(c.node, ring[k]);
        assert!(
            (c.score - 0.9f64.powi(k as i32)).abs() < 1e-12,
            "{k}: {}",
            c.score
        );
    }
}

/// On a leaky ring of `n`, each of `tops` gives that many chokepoints
/// (all `n` for `None`), scored by the closed form.
fn ring_scores_match(
    n: usize,
    tops: &[Option<usize>],
    run: impl Fn(&Graph, &ArcSpec, NodeId, Option<usize>) -> Vec<Chokepoint>,
) {
    let (g, s, ring) = leaky_ring(n);
    let spec = ArcSpec::new(&g, None);
    for &top in tops {
        let got = run(&g, &spec, s, top);
        assert_eq!(got.len(), top.unwrap_or(n));
        assert_ring_scores(&got, &ring);
    }
}

#[test]
fn iterative_scores_on_a_long_leaky_ring_match_the_closed_form() {
    ring_scores_match(40, &[None, Some(3)], |g, spec, s, top| {
        chokepoints_with(
            g,
            &View::full(),
            spec,
            &[s],
            top,
            None,
            0,
            &Work::unlimited(),
        )
        .unwrap()
        .rows
    });
}

#[test]
fn a_long_ring_of_heavy_arcs_scores_its_top_exactly() {
    // As above, on a ring of 10,010 nodes (over-relaxed pushes once blew
    // up along such a ring).
    ring_scores_match(10_010, &[Some(1), Some(4)], |g, spec, s, top| {
        chokepoints(g, &View::full(), spec, &[s], top, &Work::unlimited()).unwrap()
    });
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn scores_match_brute_force_exposure(
        n in 2usize..9,
        edges in random_edges(9, 24),
        seeds in proptest::collection::vec(0usize..9, 1..4),
        dense in any::<bool>(),
    ) {
        let g = random_graph(n, &edges);
        let spec = ArcSpec::new(&g, None);
        let full = View::full();
        let work = Work::unlimited();
        let mut seeds: Vec<NodeId> = seeds.iter().map(|i| NodeId::from_index(i % n)).collect();
        seeds.sort_unstable();
        seeds.dedup();
        let dense_max = if dense { DENSE_MAX } else { 0 };
        let term = |u: NodeId| silent_part(&g, &spec, u);
        let found =
            chokepoints_with(&g, &full, &spec, &seeds, None, Some(&term), dense_max, &work).unwrap();
        let (got, total) = (found.rows, found.total);
        // The total read off the visits is the sum of the seeds' silent totals.
        let by_node = silent_totals_by_node(&g, &full, &spec, &seeds, &term, &work).unwrap();
        let want: f64 = seeds.iter().map(|s| by_node[s.index()]).sum();
        let total = total.expect("no closed cycle has a term");
        prop_assert!((total - want).abs() < 1e-9, "total {} vs {}", total, want);
        let up = upstream(&g, &full, &spec, &seeds, None, &work).unwrap();
        prop_assert_eq!(got.len(), up.len());
        // The nodes found on the way are upstream's.
        let mut found_up = found.upstream.clone();
        found_up.sort_unstable();
        let mut want_up: Vec<NodeId> = up.iter().map(|(n, _)| *n).collect();
        want_up.sort_unstable();
        prop_assert_eq!(found_up, want_up);
        for c in &got {
            let mut mean = 0.0;
            for &s in &seeds {
                mean += exposure(&g, &full, &spec, &[s], &[c.node], None, &work).unwrap()[0].total;
            }
            mean /= seeds.len() as f64;
            prop_assert!((c.score - mean).abs() < 1e-9, "{:?}: {} vs {}", c.node, c.score, mean);
        }
        for w in got.windows(2) {
            prop_assert!(w[0].score >= w[1].score);
        }
        // `top K` gives the first K rows of the full answer.
        for k in [1, 3] {
            let topk =
                chokepoints_with(&g, &full, &spec, &seeds, Some(k), Some(&term), dense_max, &work).unwrap();
            let (topk, total_k) = (topk.rows, topk.total);
            prop_assert_eq!(total_k, Some(total));
            prop_assert_eq!(topk.len(), got.len().min(k));
            for (a, b) in topk.iter().zip(&got) {
                prop_assert_eq!(a.node, b.node);
                prop_assert!((a.score - b.score).abs() < 1e-12);
            }
        }
    }

    /// On share-free acyclic graphs every walk ends at a sink, so a node is
    /// hit for sure exactly when it dominates the exit behind the sinks.
    #[test]
    fn certain_nodes_are_the_dominators_of_the_exit(
        n in 2usize..10,
        pairs in proptest::collection::vec((0usize..10, 0usize..10), 0..25),
    ) {
        let edges: Vec<(usize, usize, u8, Option<f64>)> = pairs
            .iter()
            .map(|&(a, b)| (a % n, b % n))
            .filter(|(a, b)| a < b)
            .map(|(a, b)| (a, b, 0, None))
            .collect();
        let g = random_graph(n, &edges);
        let s = NodeId::from_index(0);
        let got = run_nodes(&g, s);
        let mut dg: DiGraph<(), ()> = DiGraph::new();
        let ids: Vec<NodeIndex> = (0..=n).map(|_| dg.add_node(())).collect();
        for u in 0..n {
            let mut has = false;
            for (_, v, _) in ArcSpec::new(&g, None).weighted_arcs(&g, &View::full(), NodeId::from_index(u)) {
                dg.add_edge(ids[u], ids[v.index()], ());
                has = true;
            }
            if !has {
                dg.add_edge(ids[u], ids[n], ());
            }
        }
        let dom = simple_fast(&dg, ids[0]);
        let certain: Vec<usize> = dom
            .dominators(ids[n])
            .map(|d| d.map(|x| x.index()).filter(|&x| x != 0 && x != n).collect())
            .unwrap_or_default();
        for (node, score) in got {
            let is_dom = certain.contains(&node.index());
            prop_assert_eq!(is_dom, (score - 1.0).abs() < 1e-9, "{:?} score {} dominator {}", node, score, is_dom);
        }
    }
}

/// What a node's arcs leave unsaid (1 minus their weight, 0 when that is
/// rounding), or 0.5 for a node without arcs: a term whose silent totals
/// stay within [0, 1], and 0 on a closed cycle (whose total would be
/// unbounded).
fn silent_part(g: &Graph, spec: &ArcSpec, u: NodeId) -> f64 {
    let arcs = spec.weighted_arcs(g, &View::full(), u);
    if arcs.is_empty() {
        return 0.5;
    }
    let rest = 1.0 - arcs.iter().map(|a| a.2).sum::<f64>();
    if rest < 1e-9 { 0.0 } else { rest }
}

#[test]
fn a_closed_cycle_with_a_term_has_no_total() {
    // s -> a, a <-> b with weight 1: walks that enter never leave, so the
    // visits are unbounded and a term on the cycle has no finite total.
    let (g, [s, a, _]) = Fixture::graph(["s", "a", "b"], "s -> a, a -> b, b -> a");
    let total_with = |at: NodeId| {
        let term = |u: NodeId| if u == at { 0.3 } else { 0.0 };
        let spec = ArcSpec::new(&g, None);
        let work = Work::unlimited();
        chokepoints_with(
            &g,
            &View::full(),
            &spec,
            &[s],
            None,
            Some(&term),
            DENSE_MAX,
            &work,
        )
        .unwrap()
        .total
    };
    assert_eq!(total_with(a), None);
    assert_eq!(total_with(s), Some(0.3));
}

fn run_nodes(g: &Graph, s: NodeId) -> Vec<(NodeId, f64)> {
    chokepoints(
        g,
        &View::full(),
        &ArcSpec::new(g, None),
        &[s],
        None,
        &Work::unlimited(),
    )
    .unwrap()
    .into_iter()
    .map(|c| (c.node, c.score))
    .collect()
}

proptest! {
    /// Both ways to the visits inside a block (the certified solve and the
    /// pushes it falls back to) agree with the dense solution.
    #[test]
    fn visits_by_solve_and_by_pushes_match_lu(
        n in 1usize..12,
        raw in proptest::collection::vec((0usize..12, 0usize..12, 0.01f64..1.0), 0..40),
        keep in 0.1f64..0.95,
    ) {
        let mut total = vec![0.0; n];
        for &(u, _, w) in &raw {
            total[u % n] += w;
        }
        let arcs: Vec<(usize, usize, f64)> = raw
            .iter()
            .map(|&(u, v, w)| (u % n, v % n, w / total[u % n] * keep))
            .collect();
        let work = Work::unlimited();
        let block = Block::from_arcs(n, &arcs, Rows::Flow);
        let b: Vec<f64> = (0..n).map(|i| if i == 0 { 1.0 } else { 0.0 }).collect();
        let mut m = vec![0.0; n * n];
        for i in 0..n {
            m[i * n + i] = 1.0;
        }
        for &(u, v, w) in &arcs {
            m[u * n + v] -= w;
        }
        let want = Lu::factor(m, n).expect("I - A is regular").solve_t(&b);
        let (Visits { mass: solved, upper }, _) = certified_visits(&block, &b, &work).unwrap();
        let pushed = pushed_visits(&block, &b, &work).unwrap();
        for i in 0..n {
            let tol = 1e-9 * want[i].max(1.0);
            prop_assert!((solved[i] - want[i]).abs() < tol, "{i}: {} vs {}", solved[i], want[i]);
            prop_assert!(upper[i] >= want[i] - 1e-12 * want[i].max(1.0), "{i}: bound {} below {}", upper[i], want[i]);
            prop_assert!((pushed[i] - want[i]).abs() < tol, "{i}: {} vs {}", pushed[i], want[i]);
        }
    }
}

#[test]
fn visits_of_a_slowly_leaking_cycle_are_exact_relative_to_their_size() {
    // A 2-cycle that keeps 0.99999 of its mass: about 1e5 visits each,
    // where rounding alone is far above the 1-norm the mass needs: the
    // visits and their bounds hold relative to their size.
    let arcs = [(0, 1, 1.0), (1, 0, 0.99999)];
    let block = Block::from_arcs(2, &arcs, Rows::Members);
    let (Visits { mass, upper }, steps) =
        certified_visits(&block, &[1.0, 0.0], &Work::unlimited()).unwrap();
    assert!(steps.is_some(), "a transient block has a steps bound");
    let m = vec![1.0, -1.0, -0.99999, 1.0];
    let want = Lu::factor(m, 2)
        .expect("I - A is regular")
        .solve_t(&[1.0, 0.0]);
    for i in 0..2 {
        assert!(
            (mass[i] - want[i]).abs() < 1e-12 * want[i],
            "{i}: {} vs {}",
            mass[i],
            want[i]
        );
        assert!(
            upper[i] >= want[i] * (1.0 - 1e-12),
            "{i}: bound {}",
            upper[i]
        );
    }
}
