//! Entity resolution: which node of the curated graph (or of a data set
//! imported earlier) a name in the raw data means.
//!
//! The known nodes are loaded by the crate's loader ([`crate::load`]) into a
//! [`Graph`], and names are matched the way FQL matches them
//! ([`Graph::nodes_named`], [`Graph::nodes_aliased`], [`crate::model::fold`]),
//! so an import and a query agree about which node a name means.
//!
//! Order, first hit wins: the project's mapping table
//! (`graph-data/sources/entity-map.csv`, for names that need a human
//! decision), then the node's name, then its aliases, then its `iso3` code,
//! each compared case-insensitively and only among the kinds asked for. A
//! name that matches several nodes at the same step is ambiguous and is not
//! guessed; a name that matches nothing is reported with the closest name
//! ([`crate::diag::ranked`]), so the mapping table can be extended.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::load::{LoadOptions, load, load_into};
use crate::model::{Graph, NodeId, fold};

use super::ImportError;
use super::cells::{name_key, squash};

/// One node known before the import.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Entity<'g> {
    /// The node.
    pub node: NodeId,
    /// Node id.
    pub id: &'g str,
    /// Node kind.
    pub kind: &'g str,
    /// Defined by a data set imported earlier, not by the curated graph.
    pub linked: bool,
}

/// The nodes an import resolves against: the curated graph and the data
/// sets imported before, loaded together.
#[derive(Debug, Default)]
pub struct EntityIndex {
    graph: Graph,
    /// Nodes from this index on come from linked data sets.
    linked_from: usize,
    /// Folded `iso3` codes (nations) to their nodes.
    by_iso3: HashMap<String, Vec<NodeId>>,
}

/// How a lookup went.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup<'a> {
    /// Exactly one node, and the step that found it (`name`, `alias`, `iso3`).
    One(Entity<'a>, &'static str),
    /// Several nodes at the same step.
    Many(Vec<Entity<'a>>),
    /// Nothing.
    None,
}

/// The data files of the curated graph in `dir`: its schema, nodes and
/// edges (not the imported sets or raw sources that live beside them).
pub(crate) fn curated_paths(dir: &Path) -> Vec<PathBuf> {
    ["schema.toml", "nodes", "edges"]
        .into_iter()
        .map(|p| dir.join(p))
        .filter(|p| p.exists())
        .collect()
}

/// Loads data sets with the crate's loader; a failed load is the importer's
/// [`ImportError::Invalid`] with the loader's problems.
pub(crate) fn load_sets(base: Option<&Graph>, paths: &[PathBuf]) -> Result<Graph, ImportError> {
    let opts = LoadOptions::default();
    let loaded = match base {
        None => load(paths, &opts),
        Some(g) => load_into(g, paths, &opts),
    };
    loaded.map(|l| l.graph).map_err(|f| ImportError::Invalid {
        problems: f.problems,
    })
}

impl EntityIndex {
    /// Loads the curated graph in `curated` (its `schema.toml`, `nodes` and
    /// `edges`), then the data sets in `links` over it.
    pub fn load(curated: &Path, links: &[PathBuf]) -> Result<EntityIndex, ImportError> {
        let graph = load_sets(None, &curated_paths(curated))?;
        let linked_from = graph.node_count();
        let links: Vec<PathBuf> = links.iter().filter(|p| p.exists()).cloned().collect();
        let graph = if links.is_empty() {
            graph
        } else {
            load_sets(Some(&graph), &links)?
        };
        Ok(EntityIndex::new(graph, linked_from))
    }

    /// Indexes `graph`, whose nodes from index `linked_from` on come from
    /// linked data sets.
    pub fn new(graph: Graph, linked_from: usize) -> EntityIndex {
        let mut by_iso3: HashMap<String, Vec<NodeId>> = HashMap::new();
        for n in graph.nodes() {
            if let Some(code) = graph.node_prop_str(n, "iso3") {
                by_iso3.entry(fold(code)).or_default().push(n);
            }
        }
        EntityIndex {
            graph,
            linked_from,
            by_iso3,
        }
    }

