//! The REPL's `:` commands. Each takes the session and the text after the
//! colon, prints its answer, and says whether the loop goes on.

use std::path::PathBuf;

use crate::output::Format;
use crate::session::{Session, parse_param_value};

/// What the loop does after a command.
pub enum Flow {
    /// Read the next input.
    Continue,
    /// The graph changed: refresh completion, then continue.
    Reloaded,
    /// Leave the REPL.
    Quit,
}

/// Every command with a one-line description (for `:help` and completion).
pub const COMMANDS: &[(&str, &str)] = &[
    (
        "help",
        ":help [TOPIC]       this help, or help on a statement (:help exposure)",
    ),
    (
        "schema",
        ":schema             kinds and edge types, roles, directions, counts",
    ),
    (
        "stats",
        ":stats              node and edge counts by kind and type",
    ),
    (
        "load",
        ":load PATH          merge more data (a failed load changes nothing)",
    ),
    ("format", ":format table|json|csv   output format"),
    ("timing", ":timing on|off      print each statement's time"),
    (
        "param",
        ":param NAME VALUE   set a parameter ($NAME in queries)",
    ),
    ("params", ":params             list parameters"),
    (
        "budget",
        ":budget N           work budget per statement (expanded edges and rows)",
    ),
    (
        "memory-budget",
        ":memory-budget SIZE memory budget per statement (e.g. 512M, 4G)",
    ),
    ("limit", ":limit N            most rows shown per result"),
    (
        "width",
        ":width N|auto       columns a table fits (long cells cut with …); auto: the terminal's",
    ),
    ("scenarios", ":scenarios          list defined scenarios"),
    (
        "at",
        ":at DATE|today      the date statements see the graph at (YYYY[-MM[-DD]])",
    ),
    ("quit", ":quit               leave (also Ctrl-D)"),
];

/// `2020-01-01`, or `2026-12-03 (today)`.
fn describe_date(session: &Session) -> String {
    if session.date() == session.today() {
        format!("{} (today)", session.date())
    } else {
        session.date().to_string()
    }
}

