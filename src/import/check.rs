//! Validation of an imported data set as written on disk, against the
//! curated graph it links into: every kind and edge type declared (by the
//! curated schema or the set's own, never both), every edge endpoint an
//! existing node of an allowed kind, `share` in (0, 1], no duplicate
//! (from, to, type), no duplicate node id, `source` and `as_of` everywhere,
//! declared property types respected. Importers run it on their own output;
//! the regeneration test runs it on the committed files.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use super::ImportError;
use super::raw::Table;

#[derive(Debug, Default)]
struct Schema {
    kinds: BTreeMap<String, BTreeMap<String, String>>,
    edges: BTreeMap<String, EdgeDecl>,
}

#[derive(Debug, Default)]
struct EdgeDecl {
    from: Vec<String>,
    to: Vec<String>,
    props: BTreeMap<String, String>,
}

fn read_schema(path: &Path) -> Result<Option<Schema>, ImportError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(ImportError::Io {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let table: toml::Table = toml::from_str(&text).map_err(|e| ImportError::Schema {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let mut s = Schema::default();
    let props_of = |v: &toml::Value| -> BTreeMap<String, String> {
        v.get("props")
            .and_then(toml::Value::as_table)
            .map(|t| {
                t.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let strings = |v: Option<&toml::Value>| -> Vec<String> {
        v.and_then(toml::Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    if let Some(kinds) = table.get("kinds").and_then(toml::Value::as_table) {
        for (name, v) in kinds {
            s.kinds.insert(name.clone(), props_of(v));
        }
    }
    if let Some(edges) = table.get("edges").and_then(toml::Value::as_table) {
        for (name, v) in edges {
            s.edges.insert(
                name.clone(),
                EdgeDecl {
                    from: strings(v.get("from")),
                    to: strings(v.get("to")),
                    props: props_of(v),
                },
            );
        }
    }
    Ok(Some(s))
}

fn csv_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(read) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = read
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    v.sort();
    v
}

fn read_table(path: &Path) -> Result<Table, ImportError> {
    let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Table::parse(path, &path.to_string_lossy(), &bytes)
}

/// Node ids (with kind and defining file) of the node files in `dir/nodes`.
fn node_kinds(
    dir: &Path,
    into: &mut HashMap<String, (String, String)>,
    problems: &mut Vec<String>,
) -> Result<(), ImportError> {
    for path in csv_files(&dir.join("nodes")) {
        let t = read_table(&path)?;
        if t.headers().len() < 2 || t.headers()[0] != "id" || t.headers()[1] != "kind" {
            continue;
        }
        let (id, kind) = (t.col("id")?, t.col("kind")?);
        for row in t.rows() {
            let place = format!("{}:{}", path.display(), row.line);
            if let Some((_, other)) = into.insert(
                row.get(id).to_string(),
                (row.get(kind).to_string(), place.clone()),
            ) {
                problems.push(format!(
                    "{place}: node id '{}' is also defined at {other}",
                    row.get(id)
                ));
            }
        }
    }
    Ok(())
}

fn type_ok(ty: &str, cell: &str) -> bool {
    match ty {
        "float" => cell.parse::<f64>().is_ok_and(f64::is_finite),
        "int" => cell.parse::<i64>().is_ok(),
        "bool" => cell == "true" || cell == "false",
        _ => true,
    }
}

/// Checks the data set in `set_dir` against the curated graph in `curated`
/// and the data sets in `extra` (imported earlier, which it may link to).
/// Returns the problems found (empty when the set is valid), each naming
/// file and line.
pub fn check_set(
    set_dir: &Path,
    curated: &Path,
    extra: &[PathBuf],
) -> Result<Vec<String>, ImportError> {
    let mut problems = Vec::new();
    let own_schema_path = set_dir.join("schema.toml");
    let Some(own) = read_schema(&own_schema_path)? else {
        return Ok(vec![format!("{}: missing", own_schema_path.display())]);
    };
    let mut others = Vec::new();
    for dir in std::iter::once(&curated.to_path_buf()).chain(extra) {
        if let Some(s) = read_schema(&dir.join("schema.toml"))? {
            others.push(s);
        }
    }
    for k in own.kinds.keys() {
        if others.iter().any(|s| s.kinds.contains_key(k)) {
            problems.push(format!(
                "{}: kind {k} is already declared by another schema",
                own_schema_path.display()
            ));
        }
    }
    for e in own.edges.keys() {
        if others.iter().any(|s| s.edges.contains_key(e)) {
            problems.push(format!(
                "{}: edge type {e} is already declared by another schema",
                own_schema_path.display()
            ));
        }
    }
    let kind_props = |k: &str| -> Option<(&BTreeMap<String, String>, bool)> {
        own.kinds.get(k).map(|p| (p, true)).or_else(|| {
            others
                .iter()
                .find_map(|s| s.kinds.get(k).map(|p| (p, false)))
        })
    };
    let edge_decl = |t: &str| -> Option<&EdgeDecl> {
        own.edges
            .get(t)
            .or_else(|| others.iter().find_map(|s| s.edges.get(t)))
    };

    let mut known: HashMap<String, (String, String)> = HashMap::new();
    let mut ignored = Vec::new();
    node_kinds(curated, &mut known, &mut ignored)?;
    for dir in extra {
        node_kinds(dir, &mut known, &mut ignored)?;
    }

    // Nodes of the set.
    for path in csv_files(&set_dir.join("nodes")) {
        let t = read_table(&path)?;
        let (id, kind, name) = (t.col("id")?, t.col("kind")?, t.col("name")?);
        for row in t.rows() {
            let place = format!("{}:{}", path.display(), row.line);
            let (nid, nkind) = (row.get(id), row.get(kind));
            if nid.is_empty() || row.get(name).is_empty() {
                problems.push(format!("{place}: empty id or name"));
            }
            if let Some((_, other)) =
                known.insert(nid.to_string(), (nkind.to_string(), place.clone()))
            {
                problems.push(format!(
                    "{place}: node id '{nid}' is also defined at {other}"
                ));
            }
            let Some((props, own_kind)) = kind_props(nkind) else {
                problems.push(format!("{place}: kind '{nkind}' is declared by no schema"));
                continue;
            };
            check_props(
                &t,
                row,
                &place,
                props,
                own_kind,
                &["id", "kind", "name", "aliases"],
                &mut problems,
            );
        }
    }

    // Edges of the set.
    let mut seen: BTreeSet<(String, String, String)> = BTreeSet::new();
    for path in csv_files(&set_dir.join("edges")) {
        let t = read_table(&path)?;
        let (from, to, ty) = (t.col("from")?, t.col("to")?, t.col("type")?);
        let share = t.col("share").ok();
        for row in t.rows() {
            let place = format!("{}:{}", path.display(), row.line);
            let (f, to_id, ety) = (row.get(from), row.get(to), row.get(ty));
            if !seen.insert((f.to_string(), to_id.to_string(), ety.to_string())) {
                problems.push(format!("{place}: duplicate edge {f} -[{ety}]-> {to_id}"));
            }
            let Some(decl) = edge_decl(ety) else {
                problems.push(format!(
                    "{place}: edge type '{ety}' is declared by no schema"
                ));
                continue;
            };
            for (end, id, allowed) in [("from", f, &decl.from), ("to", to_id, &decl.to)] {
                match known.get(id) {
                    None => problems.push(format!("{place}: {end} '{id}' names no node")),
                    Some((k, _)) if !allowed.is_empty() && !allowed.contains(k) => {
                        problems.push(format!(
                            "{place}: {end} '{id}' is a {k}; {ety} allows {}",
                            allowed.join(", ")
                        ))
                    }
                    Some(_) => {}
                }
            }
            if let Some(c) = share {
                let cell = row.get(c);
                if !cell.is_empty() && !cell.parse::<f64>().is_ok_and(|s| s > 0.0 && s <= 1.0) {
                    problems.push(format!("{place}: share '{cell}' is not in (0, 1]"));
                }
            }
            let own_type = own.edges.contains_key(ety);
            check_props(
                &t,
                row,
                &place,
                &decl.props,
                own_type,
                &["from", "to", "type"],
                &mut problems,
            );
        }
    }
    Ok(problems)
}

/// `source` and `as_of` present; declared types respected; on the set's own
/// kinds and edge types every property declared.
fn check_props(
    t: &Table,
    row: &super::raw::Row,
    place: &str,
    declared: &BTreeMap<String, String>,
    own: bool,
    fixed: &[&str],
    problems: &mut Vec<String>,
) {
    for required in ["source", "as_of"] {
        if t.col(required).map_or(true, |c| row.get(c).is_empty()) {
            problems.push(format!("{place}: no {required}"));
        }
    }
    for h in t.headers().iter().filter(|h| !fixed.contains(&h.as_str())) {
        let Ok(c) = t.col(h) else { continue };
        let cell = row.get(c);
        if cell.is_empty() {
            continue;
        }
        match declared.get(h) {
            Some(ty) if !type_ok(ty, cell) => {
                problems.push(format!("{place}: {h} = '{cell}' is not a {ty}"))
            }
            None if own => problems.push(format!(
                "{place}: property {h} is not declared in the schema"
            )),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, text: &str) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().expect("has parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }

    #[test]
    fn finds_every_kind_of_problem() {
        let cur = tempfile::tempdir().expect("tempdir");
        write(
            cur.path(),
            "schema.toml",
            "[kinds.Firm]\nprops = { source = \"string\", as_of = \"string\" }\n[kinds.Nation]\nprops = {}\n\
             [edges.LOCATED_IN]\nfrom = [\"Firm\"]\nto = [\"Nation\"]\nrole = \"membership\"\nprops = { source = \"string\", as_of = \"string\" }\n",
        );
        write(
            cur.path(),
            "nodes/n.csv",
            "id,kind,name\nus,Nation,United States\nacme,Firm,Acme\n",
        );
        let set = tempfile::tempdir().expect("tempdir");
        write(
            set.path(),
            "schema.toml",
            "[kinds.Input]\nprops = { q = \"float\", source = \"string\", as_of = \"string\" }\n\
             [edges.FIRM_SHARE]\nfrom = [\"Input\"]\nto = [\"Firm\"]\nrole = \"dependency\"\nprops = { share = \"float\", source = \"string\", as_of = \"string\" }\n",
        );
        write(
            set.path(),
            "nodes/i.csv",
            "id,kind,name,aliases,q,z,source,as_of\ni1,Input,One,,1.5,,S,2025\ni2,Input,Two,,abc,1,S,\nacme,Firm,Dup,,,,S,2025\n",
        );
        write(
            set.path(),
            "edges/e.csv",
            "from,to,type,share,source,as_of\ni1,acme,FIRM_SHARE,0.5,S,2025\ni1,acme,FIRM_SHARE,0.5,S,2025\n\
             i1,ghost,FIRM_SHARE,1.5,S,2025\ni1,us,FIRM_SHARE,,S,2025\ni1,us,NOPE,,S,2025\n",
        );
        let p = check_set(set.path(), cur.path(), &[])
            .expect("checks")
            .join("\n");
        for expected in [
            "q = 'abc' is not a float",
            "property z is not declared",
            "no as_of",
            "node id 'acme' is also defined",
            "duplicate edge i1 -[FIRM_SHARE]-> acme",
            "to 'ghost' names no node",
            "share '1.5' is not in (0, 1]",
            "to 'us' is a Nation; FIRM_SHARE allows Firm",
            "edge type 'NOPE' is declared by no schema",
        ] {
            assert!(p.contains(expected), "missing '{expected}' in:\n{p}");
        }
    }

    #[test]
    fn a_clean_set_has_no_problems() {
        let cur = tempfile::tempdir().expect("tempdir");
        write(cur.path(), "schema.toml", "[kinds.Firm]\nprops = {}\n");
        write(cur.path(), "nodes/n.csv", "id,kind,name\nacme,Firm,Acme\n");
        let set = tempfile::tempdir().expect("tempdir");
        write(
            set.path(),
            "schema.toml",
            "[kinds.Input]\nprops = { source = \"string\", as_of = \"string\" }\n\
             [edges.FIRM_SHARE]\nfrom = [\"Input\"]\nto = [\"Firm\"]\nrole = \"dependency\"\nprops = { share = \"float\", source = \"string\", as_of = \"string\" }\n",
        );
        write(
            set.path(),
            "nodes/i.csv",
            "id,kind,name,aliases,source,as_of\ni1,Input,One,,S,2025\n",
        );
        write(
            set.path(),
            "edges/e.csv",
            "from,to,type,share,source,as_of\ni1,acme,FIRM_SHARE,1.0,S,2025\n",
        );
        assert_eq!(
            check_set(set.path(), cur.path(), &[]).expect("checks"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn redeclaring_a_curated_kind_is_a_problem() {
        let cur = tempfile::tempdir().expect("tempdir");
        write(cur.path(), "schema.toml", "[kinds.Firm]\nprops = {}\n");
        let set = tempfile::tempdir().expect("tempdir");
        write(set.path(), "schema.toml", "[kinds.Firm]\nprops = {}\n");
        let p = check_set(set.path(), cur.path(), &[]).expect("checks");
        assert!(
            p.iter()
                .any(|l| l.contains("kind Firm is already declared")),
            "{p:?}"
        );
    }
}
