//! The REPL driven through a real pseudo-terminal (rexpect), as a user
//! would: queries, multi-line input, completion, errors, `:help`, Ctrl-C,
//! Ctrl-D and persistent history.

use std::process::Command;

use rexpect::session::{PtySession, spawn_command};

const PROMPT: &str = "faultline> ";

/// `cmd` in a pseudo-terminal, with its history in `history`, no colour.
fn spawn(mut cmd: Command, history: &std::path::Path) -> PtySession {
    cmd.env("FAULTLINE_HISTORY", history)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    spawn_command(cmd, Some(10_000)).expect("the REPL starts in a pty")
}

/// The REPL on the mini fixture, at its first prompt.
fn start(history: &std::path::Path) -> PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_faultline"));
    cmd.args([
        "repl",
        "--data",
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mini"),
    ]);
    started(spawn(cmd, history))
}

/// Waits for the mini fixture's banner and the first prompt.
fn started(mut p: PtySession) -> PtySession {
    p.exp_string("24 nodes, 33 edges")
        .expect("the banner shows the counts");
    prompt(&mut p);
    p
}

/// Waits for the prompt, then a moment: the line editor switches the
/// terminal to raw mode after printing it, which discards typed-ahead input.
fn prompt(p: &mut PtySession) {
    p.exp_string(PROMPT).expect("a prompt");
    std::thread::sleep(std::time::Duration::from_millis(300));
}

fn quit(mut p: PtySession) {
    p.send_control('d').expect("Ctrl-D is sent");
    p.exp_eof().expect("Ctrl-D ends the session");
    let status = p.process_mut().wait().expect("the process ends");
    assert!(format!("{status:?}").contains("Exited"), "{status:?}");
}

#[test]
fn repl_runs_queries_errors_help_and_multiline_input() {
    let dir = tempfile::tempdir().expect("temp dir");
    let history = dir.path().join("history");
    let mut p = start(&history);

    p.send_line("match (f:Firm {name: \"TSMC\"}) return f.founded;")
        .expect("send");
    p.exp_string("1987").expect("the query's answer");
    p.exp_string("(1 row)").expect("the row count");
    prompt(&mut p);

    // A statement over several lines runs when it ends with `;`.
    p.send_line("match (f:Firm)").expect("send");
    p.send_line("  where f.founded < 1900").expect("send");
    p.send_line("  return f.name;").expect("send");
    p.exp_string("Carl Zeiss")
        .expect("the multi-line statement ran");
    prompt(&mut p);

    // An error shows the caret and the session goes on.
    p.send_line("match (f:Frim) return f;").expect("send");
    p.exp_string("unknown kind `Frim`").expect("the error");
    p.exp_string("^^^^").expect("the caret");
    p.exp_string("did you mean `Firm`?").expect("the hint");
    prompt(&mut p);
    p.send_line("match (n:Nation {iso3: \"NLD\"}) return n.name;")
        .expect("send");
    p.exp_string("Netherlands")
        .expect("a good query after an error");
    prompt(&mut p);

    p.send_line(":help").expect("send");
    p.exp_string("exposure of NODESET to SHOCK")
        .expect("help lists the statements");
    p.exp_string(":quit").expect("help lists the commands");
    prompt(&mut p);
    p.send_line(":help exposure").expect("send");
    p.exp_string("example: exposure of")
        .expect("a topic with an example");
    prompt(&mut p);

    // Ctrl-C at the prompt clears the line and keeps the session.
    p.send("match (half").expect("send");
    p.flush().expect("flush");
    p.send_control('c').expect("Ctrl-C");
    prompt(&mut p);
    p.send_line("stats;").expect("send");
    p.exp_string("total").expect("the session survived Ctrl-C");
    prompt(&mut p);
    // Ctrl-C while a statement runs cancels it; the session stays.
    p.send_line(":budget 100000000000").expect("send");
    prompt(&mut p);
    p.send_line("match (a), (b), (c), (d), (e), (f), (g) return count(*);")
        .expect("send");
    std::thread::sleep(std::time::Duration::from_millis(700));
    p.send_control('c').expect("Ctrl-C");
    p.exp_string("statement cancelled")
        .expect("the running statement is cancelled");
    prompt(&mut p);
    p.send_line("match (n:Bloc) return n.name;").expect("send");
    p.exp_string("European Union")
        .expect("the session goes on after a cancel");
    prompt(&mut p);
    quit(p);
}

