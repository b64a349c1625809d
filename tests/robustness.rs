//! The robustness catalogue (issue 8): one test per class of hostile input
//! or runaway work, each asserting what the program does with it. The
//! table in `tests/README.md` lists the same classes with their messages
//! and exit codes.
//!
//! - runaway queries end with E0401 under the default budget, on a
//!   generated graph of 3,020 nodes and 33,000 edges;
//! - a cancel flag set from another thread ends a statement with E0402,
//!   and so does Ctrl-C in the REPL;
//! - nesting tens of thousands deep is E0103, long lines and long values
//!   are cut in messages, integer overflow is an error;
//! - hostile data files exit 2 with a located, one-line message;
//! - nothing is lost: a failed `:load`, a failed export and a killed REPL
//!   leave the graph, the file and the history as they were;
//! - exports and CSV output escape what comes from the data.

#![allow(clippy::unwrap_used, clippy::panic, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Mutex, OnceLock};

use faultline::diag::Diagnostic;
use faultline::limits::DEFAULT_BUDGET;
use faultline::load::{LoadOptions, load};
use faultline::model::Graph;
use faultline::model::Value;
use faultline::output::{Format, render};
use faultline::result::{Cell, ResultSet};
use faultline::session::{BUDGET_PER_ITEM, Session, budget_for};

// ------------------------------------------------------------- helpers

fn mini_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini")
}

fn mini() -> Graph {
    static GRAPH: OnceLock<Graph> = OnceLock::new();
    GRAPH
        .get_or_init(|| {
            load(&[mini_dir()], &LoadOptions::default())
                .expect("the mini fixture loads")
                .graph
        })
        .clone()
}

/// Runs one statement; its result or error.
fn run1(session: &mut Session, source: &str) -> Result<ResultSet, Diagnostic> {
    let mut outcomes = session.execute(source, false);
    assert!(!outcomes.is_empty(), "no statement in {source:.80}");
    outcomes.pop().unwrap().result
}

/// Asserts that the statement fails with `code`; returns the diagnostic.
fn fails_with(session: &mut Session, source: &str, code: &str) -> Diagnostic {
    match run1(session, source) {
        Ok(r) => panic!(
            "expected {code} from `{source:.120}`, got {} rows",
            r.rows.len()
        ),
        Err(d) => {
            assert_eq!(d.code, code, "`{source:.120}`: {d}");
            d
        }
    }
}

fn faultline(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_faultline"));
    cmd.args(args)
        .env("FAULTLINE_DATA", mini_dir())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    match stdin {
        None => cmd.stdin(Stdio::null()).output().expect("faultline runs"),
        Some(bytes) => {
            use std::io::Write;
            cmd.stdin(Stdio::piped());
            let mut child = cmd.spawn().expect("faultline runs");
            let mut input = child.stdin.take().expect("a stdin pipe");
            let bytes = bytes.to_vec();
            let writer = std::thread::spawn(move || input.write_all(&bytes));
            let out = child.wait_with_output().expect("faultline ends");
            let _ = writer.join();
            out
        }
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn write_files(dir: &Path, files: &[(&str, &[u8])]) {
    for (name, bytes) in files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(path, bytes).unwrap();
    }
}

// ------------------------------------------------- the generated graph

const BIG_SCHEMA: &str = r#"
[kinds.Firm]
props = {}

[kinds.Nation]
props = {}

[edges.DEPENDS_ON]
from = ["Firm"]
to = ["Firm"]
role = "dependency"
direction = "forward"
props = { share = "float" }

[edges.LOCATED_IN]
from = ["Firm"]
to = ["Nation"]
role = "membership"
"#;

/// 3,000 firms in 20 nations with 30,000 random DEPENDS_ON edges (a fixed
/// linear congruential generator, so every run sees the same graph).
fn big() -> Graph {
    static GRAPH: OnceLock<Graph> = OnceLock::new();
    GRAPH
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let firms = 3000u64;
            let mut nodes = String::from("id,kind,name\n");
            for i in 0..firms {
                nodes.push_str(&format!("f{i},Firm,Firm {i}\n"));
            }
            for i in 0..20 {
                nodes.push_str(&format!("n{i},Nation,Nation {i}\n"));
            }
            let mut edges = String::from("from,to,type,share\n");
            let mut seen = std::collections::HashSet::new();
            let mut x: u64 = 0x2545_F491_4F6C_DD1D;
            let mut next = || {
                x = x
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                x >> 33
            };
            while seen.len() < 30_000 {
                let (a, b) = (next() % firms, next() % firms);
                if a != b && seen.insert((a, b)) {
                    let share = 0.05 + (next() % 900) as f64 / 1000.0;
                    edges.push_str(&format!("f{a},f{b},DEPENDS_ON,{share}\n"));
                }
            }
            for i in 0..firms {
                edges.push_str(&format!("f{i},n{},LOCATED_IN,\n", i % 20));
            }
            write_files(
                dir.path(),
                &[
                    ("schema.toml", BIG_SCHEMA.as_bytes()),
                    ("nodes.csv", nodes.as_bytes()),
                    ("edges.csv", edges.as_bytes()),
                ],
            );
            let g = load(&[dir.path().to_path_buf()], &LoadOptions::default())
                .expect("the generated graph loads")
                .graph;
            assert_eq!((g.node_count(), g.edge_count()), (3020, 33_000));
            g
        })
        .clone()
}

/// Runaway statements hold up to a few hundred MB of rows before the
/// budget stops them; one at a time keeps the test run's memory small.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Every statement must end with E0401 under the default budget (the
/// graph's: 500 units per node and edge, 18 million here).
fn all_stop_on_the_budget(statements: &[&str]) {
    let _guard = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let g = big();
    let default = budget_for(&g);
    assert_eq!(default, 36_020 * BUDGET_PER_ITEM);
    let mut session = Session::new(g);
    assert_eq!(session.settings.budget, default);
    for s in statements {
        let d = fails_with(&mut session, s, "E0401");
        assert!(d.message.contains("work budget"), "{d}");
    }
}

