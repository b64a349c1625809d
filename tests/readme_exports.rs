//! README's exports are tests too (tests/readme.rs runs its console
//! transcripts): every line of the export example block under "Exporting
//! subgraphs" runs, in order, in one session, writing into a temp dir, and
//! each file is checked for its format and for the counts the statement
//! reported; every `` `faultline query 'export ...'` `` command and the
//! Chromium screenshot command of that section run as written in a temp
//! dir, and what they make under `docs/` is what README shows (the chart
//! byte for byte, pictures with the same node count and size), so the
//! README's pictures stay reproducible by its own commands.
//! `UPDATE_EXPECT=1` replaces the pictures under `docs/` with fresh ones.

#![allow(clippy::panic)] // test helpers fail the test by panicking

use std::path::{Path, PathBuf};
use std::process::Command;

use faultline::load::{LoadOptions, bundled_data_dir, load};
use faultline::session::Session;

mod tools;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The "Exporting subgraphs" section of README.md.
fn export_section() -> String {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md is readable");
    let start = readme
        .find("\n## Exporting subgraphs\n")
        .expect("README has an Exporting subgraphs section");
    let rest = &readme[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    rest[..end].to_string()
}

/// `exported N nodes and M edges to FILE` → (N, M).
fn counts(message: &str) -> (usize, usize) {
    let words: Vec<&str> = message
        .split("exported ")
        .nth(1)
        .unwrap_or_else(|| panic!("no counts in {message:?}"))
        .split_whitespace()
        .collect();
    let n = words[0].parse().unwrap_or_else(|_| panic!("{message}"));
    let m = words[3].parse().unwrap_or_else(|_| panic!("{message}"));
    (n, m)
}

/// `exported a chart of N rows` → N.
fn chart_rows(message: &str) -> usize {
    message
        .split("chart of ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no row count in {message:?}"))
}

fn xml(text: &str) -> roxmltree::Document<'_> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    roxmltree::Document::parse_with_options(text, opts).expect("well-formed XML")
}

/// Graphviz SVG: node and edge groups.
fn svg_counts(text: &str) -> (usize, usize) {
    let doc = xml(text);
    let count = |class: &str| {
        doc.descendants()
            .filter(|n| n.has_tag_name("g") && n.attribute("class") == Some(class))
            .count()
    };
    (count("node"), count("edge"))
}

/// Width and height of a PNG (its IHDR chunk).
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n") && &bytes[12..16] == b"IHDR",
        "not a PNG"
    );
    let be =
        |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    (be(16), be(20))
}

/// Checks a written file against its format and what the statement said.
fn check_file(format: &str, path: &Path, message: &str) {
    let what = format!("{format} {}: {message}", path.display());
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{what}: not written: {e}"));
    let text = String::from_utf8_lossy(&bytes);
    match format {
        "dot" => {
            let (n, m) = counts(message);
            assert!(text.starts_with("digraph"), "{what}");
            let lines: Vec<&str> = text.lines().map(str::trim).collect();
            let edges = lines
                .iter()
                .filter(|l| l.starts_with('"') && l.contains("\" -> \""))
                .count();
            let nodes = lines
                .iter()
                .filter(|l| l.starts_with('"') && !l.contains("\" -> \""))
                .count();
            assert_eq!((nodes, edges), (n, m), "{what}");
            if tools::graphviz() {
                let out = Command::new("dot")
                    .arg("-Tsvg")
                    .arg(path)
                    .output()
                    .expect("dot runs");
                assert!(out.status.success(), "{what}: dot rejects it");
                assert_eq!(
                    svg_counts(&String::from_utf8_lossy(&out.stdout)),
                    (n, m),
                    "{what}"
                );
            }
        }
        "svg" => assert_eq!(svg_counts(&text), counts(message), "{what}"),
        "png" => {
            let (w, h) = png_size(&bytes);
            assert!(w > 100 && h > 100, "{what}: {w}x{h}");
        }
        "json" => {
            let (n, m) = counts(message);
            let back = load(&[path.to_path_buf()], &LoadOptions::default())
                .unwrap_or_else(|e| panic!("{what}: does not load back: {e:?}"))
                .graph;
            assert_eq!((back.node_count(), back.edge_count()), (n, m), "{what}");
        }
        "graphml" => {
            let doc = xml(&text);
            let count = |tag: &str| doc.descendants().filter(|x| x.has_tag_name(tag)).count();
            assert_eq!((count("node"), count("edge")), counts(message), "{what}");
        }
        "html" => {
            let data = text
                .split("id=\"fl-data\">")
                .nth(1)
                .and_then(|r| r.split("</script>").next())
                .unwrap_or_else(|| panic!("{what}: no data in the page"));
            let page: serde_json::Value = serde_json::from_str(data).expect("the page's data");
            let len = |k: &str| page[k].as_array().map_or(0, Vec::len);
            assert_eq!((len("nodes"), len("edges")), counts(message), "{what}");
            assert!(text.contains("id=\"fl-legend\""), "{what}");
        }
        "chart" => {
            let doc = xml(&text);
            let bars = doc
                .descendants()
                .filter(|x| x.attribute("class") == Some("bar"))
                .count();
            let labels = doc
                .descendants()
                .filter(|x| x.attribute("class") == Some("label"))
                .count();
            let rows = chart_rows(message);
            assert!(rows > 0, "{what}");
            assert_eq!(labels, rows, "{what}");
            assert!(bars == rows || bars == 2 * rows, "{what}: {bars} bars");
        }
        other => panic!("{what}: unknown format {other}"),
    }
}

