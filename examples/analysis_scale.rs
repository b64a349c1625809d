//! Measures the dependency analyses on synthetic graphs of 1M nodes and
//! 10M edges, built in-process: a tiered supply chain (10 tiers of firms,
//! each firm depending on 10 firms of the next tier, a fifth of them written
//! as reverse `SUPPLIES` edges, half the firms giving shares), a fraction of
//! the dependencies answered by a small back-dependency (2-cycles), one ring
//! of 400 firms (a cycle too large for the dense solver), and every firm
//! `LOCATED_IN` one of 50 nations.
//!
//! Two runs: 0.1% back-dependencies (the 2-cycles stay small strongly
//! connected components), then 1% (they chain through the tiers into one
//! giant component of about half the graph: the stress case).
//!
//! With `FAULTLINE_REQUIREMENTS=1` in the environment, 30% of the consumers
//! turn 2 to 5 of their arcs into `REQUIRES` (mode `requirement`): the
//! model v2's policy iteration instead of v1's linear system.
//!
//! Run: `cargo run --release --example analysis_scale [-- BACK_FRACTION]`
#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::time::Instant;

use indexmap::IndexMap;

use faultline::analysis::{
    ArcSpec, By, Hits, LossQuery, Placer, View, chokepoints, exposure, loss, upstream,
};
use faultline::limits::Work;
use faultline::model::{
    Direction, EdgeTypeDef, GraphBuilder, Mode, ModelFacts, NodeId, PropKey, Role, Schema, Value,
};

const NATIONS: usize = 50;
const TIERS: usize = 10;
const PER_TIER: usize = 99_995;
const FANOUT: usize = 10;
const RING: usize = 400;

/// splitmix64: a tiny deterministic generator, so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// CPU seconds this process has used (user + system): the machine may be
/// shared, so wall-clock times alone would mislead.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses).
    let rest = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

/// Wall and CPU time since `(wall, cpu)`.
fn since(start: (Instant, f64)) -> String {
    format!(
        "{:.2?} wall, {:.2}s CPU",
        start.0.elapsed(),
        cpu_seconds() - start.1
    )
}

fn now() -> (Instant, f64) {
    (Instant::now(), cpu_seconds())
}

fn peak_rss_mb() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(|l| l.split_whitespace().nth(1).unwrap_or("?").to_string())
        })
        .and_then(|kb| kb.parse::<u64>().ok())
        .map_or("?".to_string(), |kb| format!("{} MB", kb / 1024))
}

fn main() {
    let fractions: Vec<f64> = match std::env::args().nth(1) {
        Some(a) => vec![a.parse().expect("BACK_FRACTION is a number, e.g. 0.001")],
        None => vec![0.001, 0.01],
    };
    for back in fractions {
        run(back);
    }
}

