//! Entity resolution: which node of the curated graph (or of a data set
//! imported earlier) a name in the raw data means.
//!
//! Order, first hit wins: the project's mapping table
//! (`graph-data/sources/entity-map.csv`, for names that need a human
//! decision), then the node's name, then its aliases, then its `iso3` code,
//! each compared case-insensitively and only among the kinds asked for. A
//! name that matches several nodes at the same step is ambiguous and is not
//! guessed; a name that matches nothing is reported with the closest name, so
//! the mapping table can be extended.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use super::ImportError;
use super::cells::name_key;

/// One node known before the import: its identity and the names it answers to.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    /// Node id.
    pub id: String,
    /// Node kind.
    pub kind: String,
    /// Display name.
    pub name: String,
    /// Other names.
    pub aliases: Vec<String>,
    /// ISO 3166-1 alpha-3 code (nations).
    pub iso3: Option<String>,
    /// The file that defines it.
    pub file: PathBuf,
    /// Defined by a data set imported earlier, not by the curated graph.
    pub linked: bool,
}

/// The nodes an import resolves against, indexed by name.
#[derive(Debug, Default)]
pub struct EntityIndex {
    entities: Vec<Entity>,
    by_id: HashMap<String, usize>,
    by_name: HashMap<String, Vec<usize>>,
    by_alias: HashMap<String, Vec<usize>>,
    by_iso3: HashMap<String, Vec<usize>>,
}

/// How a lookup went.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup<'a> {
    /// Exactly one node, and the step that found it (`name`, `alias`, `iso3`).
    One(&'a Entity, &'static str),
    /// Several nodes at the same step.
    Many(Vec<&'a Entity>),
    /// Nothing.
    None,
}