/// Runs one `:` command (without the colon).
#[allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "the REPL talks to the terminal"
)]
pub fn run(session: &mut Session, command: &str) -> Flow {
    let command = command.trim();
    let (name, arg) = command
        .split_once(char::is_whitespace)
        .map_or((command, ""), |(n, a)| (n, a.trim()));
    match name {
        "help" | "h" | "?" => print!("{}", super::help::help(arg)),
        "schema" | "stats" => {
            let outcomes = session.execute(name, false);
            for o in outcomes {
                match o.result {
                    Ok(r) => print!("{}", super::show(session, &r)),
                    Err(d) => eprint!("{}", d.render("<input>", name)),
                }
            }
        }
        "load" => {
            if arg.is_empty() {
                eprintln!("usage: :load PATH (a directory or a file of the data format)");
                return Flow::Continue;
            }
            match session.load_more(&[PathBuf::from(arg)]) {
                Ok((nodes, edges)) => {
                    for notice in session.take_notices() {
                        eprintln!("{notice}");
                    }
                    let g = session.graph();
                    println!(
                        "loaded {arg}: +{nodes} nodes, +{edges} edges (now {} nodes, {} edges)",
                        g.node_count(),
                        g.edge_count()
                    );
                    return Flow::Reloaded;
                }
                Err(failure) => eprintln!("{failure}\nthe graph is unchanged"),
            }
        }
        "format" => match arg.parse::<Format>() {
            Ok(f) => {
                session.settings.format = f;
                println!("format: {f}");
            }
            Err(e) if arg.is_empty() => println!("format: {} ({e})", session.settings.format),
            Err(e) => eprintln!("{e}"),
        },
        "timing" => match arg {
            "on" => {
                session.settings.timing = true;
                println!("timing on");
            }
            "off" => {
                session.settings.timing = false;
                println!("timing off");
            }
            _ => eprintln!("usage: :timing on|off"),
        },
        "param" => {
            let Some((pname, value)) = arg.split_once(char::is_whitespace) else {
                eprintln!("usage: :param NAME VALUE   (e.g. :param firm \"NVIDIA\")");
                return Flow::Continue;
            };
            let value = match parse_param_value(value) {
                Ok(v) => v,
                Err(e) => {
                    eprintln!("{e}");
                    return Flow::Continue;
                }
            };
            match session.set_param(pname, value.clone()) {
                Ok(()) => println!("${} = {}", pname.trim_start_matches('$'), value),
                Err(e) => eprintln!("{e}"),
            }
        }
        "params" => {
            if session.params().is_empty() {
                println!("no parameters (set one with :param NAME VALUE)");
            }
            for (k, v) in session.params() {
                println!("${k} = {v}");
            }
        }
        "budget" => set_positive(arg, &mut session.settings.budget, "budget", ""),
        "memory-budget" if arg.is_empty() => {
            println!(
                "memory budget: {} MiB",
                session.settings.memory_budget >> 20
            )
        }
        "memory-budget" => match crate::limits::parse_memory_size(arg) {
            Ok(bytes) => {
                session.settings.memory_budget = bytes;
                println!("memory budget: {} MiB", bytes >> 20);
            }
            Err(e) => eprintln!("usage: :memory-budget SIZE   ({e})"),
        },
        "limit" => set_positive(arg, &mut session.settings.row_limit, "limit", " rows"),
        "width" => match arg.parse::<usize>() {
            _ if arg == "auto" => {
                session.settings.width = None;
                println!("width: the terminal's");
            }
            Ok(n) if n >= 20 => {
                session.settings.width = Some(n);
                println!("width: {n} columns");
            }
            _ if arg.is_empty() => match session.settings.width {
                Some(n) => println!("width: {n} columns"),
                None => println!("width: the terminal's"),
            },
            _ => eprintln!("usage: :width N|auto   (N at least 20 columns)"),
        },
        "scenarios" => {
            if session.scenarios().is_empty() {
                println!("no scenarios (define one with: scenario NAME = remove \"Taiwan\")");
            }
            for (name, scenario) in session.scenarios() {
                println!("{name}: {}", scenario.describe());
            }
        }
        "at" => {
            if arg.is_empty() {
                println!("at: {}", describe_date(session));
                return Flow::Continue;
            }
            let date = if arg.eq_ignore_ascii_case("today") {
                Ok(session.today())
            } else {
                crate::query::time::parse_date(arg)
            };
            match date {
                Ok(d) => {
                    session.set_date(d);
                    println!("at: {}", describe_date(session));
                }
                Err(expected) => eprintln!("usage: :at DATE|today   (`{arg}` is not {expected})"),
            }
        }
        "quit" | "q" | "exit" => return Flow::Quit,
        other => {
            let near = crate::diag::closest(other, COMMANDS.iter().map(|(c, _)| *c));
            match near {
                Some(c) => {
                    eprintln!("unknown command :{other}; did you mean :{c}? (:help lists them)")
                }
                None => eprintln!("unknown command :{other} (:help lists them)"),
            }
        }
    }
    Flow::Continue
}

/// `:NAME N` for a positive integer setting (`_` allowed between digits):
/// sets it, shows it when `arg` is empty, or says how to use it.
#[allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "the REPL talks to the terminal"
)]
fn set_positive<T>(arg: &str, setting: &mut T, name: &str, unit: &str)
where
    T: std::str::FromStr + std::fmt::Display + Default + PartialOrd + Copy,
{
    match arg.replace('_', "").parse::<T>() {
        Ok(n) if n > T::default() => {
            *setting = n;
            println!("{name}: {n}{unit}");
        }
        _ if arg.is_empty() => println!("{name}: {setting}{unit}"),
        _ => eprintln!("usage: :{name} N   (a positive integer; now {setting})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{GraphBuilder, Value};

    #[test]
    fn param_values_are_fql_literals() {
        let mut session = Session::new(GraphBuilder::new().finish());
        for (arg, want) in [
            ("x 'abc'", Value::str("abc")),
            ("y \"a\\nb\"", Value::str("a\nb")),
            ("z 42", Value::Int(42)),
        ] {
            run(&mut session, &format!("param {arg}"));
            let name = arg.split_whitespace().next().unwrap_or_default();
            assert_eq!(session.params().get(name), Some(&want), "{arg}");
        }
    }
}
