//! The model's `F` written out by its definition and iterated from 0
//! (loss, `R`) until nothing moves: the reference for the property tests.

use super::*;
use proptest::prelude::*;

/// A requirement, its essential, and its `input` sources with their silent part.
type Req = (NodeId, f64, Option<(Vec<(NodeId, f64)>, f64)>);

struct Arcs {
    general: Vec<(NodeId, f64)>,
    general_silent: f64,
    /// (requirement, essential, input sources with weights, their silent part)
    reqs: Vec<Req>,
    no_arcs: bool,
}

fn weigh(arcs: &[(NodeId, Option<f64>)]) -> (Vec<(NodeId, f64)>, f64) {
    let sum: f64 = arcs.iter().filter_map(|a| a.1).sum();
    let without = arcs.iter().filter(|a| a.1.is_none()).count();
    let scale = if sum > 1.0 { 1.0 / sum } else { 1.0 };
    let rest = if without > 0 {
        (1.0 - sum).max(0.0) / without as f64
    } else {
        0.0
    };
    let silent = if without == 0 && sum < 1.0 {
        1.0 - sum
    } else {
        0.0
    };
    (
        arcs.iter()
            .map(|&(v, s)| (v, s.map_or(rest, |s| s * scale)))
            .collect(),
        silent,
    )
}

fn arcs_of(r: &Run<'_>, u: NodeId) -> Arcs {
    let g = r.g;
    let mut general = Vec::new();
    let mut reqs = Vec::new();
    let mut inputs: Vec<(NodeId, NodeId, Option<f64>)> = Vec::new();
    let all: Vec<_> = r.spec.arcs(g, &View::full(), u).collect();
    for &(e, v) in &all {
        let share = g.edge_share(e);
        match r.facts.mode(g, e) {
            Mode::Requirement => reqs.push((v, r.facts.essential(g, e))),
            Mode::Source => match r.facts.input(g, e) {
                Some(x) => inputs.push((x, v, share)),
                None => general.push((v, share)),
            },
        }
    }
    let (general, general_silent) = weigh(&general);
    let reqs = reqs
        .into_iter()
        .map(|(x, ess)| {
            let own: Vec<_> = inputs
                .iter()
                .filter(|i| i.0 == x)
                .map(|i| (i.1, i.2))
                .collect();
            (x, ess, (!own.is_empty()).then(|| weigh(&own)))
        })
        .collect();
    Arcs {
        general,
        general_silent,
        reqs,
        no_arcs: all.is_empty(),
    }
}

/// A variable's next (loss, R) from its severity, its general sources'
/// value and its worst requirement (a full hit absorbs).
fn step(s0: f64, general: f64, required: f64) -> (f64, f64) {
    if s0 >= 1.0 {
        (1.0, 1.0)
    } else {
        (
            s0.max(general).max(required).min(1.0),
            s0.max(required).min(1.0),
        )
    }
}

/// The largest move of (x, R) between two rounds.
fn moved(nx: &[f64], x: &[f64], nr: &[f64], r: &[f64]) -> f64 {
    nx.iter()
        .zip(x)
        .chain(nr.iter().zip(r))
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max)
}

/// `got` within 1e-9 of `want`, for node n`i`'s `what`.
fn agrees(what: &str, i: usize, got: f64, want: f64) -> Result<(), TestCaseError> {
    prop_assert!((got - want).abs() < 1e-9, "{what} of n{i}: {got} vs {want}");
    Ok(())
}