/// A 1,000-node dependency ring (each firm 0.99 on the next, one 0.01 on a
/// nation): a slowly mixing cycle. The issue's finding (E0401 at the
/// default budget) did not reproduce; this pins that the analyses answer.
#[test]
fn a_thousand_node_ring_is_answered_within_the_default_budget() {
    let dir = tempfile::tempdir().unwrap();
    let mut nodes = String::from("id,kind,name\nx,Nation,X\n");
    let mut edges = String::from("from,to,type,share\nf0,x,DEPENDS_ON,0.01\n");
    for i in 0..1000 {
        nodes.push_str(&format!("f{i},Firm,F{i}\n"));
        edges.push_str(&format!("f{i},f{},DEPENDS_ON,0.99\n", (i + 1) % 1000));
    }
    let schema = BIG_SCHEMA.replace(
        "to = [\"Firm\"]\nrole = \"dependency\"",
        "to = [\"Firm\", \"Nation\"]\nrole = \"dependency\"",
    );
    write_files(
        dir.path(),
        &[
            ("schema.toml", schema.as_bytes()),
            ("nodes.csv", nodes.as_bytes()),
            ("edges.csv", edges.as_bytes()),
        ],
    );
    let g = load(&[dir.path().to_path_buf()], &LoadOptions::default())
        .unwrap_or_else(|f| panic!("{f}"))
        .graph;
    let mut session = Session::new(g);
    assert_eq!(session.settings.budget, DEFAULT_BUDGET);
    for q in [
        "exposure of (f:Firm) to \"X\"",
        "exposure of (f:Firm) to \"X\" by share",
        "exposure of (f:Firm) to \"X\" depth 999",
        "chokepoints of \"F5\"",
    ] {
        let r = run1(&mut session, q).unwrap_or_else(|d| panic!("{q}: {d}"));
        assert!(!r.rows.is_empty(), "{q}");
    }
    // F0 = 0.01 + 0.99^1000 F0 around the ring, and F999 = 0.99 F0.
    let r = run1(&mut session, "exposure of \"F999\" to \"X\"").unwrap();
    let Cell::Value(Value::Float(loss)) = r.rows[0][2] else {
        panic!("{r:?}")
    };
    let want = 0.99 * 0.01 / (1.0 - 0.99f64.powi(1000));
    assert!((loss - want).abs() < 1e-12, "{loss} vs {want}");
}

// ------------------------------------------------------ runaway queries

#[test]
fn all_paths_with_a_huge_max_stop_on_the_budget() {
    all_stop_on_the_budget(&[
        // Once spun 4 billion times over an empty frontier, uncharged.
        r#"path all from "f1" to "f2" max 4000000000"#,
        // Once held 2 GB of found paths, each charged 1 however long.
        "path all from (a:Firm) to (b:Firm) max 50",
    ]);
}

#[test]
fn k_shortest_paths_with_a_huge_k_stop_on_the_budget() {
    all_stop_on_the_budget(&[
        // Once ran for minutes: each round rescanned every chosen path.
        "path k 1000000 from (a:Firm) to (b:Firm)",
        r#"path k 1000000 from "f1" to "f2" max 20"#,
    ]);
}

#[test]
fn unbounded_variable_length_patterns_stop_on_the_budget() {
    all_stop_on_the_budget(&[
        // Once grew past 20 GB: trails were copied and checked uncharged.
        "match (a)-[*]->(b) return count(*)",
        "match (a)-[*]-(b) return count(*)",
        "match (a)-[r*]->(b) return count(*)",
        "match p = (a)-[*]->(b) return count(*)",
        "match (a)-[*]->(b)-[*]->(c) return count(*)",
        "match (a)-[*1..1000]->(b) return a, b",
        "match (a)-[*0..]-(b) return distinct a",
        "match (a)-[*]->(b) return collect(a)",
    ]);
}

#[test]
fn cartesian_products_stop_on_the_budget() {
    all_stop_on_the_budget(&[
        "match (a), (b), (c) return count(*)",
        "match (a), (b) return a, b order by a.name, b.name",
        "match (a:Firm), (b:Firm), (c:Nation) where a.name < b.name return count(distinct c)",
        // A pattern that differs per row is compiled per row: once ran for
        // minutes on 9 million pairs, each charged as one row.
        "match (a:Firm), (b:Firm) where a.name =~ b.name return count(*)",
    ]);
}

#[test]
fn analyses_over_every_node_stop_on_the_budget() {
    all_stop_on_the_budget(&["chokepoints of (f:Firm)"]);
}

#[test]
fn a_runaway_export_stops_and_leaves_the_file_alone() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("x.dot");
    std::fs::write(&target, "old").unwrap();
    let statement = format!(
        r#"export dot "{}" from match (a)-[*]->(b) return a"#,
        target.display()
    );
    all_stop_on_the_budget(&[&statement]);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "no temporary file is left behind");
}

#[test]
fn the_budget_is_the_sessions_setting() {
    let mut session = Session::new(big());
    session.settings.budget = 1000;
    fails_with(
        &mut session,
        "match (a:Firm)-->(b) return count(*)",
        "E0401",
    );
    // `show` charges a row per property and edge of each card.
    session.settings.budget = 50_000;
    fails_with(&mut session, "show (n)", "E0401");
    session.settings.budget = DEFAULT_BUDGET;
    let r = run1(&mut session, "match (a:Firm)-->(b) return count(*)").unwrap();
    assert_eq!(r.rows.len(), 1);
}

// ---------------------------------------------------------- cancellation

/// Runs `statement` with no budget while another thread keeps setting the
/// cancel flag (the session clears it when a statement starts, so one
/// early set could be missed); the statement must end with E0402.
fn cancelled(statement: &str) {
    let _guard = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let mut session = Session::new(big());
    session.settings.budget = u64::MAX;
    let flag = session.cancel_flag();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let canceller = {
        let done = done.clone();
        std::thread::spawn(move || {
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                std::thread::sleep(std::time::Duration::from_millis(20));
                flag.cancel();
            }
        })
    };
    let result = run1(&mut session, statement);
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    canceller.join().unwrap();
    match result {
        Err(d) => assert_eq!(d.code, "E0402", "{statement}: {d}"),
        Ok(r) => panic!("{statement} finished with {} rows", r.rows.len()),
    }
    // The session goes on.
    let r = run1(&mut session, "match (n:Nation) return count(*)").unwrap();
    assert_eq!(r.rows.len(), 1);
}

