//! Deterministic writing of an imported data set: the same graph always
//! gives the same bytes (rows sorted by id or by (from, to, type), columns
//! in a fixed order, floats in shortest round-trip form), so the committed
//! files can be compared byte for byte with a fresh import.
//!
//! Layout under the output directory: `schema.toml`, `nodes/<file>.csv`,
//! `edges/<file>.csv`, `ATTRIBUTION.md`, and `.import-manifest` listing the
//! files written, so the next run removes exactly those and nothing else.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::ImportError;
use super::outgraph::{OutEdge, OutGraph, OutNode, Prop};

/// The manifest of generated files, relative to the output directory.
pub(crate) const MANIFEST: &str = ".import-manifest";

/// Columns written last on every row, in this order.
const TRAILING: [&str; 2] = ["source", "as_of"];

/// Renders every node file: file stem to CSV text.
pub(crate) fn node_files(g: &OutGraph) -> Result<BTreeMap<&'static str, String>, ImportError> {
    files(g.nodes.values())
}

/// Renders every edge file: file stem to CSV text.
pub(crate) fn edge_files(g: &OutGraph) -> Result<BTreeMap<&'static str, String>, ImportError> {
    files(g.edges.values())
}

/// A node or an edge as a CSV row.
trait Item {
    /// The columns every row of its files starts with.
    const FIXED: &'static [&'static str];
    /// Its output file stem.
    fn file(&self) -> &'static str;
    /// The cells of the fixed columns.
    fn fixed(&self) -> Vec<String>;
    /// Its properties.
    fn props(&self) -> &BTreeMap<String, Prop>;
}

impl Item for OutNode {
    const FIXED: &'static [&'static str] = &["id", "kind", "name", "aliases"];
    fn file(&self) -> &'static str {
        self.file
    }
    fn fixed(&self) -> Vec<String> {
        let aliases = self.aliases.join("|");
        vec![
            self.id.clone(),
            self.kind.to_string(),
            self.name.clone(),
            aliases,
        ]
    }
    fn props(&self) -> &BTreeMap<String, Prop> {
        &self.props
    }
}

impl Item for OutEdge {
    const FIXED: &'static [&'static str] = &["from", "to", "type"];
    fn file(&self) -> &'static str {
        self.file
    }
    fn fixed(&self) -> Vec<String> {
        vec![self.from.clone(), self.to.clone(), self.ty.to_string()]
    }
    fn props(&self) -> &BTreeMap<String, Prop> {
        &self.props
    }
}

/// Renders items grouped by file: the fixed columns, then every property
/// some item of the file has.
fn files<'g, T: Item + 'g>(
    items: impl Iterator<Item = &'g T>,
) -> Result<BTreeMap<&'static str, String>, ImportError> {
    let mut groups: BTreeMap<&'static str, Vec<&T>> = BTreeMap::new();
    for x in items {
        groups.entry(x.file()).or_default().push(x);
    }
    let mut out = BTreeMap::new();
    for (file, group) in groups {
        let props = columns(group.iter().map(|x| x.props()));
        let mut header: Vec<String> = T::FIXED.iter().map(|c| c.to_string()).collect();
        header.extend(props.iter().cloned());
        let rows = group.iter().map(|x| {
            let mut r = x.fixed();
            r.extend(
                props
                    .iter()
                    .map(|p| x.props().get(p).map(Prop::to_cell).unwrap_or_default()),
            );
            r
        });
        out.insert(file, render(&header, rows)?);
    }
    Ok(out)
}

/// The property columns of a group: sorted, with `source` and `as_of` last.
fn columns<'a>(props: impl Iterator<Item = &'a BTreeMap<String, Prop>>) -> Vec<String> {
    let mut keys: BTreeSet<&str> = BTreeSet::new();
    for p in props {
        keys.extend(p.keys().map(String::as_str));
    }
    let mut cols: Vec<String> = keys
        .iter()
        .filter(|k| !TRAILING.contains(k))
        .map(|k| k.to_string())
        .collect();
    cols.extend(TRAILING.iter().map(|t| t.to_string()));
    cols
}

