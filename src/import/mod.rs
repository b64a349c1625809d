//! Importers for public data sets: raw files in, Faultline data format out,
//! linked into the curated graph.
//!
//! * [`import_eto`] — ETO Advanced Semiconductor Supply Chain Dataset (CSET,
//!   CC BY-NC 4.0): inputs, stages, the input sequence, market shares by
//!   country and by firm.
//! * [`import_epoch`] — Epoch AI (CC BY 4.0): GPU clusters, ML hardware,
//!   frontier data centers and their timelines.
//!
//! Each writes one directory (`graph-data/imported/<set>/`): a `schema.toml`
//! declaring only the kinds and edge types the set adds, `nodes/*.csv`,
//! `edges/*.csv`, and an `ATTRIBUTION.md`. Entities are resolved against the
//! curated graph ([`resolve`]): an edge to "Nvidia" points at the curated
//! `nvidia` node; a firm with no curated match becomes a new node with a
//! prefixed id (`eto-…`, `epoch-…`). Nothing is dropped silently: every
//! skipped or adjusted item is a line in the [`ImportReport`].
//!
//! The ETO import links to nodes the Epoch import created (firms such as
//! Sunway and Graphcore appear in both), so Epoch is imported first and ETO
//! resolves against `graph-data/nodes/` plus `graph-data/imported/epoch/nodes/`.
//! The dependency runs this way because of the licences: the Epoch set (CC BY)
//! must load without the ETO set (CC BY-NC), which commercial users leave out.
//!
//! The modelling choices (kinds, edge types, roles, directions and why) are
//! documented in `graph-data/imported/README.md`.

mod cells;
mod check;
mod csvout;
mod epoch;
mod eto;
mod outgraph;
mod raw;
pub mod resolve;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::diag::Problem;

pub use check::{check, check_set};

use outgraph::OutGraph;
use resolve::{EntityIndex, EntityMap, Resolver};

/// The mapping table, relative to the curated graph directory.
pub const ENTITY_MAP: &str = "sources/entity-map.csv";

/// The data sets this module imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataSet {
    /// ETO Advanced Semiconductor Supply Chain Dataset.
    Eto,
    /// Epoch AI GPU clusters, ML hardware and data centers.
    Epoch,
}

impl DataSet {
    /// Every data set, in import order (a later set may link to an earlier
    /// one): Epoch (CC BY) first, so it never depends on ETO (CC BY-NC).
    pub const ALL: [DataSet; 2] = [DataSet::Epoch, DataSet::Eto];

