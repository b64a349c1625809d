//! A session: the graph, parameters, scenarios and settings. The REPL,
//! `faultline run` and `faultline query` all go through
//! [`Session::execute`], so a statement behaves the same everywhere.
//! Nothing here prints: outcomes are returned for the caller to render.

use std::borrow::Cow;
use std::path::{Path as FsPath, PathBuf};
use std::time::{Duration, Instant};

use crate::analysis::View;
use crate::diag::{Diagnostic, Span};
use crate::export::{self, DotOptions, ImageFormat, Subgraph};
use crate::limits::{CancelFlag, DEFAULT_BUDGET, Work};
use crate::load::{self, LoadFailure, LoadOptions};
use crate::model::{Date, Graph, Value};
use crate::output::Format;
use crate::query::time::Timeline;
use crate::query::{self, Env, Params, Scenarios};
use crate::result::ResultSet;
use crate::syntax::ast::{ExportFormat, ExportStmt, Statement, StatementKind};
use crate::syntax::{parse_statement, split_statements};

/// The default cap on rows shown per result.
pub const DEFAULT_ROW_LIMIT: usize = 10_000;

/// Settings a user can change (`--format`, `:format`, `:budget`, ...).
#[derive(Clone, Debug)]
pub struct Settings {
    /// The output format.
    pub format: Format,
    /// The work budget per statement.
    pub budget: u64,
    /// The most rows a result shows.
    pub row_limit: usize,
    /// Print timings.
    pub timing: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            format: Format::Table,
            budget: DEFAULT_BUDGET,
            row_limit: DEFAULT_ROW_LIMIT,
            timing: false,
        }
    }
}

/// The outcome of one statement.
#[derive(Debug)]
pub struct Outcome {
    /// Where the statement is in the source.
    pub span: Span,
    /// Its result or error.
    pub result: Result<ResultSet, Diagnostic>,
    /// How long it took (parse and evaluation).
    pub elapsed: Duration,
}

/// Graph, parameters, scenarios and settings.
pub struct Session {
    graph: Graph,
    params: Params,
    scenarios: Scenarios,
    /// User settings.
    pub settings: Settings,
    cancel: CancelFlag,
    /// The date statements see (`--at`, `:at`; default today).
    date: Date,
    timeline: Timeline,
}

/// Parses a parameter value as typed on the command line or in `:param`:
/// an FQL literal (`42`, `-1.5`, `true`, `null`, `"quoted"`), else the text
/// itself as a string.
pub fn parse_param_value(text: &str) -> Value {
    let t = text.trim();
    if let Ok(i) = t.parse::<i64>() {
        return Value::Int(i);
    }
    if let Ok(f) = t.parse::<f64>()
        && f.is_finite()
        && t.bytes().any(|b| b.is_ascii_digit())
    {
        return Value::Float(f);
    }
    match t {
        "true" => return Value::Bool(true),
        "false" => return Value::Bool(false),
        "null" => return Value::Null,
        _ => {}
    }
    if t.len() >= 2 && t.starts_with('"') && t.ends_with('"') {
        return Value::str(
            &t[1..t.len() - 1]
                .replace("\\\"", "\"")
                .replace("\\\\", "\\"),
        );
    }
    Value::str(t)
}

/// Checks a parameter name: letters, digits and `_`, not starting with a digit.
pub fn check_param_name(name: &str) -> Result<(), String> {
    let name = name.strip_prefix('$').unwrap_or(name);
    let ok = !name.is_empty()
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "bad parameter name `{name}`: expected letters, digits and `_`, not starting with a digit"
        ))
    }
}

impl Session {
    /// A session over a loaded graph.
    pub fn new(graph: Graph) -> Session {
        Session {
            graph,
            params: Params::new(),
            scenarios: Scenarios::new(),
            settings: Settings::default(),
            cancel: CancelFlag::new(),
            date: Date::today(),
            timeline: Timeline::new(Date::today()),
        }
    }

