//! Synthetic supply-chain workload generator for the benchmarks.
//!
//! ```text
//! cargo run --release --example gen -- --nodes N --edges M --out DIR [--seed S] [--validity PERMILLE]
//!     [--requirements PERMILLE]
//! ```
//!
//! `--validity 100` gives about one `SUPPLIES` edge in ten a validity
//! interval (`valid_from` / `valid_to`, time.md), drawn from a PRNG of its
//! own so the graph is otherwise the same as without it.
//!
//! `--requirements 300` gives 30% of the firms past tier 0 two to five
//! `REQUIRES` arcs to firms of the tier before (dependency-model.md's
//! requirement mode), and about half of those inputs the firm's own sources
//! (`SUPPLIES` with `input`), on top of the `--edges` asked for; also drawn
//! from a PRNG of its own.
//!
//! Writes a data set in the Faultline data format (`DIR/schema.toml`,
//! `DIR/nodes/*.csv`, `DIR/edges/*.csv`) and `DIR/params.txt` with query
//! parameters (`s`, `t`, `nation`, `k`) chosen for the benchmark queries.
//!
//! The graph: about 200 nations, a few hundred policies, sectors and risks,
//! the rest firms. Every firm is `LOCATED_IN` one nation and `IN_SECTOR` one
//! sector. Firms sit in tiers; each firm (the customer) gets a handful of
//! `SUPPLIES` edges from suppliers chosen with a power law inside a tier
//! (so a few suppliers are hubs): mostly from the previous tier, some from
//! its own tier, a few from anywhere (so the graph has cycles). The shares
//! of a customer's incoming edges sum to at most 1; about one edge in ten has
//! no share. Policies `TARGETS` and risks `AFFECTS` nations and sectors.
//!
//! The output is a pure function of the arguments (the PRNG is inline
//! splitmix64), and the large size (1M nodes, 10M edges) is written in a few
//! seconds.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line tool: it reports on the terminal"
)]

use std::collections::VecDeque;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Number of firm tiers; tier 0 are raw-material suppliers.
const TIERS: usize = 6;
/// Share of a customer's suppliers drawn from the previous tier (per mille).
const NEXT_TIER_PERMILLE: u64 = 800;
/// Share drawn from the customer's own tier (per mille); the rest is "anywhere".
const SAME_TIER_PERMILLE: u64 = 150;
/// Share of SUPPLIES edges written without a `share` (per mille).
const NO_SHARE_PERMILLE: u64 = 100;

/// splitmix64: tiny, fast, and good enough for a workload generator.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0); the multiply-shift bias is negligible here.
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Power-law rank in `0..n`: `floor(n * u^gamma)`, so rank r is drawn
    /// with density proportional to r^(1/gamma - 1) (low ranks are hubs).
    fn power_rank(&mut self, n: usize, gamma: f64) -> usize {
        ((n as f64) * self.unit().powf(gamma)).min((n - 1) as f64) as usize
    }

    fn permille(&mut self) -> u64 {
        self.next_u64() % 1000
    }
}

