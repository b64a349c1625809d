//! A 1 MB script of simple statements parses (and reports how long it
//! took with `--nocapture`; no timing assertion: machines differ).
//! Measure with `cargo test --release --test syntax_perf -- --nocapture`.

use faultline::syntax::parse_script;
use std::time::Instant;

#[test]
#[allow(
    clippy::print_stderr,
    reason = "the measurement is the point of running this with --nocapture"
)]
fn one_megabyte_script() {
    let statements = [
        "match (f:Firm {country: \"US\"})-[:DEPENDS_ON]->(t) where f.revenue > 10 and t.name starts with 'T' return f.name, t limit 10;\n",
        "upstream of \"TSMC\" via DEPENDS_ON depth 3;\n",
        "show \"ASML\";\n",
        "match (n:Firm) return n.name order by n.name limit 5;\n",
        "exposure of (f:Firm) to \"Taiwan\" top 10; -- a comment\n",
    ];
    // A debug build is ~20x slower; it checks the same thing on less text.
    let size = if cfg!(debug_assertions) {
        64 << 10
    } else {
        1 << 20
    };
    let mut src = String::new();
    let mut count = 0;
    while src.len() < size {
        src.push_str(statements[count % statements.len()]);
        count += 1;
    }
    let start = Instant::now();
    let parsed = parse_script(&src).map_err(|d| d.to_string());
    let elapsed = start.elapsed();
    assert_eq!(parsed.map(|s| s.len()), Ok(count));
    eprintln!(
        "parsed {count} statements ({} bytes) in {elapsed:?}",
        src.len()
    );
}

/// Inputs that once made the fuzzer's `parse` target time out (a line of
/// about a hundred `~`, under AddressSanitizer), and relatives: each is an
/// error (`--` would start a comment, so no `-` here), found without
/// backtracking through the rest.
#[test]
fn runs_of_junk_are_rejected_at_once() {
    for junk in ["~", "~~", "!", "+", "match (a)-[", "\"", "$"] {
        let src = junk.repeat(20_000);
        let err = parse_script(&src)
            .map(|s| s.len())
            .map_err(|d| d.to_string());
        assert!(err.is_err(), "{junk:?} repeated parsed: {err:?}");
    }
}