/// (loss, unknown) by rounds (`Some(n)`) or to convergence.
pub(crate) fn naive(r: &Run<'_>, hits: &Hits, depth: Option<u32>) -> (Vec<f64>, Vec<f64>) {
    let n = r.g.node_count();
    let arcs: Vec<Arcs> = r.g.nodes().map(|u| arcs_of(r, u)).collect();
    let quiet = |u: usize| {
        let a = &arcs[u];
        match r.facts.needs_supply(r.g, NodeId::from_index(u)) {
            Some(NeedsSupply::Sources) => a.general.is_empty(),
            Some(NeedsSupply::Any) => a.no_arcs,
            None => false,
        }
    };
    let run = |s: &dyn Fn(usize) -> f64, silent: bool| {
        // Round 0: the hits, and (for unknown) the nodes silent themselves.
        let mut x: Vec<f64> = (0..n)
            .map(|u| if silent && quiet(u) { 1.0 } else { s(u) })
            .collect();
        let mut big_r: Vec<f64> = (0..n).map(s).collect();
        let limit = depth.unwrap_or(200_000);
        for _ in 0..limit {
            let need = |a: &Req, x: &[f64], big_r: &[f64]| {
                let (rq, _, own) = a;
                match own {
                    None => x[rq.index()],
                    Some((own, sil)) => big_r[rq.index()].max(
                        own.iter().map(|(v, w)| w * x[v.index()]).sum::<f64>()
                            + if silent { *sil } else { 0.0 },
                    ),
                }
            };
            let mut nx = vec![0.0; n];
            let mut nr = vec![0.0; n];
            for u in 0..n {
                let a = &arcs[u];
                let mut reqv: f64 = 0.0;
                for q in &a.reqs {
                    reqv = reqv.max(q.1 * need(q, &x, &big_r));
                }
                let mut gv = if a.general.is_empty() {
                    0.0
                } else {
                    a.general.iter().map(|(v, w)| w * x[v.index()]).sum::<f64>()
                        + if silent { a.general_silent } else { 0.0 }
                };
                if silent && quiet(u) {
                    gv = 1.0;
                }
                (nx[u], nr[u]) = step(s(u), gv, reqv);
            }
            let change = moved(&nx, &x, &nr, &big_r);
            x = nx;
            big_r = nr;
            if depth.is_none() && change < 1e-15 {
                break;
            }
        }
        x
    };
    let loss = run(&|u| hits.severity(NodeId::from_index(u)), false);
    let unknown = run(&|_| 0.0, true);
    (loss, unknown)
}

/// Random model graphs: `n` nodes, kinds by index (0: Nation, 1: Technology,
/// else Firm), arcs of both modes, `input` arcs naming one of the
/// consumer's requirements, memberships of both scopes with and without
/// shares.
fn graph(n: usize, spec: &[(u8, usize, usize, u8)]) -> Graph {
    let mut m = Model::new();
    let nodes: Vec<NodeId> = (0..n)
        .map(|i| {
            let k = match i % 5 {
                0 => m.nation,
                1 => m.tech,
                _ => m.firm,
            };
            m.node(&format!("n{i}"), k)
        })
        .collect();
    let shares = [None, Some(0.2), Some(0.5), Some(0.9), Some(1.3)];
    let mut reqs: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(op, a, b, x) in spec {
        let (a, b) = (a % n, b % n);
        let share = shares[x as usize % shares.len()];
        match op % 6 {
            0 | 1 => {
                m.source(nodes[a], nodes[b], share);
            }
            2 => {
                let ess = [None, Some(0.5), Some(1.0), Some(0.3)][x as usize % 4];
                m.require(nodes[a], nodes[b], ess);
                reqs[a].push(b);
            }
            3 => {
                if let Some(&r) = reqs[a].get(x as usize % 3) {
                    m.source_for(nodes[a], nodes[b], share, &format!("n{r}"));
                } else {
                    m.source(nodes[a], nodes[b], share);
                }
            }
            4 => {
                m.located(nodes[a], nodes[b - b % 5], share.filter(|_| x % 2 == 0));
            }
            _ => {
                m.sited(nodes[a], nodes[b - b % 5], share.filter(|_| x % 2 == 0));
            }
        }
    }
    m.finish()
}

/// `spec` with its requirement and `input` arcs made general sources
/// when `sources_only`.
fn only_sources(
    spec: Vec<(u8, usize, usize, u8)>,
    sources_only: bool,
) -> Vec<(u8, usize, usize, u8)> {
    spec.into_iter()
        .map(|(op, a, b, x)| {
            let op = if sources_only && matches!(op % 6, 2 | 3) {
                0
            } else {
                op
            };
            (op, a, b, x)
        })
        .collect()
}

