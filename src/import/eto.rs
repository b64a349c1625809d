//! The ETO Advanced Semiconductor Supply Chain Dataset (CSET) as a graph.
//!
//! * `stages.csv` → `Stage` nodes; `inputs.csv` → `Input` nodes (processes,
//!   tools, materials, design resources, the finished chip), `IN_STAGE` for
//!   the inputs ETO places in a stage.
//! * `sequence.csv` → `FEEDS` (A goes into B: B depends on A) and `TYPE_OF`
//!   (A is a type of B: the parent category depends on its sub-types, each
//!   weighted by its market size over the parent's when both are known for
//!   the same year).
//! * `provision.csv` → market shares, kept apart by provider type because
//!   ETO gives the same market twice: `COUNTRY_SHARE` (to a Nation, or the
//!   Europe region) and `FIRM_SHARE` (to a Firm). Both are dependency edges;
//!   users pick one with `via`.
//! * `providers.csv` → resolution of countries (ISO3) and firms to curated
//!   nodes; unmatched firms become `eto-…` Firm nodes located in their nation.
//! * Curated `Technology` nodes that describe the same thing as an ETO input
//!   get a `DETAILED_BY` edge to it (role `other`, so curated analyses are
//!   unchanged unless a query asks for it).

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::path::Path;

use super::cells::{name_key, parse_market_size, percent_to_share, round_sig, round_to};
use super::outgraph::{OutEdge, OutGraph, OutNode, Prop};
use super::raw::{Col, Row, Table};
use super::resolve::{Lookup, Resolved};
use super::{ImportError, Out};

/// The data set's name, first in every `source`.
pub(crate) const DATASET: &str = "ETO Advanced Semiconductor Supply Chain Dataset (CSET)";
/// `as_of` for facts without a year of their own: the snapshot's date.
pub(crate) const SNAPSHOT: &str = "2026-08";
/// Mapping-table namespaces this importer reads.
pub(crate) const NAMESPACES: &[&str] = &["eto-provider", "eto-input"];

/// Region codes ETO uses as "country" providers that are no nation.
const REGIONS: &[(&str, &str)] = &[("EUR", "Europe")];

/// The set's `schema.toml`, written as it stands: the kinds and edge types
/// the set adds, each with why (the loader checks it like any schema).
pub(crate) const SCHEMA: &str = include_str!("eto-schema.toml");

/// The raw tables.
#[derive(Debug)]
pub(crate) struct EtoRaw {
    pub stages: Table,
    pub inputs: Table,
    pub sequence: Table,
    pub providers: Table,
    pub provision: Table,
}

impl EtoRaw {
    /// Reads the five CSV files from `dir`.
    pub fn read(dir: &Path) -> Result<EtoRaw, ImportError> {
        let [stages, inputs, sequence, providers, provision] = Table::read_all(
            dir,
            [
                "stages.csv",
                "inputs.csv",
                "sequence.csv",
                "providers.csv",
                "provision.csv",
            ],
        )?;
        Ok(EtoRaw {
            stages,
            inputs,
            sequence,
            providers,
            provision,
        })
    }
}

fn source(file: &str, extra: &str) -> String {
    if extra.trim().is_empty() {
        format!("{DATASET}, {file}")
    } else {
        format!("{DATASET}, {file}; {}", extra.trim())
    }
}

/// One provider as `providers.csv` describes it, rows with the same id merged.
#[derive(Debug, Clone)]
struct Provider {
    id: String,
    name: String,
    aliases: Vec<String>,
    /// Names `provision.csv` uses for it that differ from `name` (renamed providers).
    old_names: Vec<String>,
    is_country: bool,
    country: String,
    line: u64,
}

impl Provider {
    fn names(&self) -> Vec<&str> {
        let mut v = vec![self.name.as_str()];
        v.extend(self.aliases.iter().map(String::as_str));
        v.extend(self.old_names.iter().map(String::as_str));
        v
    }
}

/// Builds the graph.
pub(crate) fn build(raw: &EtoRaw, out: Out<'_>) -> Result<OutGraph, ImportError> {
    let mut b = Builder {
        out,
        nodes_by_eto: HashMap::new(),
        nations: HashMap::new(),
    };
    b.stages(&raw.stages)?;
    let input_stage = b.inputs(&raw.inputs)?;
    let up = b.sequence(&raw.sequence, &raw.inputs)?;
    b.derive_stages(&input_stage, &up);
    let providers = b.providers(&raw.providers)?;
    b.provision(&raw.provision, providers)?;
    b.detailed_by();
    Ok(b.out.finish("ETO", "eto_name", &["Input", "Stage"]))
}

struct Builder<'a> {
    out: Out<'a>,
    /// ETO id (`N20`, `S2`) → node id.
    nodes_by_eto: HashMap<String, String>,
    /// Country provider name (`JPN`) → resolved node id (`None`: no node).
    nations: HashMap<String, Option<String>>,
}