/// Command-line arguments.
/// What to generate (also used by `benches/queries.rs`, which includes this file).
pub struct Args {
    /// Total nodes.
    pub nodes: usize,
    /// Total edges (about).
    pub edges: usize,
    /// The output directory.
    pub out: PathBuf,
    /// The PRNG seed.
    pub seed: u64,
    /// Per mille of SUPPLIES edges with a validity interval (0: none, and
    /// no validity columns).
    pub validity: u64,
    /// Per mille of firms (past tier 0) that also get 2 to 5 `REQUIRES`
    /// arcs and, for about half of those, their own sources of the input
    /// (`SUPPLIES` with `input`) (0: none, and the schema declares neither).
    pub requirements: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut nodes = None;
    let mut edges = None;
    let mut out = None;
    let mut seed = 42u64;
    let mut validity = 0u64;
    let mut requirements = 0u64;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} expects a value"));
        match flag.as_str() {
            "--nodes" => nodes = Some(parse_count("--nodes", &value("--nodes")?)?),
            "--edges" => edges = Some(parse_count("--edges", &value("--edges")?)?),
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            "--seed" => {
                let v = value("--seed")?;
                seed = v
                    .parse()
                    .map_err(|_| format!("--seed expects an unsigned integer, found {v:?}"))?;
            }
            "--validity" => {
                let v = value("--validity")?;
                validity = v.parse().ok().filter(|p| *p <= 1000).ok_or_else(|| {
                    format!("--validity expects a per mille 0..=1000, found {v:?}")
                })?;
            }
            "--requirements" => {
                let v = value("--requirements")?;
                requirements = v.parse().ok().filter(|p| *p <= 1000).ok_or_else(|| {
                    format!("--requirements expects a per mille 0..=1000, found {v:?}")
                })?;
            }
            "-h" | "--help" => return Err(usage()),
            other => return Err(format!("unknown argument {other:?}\n{}", usage())),
        }
    }
    match (nodes, edges, out) {
        (Some(nodes), Some(edges), Some(out)) => Ok(Args {
            nodes,
            edges,
            out,
            seed,
            validity,
            requirements,
        }),
        _ => Err(usage()),
    }
}

/// Accepts `10000`, `10_000`, `10k`, `1M`.
fn parse_count(flag: &str, text: &str) -> Result<usize, String> {
    let t = text.replace('_', "");
    let (digits, mult) = match t.chars().last() {
        Some('k' | 'K') => (&t[..t.len() - 1], 1_000),
        Some('m' | 'M') => (&t[..t.len() - 1], 1_000_000),
        _ => (t.as_str(), 1),
    };
    digits
        .parse::<usize>()
        .map(|n| n * mult)
        .map_err(|_| format!("{flag} expects a count like 10000, 10k or 1M, found {text:?}"))
}

fn usage() -> String {
    "usage: gen --nodes N --edges M --out DIR [--seed S] [--validity PERMILLE] [--requirements PERMILLE]".to_string()
}

/// How many nodes of each kind; firms are the rest.
struct Counts {
    nations: usize,
    policies: usize,
    sectors: usize,
    risks: usize,
    firms: usize,
}

impl Counts {
    fn for_nodes(n: usize) -> Result<Counts, String> {
        // Fixed counts at benchmark sizes; scaled down for tiny test graphs.
        let scaled = |full: usize| full.min(n / 50).max(1);
        let nations = scaled(200);
        let policies = scaled(300);
        let sectors = scaled(100);
        let risks = scaled(100);
        let others = nations + policies + sectors + risks;
        if n < others + TIERS * 4 {
            return Err(format!("--nodes {n} is too small (at least 100)"));
        }
        Ok(Counts {
            nations,
            policies,
            sectors,
            risks,
            firms: n - others,
        })
    }
}

/// A firm's tier: firms are numbered tier by tier.
struct Tiers {
    firms: usize,
}

impl Tiers {
    fn start(&self, tier: usize) -> usize {
        tier * self.firms / TIERS
    }
    fn len(&self, tier: usize) -> usize {
        self.start(tier + 1) - self.start(tier)
    }
    fn of(&self, firm: usize) -> usize {
        // start(t) = floor(t*F/T); find the last t with start(t) <= firm.
        let mut t = (firm * TIERS / self.firms).min(TIERS - 1);
        while t + 1 < TIERS && self.start(t + 1) <= firm {
            t += 1;
        }
        while self.start(t) > firm {
            t -= 1;
        }
        t
    }
}

fn create(path: &Path) -> io::Result<BufWriter<File>> {
    let file = File::create(path)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
    Ok(BufWriter::with_capacity(1 << 20, file))
}

/// Zero-padded display names, so sorting by name sorts by number.
fn width(n: usize) -> usize {
    n.saturating_sub(1).to_string().len()
}