    /// The short name used in paths and on the command line (`eto`, `epoch`).
    pub fn name(self) -> &'static str {
        match self {
            DataSet::Eto => "eto",
            DataSet::Epoch => "epoch",
        }
    }

    /// Parses a short name.
    pub fn from_name(name: &str) -> Option<DataSet> {
        DataSet::ALL.into_iter().find(|d| d.name() == name)
    }

    /// Where the raw files live, relative to the curated graph directory.
    pub fn default_source(self, curated: &Path) -> PathBuf {
        curated.join("sources").join(self.name())
    }

    /// Where the import is written, relative to the curated graph directory.
    pub fn default_output(self, curated: &Path) -> PathBuf {
        curated.join("imported").join(self.name())
    }

    /// Directories, besides the curated graph, whose nodes this set resolves
    /// against and may link to: the sets imported before it.
    pub fn links_into(self, curated: &Path) -> Vec<PathBuf> {
        DataSet::ALL
            .into_iter()
            .take_while(|d| *d != self)
            .map(|d| d.default_output(curated))
            .collect()
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportReport {
    /// Nodes written.
    pub nodes: usize,
    /// Edges written.
    pub edges: usize,
    /// One line per skipped or adjusted item: what, where, and why.
    pub skipped: Vec<String>,
    /// One line per entity that matched no existing node (and what was done).
    pub unmatched: Vec<String>,
    /// Observations that change nothing but are worth knowing (shares summing
    /// over 100% by rounding, stale mapping rows, numbers kept as floats).
    pub notes: Vec<String>,
    /// Files written, relative to the output directory.
    pub files: Vec<String>,
}

/// Why an import failed.
#[derive(Debug)]
pub enum ImportError {
    /// A file could not be read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A file is not valid CSV.
    Csv {
        /// The file.
        path: PathBuf,
        /// Line (0 when unknown).
        line: u64,
        /// What the CSV reader said.
        message: String,
    },
    /// A raw table lacks a column the importer needs.
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
    },
    /// A cell holds a value the importer cannot use and cannot skip.
    BadValue {
        /// The file.
        path: PathBuf,
        /// Line.
        line: u64,
        /// Column.
        column: String,
        /// The value found.
        value: String,
        /// What was expected.
        expected: String,
    },
    /// The data fails validation: the curated graph (or a set linked to)
    /// does not load, or the written set breaks a rule (a bug in the
    /// importer or a curated graph that changed under it).
    Invalid {
        /// The problems, each naming its file.
        problems: Vec<Problem>,
    },
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Io { path, source } => write!(f, "{}: {source}", path.display()),
            ImportError::Csv {
                path,
                line,
                message,
            } => write!(f, "{}:{line}: invalid CSV: {message}", path.display()),
            ImportError::MissingColumn { path, column } => {
                write!(f, "{}: no column '{column}' in the header", path.display())
            }
            ImportError::BadValue {
                path,
                line,
                column,
                value,
                expected,
            } => {
                write!(
                    f,
                    "{}:{line}: column '{column}': found '{value}', expected {expected}",
                    path.display()
                )
            }
            ImportError::Invalid { problems } => {
                write!(
                    f,
                    "the imported data set is invalid ({} problems):",
                    problems.len()
                )?;
                for p in problems {
                    write!(f, "\n  {p}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ImportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ImportError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Imports the ETO supply-chain data set from `src` (the raw CSV files) into
/// `out`, resolving entities against the curated graph in `curated`
/// (normally `graph-data`, whose `sources/entity-map.csv` is the mapping
/// table) and the Epoch import in `curated/imported/epoch` (import Epoch first).
pub fn import_eto(src: &Path, out: &Path, curated: &Path) -> Result<ImportReport, ImportError> {
    import(DataSet::Eto, src, out, curated)
}

/// Imports the Epoch AI data sets from `src` into `out`, resolving entities
/// against the curated graph in `curated` only.
pub fn import_epoch(src: &Path, out: &Path, curated: &Path) -> Result<ImportReport, ImportError> {
    import(DataSet::Epoch, src, out, curated)
}

/// Imports one data set: build, write, validate.
pub fn import(
    set: DataSet,
    src: &Path,
    out: &Path,
    curated: &Path,
) -> Result<ImportReport, ImportError> {
    let links = set.links_into(curated);
    let resolver = Resolver {
        index: EntityIndex::load(curated, &links)?,
        map: EntityMap::load(&curated.join(ENTITY_MAP))?,
    };
    let mut rep = Report::default();
    let (graph, schema, namespaces): (OutGraph, &str, &[&str]) = match set {
        DataSet::Eto => (
            eto::build(&eto::EtoRaw::read(src)?, Out::new(&resolver, &mut rep))?,
            eto::SCHEMA,
            eto::NAMESPACES,
        ),
        DataSet::Epoch => (
            epoch::build(&epoch::EpochRaw::read(src)?, Out::new(&resolver, &mut rep))?,
            epoch::SCHEMA,
            epoch::NAMESPACES,
        ),
    };
    rep.notes.extend(resolver.map.unused(namespaces));
    rep.unmatched.sort();
    let attribution = attribution(set, src)?;
    let files = csvout::write_set(out, &graph, schema, &attribution)?;
    let problems = check(out, curated, &links);
    if !problems.is_empty() {
        return Err(ImportError::Invalid { problems });
    }
    Ok(ImportReport {
        nodes: graph.nodes.len(),
        edges: graph.edges.len(),
        skipped: rep.skipped,
        unmatched: rep.unmatched,
        notes: rep.notes,
        files,
    })
}

/// The output's `ATTRIBUTION.md`: what was adapted and how, then the source's
/// own attribution file verbatim (CC licences require both).
fn attribution(set: DataSet, src: &Path) -> Result<String, ImportError> {
    let path = src.join("ATTRIBUTION.md");
    let original = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            "(the source directory had no ATTRIBUTION.md)\n".into()
        }
        Err(source) => return Err(ImportError::Io { path, source }),
    };
    let (title, licence) = match set {
        DataSet::Eto => (
            "ETO Advanced Semiconductor Supply Chain Dataset (CSET), adapted",
            "Licence: Creative Commons Attribution-NonCommercial 4.0 (CC BY-NC 4.0). This adaptation may be \
             used, shared and changed for NON-COMMERCIAL purposes only, with attribution.",
        ),
        DataSet::Epoch => (
            "Epoch AI data (GPU clusters, ML hardware, frontier data centers), adapted",
            "Licence: Creative Commons Attribution 4.0 (CC BY 4.0). This adaptation may be used, shared and \
             changed for any purpose, with attribution.",
        ),
    };
    Ok(format!(
        "# {title}\n\n\
         This directory was generated by Faultline's importer (`src/import`, run as\n\
         `cargo run --example import -- {name} graph-data/sources/{name} graph-data/imported/{name}`)\n\
         from the unmodified files in `graph-data/sources/{name}/`.\n\n\
         Changes made: the rows were converted to Faultline's graph format (nodes and edges),\n\
         percentages to shares in (0, 1], names resolved to the curated graph's entities, and\n\
         some values cleaned or left out; `graph-data/imported/README.md` documents every\n\
         choice, and the importer's report lists each skipped or adjusted item.\n\n\
         {licence}\n\n\
         The source's attribution file follows, verbatim.\n\n\
         ---\n\n\
         {original}",
        name = set.name()
    ))
}

/// Report lines collected while building.
#[derive(Debug, Default)]
pub(crate) struct Report {
    pub skipped: Vec<String>,
    pub unmatched: Vec<String>,
    pub notes: Vec<String>,
}

impl Report {
    /// A skipped or adjusted item.
    pub fn skip(&mut self, line: String) {
        self.skipped.push(line);
    }

    /// An entity with no existing node.
    pub fn unmatched(&mut self, line: String) {
        self.unmatched.push(line);
    }

    /// An observation.
    pub fn note(&mut self, line: String) {
        self.notes.push(line);
    }

    /// Whether some line of the report holds `needle`.
    #[cfg(test)]
    pub fn has(&self, needle: &str) -> bool {
        self.skipped
            .iter()
            .chain(&self.unmatched)
            .chain(&self.notes)
            .any(|l| l.contains(needle))
    }

    /// Asserts that some line of the report holds `needle`.
    #[cfg(test)]
    pub fn assert_has(&self, needle: &str) {
        assert!(self.has(needle), "`{needle}` not in {self:#?}");
    }
}

/// What an importer builds: the new graph, the resolver that matches its
/// entities against the curated graph, and the report.
pub(crate) struct Out<'a> {
    pub g: OutGraph,
    pub resolver: &'a resolve::Resolver,
    pub rep: &'a mut Report,
}

impl<'a> Out<'a> {
    /// An empty graph to build.
    pub fn new(resolver: &'a resolve::Resolver, rep: &'a mut Report) -> Out<'a> {
        Out {
            g: OutGraph::default(),
            resolver,
            rep,
        }
    }

    /// A fresh node id `prefix` + the slug of `base` (of `fallback` when
    /// that is empty), made unique with `-2`, `-3`… against the graph and
    /// the resolver's index.
    pub fn fresh_id(&self, prefix: &str, base: &str, fallback: &str) -> String {
        let s = cells::slug(base);
        let stem = if s.is_empty() {
            format!("{prefix}{}", cells::slug(fallback))
        } else {
            format!("{prefix}{s}")
        };
        let mut id = stem.clone();
        let mut n = 2;
        while self.g.has_node(&id) || self.resolver.index.get(&id).is_some() {
            id = format!("{stem}-{n}");
            n += 1;
        }
        id
    }

    /// The graph, its names kept unambiguous next to the curated graph
    /// (see [`keep_names_unambiguous`]).
    pub fn finish(
        mut self,
        suffix: &str,
        original_prop: &str,
        suffix_alias_kinds: &[&str],
    ) -> OutGraph {
        let index = &self.resolver.index;
        keep_names_unambiguous(
            &mut self.g,
            index,
            suffix,
            original_prop,
            suffix_alias_kinds,
            self.rep,
        );
        self.g
    }
}

