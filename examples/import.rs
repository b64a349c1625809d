//! Runs an importer and prints its report.
//!
//! ```text
//! cargo run --example import -- epoch graph-data/sources/epoch graph-data/imported/epoch
//! cargo run --example import -- eto   graph-data/sources/eto   graph-data/imported/eto
//! cargo run --example import -- all            # both, default paths, in order (epoch, then eto)
//! ```
//!
//! `--curated DIR` (default `graph-data`) is the curated graph the names are
//! resolved against (and whose `sources/entity-map.csv` is the mapping table).
//! `--quiet` prints only the summary.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use faultline::import::{DataSet, ImportReport, import};

fn usage() -> ExitCode {
    eprintln!(
        "usage: import (eto|epoch) SRC OUT [--curated DIR] [--quiet]\n       import all [--curated DIR] [--quiet]"
    );
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut curated = PathBuf::from("graph-data");
    let mut quiet = false;
    if let Some(i) = args.iter().position(|a| a == "--curated") {
        if i + 1 >= args.len() {
            return usage();
        }
        curated = PathBuf::from(args.remove(i + 1));
        args.remove(i);
    }
    if let Some(i) = args.iter().position(|a| a == "--quiet") {
        quiet = true;
        args.remove(i);
    }
    let jobs: Vec<(DataSet, PathBuf, PathBuf)> = match args.as_slice() {
        [all] if all == "all" => DataSet::ALL
            .iter()
            .map(|&d| (d, d.default_source(&curated), d.default_output(&curated)))
            .collect(),
        [set, src, out] => match DataSet::from_name(set) {
            Some(d) => vec![(d, PathBuf::from(src), PathBuf::from(out))],
            None => return usage(),
        },
        _ => return usage(),
    };
    for (set, src, out) in jobs {
        match import(set, &src, &out, &curated) {
            Ok(report) => print_report(set, &out, &report, quiet),
            Err(e) => {
                eprintln!("import {}: {e}", set.name());
                return ExitCode::from(1);
            }
        }
    }
    ExitCode::SUCCESS
}

fn print_report(set: DataSet, out: &std::path::Path, r: &ImportReport, quiet: bool) {
    if !quiet {
        for (title, lines) in [
            ("skipped or adjusted", &r.skipped),
            ("unmatched", &r.unmatched),
            ("notes", &r.notes),
        ] {
            println!("== {} {title} ({})", set.name(), lines.len());
            for l in lines.iter() {
                println!("  {l}");
            }
        }
    }
    let mut by_category: BTreeMap<&str, usize> = BTreeMap::new();
    for l in r.skipped.iter().chain(&r.notes) {
        let cat = l
            .strip_prefix('[')
            .and_then(|s| s.split(']').next())
            .unwrap_or("other");
        *by_category.entry(cat).or_default() += 1;
    }
    println!(
        "== {}: wrote {} nodes and {} edges in {} files to {}; {} skipped/adjusted, {} unmatched, {} notes",
        set.name(),
        r.nodes,
        r.edges,
        r.files.len(),
        out.display(),
        r.skipped.len(),
        r.unmatched.len(),
        r.notes.len()
    );
    for (cat, n) in by_category {
        println!("   {n:5}  {cat}");
    }
}
