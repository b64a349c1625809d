//! README examples are tests, so they never lie: every ```console block of
//! README.md whose first line is `$ faultline ...` is run on the bundled
//! graph and its output compared with the rest of the block, and the REPL
//! session README shows is replayed (see below). Set `UPDATE_EXPECT=1` to
//! rewrite the outputs in README.md (one test at a time:
//! `-- --test-threads=1`), then review.

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

/// The line `:params` prints with no parameters: it ends each step's
/// output when the session is replayed.
const SENTINEL: &str = "no parameters (set one with :param NAME VALUE)";

/// README's REPL session ("A session (actual output)") is replayed: its
/// input lines (after the prompt and the continuation prompt) go to the
/// REPL's standard input, a `:params` after each step marks where its
/// output ends, and the transcript rebuilt from what the REPL printed must
/// be README's, line for line (the banner's counts aside: they follow the
/// data). Prompts must be the REPL's (`faultline> `,
/// `faultline@DATE> ` with `--at`, `      ..> ` for continuations).
/// `UPDATE_EXPECT=1` rewrites the transcript.
#[test]
fn the_readme_repl_session_is_what_the_repl_prints() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md is readable");
    let marker = "A session (actual output, replayed by tests/readme.rs):\n\n```text\n";
    let start = readme.find(marker).expect("README shows a REPL session") + marker.len();
    let len = readme[start..].find("```\n").expect("the block ends");
    let block = &readme[start..start + len];
    let mut lines = block.lines();
    let command = lines
        .next()
        .and_then(|l| l.strip_prefix("$ "))
        .expect("the block starts with `$ faultline ...`");
    let args = words(command);
    let prompt = match args.iter().position(|a| a == "--at") {
        Some(i) => format!("faultline@{}> ", args[i + 1]),
        None => "faultline> ".to_string(),
    };
    const CONTINUATION: &str = "      ..> ";
    // Steps: the prompt lines typed, in order; output lines are not kept.
    let mut steps: Vec<Vec<&str>> = Vec::new();
    for line in lines {
        if line.starts_with(&prompt) {
            steps.push(vec![line]);
        } else if line.starts_with(CONTINUATION) {
            steps
                .last_mut()
                .expect("a continuation follows a prompt")
                .push(line);
        } else if line.starts_with("faultline") && line.contains("> ") {
            panic!("README's prompt {line:?} is not the REPL's {prompt:?}");
        }
    }
    assert!(steps.len() >= 3, "a session of several steps");
    // A sentinel before the first step ends the banner; one after each
    // step ends its output (`:quit` ends the session before its own).
    let mut input = String::from(":params\n");
    for step in &steps {
        for line in step {
            let typed = line
                .strip_prefix(&prompt)
                .or_else(|| line.strip_prefix(CONTINUATION))
                .unwrap_or(line);
            input.push_str(typed);
            input.push('\n');
        }
        input.push_str(":params\n");
    }
    // Standard output and error into one file, in the order written.
    let dir = tempfile::tempdir().expect("temp dir");
    let out_path = dir.path().join("out");
    let out = std::fs::File::create(&out_path).expect("output file");
    let mut child = Command::new(env!("CARGO_BIN_EXE_faultline"))
        .current_dir(&root)
        .args(&args[1..])
        .env("NO_COLOR", "1")
        .env("FAULTLINE_HISTORY", dir.path().join("history"))
        .stdin(std::process::Stdio::piped())
        .stdout(out.try_clone().expect("a second handle"))
        .stderr(out)
        .spawn()
        .expect("the REPL starts");
    {
        use std::io::Write as _;
        let mut stdin = child.stdin.take().expect("stdin is piped");
        stdin
            .write_all(input.as_bytes())
            .expect("the input is written");
    }
    let status = child.wait().expect("the REPL ends");
    assert!(status.success(), "{status:?}");
    let printed = std::fs::read_to_string(&out_path).expect("the output");
    let sentinel = format!("{SENTINEL}\n");
    let mut chunks = printed.split(sentinel.as_str());
    let mut actual = format!("$ {command}\n");
    actual.push_str(chunks.next().unwrap_or_default());
    for step in &steps {
        for line in step {
            actual.push_str(line);
            actual.push('\n');
        }
        actual.push_str(chunks.next().unwrap_or_default());
    }
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        let mut updated = readme.clone();
        updated.replace_range(start..start + len, &actual);
        std::fs::write(&path, updated).expect("README.md is writable");
        return;
    }
    // The banner's counts follow the bundled data, which changes often:
    // they are compared as numbers-elided (every other line exactly).
    assert_eq!(
        without_banner_counts(block),
        without_banner_counts(&actual),
        "README's REPL session differs from what the REPL prints (UPDATE_EXPECT=1 rewrites)"
    );
}

/// The transcript with the digits of its banner (the line starting
/// `Faultline ` and the `seen at` line after it) replaced by `#`.
fn without_banner_counts(transcript: &str) -> String {
    transcript
        .lines()
        .map(|l| {
            if l.starts_with("Faultline ") || l.starts_with("seen at ") {
                l.chars()
                    .map(|c| if c.is_ascii_digit() { '#' } else { c })
                    .collect()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}
