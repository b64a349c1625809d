//! README examples are tests, so they never lie: every ```console block of
//! README.md whose first line is `$ faultline ...` is run on the bundled
//! graph and its output compared with the rest of the block. Set
//! `UPDATE_EXPECT=1` to rewrite the outputs in README.md, then review.

use std::path::PathBuf;
use std::process::Command;

/// Splits a command line with single and double quotes (no escapes inside
/// single quotes, as in the shell).
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for d in chars.by_ref() {
                    if d == '\'' {
                        break;
                    }
                    cur.push(d);
                }
            }
            ' ' if in_word => {
                out.push(std::mem::take(&mut cur));
                in_word = false;
            }
            ' ' => {}
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    out
}

fn run(root: &PathBuf, command: &str) -> String {
    let args = words(command);
    let output = Command::new(env!("CARGO_BIN_EXE_faultline"))
        .current_dir(root)
        .args(&args[1..])
        .env("NO_COLOR", "1")
        .output()
        .expect("the faultline binary runs");
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    text
}

#[test]
fn readme_examples_print_what_the_readme_says() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md is readable");
    let mut out = String::new();
    let mut failures = Vec::new();
    let mut lines = readme.split_inclusive('\n').peekable();
    let mut checked = 0;
    while let Some(line) = lines.next() {
        out.push_str(line);
        if line.trim_end() != "```console" {
            continue;
        }
        let Some(first) = lines.peek().copied() else {
            break;
        };
        let Some(command) = first.trim_end().strip_prefix("$ faultline ") else {
            continue;
        };
        let command = format!("faultline {command}");
        out.push_str(lines.next().unwrap_or_default());
        let mut expected = String::new();
        for l in lines.by_ref() {
            if l.trim_end() == "```" {
                let actual = run(&root, &command);
                if actual != expected {
                    failures.push(format!(
                        "{command}\n--- README says\n{expected}--- actual\n{actual}"
                    ));
                }
                out.push_str(&actual);
                out.push_str(l);
                checked += 1;
                break;
            }
            expected.push_str(l);
        }
    }
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&path, out).expect("README.md is writable");
        return;
    }
    assert!(checked > 0, "no examples found in README.md");
    assert!(
        failures.is_empty(),
        "{} README examples differ (UPDATE_EXPECT=1 rewrites):\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}