/// Cut rules between the nations `n0` and `n5` of [`graph`]'s graphs:
/// `(consumer side, provider side)`, each 0 (`n0`) or 1 (`n5`).
fn cut_rules(g: &Graph, r: &Run<'_>, rules: &[(usize, usize)]) -> Vec<CutRule> {
    let view = View::full();
    let work = Work::unlimited();
    let shocker = Shocker::new(g, &view, &r.facts, &work);
    let nations = [NodeId::from_index(0), NodeId::from_index(5)];
    rules
        .iter()
        .map(|&(a, b)| CutRule {
            consumer: shocker.side(&[nations[a]], By::Both).unwrap(),
            provider: shocker.side(&[nations[b]], By::Both).unwrap(),
            targets: None,
            label: format!("n{a}"),
        })
        .collect()
}

#[test]
fn loss_direct_and_unknown_agree_with_naive_iteration() {
    agree_with_naive(false);
}

/// Source arcs only: the v1 fast path with `unknown` on the linear solver.
#[test]
fn source_only_graphs_agree_with_naive_iteration() {
    agree_with_naive(true);
}

fn agree_with_naive(sources_only: bool) {
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(256));
    runner
        .run(
            &(
                proptest::collection::vec((0u8..6, 0usize..10, 0usize..10, 0u8..12), 0..30),
                proptest::collection::vec(0usize..10, 1..3),
                prop_oneof![Just(1.0), Just(0.5), Just(0.3)],
                0u8..3,
                proptest::option::of(1u32..5),
            ),
            |(spec, targets, sev, by, depth)| {
                let g = graph(10, &only_sources(spec, sources_only));
                let r = Run::new(&g);
                let to: Vec<NodeId> = targets.iter().map(|&i| NodeId::from_index(i)).collect();
                let by = [By::Territory, By::Jurisdiction, By::Both][by as usize];
                let hits = r.hits(&to, by, sev);
                let all: Vec<NodeId> = g.nodes().collect();
                let rows = r.rows(&all, &hits, depth, &[]);
                let (want, unknown) = naive(&r, &hits, depth);
                let (direct, _) = naive(&r, &hits, Some(1));
                for row in &rows {
                    let i = row.node.index();
                    agrees("loss", i, row.loss, want[i])?;
                    agrees("direct", i, row.direct, direct[i])?;
                    agrees("unknown", i, row.unknown, unknown[i])?;
                    if row.loss > 0.0 {
                        let p = row.path.as_ref();
                        prop_assert!(p.is_some(), "n{} has no path", i);
                        let last = *p.unwrap().nodes.last().unwrap();
                        prop_assert!(
                            to.contains(&last),
                            "n{}'s path ends at {}",
                            i,
                            g.node_key(last)
                        );
                    }
                }
                Ok(())
            },
        )
        .unwrap();
}