/// Keeps node lookups by name unambiguous once the set is loaded next to
/// the curated graph (FQL finds `"EUV lithography tools"` by id, then name,
/// then alias, and several hits are an error):
///
/// * a new node whose name is already a name or alias of an existing node is
///   renamed `Name (SUFFIX)`, keeping the original in `original_prop`;
/// * a new node's alias that an existing node already answers to is dropped;
/// * among the new nodes, a name used twice gets ` (2)`, ` (3)`…, and an
///   alias used by two new nodes is dropped from both;
/// * nodes of `suffix_alias_kinds` also answer to `Name (SUFFIX)`, so users
///   can always reach the imported node that way.
pub(crate) fn keep_names_unambiguous(
    g: &mut OutGraph,
    index: &EntityIndex,
    suffix: &str,
    original_prop: &str,
    suffix_alias_kinds: &[&str],
    rep: &mut Report,
) {
    use std::collections::{BTreeMap, BTreeSet};
    let ids: Vec<String> = g.nodes.keys().cloned().collect();
    for id in &ids {
        let Some(n) = g.nodes.get_mut(id) else {
            continue;
        };
        let claimants = index.claimants(&n.name);
        if !claimants.is_empty() {
            let new_name = format!("{} ({suffix})", n.name);
            let others: Vec<&str> = claimants.iter().map(|e| e.id).collect();
            rep.skip(format!(
                "[renamed] node {id}: name '{}' is already used by {}; renamed '{new_name}' so lookups by name stay unambiguous",
                n.name,
                others.join(", ")
            ));
            let original = std::mem::replace(&mut n.name, new_name);
            n.set(original_prop, original);
        }
        let mut kept = Vec::new();
        for a in std::mem::take(&mut n.aliases) {
            let c = index.claimants(&a);
            if c.is_empty() {
                kept.push(a);
            } else {
                rep.skip(format!(
                    "[alias-dropped] node {id}: alias '{a}' already names {}; dropped",
                    c.iter().map(|e| e.id).collect::<Vec<_>>().join(", ")
                ));
            }
        }
        n.aliases = kept;
    }
    // Among new nodes: names first (rename later ones), then aliases.
    let mut names: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (id, n) in &g.nodes {
        claim(&mut names, &n.name, id);
    }
    for (_, owners) in names.into_iter().filter(|(_, o)| o.len() > 1) {
        let kinds: BTreeSet<&str> = owners
            .iter()
            .filter_map(|id| g.nodes.get(id).map(|n| n.kind))
            .collect();
        let by_kind = kinds.len() == owners.len();
        for (i, id) in owners.iter().enumerate().skip(1) {
            if let Some(n) = g.nodes.get_mut(id) {
                // Different kinds (a cluster and a firm both called
                // SingularityNET): say which is which; else number them.
                let new_name = if by_kind {
                    format!("{} ({})", n.name, n.kind)
                } else {
                    format!("{} ({})", n.name, i + 1)
                };
                rep.skip(format!(
                    "[renamed] node {id}: name '{}' is also the name of {}; renamed '{new_name}'",
                    n.name, owners[0]
                ));
                n.name = new_name;
            }
        }
    }
    for id in &ids {
        let Some(n) = g.nodes.get_mut(id) else {
            continue;
        };
        if suffix_alias_kinds.contains(&n.kind) && !n.name.ends_with(&format!("({suffix})")) {
            let alias = format!("{} ({suffix})", n.name);
            n.add_alias(&alias);
        }
    }
    let mut claims: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (id, n) in &g.nodes {
        claim(&mut claims, &n.name, id);
        for a in &n.aliases {
            claim(&mut claims, a, id);
        }
    }
    for (key, owners) in claims.into_iter().filter(|(_, o)| o.len() > 1) {
        for id in &owners {
            if let Some(n) = g.nodes.get_mut(id) {
                let (dropped, kept): (Vec<String>, Vec<String>) = std::mem::take(&mut n.aliases)
                    .into_iter()
                    .partition(|a| cells::name_key(a) == key);
                n.aliases = kept;
                for a in dropped {
                    rep.skip(format!(
                        "[alias-dropped] node {id}: alias '{a}' also names {}; dropped",
                        owners
                            .iter()
                            .filter(|o| *o != id)
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
            }
        }
    }
}

/// Records that node `id` answers to `name` (by its name key).
fn claim(claims: &mut std::collections::BTreeMap<String, Vec<String>>, name: &str, id: &str) {
    claims
        .entry(cells::name_key(name))
        .or_default()
        .push(id.to_string());
}

#[cfg(test)]
mod tests {
    use super::outgraph::OutNode;
    use super::*;

    #[test]
    fn each_set_s_schema_loads_and_declares_only_what_it_adds() {
        for text in [eto::SCHEMA, epoch::SCHEMA] {
            let schema = crate::load::parse_schema(text, "schema.toml").expect("a valid schema");
            assert!(!schema.edges.is_empty());
            assert!(
                schema.kinds.get("Firm").is_none_or(|k| k.props.is_empty()),
                "curated kinds are used, not declared"
            );
        }
    }

    #[test]
    fn data_set_names_and_order() {
        assert_eq!(DataSet::from_name("eto"), Some(DataSet::Eto));
        assert_eq!(DataSet::from_name("nope"), None);
        let c = Path::new("graph-data");
        assert_eq!(
            DataSet::Eto.links_into(c),
            vec![PathBuf::from("graph-data/imported/epoch")]
        );
        assert!(
            DataSet::Epoch.links_into(c).is_empty(),
            "CC BY data never needs the CC BY-NC set"
        );
    }

    #[test]
    fn imported_names_never_shadow_curated_ones() {
        let mut index = resolve::IndexBuilder::default();
        index.add(
            "euv-lithography",
            "Technology",
            "EUV lithography",
            &["EUV lithography tools"],
            None,
        );
        let index = index.build();
        let mut g = OutGraph::default();
        g.add_node(OutNode::new(
            "eto-euv-lithography-tools",
            "Input",
            "EUV lithography tools",
            "inputs",
        ));
        g.add_node(OutNode::new(
            "eto-lithography-tools",
            "Input",
            "Lithography tools",
            "inputs",
        ));
        let mut f = OutNode::new("eto-x", "Firm", "X Corp", "firms");
        f.add_alias("EUV lithography");
        f.add_alias("Shared");
        g.add_node(f);
        let mut y = OutNode::new("eto-y", "Firm", "Y Corp", "firms");
        y.add_alias("shared");
        g.add_node(y);
        g.add_node(OutNode::new("eto-y2", "Firm", "Y Corp", "firms"));
        let mut rep = Report::default();
        keep_names_unambiguous(&mut g, &index, "ETO", "eto_name", &["Input"], &mut rep);
        let euv = &g.nodes["eto-euv-lithography-tools"];
        assert_eq!(euv.name, "EUV lithography tools (ETO)");
        assert_eq!(
            euv.props.get("eto_name"),
            Some(&outgraph::Prop::Str("EUV lithography tools".into()))
        );
        assert!(euv.aliases.is_empty());
        assert_eq!(
            g.nodes["eto-lithography-tools"].aliases,
            vec!["Lithography tools (ETO)"]
        );
        assert!(
            g.nodes["eto-x"].aliases.is_empty(),
            "curated alias and shared alias both dropped"
        );
        assert!(g.nodes["eto-y"].aliases.is_empty());
        assert_eq!(g.nodes["eto-y2"].name, "Y Corp (2)", "same kind: numbered");
        assert!(rep.skipped.len() >= 5, "{:?}", rep.skipped);
    }
}
