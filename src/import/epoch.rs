//! Epoch AI's GPU clusters, ML hardware and frontier data centers as a graph.
//!
//! * `ml_hardware.csv` → `Accelerator` nodes, `DESIGNED_BY` the manufacturer
//!   and `FABBED_BY` the foundry (a cell may name several: `SMIC,TSMC`).
//! * `gpu_clusters.csv` → `Facility` nodes (facility_type `GPU cluster`),
//!   `OWNED_BY` each owner, `SITED_IN` the country, `USES_CHIP` each listed
//!   accelerator (share = its fraction of the cluster's chips when several
//!   are listed), `BUILDS_UPON` the earlier phase.
//! * `data_centers.csv` (+ `data_center_timelines.csv`) → `Facility` nodes
//!   (facility_type `data center`), `OWNED_BY`, `USED_BY` (with the
//!   confidence tag Epoch writes after each name), `POWERED_BY` the energy
//!   companies, `SITED_IN` from the mapping table (the file has addresses,
//!   no country column).
//!
//! So the chain cluster → accelerator → designer / foundry reaches curated
//! firms (NVIDIA, TSMC…) and, through their `LOCATED_IN`, nations: "how
//! exposed is a cluster to Taiwan" follows `USES_CHIP` then `FABBED_BY`.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::cells::{
    NumberError, name_key, parse_number, round_sig, split_multi, strip_confidence,
    strip_wrapping_quotes,
};
use super::outgraph::{OutEdge, OutGraph, OutNode, Prop};
use super::raw::{Col, Row, Table};
use super::resolve::Resolved;
use super::{ImportError, Out};

/// `as_of` for rows without a date of their own: the snapshot's month.
pub(crate) const SNAPSHOT: &str = "2025-12";
/// Mapping-table namespaces this importer reads.
pub(crate) const NAMESPACES: &[&str] = &[
    "epoch-firm",
    "epoch-foundry",
    "epoch-country",
    "epoch-dc-site",
];

const CLUSTERS: &str = "Epoch AI, Data on GPU Clusters (gpu_clusters.csv)";
const HARDWARE: &str = "Epoch AI, Data on Machine Learning Hardware (ml_hardware.csv)";
const DATA_CENTERS: &str = "Epoch AI, Data on Frontier AI Data Centers (data_centers.csv)";
const TIMELINES: &str = "Epoch AI, Data on Frontier AI Data Centers (data_center_timelines.csv)";

/// GPU-supplier values that name no firm.
const NO_SUPPLIER: &[&str] = &["", "unknown", "anonymized"];

/// The set's `schema.toml`, written as it stands: the kinds and edge types
/// the set adds, each with why (the loader checks it like any schema).
pub(crate) const SCHEMA: &str = include_str!("epoch-schema.toml");

/// The raw tables.
#[derive(Debug)]
pub(crate) struct EpochRaw {
    pub clusters: Table,
    pub hardware: Table,
    pub data_centers: Table,
    pub timelines: Table,
}

impl EpochRaw {
    /// Reads the four CSV files from `dir`.
    pub fn read(dir: &Path) -> Result<EpochRaw, ImportError> {
        let [clusters, hardware, data_centers, timelines] = Table::read_all(
            dir,
            [
                "gpu_clusters.csv",
                "ml_hardware.csv",
                "data_centers.csv",
                "data_center_timelines.csv",
            ],
        )?;
        Ok(EpochRaw {
            clusters,
            hardware,
            data_centers,
            timelines,
        })
    }
}

/// Builds the graph.
pub(crate) fn build(raw: &EpochRaw, out: Out<'_>) -> Result<OutGraph, ImportError> {
    let mut b = Builder {
        out,
        chips: HashMap::new(),
        new_firms: HashMap::new(),
        nations: HashMap::new(),
        big: BTreeMap::new(),
        non_finite: BTreeMap::new(),
    };
    b.hardware(&raw.hardware)?;
    let clusters = b.clusters(&raw.clusters)?;
    b.data_centers(&raw.data_centers, &raw.timelines)?;
    b.builds_upon(&clusters);
    for ((file, col), (count, example)) in std::mem::take(&mut b.big) {
        b.out.rep.note(format!(
            "[epoch/beyond-i64] {file}: column '{col}': {count} integer values exceed 64-bit integers (e.g. {example}); kept as floats (about 16 significant digits)"
        ));
    }
    for ((file, col), cells) in std::mem::take(&mut b.non_finite) {
        let mut values: Vec<&str> = cells.iter().map(|(_, v)| v.as_str()).collect();
        values.sort_unstable();
        values.dedup();
        let lines: Vec<String> = cells.iter().map(|(l, _)| l.to_string()).collect();
        b.out.rep.skip(format!(
            "[epoch/non-finite] {file}: column '{col}': {} values ({}) are not finite numbers; left out (lines {})",
            cells.len(),
            values.join(", "),
            lines.join(", ")
        ));
    }
    Ok(b.out.finish("Epoch", "epoch_name", &[]))
}

/// A cluster as read, for the second pass (phases).
struct ClusterRef {
    id: String,
    name: String,
    builds_upon: String,
    line: u64,
}

struct Builder<'a> {
    out: Out<'a>,
    /// Accelerator name key → node id.
    chips: HashMap<String, String>,
    /// New firm name key → node id.
    new_firms: HashMap<String, String>,
    /// Country text → nation node id.
    nations: HashMap<String, Option<String>>,
    /// (file, column) → (how many integers beyond i64, an example).
    big: BTreeMap<(String, String), (usize, String)>,
    /// (file, column) → (line, value) of cells like `inf`.
    non_finite: BTreeMap<(String, String), Vec<(u64, String)>>,
}

