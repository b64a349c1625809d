//! `faultline check` and the command-line shell, through the built binary:
//! exit statuses (0 success, 2 bad usage or data that does not load),
//! counts on stdout, problems on stderr.

#![allow(clippy::panic, clippy::unwrap_used, clippy::print_stderr)]

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{bad_cases, good_dir, with_base, write};

/// Runs the binary with these arguments; the bundled graph is pointed at
/// the good fixture so tests do not depend on `graph-data/`.
fn faultline(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(args)
        .env("FAULTLINE_DATA", good_dir())
        .stdin(Stdio::null())
        .output()
        .expect("the faultline binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn path(p: &Path) -> &str {
    p.to_str().expect("temporary paths are UTF-8")
}

const GOOD_COUNTS: &str = "\
loaded 7 files: 12 nodes, 15 edges
kind        nodes
Firm        8
Nation      4
edge type   edges
LOCATED_IN  8
SUPPLIES    7
";

#[test]
fn check_prints_counts_by_kind_and_type() {
    let good = good_dir();
    let out = faultline(&["check", "--data", path(&good)]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    assert_eq!(text(&out.stdout), GOOD_COUNTS);
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn check_without_data_checks_the_bundled_graph() {
    let out = faultline(&["check"]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    assert_eq!(text(&out.stdout), GOOD_COUNTS);
}

#[test]
fn check_fails_with_status_2_naming_file_line_and_value() {
    for case in bad_cases() {
        let dir = with_base(&case.files);
        let out = faultline(&["check", "--data", path(dir.path())]);
        let err = text(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(2),
            "case `{}`: stderr: {err}",
            case.name
        );
        assert_eq!(text(&out.stdout), "", "case `{}`", case.name);
        for want in &case.expect {
            assert!(
                err.contains(want),
                "case `{}`: expected {want:?} in:\n{err}",
                case.name
            );
        }
        assert!(
            err.ends_with("; the graph was not loaded\n"),
            "case `{}`:\n{err}",
            case.name
        );
    }
}

#[test]
fn check_on_a_missing_path_fails() {
    let dir = write(&[]);
    let missing = dir.path().join("no-such-dir");
    let out = faultline(&["check", "--data", path(&missing)]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("no-such-dir: no such file or directory; expected a data file or directory"),
        "{err}"
    );
}

#[test]
fn check_merges_several_data_sets() {
    let more = write(&[
        ("nodes/x.csv", b"id,kind,name\nintel,Firm,Intel\n"),
        (
            "edges/e.csv",
            b"from,to,type\nintel,us,LOCATED_IN\nintel,tsmc,SUPPLIES\n",
        ),
    ]);
    let good = good_dir();
    let out = faultline(&["check", "--data", path(&good), "--data", path(more.path())]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("loaded 9 files: 13 nodes, 17 edges\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\nFirm        9\n") && stdout.contains("\nSUPPLIES    8\n"),
        "{stdout}"
    );
}

#[test]
fn skip_bad_rows_reports_them_and_succeeds() {
    let dir = with_base(&[
        (
            "nodes/x.csv",
            b"id,kind,name\nintel,Frim,Intel\nasml,Firm,ASML\n",
        ),
        (
            "edges/e.csv",
            b"from,to,type\nasml,tsmc,SUPPLIES\ntsmc,nope,SUPPLIES\n",
        ),
    ]);
    let out = faultline(&["check", "--data", path(dir.path()), "--skip-bad-rows"]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.starts_with("skipped 2 bad rows:\n"), "{err}");
    assert!(err.contains("nodes/x.csv:2: unknown kind `Frim`"), "{err}");
    assert!(
        err.contains("edges/e.csv:3: unknown node `nope` in `to`"),
        "{err}"
    );
    assert!(
        text(&out.stdout).starts_with("loaded 5 files: 5 nodes, 1 edge\n"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn skip_bad_rows_still_fails_on_a_broken_file() {
    let dir = with_base(&[("schema.toml", b"[kinds\n")]);
    let out = faultline(&["check", "--data", path(dir.path()), "--skip-bad-rows"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("schema.toml:1:"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    for args in [
        &["check", "--bogus"][..],
        &["frobnicate"],
        &["run"],
        &["query"],
        &["run", "x.fql", "--format", "xml"],
    ] {
        let out = faultline(args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stderr).starts_with("error:"),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    let out = faultline(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    for sub in ["repl", "run", "query", "check"] {
        assert!(help.contains(sub), "{help}");
    }
    let out = faultline(&["check", "--help"]);
    assert!(
        text(&out.stdout).contains("--skip-bad-rows")
            && text(&out.stdout).contains("--data <PATH>")
    );
}

#[test]
fn a_missing_script_is_bad_usage() {
    let out = faultline(&["run", "/no/such/script.fql"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("cannot read the script `/no/such/script.fql`"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn commands_load_their_data_first() {
    let dir = with_base(&[("edges/e.csv", b"from,to,type\ntsmc,nope,SUPPLIES\n")]);
    let out = faultline(&["query", "stats", "--data", path(dir.path())]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("unknown node `nope`"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_closed_stdout_is_not_an_error() {
    let good = good_dir();
    let mut child = Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(["check", "--data", path(&good)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the faultline binary runs");
    // Close the read end at once: whether or not the output was written
    // before, the program must end quietly and successfully.
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("the program ends");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stderr), "");
}

/// `faultline import` prints a summary: counts, the first unmatched
/// entities, what it wrote; `--verbose` lists every item.
#[test]
fn import_prints_a_summary_and_details_with_verbose() {
    let dir = tempfile::tempdir().expect("temp dir");
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/graph-data/sources/epoch");
    let out = dir.path().join("epoch");
    let quiet = faultline(&["import", "epoch", src, path(&out)]);
    assert!(quiet.status.success(), "{}", text(&quiet.stderr));
    let quiet = text(&quiet.stdout);
    assert!(quiet.lines().count() <= 20, "a summary:\n{quiet}");
    assert!(quiet.contains("epoch unmatched: "), "{quiet}");
    assert!(quiet.contains("--verbose lists them"), "{quiet}");
    assert!(quiet.contains("imported epoch into"), "{quiet}");
    let verbose = faultline(&["import", "epoch", src, path(&out), "--verbose"]);
    assert!(verbose.status.success(), "{}", text(&verbose.stderr));
    let verbose = text(&verbose.stdout);
    assert!(verbose.lines().count() > 100, "every item:\n{verbose}");
    assert!(!verbose.contains("--verbose lists them"), "{verbose}");
}
