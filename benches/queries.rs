//! Criterion benchmarks: the load, the seven benchmark queries (Q1-Q7 of
//! `benches/bench.fql`) and the fixed points' variants on generated graphs,
//! the fixed points also with requirement arcs (the model v2's requirement
//! mode, `gen --requirements 300`). `cargo bench` runs the small (10k nodes
//! / 50k edges) and medium (100k / 1M) graphs; under `cargo test
//! --all-targets` each benchmark runs once on the small graphs.
//! The cross-engine comparison is `benches/compare.sh` (see BENCHMARKS.md).

#![allow(clippy::panic)] // a failed setup fails the benchmark run

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use faultline::load::{LoadOptions, load};
use faultline::model::Value;
use faultline::session::Session;

#[path = "../examples/gen.rs"]
#[allow(dead_code)] // the generator's `main` is not used here
mod generator;

const QUERIES: [&str; 7] = [
    "match (s {id: $s})-[:SUPPLIES*1..3]->(b:Firm) return count(distinct b)",
    "match (s {id: $s})-[:SUPPLIES*]->(b:Firm) return count(distinct b)",
    "path from $s to $t via SUPPLIES",
    "match (x:Nation {id: $nation})<-[:LOCATED_IN]-(f:Firm)-[:SUPPLIES*1..4]->(g:Firm)-[:LOCATED_IN]->(y:Nation) where y <> x return count(distinct g)",
    "match (f:Firm)-[:LOCATED_IN]->(n:Nation) where degree(f, \"SUPPLIES\") > $k return n.name, count(*) order by n.name",
    "exposure of (f:Firm) to $nation top 10",
    "chokepoints of $s excluding members top 10",
];

/// The fixed points of issue 19 (GMRES, certified brackets, candidates
/// two at a time): exposure of every firm (the whole answer, not its top),
/// chokepoints with more candidates to score than Q7's.
const FIXED_POINTS: [(&str, &str); 3] = [
    ("exposure-all", "exposure of (f:Firm) to $nation"),
    ("chokepoints-top10", "chokepoints of $s top 10"),
    ("chokepoints-top30", "chokepoints of $s top 30"),
];

/// The fixed points timed with requirement arcs.
const REQUIREMENT_POINTS: [(&str, &str); 3] = [
    ("exposure-all", "exposure of (f:Firm) to $nation"),
    ("chokepoints-top10", "chokepoints of $s top 10"),
    ("systemic-top20", "chokepoints of (f:Firm) top 20"),
];

fn dataset(root: &Path, name: &str, nodes: usize, edges: usize, requirements: u64) -> PathBuf {
    let out = root.join(name);
    generator::generate(&generator::Args {
        nodes,
        edges,
        out: out.clone(),
        seed: 42,
        validity: 0,
        requirements,
    })
    .unwrap_or_else(|e| panic!("generating {name}: {e}"));
    out
}

fn params(dir: &Path) -> HashMap<String, String> {
    std::fs::read_to_string(dir.join("params.txt"))
        .expect("the generator writes params.txt")
        .lines()
        .filter_map(|l| {
            l.split_once('=')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        })
        .collect()
}

/// Benchmarks one generated graph: with `requirements` (per mille of
/// firms with `REQUIRES` arcs, `gen --requirements`), the model v2's
/// requirement mode, the fixed points only (`REQUIREMENT_POINTS`).
fn bench_size(
    c: &mut Criterion,
    root: &Path,
    name: &str,
    (nodes, edges): (usize, usize),
    requirements: u64,
) {
    let dir = dataset(root, name, nodes, edges, requirements);
    let mut group = c.benchmark_group(name);
    group.sample_size(10);
    group.bench_function("load", |b| {
        b.iter(|| {
            load(std::slice::from_ref(&dir), &LoadOptions::default())
                .expect("the generated graph loads")
        })
    });
    let graph = load(std::slice::from_ref(&dir), &LoadOptions::default())
        .expect("the generated graph loads")
        .graph;
    let mut session = Session::new(graph);
    session.settings.budget = u64::MAX;
    for (k, v) in params(&dir) {
        let value = v
            .parse::<i64>()
            .map(Value::Int)
            .unwrap_or_else(|_| Value::str(&v));
        session
            .set_param(&k, value)
            .expect("parameter names are valid");
    }
    // With requirements: exposure, and chokepoints by pushes from each
    // candidate (`analysis::loss::systemic`); every firm's systemic risk
    // over all firms takes about 1.2 s on the small graph and over a minute
    // on the medium one, so the medium graph times exposure only.
    let small = nodes <= 10_000;
    let (queries, fixed): (&[&str], &[(&str, &str)]) = match (requirements > 0, small) {
        (true, true) => (&[], &REQUIREMENT_POINTS),
        (true, false) => (&[], &REQUIREMENT_POINTS[..1]),
        (false, _) => (&QUERIES, &FIXED_POINTS),
    };
    let named = queries
        .iter()
        .enumerate()
        .map(|(i, q)| (format!("Q{}", i + 1), *q))
        .chain(fixed.iter().map(|(n, q)| (n.to_string(), *q)));
    for (name, q) in named {
        group.bench_function(&name, |b| {
            b.iter(|| {
                let outcomes = session.execute(q, false);
                assert!(outcomes.iter().all(|o| o.result.is_ok()), "{name} failed");
            })
        });
    }
    group.finish();
}

fn benches(c: &mut Criterion) {
    let root = tempfile::tempdir().expect("temp dir");
    bench_size(c, root.path(), "small", (10_000, 50_000), 0);
    // 30% of the firms with 2-5 requirements (issue 19's v2 workload).
    bench_size(c, root.path(), "small-requirements", (10_000, 50_000), 300);
    // `cargo bench` passes --bench; a test run stays on the small graphs.
    if std::env::args().any(|a| a == "--bench") {
        bench_size(c, root.path(), "medium", (100_000, 1_000_000), 0);
        bench_size(
            c,
            root.path(),
            "medium-requirements",
            (100_000, 1_000_000),
            300,
        );
    }
}

criterion_group!(group, benches);
criterion_main!(group);