fn render(
    header: &[String],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<String, ImportError> {
    let csv_err = |e: csv::Error| ImportError::Csv {
        path: PathBuf::from("<output>"),
        line: 0,
        message: e.to_string(),
    };
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(header).map_err(csv_err)?;
    for r in rows {
        w.write_record(&r).map_err(csv_err)?;
    }
    let bytes = w.into_inner().map_err(|e| ImportError::Csv {
        path: PathBuf::from("<output>"),
        line: 0,
        message: e.to_string(),
    })?;
    String::from_utf8(bytes).map_err(|e| ImportError::Csv {
        path: PathBuf::from("<output>"),
        line: 0,
        message: format!("output is not UTF-8: {e}"),
    })
}

/// Writes the data set into `out`, first removing the files the previous
/// run listed in its manifest (and only those). Returns the files written,
/// relative to `out`, sorted.
pub(crate) fn write_set(
    out: &Path,
    g: &OutGraph,
    schema: &str,
    attribution: &str,
) -> Result<Vec<String>, ImportError> {
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    files.insert("schema.toml".into(), schema.to_string());
    files.insert("ATTRIBUTION.md".into(), attribution.to_string());
    for (stem, text) in node_files(g)? {
        files.insert(format!("nodes/{stem}.csv"), text);
    }
    for (stem, text) in edge_files(g)? {
        files.insert(format!("edges/{stem}.csv"), text);
    }

    remove_previous(out)?;
    for (rel, text) in &files {
        let path = out.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| ImportError::Io {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        std::fs::write(&path, text).map_err(|source| ImportError::Io {
            path: path.clone(),
            source,
        })?;
    }
    let listed: Vec<String> = files.keys().cloned().collect();
    let manifest = out.join(MANIFEST);
    std::fs::write(&manifest, listed.join("\n") + "\n").map_err(|source| ImportError::Io {
        path: manifest,
        source,
    })?;
    Ok(listed)
}

/// Deletes the files a previous import listed in its manifest.
fn remove_previous(out: &Path) -> Result<(), ImportError> {
    let manifest = out.join(MANIFEST);
    let text = match std::fs::read_to_string(&manifest) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(ImportError::Io {
                path: manifest,
                source,
            });
        }
    };
    for rel in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        // Only plain relative paths inside `out`: a manifest never sends the
        // importer outside its own directory.
        if Path::new(rel)
            .components()
            .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            continue;
        }
        let path = out.join(rel);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(ImportError::Io { path, source }),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::outgraph::{OutEdge, OutNode};
    use super::*;

    fn graph() -> OutGraph {
        let mut g = OutGraph::default();
        let mut b = OutNode::new("b", "Input", "Bee, \"quoted\"", "inputs");
        b.set("source", "S")
            .set("as_of", "2025")
            .set("zeta", 1.5)
            .set("alpha", "x\ny");
        b.add_alias("B1");
        b.add_alias("B2");
        g.add_node(b);
        let mut a = OutNode::new("a", "Input", "Ay", "inputs");
        a.set("source", "S").set("as_of", "2025");
        g.add_node(a);
        let mut e = OutEdge::new("b", "a", "FEEDS", "sequence");
        e.set("share", 0.5).set("source", "S").set("as_of", "2025");
        g.add_edge(e).expect("new edge");
        let mut e = OutEdge::new("a", "b", "FEEDS", "sequence");
        e.set("source", "S").set("as_of", "2025");
        g.add_edge(e).expect("new edge");
        g
    }

    #[test]
    fn rows_are_sorted_and_columns_fixed() {
        let nodes = node_files(&graph()).expect("renders");
        assert_eq!(
            nodes["inputs"],
            "id,kind,name,aliases,alpha,zeta,source,as_of\n\
             a,Input,Ay,,,,S,2025\n\
             b,Input,\"Bee, \"\"quoted\"\"\",B1|B2,\"x\ny\",1.5,S,2025\n"
        );
        let edges = edge_files(&graph()).expect("renders");
        assert_eq!(
            edges["sequence"],
            "from,to,type,share,source,as_of\na,b,FEEDS,,S,2025\nb,a,FEEDS,0.5,S,2025\n"
        );
    }

    #[test]
    fn rewriting_removes_only_previously_generated_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut g = graph();
        write_set(dir.path(), &g, "", "attr").expect("writes");
        std::fs::write(dir.path().join("nodes/user.csv"), "keep me").expect("writes");
        g.edges.clear();
        let written = write_set(dir.path(), &g, "", "attr").expect("writes");
        assert!(!written.iter().any(|f| f.starts_with("edges/")));
        assert!(
            !dir.path().join("edges/sequence.csv").exists(),
            "stale generated file removed"
        );
        assert!(
            dir.path().join("nodes/user.csv").exists(),
            "foreign file kept"
        );
    }
}