#[test]
fn repl_completes_keywords_and_node_names() {
    let dir = tempfile::tempdir().expect("temp dir");
    let history = dir.path().join("history");
    let mut p = start(&history);
    // A keyword: "upstr" + Tab becomes "upstream".
    p.send("upstr\t").expect("send");
    p.flush().expect("flush");
    p.exp_string("upstream").expect("the keyword is completed");
    // A node name inside a string: the quoted name is inserted.
    p.send(" of \"Carl Z\t").expect("send");
    p.flush().expect("flush");
    p.exp_string("\"Carl Zeiss\"")
        .expect("the node name is completed");
    p.send_line(";").expect("send");
    p.exp_string("(0 rows)")
        .expect("the completed statement runs");
    prompt(&mut p);
    quit(p);
}

#[test]
fn repl_history_survives_a_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let history = dir.path().join("state").join("history");
    let mut p = start(&history);
    p.send_line("match (n:Bloc) return n.name;").expect("send");
    p.exp_string("European Union").expect("answer");
    prompt(&mut p);
    quit(p);
    let saved = std::fs::read_to_string(&history).expect("the history file exists");
    assert!(saved.contains("match (n:Bloc) return n.name;"), "{saved}");

    // After a restart, Up recalls the entry.
    let mut p = start(&history);
    p.send("\x1b[A").expect("Up arrow");
    p.flush().expect("flush");
    p.send_line("").expect("Enter");
    p.exp_string("European Union")
        .expect("the recalled entry runs");
    prompt(&mut p);
    quit(p);
}

#[test]
fn repl_waits_for_the_semicolon_once_a_statement_spans_lines() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut p = start(&dir.path().join("history"));
    p.send_line("match (f:Firm)").expect("send");
    p.exp_string("..> ").expect("a continuation prompt");
    // Complete without `;`: a statement over lines waits for it.
    p.send_line("  where f.founded < 1970").expect("send");
    p.exp_string("..> ").expect("still continuing");
    p.send_line("  return f.name").expect("send");
    p.exp_string("..> ")
        .expect("still continuing after a complete clause");
    p.send_line("  order by f.name desc;").expect("send");
    let before = p.exp_string("(2 rows)").expect("the statement ran at `;`");
    let order: Vec<usize> = ["Carl Zeiss", "AMD"]
        .iter()
        .map(|n| before.find(n).unwrap_or_else(|| panic!("{n} in {before}")))
        .collect();
    assert!(order[0] < order[1], "order by ran too: {before}");
    prompt(&mut p);
    // Ctrl-C in a continuation forgets the half-typed statement.
    p.send_line("match (f:Firm)").expect("send");
    p.exp_string("..> ").expect("a continuation prompt");
    p.send_control('c').expect("Ctrl-C");
    prompt(&mut p);
    p.send_line("match (n:Bloc) return n.name").expect("send");
    p.exp_string("European Union")
        .expect("a complete single line runs on Enter");
    prompt(&mut p);
    quit(p);
}

#[test]
fn repl_fits_a_wide_table_to_the_width() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut p = start(&dir.path().join("history"));
    p.send_line(":width 100").expect("send");
    p.exp_string("width: 100 columns")
        .expect("the width is set");
    prompt(&mut p);
    p.send_line("match (f:Firm) return collect(f.name + \" \" + f.name + \" \" + f.name) as names, count(*) as n;")
        .expect("send");
    let table = p.exp_string("(1 row)").expect("the table");
    let table = table.replace('\r', "");
    let widest = table
        .lines()
        .filter(|l| l.starts_with('|'))
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);
    assert!(
        (60..=100).contains(&widest),
        "the table is {widest} columns wide:\n{table}"
    );
    // rexpect reads bytes as Latin-1: `…` arrives as its three UTF-8 bytes.
    assert!(
        table.contains('…') || table.contains("\u{e2}\u{80}\u{a6}"),
        "the long cell is cut:\n{table}"
    );
    prompt(&mut p);
    quit(p);
}