const SCHEMA: &str = r#"# Synthetic supply-chain workload (examples/gen.rs).

[kinds.Nation]
[kinds.Policy]
[kinds.Sector]
[kinds.Risk]

[kinds.Firm]
props = { tier = "int" }

[edges.LOCATED_IN]
from = ["Firm"]
to = ["Nation"]
role = "membership"

[edges.IN_SECTOR]
from = ["Firm"]
to = ["Sector"]
role = "membership"

[edges.SUPPLIES]              # the supplier (from) supplies the customer (to)
from = ["Firm"]
to = ["Firm"]
role = "dependency"
direction = "reverse"
props = { share = "float" }

[edges.TARGETS]
from = ["Policy"]
to = ["Nation", "Sector"]
role = "impact"

[edges.AFFECTS]
from = ["Risk"]
to = ["Nation", "Sector"]
role = "impact"
"#;

/// Writes a node file of `count` nodes `{prefix}{i}` named `{label} {i:0w}`.
fn write_plain_nodes(
    path: &Path,
    kind: &str,
    prefix: &str,
    label: &str,
    count: usize,
) -> io::Result<()> {
    let mut w = create(path)?;
    writeln!(w, "id,kind,name")?;
    let wd = width(count);
    for i in 0..count {
        writeln!(w, "{prefix}{i},{kind},{label} {i:0wd$}")?;
    }
    w.flush()
}

/// Writes `from,to,type` edges from each policy/risk to 1..=3 distinct targets
/// (nations and sectors), split into one file per target kind.
fn write_impacts(
    dir: &Path,
    rng: &mut Rng,
    edge_type: &str,
    file_stem: &str,
    prefix: &str,
    sources: usize,
    counts: &Counts,
) -> io::Result<usize> {
    let mut to_nations = create(&dir.join(format!("{file_stem}_nations.csv")))?;
    let mut to_sectors = create(&dir.join(format!("{file_stem}_sectors.csv")))?;
    writeln!(to_nations, "from,to,type")?;
    writeln!(to_sectors, "from,to,type")?;
    let mut written = 0;
    for i in 0..sources {
        let n_targets = 1 + rng.below(3);
        let mut chosen: Vec<(bool, usize)> = Vec::with_capacity(n_targets);
        while chosen.len() < n_targets {
            let target = if rng.below(3) < 2 {
                (true, rng.power_rank(counts.nations, 2.0))
            } else {
                (false, rng.below(counts.sectors))
            };
            if !chosen.contains(&target) {
                chosen.push(target);
            }
            if chosen.len() >= counts.nations + counts.sectors {
                break;
            }
        }
        for (is_nation, j) in chosen {
            if is_nation {
                writeln!(to_nations, "{prefix}{i},N{j},{edge_type}")?;
            } else {
                writeln!(to_sectors, "{prefix}{i},S{j},{edge_type}")?;
            }
            written += 1;
        }
    }
    to_nations.flush()?;
    to_sectors.flush()?;
    Ok(written)
}

/// Picks `d` distinct suppliers for `customer` (never the customer itself).
fn pick_suppliers(rng: &mut Rng, tiers: &Tiers, customer: usize, d: usize, out: &mut Vec<usize>) {
    out.clear();
    let tier = tiers.of(customer);
    let mut attempts = 0;
    while out.len() < d {
        attempts += 1;
        let roll = rng.permille();
        let supplier = if attempts > 64 * d {
            // Hubs collide often; after many tries fall back to uniform.
            rng.below(tiers.firms)
        } else if roll < NEXT_TIER_PERMILLE && tier > 0 {
            tiers.start(tier - 1) + rng.power_rank(tiers.len(tier - 1), 2.0)
        } else if roll < NEXT_TIER_PERMILLE + SAME_TIER_PERMILLE {
            tiers.start(tier) + rng.power_rank(tiers.len(tier), 2.0)
        } else {
            rng.below(tiers.firms)
        };
        if supplier != customer && !out.contains(&supplier) {
            out.push(supplier);
        }
    }
}