/// `... export FORMAT "FILE" ...` → (FORMAT, FILE).
fn export_target(statement: &str) -> Option<(String, String)> {
    let rest = &statement[statement.find("export ")? + 7..];
    let (format, rest) = rest.split_once(' ')?;
    let file = rest.strip_prefix('"')?.split('"').next()?;
    Some((format.to_string(), file.to_string()))
}

#[test]
fn every_export_example_of_the_readme_writes_its_file() {
    let section = export_section();
    let block = section
        .split("```text\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("an example block in Exporting subgraphs");
    let dir = tempfile::tempdir().expect("temp dir");
    let g = load(&[bundled_data_dir()], &LoadOptions::default())
        .expect("the bundled graph loads")
        .graph;
    let mut s = Session::new(g);
    let mut checked = Vec::new();
    for line in block.lines().filter(|l| !l.trim().is_empty()) {
        let target = export_target(line);
        if matches!(&target, Some((f, _)) if f == "svg" || f == "png")
            && tools::skip_without("Graphviz's `dot`", tools::graphviz())
        {
            continue;
        }
        let statement = match &target {
            Some((_, file)) => line.replacen(
                &format!("\"{file}\""),
                &format!("{:?}", dir.path().join(file)),
                1,
            ),
            None => line.to_string(),
        };
        let mut message = String::new();
        for o in s.execute(&statement, false) {
            let r = o
                .result
                .unwrap_or_else(|d| panic!("README: {}", d.render("<README>", &statement)));
            message.push_str(&r.message.unwrap_or_default());
        }
        if let Some((format, file)) = target {
            check_file(&format, &dir.path().join(&file), &message);
            checked.push(format);
        }
    }
    checked.sort();
    checked.dedup();
    let want = if tools::graphviz() {
        vec!["chart", "dot", "graphml", "html", "json", "svg"]
    } else {
        vec!["chart", "dot", "graphml", "html", "json"]
    };
    assert_eq!(checked, want, "the block shows every format");
}

/// The text between `` `PREFIX `` and the next `` ` ``, for each occurrence.
fn inline_commands<'a>(text: &'a str, prefix: &str) -> Vec<&'a str> {
    text.match_indices(&format!("`{prefix}"))
        .filter_map(|(i, _)| {
            let body = &text[i + 1..];
            body.find('`').map(|end| &body[..end])
        })
        .collect()
}

/// With `UPDATE_EXPECT=1`, a freshly made picture replaces README's copy
/// under `docs/` (review the pictures before committing them).
fn update_docs(file: &str, fresh: &Path) {
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::copy(fresh, root().join(file)).expect("docs/ is writable");
    }
}

/// With `UPDATE_EXPECT=1`: the last `(N nodes, M edges)` in README before
/// `command` becomes `size`.
fn update_size_before(command: &str, size: &str) {
    let path = root().join("README.md");
    let mut readme = std::fs::read_to_string(&path).expect("README.md is readable");
    let at = readme.find(command).expect("the command is in README");
    let Some(open) = readme[..at]
        .rfind(" nodes, ")
        .and_then(|i| readme[..i].rfind('('))
    else {
        panic!("no (N nodes, M edges) before {command}");
    };
    let close = open + readme[open..].find(')').expect("closed");
    readme.replace_range(open..=close, size);
    std::fs::write(&path, readme).expect("README.md is writable");
}