impl Builder<'_> {
    /// A fresh id `eto-slug`, unique against this graph and the resolver.
    fn fresh_id(&self, base: &str, fallback: &str) -> String {
        self.out.fresh_id("eto-", base, fallback)
    }

    /// The row's ETO id in column `col`, unless it is empty or was seen
    /// before (then the row is skipped, and the report says so).
    fn new_eto_id<'r>(
        &mut self,
        row: &'r Row,
        col: Col,
        what: &str,
        file: &str,
    ) -> Option<&'r str> {
        let eto_id = row.get(col);
        if eto_id.is_empty() || self.nodes_by_eto.contains_key(eto_id) {
            self.out.rep.skip(format!(
                "[eto/{what}] {file}:{}: {what} id '{eto_id}' empty or repeated; row skipped",
                row.line
            ));
            return None;
        }
        Some(eto_id)
    }

    fn stages(&mut self, t: &Table) -> Result<(), ImportError> {
        let [sid, name, desc, size, caption, msrc] = t.cols(
            "stage_id, stage_name, description, \
             market_share_chart_global_market_size_info, market_share_chart_caption, \
             market_share_chart_source",
        )?;
        for row in t.rows() {
            let Some(eto_id) = self.new_eto_id(row, sid, "stage", "stages.csv") else {
                continue;
            };
            let id = self.fresh_id(&format!("stage {}", row.get(name)), eto_id);
            let mut n = OutNode::new(&id, "Stage", row.get(name), "stages");
            n.set("eto_id", eto_id)
                .set("description", row.get(desc))
                .set("market_share_caption", row.get(caption));
            self.market_size(&mut n, row.get(size), &t.file, row.line);
            n.set("market_share_source", row.get(msrc))
                .set("source", source(&t.file, ""))
                .set("as_of", SNAPSHOT);
            self.nodes_by_eto.insert(eto_id.to_string(), id);
            self.out.g.add_node(n);
        }
        Ok(())
    }

    fn market_size(&mut self, n: &mut OutNode, cell: &str, file: &str, line: u64) {
        if cell.is_empty() {
            return;
        }
        n.set("market_size", cell);
        match parse_market_size(cell) {
            Some(m) => {
                n.set("market_size_usd_bn", m.usd_bn);
                if let Some(y) = m.year {
                    n.set("market_size_year", y);
                }
            }
            None => self.out.rep.note(format!(
                "[eto/market-size] {file}:{line}: market size '{cell}' not understood; kept as text only"
            )),
        }
    }

    /// Input nodes; returns input node id → its own stage node id (processes).
    fn inputs(&mut self, t: &Table) -> Result<HashMap<String, String>, ImportError> {
        let [iid, name, ty, stage_name, stage_id, desc, year, size, msrc] = t.cols(
            "input_id, input_name, type, stage_name, stage_id, description, year, \
             market_share_chart_global_market_size_info, market_share_chart_source",
        )?;
        let mut own_stage = HashMap::new();
        for row in t.rows() {
            let Some(eto_id) = self.new_eto_id(row, iid, "input", "inputs.csv") else {
                continue;
            };
            let id = self.fresh_id(row.get(name), eto_id);
            let mut n = OutNode::new(&id, "Input", row.get(name), "inputs");
            n.set("eto_id", eto_id)
                .set("input_type", row.get(ty))
                .set("description", row.get(desc));
            match row.get(year) {
                "" => {}
                y => match y.parse::<i64>() {
                    Ok(v) => {
                        n.set("year", Prop::Int(v));
                    }
                    Err(_) => self.out.rep.skip(format!(
                        "[eto/year] inputs.csv:{}: year '{y}' is no integer; left out",
                        row.line
                    )),
                },
            }
            self.market_size(&mut n, row.get(size), &t.file, row.line);
            n.set("market_share_source", row.get(msrc))
                .set("source", source(&t.file, ""))
                .set("as_of", as_of(row.get(year)));
            let sid = row.get(stage_id);
            if !sid.is_empty() {
                match self.nodes_by_eto.get(sid).filter(|n| self.out.g.nodes.get(*n).is_some_and(|n| n.kind == "Stage")) {
                    Some(stage_node) => {
                        let mut e = OutEdge::new(&id, stage_node, "IN_STAGE", "stages");
                        e.set("source", source(&t.file, "")).set("as_of", SNAPSHOT);
                        let _ = self.out.g.add_edge(e);
                        own_stage.insert(id.clone(), stage_node.clone());
                    }
                    _ => self.out.rep.skip(format!(
                        "[eto/stage] inputs.csv:{}: input {eto_id} names stage '{sid}' ({}), which stages.csv lacks; no IN_STAGE edge",
                        row.line,
                        row.get(stage_name)
                    )),
                }
            }
            self.nodes_by_eto.insert(eto_id.to_string(), id.clone());
            self.out.g.add_node(n);
        }
        Ok(own_stage)
    }

    /// FEEDS and TYPE_OF edges; returns, per input node, the nodes that
    /// consume it or that it is a type of (to derive stages).
    fn sequence(
        &mut self,
        t: &Table,
        inputs: &Table,
    ) -> Result<HashMap<String, Vec<String>>, ImportError> {
        let [iid, iname, gid, tid] = t.cols("input_id, input_name, goes_into_id, is_type_of_id")?;
        let mut up: HashMap<String, Vec<String>> = HashMap::new();
        let names: HashMap<String, String> = {
            let [i, n] = inputs.cols("input_id, input_name")?;
            inputs
                .rows()
                .iter()
                .map(|r| (r.get(i).to_string(), r.get(n).to_string()))
                .collect()
        };
        for row in t.rows() {
            let at = format!("sequence.csv:{}", row.line);
            let Some(from) = self.nodes_by_eto.get(row.get(iid)).cloned() else {
                self.out.rep.skip(format!(
                    "[eto/sequence] {at}: input '{}' is not in inputs.csv; row skipped",
                    row.get(iid)
                ));
                continue;
            };
            if names
                .get(row.get(iid))
                .is_some_and(|n| name_key(n) != name_key(row.get(iname)))
            {
                self.out.rep.note(format!(
                    "[eto/sequence] {at}: input {} is called '{}' here and '{}' in inputs.csv; inputs.csv wins",
                    row.get(iid),
                    row.get(iname),
                    names[row.get(iid)]
                ));
            }
            let links = [(row.get(gid), "FEEDS"), (row.get(tid), "TYPE_OF")];
            if links.iter().all(|(target, _)| target.is_empty()) {
                self.out.rep.skip(format!(
                    "[eto/sequence] {at}: neither 'goes into' nor 'is type of' given; row skipped"
                ));
            }
            for (target, ty) in links {
                if target.is_empty() {
                    continue;
                }
                let Some(to) = self.nodes_by_eto.get(target).cloned() else {
                    self.out.rep.skip(format!("[eto/sequence] {at}: {ty} target '{target}' is not in inputs.csv; link skipped"));
                    continue;
                };
                let mut e = OutEdge::new(&from, &to, ty, "sequence");
                if ty == "TYPE_OF" {
                    self.type_share(&mut e, &from, &to);
                }
                e.set("source", source(&t.file, "")).set("as_of", SNAPSHOT);
                if self.out.g.add_edge(e).is_err() {
                    self.out.rep.note(format!(
                        "[eto/sequence] {at}: {from} -[{ty}]-> {to} is listed twice; kept once"
                    ));
                }
                up.entry(from.clone()).or_default().push(to);
            }
        }
        Ok(up)
    }

    /// share = child market / parent market, for the same year and child ≤ parent.
    fn type_share(&mut self, e: &mut OutEdge, child: &str, parent: &str) {
        let size = |id: &str| -> Option<(f64, Option<String>)> {
            let n = self.out.g.nodes.get(id)?;
            let v = match n.props.get("market_size_usd_bn") {
                Some(Prop::Float(f)) => *f,
                _ => return None,
            };
            let y = match n.props.get("market_size_year") {
                Some(Prop::Str(s)) => Some(s.clone()),
                _ => None,
            };
            Some((v, y))
        };
        let (Some((c, cy)), Some((p, py))) = (size(child), size(parent)) else {
            return;
        };
        if cy.is_none() || cy != py || p <= 0.0 || c <= 0.0 {
            return;
        }
        if c > p {
            self.out.rep.note(format!(
                "[eto/type-share] {child} (${c} bn) is larger than its parent {parent} (${p} bn); TYPE_OF left without share"
            ));
            return;
        }
        e.set("share", round_sig(c / p, 4)).set(
            "share_basis",
            format!(
                "market size ${c} bn of ${p} bn ({})",
                cy.unwrap_or_default()
            ),
        );
    }

    /// Sets `stage` on every input: its own stage, else the stages of what it
    /// feeds or is a type of (breadth-first, all reachable stages).
    fn derive_stages(&mut self, own: &HashMap<String, String>, up: &HashMap<String, Vec<String>>) {
        let stage_name =
            |g: &OutGraph, sid: &str| g.nodes.get(sid).map(|n| n.name.clone()).unwrap_or_default();
        let ids: Vec<String> = self
            .out
            .g
            .nodes
            .iter()
            .filter(|(_, n)| n.kind == "Input")
            .map(|(id, _)| id.clone())
            .collect();
        for id in ids {
            let mut found: BTreeSet<String> = BTreeSet::new();
            if let Some(s) = own.get(&id) {
                found.insert(stage_name(&self.out.g, s));
            } else {
                let mut seen: BTreeSet<&str> = BTreeSet::new();
                let mut queue: VecDeque<&str> = VecDeque::from([id.as_str()]);
                while let Some(cur) = queue.pop_front() {
                    if !seen.insert(cur) {
                        continue;
                    }
                    if let Some(s) = own.get(cur) {
                        found.insert(stage_name(&self.out.g, s));
                        continue;
                    }
                    queue.extend(up.get(cur).into_iter().flatten().map(String::as_str));
                }
            }
            if let Some(n) = self.out.g.nodes.get_mut(&id) {
                n.set("stage", found.into_iter().collect::<Vec<_>>().join("; "));
            }
        }
    }

    /// Reads providers.csv, merging rows that repeat an id.
    fn providers(&mut self, t: &Table) -> Result<BTreeMap<String, Provider>, ImportError> {
        let [name, alias, pid, ty, country] =
            t.cols("provider_name, alias, provider_id, provider_type, country")?;
        let mut out: BTreeMap<String, Provider> = BTreeMap::new();
        let mut repeats: BTreeMap<String, usize> = BTreeMap::new();
        for row in t.rows() {
            let id = row.get(pid).to_string();
            if id.is_empty() {
                self.out.rep.skip(format!(
                    "[eto/provider] providers.csv:{}: no provider id; row skipped",
                    row.line
                ));
                continue;
            }
            let is_country = match row.get(ty) {
                "country" => true,
                "organization" => false,
                other => {
                    self.out.rep.skip(format!(
                        "[eto/provider] providers.csv:{}: provider {id} has type '{other}' (expected country or organization); row skipped",
                        row.line
                    ));
                    continue;
                }
            };
            match out.get_mut(&id) {
                None => {
                    let mut p = Provider {
                        id: id.clone(),
                        name: row.get(name).to_string(),
                        aliases: Vec::new(),
                        old_names: Vec::new(),
                        is_country,
                        country: row.get(country).to_string(),
                        line: row.line,
                    };
                    push_unique(&mut p.aliases, row.get(alias), &p.name);
                    out.insert(id, p);
                }
                Some(p) => {
                    *repeats.entry(id.clone()).or_default() += 1;
                    if name_key(&p.name) != name_key(row.get(name))
                        || p.is_country != is_country
                        || p.country != row.get(country)
                    {
                        self.out.rep.skip(format!(
                            "[eto/provider-conflict] providers.csv:{}: provider {id} repeated as '{}' ({}, {}) but first given as '{}' ({}, {}) at line {}; the first is kept, the other name becomes an alias",
                            row.line,
                            row.get(name),
                            row.get(ty),
                            row.get(country),
                            p.name,
                            if p.is_country { "country" } else { "organization" },
                            p.country,
                            p.line
                        ));
                        let n = row.get(name).to_string();
                        let main = p.name.clone();
                        push_unique(&mut p.aliases, &n, &main);
                    }
                    let main = p.name.clone();
                    push_unique(&mut p.aliases, row.get(alias), &main);
                }
            }
        }
        for (id, extra) in repeats {
            let p = &out[&id];
            self.out.rep.skip(format!(
                "[eto/provider-repeated] providers.csv: provider {id} '{}' is listed {} times with different aliases; merged into one provider with aliases [{}]",
                p.name,
                extra + 1,
                p.aliases.join(" | ")
            ));
        }
        Ok(out)
    }

    fn provision(
        &mut self,
        t: &Table,
        mut providers: BTreeMap<String, Provider>,
    ) -> Result<(), ImportError> {
        let [pname, pid, did, share, year, src] =
            t.cols("provider_name, provider_id, provided_id, share_provided, year, source")?;
        // Renamed providers: provision.csv still uses the old name.
        for row in t.rows() {
            if let Some(p) = providers.get_mut(row.get(pid)) {
                let used = row.get(pname);
                if name_key(used) != name_key(&p.name)
                    && !p.old_names.iter().any(|o| name_key(o) == name_key(used))
                {
                    p.old_names.push(used.to_string());
                    self.out.rep.skip(format!(
                        "[eto/provider-renamed] provision.csv:{}: provider {} is called '{used}' here but '{}' in providers.csv (renamed); matched by id, old name kept as an alias",
                        row.line, p.id, p.name
                    ));
                }
            }
        }
        let mut used: BTreeSet<String> = BTreeSet::new();
        let mut resolved: HashMap<String, Option<String>> = HashMap::new();
        for row in t.rows() {
            let at = format!("provision.csv:{}", row.line);
            let Some(p) = providers.get(row.get(pid)).cloned() else {
                self.out.rep.skip(format!(
                    "[eto/provision] {at}: provider {} '{}' is not in providers.csv; row skipped",
                    row.get(pid),
                    row.get(pname)
                ));
                continue;
            };
            used.insert(p.id.clone());
            let Some(from) = self.nodes_by_eto.get(row.get(did)).cloned() else {
                self.out.rep.skip(format!(
                    "[eto/provision] {at}: provided id '{}' is no input or stage; row skipped",
                    row.get(did)
                ));
                continue;
            };
            let target = match resolved.get(&p.id) {
                Some(t) => t.clone(),
                None => {
                    let t = self.provider_node(&p, &providers);
                    resolved.insert(p.id.clone(), t.clone());
                    t
                }
            };
            let Some(to) = target else {
                self.out.rep.skip(format!(
                    "[eto/placeholder] {at}: provider '{}' ({}) is a placeholder, not an entity; its share {}% of '{}' is left unallocated (counts as unknown)",
                    row.get(pname),
                    p.id,
                    if row.get(share).is_empty() { "(none)" } else { row.get(share) },
                    self.out.g.nodes.get(&from).map_or("", |n| n.name.as_str())
                ));
                continue;
            };
            let ty = if p.is_country {
                "COUNTRY_SHARE"
            } else {
                "FIRM_SHARE"
            };
            let mut e = OutEdge::new(
                &from,
                &to,
                ty,
                if p.is_country {
                    "country-shares"
                } else {
                    "firm-shares"
                },
            );
            let raw_share = row.get(share);
            match percent_to_share(raw_share) {
                None if raw_share.is_empty() => {}
                None => self.out.rep.skip(format!(
                    "[eto/share] {at}: share '{raw_share}' is no number; edge kept without share"
                )),
                Some(0.0) => self.out.rep.skip(format!(
                    "[eto/zero-share] {at}: {} has share 0.0% of {from} (rounded to zero); edge kept without share",
                    p.name
                )),
                Some(s) if !(0.0..=1.0).contains(&s) => self.out.rep.skip(format!(
                    "[eto/share] {at}: share {raw_share}% is outside 0..100; edge kept without share"
                )),
                Some(s) => {
                    e.set("share", s);
                }
            }
            e.set("eto_provider", format!("{} {}", p.id, p.name))
                .set("source", source(&t.file, row.get(src)))
                .set("as_of", as_of(row.get(year)));
            if let Err(dup) = self.out.g.add_edge(e) {
                self.merge_share(dup, &at);
            }
        }
        for p in providers.values().filter(|p| !used.contains(&p.id)) {
            let referenced_as_country = p.is_country
                && providers
                    .values()
                    .any(|o| !o.is_country && o.country == p.name);
            if !referenced_as_country {
                self.out.rep.skip(format!(
                    "[eto/unused-provider] providers.csv:{}: provider {} '{}' provides nothing in provision.csv; not imported",
                    p.line, p.id, p.name
                ));
            }
        }
        self.share_sums();
        Ok(())
    }

    /// Two ETO providers resolved to the same node for the same input
    /// (Linde and Praxair are one firm now): one edge, shares added.
    fn merge_share(&mut self, dup: OutEdge, at: &str) {
        let Some(e) = self.out.g.edge_mut(&dup.from, &dup.to, dup.ty) else {
            return;
        };
        let (a, b) = (e.share(), dup.share());
        if let Some(sum) = match (a, b) {
            (Some(x), Some(y)) => Some(round_to(x + y, 6)),
            (x, y) => x.or(y),
        } {
            e.set("share", sum);
        }
        let provider = |p: &super::outgraph::OutEdge| match p.props.get("eto_provider") {
            Some(Prop::Str(s)) => s.clone(),
            _ => String::new(),
        };
        let merged = format!("{}; {}", provider(e), provider(&dup));
        e.set("eto_provider", merged.clone());
        self.out.rep.skip(format!(
            "[eto/merged] {at}: providers {merged} resolve to the same node {}; one {} edge from {}, shares added",
            dup.to, dup.ty, dup.from
        ));
    }

    /// Notes inputs whose shares of one type sum over 100% (rounding, per ETO).
    fn share_sums(&mut self) {
        let mut sums: BTreeMap<(String, &'static str), f64> = BTreeMap::new();
        for e in self.out.g.edges.values() {
            if let Some(s) = e.share() {
                *sums.entry((e.from.clone(), e.ty)).or_default() += s;
            }
        }
        for ((from, ty), sum) in sums {
            if sum > 1.0 + 1e-9 {
                self.out.rep.note(format!(
                    "[eto/share-sum] {from}: {ty} shares sum to {:.1}% (over 100% by rounding, as ETO's notes say; the analyses scale sums over 1 down)",
                    sum * 100.0
                ));
            }
        }
    }

    /// The node a provider stands for; `None` for a placeholder.
    fn provider_node(&mut self, p: &Provider, all: &BTreeMap<String, Provider>) -> Option<String> {
        if p.is_country {
            return self.nation(&p.name, all);
        }
        let mut names = vec![p.id.as_str()];
        names.extend(p.names());
        match self.out.resolver.resolve("eto-provider", &["Firm"], &names) {
            Resolved::Unmatched { .. } if is_placeholder(&p.name) => None,
            Resolved::Node { id, how } => {
                if !p.old_names.is_empty() || !p.aliases.is_empty() {
                    // Curated nodes are not ours to change: report the names we could not add.
                    let extra: Vec<&str> = p
                        .names()
                        .into_iter()
                        .filter(|n| self.out.resolver.index.find(&["Firm"], n) == Lookup::None)
                        .collect();
                    if !extra.is_empty() {
                        self.out.rep.note(format!(
                            "[eto/aliases] provider {} '{}' matched curated {id}; its other names [{}] are not curated aliases",
                            p.id,
                            p.name,
                            extra.join(" | ")
                        ));
                    }
                }
                let _ = how;
                if self.out.resolver.index.get(&id).is_some_and(|e| e.linked) {
                    // A firm another import created (Epoch's 'Sunway'): ETO
                    // knows its country, the other set did not say.
                    self.locate(&id, p, all);
                }
                Some(id)
            }
            Resolved::Placeholder { .. } => None,
            other => {
                let id = self.fresh_id(&p.name, &p.id);
                let why = describe(&other);
                let mut n = OutNode::new(&id, "Firm", &p.name, "firms");
                for a in p.aliases.iter().chain(&p.old_names) {
                    n.add_alias(a);
                }
                n.set("eto_provider_id", p.id.as_str())
                    .set("source", source("providers.csv", ""))
                    .set("as_of", SNAPSHOT);
                self.out.g.add_node(n);
                let located = self.locate(&id, p, all).unwrap_or_else(|| "-".into());
                self.out.rep.unmatched(format!(
                    "eto firm {} '{}' ({}): {why}; new Firm {id}, LOCATED_IN {located}",
                    p.id, p.name, p.country
                ));
                Some(id)
            }
        }
    }

    /// Adds `LOCATED_IN` from a firm to its ETO country; returns the nation.
    fn locate(
        &mut self,
        id: &str,
        p: &Provider,
        all: &BTreeMap<String, Provider>,
    ) -> Option<String> {
        if p.country.is_empty() || is_placeholder(&p.country) {
            self.out.rep.skip(format!(
                "[eto/no-country] providers.csv:{}: firm {} '{}' has country '{}'; no LOCATED_IN",
                p.line, p.id, p.name, p.country
            ));
            return None;
        }
        let nation = self.nation(&p.country, all)?;
        let mut e = OutEdge::new(id, &nation, "LOCATED_IN", "locations");
        e.set("source", source("providers.csv", ""))
            .set("as_of", SNAPSHOT);
        let _ = self.out.g.add_edge(e);
        Some(nation)
    }

    /// The node for a country code (`JPN`) or a country provider's name.
    fn nation(&mut self, code: &str, all: &BTreeMap<String, Provider>) -> Option<String> {
        if let Some(done) = self.nations.get(code) {
            return done.clone();
        }
        let provider = all.values().find(|p| p.is_country && p.name == code);
        let mut names = vec![code];
        if let Some(p) = provider {
            names.insert(0, p.id.as_str());
            names.extend(p.names().into_iter().skip(1));
        }
        let found = match self
            .out
            .resolver
            .resolve("eto-provider", &["Nation", "Bloc"], &names)
        {
            Resolved::Node { id, .. } => Some(id),
            Resolved::Placeholder { .. } => None,
            Resolved::Unmatched { .. } if is_placeholder(code) => None,
            other => Some(self.new_nation(code, provider, &describe(&other))),
        };
        self.nations.insert(code.to_string(), found.clone());
        found
    }

    fn new_nation(&mut self, code: &str, provider: Option<&Provider>, why: &str) -> String {
        let display = provider
            .and_then(|p| p.aliases.first().cloned())
            .unwrap_or_else(|| code.to_string());
        let region = REGIONS.iter().find(|(c, _)| *c == code);
        let id = self.fresh_id(&display, code);
        let kind = if region.is_some() { "Bloc" } else { "Nation" };
        let mut n = OutNode::new(
            &id,
            kind,
            region.map_or(display.as_str(), |(_, name)| name),
            "nations",
        );
        n.add_alias(code);
        if region.is_some() {
            n.set("bloc_type", "region (ETO aggregate; members not given)");
        } else if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
            n.set("iso3", code);
        }
        n.set("source", source("providers.csv", ""))
            .set("as_of", SNAPSHOT);
        self.out.g.add_node(n);
        self.out.rep.unmatched(format!(
            "eto country '{code}' ({display}): {why}; new {kind} {id}{}",
            if region.is_some() { " (a region, not a nation: no members are given, so exposure to a member nation does not include it)" } else { "" }
        ));
        id
    }

    /// DETAILED_BY from curated technologies to the ETO inputs they correspond to.
    fn detailed_by(&mut self) {
        let inputs: Vec<(String, String, String)> = self
            .out
            .g
            .nodes
            .values()
            .filter(|n| n.kind == "Input" || n.kind == "Stage")
            .map(|n| {
                let eto = match n.props.get("eto_id") {
                    Some(Prop::Str(s)) => s.clone(),
                    _ => String::new(),
                };
                (n.id.clone(), n.name.clone(), eto)
            })
            .collect();
        for (id, name, eto_id) in inputs {
            let mapped = [eto_id.as_str(), name.as_str()]
                .into_iter()
                .find_map(|k| self.out.resolver.map.get("eto-input", k));
            let (tech, basis) = match mapped {
                Some(row) => match &row.target {
                    None => continue,
                    Some(t) => match self.out.resolver.index.get(t) {
                        Some(e) if e.kind == "Technology" => {
                            (t.clone(), format!("entity-map.csv line {}", row.line))
                        }
                        _ => {
                            self.out.rep.unmatched(format!(
                                "entity-map.csv line {}: eto input {eto_id} mapped to '{t}', which is no curated Technology; no DETAILED_BY",
                                row.line
                            ));
                            continue;
                        }
                    },
                },
                None => match self.out.resolver.index.find(&["Technology"], &name) {
                    Lookup::One(e, step) => (e.id.to_string(), format!("same {step}: '{name}'")),
                    Lookup::Many(es) => {
                        self.out.rep.note(format!(
                            "[eto/detailed-by] input {eto_id} '{name}' matches several technologies ({}); no DETAILED_BY, add an eto-input row to entity-map.csv",
                            es.iter().map(|e| e.id).collect::<Vec<_>>().join(", ")
                        ));
                        continue;
                    }
                    Lookup::None => continue,
                },
            };
            let mut e = OutEdge::new(&tech, &id, "DETAILED_BY", "curated-links");
            e.set("basis", basis)
                .set("source", source("inputs.csv", ""))
                .set("as_of", SNAPSHOT);
            let _ = self.out.g.add_edge(e);
        }
    }
}