    /// The loaded graph.
    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    fn entity(&self, node: NodeId) -> Entity<'_> {
        Entity {
            node,
            id: self.graph.node_key(node),
            kind: self.graph.node_kind_name(node),
            linked: node.index() >= self.linked_from,
        }
    }

    /// The entities among `nodes`, ordered by id, each once.
    fn entities(&self, nodes: impl Iterator<Item = NodeId>) -> Vec<Entity<'_>> {
        let mut v: Vec<Entity<'_>> = nodes.map(|n| self.entity(n)).collect();
        v.sort_by(|a, b| a.id.cmp(b.id));
        v.dedup_by(|a, b| a.id == b.id);
        v
    }

    /// The entity with this id.
    pub fn get(&self, id: &str) -> Option<Entity<'_>> {
        self.graph.node_by_key(id).map(|n| self.entity(n))
    }

    /// Looks a name up among the given kinds: by name, then alias, then iso3.
    pub fn find(&self, kinds: &[&str], name: &str) -> Lookup<'_> {
        let name = squash(name);
        if name.is_empty() {
            return Lookup::None;
        }
        let no_codes: &[NodeId] = &[];
        for (step, hits) in [
            ("name", self.graph.nodes_named(&name)),
            ("alias", self.graph.nodes_aliased(&name)),
            (
                "iso3",
                self.by_iso3
                    .get(&fold(&name))
                    .map_or(no_codes, Vec::as_slice),
            ),
        ] {
            let mut hits = self.entities(hits.iter().copied());
            hits.retain(|e| kinds.contains(&e.kind));
            match hits.len() {
                0 => continue,
                1 => return Lookup::One(hits[0], step),
                _ => return Lookup::Many(hits),
            }
        }
        Lookup::None
    }

    /// Every node (of any kind) answering to `name` by name or alias: used to
    /// keep imported names from making node lookups ambiguous.
    pub fn claimants(&self, name: &str) -> Vec<Entity<'_>> {
        let name = squash(name);
        let (named, aliased) = (
            self.graph.nodes_named(&name),
            self.graph.nodes_aliased(&name),
        );
        self.entities(named.iter().chain(aliased).copied())
    }

    /// The closest name or alias among `kinds` ([`crate::diag::ranked`]),
    /// as `'Name' (id)`, to help extend the mapping table.
    pub fn closest(&self, kinds: &[&str], name: &str) -> Option<String> {
        let g = &self.graph;
        let texts = g
            .nodes()
            .filter(|n| kinds.contains(&g.node_kind_name(*n)))
            .flat_map(|n| {
                std::iter::once(g.node_name(n))
                    .chain(g.node_aliases(n).iter().map(|a| &**a))
                    .map(move |t| (t, (n, t)))
            });
        let (score, (n, matched)) = crate::diag::ranked(&squash(name), texts, 1).pop()?;
        Some(format!(
            "closest: '{matched}' ({}, {score:.2})",
            g.node_key(n)
        ))
    }
}

/// An index built by hand, for tests: nodes as `(id, kind, name, aliases,
/// iso3)`, the linked ones after the curated ones.
#[cfg(test)]
#[derive(Default)]
#[allow(clippy::type_complexity)]
pub(crate) struct IndexBuilder {
    #[allow(clippy::type_complexity)] // a test helper's plain rows
    nodes: Vec<(String, String, String, Vec<String>, Option<String>, bool)>,
}

#[cfg(test)]
impl IndexBuilder {
    /// A curated node.
    pub fn add(&mut self, id: &str, kind: &str, name: &str, aliases: &[&str], iso3: Option<&str>) {
        self.push(id, kind, name, aliases, iso3, false);
    }

    /// A node of a data set imported earlier.
    pub fn add_linked(&mut self, id: &str, kind: &str, name: &str, aliases: &[&str]) {
        self.push(id, kind, name, aliases, None, true);
    }

    fn push(
        &mut self,
        id: &str,
        kind: &str,
        name: &str,
        aliases: &[&str],
        iso3: Option<&str>,
        linked: bool,
    ) {
        let aliases = aliases.iter().map(|a| a.to_string()).collect();
        let node = (
            id.into(),
            kind.into(),
            name.into(),
            aliases,
            iso3.map(str::to_string),
            linked,
        );
        self.nodes.push(node);
    }

    /// The index.
    pub fn build(&self) -> EntityIndex {
        use crate::model::{GraphBuilder, Value};
        let mut b = GraphBuilder::new();
        let iso3 = b.prop_key("iso3");
        let mut nodes: Vec<_> = self.nodes.iter().collect();
        nodes.sort_by_key(|n| n.5);
        for (id, kind, name, aliases, code, _) in nodes {
            let kind = b.kind(kind);
            let aliases = aliases.iter().map(|a| a.as_str().into()).collect();
            let props = code.iter().map(|c| (iso3, Value::str(c)));
            b.add_node(id, kind, name, aliases, props)
                .expect("test ids are unique");
        }
        let linked_from = self.nodes.iter().filter(|n| !n.5).count();
        EntityIndex::new(b.finish(), linked_from)
    }
}

/// One row of the mapping table.
#[derive(Debug, Clone)]
pub struct MapRow {
    /// The node id the name means; `None` for a placeholder that is no entity
    /// (`Various countries`): edges to it are skipped.
    pub target: Option<String>,
    /// Why (free text from the table).
    pub note: String,
    /// Line in the table.
    pub line: u64,
}

