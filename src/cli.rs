//! The command line (the only module that sees clap): parses arguments,
//! loads the data, runs the command and maps the outcome to an exit status
//! (spec: query-language.md, *Command line*): 0 success, 1 a statement
//! failed, 2 bad usage or data that does not load.
//!
//! Output goes through explicit writers so a closed pipe (`faultline check |
//! head -1`) ends the program quietly instead of panicking in `println!`.

use std::borrow::Cow;
use std::ffi::OsString;
use std::io::{self, IsTerminal, Read, Write};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::diag::escape_for_terminal;
use crate::load::{LoadFailure, LoadOptions, Loaded, bundled_data_dir, load};
use crate::model::Date;
use crate::output::Format as OutputFormat;
use crate::session::{Outcome, Session, parse_param_value};

/// Faultline: query supply-chain and geopolitical dependencies.
#[derive(Debug, Parser)]
#[command(name = "faultline", version, about, long_about = None)]
pub struct Cli {
    /// What to do; without one, an interactive session on the bundled graph.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start an interactive session (the default, on the bundled graph).
    Repl {
        /// Where the data comes from.
        #[command(flatten)]
        data: DataArgs,
    },
    /// Run an FQL script (`-` reads standard input).
    Run {
        /// The script file, or `-` for standard input.
        #[arg(value_name = "SCRIPT")]
        script: String,
        /// Where the data comes from.
        #[command(flatten)]
        data: DataArgs,
        /// How statements run and print.
        #[command(flatten)]
        exec: ExecArgs,
    },
    /// Run statements given on the command line.
    Query {
        /// One or more statements, separated by `;`.
        #[arg(value_name = "STATEMENTS")]
        statements: String,
        /// Where the data comes from.
        #[command(flatten)]
        data: DataArgs,
        /// How statements run and print.
        #[command(flatten)]
        exec: ExecArgs,
    },
    /// Convert a public data set (ETO chip supply chain, Epoch AI) into the
    /// data format, resolving its entities against the curated graph.
    Import {
        /// Which data set: `eto`, `epoch`, or `all` (both, default paths).
        #[arg(value_name = "SET")]
        set: String,
        /// The raw files (default: graph-data/sources/SET).
        #[arg(value_name = "SRC")]
        src: Option<PathBuf>,
        /// Where to write the converted files (default: graph-data/imported/SET).
        #[arg(value_name = "OUT")]
        out: Option<PathBuf>,
        /// The curated graph to resolve names against (default: the bundled graph).
        #[arg(long, value_name = "DIR")]
        curated: Option<PathBuf>,
        /// List every skipped, adjusted and unmatched item and every note
        /// (without it: counts and the first unmatched entities).
        #[arg(long, short)]
        verbose: bool,
    },
    /// Validate data and print node counts by kind and edge counts by type.
    Check {
        /// Where the data comes from.
        #[command(flatten)]
        data: DataArgs,
    },
}

/// The data options every command shares.
#[derive(Clone, Debug, Default, Args)]
pub struct DataArgs {
    /// A data set (a directory or a file); repeat to merge several.
    /// Default: the bundled graph.
    #[arg(long = "data", value_name = "PATH")]
    pub data: Vec<PathBuf>,
    /// Skip bad rows (and list them on stderr) instead of refusing the data.
    #[arg(long)]
    pub skip_bad_rows: bool,
    /// See the graph as it stood on this date (YYYY, YYYY-MM or
    /// YYYY-MM-DD; default: today).
    #[arg(long, value_name = "DATE", value_parser = parse_at)]
    pub at: Option<Date>,
}

/// Parses `--at DATE`.
fn parse_at(text: &str) -> Result<Date, String> {
    crate::query::time::parse_date(text).map_err(|expected| format!("expected {expected}"))
}

/// How statements run and print (`run`, `query`).
#[derive(Clone, Debug, Args)]
pub struct ExecArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Set a parameter used as `$NAME` in statements.
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
    pub params: Vec<(String, String)>,
    /// Go on after a failed statement (the exit status is still 1).
    #[arg(long)]
    pub keep_going: bool,
    /// Make warnings (an unknown kind or edge type in a pattern) errors.
    #[arg(long)]
    pub strict: bool,
    /// Work budget per statement, in expanded edges and rows (default 500
    /// per node and edge of the graph, at least 10 million).
    #[arg(long, value_name = "N")]
    pub budget: Option<u64>,
    /// Memory budget per statement (bytes, or e.g. `512M`, `4G`; default a
    /// quarter of the machine's memory).
    #[arg(long, value_name = "SIZE", value_parser = crate::limits::parse_memory_size)]
    pub memory_budget: Option<u64>,
    /// Most rows a result shows (default 10000); a result cut short says so
    /// (in the table, the JSON `message`, or on stderr for CSV).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub limit: Option<u64>,
    /// Print how long each statement took (to stderr).
    #[arg(long)]
    pub timing: bool,
}

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns.
    Table,
    /// One JSON object per statement, one per line.
    Json,
    /// A header and rows.
    Csv,
}