/// Formats a share given in ten-thousandths (1..=10000) as `0.xxxx` or `1`.
fn write_share(w: &mut impl Write, units: u32) -> io::Result<()> {
    if units >= 10_000 {
        w.write_all(b"1")
    } else {
        write!(w, "0.{units:04}")
    }
}

/// Writes the SUPPLIES edges; returns them as (supplier, customer) pairs.
fn write_supplies(
    path: &Path,
    rng: &mut Rng,
    tiers: &Tiers,
    total: usize,
    validity: u64,
) -> io::Result<Vec<(u32, u32)>> {
    // Intervals come from a PRNG of their own: the graph is the same with or
    // without them.
    let mut dates = Rng(rng.0 ^ 0x5EED_DA7E);
    let firms = tiers.firms;
    // In-degree per customer: `base`, jittered in pairs so the sum stays
    // exact, plus one for `total % firms` customers spread evenly.
    let base = total / firms;
    let rem = total % firms;
    let max_d = (0..TIERS).map(|t| tiers.len(t)).min().unwrap_or(1) / 2;
    let mut degree: Vec<usize> = (0..firms)
        .map(|c| base + usize::from((c * rem) / firms != ((c + 1) * rem) / firms))
        .collect();
    for pair in degree.chunks_mut(2) {
        if let [a, b] = pair {
            let jitter = rng.below((*a).min(*b) / 2 + 1);
            *a += jitter;
            *b -= jitter;
        }
    }
    let mut edges = Vec::with_capacity(total);
    let mut w = create(path)?;
    if validity > 0 {
        writeln!(w, "from,to,type,share,valid_from,valid_to")?;
    } else {
        writeln!(w, "from,to,type,share")?;
    }
    let mut suppliers = Vec::new();
    let mut weights = Vec::new();
    for (customer, &d) in degree.iter().enumerate() {
        let d = d.min(max_d.max(1));
        pick_suppliers(rng, tiers, customer, d, &mut suppliers);
        // Weights normalised to a customer total in [0.6, 0.98]; floor to
        // 1/10000 so the written shares never sum above the total.
        let budget = 0.6 + 0.38 * rng.unit();
        weights.clear();
        weights.extend((0..d).map(|_| 0.05 + rng.unit()));
        let sum: f64 = weights.iter().sum();
        for (&supplier, &wgt) in suppliers.iter().zip(&weights) {
            write!(w, "F{supplier},F{customer},SUPPLIES,")?;
            if rng.permille() >= NO_SHARE_PERMILLE {
                let units = ((wgt / sum * budget * 10_000.0).floor() as u32).max(1);
                write_share(&mut w, units)?;
            }
            if validity > 0 {
                write_interval(&mut w, &mut dates, validity)?;
            }
            w.write_all(b"\n")?;
            edges.push((supplier as u32, customer as u32));
        }
    }
    w.flush()?;
    Ok(edges)
}