impl Builder<'_> {
    /// A float property from a numeric cell; bad cells are reported and left out.
    fn num(&mut self, t: &Table, row: &Row, column: &str) -> Result<Option<f64>, ImportError> {
        let c = t.col(column)?;
        let cell = row.get(c);
        match parse_number(cell) {
            Ok(None) => Ok(None),
            Ok(Some(n)) => {
                if n.beyond_i64 {
                    let e = self
                        .big
                        .entry((t.file.clone(), column.to_string()))
                        .or_insert((0, cell.to_string()));
                    e.0 += 1;
                }
                Ok(Some(n.value))
            }
            Err(NumberError::NonFinite) => {
                // Derived columns divide by a missing price or power: many
                // cells, one report line per column.
                self.non_finite
                    .entry((t.file.clone(), column.to_string()))
                    .or_default()
                    .push((row.line, cell.to_string()));
                Ok(None)
            }
            Err(NumberError::NotANumber) => {
                self.out.rep.skip(format!("[epoch/number] {}:{}: column '{column}' value '{cell}' is not a number; left out", t.file, row.line));
                Ok(None)
            }
        }
    }

    fn set_num(
        &mut self,
        n: &mut OutNode,
        key: &str,
        t: &Table,
        row: &Row,
        column: &str,
    ) -> Result<(), ImportError> {
        if let Some(v) = self.num(t, row, column)? {
            n.set(key, v);
        }
        Ok(())
    }

    /// The firm node for a name (`namespace` picks the mapping-table rows);
    /// unmatched names become `epoch-…` firms, created once.
    fn firm(&mut self, namespace: &str, name: &str, context: &str, source: &str) -> Option<String> {
        match self.out.resolver.resolve(namespace, &["Firm"], &[name]) {
            Resolved::Node { id, .. } => Some(id),
            Resolved::Placeholder { note } => {
                self.out.rep.skip(format!(
                    "[epoch/placeholder] {context}: '{name}' is a placeholder ({note}); no edge"
                ));
                None
            }
            other => {
                let key = name_key(name);
                if let Some(id) = self.new_firms.get(&key) {
                    return Some(id.clone());
                }
                let id = self.out.fresh_id("epoch-", name, "firm");
                let mut n = OutNode::new(&id, "Firm", name, "firms");
                n.set("source", source).set("as_of", SNAPSHOT);
                self.out.g.add_node(n);
                self.new_firms.insert(key, id.clone());
                let why = match other {
                    Resolved::Ambiguous { ids } => format!(
                        "ambiguous ({}); add a row to entity-map.csv",
                        ids.join(", ")
                    ),
                    Resolved::Unmatched { hint: Some(h) } => format!("no match ({h})"),
                    Resolved::BadMapping { problem } => problem,
                    _ => "no match".into(),
                };
                self.out.rep.unmatched(format!(
                    "epoch firm '{name}' (first seen: {context}): {why}; new Firm {id}"
                ));
                Some(id)
            }
        }
    }

    /// The nation node for a country name or a data-center handle.
    fn nation(&mut self, namespace: &str, name: &str, context: &str) -> Option<String> {
        let key = format!("{namespace}\u{1f}{}", name_key(name));
        if let Some(done) = self.nations.get(&key) {
            return done.clone();
        }
        let found = match self.out.resolver.resolve(namespace, &["Nation"], &[name]) {
            Resolved::Node { id, .. } => Some(id),
            Resolved::Placeholder { note } => {
                self.out.rep.skip(format!(
                    "[epoch/placeholder] {context}: country '{name}' is a placeholder ({note})"
                ));
                None
            }
            Resolved::BadMapping { problem } => {
                self.out.rep.unmatched(format!(
                    "epoch country '{name}' ({context}): {problem}; no SITED_IN"
                ));
                None
            }
            _ if namespace == "epoch-dc-site" => {
                self.out.rep.unmatched(format!(
                    "epoch data center '{name}': data_centers.csv has no country column and entity-map.csv has no epoch-dc-site row for it; no SITED_IN"
                ));
                None
            }
            other => {
                let id = self.out.fresh_id("epoch-", name, "nation");
                let mut n = OutNode::new(&id, "Nation", name, "nations");
                n.set("source", CLUSTERS).set("as_of", SNAPSHOT);
                self.out.g.add_node(n);
                let why = match other {
                    Resolved::Unmatched { hint: Some(h) } => format!("no match ({h})"),
                    Resolved::Ambiguous { ids } => format!("ambiguous ({})", ids.join(", ")),
                    _ => "no match".into(),
                };
                self.out.rep.unmatched(format!("epoch country '{name}' (first seen: {context}): {why}; new Nation {id} (no iso3 given)"));
                Some(id)
            }
        };
        self.nations.insert(key, found.clone());
        found
    }

    fn edge(
        &mut self,
        from: &str,
        to: &str,
        ty: &'static str,
        file: &'static str,
        src: &str,
        as_of: &str,
    ) -> Option<&mut OutEdge> {
        let mut e = OutEdge::new(from, to, ty, file);
        e.set("source", src).set("as_of", as_of);
        match self.out.g.add_edge(e) {
            Ok(()) => self.out.g.edge_mut(from, to, ty),
            Err(_) => {
                self.out.rep.note(format!(
                    "[epoch/duplicate-edge] {from} -[{ty}]-> {to} given twice; kept once"
                ));
                None
            }
        }
    }

    fn hardware(&mut self, t: &Table) -> Result<(), ImportError> {
        let [name, maker, ty, release, foundry, sheet, modified] = t.cols(
            "Hardware name, Manufacturer, Type, Release date, Foundry, Link to datasheet, \
             Last modified",
        )?;
        let mut no_foundry = 0usize;
        for row in t.rows() {
            let hw = row.get(name);
            let at = format!("{}:{}", t.file, row.line);
            if hw.is_empty() || self.chips.contains_key(&name_key(hw)) {
                self.out.rep.skip(format!(
                    "[epoch/hardware] {at}: hardware name '{hw}' empty or repeated; row skipped"
                ));
                continue;
            }
            let id = self.out.fresh_id("epoch-hw-", hw, &row.line.to_string());
            let as_of = row.get(modified).get(..10).unwrap_or(SNAPSHOT).to_string();
            let mut n = OutNode::new(&id, "Accelerator", hw, "accelerators");
            n.set("in_ml_hardware", true)
                .set("accelerator_type", row.get(ty))
                .set("manufacturer", row.get(maker))
                .set("foundry", row.get(foundry))
                .set("release_date", row.get(release))
                .set("datasheet", row.get(sheet));
            for (key, column) in [
                ("release_price_usd", "Release price (USD)"),
                ("process_nm", "Process size (nm)"),
                ("die_size_mm2", "Die Size (mm^2)"),
                ("transistors_millions", "Transistors (millions)"),
                ("tdp_w", "TDP (W)"),
                ("memory_bytes", "Memory size per board (Byte)"),
                ("memory_bandwidth_bps", "Memory bandwidth (byte/s)"),
                ("fp64_flops", "FP64 (double precision) performance (FLOP/s)"),
                ("fp32_flops", "FP32 (single precision) performance (FLOP/s)"),
                ("fp16_flops", "FP16 (half precision) performance (FLOP/s)"),
                ("tf32_flops", "TF32 (TensorFloat-32) performance (FLOP/s)"),
                ("tensor_fp16_flops", "Tensor-FP16/BF16 performance (FLOP/s)"),
                ("fp8_flops", "FP8 performance (FLOP/s)"),
                ("fp4_flops", "FP4 performance (FLOP/s)"),
                ("int8_ops", "INT8 performance (OP/s)"),
                ("max_performance", "Max performance"),
                ("energy_efficiency", "Energy efficiency"),
                ("price_performance", "Price-performance"),
            ] {
                self.set_num(&mut n, key, t, row, column)?;
            }
            n.set("source", HARDWARE).set("as_of", as_of.as_str());
            self.out.g.add_node(n);
            self.chips.insert(name_key(hw), id.clone());

            let m = row.get(maker);
            if m.is_empty() {
                self.out.rep.skip(format!(
                    "[epoch/no-designer] {at}: '{hw}' has no manufacturer; no DESIGNED_BY"
                ));
            } else if let Some(f) = self.firm("epoch-firm", m, &at, HARDWARE) {
                self.edge(&id, &f, "DESIGNED_BY", "hardware", HARDWARE, &as_of);
            }
            let foundries = split_multi(row.get(foundry));
            if foundries.is_empty() {
                no_foundry += 1;
            }
            if foundries.len() > 1 {
                self.out.rep.skip(format!(
                    "[epoch/multi-valued] {at}: '{hw}' foundry '{}' names {} foundries; one FABBED_BY each, without shares (Epoch gives no split)",
                    row.get(foundry),
                    foundries.len()
                ));
            }
            for f in foundries {
                if let Some(fid) = self.firm("epoch-foundry", &f, &at, HARDWARE) {
                    self.edge(&id, &fid, "FABBED_BY", "hardware", HARDWARE, &as_of);
                }
            }
        }
        if no_foundry > 0 {
            self.out.rep.note(format!("[epoch/no-foundry] ml_hardware.csv: {no_foundry} accelerators name no foundry; they have no FABBED_BY"));
        }
        Ok(())
    }

    /// The accelerator node for a chip a cluster names; chips missing from
    /// ml_hardware.csv are created, designed by the cluster's GPU supplier.
    fn chip(&mut self, name: &str, supplier: &str, at: &str) -> String {
        if let Some(id) = self.chips.get(&name_key(name)) {
            return id.clone();
        }
        let id = self.out.fresh_id("epoch-hw-", name, "chip");
        let mut n = OutNode::new(&id, "Accelerator", name, "accelerators");
        n.set("in_ml_hardware", false)
            .set("manufacturer", supplier)
            .set("source", CLUSTERS)
            .set("as_of", SNAPSHOT);
        self.out.g.add_node(n);
        self.chips.insert(name_key(name), id.clone());
        let designer = if NO_SUPPLIER.contains(&supplier.to_lowercase().as_str()) {
            None
        } else {
            self.firm("epoch-firm", supplier, at, CLUSTERS)
        };
        match &designer {
            Some(d) => {
                self.edge(&id, d, "DESIGNED_BY", "hardware", CLUSTERS, SNAPSHOT);
            }
            None => self.out.rep.skip(format!("[epoch/no-designer] {at}: chip '{name}' has GPU supplier '{supplier}'; no DESIGNED_BY")),
        }
        self.out.rep.skip(format!(
            "[epoch/chip-not-in-hardware] {at}: chip '{name}' is not in ml_hardware.csv; Accelerator {id} created from the cluster row (designer: the GPU supplier column, '{supplier}'; no foundry)"
        ));
        id
    }

    fn clusters(&mut self, t: &Table) -> Result<Vec<ClusterRef>, ImportError> {
        let c = |name: &str| t.col(name);
        let [name, status, certainty, single, country, owner] =
            t.cols("Name, Status, Certainty, Single cluster?, Country, Owner")?;
        let [first_op, first_note, note, sector, location, users, hw_note] = t.cols(
            "First Operational Date, First Operational Date Note, Note, Sector, \
             Location, Users, Hardware note",
        )?;
        let [
            cert_note,
            builds,
            superseded,
            dup,
            dup_of,
            std_analysis,
            noteworthy,
            decom,
            largest,
        ] = t.cols(
            "Certainty Note, Builds Upon, Superseded by, Possible Duplicate, \
             Possible Duplicate Of, Include in Standard Analysis, Noteworthy, \
             Decommissioned Date (if applicable), \
             Largest existing cluster when first operational",
        )?;
        let chip_cols = [
            (
                c("Chip type (primary)")?,
                "Chip quantity (primary)",
                c("GPU Supplier (primary)")?,
            ),
            (
                c("Chip type (secondary)")?,
                "Chip quantity (secondary)",
                c("GPU supplier (secondary)")?,
            ),
        ];
        let sources: Vec<Col> = (1..=5)
            .map(|i| c(&format!("Source {i}")))
            .collect::<Result<_, _>>()?;

        // Names used by several rows ("Anonymized Chinese System") get a number.
        let mut counts: HashMap<String, usize> = HashMap::new();
        for row in t.rows() {
            *counts
                .entry(strip_wrapping_quotes(row.get(name)).0)
                .or_default() += 1;
        }
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut out = Vec::new();
        for row in t.rows() {
            let at = format!("{}:{}", t.file, row.line);
            let (clean, had_quotes) = strip_wrapping_quotes(row.get(name));
            if had_quotes {
                self.out.rep.skip(format!(
                    "[epoch/quoted-name] {at}: name {} is wrapped in quotes; quotes removed",
                    row.get(name)
                ));
            }
            if clean.is_empty() {
                self.out
                    .rep
                    .skip(format!("[epoch/cluster] {at}: no name; row skipped"));
                continue;
            }
            let total = counts.get(&clean).copied().unwrap_or(1);
            let display = if total > 1 {
                let k = seen.entry(clean.clone()).or_default();
                *k += 1;
                let width = total.to_string().len();
                let numbered = format!("{clean} #{:0width$}", *k);
                if *k == 1 {
                    self.out.rep.skip(format!(
                        "[epoch/repeated-name] {}: '{clean}' names {total} different rows (no other key); each becomes its own Facility, numbered in file order ('{numbered}'…)",
                        t.file
                    ));
                }
                numbered
            } else {
                clean.clone()
            };
            let id = self
                .out
                .fresh_id("epoch-cluster-", &display, &row.line.to_string());
            let src_urls: Vec<&str> = sources
                .iter()
                .map(|&s| row.get(s))
                .filter(|s| !s.is_empty())
                .collect();
            let src = if src_urls.is_empty() {
                CLUSTERS.to_string()
            } else {
                format!("{CLUSTERS}; {}", src_urls.join("; "))
            };

            let mut n = OutNode::new(&id, "Facility", &display, "clusters");
            n.set("facility_type", "GPU cluster")
                .set("status", row.get(status))
                .set("certainty", row.get(certainty))
                .set("certainty_note", row.get(cert_note))
                .set("single_cluster", row.get(single))
                .set("first_operational", row.get(first_op))
                .set("first_operational_note", row.get(first_note))
                .set("decommissioned", row.get(decom))
                .set("location", row.get(location))
                .set("sector", row.get(sector))
                .set("users", row.get(users))
                .set("hardware_note", row.get(hw_note))
                .set("note", row.get(note))
                .set("largest_when_first_operational", row.get(largest))
                .set("possible_duplicate_of", row.get(dup_of))
                .set("builds_upon", row.get(builds))
                .set("superseded_by", row.get(superseded));
            for (key, col) in [
                (dup, "possible_duplicate"),
                (std_analysis, "include_in_standard_analysis"),
                (noteworthy, "noteworthy"),
            ] {
                match row.get(key) {
                    "" => {}
                    v if v.eq_ignore_ascii_case("true") => {
                        n.set(col, true);
                    }
                    v if v.eq_ignore_ascii_case("false") => {
                        n.set(col, false);
                    }
                    v => self.out.rep.skip(format!(
                        "[epoch/flag] {at}: {col} value '{v}' is not True/False; left out"
                    )),
                }
            }
            for (key, column) in [
                ("h100_equivalents", "H100 equivalents"),
                ("chips_total", "Total number of AI chips"),
                ("power_mw", "Power Capacity (MW)"),
                ("hardware_cost_usd", "Hardware Cost"),
                ("reported_cost_usd", "Reported Cost"),
                ("max_ops", "Max OP/s"),
                ("ops_8bit", "8-bit OP/s"),
                ("ops_16bit", "16-bit OP/s"),
                ("ops_32bit", "32-bit OP/s"),
                ("energy_efficiency", "Energy Efficiency"),
                ("rank_when_first_operational", "Rank when first operational"),
                (
                    "fraction_of_largest_when_first_operational",
                    "% of largest cluster when first operational",
                ),
            ] {
                self.set_num(&mut n, key, t, row, column)?;
            }
            n.set("source", src.as_str()).set("as_of", SNAPSHOT);
            if display != clean {
                n.set("epoch_name", clean.as_str());
            }
            self.out.g.add_node(n);

            for o in split_multi(row.get(owner)) {
                if let Some(f) = self.firm("epoch-firm", &o, &at, CLUSTERS) {
                    self.edge(&id, &f, "OWNED_BY", "ownership", &src, SNAPSHOT);
                }
            }
            let owners = split_multi(row.get(owner));
            if owners.len() > 1 {
                self.out.rep.skip(format!(
                    "[epoch/multi-valued] {at}: owner '{}' names {} owners; one OWNED_BY each",
                    row.get(owner),
                    owners.len()
                ));
            }
            match row.get(country) {
                "" => self.out.rep.skip(format!(
                    "[epoch/no-country] {at}: '{display}' gives no country; no SITED_IN"
                )),
                ctry => {
                    if let Some(nid) = self.nation("epoch-country", ctry, &at) {
                        self.edge(&id, &nid, "SITED_IN", "sites", &src, SNAPSHOT);
                    }
                }
            }
            self.uses_chips(t, row, &id, &display, &chip_cols, &src, &at)?;
            out.push(ClusterRef {
                id,
                name: clean,
                builds_upon: row.get(builds).to_string(),
                line: row.line,
            });
        }
        self.out.rep.note(
            "[epoch/users] gpu_clusters.csv: the Users column is free text ('Cloud', 'Academia', names); kept as the property users, not linked".into(),
        );
        Ok(out)
    }

    #[allow(
        clippy::too_many_arguments,
        reason = "the arguments are the algorithm's state, passed flat on a hot path"
    )]
    fn uses_chips(
        &mut self,
        t: &Table,
        row: &Row,
        id: &str,
        display: &str,
        chip_cols: &[(Col, &str, Col)],
        src: &str,
        at: &str,
    ) -> Result<(), ImportError> {
        let mut chips: Vec<(String, Option<f64>)> = Vec::new();
        for &(ty, qty, sup) in chip_cols {
            let chip = row.get(ty);
            let q = self.num(t, row, qty)?;
            if chip.is_empty() {
                continue;
            }
            let cid = self.chip(chip, row.get(sup), at);
            match chips.iter_mut().find(|(c, _)| *c == cid) {
                Some((_, existing)) => {
                    *existing = match (*existing, q) {
                        (Some(a), Some(b)) => Some(a + b),
                        (a, b) => a.or(b),
                    };
                    self.out.rep.skip(format!("[epoch/chip-twice] {at}: '{chip}' is both primary and secondary chip; quantities added"));
                }
                None => chips.push((cid, q)),
            }
        }
        let total = self.num(t, row, "Total number of AI chips")?;
        let shares: Option<Vec<f64>> = if chips.len() > 1 {
            let qs: Option<Vec<f64>> = chips.iter().map(|(_, q)| q.filter(|v| *v > 0.0)).collect();
            match qs {
                Some(qs) => {
                    let sum: f64 = qs.iter().sum();
                    let denom = total.filter(|t| *t > sum).unwrap_or(sum);
                    Some(qs.iter().map(|q| round_sig(q / denom, 4)).collect())
                }
                None => {
                    self.out.rep.skip(format!(
                        "[epoch/chip-share] {at}: '{display}' lists {} chip types but not every quantity; USES_CHIP without shares (equal split)",
                        chips.len()
                    ));
                    None
                }
            }
        } else {
            None
        };
        for (i, (cid, q)) in chips.iter().enumerate() {
            if let Some(e) = self.edge(id, cid, "USES_CHIP", "chips", src, SNAPSHOT) {
                if let Some(q) = q {
                    e.set("quantity", *q);
                }
                if let Some(s) = shares.as_ref().map(|s| s[i]) {
                    e.set("share", s);
                }
            }
        }
        Ok(())
    }

    fn builds_upon(&mut self, clusters: &[ClusterRef]) {
        let by_name: HashMap<String, &str> = clusters
            .iter()
            .map(|c| (name_key(&c.name), c.id.as_str()))
            .collect();
        let edges: Vec<(String, String, u64, String)> = clusters
            .iter()
            .filter(|c| !c.builds_upon.is_empty())
            .map(|c| {
                let target = by_name
                    .get(&name_key(&c.builds_upon))
                    .map(|s| s.to_string())
                    .unwrap_or_default();
                (c.id.clone(), target, c.line, c.builds_upon.clone())
            })
            .collect();
        for (from, to, line, named) in edges {
            if to.is_empty() {
                self.out.rep.skip(format!("[epoch/builds-upon] gpu_clusters.csv:{line}: builds upon '{named}', which is no cluster name; no BUILDS_UPON"));
            } else {
                self.edge(&from, &to, "BUILDS_UPON", "phases", CLUSTERS, SNAPSHOT);
            }
        }
    }

    fn data_centers(&mut self, t: &Table, timelines: &Table) -> Result<(), ImportError> {
        let [
            handle,
            title,
            project,
            address,
            lat,
            lon,
            owner,
            users,
            investors,
            builders,
            energy,
        ] = t.cols(
            "Handle, Title, Project, Address, Latitude, Longitude, Owner, Users, \
             Investors, Construction companies, Energy companies",
        )?;
        let timeline = Timeline::read(self, timelines)?;
        let mut ids: HashMap<String, String> = HashMap::new();
        for row in t.rows() {
            let at = format!("{}:{}", t.file, row.line);
            let h = row.get(handle);
            if h.is_empty() || ids.contains_key(&name_key(h)) {
                self.out.rep.skip(format!(
                    "[epoch/data-center] {at}: handle '{h}' empty or repeated; row skipped"
                ));
                continue;
            }
            let name = if row.get(title).is_empty() {
                h
            } else {
                row.get(title)
            };
            let id = self.out.fresh_id("epoch-dc-", h, &row.line.to_string());
            ids.insert(name_key(h), id.clone());
            let mut n = OutNode::new(&id, "Facility", name, "data-centers");
            n.add_alias(h);
            let (proj, proj_conf) = strip_confidence(row.get(project));
            n.set("facility_type", "data center")
                .set("handle", h)
                .set("project", proj)
                .set("project_confidence", proj_conf.unwrap_or_default())
                .set("address", row.get(address))
                .set("latitude", row.get(lat))
                .set("longitude", row.get(lon))
                .set("investors", row.get(investors))
                .set("construction_companies", row.get(builders))
                .set("energy_companies", row.get(energy))
                .set("users", row.get(users));
            for (key, column) in [
                ("h100_equivalents", "Current H100 equivalents"),
                ("power_mw", "Current power (MW)"),
                (
                    "capital_cost_usd_bn",
                    "Current total capital cost (2025 USD billions)",
                ),
            ] {
                self.set_num(&mut n, key, t, row, column)?;
            }
            match timeline.get(&name_key(h)) {
                Some(tl) => {
                    tl.apply(&mut n);
                    n.set("source", format!("{DATA_CENTERS}; {TIMELINES}"));
                }
                None => {
                    self.out.rep.skip(format!(
                        "[epoch/timeline] {at}: '{h}' has no rows in data_center_timelines.csv"
                    ));
                    n.set("source", DATA_CENTERS);
                }
            }
            n.set("as_of", SNAPSHOT);
            self.out.g.add_node(n);

            for (cell, ty, file) in [
                (owner, "OWNED_BY", "ownership"),
                (users, "USED_BY", "usage"),
            ] {
                for part in split_multi(row.get(cell)) {
                    let (who, confidence) = strip_confidence(&part);
                    if who.is_empty() {
                        continue;
                    }
                    if let Some(f) = self.firm("epoch-firm", &who, &at, DATA_CENTERS)
                        && let Some(e) = self.edge(&id, &f, ty, file, DATA_CENTERS, SNAPSHOT)
                    {
                        e.set("confidence", confidence.unwrap_or_default());
                    }
                }
            }
            for who in split_multi(row.get(energy)) {
                if let Some(f) = self.firm("epoch-firm", &who, &at, DATA_CENTERS) {
                    self.edge(&id, &f, "POWERED_BY", "power", DATA_CENTERS, SNAPSHOT);
                }
            }
            if let Some(nid) = self.nation("epoch-dc-site", h, &at) {
                self.edge(&id, &nid, "SITED_IN", "sites", DATA_CENTERS, SNAPSHOT);
            }
        }
        for h in timeline.keys() {
            if !ids.contains_key(h) {
                self.out.rep.skip(format!("[epoch/timeline] data_center_timelines.csv: rows for '{h}', which data_centers.csv lacks; skipped"));
            }
        }
        self.out.rep.note(
            "[epoch/columns] data_centers.csv: 'Sentinel satellite timelapse' (Airtable attachments with expiring URLs) is not imported; investors and construction companies are kept as text".into(),
        );
        Ok(())
    }
}

