//! Validation of an imported data set as written on disk.
//!
//! "Is this data valid?" has one answer, the loader's: the set is loaded
//! with [`crate::load`] together with the curated graph and the sets it
//! links to (kinds, edge types, endpoints, property types, shares in
//! (0, 1], duplicate ids and edges, all with file, line and column). On top
//! the importer checks only its own rules: the set declares no kind or edge
//! type another schema declares, every node and edge carries `source` and
//! `as_of`, and every property on the set's own kinds and edge types is
//! declared in its schema.

use std::path::{Path, PathBuf};

use crate::diag::Problem;
use crate::model::{EdgeId, Graph, Schema};

use super::ImportError;
use super::resolve::{curated_paths, load_sets};

/// The provenance every imported node and edge carries.
const PROVENANCE: [&str; 2] = ["source", "as_of"];

/// Checks the data set in `set_dir` against the curated graph in `curated`
/// and the data sets in `extra` (imported earlier, which it may link to).
/// Returns the problems found (empty when the set is valid), each naming
/// its file and, where it has one, line and column.
pub fn check(set_dir: &Path, curated: &Path, extra: &[PathBuf]) -> Vec<Problem> {
    let schema_path = set_dir.join("schema.toml");
    let Some(own) = read_schema(&schema_path) else {
        return vec![Problem::new(
            schema_path.display().to_string(),
            "missing or unreadable; expected the set's own schema",
        )];
    };
    let own = match own {
        Ok(s) => s,
        Err(problems) => return problems,
    };
    let mut problems = declared_twice(&own, &schema_path, curated, extra);
    let base = load_sets(None, &curated_paths(curated))
        .and_then(|g| match extra.is_empty() {
            true => Ok(g),
            false => load_sets(Some(&g), extra),
        })
        .and_then(|base| {
            let before = (base.node_count(), base.edge_count());
            load_sets(Some(&base), &[set_dir.to_path_buf()]).map(|g| (g, before))
        });
    match base {
        Err(ImportError::Invalid { problems: p }) => problems.extend(p),
        Err(other) => problems.push(Problem::new(
            set_dir.display().to_string(),
            other.to_string(),
        )),
        Ok((g, before)) => own_rules(&g, &own, set_dir, before, &mut problems),
    }
    problems
}

/// [`check`] with each problem as a line of text.
pub fn check_set(
    set_dir: &Path,
    curated: &Path,
    extra: &[PathBuf],
) -> Result<Vec<String>, ImportError> {
    Ok(check(set_dir, curated, extra)
        .iter()
        .map(Problem::to_string)
        .collect())
}

/// The schema in `path`: `None` when it cannot be read.
fn read_schema(path: &Path) -> Option<Result<Schema, Vec<Problem>>> {
    let text = std::fs::read_to_string(path).ok()?;
    Some(crate::load::parse_schema(
        &text,
        &path.display().to_string(),
    ))
}

/// The kinds a schema declares itself: the loader also lists, without
/// properties, the kinds its edge types name.
fn declared_kinds(s: &Schema) -> impl Iterator<Item = &str> {
    let named = |k: &str| {
        s.edges
            .values()
            .any(|e| e.from.iter().chain(&e.to).any(|x| x == k))
    };
    s.kinds
        .iter()
        .filter(move |(k, d)| !(d.props.is_empty() && named(k)))
        .map(|(k, _)| k.as_str())
}

/// A kind or edge type of the set's schema that the curated schema or an
/// earlier set's schema already declares.
fn declared_twice(
    own: &Schema,
    own_path: &Path,
    curated: &Path,
    extra: &[PathBuf],
) -> Vec<Problem> {
    let mut problems = Vec::new();
    for dir in std::iter::once(curated).chain(extra.iter().map(PathBuf::as_path)) {
        let path = dir.join("schema.toml");
        let Some(Ok(other)) = read_schema(&path) else {
            continue;
        };
        let at = own_path.display().to_string();
        for k in declared_kinds(own).filter(|k| declared_kinds(&other).any(|o| o == *k)) {
            problems.push(Problem::new(
                at.clone(),
                format!("kind {k} is already declared by {}", path.display()),
            ));
        }
        for e in own.edges.keys().filter(|e| other.edges.contains_key(*e)) {
            problems.push(Problem::new(
                at.clone(),
                format!("edge type {e} is already declared by {}", path.display()),
            ));
        }
    }
    problems
}

/// Provenance on every node and edge the set added (those from `before`
/// on), and on the set's own kinds and edge types no undeclared property.
fn own_rules(
    g: &Graph,
    own: &Schema,
    set_dir: &Path,
    before: (usize, usize),
    problems: &mut Vec<Problem>,
) {
    let mut check = |file: &str, what: String, props: Vec<&str>, declared: Option<Vec<&str>>| {
        let at = set_dir.join(file).display().to_string();
        for p in PROVENANCE.iter().filter(|p| !props.contains(p)) {
            problems.push(Problem::new(at.clone(), format!("{what}: no {p}")));
        }
        for p in declared.into_iter().flat_map(|d| {
            props
                .iter()
                .filter(move |p| !d.contains(p))
                .copied()
                .collect::<Vec<_>>()
        }) {
            problems.push(Problem::new(
                at.clone(),
                format!("{what}: property {p} is not declared in the schema"),
            ));
        }
    };
    for n in g.nodes().skip(before.0) {
        let kind = g.node_kind_name(n);
        let props = present(g.node_props(n));
        let declared = declared_kinds(own)
            .any(|k| k == kind)
            .then(|| own.kinds[kind].props.keys().map(String::as_str).collect());
        check("nodes", format!("node {}", g.node_key(n)), props, declared);
    }
    for e in (before.1..g.edge_count()).map(EdgeId::from_index) {
        let (from, to) = g.edge_ends(e);
        let ty = g.edge_type_name(g.edge_type(e));
        let props = present(g.edge_props(e));
        let declared = own
            .edges
            .get(ty)
            .map(|t| t.props.keys().map(String::as_str).collect());
        let what = format!("edge {} -[{ty}]-> {}", g.node_key(from), g.node_key(to));
        check("edges", what, props, declared);
    }
}

