//! The committed imported data sets are exactly what the importers make:
//! each set is regenerated from `graph-data/sources/` into a temporary
//! directory and compared byte for byte with `graph-data/imported/`, and the
//! committed files are validated against the curated graph (declared kinds
//! and edge types, existing endpoints, shares in (0, 1], no duplicates).
//!
//! When this fails after a change to the importer, the raw data, the mapping
//! table or the curated graph, regenerate and review the diff:
//! `cargo run --example import -- all`.

#![allow(clippy::panic)] // tests report failures by panicking

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use faultline::import::{DataSet, check_set, import};

fn graph_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("graph-data")
}

/// Every file under `dir`, relative path to bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let entries =
            std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .expect("under root")
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&path).expect("readable file"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn first_difference(a: &[u8], b: &[u8]) -> String {
    let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    for (i, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        if x != y {
            return format!("line {}:\n  committed: {x}\n  fresh:     {y}", i + 1);
        }
    }
    format!(
        "lengths differ ({} vs {} lines)",
        a.lines().count(),
        b.lines().count()
    )
}

fn require_curated(curated: &Path) {
    assert!(
        curated.join("nodes").is_dir() && curated.join("schema.toml").is_file(),
        "the curated graph (graph-data/nodes, graph-data/schema.toml) is needed to resolve entities; it is missing at {}",
        curated.display()
    );
}

#[test]
fn committed_imports_are_what_the_importers_make() {
    let curated = graph_data();
    require_curated(&curated);
    for set in DataSet::ALL {
        let tmp = tempfile::tempdir().expect("tempdir");
        let report = import(set, &set.default_source(&curated), tmp.path(), &curated)
            .unwrap_or_else(|e| panic!("import {} failed: {e}", set.name()));
        assert!(
            report.nodes > 0 && report.edges > 0,
            "{} imported nothing",
            set.name()
        );
        let committed_dir = set.default_output(&curated);
        let (committed, fresh) = (files(&committed_dir), files(tmp.path()));
        let names = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
        assert_eq!(
            names(&committed),
            names(&fresh),
            "files of {} differ from a fresh import; run `cargo run --example import -- all`",
            committed_dir.display()
        );
        for (rel, bytes) in &committed {
            assert!(
                bytes == &fresh[rel],
                "{}/{rel} differs from a fresh import ({}); run `cargo run --example import -- all` and review the diff",
                committed_dir.display(),
                first_difference(bytes, &fresh[rel])
            );
        }
    }
}

#[test]
fn committed_imports_are_valid_against_the_curated_graph() {
    let curated = graph_data();
    require_curated(&curated);
    for set in DataSet::ALL {
        let problems = check_set(
            &set.default_output(&curated),
            &curated,
            &set.links_into(&curated),
        )
        .expect("readable data set");
        assert!(
            problems.is_empty(),
            "{} has problems:\n{}",
            set.name(),
            problems.join("\n")
        );
    }
}

#[test]
fn raw_sources_are_committed_unmodified_with_attribution() {
    let sources = graph_data().join("sources");
    for (set, files) in [
        (
            "eto",
            &[
                "inputs.csv",
                "providers.csv",
                "provision.csv",
                "sequence.csv",
                "stages.csv",
                "ATTRIBUTION.md",
            ][..],
        ),
        (
            "epoch",
            &[
                "gpu_clusters.csv",
                "ml_hardware.csv",
                "data_centers.csv",
                "data_center_timelines.csv",
                "ATTRIBUTION.md",
            ][..],
        ),
    ] {
        for f in files {
            assert!(
                sources.join(set).join(f).is_file(),
                "missing graph-data/sources/{set}/{f}"
            );
        }
    }
    let eto = std::fs::read_to_string(sources.join("eto/ATTRIBUTION.md")).expect("readable");
    assert!(
        eto.contains("NonCommercial"),
        "the ETO attribution states the non-commercial licence"
    );
    for set in ["eto", "epoch"] {
        let out = std::fs::read_to_string(
            graph_data()
                .join("imported")
                .join(set)
                .join("ATTRIBUTION.md"),
        )
        .expect("the import carries an attribution file");
        assert!(
            out.contains("Licence: Creative Commons"),
            "{set}: licence stated in the adapted data"
        );
    }
}

#[test]
fn an_importer_error_names_the_file_and_column() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let src = tmp.path().join("src");
    std::fs::create_dir_all(&src).expect("mkdir");
    for f in [
        "inputs.csv",
        "providers.csv",
        "provision.csv",
        "sequence.csv",
    ] {
        std::fs::copy(graph_data().join("sources/eto").join(f), src.join(f)).expect("copy");
    }
    std::fs::write(src.join("stages.csv"), "stage_id,stage_title\nS1,Design\n").expect("write");
    let err = faultline::import::import_eto(&src, &tmp.path().join("out"), &graph_data())
        .expect_err("bad header");
    let msg = err.to_string();
    assert!(
        msg.contains("stages.csv") && msg.contains("stage_name"),
        "{msg}"
    );
}
