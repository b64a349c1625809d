//! ARCHITECTURE.md's module table is the law: every `crate::` path in a
//! module's files must name a module its row allows, and every module must
//! have a row.

#![allow(clippy::panic, reason = "tests report failures by panicking")]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Module → the modules it may import, from the table's rows.
fn table(text: &str) -> BTreeMap<String, BTreeSet<String>> {
    let ticked = |cell: &str| -> Vec<String> {
        cell.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    };
    let mut rows: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in text.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").collect();
        let (Some(module), Some(allowed)) = (cells.first(), cells.last()) else {
            continue;
        };
        let module = ticked(module).remove(0);
        if module.contains('/') {
            continue; // a crate of its own (python/), not a module of src/
        }
        let allowed: BTreeSet<String> = if allowed.trim() == "all of the above" {
            rows.keys().cloned().collect()
        } else {
            ticked(allowed).into_iter().collect()
        };
        rows.insert(module, allowed);
    }
    rows
}

/// Every `.rs` file under `path` (or `path` itself).
fn files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .map(|e| e.expect("directory entry").path())
            .collect();
        entries.sort();
        for e in entries {
            files(&e, out);
        }
    } else if path.extension().is_some_and(|x| x == "rs") {
        out.push(path.to_path_buf());
    }
}

/// The crate modules a source text names: `crate::x`, and each `x` of
/// `use crate::{x, y::z}`.
fn named(text: &str) -> BTreeSet<String> {
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // Only the top level of the group names modules.
            let mut depth = 0;
            let mut start = 0;
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        out.insert(ident(&group[start..j]));
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.insert(ident(&group[start..j]));
                        start = j + 1;
                    }
                    _ => {}
                }
            }
        } else {
            out.insert(ident(rest));
        }
    }
    out.retain(|m| !m.is_empty());
    out
}

#[test]
fn modules_import_only_what_their_row_allows() {
    let arch = std::fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let rows = table(&arch);
    assert!(rows.len() > 10, "no module table found in ARCHITECTURE.md");
    let src = root().join("src");
    let mut violations = Vec::new();
    let mut modules = BTreeSet::new();
    for entry in std::fs::read_dir(&src).expect("src/") {
        let path = entry.expect("entry").path();
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("utf-8 name")
            .to_string();
        if name == "lib" || name == "main" {
            continue;
        }
        modules.insert(name.clone());
        let Some(allowed) = rows.get(&name) else {
            violations.push(format!("module `{name}` has no row in ARCHITECTURE.md"));
            continue;
        };
        let mut found = Vec::new();
        files(&path, &mut found);
        for file in found {
            let text = std::fs::read_to_string(&file).expect("readable source");
            for m in named(&text) {
                if m != name && !allowed.contains(&m) && rows.contains_key(&m) {
                    violations.push(format!(
                        "{}: `{name}` imports `{m}`, outside its row ({})",
                        file.strip_prefix(root()).unwrap_or(&file).display(),
                        allowed.iter().cloned().collect::<Vec<_>>().join(", ")
                    ));
                }
            }
        }
    }
    for m in rows.keys().filter(|m| !modules.contains(*m)) {
        violations.push(format!(
            "ARCHITECTURE.md has a row for `{m}`, which is no module"
        ));
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn the_checker_sees_paths_and_groups() {
    let text = "use crate::diag::Problem;\nuse crate::{model::{Graph, NodeId}, load};\nlet x = crate::syntax::vocab::functions();";
    let got: Vec<String> = named(text).into_iter().collect();
    assert_eq!(got, ["diag", "load", "model", "syntax"]);
    let rows = table("| `a` | x | — |\n| `b` | y | `a` |\n| `c` | z | all of the above |\n");
    assert!(rows["a"].is_empty());
    assert!(rows["b"].contains("a"));
    assert_eq!(rows["c"].len(), 2);
}