#[test]
fn the_readme_pictures_are_made_by_the_commands_it_shows() {
    let section = export_section();
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("docs")).expect("docs dir");
    let mut made = Vec::new();
    for command in inline_commands(&section, "faultline query '") {
        let statement = command
            .strip_prefix("faultline query '")
            .and_then(|c| c.strip_suffix('\''))
            .unwrap_or_else(|| panic!("one quoted statement: {command}"));
        let (format, file) = export_target(statement).expect("an export");
        if (format == "svg" || format == "png")
            && tools::skip_without("Graphviz's `dot`", tools::graphviz())
        {
            continue;
        }
        let out = Command::new(env!("CARGO_BIN_EXE_faultline"))
            .current_dir(dir.path())
            .args(["query", statement])
            .env("NO_COLOR", "1")
            .output()
            .expect("faultline runs");
        let message = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "{command}: {message}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let path = dir.path().join(&file);
        check_file(&format, &path, &message);
        if format == "html" {
            // README states the view's size just before the command.
            let (n, m) = counts(&message);
            if std::env::var_os("UPDATE_EXPECT").is_some() {
                update_size_before(command, &format!("({n} nodes, {m} edges)"));
                continue;
            }
            assert!(
                section.contains(&format!("({n} nodes, {m} edges)")),
                "README should say ({n} nodes, {m} edges) for {command}"
            );
        }
        if file.starts_with("docs/") {
            update_docs(&file, &path);
            let shown = std::fs::read(root().join(&file))
                .unwrap_or_else(|e| panic!("{file} is not in the repository: {e}"));
            let fresh = std::fs::read(&path).expect("written");
            match format.as_str() {
                "chart" => assert!(shown == fresh, "{file} is stale: rerun {command}"),
                "svg" => assert_eq!(
                    svg_counts(&String::from_utf8_lossy(&shown)),
                    svg_counts(&String::from_utf8_lossy(&fresh)),
                    "{file} is stale: rerun {command}"
                ),
                "png" => {
                    let (w, h) = png_size(&shown);
                    assert!(w > 100 && h > 100, "{file}");
                }
                _ => {}
            }
            made.push(file);
        }
    }
    // The screenshot of the interactive view, made from the html file above.
    let shots = inline_commands(&section, "chromium --headless");
    assert_eq!(shots.len(), 1, "one screenshot command");
    let browser = tools::chromium();
    tools::skip_without("Chromium", browser.is_some());
    match browser {
        Some(browser) => {
            let shot = shots[0]
                .replacen("chromium", browser, 1)
                .replace("$PWD", &dir.path().display().to_string());
            let profile = dir.path().join("profile");
            let status = Command::new("sh")
                .arg("-c")
                .arg(format!("{shot} --user-data-dir={}", profile.display()))
                .current_dir(dir.path())
                .stderr(std::process::Stdio::null())
                .status()
                .expect("sh runs");
            assert!(status.success(), "{shot}");
            let file = shots[0]
                .split("--screenshot=")
                .nth(1)
                .and_then(|r| r.split_whitespace().next())
                .expect("a screenshot file");
            update_docs(file, &dir.path().join(file));
            let fresh = std::fs::read(dir.path().join(file)).expect("the screenshot");
            let shown = std::fs::read(root().join(file)).expect("the screenshot in the repository");
            assert_eq!(png_size(&fresh), png_size(&shown), "{file}");
            made.push(file.to_string());
        }
        None => eprintln!("skipped: Chromium is not installed: {}", shots[0]),
    }
    // Every picture README shows from docs/ is made by one of its commands.
    for (i, _) in section.match_indices("](docs/") {
        let file = section[i + 2..].split(')').next().unwrap_or_default();
        let needs_tool = file.ends_with(".png") || file.contains("upstream");
        if needs_tool && (!tools::graphviz() || browser.is_none()) {
            continue;
        }
        assert!(
            made.iter().any(|m| m == file),
            "{file} is shown but no README command makes it (made: {made:?})"
        );
    }
}
