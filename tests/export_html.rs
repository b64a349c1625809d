//! `export html` opened in a real browser: headless Chromium (Debian's
//! `chromium`, installed by `.ci/run` when run as root) loads the page from
//! the file, runs the viewer, and the test reads back from the page the
//! node and edge counts the viewer found in its data. Skips with a message
//! when Chromium is absent.

#![allow(clippy::panic)] // test helpers fail the test by panicking

use std::path::Path;
use std::process::Command;

use faultline::load::{LoadOptions, bundled_data_dir, load};
use faultline::session::Session;

mod tools;

/// The page's DOM after its scripts ran.
fn dump_dom(browser: &str, page: &Path, profile: &Path) -> String {
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The value of `data-NAME` on the viewer's root element.
fn attribute(dom: &str, name: &str) -> Option<usize> {
    let root = &dom[dom.find("id=\"fl-root\"")?..];
    let root = &root[..root.find('>')?];
    let at = root.find(&format!("data-{name}=\""))? + name.len() + 7;
    root[at..].split('"').next()?.parse().ok()
}

#[test]
fn the_html_view_shows_every_exported_node_and_edge_in_a_browser() {
    let browser = tools::chromium();
    if tools::skip_without("Chromium (apt-get install chromium)", browser.is_some()) {
        return;
    }
    let Some(browser) = browser else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let g = load(&[bundled_data_dir()], &LoadOptions::default())
        .expect("the bundled graph loads")
        .graph;
    let mut s = Session::new(g);
    let cases = [
        ("whole.html", String::new()),
        (
            "exposure.html",
            " from exposure of \"NVIDIA\" to \"Taiwan\"".to_string(),
        ),
        (
            "upstream.html",
            " from upstream of \"NVIDIA\" depth 2".to_string(),
        ),
    ];
    for (file, from) in cases {
        let page = dir.path().join(file);
        let statement = format!("export html {page:?}{from}");
        let outcome = s.execute(&statement, false).remove(0);
        let message = outcome
            .result
            .unwrap_or_else(|d| panic!("{}", d.render("<test>", &statement)))
            .message
            .unwrap_or_default();
        // "exported N nodes and M edges to ..."
        let words: Vec<&str> = message.split_whitespace().collect();
        let nodes: usize = words[1].parse().expect("a node count");
        let edges: usize = words[4].parse().expect("an edge count");
        let dom = dump_dom(browser, &page, &dir.path().join("profile"));
        assert_eq!(attribute(&dom, "nodes"), Some(nodes), "{file}: {message}");
        assert_eq!(attribute(&dom, "edges"), Some(edges), "{file}: {message}");
        assert!(dom.contains("id=\"fl-legend\""), "{file}");
        // An upstream trace is laid out in columns by depth.
        let layered = attribute(&dom, "layered") == Some(1);
        assert_eq!(layered, file == "upstream.html", "{file}");
        // Names are drawn while they stay readable: all of a small export,
        // none of the whole graph until zoomed in or searched.
        let labels = attribute(&dom, "labels");
        assert_eq!(
            labels,
            Some(if nodes > 150 { 0 } else { nodes }),
            "{file}: {message}"
        );
    }
}