#[test]
fn cancelling_from_another_thread_stops_a_match() {
    // Never ends on its own (every trail of 33,000 edges), holds no rows.
    cancelled(r#"match (a)-[*]-(b) where b.name = "nobody" return count(*)"#);
}

#[test]
fn cancelling_from_another_thread_stops_an_analysis() {
    cancelled(r#"path all from (a:Firm) to "f2" max 100"#);
}

#[test]
fn ctrl_c_in_the_repl_cancels_the_statement_and_keeps_the_session() {
    use rexpect::session::spawn_command;
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_faultline"));
    cmd.args(["repl", "--data"])
        .arg(mini_dir())
        .env("FAULTLINE_HISTORY", dir.path().join("history"))
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    let mut p = spawn_command(cmd, Some(30_000)).unwrap();
    let prompt = |p: &mut rexpect::session::PtySession| {
        p.exp_string("faultline> ").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(300));
    };
    prompt(&mut p);
    p.send_line(":budget 1000000000000000").unwrap();
    prompt(&mut p);
    // Every walk of up to 30 hops on the mini graph, undirected: far more
    // than anyone waits for.
    p.send_line("match (a)-[*..30]-(b) where b.name = \"nobody\" return count(*)")
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    p.send_control('c').unwrap();
    p.exp_string("E0402").unwrap();
    prompt(&mut p);
    p.send_line("match (n:Bloc) return n.name;").unwrap();
    p.exp_string("European Union").unwrap();
    prompt(&mut p);
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
}

// ------------------------------------------------ nesting and big values

fn nested(open: &str, close: &str, depth: usize, inner: &str) -> String {
    format!("{}{inner}{}", open.repeat(depth), close.repeat(depth))
}

fn deep_statements(depth: usize) -> Vec<String> {
    vec![
        format!("match (n) return {}", nested("(", ")", depth, "1")),
        format!("match (n) return {}", nested("[", "]", depth, "1")),
        format!("match (n) where {}true return n", "not ".repeat(depth)),
        format!("match (n) return {}1", "- ".repeat(depth)),
        format!("match (n) return 1{}", " + 1".repeat(depth)),
        format!("match (n) return {}", nested("size([", "])", depth, "1")),
        format!("{}stats", "with s: ".repeat(depth)),
        format!("{}stats", "compare s: ".repeat(depth)),
        format!("show {}\"US\"", "members of ".repeat(depth)),
    ]
}

#[test]
fn nesting_tens_of_thousands_deep_is_an_error_not_a_stack_overflow() {
    let mut session = Session::new(mini());
    for s in deep_statements(50_000) {
        let d = fails_with(&mut session, &s, "E0103");
        assert!(d.message.contains("nested too deeply"), "{d}");
        // The rendered error is an excerpt, not the whole 100 KB line.
        let rendered = d.render("<query>", &s);
        assert!(rendered.len() < 1000, "{} bytes", rendered.len());
    }
}

#[test]
fn nesting_tens_of_thousands_deep_through_the_binary() {
    // A command-line argument is at most 128 KB: 20,000 levels of brackets.
    let query = format!("match (n) return {}", nested("(", ")", 20_000, "1"));
    let out = faultline(&["query", &query], None);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("error[E0103]: nested too deeply"),
        "{err:.400}"
    );
    assert!(err.len() < 1000, "{} bytes", err.len());
    // Scripts from stdin have no such limit: 50,000 levels of `not`.
    let script = format!("match (n) where {}true return n;\n", "not ".repeat(50_000));
    let out = faultline(&["run", "-"], Some(script.as_bytes()));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("E0103"));
}

#[test]
fn integers_that_overflow_are_errors() {
    let mut session = Session::new(mini());
    for (s, code) in [
        ("match (n) return 99999999999999999999999", "E0102"),
        ("match (n) return -9223372036854775809", "E0102"),
        ("match (n) return 9223372036854775807 + 1 limit 1", "E0303"),
        ("match (n) return -9223372036854775807 - 2 limit 1", "E0303"),
        ("match (n) return 4611686018427387904 * 2 limit 1", "E0303"),
        ("match (n) return n limit 99999999999999999999", "E0104"),
        ("upstream of \"TSMC\" depth 99999999999", "E0104"),
    ] {
        let d = run1(&mut session, s).expect_err(s);
        assert_eq!(d.code, code, "{s}: {d}");
    }
    let r = run1(
        &mut session,
        "match (n:Bloc) return -9223372036854775808 as low",
    )
    .unwrap();
    assert_eq!(r.rows.len(), 1);
}

#[test]
fn very_long_strings_and_names_work_and_unterminated_ones_are_cut_in_errors() {
    let mut session = Session::new(mini());
    let long = "a".repeat(2_000_000);
    let r = run1(
        &mut session,
        &format!("match (n) where n.name = \"{long}\" return n"),
    )
    .unwrap();
    assert!(r.rows.is_empty());
    let s = format!("match (n) where n.name = \"{long} return n");
    let d = run1(&mut session, &s).unwrap_err();
    let rendered = d.render("<query>", &s);
    assert!(rendered.len() < 1000, "{rendered:.300}");
    let s = format!("match (n) where n.name =~ \"({long}\" return n");
    let d = run1(&mut session, &s).unwrap_err();
    assert!(d.message.len() < 1200, "{:.300}", d.message);
}

// ------------------------------------------------------ hostile data files

/// A data set of the base nodes plus `files`; `faultline check` on it.
fn check(files: &[(&str, &[u8])]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), &[("base.csv", b"id,kind,name\na,Firm,A\n")]);
    write_files(dir.path(), files);
    let out = faultline(&["check", "--data", dir.path().to_str().unwrap()], None);
    (out.status.code(), text(&out.stderr))
}

/// The file fails to load: exit 2, its name with a line, each problem one
/// short line, and the `expect`ed words.
fn rejected(files: &[(&str, &[u8])], file: &str, expect: &[&str]) {
    let (code, err) = check(files);
    assert_eq!(code, Some(2), "{file}: {err:.500}");
    assert!(err.contains(&format!("{file}:")), "{err:.500}");
    let first = err.lines().next().unwrap_or("");
    let located = first
        .split_once(&format!("{file}:"))
        .is_some_and(|(_, rest)| rest.starts_with(|c: char| c.is_ascii_digit()));
    assert!(located, "a line number after the file: {first:.300}");
    for e in expect {
        assert!(err.contains(e), "{file}: missing {e:?} in {err:.600}");
    }
    assert!(
        err.lines().count() <= 102,
        "{file}: at most 100 problems and a summary"
    );
    for line in err.lines() {
        assert!(
            line.len() < 1500,
            "{file}: a {} byte line: {line:.200}",
            line.len()
        );
    }
    assert!(
        !err.chars().any(|c| c.is_control() && c != '\n'),
        "no control characters reach the terminal: {err:?}"
    );
}

/// Bytes from a fixed generator: the same garbage every run.
fn garbage(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (x >> 56) as u8
        })
        .collect()
}

#[test]
fn binary_garbage_is_rejected_with_a_location() {
    for seed in 1..=5 {
        let bytes = garbage(4000, seed);
        rejected(&[("g.json", &bytes)], "g.json", &["invalid JSON"]);
        rejected(&[("schema.toml", &bytes)], "schema.toml", &[]);
        let mut csv = b"id,kind,name\n".to_vec();
        csv.extend_from_slice(&bytes);
        rejected(&[("g.csv", &csv)], "g.csv", &[]);
    }
}

#[test]
fn invalid_utf8_is_rejected_with_a_location() {
    rejected(
        &[("x.csv", b"id,kind,name\nb,Firm,B\xff\xfe\n")],
        "x.csv",
        &["x.csv:2", "not valid UTF-8"],
    );
    rejected(
        &[("x.json", b"{\"nodes\": [{\"id\": \"b\xff\"}]}")],
        "x.json",
        &["x.json:1:", "invalid"],
    );
}