/// Loss under hits and cut rules, by the definition of *Cuts*: a value per
/// (node, context), a context being the set of rules whose consumer side
/// holds the consumer; a free node takes the context that reaches it, a
/// placed one its own.
fn naive_cuts(r: &Run<'_>, hits: &Hits, cuts: &[CutRule], depth: Option<u32>) -> Vec<f64> {
    let g = r.g;
    let n = g.node_count();
    let m = 1usize << cuts.len();
    let arcs: Vec<Arcs> = g.nodes().map(|u| arcs_of(r, u)).collect();
    let view = View::full();
    let placer = Placer::new(g, &view, &r.facts);
    let free: Vec<bool> = g.nodes().map(|u| placer.is_free(u)).collect();
    let home = |u: usize| -> usize {
        (0..cuts.len())
            .filter(|&k| cuts[k].consumer.contains(NodeId::from_index(u)))
            .fold(0, |c, k| c | (1 << k))
    };
    let at = |v: usize, c: usize| if free[v] { v * m + c } else { v * m + home(v) };
    let is_cut = |v: NodeId, c: usize| {
        (0..cuts.len()).any(|k| c & (1 << k) != 0 && cuts[k].provider.contains(v))
    };
    let s = |u: usize| hits.severity(NodeId::from_index(u));
    let mut x: Vec<f64> = (0..n * m).map(|i| s(i / m)).collect();
    let mut big_r = x.clone();
    for _ in 0..depth.unwrap_or(200_000) {
        let mut nx = vec![0.0; n * m];
        let mut nr = vec![0.0; n * m];
        for (u, a) in arcs.iter().enumerate() {
            for c in 0..m {
                let term = |v: NodeId, w: f64, x: &[f64]| {
                    if is_cut(v, c) {
                        w
                    } else {
                        w * x[at(v.index(), c)]
                    }
                };
                let mut reqv: f64 = 0.0;
                for (rq, ess, own) in &a.reqs {
                    let need = if is_cut(*rq, c) {
                        1.0
                    } else {
                        match own {
                            None => x[at(rq.index(), c)],
                            Some((own, _)) => big_r[at(rq.index(), c)]
                                .max(own.iter().map(|(v, w)| term(*v, *w, &x)).sum::<f64>()),
                        }
                    };
                    reqv = reqv.max(ess * need);
                }
                let gv: f64 = a.general.iter().map(|(v, w)| term(*v, *w, &x)).sum();
                (nx[u * m + c], nr[u * m + c]) = step(s(u), gv, reqv);
            }
        }
        let change = moved(&nx, &x, &nr, &big_r);
        x = nx;
        big_r = nr;
        if depth.is_none() && change < 1e-15 {
            break;
        }
    }
    (0..n)
        .map(|u| x[if free[u] { u * m } else { u * m + home(u) }])
        .collect()
}

#[test]
fn cuts_agree_with_naive_contexts() {
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(256));
    runner
        .run(
            &(
                proptest::collection::vec((0u8..6, 0usize..10, 0usize..10, 0u8..12), 0..30),
                proptest::collection::vec((0usize..2, 0usize..2), 1..3),
                proptest::option::of(0usize..10),
                proptest::option::of(1u32..5),
            ),
            |(spec, rules, hit, depth)| {
                let g = graph(10, &spec);
                let r = Run::new(&g);
                let cuts = cut_rules(&g, &r, &rules);
                let hits = match hit {
                    Some(h) => r.hits(&[NodeId::from_index(h)], By::Territory, 0.5),
                    None => Hits::new(g.node_count()),
                };
                let all: Vec<NodeId> = g.nodes().collect();
                let rows = r.rows(&all, &hits, depth, &cuts);
                let want = naive_cuts(&r, &hits, &cuts, depth);
                for row in &rows {
                    let i = row.node.index();
                    agrees("loss", i, row.loss, want[i])?;
                    if row.loss > 0.0 {
                        prop_assert!(row.path.is_some(), "n{} has no path", i);
                    }
                }
                Ok(())
            },
        )
        .unwrap();
}

