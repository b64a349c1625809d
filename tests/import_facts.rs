//! Facts read from the raw data, checked on the committed imported graph,
//! and the model's meaning checked with a small reference implementation of
//! the spec's exposure (query-language.md, *Dependency analysis*): arcs from
//! dependency edge types in their declared direction, share weights, the
//! target closure through membership and impact edges, the least fixed point.

#![allow(clippy::panic)] // tests report failures by panicking

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

fn graph_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("graph-data")
}

#[derive(Debug, Clone)]
struct Edge {
    from: String,
    to: String,
    ty: String,
    share: Option<f64>,
    /// Written by hand in graph-data/edges (not by an importer).
    curated: bool,
}

#[derive(Debug, Default)]
struct Graph {
    nodes: BTreeMap<String, BTreeMap<String, String>>,
    edges: Vec<Edge>,
    /// type -> (role, direction)
    types: HashMap<String, (String, String)>,
    imported: BTreeSet<String>,
}

fn csv_rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers: Vec<String> = r
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    r.records()
        .map(|rec| {
            let rec = rec.expect("valid row");
            headers
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

fn csv_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "csv"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn load() -> Graph {
    let root = graph_data();
    let dirs = [
        root.clone(),
        root.join("imported/eto"),
        root.join("imported/epoch"),
    ];
    let mut g = Graph::default();
    for (i, dir) in dirs.iter().enumerate() {
        let schema: toml::Table =
            toml::from_str(&std::fs::read_to_string(dir.join("schema.toml")).expect("schema"))
                .expect("valid schema");
        for (name, def) in schema["edges"].as_table().expect("edge table") {
            let role = def
                .get("role")
                .and_then(|v| v.as_str())
                .unwrap_or("other")
                .to_string();
            let dir = def
                .get("direction")
                .and_then(|v| v.as_str())
                .unwrap_or("forward")
                .to_string();
            g.types.insert(name.clone(), (role, dir));
        }
        for f in csv_in(&dir.join("nodes")) {
            for row in csv_rows(&f) {
                if i > 0 {
                    g.imported.insert(row["id"].clone());
                }
                g.nodes.insert(row["id"].clone(), row);
            }
        }
        for f in csv_in(&dir.join("edges")) {
            for row in csv_rows(&f) {
                let share = row
                    .get("share")
                    .filter(|s| !s.is_empty())
                    .map(|s| s.parse::<f64>().expect("float share"));
                g.edges.push(Edge {
                    from: row["from"].clone(),
                    to: row["to"].clone(),
                    ty: row["type"].clone(),
                    share,
                    curated: i == 0,
                });
            }
        }
    }
    g
}

impl Graph {
    fn role(&self, ty: &str) -> (&str, &str) {
        let (r, d) = &self.types[ty];
        (r.as_str(), d.as_str())
    }

    fn out(&self, from: &str, ty: &str) -> Vec<&Edge> {
        self.edges
            .iter()
            .filter(|e| e.from == from && e.ty == ty)
            .collect()
    }

    fn id_of(&self, name: &str) -> String {
        let hits: Vec<&String> = self
            .nodes
            .iter()
            .filter(|(_, n)| n["name"] == name)
            .map(|(id, _)| id)
            .collect();
        assert_eq!(hits.len(), 1, "exactly one node named '{name}': {hits:?}");
        hits[0].clone()
    }

    /// T(Y): Y, members (any depth) of T, and targets of impact edges from T.
    fn closure(&self, targets: &[&str]) -> BTreeSet<String> {
        let mut t: BTreeSet<String> = targets.iter().map(|s| s.to_string()).collect();
        loop {
            let before = t.len();
            for e in &self.edges {
                match self.role(&e.ty).0 {
                    "membership" if t.contains(&e.to) => {
                        t.insert(e.from.clone());
                    }
                    "impact" if t.contains(&e.from) => {
                        t.insert(e.to.clone());
                    }
                    _ => {}
                }
            }
            if t.len() == before {
                return t;
            }
        }
    }

    /// Weighted dependency arcs per consumer, restricted to `via` when given.
    fn arcs(&self, via: Option<&[&str]>) -> HashMap<String, Vec<(String, f64)>> {
        let mut raw: HashMap<String, Vec<(String, Option<f64>)>> = HashMap::new();
        for e in &self.edges {
            let (role, dir) = self.role(&e.ty);
            if role != "dependency" || via.is_some_and(|v| !v.contains(&e.ty.as_str())) {
                continue;
            }
            let (consumer, provider) = if dir == "reverse" {
                (&e.to, &e.from)
            } else {
                (&e.from, &e.to)
            };
            raw.entry(consumer.clone())
                .or_default()
                .push((provider.clone(), e.share));
        }
        raw.into_iter()
            .map(|(u, arcs)| {
                let s: f64 = arcs.iter().filter_map(|a| a.1).sum();
                let m = arcs.iter().filter(|a| a.1.is_none()).count();
                let scale = if s > 1.0 { 1.0 / s } else { 1.0 };
                let rest = if m > 0 {
                    (1.0 - s).max(0.0) / m as f64
                } else {
                    0.0
                };
                (
                    u,
                    arcs.into_iter()
                        .map(|(v, w)| (v, w.map_or(rest, |w| w * scale)))
                        .collect(),
                )
            })
            .collect()
    }

    /// total(u): the least fixed point of the exposure equations.
    fn exposure(&self, of: &str, to: &[&str], via: Option<&[&str]>) -> f64 {
        let t = self.closure(to);
        let arcs = self.arcs(via);
        // Only nodes reachable from `of` along arcs matter.
        let mut reach: BTreeSet<&str> = BTreeSet::new();
        let mut stack = vec![of];
        while let Some(u) = stack.pop() {
            if reach.insert(u) {
                stack.extend(arcs.get(u).into_iter().flatten().map(|(v, _)| v.as_str()));
            }
        }
        let mut total: HashMap<&str, f64> = HashMap::new();
        for _ in 0..200 {
            let mut next = HashMap::new();
            for (u, list) in reach.iter().filter_map(|u| arcs.get_key_value(*u)) {
                let v = if t.contains(u) {
                    1.0
                } else {
                    list.iter()
                        .map(|(p, w)| {
                            w * if t.contains(p) {
                                1.0
                            } else {
                                *total.get(p.as_str()).unwrap_or(&0.0)
                            }
                        })
                        .sum()
                };
                next.insert(u.as_str(), v);
            }
            total = next;
        }
        if t.contains(of) {
            1.0
        } else {
            *total.get(of).unwrap_or(&0.0)
        }
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn euv_tools_have_one_provider_asml_in_the_netherlands_at_100_percent() {
    let g = load();
    let euv = g.id_of("EUV lithography tools (ETO)");
    assert_eq!(g.nodes[&euv]["eto_id"], "N20");
    let firms: Vec<(&str, Option<f64>)> = g
        .out(&euv, "FIRM_SHARE")
        .iter()
        .map(|e| (e.to.as_str(), e.share))
        .collect();
    assert_eq!(firms, [("asml", Some(1.0))]);
    let nations: Vec<(&str, Option<f64>)> = g
        .out(&euv, "COUNTRY_SHARE")
        .iter()
        .map(|e| (e.to.as_str(), e.share))
        .collect();
    assert_eq!(nations, [("nl", Some(1.0))]);
    assert!(
        g.edges
            .iter()
            .any(|e| e.from == "asml" && e.to == "nl" && e.ty == "LOCATED_IN"),
        "curated: ASML is Dutch"
    );
    for via in [&["FIRM_SHARE"][..], &["COUNTRY_SHARE"][..]] {
        assert!(
            close(g.exposure(&euv, &["nl"], Some(via)), 1.0),
            "via {via:?}"
        );
    }
    // The curated technology links to its ETO detail.
    assert!(
        g.edges
            .iter()
            .any(|e| e.from == "euv-lithography" && e.to == euv && e.ty == "DETAILED_BY")
    );
}

#[test]
fn arf_immersion_is_993_per_mille_asml_and_the_rest_japan() {
    let g = load();
    let arfi = g.id_of("ArF immersion (DUV) lithography tools");
    let shares: BTreeMap<&str, Option<f64>> = g
        .edges
        .iter()
        .filter(|e| e.from == arfi && e.ty.ends_with("_SHARE"))
        .map(|e| (e.to.as_str(), e.share))
        .collect();
    assert_eq!(shares.get("asml"), Some(&Some(0.993)));
    assert_eq!(shares.get("nl"), Some(&Some(0.993)));
    assert_eq!(shares.get("jp"), Some(&Some(0.007)));
    // 'Various companies' 0.7% is a placeholder: left unallocated, not a node.
    assert!(!g.nodes.values().any(|n| n["name"].starts_with("Various")));
}

#[test]
fn lithography_tools_blend_country_shares_over_100_by_rounding() {
    let g = load();
    let lith = g.id_of("Lithography tools");
    // NLD 81.5 of shares summing to 100.1 once the 0.0% placeholder is skipped.
    assert!(close(
        g.exposure(&lith, &["nl"], Some(&["COUNTRY_SHARE"])),
        0.815 / 1.001
    ));
    let euv = g.id_of("EUV lithography tools (ETO)");
    let t = g
        .edges
        .iter()
        .find(|e| e.from == euv && e.to == lith && e.ty == "TYPE_OF")
        .expect("EUV is a type of lithography tools");
    assert_eq!(t.share, Some(0.3988), "13 of 32.6 $bn (2025)");
}

#[test]
fn nvidia_from_eto_and_epoch_is_the_curated_node() {
    let g = load();
    let gpus = g.id_of("Discrete GPUs");
    assert!(
        g.out(&gpus, "FIRM_SHARE").iter().any(|e| e.to == "nvidia"),
        "ETO 'Nvidia'"
    );
    let h100 = g.id_of("NVIDIA H100 SXM5 80GB");
    assert!(
        g.out(&h100, "DESIGNED_BY").iter().any(|e| e.to == "nvidia"),
        "Epoch 'NVIDIA'"
    );
    assert!(g.out(&h100, "FABBED_BY").iter().any(|e| e.to == "tsmc"));
    let dupes: Vec<&String> = g
        .imported
        .iter()
        .filter(|id| g.nodes[*id]["name"].eq_ignore_ascii_case("nvidia"))
        .collect();
    assert!(
        dupes.is_empty(),
        "no imported node duplicates NVIDIA: {dupes:?}"
    );
}

#[test]
fn xai_largest_cluster_is_fully_exposed_to_taiwan_through_tsmc() {
    let g = load();
    let largest = g
        .edges
        .iter()
        .filter(|e| e.ty == "OWNED_BY" && e.to == "xai")
        .map(|e| &g.nodes[&e.from])
        .filter(|n| n.get("status").is_some_and(|s| s == "Existing"))
        .max_by(|a, b| {
            let h = |n: &BTreeMap<String, String>| {
                n.get("h100_equivalents")
                    .and_then(|v| v.parse::<f64>().ok())
                    .unwrap_or(0.0)
            };
            h(a).total_cmp(&h(b))
        })
        .expect("xAI owns existing clusters");
    assert_eq!(largest["name"], "xAI Colossus Memphis Phase 3");
    let c = largest["id"].clone();
    let chips: BTreeMap<&str, Option<f64>> = g
        .out(&c, "USES_CHIP")
        .iter()
        .map(|e| (e.to.as_str(), e.share))
        .collect();
    assert_eq!(
        chips.get("epoch-hw-nvidia-h100-sxm5-80gb"),
        Some(&Some(0.8696))
    );
    assert_eq!(chips.get("epoch-hw-nvidia-gb200"), Some(&Some(0.1304)));
    // Both chips are made by TSMC, located in Taiwan.
    assert!(close(
        g.exposure(&c, &["tw"], Some(&["USES_CHIP", "FABBED_BY"])),
        1.0
    ));
    // Their designer, NVIDIA, is American: no Taiwan exposure through design alone.
    assert!(close(
        g.exposure(&c, &["tw"], Some(&["USES_CHIP", "DESIGNED_BY"])),
        0.0
    ));
    // The cluster sits in the US and is owned by xAI (US): in T(United States).
    assert!(close(g.exposure(&c, &["us"], None), 1.0));
    let all = g.exposure(&c, &["tw"], None);
    assert!(
        all > 0.5 && all <= 1.0 + 1e-9,
        "default exposure blends design and fab: {all}"
    );
}

#[test]
fn ascend_910c_is_fabbed_by_smic_and_tsmc_half_each() {
    let g = load();
    let ascend = g.id_of("Huawei Ascend 910C");
    let fabs: BTreeSet<&str> = g
        .out(&ascend, "FABBED_BY")
        .iter()
        .map(|e| e.to.as_str())
        .collect();
    assert_eq!(fabs, BTreeSet::from(["smic", "tsmc"]));
    assert!(close(
        g.exposure(&ascend, &["tw"], Some(&["FABBED_BY"])),
        0.5
    ));
    // Huawei designs it: DESIGNED_BY is membership, so the chip itself is in
    // T(China) and fully exposed to China whatever its fabs.
    assert!(close(
        g.exposure(&ascend, &["cn"], Some(&["FABBED_BY"])),
        1.0
    ));
}

#[test]
fn anonymized_chinese_systems_are_kept_one_node_each() {
    let g = load();
    let anon: Vec<&String> = g
        .nodes
        .iter()
        .filter(|(_, n)| n["name"].starts_with("Anonymized Chinese System #"))
        .map(|(id, _)| id)
        .collect();
    assert_eq!(anon.len(), 257);
    for id in anon {
        let sites: Vec<&str> = g
            .out(id, "SITED_IN")
            .iter()
            .map(|e| e.to.as_str())
            .collect();
        assert!(sites == ["cn"] || sites == ["hk"], "{id}: {sites:?}");
    }
}

#[test]
fn imported_dependency_arcs_never_start_at_a_curated_node() {
    // An importer never makes a curated node depend on anything: the curated
    // layer links to ETO's inputs only through its own, hand-written edges
    // (graph-data/edges, issue 14), never through an import.
    let g = load();
    for e in &g.edges {
        let (role, dir) = g.role(&e.ty);
        let imported_edge = g.imported.contains(&e.from) || g.imported.contains(&e.to);
        if role == "dependency" && imported_edge && e.curated {
            continue;
        }
        if role == "dependency" && imported_edge {
            let consumer = if dir == "reverse" { &e.to } else { &e.from };
            assert!(
                g.imported.contains(consumer),
                "{} -[{}]-> {}: consumer {consumer} is curated",
                e.from,
                e.ty,
                e.to
            );
        }
    }
}

#[test]
fn country_and_firm_shares_describe_the_same_market_and_stay_apart() {
    let g = load();
    let (country, firm) = (g.role("COUNTRY_SHARE"), g.role("FIRM_SHARE"));
    assert_eq!(country, ("dependency", "forward"));
    assert_eq!(firm, ("dependency", "forward"));
    // Resist processing tools: by firm, Tokyo Electron (Japan) dominates; by country, Japan.
    let rpt = g.id_of("Resist processing tools (ETO)");
    let by_firm = g.exposure(&rpt, &["jp"], Some(&["FIRM_SHARE"]));
    let by_country = g.exposure(&rpt, &["jp"], Some(&["COUNTRY_SHARE"]));
    assert!(
        by_firm > 0.8 && by_country > 0.8,
        "by firm {by_firm}, by country {by_country}"
    );
}