/// What the timeline of one data center adds: when it first ran, and its
/// last projected state.
#[derive(Debug, Default)]
struct Timeline {
    first_operational: Option<String>,
    last_date: String,
    power: Option<f64>,
    h100e: Option<f64>,
    capex: Option<f64>,
    ops: Option<f64>,
}

impl Timeline {
    fn read(b: &mut Builder<'_>, t: &Table) -> Result<BTreeMap<String, Timeline>, ImportError> {
        let [date, dc] = t.cols("Date, Data center")?;
        let mut rows: Vec<&Row> = t.rows().iter().collect();
        rows.sort_by(|a, b| (a.get(dc), a.get(date)).cmp(&(b.get(dc), b.get(date))));
        let mut out: BTreeMap<String, Timeline> = BTreeMap::new();
        for row in rows {
            let power = b.num(t, row, "Power (MW)")?;
            let h100e = b.num(t, row, "H100 equivalents")?;
            let capex = b.num(t, row, "Total capital cost (2025 USD billions)")?;
            let ops = b.num(t, row, "Performance (8-bit OP/s)")?;
            let running = b
                .num(t, row, "Buildings operational")?
                .is_some_and(|v| v > 0.0);
            let tl = out.entry(name_key(row.get(dc))).or_default();
            if running && tl.first_operational.is_none() {
                tl.first_operational = Some(row.get(date).to_string());
            }
            tl.last_date = row.get(date).to_string();
            tl.power = power;
            tl.h100e = h100e;
            tl.capex = capex;
            tl.ops = ops;
        }
        Ok(out)
    }