impl EntityIndex {
    /// Reads `id,kind,name[,aliases][,iso3]` from every node file
    /// (`nodes/*.csv` whose header starts with `id,kind`) of each directory
    /// that exists; a missing directory contributes nothing. The first
    /// directory is the curated graph; the others are linked data sets.
    pub fn load(dirs: &[PathBuf]) -> Result<EntityIndex, ImportError> {
        let mut index = EntityIndex::default();
        for (i, dir) in dirs.iter().enumerate() {
            let nodes = dir.join("nodes");
            let Ok(read) = std::fs::read_dir(&nodes) else {
                continue;
            };
            let mut files: Vec<PathBuf> = read
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "csv"))
                .collect();
            files.sort();
            for file in files {
                index.load_file(&file, i > 0)?;
            }
        }
        Ok(index)
    }

    fn load_file(&mut self, path: &Path, linked: bool) -> Result<(), ImportError> {
        let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let table = super::raw::Table::parse(path, &path.to_string_lossy(), &bytes)?;
        let h = table.headers();
        if h.len() < 2 || h[0] != "id" || h[1] != "kind" {
            return Ok(());
        }
        let (id, kind, name) = (table.col("id")?, table.col("kind")?, table.col("name")?);
        let aliases = table.col("aliases").ok();
        let iso3 = table.col("iso3").ok();
        for row in table.rows() {
            self.add(Entity {
                id: row.get(id).to_string(),
                kind: row.get(kind).to_string(),
                name: row.get(name).to_string(),
                aliases: aliases
                    .map(|c| {
                        row.get(c)
                            .split('|')
                            .map(str::trim)
                            .filter(|a| !a.is_empty())
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default(),
                iso3: iso3
                    .map(|c| row.get(c).to_string())
                    .filter(|s| !s.is_empty()),
                file: path.to_path_buf(),
                linked,
            });
        }
        Ok(())
    }

    /// Adds one entity (later duplicates of an id are kept out of the id
    /// index; the loader reports duplicate ids, not the importer).
    pub fn add(&mut self, e: Entity) {
        let i = self.entities.len();
        self.by_id.entry(e.id.clone()).or_insert(i);
        self.by_name.entry(name_key(&e.name)).or_default().push(i);
        for a in &e.aliases {
            self.by_alias.entry(name_key(a)).or_default().push(i);
        }
        if let Some(code) = &e.iso3 {
            self.by_iso3.entry(name_key(code)).or_default().push(i);
        }
        self.entities.push(e);
    }

    /// The entity with this id.
    pub fn get(&self, id: &str) -> Option<&Entity> {
        self.by_id.get(id).map(|&i| &self.entities[i])
    }

    /// Every entity, in load order.
    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    /// Looks a name up among the given kinds: by name, then alias, then iso3.
    pub fn find(&self, kinds: &[&str], name: &str) -> Lookup<'_> {
        let key = name_key(name);
        if key.is_empty() {
            return Lookup::None;
        }
        for (step, map) in [
            ("name", &self.by_name),
            ("alias", &self.by_alias),
            ("iso3", &self.by_iso3),
        ] {
            let mut hits: Vec<&Entity> = map
                .get(&key)
                .into_iter()
                .flatten()
                .map(|&i| &self.entities[i])
                .filter(|e| kinds.contains(&e.kind.as_str()))
                .collect();
            hits.sort_by(|a, b| a.id.cmp(&b.id));
            hits.dedup_by(|a, b| a.id == b.id);
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
    pub fn claimants(&self, name: &str) -> Vec<&Entity> {
        let key = name_key(name);
        let mut v: Vec<&Entity> = [&self.by_name, &self.by_alias]
            .into_iter()
            .filter_map(|m| m.get(&key))
            .flatten()
            .map(|&i| &self.entities[i])
            .collect();
        v.sort_by(|a, b| a.id.cmp(&b.id));
        v.dedup_by(|a, b| a.id == b.id);
        v
    }

    /// The closest name or alias among `kinds` (Jaro-Winkler on normalised
    /// names, at least 0.88), as `'Name' (id)`, to help extend the mapping table.
    pub fn closest(&self, kinds: &[&str], name: &str) -> Option<String> {
        let key = name_key(name);
        let mut best: Option<(f64, &Entity, &str)> = None;
        for e in self
            .entities
            .iter()
            .filter(|e| kinds.contains(&e.kind.as_str()))
        {
            for candidate in std::iter::once(&e.name).chain(e.aliases.iter()) {
                let score = strsim::jaro_winkler(&key, &name_key(candidate));
                if score >= 0.88
                    && best.is_none_or(|(s, b, _)| score > s || (score == s && e.id < b.id))
                {
                    best = Some((score, e, candidate));
                }
            }
        }
        best.map(|(score, e, matched)| format!("closest: '{matched}' ({}, {score:.2})", e.id))
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
                        Some(e) if kinds.contains(&e.kind.as_str()) => Resolved::Node {
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
                        id: e.id.clone(),
                        how: format!("{step} '{n}'"),
                    };
                }
                Lookup::Many(es) => {
                    return Resolved::Ambiguous {
                        ids: es.iter().map(|e| e.id.clone()).collect(),
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

    fn entity(id: &str, kind: &str, name: &str, aliases: &[&str], iso3: Option<&str>) -> Entity {
        Entity {
            id: id.into(),
            kind: kind.into(),
            name: name.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            iso3: iso3.map(str::to_string),
            file: PathBuf::from("t.csv"),
            linked: false,
        }
    }

    fn index() -> EntityIndex {
        let mut i = EntityIndex::default();
        i.add(entity(
            "nvidia",
            "Firm",
            "NVIDIA",
            &["Nvidia Corporation", "NVDA"],
            None,
        ));
        i.add(entity(
            "tw",
            "Nation",
            "Taiwan",
            &["TWN", "Chinese Taipei"],
            Some("TWN"),
        ));
        i.add(entity(
            "samsung-electronics",
            "Firm",
            "Samsung Electronics",
            &["Samsung"],
            None,
        ));
        i.add(entity(
            "samsung-foundry",
            "Firm",
            "Samsung Foundry",
            &[],
            None,
        ));
        i.add(entity("a1", "Firm", "Acme", &["AC"], None));
        i.add(entity("a2", "Firm", "Acme Two", &["AC"], None));
        i.add(entity(
            "euv",
            "Technology",
            "EUV lithography",
            &["EUV lithography tools"],
            None,
        ));
        i
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
            .map(|e| e.id.as_str())
            .collect();
        assert_eq!(c, ["euv"]);
    }
}
