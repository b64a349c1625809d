//! Criterion benchmarks: the load, the seven benchmark queries (Q1-Q7 of
//! `benches/bench.fql`) and the fixed points' variants on generated graphs. `cargo bench` runs the small
//! (10k nodes / 50k edges) and medium (100k / 1M) graphs; under
//! `cargo test --all-targets` each benchmark runs once on the small graph.
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

fn dataset(root: &Path, name: &str, nodes: usize, edges: usize) -> PathBuf {
    let out = root.join(name);
    generator::generate(&generator::Args {
        nodes,
        edges,
        out: out.clone(),
        seed: 42,
        validity: 0,
        requirements: 0,
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

fn bench_size(c: &mut Criterion, root: &Path, name: &str, nodes: usize, edges: usize) {
    let dir = dataset(root, name, nodes, edges);
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
    let named = QUERIES
        .iter()
        .enumerate()
        .map(|(i, q)| (format!("Q{}", i + 1), *q))
        .chain(FIXED_POINTS.iter().map(|(n, q)| (n.to_string(), *q)));
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
    bench_size(c, root.path(), "small", 10_000, 50_000);
    // `cargo bench` passes --bench; a test run stays on the small graph.
    if std::env::args().any(|a| a == "--bench") {
        bench_size(c, root.path(), "medium", 100_000, 1_000_000);
    }
}

criterion_group!(group, benches);
criterion_main!(group);