/// The names of the properties that have a value (the loader keeps no
/// empty cell).
fn present<V>(props: Vec<(&str, V)>) -> Vec<&str> {
    props.into_iter().map(|(k, _)| k).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, text: &str) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().expect("has parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }

    const CURATED_SCHEMA: &str = "[kinds.Firm]\nprops = { source = \"string\", as_of = \"string\" }\n[kinds.Nation]\nprops = {}\n\
         [edges.LOCATED_IN]\nfrom = [\"Firm\"]\nto = [\"Nation\"]\nrole = \"membership\"\nprops = { source = \"string\", as_of = \"string\" }\n";
    const SET_SCHEMA: &str = "[kinds.Input]\nprops = { q = \"float\", source = \"string\", as_of = \"string\" }\n\
         [edges.FIRM_SHARE]\nfrom = [\"Input\"]\nto = [\"Firm\"]\nrole = \"dependency\"\nprops = { share = \"float\", source = \"string\", as_of = \"string\" }\n";

    fn curated() -> tempfile::TempDir {
        let cur = tempfile::tempdir().expect("tempdir");
        write(cur.path(), "schema.toml", CURATED_SCHEMA);
        write(
            cur.path(),
            "nodes/n.csv",
            "id,kind,name\nus,Nation,United States\nacme,Firm,Acme\n",
        );
        cur
    }

    fn problems(set: &Path, cur: &Path) -> String {
        check_set(set, cur, &[]).expect("checks").join("\n")
    }

    #[test]
    fn the_loader_finds_what_is_invalid() {
        let cur = curated();
        let set = tempfile::tempdir().expect("tempdir");
        write(set.path(), "schema.toml", SET_SCHEMA);
        write(
            set.path(),
            "nodes/i.csv",
            "id,kind,name,aliases,q,source,as_of\ni1,Input,One,,1.5,S,2025\ni2,Input,Two,,abc,S,2025\nacme,Firm,Dup,,,S,2025\n",
        );
        write(
            set.path(),
            "edges/e.csv",
            "from,to,type,share,source,as_of\ni1,acme,FIRM_SHARE,0.5,S,2025\ni1,acme,FIRM_SHARE,0.5,S,2025\n\
             i1,ghost,FIRM_SHARE,0.5,S,2025\ni1,acme,FIRM_SHARE,1.5,S,2025\ni1,us,FIRM_SHARE,,S,2025\ni1,us,NOPE,,S,2025\n",
        );
        let p = problems(set.path(), cur.path());
        for expected in [
            "nodes/i.csv:3:",
            "`abc`",
            "nodes/i.csv:4:",
            "`acme`",
            "edges/e.csv:",
            "`ghost`",
            "`1.5`",
            "Nation",
            "`NOPE`",
        ] {
            assert!(p.contains(expected), "missing '{expected}' in:\n{p}");
        }
    }

    #[test]
    fn the_importer_adds_provenance_and_declaration_rules() {
        let cur = curated();
        let set = tempfile::tempdir().expect("tempdir");
        write(set.path(), "schema.toml", SET_SCHEMA);
        write(
            set.path(),
            "nodes/i.csv",
            "id,kind,name,aliases,q,z,source,as_of\ni1,Input,One,,1.5,,S,2025\ni2,Input,Two,,,1,S,\n",
        );
        write(
            set.path(),
            "edges/e.csv",
            "from,to,type,share,source,as_of\ni1,acme,FIRM_SHARE,0.5,,2025\n",
        );
        let p = problems(set.path(), cur.path());
        for expected in [
            "node i2: no as_of",
            "node i2: property z is not declared",
            "edge i1 -[FIRM_SHARE]-> acme: no source",
        ] {
            assert!(p.contains(expected), "missing '{expected}' in:\n{p}");
        }
        assert!(!p.contains("node i1"), "{p}");
    }

    #[test]
    fn a_clean_set_has_no_problems() {
        let cur = curated();
        let set = tempfile::tempdir().expect("tempdir");
        write(set.path(), "schema.toml", SET_SCHEMA);
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
        assert_eq!(problems(set.path(), cur.path()), "");
    }

    #[test]
    fn redeclaring_a_curated_kind_is_a_problem() {
        let cur = curated();
        let set = tempfile::tempdir().expect("tempdir");
        write(set.path(), "schema.toml", "[kinds.Firm]\nprops = {}\n");
        let p = problems(set.path(), cur.path());
        assert!(p.contains("kind Firm is already declared"), "{p}");
    }
}