/// The model v2's requirement arcs (dependency-model.md): a firm past tier
/// 0 needs 2 to 5 firms of the tier before it (`REQUIRES`, Leontief), and
/// for about half of those inputs names its own sources: 1 or 2 other firms
/// of the input's tier (`SUPPLIES` with `input`, shares 0.3 to 0.5), which
/// replace the input's market-wide sources for that firm. Drawn from a PRNG
/// of its own, so the rest of the graph is the same with or without them.
/// Returns the number of each written.
fn write_requirements(dir: &Path, args: &Args, tiers: &Tiers) -> io::Result<(usize, usize)> {
    let mut rng = Rng(args.seed ^ 0x5EED_0001_2E90_1235);
    let mut req = create(&dir.join("requires.csv"))?;
    let mut inp = create(&dir.join("inputs.csv"))?;
    writeln!(req, "from,to,type")?;
    writeln!(inp, "from,to,type,share,input")?;
    let (mut requires, mut inputs) = (0, 0);
    let mut needed = Vec::new();
    for firm in tiers.start(1)..tiers.firms {
        if rng.permille() >= args.requirements {
            continue;
        }
        let before = tiers.of(firm) - 1;
        let (start, len) = (tiers.start(before), tiers.len(before));
        let count = (2 + rng.below(4)).min(len);
        needed.clear();
        while needed.len() < count {
            let r = start + rng.below(len);
            if !needed.contains(&r) {
                needed.push(r);
            }
        }
        for &r in &needed {
            writeln!(req, "F{firm},F{r},REQUIRES")?;
            requires += 1;
            if rng.unit() >= 0.5 || len < 3 {
                continue;
            }
            let mut last = r;
            for _ in 0..1 + rng.below(2) {
                let v = start + rng.below(len);
                if v == r || v == last {
                    continue;
                }
                last = v;
                let units = 3000 + rng.below(2001);
                write!(inp, "F{v},F{firm},SUPPLIES,")?;
                write_share(&mut inp, units as u32)?;
                writeln!(inp, ",F{r}")?;
                inputs += 1;
            }
        }
    }
    req.flush()?;
    inp.flush()?;
    Ok((requires, inputs))
}

/// The schema's requirement type, added with `--requirements`.
const REQUIRES_SCHEMA: &str = r#"
[edges.REQUIRES]              # the consumer (from) needs the provider (to)
from = ["Firm"]
to = ["Firm"]
role = "dependency"
mode = "requirement"
"#;

/// `,valid_from,valid_to` for one edge in `permille`: half start in
/// 2010..2024 and hold on, a third end in 2015..2024 (so they are hidden
/// today), the rest start and end; the others get two empty cells.
fn write_interval(w: &mut impl Write, rng: &mut Rng, permille: u64) -> io::Result<()> {
    if rng.permille() >= permille {
        return w.write_all(b",,");
    }
    let year = |rng: &mut Rng, from: usize| from + rng.below(15);
    let day = |rng: &mut Rng| (1 + rng.below(12), 1 + rng.below(28));
    match rng.below(6) {
        0..=2 => {
            let (m, d) = day(rng);
            write!(w, ",{}-{m:02}-{d:02},", year(rng, 2010))
        }
        3 | 4 => write!(w, ",,{}", 2015 + rng.below(10)),
        _ => {
            let from = year(rng, 2005);
            write!(w, ",{from},{}", from + 1 + rng.below(10))
        }
    }
}

/// Breadth-first distances (in hops) from `source` over `adj` (CSR).
fn bfs(offsets: &[usize], targets: &[u32], source: usize) -> Vec<u32> {
    let mut dist = vec![u32::MAX; offsets.len() - 1];
    let mut queue = VecDeque::new();
    dist[source] = 0;
    queue.push_back(source);
    while let Some(u) = queue.pop_front() {
        for &v in &targets[offsets[u]..offsets[u + 1]] {
            let v = v as usize;
            if dist[v] == u32::MAX {
                dist[v] = dist[u] + 1;
                queue.push_back(v);
            }
        }
    }
    dist
}