/// `systemic_scores` (one system for every candidate, pushes bracketed by
/// a steps bound, pruned to the top K) against one naive fixed point per
/// candidate: each node alone and each nation with its territory closure
/// (partial shares give partial severities), weighted rows.
#[test]
fn systemic_scores_agree_with_one_fixed_point_per_candidate() {
    use super::super::systemic::{Pins, systemic_scores};
    let cases = 192;
    let bounded = std::cell::Cell::new(0u32);
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(cases));
    runner
        .run(
            &(
                proptest::collection::vec((0u8..6, 0usize..10, 0usize..10, 0u8..12), 0..30),
                proptest::collection::vec(
                    (0usize..10, prop_oneof![Just(1.0), Just(0.5), Just(2.0)]),
                    1..6,
                ),
                proptest::option::of(0usize..4),
            ),
            |(spec, rows, top)| {
                let g = graph(10, &spec);
                let r = Run::new(&g);
                let mut rows: Vec<(NodeId, f64)> = rows
                    .into_iter()
                    .map(|(i, w)| (NodeId::from_index(i), w))
                    .collect();
                rows.sort_by_key(|r| r.0);
                rows.dedup_by_key(|r| r.0);
                let total: f64 = rows.iter().map(|r| r.1).sum();
                let mut cands: Vec<Pins> = g.nodes().map(|v| vec![(v, 1.0)]).collect();
                let mut hits_of: Vec<Hits> = g
                    .nodes()
                    .map(|v| {
                        let mut h = Hits::new(g.node_count());
                        h.hit_alone(v);
                        h
                    })
                    .collect();
                for nation in (0..10).step_by(5).map(NodeId::from_index) {
                    let h = r.hits(&[nation], By::Territory, 1.0);
                    cands.push(h.nodes.iter().map(|&n| (n, h.severity(n))).collect());
                    hits_of.push(h);
                }
                let got = systemic_scores(
                    &g,
                    &View::full(),
                    &r.facts,
                    &r.spec,
                    &rows,
                    &cands,
                    top,
                    &Work::unlimited(),
                )
                .unwrap();
                let Some(got) = got else {
                    return Ok(());
                };
                bounded.set(bounded.get() + 1);
                let want: Vec<f64> = hits_of
                    .iter()
                    .map(|h| {
                        let (loss, _) = naive(&r, h, None);
                        rows.iter().map(|&(a, w)| w * loss[a.index()]).sum::<f64>() / total
                    })
                    .collect();
                let mut sorted = want.clone();
                sorted.sort_by(|a, b| b.total_cmp(a));
                for (c, (got, want)) in got.iter().zip(&want).enumerate() {
                    match got {
                        Some(s) => {
                            prop_assert!((s - want).abs() < 1e-9, "candidate {c}: {s} vs {want}")
                        }
                        // Left out only when it cannot be among the top K.
                        None => {
                            let k = top.unwrap_or(usize::MAX);
                            prop_assert!(
                                k < sorted.len() && (k == 0 || *want < sorted[k - 1] + 1e-9),
                                "candidate {c} ({want}) left out of the top {k}: {sorted:?}"
                            );
                        }
                    }
                }
                Ok(())
            },
        )
        .unwrap();
    // Most random graphs have a steps bound (no walk going on forever).
    assert!(
        bounded.get() > cases / 3,
        "only {} of {cases} bounded",
        bounded.get()
    );
}

/// Only the first `k` rows get their paths (the rest are past a result's
/// row limit): the rows, their order and their numbers are the same, and
/// so are the paths they get.
#[test]
fn paths_for_the_first_rows_only() {
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(256));
    runner
        .run(
            &(
                proptest::collection::vec((0u8..6, 0usize..10, 0usize..10, 0u8..12), 0..30),
                proptest::collection::vec(0usize..10, 1..3),
                any::<bool>(),
                proptest::option::of(1u32..4),
                0usize..12,
                proptest::option::of((0usize..2, 0usize..2)),
            ),
            |(spec, targets, sources_only, depth, k, rule)| {
                let g = graph(10, &only_sources(spec, sources_only));
                let r = Run::new(&g);
                let to: Vec<NodeId> = targets.iter().map(|&i| NodeId::from_index(i)).collect();
                let hits = r.hits(&to, By::Territory, 1.0);
                // A cut rule puts rows in contexts of their own.
                let cuts = cut_rules(&g, &r, rule.as_slice());
                let all: Vec<NodeId> = g.nodes().collect();
                let whole = r.rows(&all, &hits, depth, &cuts);
                let first = r.rows_with_paths(&all, &hits, depth, &cuts, k);
                prop_assert_eq!(whole.len(), first.len());
                for (i, (w, f)) in whole.iter().zip(&first).enumerate() {
                    prop_assert_eq!(w.node, f.node);
                    prop_assert_eq!(w.loss.to_bits(), f.loss.to_bits());
                    prop_assert_eq!(w.direct.to_bits(), f.direct.to_bits());
                    prop_assert_eq!(w.unknown.to_bits(), f.unknown.to_bits());
                    if i < k {
                        prop_assert_eq!(&w.path, &f.path, "row {}", i);
                        prop_assert_eq!(w.cut, f.cut);
                    } else {
                        prop_assert!(f.path.is_none() && f.cut.is_none(), "row {}", i);
                    }
                }
                Ok(())
            },
        )
        .unwrap();
}