/// The project's mapping table: `source,source_name,curated_id,note`.
///
/// `source` is a namespace saying where the name comes from (`eto-provider`,
/// `epoch-firm`, `epoch-country`, ...), because the same text can mean
/// different nodes in different columns (`Samsung` as a chip foundry is
/// Samsung Foundry; as a cluster owner, Samsung Electronics).
#[derive(Debug, Default)]
pub struct EntityMap {
    rows: HashMap<(String, String), MapRow>,
    path: Option<PathBuf>,
    used: RefCell<BTreeSet<(String, String)>>,
}

impl EntityMap {
    /// Reads the table; a missing file is an empty table.
    pub fn load(path: &Path) -> Result<EntityMap, ImportError> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(EntityMap::default()),
            Err(source) => {
                return Err(ImportError::Io {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        let table = super::raw::Table::parse(path, "entity-map.csv", &bytes)?;
        let (src, name, target, note) = (
            table.col("source")?,
            table.col("source_name")?,
            table.col("curated_id")?,
            table.col("note")?,
        );
        let mut rows = HashMap::new();
        for row in table.rows() {
            let key = (row.get(src).to_string(), name_key(row.get(name)));
            let value = MapRow {
                target: Some(row.get(target).to_string()).filter(|t| !t.is_empty()),
                note: row.get(note).to_string(),
                line: row.line,
            };
            if let Some(previous) = rows.insert(key, value) {
                return Err(ImportError::BadValue {
                    path: path.to_path_buf(),
                    line: row.line,
                    column: "source_name".into(),
                    value: row.get(name).to_string(),
                    expected: format!(
                        "one row per (source, source_name); line {} has the same",
                        previous.line
                    ),
                });
            }
        }
        Ok(EntityMap {
            rows,
            path: Some(path.to_path_buf()),
            used: RefCell::default(),
        })
    }

    /// The row for a name in a namespace, marking it used.
    pub fn get(&self, source: &str, name: &str) -> Option<&MapRow> {
        let key = (source.to_string(), name_key(name));
        let row = self.rows.get(&key)?;
        self.used.borrow_mut().insert(key);
        Some(row)
    }

    /// Rows of the given namespaces that no lookup used (stale entries), as report lines.
    pub fn unused(&self, namespaces: &[&str]) -> Vec<String> {
        let used = self.used.borrow();
        let mut v: Vec<String> = self
            .rows
            .iter()
            .filter(|(k, _)| namespaces.contains(&k.0.as_str()) && !used.contains(*k))
            .map(|(k, r)| {
                let file = self
                    .path
                    .as_ref()
                    .map_or_else(String::new, |p| p.display().to_string());
                format!(
                    "{file}:{}: mapping row ({}, '{}') was not used by this import",
                    r.line, k.0, k.1
                )
            })
            .collect();
        v.sort();
        v
    }
}

/// The outcome of resolving one raw entity.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Resolved {
    /// An existing node, and how it was found (for the report).
    Node { id: String, how: String },
    /// The mapping table says this is a placeholder, not an entity.
    Placeholder { note: String },
    /// Several nodes match; nothing is guessed.
    Ambiguous { ids: Vec<String> },
    /// No node; `hint` is the closest name, if any.
    Unmatched { hint: Option<String> },
    /// The mapping table names a node that does not exist or has the wrong kind.
    BadMapping { problem: String },
}

/// Resolution context: the index and the mapping table.
#[derive(Debug)]
pub(crate) struct Resolver {
    pub index: EntityIndex,
    pub map: EntityMap,
}

impl Resolver {
    /// Resolves an entity known by several names (the first is the main
    /// one): the mapping table is consulted for every name first, then the
    /// index for every name.
    pub fn resolve(&self, namespace: &str, kinds: &[&str], names: &[&str]) -> Resolved {
        for n in names {
            if let Some(row) = self.map.get(namespace, n) {
                return match &row.target {
                    None => Resolved::Placeholder {
                        note: row.note.clone(),
                    },
                    Some(t) => match self.index.get(t) {
                        Some(e) if kinds.contains(&e.kind) => Resolved::Node {
                            id: t.clone(),
                            how: format!("entity-map.csv line {}", row.line),
                        },
                        Some(e) => Resolved::BadMapping {
                            problem: format!(
                                "entity-map.csv line {} maps '{n}' to '{t}', a {}, but a {} is needed",
                                row.line,
                                e.kind,
                                kinds.join(" or ")
                            ),
                        },
                        None => Resolved::BadMapping {
                            problem: format!(
                                "entity-map.csv line {} maps '{n}' to '{t}', which is no node",
                                row.line
                            ),
                        },
                    },
                };
            }
        }
        for n in names {
            match self.index.find(kinds, n) {
                Lookup::One(e, step) => {
                    return Resolved::Node {
                        id: e.id.to_string(),
                        how: format!("{step} '{n}'"),
                    };
                }
                Lookup::Many(es) => {
                    return Resolved::Ambiguous {
                        ids: es.iter().map(|e| e.id.to_string()).collect(),
                    };
                }
                Lookup::None => {}
            }
        }
        Resolved::Unmatched {
            hint: names.first().and_then(|n| self.index.closest(kinds, n)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> EntityIndex {
        let mut i = IndexBuilder::default();
        i.add(
            "nvidia",
            "Firm",
            "NVIDIA",
            &["Nvidia Corporation", "NVDA"],
            None,
        );
        i.add(
            "tw",
            "Nation",
            "Taiwan",
            &["TWN", "Chinese Taipei"],
            Some("TWN"),
        );
        i.add(
            "samsung-electronics",
            "Firm",
            "Samsung Electronics",
            &["Samsung"],
            None,
        );
        i.add("samsung-foundry", "Firm", "Samsung Foundry", &[], None);
        i.add("a1", "Firm", "Acme", &["AC"], None);
        i.add("a2", "Firm", "Acme Two", &["AC"], None);
        i.add(
            "euv",
            "Technology",
            "EUV lithography",
            &["EUV lithography tools"],
            None,
        );
        i.build()
    }

    #[test]
    fn names_match_case_insensitively_within_kinds() {
        let i = index();
        assert!(matches!(i.find(&["Firm"], "nvidia"), Lookup::One(e, "name") if e.id == "nvidia"));
        assert!(
            matches!(i.find(&["Firm"], "  NVDA "), Lookup::One(e, "alias") if e.id == "nvidia")
        );
        assert_eq!(i.find(&["Nation"], "NVIDIA"), Lookup::None, "wrong kind");
        assert!(matches!(i.find(&["Nation"], "twn"), Lookup::One(e, "alias") if e.id == "tw"));
    }

    #[test]
    fn same_step_duplicates_are_ambiguous_not_guessed() {
        let i = index();
        assert!(matches!(i.find(&["Firm"], "AC"), Lookup::Many(v) if v.len() == 2));
    }

    #[test]
    fn mapping_table_wins_and_can_mark_placeholders() {
        let mut map = EntityMap::default();
        map.rows.insert(
            ("epoch-foundry".into(), "samsung".into()),
            MapRow {
                target: Some("samsung-foundry".into()),
                note: "foundry".into(),
                line: 2,
            },
        );
        map.rows.insert(
            ("eto-provider".into(), "various countries".into()),
            MapRow {
                target: None,
                note: "placeholder".into(),
                line: 3,
            },
        );
        map.rows.insert(
            ("eto-provider".into(), "ghost".into()),
            MapRow {
                target: Some("no-such-node".into()),
                note: String::new(),
                line: 4,
            },
        );
        let r = Resolver {
            index: index(),
            map,
        };
        assert!(
            matches!(r.resolve("epoch-foundry", &["Firm"], &["Samsung"]), Resolved::Node { id, .. } if id == "samsung-foundry")
        );
        assert!(
            matches!(r.resolve("epoch-firm", &["Firm"], &["Samsung"]), Resolved::Node { id, .. } if id == "samsung-electronics")
        );
        assert!(matches!(
            r.resolve("eto-provider", &["Nation"], &["Various countries"]),
            Resolved::Placeholder { .. }
        ));
        assert!(matches!(
            r.resolve("eto-provider", &["Firm"], &["Ghost"]),
            Resolved::BadMapping { .. }
        ));
        assert!(
            matches!(r.resolve("eto-provider", &["Firm"], &["AC"]), Resolved::Ambiguous { ids } if ids == ["a1", "a2"])
        );
        let unused = r.map.unused(&["eto-provider", "epoch-foundry"]);
        assert!(unused.is_empty(), "{unused:?}");
    }

    #[test]
    fn later_names_are_tried_and_unmatched_gets_a_hint() {
        let r = Resolver {
            index: index(),
            map: EntityMap::default(),
        };
        assert!(
            matches!(r.resolve("x", &["Firm"], &["Nvidia Inc", "Nvidia Corporation"]), Resolved::Node { id, .. } if id == "nvidia")
        );
        let hinted = r.resolve("x", &["Firm"], &["Samsung Electronic"]);
        assert!(
            matches!(&hinted, Resolved::Unmatched { hint: Some(h) } if h.contains("samsung-electronics")),
            "{hinted:?}"
        );
        assert_eq!(
            r.resolve("x", &["Firm"], &["Zzyzx Holdings"]),
            Resolved::Unmatched { hint: None }
        );
    }

    #[test]
    fn claimants_cover_names_and_aliases_of_any_kind() {
        let i = index();
        let c: Vec<&str> = i
            .claimants("euv lithography TOOLS")
            .iter()
            .map(|e| e.id)
            .collect();
        assert_eq!(c, ["euv"]);
    }
}