    /// The date statements see the graph at (time.md).
    pub fn date(&self) -> Date {
        self.date
    }

    /// Today's date (the local date when the session started).
    pub fn today(&self) -> Date {
        self.timeline.today()
    }

    /// Sets the date statements see (`--at`, `:at`); a partial date means
    /// its first day.
    pub fn set_date(&mut self, date: Date) {
        self.date = date.first_day();
    }

    /// What the first message says about dates: `None` when the data has
    /// no validity intervals.
    pub fn date_note(&self) -> Option<String> {
        query::time::validity_note(&self.graph, self.date, self.today())
    }

    /// The graph.
    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    /// The flag that cancels the running statement (Ctrl-C).
    pub fn cancel_flag(&self) -> CancelFlag {
        self.cancel.clone()
    }

    /// Sets a parameter (`--param`, `:param`).
    pub fn set_param(&mut self, name: &str, value: Value) -> Result<(), String> {
        check_param_name(name)?;
        self.params
            .insert(name.trim_start_matches('$').to_string(), value);
        Ok(())
    }

    /// Removes a parameter, returning its value (embedding code that sets
    /// parameters for one call and restores the previous ones after).
    pub fn remove_param(&mut self, name: &str) -> Option<Value> {
        self.params.shift_remove(name.trim_start_matches('$'))
    }

    /// The parameters, in the order they were set.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// The scenarios defined so far.
    pub fn scenarios(&self) -> &Scenarios {
        &self.scenarios
    }

    /// Merges more data into the graph (`:load`). On failure the graph is
    /// unchanged. Scenarios are kept (their ids stay valid: merging only adds).
    pub fn load_more(&mut self, paths: &[PathBuf]) -> Result<(usize, usize), LoadFailure> {
        let loaded = load::load_into(&self.graph, paths, &LoadOptions::default())?;
        let added = (
            loaded.graph.node_count() - self.graph.node_count(),
            loaded.graph.edge_count() - self.graph.edge_count(),
        );
        self.graph = loaded.graph;
        self.timeline.clear();
        Ok(added)
    }

    /// Runs every statement of `source` in order. Stops at the first error
    /// unless `keep_going`. Spans in the outcomes point into `source`.
    pub fn execute(&mut self, source: &str, keep_going: bool) -> Vec<Outcome> {
        let mut outcomes = Vec::new();
        for span in split_statements(source) {
            self.cancel.reset();
            let started = Instant::now();
            let result = parse_statement(source, span).and_then(|stmt| self.run(source, &stmt));
            let failed = result.is_err();
            outcomes.push(Outcome {
                span,
                result,
                elapsed: started.elapsed(),
            });
            if failed && !keep_going {
                break;
            }
        }
        outcomes
    }