/// Chooses the query parameters from the generated graph.
fn choose_params(
    edges: &[(u32, u32)],
    tiers: &Tiers,
    firm_nation: &[u32],
    nations: usize,
) -> Vec<(&'static str, String)> {
    let firms = tiers.firms;
    let mut out_deg = vec![0usize; firms];
    let mut deg = vec![0usize; firms];
    for &(a, b) in edges {
        out_deg[a as usize] += 1;
        deg[a as usize] += 1;
        deg[b as usize] += 1;
    }
    // s: the tier-0 supplier with the most customers (first on ties).
    let s = (tiers.start(0)..tiers.start(1))
        .max_by_key(|&f| (out_deg[f], std::cmp::Reverse(f)))
        .unwrap_or(0);
    // t: the first tier-3 firm exactly 3 hops downstream of s (else any firm
    // 3 hops away, else the farthest reachable one).
    let mut offsets = vec![0usize; firms + 1];
    for &(a, _) in edges {
        offsets[a as usize + 1] += 1;
    }
    for i in 0..firms {
        offsets[i + 1] += offsets[i];
    }
    let mut fill = offsets.clone();
    let mut targets = vec![0u32; edges.len()];
    for &(a, b) in edges {
        targets[fill[a as usize]] = b;
        fill[a as usize] += 1;
    }
    let dist = bfs(&offsets, &targets, s);
    let t = (tiers.start(3.min(TIERS - 1))..firms)
        .chain(0..firms)
        .find(|&f| dist[f] == 3)
        .unwrap_or_else(|| {
            (0..firms)
                .filter(|&f| dist[f] != u32::MAX && f != s)
                .max_by_key(|&f| (dist[f], std::cmp::Reverse(f)))
                .unwrap_or(s)
        });
    // nation: the one with the most firms (the heaviest Q4 and Q6).
    let mut per_nation = vec![0usize; nations];
    for &n in firm_nation {
        per_nation[n as usize] += 1;
    }
    let nation = (0..nations)
        .max_by_key(|&n| (per_nation[n], std::cmp::Reverse(n)))
        .unwrap_or(0);
    // k: the 95th percentile of SUPPLIES degree, so ~5% of firms pass Q5.
    let mut sorted = deg.clone();
    sorted.sort_unstable();
    let k = sorted[(sorted.len() * 95 / 100).min(sorted.len() - 1)];
    vec![
        ("s", format!("F{s}")),
        ("t", format!("F{t}")),
        ("nation", format!("N{nation}")),
        ("k", k.to_string()),
    ]
}