/// Without `:width`, tables fit the terminal: in a 100-column terminal
/// (set with `stty` before the REPL starts, as a window would), `schema`,
/// whose property lists run to 600 characters a row, fits 100 columns
/// (long cells wrapped), and so does a 300-character `collect` (cut by `…`).
#[test]
fn repl_fits_tables_to_a_100_column_terminal() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("stty cols 100 rows 40 && exec \"$0\" repl --data \"$1\"")
        .arg(env!("CARGO_BIN_EXE_faultline"))
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mini"));
    let mut p = started(spawn(cmd, &dir.path().join("history")));
    p.send_line(":width").expect("send");
    p.exp_string("width: the terminal's")
        .expect("no width set: the terminal's");
    prompt(&mut p);
    for statement in [
        "schema;",
        "match (f:Firm) return collect(f.name + \" \" + f.name + \" \" + f.name) as names, count(*) as n;",
    ] {
        p.send_line(statement).expect("send");
        let table = p.exp_string(" row").expect("the table and its row count");
        let table = table.replace('\r', "");
        let rows: Vec<&str> = table.lines().filter(|l| l.starts_with('|')).collect();
        assert!(
            rows.len() >= 3,
            "{statement}: a header, a rule and rows:\n{table}"
        );
        let widest = rows.iter().map(|l| l.chars().count()).max().unwrap_or(0);
        assert!(
            (60..=100).contains(&widest),
            "{statement}: the table is {widest} columns wide:\n{table}"
        );
        // Long cells are wrapped onto continuation lines or cut with `…`.
        let cut = table.contains('…') || table.contains("\u{e2}\u{80}\u{a6}");
        let wrapped = rows.iter().skip(2).any(|l| l.starts_with("|         |"));
        assert!(cut || wrapped, "{statement}: long cells fitted:\n{table}");
        prompt(&mut p);
    }
    quit(p);
}

#[test]
fn repl_reads_a_paste_of_many_lines_whole() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut p = start(&dir.path().join("history"));
    // Sent at once, as a terminal without bracketed paste delivers a paste:
    // every line is read, in order, none lost or split.
    let mut paste = String::new();
    for i in 0..150 {
        paste.push_str(&format!(
            "match (n:Nation {{iso3: \"NLD\"}}) return 100000 + {i} as v;\n"
        ));
        if i == 70 {
            paste.push_str("match (f\n:Firm) where f.founded < 1900\nreturn f.name;\n");
        }
    }
    p.send(&paste).expect("send the paste");
    p.flush().expect("flush");
    for i in 0..150 {
        p.exp_string(&format!("{}", 100000 + i))
            .unwrap_or_else(|e| panic!("line {i} of the paste ran: {e}"));
        if i == 70 {
            p.exp_string("Carl Zeiss")
                .expect("the multi-line statement in the paste ran whole");
        }
    }
    prompt(&mut p);
    p.send_line(":params").expect("send");
    p.exp_string("no parameters").expect("the session goes on");
    prompt(&mut p);
    quit(p);
}

#[test]
fn repl_sets_the_date_with_at_and_shows_it_in_the_prompt() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_faultline"));
    cmd.args([
        "repl",
        "--data",
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/time"),
        "--at",
        "2020-01-01",
    ]);
    let mut p = spawn(cmd, &dir.path().join("history"));
    // The first message says the data has dates and which date is seen.
    p.exp_string("seen at 2020-01-01 (5 nodes and 4 edges have validity dates")
        .expect("the banner names the date");
    let dated = |p: &mut PtySession, date: &str| {
        p.exp_string(&format!("faultline@{date}> "))
            .expect("the prompt shows the date");
        std::thread::sleep(std::time::Duration::from_millis(300));
    };
    dated(&mut p, "2020-01-01");
    p.send_line("upstream of \"Huawei\";").expect("send");
    p.exp_string("TSMC")
        .expect("TSMC supplied HiSilicon in 2020");
    p.exp_string("(2 rows)").expect("the row count");
    dated(&mut p, "2020-01-01");

    p.send_line(":at 2021-06").expect("send");
    p.exp_string("at: 2021-06-01")
        .expect(":at answers with the date");
    dated(&mut p, "2021-06-01");
    p.send_line("upstream of \"Huawei\";").expect("send");
    p.exp_string("SMIC")
        .expect("SMIC has supplied HiSilicon since 2020-09");
    p.exp_string("(2 rows)").expect("TSMC is gone");
    dated(&mut p, "2021-06-01");

    p.send_line(":at 2023-02-31").expect("send");
    p.exp_string("is not a day of the calendar")
        .expect("a bad date is refused");
    dated(&mut p, "2021-06-01");

    // Back to today: the plain prompt.
    p.send_line(":at today").expect("send");
    p.exp_string("(today)").expect(":at today answers");
    p.exp_string(PROMPT).expect("the plain prompt is back");
    std::thread::sleep(std::time::Duration::from_millis(300));
    quit(p);
}
