//! External tools some tests need (Graphviz's `dot`, headless Chromium),
//! and whether a test may skip without them: not when
//! `FAULTLINE_REQUIRE_TOOLS` is set, as `.ci/run` does where it installed
//! them, so a test that finds no tool in CI fails instead of passing
//! silently.

#![allow(dead_code, clippy::panic, clippy::print_stderr)]

use std::process::Command;

/// The browser, if installed.
pub fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser"].into_iter().find(|p| {
        Command::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// Whether Graphviz's `dot` runs.
pub fn graphviz() -> bool {
    faultline::export::dot_available()
}

/// True when the test should skip because `tool` is missing (it says so
/// on stderr); panics instead when the tools are required.
pub fn skip_without(tool: &str, present: bool) -> bool {
    if present {
        return false;
    }
    if std::env::var_os("FAULTLINE_REQUIRE_TOOLS").is_some() {
        panic!("{tool} is required (FAULTLINE_REQUIRE_TOOLS is set) but does not run");
    }
    eprintln!("skipped: {tool} is not installed");
    true
}