/// Writes the data set and `params.txt`.
pub fn generate(args: &Args) -> Result<(), String> {
    let io_err = |e: io::Error| e.to_string();
    let counts = Counts::for_nodes(args.nodes)?;
    let firms = counts.firms;
    let tiers = Tiers { firms };
    let mut rng = Rng(args.seed ^ 0x5EED_F00D_D15C_0B01);

    let nodes_dir = args.out.join("nodes");
    let edges_dir = args.out.join("edges");
    for dir in [&nodes_dir, &edges_dir] {
        fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let schema = if args.requirements > 0 {
        let supplies = "direction = \"reverse\"\nprops = { share = \"float\" }";
        if !SCHEMA.contains(supplies) {
            return Err("internal: SUPPLIES is not declared as --requirements expects".into());
        }
        SCHEMA.replace(
            supplies,
            // A firm may also source an input from one of its suppliers:
            // a second, parallel arc.
            "direction = \"reverse\"\nmulti = true\nprops = { share = \"float\", input = \"string\" }",
        ) + REQUIRES_SCHEMA
    } else {
        SCHEMA.to_string()
    };
    fs::write(args.out.join("schema.toml"), schema).map_err(io_err)?;

    write_plain_nodes(
        &nodes_dir.join("nations.csv"),
        "Nation",
        "N",
        "Nation",
        counts.nations,
    )
    .map_err(io_err)?;
    write_plain_nodes(
        &nodes_dir.join("policies.csv"),
        "Policy",
        "P",
        "Policy",
        counts.policies,
    )
    .map_err(io_err)?;
    write_plain_nodes(
        &nodes_dir.join("sectors.csv"),
        "Sector",
        "S",
        "Sector",
        counts.sectors,
    )
    .map_err(io_err)?;
    write_plain_nodes(
        &nodes_dir.join("risks.csv"),
        "Risk",
        "R",
        "Risk",
        counts.risks,
    )
    .map_err(io_err)?;

    // Firms, with their nation (power law: a few nations host many firms)
    // and sector.
    let mut firm_nation = Vec::with_capacity(firms);
    {
        let mut w = create(&nodes_dir.join("firms.csv")).map_err(io_err)?;
        let mut located = create(&edges_dir.join("located_in.csv")).map_err(io_err)?;
        let mut in_sector = create(&edges_dir.join("in_sector.csv")).map_err(io_err)?;
        let wd = width(firms);
        writeln!(w, "id,kind,name,tier").map_err(io_err)?;
        writeln!(located, "from,to,type").map_err(io_err)?;
        writeln!(in_sector, "from,to,type").map_err(io_err)?;
        for f in 0..firms {
            let nation = rng.power_rank(counts.nations, 2.0);
            let sector = rng.power_rank(counts.sectors, 1.5);
            firm_nation.push(nation as u32);
            writeln!(w, "F{f},Firm,Firm {f:0wd$},{}", tiers.of(f)).map_err(io_err)?;
            writeln!(located, "F{f},N{nation},LOCATED_IN").map_err(io_err)?;
            writeln!(in_sector, "F{f},S{sector},IN_SECTOR").map_err(io_err)?;
        }
        for writer in [&mut w, &mut located, &mut in_sector] {
            writer.flush().map_err(io_err)?;
        }
    }

    let targets = write_impacts(
        &edges_dir,
        &mut rng,
        "TARGETS",
        "targets",
        "P",
        counts.policies,
        &counts,
    )
    .map_err(io_err)?;
    let affects = write_impacts(
        &edges_dir,
        &mut rng,
        "AFFECTS",
        "affects",
        "R",
        counts.risks,
        &counts,
    )
    .map_err(io_err)?;

    let fixed = 2 * firms + targets + affects;
    if args.edges <= fixed {
        return Err(format!(
            "--edges {} leaves no room for SUPPLIES edges: membership and impact edges alone are {fixed}",
            args.edges
        ));
    }
    let supplies_total = args.edges - fixed;
    let max_avg = (0..TIERS).map(|t| tiers.len(t)).min().unwrap_or(1) / 2;
    if supplies_total / firms >= max_avg {
        return Err(format!(
            "--edges {} is too dense for {} firms (at most about {} SUPPLIES edges per firm)",
            args.edges, firms, max_avg
        ));
    }
    let supplies = write_supplies(
        &edges_dir.join("supplies.csv"),
        &mut rng,
        &tiers,
        supplies_total,
        args.validity,
    )
    .map_err(io_err)?;

    let (requires, inputs) = if args.requirements > 0 {
        write_requirements(&edges_dir, args, &tiers).map_err(io_err)?
    } else {
        (0, 0)
    };

    let params = choose_params(&supplies, &tiers, &firm_nation, counts.nations);
    let mut text = String::new();
    for (name, value) in &params {
        text.push_str(&format!("{name}={value}\n"));
    }
    fs::write(args.out.join("params.txt"), text).map_err(io_err)?;

    println!(
        "nodes: {} ({} nations, {} policies, {} sectors, {} risks, {} firms in {} tiers)",
        args.nodes, counts.nations, counts.policies, counts.sectors, counts.risks, firms, TIERS
    );
    println!(
        "edges: {} ({} LOCATED_IN, {} IN_SECTOR, {} TARGETS, {} AFFECTS, {} SUPPLIES)",
        fixed + supplies.len(),
        firms,
        firms,
        targets,
        affects,
        supplies.len()
    );
    if args.requirements > 0 {
        println!("requirements: {requires} REQUIRES, {inputs} SUPPLIES with an input (on top)");
    }
    let shown: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    println!("params: {}", shown.join(" "));
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    match generate(&args) {
        Ok(()) => {
            println!(
                "wrote {} in {:.2} s",
                args.out.display(),
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(msg) => {
            eprintln!("gen: {msg}");
            ExitCode::FAILURE
        }
    }
}