    fn run(&mut self, source: &str, stmt: &Statement) -> Result<ResultSet, Diagnostic> {
        let work = Work::new(self.settings.budget, self.cancel.clone());
        let mut env = Env {
            graph: &self.graph,
            params: &self.params,
            scenarios: &mut self.scenarios,
            work: &work,
            source,
            footprint: false,
            date: self.date,
            timeline: &self.timeline,
        };
        let mut stmt = stmt;
        // `at DATE: ...` sets the date of the whole statement.
        if let StatementKind::At { date, body } = &stmt.kind {
            env.date = query::time::resolve_date(&env, date)?.first_day();
            stmt = body;
        }
        let dated = self.timeline.view(&self.graph, env.date);
        let mut view: Cow<View> = Cow::Borrowed(&dated);
        let mut scenarios = Vec::new();
        // `with NAME: export ...` exports the scenario's view.
        while let StatementKind::With { scenario, body, .. } = &stmt.kind {
            if !matches!(
                body.kind,
                StatementKind::Export(_) | StatementKind::With { .. }
            ) {
                break;
            }
            view = Cow::Owned(query::scenario_view(&env, scenario, &view)?);
            scenarios.push(scenario);
            stmt = body;
        }
        // `export ... with ended` also shows what the date hides: the same
        // scenarios over the undated graph.
        let mut undated = None;
        if let StatementKind::Export(ex) = &stmt.kind
            && ex.ended
        {
            let mut plain = View::full();
            for s in scenarios {
                plain = query::scenario_view(&env, s, &plain)?;
            }
            undated = Some(plain);
        }
        let mut result = match &stmt.kind {
            StatementKind::Export(ex) => {
                export_statement(&mut env, ex, &view, undated.as_ref(), stmt.span)?
            }
            _ => query::execute(&mut env, stmt, &view)?.result,
        };
        let limit = self.settings.row_limit;
        if result.rows.len() > limit {
            let total = result.rows.len();
            result.rows.truncate(limit);
            let notice =
                format!("showing the first {limit} of {total} rows (change with :limit N)");
            result.message = Some(match result.message.take() {
                Some(m) => format!("{m}\n{notice}"),
                None => notice,
            });
        }
        Ok(result)
    }
}

/// `export ...`; with `undated` (`with ended`), also what the date hides:
/// the whole undated graph, or the edges of the result's nodes that only
/// the date hides, with their other ends.
fn export_statement(
    env: &mut Env,
    ex: &ExportStmt,
    view: &View,
    undated: Option<&View>,
    span: Span,
) -> Result<ResultSet, Diagnostic> {
    let g = env.graph;
    let mut sub = match &ex.from {
        Some(inner) => {
            env.footprint = true;
            let evaluated = query::execute(env, inner, view)?;
            let f = evaluated.footprint;
            let mut sub = Subgraph {
                nodes: f.nodes,
                edges: f.edges,
                highlight: f.highlight,
                title: None,
            };
            if let Some(plain) = undated {
                let mut ended = Vec::new();
                for &n in &sub.nodes {
                    let out = g.out_adj().iter(n).map(|(e, _, _)| e);
                    for e in out.chain(g.in_adj().iter(n).map(|(e, _, _)| e)) {
                        if !view.edge(g, e) && plain.edge(g, e) {
                            ended.push(e);
                        }
                    }
                }
                sub.edges.extend(ended);
            }
            sub
        }
        None => Subgraph::whole(g, undated.unwrap_or(view)),
    };
    sub.normalize(g);
    let path = FsPath::new(&ex.file);
    let fail = |e: export::ExportError| Diagnostic::new("E0501", e.to_string()).at(span);
    let opts = DotOptions {
        clusters: ex.clusters,
    };
    let day = undated.map(|_| env.date);
    match ex.format {
        ExportFormat::Dot => {
            export::write_atomic(path, export::to_dot_at(g, &sub, &opts, day).as_bytes())
                .map_err(fail)?
        }
        ExportFormat::Json => {
            export::write_atomic(path, export::to_json(g, &sub).as_bytes()).map_err(fail)?
        }
        ExportFormat::Graphml => {
            export::write_atomic(path, export::to_graphml(g, &sub).as_bytes()).map_err(fail)?
        }
        ExportFormat::Svg => {
            let dot = export::to_dot_at(g, &sub, &opts, day);
            export::render_with_graphviz(&dot, ImageFormat::Svg, path).map_err(fail)?
        }
        ExportFormat::Png => {
            let dot = export::to_dot_at(g, &sub, &opts, day);
            export::render_with_graphviz(&dot, ImageFormat::Png, path).map_err(fail)?
        }
    }
    Ok(ResultSet::message(format!(
        "exported {} node{} and {} edge{} to {}",
        sub.nodes.len(),
        if sub.nodes.len() == 1 { "" } else { "s" },
        sub.edges.len(),
        if sub.edges.len() == 1 { "" } else { "s" },
        ex.file
    )))
}