#[test]
fn truncated_and_misshapen_json_is_rejected_with_a_location() {
    for (body, expect) in [
        (
            &b"{\"nodes\": [{\"id\": \"b\", \"kind\": \"Firm\", \"na"[..],
            "EOF while parsing",
        ),
        (b"{\"nodes\": [", "EOF while parsing"),
        (b"", "EOF while parsing"),
        (b"[1, 2, 3]", "found an array; expected an object"),
        (b"\"nodes\"", "found a string; expected an object"),
        (b"{\"nodes\": 5}", "`nodes` is a number; expected an array"),
        (b"{\"nodes\": [5]}", "expected"),
        (
            b"{\"edges\": [{\"from\": \"a\", \"to\": \"a\"}]}",
            "`type` is missing",
        ),
        (b"{\"nodes\": [], \"extra\": 1}", "unknown key `extra`"),
    ] {
        rejected(&[("t.json", body)], "t.json", &[expect]);
    }
}

#[test]
fn enormous_fields_are_rejected_not_loaded() {
    let mut csv = b"id,kind,name\nb,Firm,".to_vec();
    csv.extend(std::iter::repeat_n(b'x', 3_000_000));
    csv.push(b'\n');
    rejected(
        &[("big.csv", &csv)],
        "big.csv",
        &[
            "big.csv:2:",
            "field 3 is 3000000 bytes long",
            "at most 1048576",
        ],
    );
    let mut json = br#"{"nodes": [{"id": "b", "kind": "Firm", "name": ""#.to_vec();
    json.extend(std::iter::repeat_n(b'x', 3_000_000));
    json.extend_from_slice(br#""}]}"#);
    rejected(
        &[("big.json", &json)],
        "big.json",
        &[
            "big.json:1:",
            "nodes[0]",
            "3000000 bytes",
            "at most 1048576",
        ],
    );
}

#[test]
fn a_quote_left_open_is_rejected_where_it_opens() {
    // The csv crate reads it as one field running to the end of the file,
    // which used to load silently with every later row lost.
    let mut csv = b"id,kind,name\nb,Firm,\"Unclosed\n".to_vec();
    for i in 0..500 {
        csv.extend_from_slice(format!("c{i},Firm,C{i}\n").as_bytes());
    }
    rejected(
        &[("q.csv", &csv)],
        "q.csv",
        &["q.csv:2:8:", "this quote is never closed"],
    );
    // Quoted newlines and doubled quotes, and a bare quote inside a field,
    // are fine.
    let (code, err) = check(&[(
        "ok.csv",
        b"id,kind,name\nb,Firm,\"multi\nline \"\"quoted\"\"\"\nc,Firm,5\" wafer\n",
    )]);
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn a_quoted_last_field_without_a_newline_is_closed() {
    // The quote that closes the last field is the file's last byte.
    let (code, err) = check(&[("n.csv", b"id,kind,name\nb,Firm,\"B\"")]);
    assert_eq!(code, Some(0), "{err}");
    let (code, err) = check(&[("n.csv", b"id,kind,name\r\nb,Firm,\"B \"\"x\"\"\"")]);
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn ragged_rows_are_rejected_with_both_counts() {
    rejected(
        &[(
            "r.csv",
            b"id,kind,name,ticker\nb,Firm,B,BB\nc,Firm\nd,Firm,D,DD,extra\n",
        )],
        "r.csv",
        &[
            "r.csv:3:",
            "has 2 fields, expected 4",
            "r.csv:4:",
            "has 5 fields, expected 4",
        ],
    );
}

#[test]
fn escape_sequences_in_data_never_reach_the_terminal() {
    rejected(
        &[("e.csv", b"from,to,type\na,zz\x1b[2J\x07,X\n")],
        "e.csv",
        &["unknown node `zz\\u{1b}[2J\\u{7}`"],
    );
}

#[test]
fn bom_crlf_and_header_only_files_load() {
    let (code, err) = check(&[
        ("bom.csv", b"\xef\xbb\xbfid,kind,name\r\nc,Firm,C\r\n"),
        ("e.csv", b"from,to,type\r\n"),
        ("h.csv", b"id,kind,name\n"),
        ("d.json", b"\xef\xbb\xbf{\"nodes\": [], \"edges\": []}\r\n"),
    ]);
    assert_eq!(code, Some(0), "{err}");
}

// ------------------------------------------------------------ nothing lost

#[test]
fn a_failed_load_leaves_the_graph_as_it_was() {
    let mut session = Session::new(mini());
    let query = "match (n) return n.id order by n.id";
    let before = run1(&mut session, query).unwrap();
    let counts = (session.graph().node_count(), session.graph().edge_count());
    let dir = tempfile::tempdir().unwrap();
    write_files(
        dir.path(),
        &[
            // Good rows next to a bad one: none of them may land.
            (
                "more.csv",
                b"id,kind,name\nnew1,Firm,New 1\nnew2,Firm,New 2\n",
            ),
            ("bad.csv", b"from,to,type\nnew1,nowhere,DEPENDS_ON\n"),
        ],
    );
    let failure = session
        .load_more(&[dir.path().to_path_buf()])
        .expect_err("a dangling edge fails the load");
    assert!(failure.to_string().contains("nowhere"), "{failure}");
    assert_eq!(
        (session.graph().node_count(), session.graph().edge_count()),
        counts
    );
    assert_eq!(run1(&mut session, query).unwrap(), before);
    // A good load afterwards still works.
    std::fs::remove_file(dir.path().join("bad.csv")).unwrap();
    assert_eq!(
        session.load_more(&[dir.path().to_path_buf()]).unwrap(),
        (2, 0)
    );
}

#[test]
fn a_failed_export_leaves_no_file_and_no_temporary() {
    let mut session = Session::new(mini());
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no/such/dir/x.dot");
    fails_with(
        &mut session,
        &format!("export dot \"{}\"", missing.display()),
        "E0501",
    );
    let target = dir.path().join("x.json");
    std::fs::write(&target, "old").unwrap();
    session.settings.budget = 10;
    fails_with(
        &mut session,
        &format!(
            "export json \"{}\" from match (a)-->(b) return a",
            target.display()
        ),
        "E0401",
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn repl_history_is_written_before_the_statement_runs() {
    use rexpect::session::spawn_command;
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_faultline"));
    cmd.args(["repl", "--data"])
        .arg(mini_dir())
        .env("FAULTLINE_HISTORY", &history)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    let mut p = spawn_command(cmd, Some(30_000)).unwrap();
    p.exp_string("faultline> ").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    p.send_line("match (n:Bloc) return n.name as lost_if_killed;")
        .unwrap();
    p.exp_string("European Union").unwrap();
    p.exp_string("faultline> ").unwrap();
    // The session dies without a goodbye.
    p.process_mut()
        .kill(rexpect::process::Signal::SIGKILL)
        .unwrap();
    let saved = std::fs::read_to_string(&history).unwrap();
    assert!(saved.contains("lost_if_killed"), "{saved}");
}

// ----------------------------------------------------- escaping and safety

/// Names that try to break out of DOT strings, XML, CSV and terminals.
const HOSTILE_NODES: &[u8] = b"id,kind,name\n\
q,Firm,\"say \"\"hi\"\"\"\n\
inj,Firm,\"\"\"]; evil [shape=box\"\n\
html,<script>Kind,<script>alert(1)</script>\n\
nl,Firm,\"line one\nline two\"\n\
calc,Firm,=cmd|' /C calc'!A0\n\
at,Firm,@SUM(A1:A9)\n\
amp,Firm,A & B <c> 'd' \\\\\"\n\
esc,Firm,red\x1b[31m\n";

const HOSTILE_EDGES: &[u8] = b"from,to,type\n\
q,inj,\"EVIL\"\"];x\"\n\
inj,html,<b>T</b>\n\
html,nl,DEPENDS\n\
nl,calc,DEPENDS\n\
calc,at,DEPENDS\n\
at,amp,DEPENDS\n\
amp,esc,DEPENDS\n";

/// The hostile names as loaded, by id.
fn hostile() -> (tempfile::TempDir, Graph, Vec<(String, String)>) {
    let dir = tempfile::tempdir().unwrap();
    write_files(
        dir.path(),
        &[("nodes.csv", HOSTILE_NODES), ("edges.csv", HOSTILE_EDGES)],
    );
    let g = load(&[dir.path().to_path_buf()], &LoadOptions::default())
        .expect("hostile names are valid data")
        .graph;
    let names = g
        .nodes()
        .map(|n| (g.node_key(n).to_string(), g.node_name(n).to_string()))
        .collect();
    (dir, g, names)
}

#[test]
fn json_and_graphml_exports_carry_hostile_names_exactly() {
    let (_data, g, names) = hostile();
    let mut session = Session::new(g);
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("h.json");
    let graphml = dir.path().join("h.graphml");
    run1(&mut session, &format!("export json \"{}\"", json.display())).unwrap();
    run1(
        &mut session,
        &format!("export graphml \"{}\"", graphml.display()),
    )
    .unwrap();

    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let nodes = doc["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), names.len());
    for (id, name) in &names {
        let node = nodes.iter().find(|n| n["id"] == id.as_str()).unwrap();
        assert_eq!(node["name"].as_str(), Some(name.as_str()));
    }
    assert_eq!(doc["edges"].as_array().unwrap().len(), 7);

    let xml = std::fs::read_to_string(&graphml).unwrap();
    let tree = roxmltree::Document::parse(&xml).expect("well-formed GraphML");
    let xml_nodes: Vec<_> = tree
        .descendants()
        .filter(|n| n.has_tag_name("node"))
        .collect();
    assert_eq!(xml_nodes.len(), names.len());
    for (id, name) in &names {
        let node = xml_nodes
            .iter()
            .find(|n| n.attribute("id") == Some(id.as_str()))
            .unwrap();
        let shown = node
            .children()
            .find(|d| d.attribute("key") == Some("name"))
            .and_then(|d| d.text())
            .unwrap_or("");
        // XML 1.0 cannot hold control characters other than tab and
        // newlines, not even as references: they are replaced.
        let xml_safe: String = name
            .chars()
            .map(|c| {
                if c.is_control() && !matches!(c, '\t' | '\n' | '\r') {
                    '\u{FFFD}'
                } else {
                    c
                }
            })
            .collect();
        assert_eq!(shown, xml_safe);
    }
    assert!(!xml.contains("<script>"), "markup from the data is escaped");
    assert_eq!(
        tree.descendants()
            .filter(|n| n.has_tag_name("edge"))
            .count(),
        7
    );
}

#[test]
fn dot_export_of_hostile_names_draws_exactly_the_graph() {
    let (_data, g, names) = hostile();
    let mut session = Session::new(g);
    let dir = tempfile::tempdir().unwrap();
    let dot = dir.path().join("h.dot");
    run1(&mut session, &format!("export dot \"{}\"", dot.display())).unwrap();
    let text_out = std::fs::read_to_string(&dot).unwrap();
    for line in text_out.lines() {
        assert!(
            !line.trim_start().starts_with("evil"),
            "a name became a statement: {line}"
        );
    }
    if !faultline::export::dot_available() {
        eprintln!("Graphviz not installed: the layout check is skipped");
        return;
    }
    // Graphviz reads it back with exactly our nodes and edges.
    let out = Command::new("dot")
        .args(["-Tjson0"])
        .arg(&dot)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let laid: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let objects = laid["objects"].as_array().unwrap();
    let drawn: Vec<&str> = objects
        .iter()
        .filter(|o| o.get("nodes").is_none())
        .filter_map(|o| o["name"].as_str())
        .collect();
    let mut ids: Vec<&str> = names.iter().map(|(id, _)| id.as_str()).collect();
    let mut drawn_sorted = drawn.clone();
    ids.sort();
    drawn_sorted.sort();
    assert_eq!(drawn_sorted, ids);
    assert_eq!(laid["edges"].as_array().map_or(0, Vec::len), 7);
}

#[test]
fn csv_output_round_trips_hostile_names_and_defuses_formulas() {
    let (data, _g, names) = hostile();
    let out = faultline(
        &[
            "query",
            "match (n) return n.id as id, n.name as name order by id",
            "--format",
            "csv",
            "--data",
            data.path().to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let mut rows = 0;
    for record in reader.records() {
        let record = record.unwrap();
        let (id, name) = (&record[0], &record[1]);
        let original = &names.iter().find(|(i, _)| i == id).unwrap().1;
        let expected = if original.starts_with(['=', '@']) {
            format!("'{original}")
        } else {
            original.clone()
        };
        assert_eq!(name, expected, "{id}");
        rows += 1;
    }
    assert_eq!(rows, names.len());
}

#[test]
fn table_output_escapes_control_characters_from_the_data() {
    let (_data, g, _names) = hostile();
    let mut session = Session::new(g);
    let r = run1(
        &mut session,
        "match (n) where n.id in [\"nl\", \"esc\"] return n.name order by n.name",
    )
    .unwrap();
    let table = render(session.graph(), &r, Format::Table);
    assert!(!table.contains('\u{1b}'), "{table:?}");
    assert!(table.contains("line one\\nline two"), "{table}");
    assert!(table.contains("red\\u{1b}[31m"), "{table}");
    assert_eq!(table.lines().count(), 5, "one line per row: {table}");
}

#[test]
fn scripts_cannot_run_commands_or_load_files() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("ran");
    for script in [
        format!(":!touch {}\n", marker.display()),
        format!("!touch {}\n", marker.display()),
        format!("match (n) return system(\"touch {}\");\n", marker.display()),
        ":load /etc\n".to_string(),
        format!("export dot \"|touch {}\";\n", marker.display()),
    ] {
        let out = faultline(&["run", "-"], Some(script.as_bytes()));
        assert_ne!(out.status.code(), Some(0), "{script}");
        assert!(!marker.exists(), "{script} ran a command");
    }
}

// ------------------------------------------------- issue 16: bounded by construction

#[cfg(unix)]
#[test]
fn exports_refuse_devices_fifos_links_and_read_only_files() {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    let mut session = Session::new(mini());
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "keep").unwrap();
    let link = dir.path().join("link.graphml");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    let dangling = dir.path().join("dangling.dot");
    std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
    let readonly = dir.path().join("ro.json");
    std::fs::write(&readonly, "old").unwrap();
    std::fs::set_permissions(&readonly, std::fs::Permissions::from_mode(0o444)).unwrap();
    let fifo = dir.path().join("pipe.dot");
    let have_fifo = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    let mut cases = vec![
        ("dot", PathBuf::from("/dev/null"), "character device"),
        ("json", PathBuf::from("/dev/full"), "character device"),
        ("graphml", link.clone(), "symbolic link"),
        ("dot", dangling.clone(), "dangling"),
        ("json", readonly.clone(), "read-only"),
    ];
    if have_fifo {
        cases.push(("dot", fifo.clone(), "FIFO"));
    }
    for (format, path, why) in cases {
        let d = fails_with(
            &mut session,
            &format!("export {format} \"{}\"", path.display()),
            "E0501",
        );
        let msg = d.to_string();
        assert!(msg.contains(&path.display().to_string()), "{msg}");
        assert!(msg.contains(why), "{msg}");
    }
    assert!(
        std::fs::symlink_metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
    assert_eq!(std::fs::read_to_string(&readonly).unwrap(), "old");
    assert!(
        std::fs::symlink_metadata(&dangling)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
    // A 250-byte file name is a file name like any other.
    let long = dir.path().join(format!("{}.dot", "x".repeat(246)));
    run1(&mut session, &format!("export dot \"{}\"", long.display())).unwrap();
    assert!(long.is_file());
}

/// A graph of three firms, one named with `len` bytes of `0`/`1`.
fn long_name_graph(len: usize) -> (tempfile::TempDir, Graph) {
    let dir = tempfile::tempdir().unwrap();
    let mut x: u64 = 7;
    let name: String = (0..len)
        .map(|_| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            if x >> 63 == 1 { '1' } else { '0' }
        })
        .collect();
    let nodes = format!("id,kind,name\nlong,Firm,{name}\nb,Firm,B\nc,Firm,C\n");
    write_files(dir.path(), &[("nodes.csv", nodes.as_bytes())]);
    let g = load(&[dir.path().to_path_buf()], &LoadOptions::default())
        .unwrap()
        .graph;
    (dir, g)
}

#[test]
fn a_costly_regex_on_a_huge_string_is_charged_before_it_runs() {
    let (_dir, g) = long_name_graph(1_000_000);
    let mut session = Session::new(g);
    // Once 20 s and more for one row; now refused before it starts.
    let d = fails_with(
        &mut session,
        r#"match (a) where a.name =~ "[01]*1[01]{2000}" return count(*)"#,
        "E0401",
    );
    assert!(d.message.contains("work budget"), "{d}");
    // A pattern the lazy DFA handles is linear and runs.
    let r = run1(
        &mut session,
        r#"match (a) where a.name =~ "[01]*" return count(*)"#,
    )
    .unwrap();
    assert_eq!(r.rows[0][0], Cell::Value(Value::Int(1)));
}

#[test]
fn regexes_are_compiled_with_size_and_nesting_limits() {
    let mut session = Session::new(mini());
    let deep = format!("{}a{}", "(".repeat(200), ")".repeat(200));
    let d = fails_with(
        &mut session,
        &format!("match (a) where a.name =~ \"{deep}\" return a"),
        "E0305",
    );
    assert!(d.message.contains("nest"), "{d}");
    let d = fails_with(
        &mut session,
        r#"match (a) where a.name =~ "\\w{1000}\\w{1000}\\w{1000}" return a"#,
        "E0305",
    );
    assert!(d.message.contains("limit"), "{d}");
}

#[test]
fn big_in_lists_are_charged_per_item() {
    let mut session = Session::new(mini());
    session.settings.budget = 20_000;
    let list: Vec<String> = (0..100_000).map(|i| format!("\"n{i}\"")).collect();
    let d = fails_with(
        &mut session,
        &format!(
            "match (a), (b) where a.name in [{}] return count(*)",
            list.join(",")
        ),
        "E0401",
    );
    assert!(d.message.contains("work budget"), "{d}");
}

#[test]
fn memory_budget_stops_collected_lists_and_sort_buffers() {
    let mut session = Session::new(mini());
    session.settings.memory_budget = 64 << 10;
    for statement in [
        "match (a), (b), (c) return collect(a.name + b.id)",
        "match (a), (b), (c) return a.name, b.name, c.name order by a.name",
        "match (a), (b), (c) return a, b, c",
    ] {
        let d = fails_with(&mut session, statement, "E0404");
        assert!(d.message.contains("memory budget of 0 MiB"), "{d}");
        assert!(d.to_string().contains("--memory-budget"), "{d}");
    }
    session.settings.memory_budget = 64 << 20;
    run1(&mut session, "match (a), (b) return collect(a.name + b.id)").unwrap();
}

#[test]
fn a_pattern_of_80000_hops_plans_in_linear_memory() {
    let mut session = Session::new(mini());
    let statement = format!("match (a){} return count(*)", "-->()".repeat(80_000));
    // The plan once kept the bound slots after every step: 80,000 x
    // 160,000 flags, and the process died.
    let r = run1(&mut session, &statement).unwrap();
    assert_eq!(r.rows[0][0], Cell::Value(Value::Int(0)));
}

#[test]
fn sum_overflow_is_an_error_like_plus() {
    let mut session = Session::new(mini());
    let d = fails_with(
        &mut session,
        "match (a) return sum(9223372036854775807)",
        "E0303",
    );
    assert!(d.message.contains("overflow"), "{d}");
    let r = run1(&mut session, "match (a) return avg(9223372036854775807)").unwrap();
    assert!(
        matches!(r.rows[0][0], Cell::Value(Value::Float(_))),
        "{:?}",
        r.rows
    );
}

/// Bytes a terminal must never receive raw: C0 controls other than newline
/// and tab, DEL, C1 controls and bidirectional overrides.
fn raw_controls(bytes: &[u8]) -> Vec<char> {
    String::from_utf8_lossy(bytes)
        .chars()
        .filter(|&c| c != '\n' && c != '\t' && faultline::diag::unsafe_for_terminal(c))
        .collect()
}

#[test]
fn hostile_terminal_no_command_sends_raw_control_characters() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let esc_kind = "Firm\u{1b}]0;pwned\u{7}";
    let nodes = format!(
        "id,kind,name\n\
         a\u{1b}[2J,{esc_kind},Evil\u{1b}[31m\u{9b}31m\u{202e}name\n\
         b,Firm,Plain\r\n\
         c,Nation,Title\u{1b}]2;x\u{7}\n"
    );
    let edges = "from,to,type\na\u{1b}[2J,b,DEPENDS\u{1b}[5m\nb,c,LOCATED_IN\n";
    write_files(
        &data,
        &[
            ("nodes.csv", nodes.as_bytes()),
            ("edges.csv", edges.as_bytes()),
        ],
    );
    let bad = dir.path().join("bad\u{1b}[2J");
    write_files(
        &bad,
        &[(
            "n\u{1b}[1m.csv",
            "id,kind,name\nx,Firm,X\u{1b}[1m\nx,Firm,Y\n".as_bytes(),
        )],
    );
    let script = dir.path().join("s\u{1b}[1m.fql");
    std::fs::write(
        &script,
        "match (a) return a.name;\nshow \"Evil\u{1b}[31m\";\n",
    )
    .unwrap();
    let export = dir.path().join("out\u{1b}[1m.dot");
    let d = data.to_str().unwrap();
    let statements = [
        "match (a) return a, a.name, a.id, labels(a)",
        "match (a)-[r]->(b) return a, type(r), b",
        "show \"Evil\u{1b}[31m\u{9b}31m\u{202e}name\"",
        "show \"Evil\u{1b}[31m\"",
        "show \"a\u{1b}[2J\"",
        "schema",
        "stats",
        "upstream of \"b\"",
        "path from \"a\u{1b}[2J\" to \"c\"",
        "match (a:Firm\u{1b}) return a",
        "return \"\u{1b}[1mliteral\u{9b}\"",
        "match (a) where a.name =~ \"\u{1b}[(\" return a",
        &format!("export dot \"{}\"", export.display()),
    ];
    let mut runs: Vec<Vec<String>> = vec![
        vec!["check".into(), "--data".into(), d.into()],
        vec![
            "check".into(),
            "--data".into(),
            bad.to_str().unwrap().into(),
        ],
        vec![
            "run".into(),
            script.to_str().unwrap().into(),
            "--data".into(),
            d.into(),
        ],
    ];
    for format in ["table", "json", "csv"] {
        for s in statements {
            runs.push(vec![
                "query".into(),
                s.into(),
                "--data".into(),
                d.into(),
                "--format".into(),
                format.into(),
            ]);
        }
    }
    for args in &runs {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = faultline(&args, None);
        if args[0] == "check" && args[2] == d {
            assert!(
                out.status.success(),
                "the hostile data loads: {}",
                text(&out.stderr)
            );
        }
        if args.last() == Some(&"csv") {
            // CSV on a pipe is data, kept exact; only stderr is checked.
            assert!(
                raw_controls(&out.stderr).is_empty(),
                "{args:?}: {}",
                text(&out.stderr)
            );
            continue;
        }
        for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            let raw = raw_controls(bytes);
            assert!(
                raw.is_empty(),
                "{args:?} sent {raw:?} raw on {stream}:\n{}",
                text(bytes)
            );
        }
    }
}

#[test]
fn duplicate_json_keys_are_rejected_where_they_repeat() {
    rejected(
        &[(
            "d.json",
            br#"{"nodes": [{"id": "a", "kind": "Firm"}],
"nodes": [{"id": "b", "kind": "Firm"}]}"#,
        )],
        "d.json",
        &["d.json:2:", "duplicate key `nodes`"],
    );
    rejected(
        &[(
            "i.json",
            br#"{"nodes": [{"id": "a", "kind": "Firm", "id": "b"}]}"#,
        )],
        "i.json",
        &["i.json:1:", "duplicate key `id`"],
    );
}

#[test]
fn json_nulls_in_lists_and_big_integers_are_rejected_not_changed() {
    rejected(
        &[(
            "n.json",
            br#"{"nodes": [{"id": "a", "kind": "Firm", "props": {"tags": ["x", null]}}]}"#,
        )],
        "n.json",
        &["n.json:1:12", "null"],
    );
    rejected(
        &[(
            "b.json",
            br#"{"nodes": [{"id": "a", "kind": "Firm", "props": {"n": 99999999999999999999999}}]}"#,
        )],
        "b.json",
        &[
            "b.json:1:12",
            "`99999999999999999999999` is an integer beyond 64 bits",
        ],
    );
    // Floats written with an exponent, and strings of digits, stay as they are.
    let (code, err) = check(&[(
        "ok.json",
        br#"{"nodes": [{"id": "zz", "kind": "Firm", "name": "123456789012345678901234", "props": {"n": 1.5e30}}]}"#,
    )]);
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn lone_carriage_return_files_report_the_right_line() {
    rejected(
        &[("cr.csv", b"id,kind,name\rb,Firm,B\rc,Firm\rd,Firm,D\r")],
        "cr.csv",
        &["cr.csv:3:", "has 2 fields"],
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_or_dangling_link_in_the_data_is_reported_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.csv");
    if !Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success())
    {
        return;
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(["check", "--data", fifo.to_str().unwrap()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Not a timing assert: a run that blocks is killed so the test fails
    // instead of hanging.
    let mut ended = false;
    for _ in 0..600 {
        if child.try_wait().unwrap().is_some() {
            ended = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    if !ended {
        let _ = child.kill();
    }
    let out = child.wait_with_output().unwrap();
    assert!(ended, "faultline blocked reading a FIFO");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("FIFO"), "{}", text(&out.stderr));

    let data = tempfile::tempdir().unwrap();
    write_files(data.path(), &[("a.csv", b"id,kind,name\na,Firm,A\n")]);
    std::os::unix::fs::symlink(data.path().join("gone.csv"), data.path().join("b.csv")).unwrap();
    let out = faultline(&["check", "--data", data.path().to_str().unwrap()], None);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("b.csv") && err.contains("does not exist"),
        "{err}"
    );
}

#[test]
fn quoted_csv_fields_keep_unicode_whitespace() {
    let dir = tempfile::tempdir().unwrap();
    write_files(
        dir.path(),
        &[(
            "n.csv",
            "id,kind,name\na,Firm,\"\u{a0}A\u{3000}\"\nb,Firm, B \n".as_bytes(),
        )],
    );
    let g = load(&[dir.path().to_path_buf()], &LoadOptions::default())
        .unwrap()
        .graph;
    let names: Vec<&str> = g.nodes().map(|n| g.node_name(n)).collect();
    assert!(names.contains(&"\u{a0}A\u{3000}"), "{names:?}");
    assert!(names.contains(&"B"), "{names:?}");
}

#[test]
fn csv_headers_are_defused_and_the_row_cap_can_be_raised() {
    let mut session = Session::new(mini());
    let r = run1(
        &mut session,
        "match (a) return a.name as `=HYPERLINK(1)` limit 1",
    )
    .unwrap();
    let csv = render(session.graph(), &r, Format::Csv);
    assert!(csv.starts_with("'=HYPERLINK(1)\n"), "{csv}");
    let all = faultline(
        &[
            "query",
            "match (a), (b) return a.id, b.id",
            "--format",
            "csv",
            "--limit",
            "3",
        ],
        None,
    );
    assert_eq!(all.status.code(), Some(0));
    assert_eq!(text(&all.stdout).lines().count(), 4, "a header and 3 rows");
    assert!(
        text(&all.stderr).contains("--limit N"),
        "{}",
        text(&all.stderr)
    );
    let out = faultline(&["query", "return 1", "--limit", "0"], None);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn rows_past_the_limit_are_cut_in_small_and_large_results() {
    // Under and over the size whose rows past the limit are freed on a
    // helper thread: the same rows and notice either way, and the session
    // goes on.
    let mut session = Session::new(mini());
    session.settings.row_limit = 3;
    for n in [10, 60_000] {
        let r = run1(&mut session, &format!("unwind range(1, {n}) as x return x")).unwrap();
        assert_eq!(r.rows.len(), 3, "{n}");
        assert_eq!(
            r.rows[2],
            vec![faultline::result::Cell::Value(
                faultline::model::Value::Int(3)
            )]
        );
        let notice = format!("showing the first 3 of {n} rows");
        assert!(
            r.message.as_deref().is_some_and(|m| m.contains(&notice)),
            "{:?}",
            r.message
        );
    }
    assert_eq!(run1(&mut session, "return 1 as one").unwrap().rows.len(), 1);
}

#[test]
fn a_param_beyond_64_bits_is_an_error_not_a_float() {
    let out = faultline(
        &["query", "return $x", "--param", "x=99999999999999999999999"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("--param x") && err.contains("beyond 64 bits"),
        "{err}"
    );
    let out = faultline(
        &["query", "match (a) return $x limit 1", "--param", "x=1e23"],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn long_values_in_errors_are_cut_with_their_length() {
    let mut session = Session::new(mini());
    let long = "x".repeat(500);
    for statement in [
        format!("match (a) return 1 + \"{long}\""),
        format!("show \"{long}\""),
        format!("match (a) where a.name =~ \"({long}\" return a"),
    ] {
        let d = run1(&mut session, &statement).unwrap_err();
        let shown = d.to_string();
        assert!(
            shown.contains("(500 bytes)") || shown.contains("(501 bytes)"),
            "{shown}"
        );
        assert!(shown.len() < 400, "{shown}");
    }
}

#[test]
fn scenarios_are_defined_again_after_a_load_and_a_cancelled_load_changes_nothing() {
    use faultline::analysis::Op;
    let mut session = Session::new(mini());
    run1(
        &mut session,
        "scenario gone = remove (f:Firm where f.name starts with \"Z\")",
    )
    .unwrap();
    let hit = |s: &Session| -> usize {
        s.scenarios()["gone"]
            .ops
            .iter()
            .map(|op| match op {
                Op::Shock { nodes, .. } => nodes.len(),
                _ => 0,
            })
            .sum()
    };
    assert_eq!(hit(&session), 0);
    let more = tempfile::tempdir().unwrap();
    write_files(
        more.path(),
        &[(
            "more.csv",
            b"id,kind,name
zz,Firm,Zeta
",
        )],
    );
    session.load_more(&[more.path().to_path_buf()]).unwrap();
    assert!(session.take_notices().is_empty());
    // The scenario's pattern now finds the firm the load added.
    assert_eq!(hit(&session), 1);

    // Ctrl-C (the cancel flag) during a load: it fails, nothing changes.
    let before = session.graph().node_count();
    let extra = tempfile::tempdir().unwrap();
    write_files(extra.path(), &[("n.csv", b"id,kind,name\nyy,Firm,YY\n")]);
    // A load whose cancel flag is set (as the REPL's Ctrl-C handler does).
    let opts = LoadOptions {
        cancel: Some({
            let f = faultline::limits::CancelFlag::new();
            f.cancel();
            f
        }),
        ..LoadOptions::default()
    };
    let err = faultline::load::load_into(session.graph(), &[extra.path().to_path_buf()], &opts)
        .unwrap_err();
    assert!(err.to_string().contains("cancelled"), "{err}");
    assert_eq!(session.graph().node_count(), before);
}

#[test]
fn did_you_mean_on_a_huge_name_is_cheap() {
    let mut session = Session::new(mini());
    // Scoring a 40 KB text against every id, name and alias once took 17 s
    // (`diag::closest` now compares bounded prefixes of a shortlist).
    fails_with(
        &mut session,
        &format!("show \"{}\"", "ab".repeat(20_000)),
        "E0207",
    );
    let d = fails_with(&mut session, "show \"TSMCC\"", "E0207");
    assert!(d.help.unwrap().contains("TSMC"));
}

#[test]
fn timing_gives_each_statement_alone_and_with_its_output() {
    let out = faultline(
        &["run", "-", "--timing", "--keep-going"],
        Some(b"return 1 as one; return nope; return 2 as two;"),
    );
    let err = text(&out.stderr);
    let times: Vec<(f64, f64)> = err
        .lines()
        .filter_map(|l| l.strip_prefix("time: "))
        .map(|l| {
            let (alone, rest) = l.split_once(" ms (").expect("`T ms (W ms with output)`");
            let with = rest
                .strip_suffix(" ms with output)")
                .expect("`W ms with output)`");
            (
                alone.parse().expect("a number"),
                with.parse().expect("a number"),
            )
        })
        .collect();
    assert_eq!(
        times.len(),
        3,
        "one line per statement, failed ones too: {err}"
    );
    assert!(times.iter().all(|(t, w)| w >= t), "{times:?}");
    assert!(err.contains("load: "), "{err}");
}

#[test]
fn a_script_stops_at_the_statement_whose_output_cannot_be_written() {
    // A reader that is gone: the first write fails with a broken pipe, and
    // the export after it must not run (statements run and print one by one).
    let dir = tempfile::tempdir().expect("a temporary directory");
    let dot = dir.path().join("after.dot");
    let script = format!("return 1 as one; export dot \"{}\";", dot.display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(["query", &script])
        .env("FAULTLINE_DATA", mini_dir())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("faultline runs");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("faultline ends");
    assert!(out.status.success(), "a closed pipe ends quietly: {out:?}");
    assert!(!dot.exists(), "the statement after the failed write ran");
    // The same script with a reader runs both.
    let out = faultline(&["query", &script], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(dot.exists(), "{}", text(&out.stderr));
}