fn run(back: f64) {
    println!("== back-dependency fraction {back}");
    let t0 = Instant::now();
    let mut edges = IndexMap::new();
    let def = |role, direction| EdgeTypeDef {
        role,
        direction,
        ..EdgeTypeDef::default()
    };
    edges.insert(
        "DEPENDS_ON".to_string(),
        def(Role::Dependency, Direction::Forward),
    );
    edges.insert(
        "SUPPLIES".to_string(),
        def(Role::Dependency, Direction::Reverse),
    );
    edges.insert(
        "LOCATED_IN".to_string(),
        def(Role::Membership, Direction::Forward),
    );
    // Declared only when used: a schema with a requirement type keeps the
    // model off v1's fast path even where no edge has that type.
    let requirements = std::env::var_os("FAULTLINE_REQUIREMENTS").is_some();
    if requirements {
        edges.insert(
            "REQUIRES".to_string(),
            EdgeTypeDef {
                mode: Some(Mode::Requirement),
                ..def(Role::Dependency, Direction::Forward)
            },
        );
    }
    let mut b = GraphBuilder::new();
    b.set_schema(Schema {
        kinds: IndexMap::new(),
        edges,
    });
    let (nation_kind, firm_kind) = (b.kind("Nation"), b.kind("Firm"));
    let (dep, sup, loc, req) = (
        b.edge_type("DEPENDS_ON"),
        b.edge_type("SUPPLIES"),
        b.edge_type("LOCATED_IN"),
        b.edge_type("REQUIRES"),
    );
    let share: PropKey = b.prop_key("share");
    let mut rng = Rng(42);
    let nations: Vec<NodeId> = (0..NATIONS)
        .map(|i| {
            b.add_node(
                &format!("nation{i}"),
                nation_kind,
                &format!("Nation {i}"),
                Vec::new(),
                [],
            )
            .unwrap()
        })
        .collect();
    let mut tiers: Vec<Vec<NodeId>> = Vec::new();
    for t in 0..TIERS {
        let tier = (0..PER_TIER)
            .map(|i| {
                b.add_node(
                    &format!("f{t}-{i}"),
                    firm_kind,
                    &format!("Firm {t}-{i}"),
                    Vec::new(),
                    [],
                )
                .unwrap()
            })
            .collect();
        tiers.push(tier);
    }
    for tier in &tiers {
        for &f in tier {
            // A skew: nations 0..5 host 40% of the firms.
            let n = if rng.unit() < 0.4 {
                rng.below(5)
            } else {
                rng.below(NATIONS)
            };
            b.add_edge(f, nations[n], loc, []);
        }
    }
    let add_dep = |b: &mut GraphBuilder,
                   rng: &mut Rng,
                   consumer: NodeId,
                   provider: NodeId,
                   s: Option<f64>| {
        let props: Vec<(PropKey, Value)> =
            s.map(|s| (share, Value::Float(s))).into_iter().collect();
        if rng.unit() < 0.2 {
            b.add_edge(provider, consumer, sup, props);
        } else {
            b.add_edge(consumer, provider, dep, props);
        }
    };
    for t in 0..TIERS - 1 {
        for i in 0..PER_TIER {
            let consumer = tiers[t][i];
            let with_shares = rng.unit() < 0.5;
            let required = if requirements && rng.unit() < 0.3 {
                2 + rng.below(4)
            } else {
                0
            };
            for k in 0..FANOUT {
                let provider = tiers[t + 1][rng.below(PER_TIER)];
                if k >= FANOUT - required {
                    b.add_edge(consumer, provider, req, []);
                    continue;
                }
                let s = (with_shares && k < 6).then(|| 0.05 + 0.1 * rng.unit());
                add_dep(&mut b, &mut rng, consumer, provider, s);
                if rng.unit() < back {
                    add_dep(&mut b, &mut rng, provider, consumer, Some(0.05));
                }
            }
        }
    }
    let ring = &tiers[5][..RING];
    for i in 0..RING {
        add_dep(&mut b, &mut rng, ring[i], ring[(i + 1) % RING], Some(0.1));
    }
    let built = t0.elapsed();
    let g = b.finish();
    println!(
        "graph: {} nodes, {} edges; generated in {:.2?}, indexed in {:.2?}; peak RSS {}",
        g.node_count(),
        g.edge_count(),
        built,
        t0.elapsed() - built,
        peak_rss_mb()
    );

    let view = View::full();
    let arcs = ArcSpec::new(&g, None);
    let firms: Vec<NodeId> = tiers.iter().flatten().copied().collect();

    let work = Work::unlimited();
    let t = now();
    let rows = exposure(&g, &view, &arcs, &firms, &nations[..1], None, &work).unwrap();
    let e = since(t);
    let exposed = rows.iter().filter(|r| r.total > 0.0).count();
    let mean: f64 = rows.iter().map(|r| r.total).sum::<f64>() / rows.len() as f64;
    println!(
        "exposure of all {} firms to {}: {} ({} rows, {} exposed, mean total {:.4}, work {}); peak RSS {}",
        firms.len(),
        g.node_name(nations[0]),
        e,
        rows.len(),
        exposed,
        mean,
        work.used(),
        peak_rss_mb()
    );
    // The dependency model v2 on the same question (all arcs sources: v1's
    // system, plus `unknown` on a second thread and the membership chains).
    let facts = ModelFacts::new(&g);
    // Every row's path, or only those of the rows the CLI shows (its
    // default row limit: `exposure` makes paths for those alone).
    for (unknown, paths) in [(false, usize::MAX), (true, usize::MAX), (true, 10_000)] {
        let work = Work::unlimited();
        let t = now();
        let mut hits = Hits::new(g.node_count());
        Placer::new(&g, &view, &facts)
            .closure(&[(nations[0], 1.0, None)], By::Territory, &mut hits, &work)
            .unwrap();
        println!("  closure: {} ({} hit)", since(t), hits.nodes.len());
        let q = LossQuery {
            arcs: &arcs,
            depth: None,
            by_share: false,
            cuts: &[],
            unknown,
            unknown_cache: None,
            paths,
            substituted_from: None,
        };
        let v2 = loss(&g, &view, &facts, &q, &firms, &hits, &work)
            .unwrap()
            .rows;
        let e = since(t);
        let same = v2.len() == rows.len()
            && v2
                .iter()
                .zip(&rows)
                .all(|(a, b)| a.node == b.node && a.loss == b.total);
        println!(
            "v2 loss of all firms to {} (unknown {}, paths for {}): {} ({} rows, loss == v1 total: {same}, work {}); peak RSS {}",
            g.node_name(nations[0]),
            if unknown { "on" } else { "off" },
            if paths == usize::MAX {
                "all rows".to_string()
            } else {
                format!("the first {paths}")
            },
            e,
            v2.len(),
            work.used(),
            peak_rss_mb()
        );
    }
    let top = &rows[rows.iter().position(|r| r.total < 1.0).unwrap_or(0)];
    println!(
        "  highest outside T: {} direct {:.4} total {:.4} path {} hops",
        g.node_name(top.node),
        top.direct,
        top.total,
        top.path.as_ref().map_or(0, |p| p.len())
    );

    let work = Work::unlimited();
    let t = now();
    let one = exposure(
        &g,
        &view,
        &arcs,
        &tiers[0][..1],
        &nations[..1],
        Some(4),
        &work,
    )
    .unwrap();
    println!(
        "exposure of one firm, depth 4: {} (total {:.4})",
        since(t),
        one[0].total
    );
    let work = Work::unlimited();
    let t = now();
    let one = exposure(&g, &view, &arcs, &tiers[0][..1], &nations[..1], None, &work).unwrap();
    println!(
        "exposure of one firm, unbounded: {} (total {:.4}, work {})",
        since(t),
        one[0].total,
        work.used()
    );

    for tier in [5, 4] {
        let firm = tiers[tier][RING + 7];
        let work = Work::unlimited();
        let t = now();
        let up = upstream(&g, &view, &arcs, &[firm], None, &work).unwrap();
        let u = since(t);
        let work = Work::unlimited();
        let t = now();
        let cp = chokepoints(&g, &view, &arcs, &[firm], Some(10), &work).unwrap();
        println!(
            "chokepoints of {} (tier {tier}, upstream {} nodes; upstream took {}): {}, top {} {:.4}, work {}",
            g.node_name(firm),
            up.len(),
            u,
            since(t),
            g.node_name(cp[0].node),
            cp[0].score,
            work.used()
        );
    }
    let firm = ring[3];
    let work = Work::unlimited();
    let t = now();
    let cp = chokepoints(&g, &view, &arcs, &[firm], Some(10), &work).unwrap();
    let e = since(t);
    let up = upstream(&g, &view, &arcs, &[firm], None, &Work::unlimited()).unwrap();
    println!(
        "chokepoints of {} (on the 400-firm ring, upstream {} nodes): {}, top {} {:.4}, work {}",
        g.node_name(firm),
        up.len(),
        e,
        g.node_name(cp[0].node),
        cp[0].score,
        work.used()
    );
    println!("peak RSS {}", peak_rss_mb());
}