/// Parses `NAME=VALUE`.
fn parse_param(text: &str) -> Result<(String, String), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` has no `=`; expected NAME=VALUE"))?;
    let ok = name
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_alphanumeric() || c == '_');
    if !ok {
        return Err(format!(
            "`{name}` is not a parameter name; expected letters, digits and `_`"
        ));
    }
    Ok((name.to_string(), value.to_string()))
}

/// Why a command did not succeed.
#[derive(Debug)]
pub enum CliError {
    /// The data did not load.
    Data(LoadFailure),
    /// Bad usage: a missing script, an unreadable file.
    Usage(String),
    /// Writing the output failed (a closed pipe is not reported).
    Io(io::Error),
}

impl From<io::Error> for CliError {
    fn from(e: io::Error) -> CliError {
        CliError::Io(e)
    }
}

/// Runs the program on the process's arguments.
pub fn main() -> ExitCode {
    run(std::env::args_os())
}

/// Runs the program on these arguments (the first is the program name).
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with status 0; usage errors to
            // stderr with status 2 (clap's own codes).
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    install_export_cleanup(matches!(cli.command, None | Some(Command::Repl { .. })));
    let outcome = match cli.command {
        None => cmd_repl(&DataArgs::default()),
        Some(Command::Repl { data }) => cmd_repl(&data),
        Some(Command::Run { script, data, exec }) => cmd_run(&script, &data, &exec),
        Some(Command::Query {
            statements,
            data,
            exec,
        }) => cmd_query(&statements, &data, &exec),
        Some(Command::Check { data }) => cmd_check(&data),
        Some(Command::Import {
            set,
            src,
            out,
            curated,
            verbose,
        }) => cmd_import(&set, src, out, curated, verbose),
    };
    match outcome {
        Ok(code) => code,
        Err(e) => fail(e),
    }
}

/// On SIGTERM and SIGHUP (and SIGINT outside the REPL, where Ctrl-C is not
/// a cancel key) removes the temporary file of an export being written,
/// then exits with 128 + the signal number.
#[allow(
    clippy::print_stderr,
    reason = "the command line reports to standard error"
)]
fn install_export_cleanup(repl: bool) {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let signals: &[i32] = if repl {
            &[SIGTERM, SIGHUP]
        } else {
            &[SIGINT, SIGTERM, SIGHUP]
        };
        if let Err(e) = crate::export::install_signal_cleanup(signals) {
            eprintln!("faultline: an interrupted export may leave a temporary file: {e}");
        }
    }
    #[cfg(not(unix))]
    let _ = repl;
}

/// Reports an error on stderr and picks the exit status.
#[allow(
    clippy::print_stderr,
    reason = "the command line reports to standard error"
)]
fn fail(e: CliError) -> ExitCode {
    let mut err = io::stderr().lock();
    let _ = match e {
        CliError::Data(failure) => writeln!(err, "{failure}"),
        CliError::Usage(message) => writeln!(err, "faultline: {message}"),
        CliError::Io(e) if e.kind() == io::ErrorKind::BrokenPipe => return ExitCode::SUCCESS,
        CliError::Io(e) => writeln!(err, "faultline: cannot write the output: {e}"),
    };
    ExitCode::from(2)
}

/// The data sets the arguments name, or the bundled graph.
fn data_paths(args: &DataArgs) -> Vec<PathBuf> {
    if args.data.is_empty() {
        vec![bundled_data_dir()]
    } else {
        args.data.clone()
    }
}

/// Loads the data; skipped rows are listed on stderr.
pub fn load_data(args: &DataArgs) -> Result<Loaded, CliError> {
    let opts = LoadOptions {
        skip_bad_rows: args.skip_bad_rows,
        ..LoadOptions::default()
    };
    let paths = data_paths(args);
    let label = format!(
        "loading {}",
        paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let loaded = with_spinner(label, || load(&paths, &opts)).map_err(CliError::Data)?;
    if loaded.skipped_count > 0 {
        let _ = write_skipped(&mut io::stderr().lock(), &loaded);
    }
    Ok(loaded)
}

/// Runs `work` with a spinner on stderr when it takes more than a moment
/// (300 ms) and stderr is a terminal, so a large load shows it is alive.
fn with_spinner<T>(label: String, work: impl FnOnce() -> T) -> T {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    use std::io::IsTerminal;
    use std::sync::mpsc::{RecvTimeoutError, channel};
    use std::time::Duration;
    if !io::stderr().is_terminal() {
        return work();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
        bar.set_style(style);
    }
    bar.set_message(label);
    let shown = bar.clone();
    let (done, wait) = channel::<()>();
    let watcher = std::thread::spawn(move || {
        if let Err(RecvTimeoutError::Timeout) = wait.recv_timeout(Duration::from_millis(300)) {
            shown.set_draw_target(ProgressDrawTarget::stderr());
            shown.enable_steady_tick(Duration::from_millis(100));
        }
    });
    let out = work();
    drop(done);
    let _ = watcher.join();
    bar.finish_and_clear();
    out
}

fn write_skipped(out: &mut impl Write, loaded: &Loaded) -> io::Result<()> {
    let n = loaded.skipped_count;
    writeln!(out, "skipped {n} bad row{}:", if n == 1 { "" } else { "s" })?;
    for p in &loaded.skipped {
        writeln!(out, "  {p}")?;
    }
    let more = n.saturating_sub(loaded.skipped.len());
    if more > 0 {
        writeln!(out, "  ... and {more} more")?;
    }
    Ok(())
}

/// Reads a script: a file, or standard input for `-`. Returns its origin
/// (for error messages) and text.
pub fn read_script(script: &str) -> Result<(String, String), CliError> {
    if script == "-" {
        let mut text = String::new();
        io::stdin().read_to_string(&mut text).map_err(|e| {
            CliError::Usage(format!("cannot read the script from standard input: {e}"))
        })?;
        return Ok(("<stdin>".to_string(), text));
    }
    let text = std::fs::read_to_string(script)
        .map_err(|e| CliError::Usage(format!("cannot read the script `{script}`: {e}")))?;
    Ok((script.to_string(), text))
}

/// `faultline` / `faultline repl`.
fn cmd_repl(data: &DataArgs) -> Result<ExitCode, CliError> {
    let loaded = load_data(data)?;
    let mut session = Session::new(loaded.graph);
    if let Some(at) = data.at {
        session.set_date(at);
    }
    Ok(ExitCode::from(crate::repl::run(session)))
}

/// `faultline run SCRIPT`.
fn cmd_run(script: &str, data: &DataArgs, exec: &ExecArgs) -> Result<ExitCode, CliError> {
    let (origin, source) = read_script(script)?;
    let mut session = start_session(data, exec)?;
    run_source(&mut session, &origin, &source, exec)
}

/// `faultline query 'STATEMENTS'`.
fn cmd_query(statements: &str, data: &DataArgs, exec: &ExecArgs) -> Result<ExitCode, CliError> {
    let mut session = start_session(data, exec)?;
    run_source(&mut session, "<query>", statements, exec)
}

/// Loads the data (timed with `--timing`) and sets up a session with the
/// command line's parameters, budget and format.
#[allow(
    clippy::print_stderr,
    reason = "the command line reports to standard error"
)]
fn start_session(data: &DataArgs, exec: &ExecArgs) -> Result<Session, CliError> {
    let started = Instant::now();
    let loaded = load_data(data)?;
    if exec.timing {
        let _ = writeln!(
            io::stderr(),
            "load: {:.3} ms",
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
    let mut session = Session::new(loaded.graph);
    if let Some(at) = data.at {
        session.set_date(at);
    }
    for (name, value) in &exec.params {
        session
            .set_param(
                name,
                parse_param_value(value)
                    .map_err(|e| CliError::Usage(format!("--param {name}: {e}")))?,
            )
            .map_err(CliError::Usage)?;
    }
    if let Some(budget) = exec.budget {
        session.settings.budget = budget;
    }
    if let Some(limit) = exec.limit {
        session.settings.row_limit = usize::try_from(limit).unwrap_or(usize::MAX);
    }
    if let Some(bytes) = exec.memory_budget {
        session.settings.memory_budget = bytes;
    }
    session.settings.format = match exec.format {
        Format::Table => OutputFormat::Table,
        Format::Json => OutputFormat::Json,
        Format::Csv => OutputFormat::Csv,
    };
    session.settings.timing = exec.timing;
    session.settings.strict = exec.strict;
    Ok(session)
}

/// Runs statements, printing results on stdout and errors (with the
/// source line and a caret) on stderr. Exit 1 when a statement failed.
fn run_source(
    session: &mut Session,
    origin: &str,
    source: &str,
    exec: &ExecArgs,
) -> Result<ExitCode, CliError> {
    let mut failed = false;
    let mut written = Ok(());
    session.execute_each(source, exec.keep_going, |session, o| {
        let started = Instant::now();
        failed |= o.result.is_err();
        written = write_outcome(session, &o, origin, source);
        if exec.timing {
            // The statement alone (parse and evaluation), then with its
            // output rendered and written: what the command line spent on it.
            let _ = writeln!(
                io::stderr(),
                "time: {:.3} ms ({:.3} ms with output)",
                o.elapsed.as_secs_f64() * 1000.0,
                (o.elapsed + started.elapsed()).as_secs_f64() * 1000.0
            );
        }
        if written.is_ok() {
            ControlFlow::Continue(())
        } else {
            ControlFlow::Break(())
        }
    });
    written?;
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Writes one statement's warnings, result or error, and flushes standard
/// output so that a script's results show as each statement ends.
fn write_outcome(session: &Session, o: &Outcome, origin: &str, source: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    let mut err = io::stderr().lock();
    if !o.warnings.is_empty() {
        out.flush()?;
        for w in &o.warnings {
            let _ = err.write_all(w.render_warning(origin, source).as_bytes());
        }
    }
    match &o.result {
        Ok(result) => {
            let format = session.settings.format;
            let text = crate::output::render(session.graph(), result, format);
            if format == OutputFormat::Csv && io::stdout().is_terminal() {
                // CSV keeps the data exact for files and pipes; on a
                // terminal control characters are shown escaped.
                for line in text.split_inclusive('\n') {
                    let body = line.strip_suffix('\n').unwrap_or(line);
                    out.write_all(escape_for_terminal(body).as_bytes())?;
                    out.write_all(&line.as_bytes()[body.len()..])?;
                }
            } else {
                out.write_all(text.as_bytes())?;
            }
            if format == OutputFormat::Csv
                && let Some(message) = &result.message
            {
                for line in message.lines() {
                    let _ = writeln!(err, "{}", escape_for_terminal(line));
                }
            }
        }
        Err(d) => {
            out.flush()?;
            let _ = err.write_all(d.render(origin, source).as_bytes());
        }
    }
    out.flush()
}

/// Unmatched entities listed without `--verbose`.
const IMPORT_UNMATCHED_SHOWN: usize = 10;

/// `faultline import SET [SRC OUT] [--verbose]`: runs an importer and
/// prints a summary: counts of what it skipped, adjusted, could not match
/// and noted, the first unmatched entities, and what it wrote; `--verbose`
/// lists every item.
fn cmd_import(
    set: &str,
    src: Option<PathBuf>,
    out: Option<PathBuf>,
    curated: Option<PathBuf>,
    verbose: bool,
) -> Result<ExitCode, CliError> {
    use crate::import::{DataSet, import};
    let curated = curated.unwrap_or_else(bundled_data_dir);
    let sets: Vec<DataSet> = match set {
        "all" => {
            if src.is_some() || out.is_some() {
                return Err(CliError::Usage(
                    "`import all` takes no SRC or OUT: it uses graph-data/sources and graph-data/imported".into(),
                ));
            }
            DataSet::ALL.to_vec()
        }
        name => vec![DataSet::from_name(name).ok_or_else(|| {
            CliError::Usage(format!(
                "unknown data set `{name}`: expected eto, epoch or all"
            ))
        })?],
    };
    let mut stdout = io::stdout().lock();
    for d in sets {
        let src = src.clone().unwrap_or_else(|| d.default_source(&curated));
        let out = out.clone().unwrap_or_else(|| d.default_output(&curated));
        match import(d, &src, &out, &curated) {
            Ok(r) => {
                for (title, lines, shown) in [
                    ("skipped or adjusted", &r.skipped, 0),
                    ("unmatched", &r.unmatched, IMPORT_UNMATCHED_SHOWN),
                    ("notes", &r.notes, 0),
                ] {
                    writeln!(stdout, "{} {title}: {}", d.name(), lines.len())?;
                    let shown = if verbose { lines.len() } else { shown };
                    for l in lines.iter().take(shown) {
                        writeln!(stdout, "  {l}")?;
                    }
                    if lines.len() > shown {
                        writeln!(
                            stdout,
                            "  ({} more; --verbose lists them)",
                            lines.len() - shown
                        )?;
                    }
                }
                writeln!(
                    stdout,
                    "imported {} into {}: {} nodes, {} edges",
                    d.name(),
                    out.display(),
                    r.nodes,
                    r.edges
                )?;
            }
            Err(e) => {
                let _ = writeln!(io::stderr(), "faultline: import {}: {e}", d.name());
                return Ok(ExitCode::from(2));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `faultline check`: loads the data and prints counts.
fn cmd_check(data: &DataArgs) -> Result<ExitCode, CliError> {
    let loaded = load_data(data)?;
    let mut out = io::stdout().lock();
    write_counts(&mut out, &loaded)?;
    write_validity(&mut out, &loaded, data.at)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The `check` report: totals, then nodes by kind and edges by type, each
/// sorted by name, in two aligned columns.
pub fn write_counts(out: &mut impl Write, loaded: &Loaded) -> io::Result<()> {
    let g = &loaded.graph;
    // Kind and edge-type names come from the data: escaped for the terminal.
    let mut kinds: Vec<(Cow<str>, usize)> = g
        .kinds()
        .map(|(k, name)| (escape_for_terminal(name), g.nodes_of_kind(k).len()))
        .collect();
    kinds.sort();
    let mut per_type = vec![0usize; g.edge_types().count()];
    for e in g.edges() {
        if let Some(n) = per_type.get_mut(g.edge_type(e).index()) {
            *n += 1;
        }
    }
    let mut types: Vec<(Cow<str>, usize)> = g
        .edge_types()
        .map(|(t, info)| (escape_for_terminal(&info.name), per_type[t.index()]))
        .collect();
    types.sort();
    let width = kinds
        .iter()
        .chain(&types)
        .map(|(name, _)| name.chars().count())
        .max()
        .unwrap_or(0)
        .max("edge type".len())
        + 2;
    let files = loaded.files.len();
    writeln!(
        out,
        "loaded {files} file{}: {} node{}, {} edge{}",
        plural(files),
        g.node_count(),
        plural(g.node_count()),
        g.edge_count(),
        plural(g.edge_count())
    )?;
    writeln!(out, "{:<width$}nodes", "kind")?;
    for (name, n) in &kinds {
        writeln!(out, "{name:<width$}{n}")?;
    }
    writeln!(out, "{:<width$}edges", "edge type")?;
    for (name, n) in &types {
        writeln!(out, "{name:<width$}{n}")?;
    }
    Ok(())
}

/// The `check` report on validity: what is visible at the date, and a
/// warning per edge whose interval reaches beyond either end's.
fn write_validity(out: &mut impl Write, loaded: &Loaded, at: Option<Date>) -> io::Result<()> {
    let g = &loaded.graph;
    if !g.has_validity() {
        return Ok(());
    }
    let day = at.map_or_else(Date::today, Date::first_day);
    let (hidden_nodes, hidden_edges) = crate::load::hidden_at(g, day);
    let (dated_nodes, dated_edges) = (g.nodes_with_validity().len(), g.edges_with_validity().len());
    // Without --at the line names no date, so that it reads the same any day.
    let when = match at {
        Some(_) => format!("at {day}"),
        None => "today".to_string(),
    };
    writeln!(
        out,
        "validity: {dated_nodes} node{} and {dated_edges} edge{} have dates; {when}, {hidden_nodes} node{} and {hidden_edges} edge{} are hidden (--at DATE sees another day)",
        plural(dated_nodes),
        plural(dated_edges),
        plural(hidden_nodes),
        plural(hidden_edges),
    )?;
    for w in crate::load::interval_warnings(g) {
        writeln!(out, "warning: {w}")?;
    }
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn params_need_a_name_and_an_equals_sign() {
        assert_eq!(
            parse_param("k=v=w").unwrap(),
            ("k".to_string(), "v=w".to_string())
        );
        assert!(parse_param("kv").is_err());
        assert!(parse_param("1k=v").is_err());
    }

    #[test]
    fn subcommands_take_the_spec_options() {
        let cli = Cli::try_parse_from([
            "faultline",
            "run",
            "s.fql",
            "--data",
            "a",
            "--data",
            "b",
            "--format",
            "json",
            "--param",
            "x=1",
            "--keep-going",
            "--budget",
            "5",
            "--timing",
        ])
        .unwrap();
        let Some(Command::Run { script, data, exec }) = cli.command else {
            panic!("parsed as run")
        };
        assert_eq!(script, "s.fql");
        assert_eq!(data.data, [PathBuf::from("a"), PathBuf::from("b")]);
        assert_eq!(
            (exec.format, exec.keep_going, exec.budget, exec.timing),
            (Format::Json, true, Some(5), true)
        );
        assert!(Cli::try_parse_from(["faultline", "check", "--bogus"]).is_err());
        assert!(
            Cli::try_parse_from(["faultline"])
                .unwrap()
                .command
                .is_none()
        );
    }
}
