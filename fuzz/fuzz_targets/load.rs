//! Loader fuzzing: arbitrary bytes as a node CSV, an edge CSV, a JSON
//! document and a schema load or fail with located problems, never panic.
#![no_main]

use faultline::load::{LoadOptions, load};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(dir) = tempfile::tempdir() else { return };
    let which = data.first().copied().unwrap_or(0) % 4;
    let body = data.get(1..).unwrap_or(&[]);
    let name = match which {
        0 => "nodes.csv",
        1 => "edges.csv",
        2 => "doc.json",
        _ => "schema.toml",
    };
    let nodes = b"id,kind,name\na,Firm,A\nb,Firm,B\n";
    if std::fs::write(dir.path().join("base.csv"), nodes).is_err() {
        return;
    }
    let mut content = Vec::new();
    if which == 1 {
        content.extend_from_slice(b"from,to,type\n");
    }
    content.extend_from_slice(body);
    if std::fs::write(dir.path().join(name), &content).is_err() {
        return;
    }
    let _ = load(&[dir.path().to_path_buf()], &LoadOptions { skip_bad_rows: which == 0, ..LoadOptions::default() });
});