    fn apply(&self, n: &mut OutNode) {
        if let Some(d) = &self.first_operational {
            n.set("first_operational", d.as_str());
        }
        n.set("projected_date", self.last_date.as_str());
        for (key, v) in [
            ("projected_power_mw", self.power),
            ("projected_h100_equivalents", self.h100e),
            ("projected_capital_cost_usd_bn", self.capex),
            ("projected_ops_8bit", self.ops),
        ] {
            if let Some(v) = v {
                n.set(key, Prop::Float(v));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::resolve::{EntityMap, IndexBuilder};
    use super::*;
    use crate::import::Report;
    use crate::import::resolve::Resolver;

    fn table(file: &str, text: &str) -> Table {
        Table::parse(Path::new(file), file, text.as_bytes()).expect("valid test csv")
    }

    fn resolver(map: &str) -> Resolver {
        let mut index = IndexBuilder::default();
        let mut add = |id: &str, kind: &str, name: &str, aliases: &[&str]| {
            index.add(id, kind, name, aliases, None)
        };
        add("nvidia", "Firm", "NVIDIA", &["Nvidia"]);
        add("tsmc", "Firm", "TSMC", &[]);
        add("smic", "Firm", "SMIC", &[]);
        add("huawei", "Firm", "Huawei", &[]);
        add("xai", "Firm", "xAI", &[]);
        add("amazon", "Firm", "Amazon", &[]);
        add("anthropic", "Firm", "Anthropic", &[]);
        add(
            "us",
            "Nation",
            "United States",
            &["United States of America"],
        );
        add("cn", "Nation", "China", &[]);
        let index = index.build();
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("map.csv");
        std::fs::write(&path, format!("source,source_name,curated_id,note\n{map}"))
            .expect("write map");
        Resolver {
            index,
            map: EntityMap::load(&path).expect("valid map"),
        }
    }

    const HW: &str = "Hardware name,Manufacturer,Type,Release date,Foundry,Link to datasheet,Last modified,Release price (USD),Process size (nm),Die Size (mm^2),Transistors (millions),TDP (W),Memory size per board (Byte),Memory bandwidth (byte/s),FP64 (double precision) performance (FLOP/s),FP32 (single precision) performance (FLOP/s),FP16 (half precision) performance (FLOP/s),TF32 (TensorFloat-32) performance (FLOP/s),Tensor-FP16/BF16 performance (FLOP/s),FP8 performance (FLOP/s),FP4 performance (FLOP/s),INT8 performance (OP/s),Max performance,Energy efficiency,Price-performance\n\
        NVIDIA H100 SXM5 80GB,NVIDIA,GPU,2022-09-20,TSMC,,2025-11-14 18:27:23+00:00,,5.0,,,700,,,,,,,,,,,1e15,,\n\
        Huawei Ascend 910C,Huawei,GPU,2024-10-15,\"SMIC,TSMC\",,2025-10-10 00:00:00+00:00,,,,,,,,,,,,,,,,1e15,,inf\n";

    const CLUSTER_HEAD: &str = "Name,Status,Certainty,Single cluster?,Country,Owner,First Operational Date,First Operational Date Note,Note,Sector,Location,Users,Hardware note,Certainty Note,Builds Upon,Superseded by,Possible Duplicate,Possible Duplicate Of,Include in Standard Analysis,Noteworthy,Decommissioned Date (if applicable),Largest existing cluster when first operational,Chip type (primary),Chip quantity (primary),GPU Supplier (primary),Chip type (secondary),Chip quantity (secondary),GPU supplier (secondary),Source 1,Source 2,Source 3,Source 4,Source 5,H100 equivalents,Total number of AI chips,Power Capacity (MW),Hardware Cost,Reported Cost,Max OP/s,8-bit OP/s,16-bit OP/s,32-bit OP/s,Energy Efficiency,Rank when first operational,% of largest cluster when first operational\n";

    fn clusters() -> String {
        format!(
            "{CLUSTER_HEAD}\
            xAI Colossus Memphis Phase 3,Existing,Confirmed,Yes,United States of America,xAI,,,,Private,,,,,xAI Colossus Memphis Phase 2,,,,True,,,,NVIDIA H100 SXM5 80GB,200000.0,NVIDIA,Cerebras CS-2,30000.0,Cerebras,https://a,,,,,275795.8,230000.0,,,,,,,687500000000000000000,,,\n\
            xAI Colossus Memphis Phase 2,Existing,Likely,Yes,United States of America,\"xAI,Amazon\",,,,Private,,,,,,,,,,,,,NVIDIA H100 SXM5 80GB,150000.0,NVIDIA,,,,,,,,,,,,,,,,,,,,\n\
            Anonymized Chinese System,Existing,Confirmed,Yes,China,,,,,,,,,,,,,,,,,,,,Anonymized,,,Anonymized,,,,,,20000.0,,,,,,,,,,,\n\
            Anonymized Chinese System,Planned,Likely,Yes,Atlantis,,,,,,,,,,,,True,,,,,,,,Anonymized,,,Anonymized,,,,,,8000.0,,,,,,,,,,,\n\
            \"\"\"Quoted Phase 2\"\"\",Planned,Likely,Yes,,,,,,,,,,,Nowhere Phase 1,,,,,,,,,,Unknown,,,,,,,,,,,,,,,,,,,,\n"
        )
    }

    const DC: &str = "Handle,Title,Project,Sentinel satellite timelapse,Address,Latitude,Longitude,Owner,Users,Investors,Construction companies,Energy companies,Current H100 equivalents,Current power (MW),Current total capital cost (2025 USD billions)\n\
        Amazon Canton Mississippi,Amazon Madison Mega Site,Project Rainier #speculative,,Canton,,,Amazon #confident,\"Anthropic #speculative, Amazon #likely\",,,Entergy,214348.1,341,10.9\n";
    const TL: &str = "Date,Data center,Construction status,Power (MW),H100 equivalents,Buildings operational,Total capital cost (2025 USD billions),Compute cost (2025 USD billions),Construction cost (2025 USD billions),Building area (square feet),Site area (square feet),Water use (MGD),Performance (8-bit OP/s)\n\
        2027-01-01,Amazon Canton Mississippi,x,900,500000,4,30,1,1,,,,33114941199151700000\n\
        2024-01-01,Amazon Canton Mississippi,x,0,0,0,0,0,0,,,,0\n\
        2025-01-01,Amazon Canton Mississippi,x,341,214348,2,10,1,1,,,,1000\n";

    fn run(map: &str) -> (OutGraph, Report) {
        let raw = EpochRaw {
            clusters: table("gpu_clusters.csv", &clusters()),
            hardware: table("ml_hardware.csv", HW),
            data_centers: table("data_centers.csv", DC),
            timelines: table("data_center_timelines.csv", TL),
        };
        let r = resolver(map);
        let mut rep = Report::default();
        let g = build(&raw, Out::new(&r, &mut rep)).expect("builds");
        (g, rep)
    }

    fn key(f: &str, t: &str, ty: &'static str) -> (String, String, &'static str) {
        (f.to_string(), t.to_string(), ty)
    }

    #[test]
    fn cluster_to_chip_to_designer_and_foundry() {
        let (g, _) = run("epoch-dc-site,Amazon Canton Mississippi,us,site\n");
        let c = "epoch-cluster-xai-colossus-memphis-phase-3";
        let h100 = "epoch-hw-nvidia-h100-sxm5-80gb";
        assert_eq!(
            g.edges[&key(c, h100, "USES_CHIP")].share(),
            Some(round_sig(200000.0 / 230000.0, 4))
        );
        assert!(g.edges.contains_key(&key(h100, "tsmc", "FABBED_BY")));
        assert!(g.edges.contains_key(&key(h100, "nvidia", "DESIGNED_BY")));
        assert!(g.edges.contains_key(&key(c, "xai", "OWNED_BY")));
        assert!(g.edges.contains_key(&key(c, "us", "SITED_IN")));
        assert!(g.edges.contains_key(&key(
            c,
            "epoch-cluster-xai-colossus-memphis-phase-2",
            "BUILDS_UPON"
        )));
    }

    #[test]
    fn multi_valued_foundry_and_owner_cells_give_one_edge_each() {
        let (g, rep) = run("");
        let ascend = "epoch-hw-huawei-ascend-910c";
        assert!(g.edges.contains_key(&key(ascend, "smic", "FABBED_BY")));
        assert!(g.edges.contains_key(&key(ascend, "tsmc", "FABBED_BY")));
        assert_eq!(g.edges[&key(ascend, "tsmc", "FABBED_BY")].share(), None);
        rep.assert_has("foundry 'SMIC,TSMC' names 2 foundries");
        let phase2 = "epoch-cluster-xai-colossus-memphis-phase-2";
        assert!(
            g.edges.contains_key(&key(phase2, "xai", "OWNED_BY"))
                && g.edges.contains_key(&key(phase2, "amazon", "OWNED_BY"))
        );
    }

    #[test]
    fn confidence_tags_become_edge_properties() {
        let (g, _) = run("epoch-dc-site,Amazon Canton Mississippi,us,site\n");
        let dc = "epoch-dc-amazon-canton-mississippi";
        let used = &g.edges[&key(dc, "anthropic", "USED_BY")];
        assert_eq!(
            used.props.get("confidence"),
            Some(&Prop::Str("speculative".into()))
        );
        assert_eq!(
            g.edges[&key(dc, "amazon", "OWNED_BY")]
                .props
                .get("confidence"),
            Some(&Prop::Str("confident".into()))
        );
        assert_eq!(
            g.nodes[dc].props.get("project"),
            Some(&Prop::Str("Project Rainier".into()))
        );
        assert_eq!(
            g.nodes[dc].props.get("project_confidence"),
            Some(&Prop::Str("speculative".into()))
        );
        assert!(g.edges.contains_key(&key(dc, "us", "SITED_IN")));
        assert!(
            g.nodes.values().any(|n| n.name == "Entergy"),
            "energy company becomes a firm"
        );
    }

    #[test]
    fn timelines_give_first_operation_and_projection_with_big_numbers_as_floats() {
        let (g, rep) = run("");
        let dc = &g.nodes["epoch-dc-amazon-canton-mississippi"];
        assert_eq!(
            dc.props.get("first_operational"),
            Some(&Prop::Str("2025-01-01".into()))
        );
        assert_eq!(
            dc.props.get("projected_date"),
            Some(&Prop::Str("2027-01-01".into()))
        );
        assert_eq!(
            dc.props
                .get("projected_ops_8bit")
                .map(Prop::to_cell)
                .as_deref(),
            Some("3.31149411991517e19")
        );
        rep.assert_has("'Performance (8-bit OP/s)': 1 integer values exceed 64-bit");
        rep.assert_has("'32-bit OP/s': 1 integer values exceed 64-bit");
        assert!(
            rep.has("no epoch-dc-site row for it"),
            "site needs the mapping table"
        );
    }

    #[test]
    fn repeated_names_are_numbered_and_odd_cells_reported() {
        let (g, rep) = run("");
        assert!(
            g.nodes
                .contains_key("epoch-cluster-anonymized-chinese-system-1")
        );
        assert_eq!(
            g.nodes["epoch-cluster-anonymized-chinese-system-2"].name,
            "Anonymized Chinese System #2"
        );
        rep.assert_has("'Anonymized Chinese System' names 2 different rows");
        assert!(g.nodes.values().any(|n| n.name == "Quoted Phase 2"));
        rep.assert_has("wrapped in quotes");
        rep.assert_has("builds upon 'Nowhere Phase 1', which is no cluster name");
        rep.assert_has(
            "column 'Price-performance': 1 values (inf) are not finite numbers; left out (lines 3)",
        );
        rep.assert_has("chip 'Cerebras CS-2' is not in ml_hardware.csv");
        rep.assert_has("epoch country 'Atlantis'");
        assert!(g.edges.contains_key(&key(
            "epoch-cluster-anonymized-chinese-system-1",
            "cn",
            "SITED_IN"
        )));
    }

    #[test]
    fn mapping_table_routes_foundry_names() {
        let (g, _) = run("epoch-foundry,TSMC,smic,deliberately odd mapping for the test\n");
        assert!(
            g.edges
                .contains_key(&key("epoch-hw-nvidia-h100-sxm5-80gb", "smic", "FABBED_BY"))
        );
        assert!(
            !g.edges
                .contains_key(&key("epoch-hw-nvidia-h100-sxm5-80gb", "tsmc", "FABBED_BY"))
        );
    }
}
