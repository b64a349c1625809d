//! The interactive shell (the only module that sees rustyline).
//!
//! The loop only reads input and hands it to [`Session::execute`]; the
//! editor helper (completion, highlighting, hints, multi-line validation)
//! lives in `editor.rs`, the `:` commands in `meta.rs`, help texts in
//! `help.rs`. Ctrl-C at the prompt clears the line; while a statement runs
//! it sets the session's cancel flag (the statement stops, the session
//! stays); Ctrl-D leaves.

mod editor;
mod help;
mod input;
mod lexer;
mod meta;
mod progress;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{CompletionType, Config, EditMode, Editor};

use crate::session::Session;
use editor::FqlHelper;
use input::{Pending, Step};

/// Where the history file lives: `$FAULTLINE_HISTORY`, else
/// `$XDG_STATE_HOME/faultline/history`, else `~/.local/state/faultline/history`.
pub fn history_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("FAULTLINE_HISTORY") {
        return Some(PathBuf::from(p));
    }
    let state = match std::env::var_os("XDG_STATE_HOME") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from(std::env::var_os("HOME")?).join(".local/state"),
    };
    Some(state.join("faultline").join("history"))
}

/// Whether to colour output: a terminal, and `NO_COLOR` unset.
pub fn use_color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

/// Runs the REPL until Ctrl-D or `:quit`. Returns the process exit code.
#[allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "the REPL talks to the terminal"
)]
pub fn run(mut session: Session) -> u8 {
    let color = use_color();
    let config = Config::builder()
        .auto_add_history(false)
        .history_ignore_dups(true)
        .and_then(|c| c.max_history_size(10_000))
        .map(|c| {
            c.completion_type(CompletionType::List)
                .edit_mode(EditMode::Emacs)
                .build()
        });
    let config = match config {
        Ok(c) => c,
        Err(e) => {
            eprintln!("faultline: cannot configure the line editor: {e}");
            return 2;
        }
    };
    let mut rl: Editor<FqlHelper, DefaultHistory> = match Editor::with_config(config) {
        Ok(rl) => rl,
        Err(e) => {
            eprintln!("faultline: cannot open the terminal: {e}");
            return 2;
        }
    };
    rl.set_helper(Some(FqlHelper::new(session.graph(), color)));
    let history = history_path();
    if let Some(path) = &history {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = rl.load_history(path);
    }
    let cancel = session.cancel_flag();
    // Ctrl-C outside the line editor (while a statement runs) cancels it.
    if let Err(e) = ctrlc::set_handler(move || cancel.cancel()) {
        eprintln!("faultline: Ctrl-C will not cancel statements: {e}");
    }
    let g = session.graph();
    println!(
        "Faultline {} — {} nodes, {} edges ({} kinds, {} edge types). Type :help for help, :quit to leave.",
        env!("CARGO_PKG_VERSION"),
        g.node_count(),
        g.edge_count(),
        g.kinds().count(),
        g.edge_types().count()
    );
    if let Some(note) = session.date_note() {
        println!("{note}");
    }
    let mut pending = Pending::default();
    loop {
        // A continuation prompt inside a statement; otherwise the prompt
        // shows the date when it is not today.
        let prompt = if pending.is_open() {
            input::CONTINUATION.to_string()
        } else if session.date() == session.today() {
            input::PROMPT.to_string()
        } else {
            format!("faultline@{}> ", session.date())
        };
        let line = match rl.readline(&prompt) {
            Ok(line) => line,
            Err(ReadlineError::Interrupted) => {
                pending.clear();
                continue;
            }
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                eprintln!("faultline: input error: {e}");
                break;
            }
        };
        let step = pending.push(&line);
        let entry = match &step {
            Step::More => continue,
            Step::Command(c) => format!(":{c}"),
            Step::Statements(s) => s.clone(),
        };
        let _ = rl.add_history_entry(entry.as_str());
        if let Some(path) = &history {
            // Written after every entry, so nothing is lost if the session dies.
            let _ = rl.append_history(path);
        }
        match step {
            Step::More => {}
            Step::Command(command) => match meta::run(&mut session, &command) {
                meta::Flow::Continue => {}
                meta::Flow::Quit => break,
                meta::Flow::Reloaded => {
                    if let Some(h) = rl.helper_mut() {
                        *h = FqlHelper::new(session.graph(), color);
                    }
                }
            },
            Step::Statements(source) => execute(&mut session, &source),
        }
        let _ = std::io::stdout().flush();
    }
    if let Some(path) = &history {
        let _ = rl.append_history(path);
    }
    0
}

/// Runs statements and prints results, errors (with the caret) and timings.
#[allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "the REPL talks to the terminal"
)]
fn execute(session: &mut Session, source: &str) {
    let outcomes = {
        let _progress = progress::Progress::start();
        session.execute(source, false)
    };
    for o in outcomes {
        let started = Instant::now();
        for w in &o.warnings {
            eprint!("{}", w.render_warning("<input>", source));
        }
        match &o.result {
            Ok(result) => print!("{}", show(session, result)),
            Err(d) => eprint!("{}", d.render("<input>", source)),
        }
        if session.settings.timing {
            // As `faultline run --timing`: the statement, then with its output.
            eprintln!(
                "time: {:.3} ms ({:.3} ms with output)",
                o.elapsed.as_secs_f64() * 1000.0,
                (o.elapsed + started.elapsed()).as_secs_f64() * 1000.0
            );
        }
    }
}

/// A result in the session's format, tables fitted to `:width` or to the
/// terminal.
fn show(session: &Session, result: &crate::result::ResultSet) -> String {
    let width = session.settings.width.or_else(|| {
        console::Term::stdout()
            .size_checked()
            .map(|(_, cols)| usize::from(cols))
    });
    crate::output::render_fit(session.graph(), result, session.settings.format, width)
}
