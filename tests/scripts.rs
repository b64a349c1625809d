//! Data-driven script tests: every `tests/scripts/**/*.fql` runs through the
//! real binary (`faultline run`) and its exit code, stdout and stderr are
//! compared with the `.out` file beside it.
//!
//! Header lines at the top of a script set the run:
//! `-- data: PATH` (default `tests/fixtures/mini`), `-- args: ...`
//! (extra command-line arguments, e.g. `--format json --keep-going`) and
//! `-- at: DATE` (the date statements see, `--at DATE`; scripts over data
//! with validity dates set it so that their output does not depend on the
//! day they run).
//! Set `UPDATE_EXPECT=1` to rewrite the `.out` files, then review the diff.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn scripts(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            scripts(&p, out);
        } else if p.extension().is_some_and(|e| e == "fql") {
            out.push(p);
        }
    }
}

fn run_script(root: &Path, script: &Path) -> String {
    let text = fs::read_to_string(script).expect("script is readable UTF-8");
    let mut data = "tests/fixtures/mini".to_string();
    let mut args: Vec<String> = Vec::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("-- ") else {
            break;
        };
        if let Some(d) = rest.strip_prefix("data: ") {
            data = d.trim().to_string();
        } else if let Some(d) = rest.strip_prefix("at: ") {
            args.extend(["--at".to_string(), d.trim().to_string()]);
        } else if let Some(a) = rest.strip_prefix("args: ") {
            args.extend(a.split_whitespace().map(String::from));
        }
    }
    let rel = script
        .strip_prefix(root)
        .expect("script is under the crate root");
    let output = Command::new(env!("CARGO_BIN_EXE_faultline"))
        .current_dir(root)
        .arg("run")
        .arg(rel)
        .arg("--data")
        .arg(&data)
        .args(&args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the faultline binary runs");
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn scripts_match_their_expected_output() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut all = Vec::new();
    scripts(&root.join("tests/scripts"), &mut all);
    assert!(!all.is_empty(), "no scripts found under tests/scripts");
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut failures = Vec::new();
    for script in &all {
        let actual = run_script(&root, script);
        let expected_path = script.with_extension("out");
        let expected = fs::read_to_string(&expected_path).unwrap_or_default();
        if actual != expected {
            if update {
                fs::write(&expected_path, &actual).expect("expected file is writable");
            } else {
                failures.push(format!(
                    "{}: output differs\n--- expected\n{}--- actual\n{}",
                    script.display(),
                    expected,
                    actual
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} scripts failed (UPDATE_EXPECT=1 rewrites):\n\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}