/// A provider name that stands for "the rest of the market" rather than an
/// entity (`Various countries`, `Various companies`, `Various`), for rows the
/// mapping table does not cover.
/// The `as_of` of a row: its year, or the snapshot's date without one.
fn as_of(year: &str) -> &str {
    if year.is_empty() { SNAPSHOT } else { year }
}

fn is_placeholder(name: &str) -> bool {
    let n = name_key(name);
    n == "various" || n.starts_with("various ")
}

fn push_unique(v: &mut Vec<String>, value: &str, main: &str) {
    let k = name_key(value);
    if !k.is_empty() && k != name_key(main) && !v.iter().any(|x| name_key(x) == k) {
        v.push(value.trim().to_string());
    }
}

fn describe(r: &Resolved) -> String {
    match r {
        Resolved::Ambiguous { ids } => format!(
            "ambiguous ({}); add a row to entity-map.csv",
            ids.join(", ")
        ),
        Resolved::Unmatched { hint: Some(h) } => format!("no curated match ({h})"),
        Resolved::Unmatched { hint: None } => "no curated match".into(),
        Resolved::BadMapping { problem } => problem.clone(),
        Resolved::Node { id, .. } => format!("matched {id}"),
        Resolved::Placeholder { note } => format!("placeholder ({note})"),
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

    fn curated() -> Resolver {
        let mut index = IndexBuilder::default();
        let mut add = |id: &str, kind: &str, name: &str, aliases: &[&str], iso3: Option<&str>| {
            index.add(id, kind, name, aliases, iso3)
        };
        add("nl", "Nation", "Netherlands", &["NLD"], Some("NLD"));
        add("jp", "Nation", "Japan", &["JPN"], Some("JPN"));
        add("us", "Nation", "United States", &["USA"], Some("USA"));
        add("asml", "Firm", "ASML", &[], None);
        add("canon", "Firm", "Canon", &["Canon Inc."], None);
        add("linde", "Firm", "Linde", &["Praxair"], None);
        add(
            "euv-lithography",
            "Technology",
            "EUV lithography",
            &["EUV lithography tools"],
            None,
        );
        // A firm the Epoch import created (linked set, not curated).
        index.add_linked("epoch-sunway", "Firm", "Sunway", &[]);
        let index = index.build();
        Resolver {
            index,
            map: EntityMap::default(),
        }
    }

    const INPUTS: &str = "input_id,input_name,type,stage_name,stage_id,description,year,market_share_chart_global_market_size_info,market_share_chart_caption,market_share_chart_source\n\
        N25,Photolithography,process,Fabrication,S2,d,,,,\n\
        N19,Lithography tools,tool_resource,,,d,2025,$32.6 billion (2025),,\n\
        N20,EUV lithography tools,tool_resource,,,d,2025,$13 billion (2025),,\n\
        N91,Electronic gases,material_resource,,,d,2019,$6 billion,,\n";
    const STAGES: &str = "stage_id,stage_name,description,market_share_chart_global_market_size_info,market_share_chart_caption,market_share_chart_source\n\
        S2,Fabrication,d,,c,s\n";
    const SEQUENCE: &str = "input_name,input_id,goes_into_name,goes_into_id,is_type_of_name,is_type_of_id\n\
        EUV lithography tools,N20,,,Lithography tools,N19\n\
        Lithography tools,N19,Photolithography,N25,,\n\
        Electronic gases,N91,Photolithography,N25,,\n";

    fn raw(providers: &str, provision: &str) -> EtoRaw {
        EtoRaw {
            stages: table("stages.csv", STAGES),
            inputs: table("inputs.csv", INPUTS),
            sequence: table("sequence.csv", SEQUENCE),
            providers: table("providers.csv", providers),
            provision: table("provision.csv", provision),
        }
    }

    const PROVIDERS: &str = "provider_name,alias,provider_id,provider_type,country\n\
        NLD,Netherlands,P45,country,\n\
        JPN,Japan,P7,country,\n\
        USA,United States,P1,country,\n\
        Various countries,,P5,country,\n\
        ASML,,P88,organization,NLD\n\
        Canon,Canon ANELVA,P159,organization,JPN\n\
        Canon,,P159,organization,JPN\n\
        Canon,Canon Machinery,P159,organization,JPN\n\
        Linde,,P250,organization,DEU\n\
        Praxair,,P251,organization,USA\n\
        Various companies,,P370,organization,Various countries\n\
        Showa Denko,,P262,organization,JPN\n\
        Ghost Corp,,P999,organization,JPN\n\
        Sunway,,P31,organization,JPN\n";
    const PROVISION: &str = "provider_name,provider_id,provided_name,provided_id,share_provided,year,source\n\
        ASML,P88,EUV lithography tools,N20,100.0,2025,CSET analysis\n\
        NLD,P45,EUV lithography tools,N20,100.0,2025,CSET analysis\n\
        NLD,P45,Lithography tools,N19,81.5,2025,CSET analysis\n\
        JPN,P7,Lithography tools,N19,18.6,2025,CSET analysis\n\
        Various,P5,Lithography tools,N19,0.0,2025,CSET analysis\n\
        USA,P1,Lithography tools,N19,0.0,2025,CSET analysis\n\
        Canon,P159,Lithography tools,N19,3.4,2025,CSET analysis\n\
        Various companies,P370,Lithography tools,N19,3.4,2025,CSET analysis\n\
        Linde,P250,Electronic gases,N91,,2019,\n\
        Praxair,P251,Electronic gases,N91,,2019,\n\
        Showa Denka,P262,Electronic gases,N91,,2019,\n\
        Sunway,P31,Lithography tools,N19,,2019,\n";

    fn run() -> (OutGraph, Report) {
        let r = curated();
        let mut rep = Report::default();
        let g = build(&raw(PROVIDERS, PROVISION), Out::new(&r, &mut rep)).expect("builds");
        (g, rep)
    }

    /// The imported node with ETO id `eto`.
    fn by_eto<'g>(g: &'g OutGraph, eto: &str) -> &'g OutNode {
        g.nodes
            .values()
            .find(|n| n.props.get("eto_id") == Some(&Prop::Str(eto.into())))
            .expect("imported")
    }

    /// The first imported node whose name starts with `prefix`.
    fn named<'g>(g: &'g OutGraph, prefix: &str) -> &'g OutNode {
        g.nodes
            .values()
            .find(|n| n.name.starts_with(prefix))
            .expect("imported")
    }

    /// The imported node called `name`.
    fn named_exactly<'g>(g: &'g OutGraph, name: &str) -> &'g OutNode {
        g.nodes.values().find(|n| n.name == name).expect("imported")
    }

    #[test]
    fn euv_tools_depend_on_asml_and_the_netherlands_at_100_percent() {
        let (g, _) = run();
        let input = by_eto(&g, "N20");
        let firm = &g.edges[&(input.id.clone(), "asml".to_string(), "FIRM_SHARE")];
        assert_eq!(firm.share(), Some(1.0));
        let country = &g.edges[&(input.id.clone(), "nl".to_string(), "COUNTRY_SHARE")];
        assert_eq!(country.share(), Some(1.0));
        assert_eq!(
            input.name, "EUV lithography tools (ETO)",
            "curated alias claims the plain name"
        );
        assert!(
            g.edges
                .contains_key(&("euv-lithography".into(), input.id.clone(), "DETAILED_BY"))
        );
    }

    #[test]
    fn repeated_provider_ids_merge_with_all_aliases() {
        let (g, rep) = run();
        rep.assert_has("provider P159 'Canon' is listed 3 times");
        rep.assert_has("Canon ANELVA | Canon Machinery");
        // Canon matched the curated node: one FIRM_SHARE edge, not three.
        let canon: Vec<_> = g.edges.values().filter(|e| e.to == "canon").collect();
        assert_eq!(canon.len(), 1);
    }

    #[test]
    fn renamed_providers_resolve_by_id_and_keep_the_old_name() {
        let (g, rep) = run();
        rep.assert_has("provider P262 is called 'Showa Denka' here but 'Showa Denko'");
        let showa = named_exactly(&g, "Showa Denko");
        assert_eq!(showa.aliases, vec!["Showa Denka"]);
        assert!(
            g.edges
                .contains_key(&(showa.id.clone(), "jp".to_string(), "LOCATED_IN"))
        );
        assert!(rep.unmatched.iter().any(|l| l.contains("P262")));
    }

    #[test]
    fn placeholders_are_skipped_with_their_share_left_unallocated() {
        let (g, rep) = run();
        rep.assert_has("provider 'Various companies' (P370) is a placeholder");
        rep.assert_has("provider 'Various' (P5) is a placeholder");
        assert!(!g.nodes.values().any(|n| n.name.starts_with("Various")));
    }

    #[test]
    fn zero_shares_keep_the_edge_without_a_share() {
        let (g, rep) = run();
        let lith = named(&g, "Lithography tools").id.clone();
        let us = &g.edges[&(lith.clone(), "us".to_string(), "COUNTRY_SHARE")];
        assert_eq!(us.share(), None);
        rep.assert_has("has share 0.0%");
        // NLD 81.5 + JPN 18.6 = 100.1: a rounding note, nothing changed.
        rep.assert_has("COUNTRY_SHARE shares sum to 100.1%");
    }

    #[test]
    fn two_providers_resolving_to_one_firm_give_one_merged_edge() {
        let (g, rep) = run();
        let gases = by_eto(&g, "N91").id.clone();
        let e = &g.edges[&(gases, "linde".to_string(), "FIRM_SHARE")];
        assert_eq!(
            e.props.get("eto_provider"),
            Some(&Prop::Str("P250 Linde; P251 Praxair".into()))
        );
        rep.assert_has("[eto/merged]");
    }

    #[test]
    fn firms_another_import_created_are_linked_and_located() {
        let (g, rep) = run();
        let lith = named(&g, "Lithography tools").id.clone();
        assert!(
            g.edges
                .contains_key(&(lith, "epoch-sunway".to_string(), "FIRM_SHARE"))
        );
        assert!(g.edges.contains_key(&(
            "epoch-sunway".to_string(),
            "jp".to_string(),
            "LOCATED_IN"
        )));
        assert!(
            !g.nodes.values().any(|n| n.name == "Sunway"),
            "no duplicate node"
        );
        assert!(!rep.unmatched.iter().any(|l| l.contains("Sunway")));
    }

    #[test]
    fn unused_providers_are_reported_not_imported() {
        let (g, rep) = run();
        rep.assert_has("provider P999 'Ghost Corp' provides nothing");
        assert!(!g.nodes.values().any(|n| n.name == "Ghost Corp"));
    }

    #[test]
    fn sequence_gives_feeds_type_of_with_market_share_and_derived_stage() {
        let (g, _) = run();
        let id = |eto: &str| by_eto(&g, eto).id.clone();
        let t = &g.edges[&(id("N20"), id("N19"), "TYPE_OF")];
        assert_eq!(t.share(), Some(round_sig(13.0 / 32.6, 4)));
        assert!(g.edges.contains_key(&(id("N19"), id("N25"), "FEEDS")));
        // Electronic gases: market size has no year, so nothing to compare; stage derived through FEEDS.
        assert_eq!(
            g.nodes[&id("N91")].props.get("stage"),
            Some(&Prop::Str("Fabrication".into()))
        );
        assert_eq!(
            g.nodes[&id("N20")].props.get("stage"),
            Some(&Prop::Str("Fabrication".into()))
        );
        assert!(g.edges.contains_key(&(
            id("N25"),
            "eto-stage-fabrication".to_string(),
            "IN_STAGE"
        )));
    }
}
