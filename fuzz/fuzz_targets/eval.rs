//! Evaluator fuzzing: any statement runs against the small fixture graph
//! under a small budget, and either yields a result or a diagnostic.
#![no_main]

use std::sync::OnceLock;

use faultline::load::{LoadOptions, load};
use faultline::model::Graph;
use faultline::session::Session;
use libfuzzer_sys::fuzz_target;

fn graph() -> &'static Graph {
    static GRAPH: OnceLock<Graph> = OnceLock::new();
    GRAPH.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/mini");
        load(&[dir], &LoadOptions::default()).expect("the fixture loads").graph
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if text.to_lowercase().contains("export") {
        return; // exports write files; the writers have their own tests
    }
    let mut session = Session::new(graph().clone());
    session.settings.budget = 200_000;
    let _ = session.execute(text, true);
});
