//! A session: the graph, parameters, scenarios and settings. The REPL,
//! `faultline run` and `faultline query` all go through
//! [`Session::execute`], so a statement behaves the same everywhere.
//! Nothing here prints: outcomes are returned for the caller to render.

use std::borrow::Cow;
use std::ops::ControlFlow;
use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::analysis::{UnknownCache, View};
use crate::diag::{Diagnostic, Span};
use crate::export::{self, DotOptions, ImageFormat, Subgraph};
use crate::limits::{CancelFlag, DEFAULT_BUDGET, Work};
use crate::load::{self, LoadFailure, LoadOptions};
use crate::model::{Date, Graph, Value};
use crate::output::Format;
use crate::query::time::Timeline;
use crate::query::{self, Env, Params, Scenarios};
use crate::result::{Cell, ResultSet};
use crate::syntax::ast::{ExportFormat, ExportStmt, GraphLayout, Statement, StatementKind};
use crate::syntax::{parse_statement, split_statements};

/// The default cap on rows shown per result.
pub const DEFAULT_ROW_LIMIT: usize = 10_000;

/// Budget units per node and edge of the loaded graph (see [`budget_for`]).
/// The analyses are the yardstick: an exposure solve takes about 50 sweeps
/// of the graph's dependency arcs, and `chokepoints ... top 10` on a
/// graph whose dependencies form one giant cycle about 300 (the top ten's
/// exact scores, 30 sweeps each), which must run at the default.
pub const BUDGET_PER_ITEM: u64 = 500;

/// The default work budget for a graph: [`BUDGET_PER_ITEM`] units per node
/// and edge, and never less than [`DEFAULT_BUDGET`]. An analysis over the
/// whole graph (a traversal, an exposure solve, a chokepoint sweep) spends a
/// small multiple of the graph's size, so it runs at the default on any
/// graph; a runaway enumeration (a cartesian product, all paths) grows
/// faster than the graph and still stops.
pub fn budget_for(g: &Graph) -> u64 {
    let items = (g.node_count() as u64).saturating_add(g.edge_count() as u64);
    items.saturating_mul(BUDGET_PER_ITEM).max(DEFAULT_BUDGET)
}

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
    /// Treat warnings (an unknown kind or edge type) as errors.
    pub strict: bool,
    /// The memory budget per statement, in bytes.
    pub memory_budget: u64,
    /// Columns a table is fitted to in the REPL (`:width N`); `None`: the
    /// terminal's width.
    pub width: Option<usize>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            format: Format::Table,
            budget: DEFAULT_BUDGET,
            row_limit: DEFAULT_ROW_LIMIT,
            timing: false,
            strict: false,
            memory_budget: crate::limits::default_memory_budget(),
            width: None,
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
    /// Warnings (the statement ran; with `strict` the first is the error).
    pub warnings: Vec<Diagnostic>,
}

/// Graph, parameters, scenarios and settings.
pub struct Session {
    graph: Arc<Graph>,
    params: Params,
    scenarios: Scenarios,
    /// User settings.
    pub settings: Settings,
    cancel: CancelFlag,
    /// The text of each scenario's definition, in order, so `:load` can
    /// define them again over the merged graph.
    scenario_sources: Vec<(String, String)>,
    /// Notices for the user from the last `:load` (scenarios dropped).
    notices: Vec<String>,
    /// The date statements see (`--at`, `:at`; default today).
    date: Date,
    timeline: Timeline,
    /// `unknown` kept across statements (cleared with the graph).
    unknowns: UnknownCache,
}

/// Parses a parameter value as typed on the command line or in `:param`:
/// an FQL literal (`42`, `-1.5`, `true`, `null`, `"quoted"`), else the text
/// itself as a string. An integer beyond 64 bits is an error, not a
/// float that silently lost its digits.
pub fn parse_param_value(text: &str) -> Result<Value, String> {
    let t = text.trim();
    if let Ok(i) = t.parse::<i64>() {
        return Ok(Value::Int(i));
    }
    let digits = t.strip_prefix('-').unwrap_or(t);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "`{t}` is an integer beyond 64 bits; expected an integer from {} to {} \
             (quote it for a string, or write it with an exponent such as 1e23 for a float)",
            i64::MIN,
            i64::MAX
        ));
    }
    Ok(parse_param_text(t))
}

/// The non-integer forms of [`parse_param_value`]: an FQL literal
/// ([`crate::syntax::parse_literal`]: `-1.5`, `true`, `null`, `"a\nb"`,
/// `'abc'`), else the text itself.
fn parse_param_text(t: &str) -> Value {
    match crate::syntax::parse_literal(t) {
        Some(literal) => crate::query::expr::literal_value(&literal),
        None => Value::str(t),
    }
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
        let settings = Settings {
            budget: budget_for(&graph),
            ..Settings::default()
        };
        Session {
            graph: Arc::new(graph),
            params: Params::new(),
            scenarios: Scenarios::new(),
            settings,
            cancel: CancelFlag::new(),
            scenario_sources: Vec::new(),
            notices: Vec::new(),
            date: Date::today(),
            timeline: Timeline::new(Date::today()),
            unknowns: UnknownCache::new(),
        }
    }

    /// Notices from the last `:load` (scenarios that could not be defined
    /// again over the merged graph), emptied by the call.
    pub fn take_notices(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notices)
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

    /// The graph, shared: embedding code keeps it to read the nodes of a
    /// result after the session has moved on (a later `load_more` replaces
    /// the session's graph but not this one).
    pub fn shared_graph(&self) -> Arc<Graph> {
        Arc::clone(&self.graph)
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

    /// Merges more data into the graph (`:load`). On failure, or when the
    /// cancel flag is set (Ctrl-C), the graph is unchanged. Scenarios are
    /// defined again over the merged graph (a `cut` between two firms also
    /// cuts edges the new data adds); one that no longer can be (a name now
    /// ambiguous) is dropped with a notice ([`Session::take_notices`]).
    pub fn load_more(&mut self, paths: &[PathBuf]) -> Result<(usize, usize), LoadFailure> {
        self.cancel.reset();
        let opts = LoadOptions {
            cancel: Some(self.cancel.clone()),
            ..LoadOptions::default()
        };
        let loaded = load::load_into(&self.graph, paths, &opts)?;
        let added = (
            loaded.graph.node_count() - self.graph.node_count(),
            loaded.graph.edge_count() - self.graph.edge_count(),
        );
        // A budget the user did not set follows the graph's size.
        if self.settings.budget == budget_for(&self.graph) {
            self.settings.budget = budget_for(&loaded.graph);
        }
        self.graph = Arc::new(loaded.graph);
        self.timeline.clear();
        self.unknowns.clear();
        self.refresh_scenarios();
        Ok(added)
    }

    /// Defines every scenario again, in the order they were defined.
    fn refresh_scenarios(&mut self) {
        let sources = std::mem::take(&mut self.scenario_sources);
        self.scenarios.clear();
        for (name, text) in sources {
            let outcomes = self.execute(&text, false);
            if let Some(Err(d)) = outcomes.last().map(|o| &o.result) {
                self.notices.push(format!(
                    "scenario {name} was dropped: it cannot be defined over the merged graph: {d}"
                ));
            }
        }
    }

    /// Records a scenario's definition (replacing an earlier one of the
    /// same name).
    fn remember_scenario(&mut self, name: &str, text: &str) {
        self.scenario_sources.retain(|(n, _)| n != name);
        self.scenario_sources
            .push((name.to_string(), text.to_string()));
    }

    /// Runs every statement of `source` in order. Stops at the first error
    /// unless `keep_going`. Spans in the outcomes point into `source`.
    pub fn execute(&mut self, source: &str, keep_going: bool) -> Vec<Outcome> {
        let mut outcomes = Vec::new();
        self.execute_each(source, keep_going, |_, o| {
            outcomes.push(o);
            ControlFlow::Continue(())
        });
        outcomes
    }

    /// [`Session::execute`], handing each statement's outcome to `each` as
    /// soon as it has run (with the session, to render it), so that a script
    /// shows its results as it goes rather than when its last statement ends.
    /// `each` returning `Break` stops before the next statement (output that
    /// can no longer be written).
    pub fn execute_each(
        &mut self,
        source: &str,
        keep_going: bool,
        mut each: impl FnMut(&Session, Outcome) -> ControlFlow<()>,
    ) {
        for span in split_statements(source) {
            self.cancel.reset();
            let started = Instant::now();
            let mut warnings = Vec::new();
            let parsed = parse_statement(source, span);
            let mut result = match &parsed {
                Ok(stmt) => self.run(source, stmt, &mut warnings),
                Err(d) => Err(d.clone()),
            };
            if self.settings.strict
                && result.is_ok()
                && let Some(first) = warnings.first().cloned()
            {
                warnings.clear();
                result = Err(first);
            }
            if let (Ok(stmt), Ok(_)) = (&parsed, &result)
                && let StatementKind::Scenario(s) = &stmt.kind
            {
                let text = source.get(span.start..span.end).unwrap_or("");
                self.remember_scenario(&s.name.name, text);
            }
            let failed = result.is_err();
            let outcome = Outcome {
                span,
                result,
                elapsed: started.elapsed(),
                warnings,
            };
            if each(self, outcome).is_break() || (failed && !keep_going) {
                break;
            }
        }
    }

    fn run(
        &mut self,
        source: &str,
        stmt: &Statement,
        warnings: &mut Vec<Diagnostic>,
    ) -> Result<ResultSet, Diagnostic> {
        let work = Work::new(self.settings.budget, self.cancel.clone())
            .with_memory_budget(self.settings.memory_budget);
        let mut env = Env {
            graph: &self.graph,
            params: &self.params,
            scenarios: &mut self.scenarios,
            work: &work,
            source,
            footprint: false,
            export: None,
            date: self.date,
            timeline: &self.timeline,
            unknowns: &self.unknowns,
            row_limit: self.settings.row_limit,
            warnings: Vec::new(),
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
        let outcome = match &stmt.kind {
            StatementKind::Export(ex) => export_statement(
                &mut env,
                ex,
                &view,
                undated.as_ref(),
                stmt.span,
                &self.cancel,
            ),
            _ => {
                let evaluated = query::execute(&mut env, stmt, &view);
                warnings.append(&mut env.warnings);
                evaluated.map(|e| e.result)
            }
        };
        let mut result = outcome.map_err(|mut d| {
            if d.code == "E0401" {
                d.message.push_str(&format!(
                    " (it stopped after {} units; the default for this graph is {})",
                    work.used(),
                    budget_for(&self.graph)
                ));
            }
            d
        })?;
        let limit = self.settings.row_limit;
        if result.rows.len() > limit {
            let total = result.rows.len();
            drop_aside(result.rows.split_off(limit));
            let notice = crate::result::row_limit_notice(limit, total);
            result.message = Some(match result.message.take() {
                Some(m) => format!("{m}\n{notice}"),
                None => notice,
            });
        }
        Ok(result)
    }
}

/// Drops rows that will not be shown, a large batch on a helper thread:
/// freeing a million rows with their paths takes a quarter of a second
/// that the statement's answer need not wait for.
fn drop_aside(rows: Vec<Vec<Cell>>) {
    const ASIDE_FROM: usize = 50_000;
    if rows.len() < ASIDE_FROM {
        return;
    }
    // A thread that cannot be started hands the rows back: dropped here.
    let _ = std::thread::Builder::new()
        .name("drop rows".into())
        .spawn(move || drop(rows));
}

/// `export chart "FILE.svg" from STATEMENT`: a bar chart of the rows.
fn chart_statement(
    env: &mut Env,
    ex: &ExportStmt,
    view: &View,
    span: Span,
) -> Result<ResultSet, Diagnostic> {
    let Some(inner) = &ex.from else {
        return Err(Diagnostic::new("E0501", "a chart needs rows to draw")
            .at(span)
            .expected("`from` and a statement, e.g. `export chart \"x.svg\" from exposure of (f:Firm) to \"Taiwan\" top 10`"));
    };
    // A chart reads its rows whatever the row limit.
    let limit = std::mem::replace(&mut env.row_limit, usize::MAX);
    let result = query::execute(env, inner, view);
    env.row_limit = limit;
    let result = result?.result;
    let svg = export::to_chart(env.graph, &result, &inner.to_string())
        .map_err(|e| Diagnostic::new("E0501", e).at(inner.span))?;
    export::write_atomic(FsPath::new(&ex.file), svg.as_bytes())
        .map_err(|e| Diagnostic::new("E0501", e.to_string()).at(span))?;
    let bars = result.rows.len().min(export::MAX_BARS);
    Ok(ResultSet::message(format!(
        "exported a chart of {bars} row{} to {}",
        if bars == 1 { "" } else { "s" },
        ex.file
    )))
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
    cancel: &CancelFlag,
) -> Result<ResultSet, Diagnostic> {
    if ex.format == ExportFormat::Chart {
        return chart_statement(env, ex, view, span);
    }
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
                depths: Vec::new(),
            };
            sub.layer_by_depth(&evaluated.result);
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
        layout: ex.layout.map(|l| match l {
            GraphLayout::Dot => export::Layout::Dot,
            GraphLayout::Sfdp => export::Layout::Sfdp,
            GraphLayout::Neato => export::Layout::Neato,
        }),
        labels: ex.labels,
    };
    let limits = export::RenderLimits {
        timeout: export::DEFAULT_RENDER_TIMEOUT,
        cancel: cancel.clone(),
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
        ExportFormat::Html => {
            export::write_atomic(path, export::to_html(g, &sub).as_bytes()).map_err(fail)?
        }
        ExportFormat::Chart => return chart_statement(env, ex, view, span),
        ExportFormat::Svg | ExportFormat::Png => {
            let image = if ex.format == ExportFormat::Svg {
                ImageFormat::Svg
            } else {
                ImageFormat::Png
            };
            let dot = export::to_dot_at(g, &sub, &opts, day);
            export::render_limited(&dot, image, path, &limits).map_err(fail)?
        }
    }
    let mut message = format!(
        "exported {} node{} and {} edge{} to {}",
        sub.nodes.len(),
        if sub.nodes.len() == 1 { "" } else { "s" },
        sub.edges.len(),
        if sub.edges.len() == 1 { "" } else { "s" },
        ex.file
    );
    if matches!(ex.format, ExportFormat::Svg | ExportFormat::Png)
        && let Some(note) = export::readability_note(sub.nodes.len())
    {
        message.push('\n');
        message.push_str(&note);
    }
    Ok(ResultSet::message(message))
}

#[cfg(test)]
mod budget_tests {
    use super::*;

    /// A ring of `n` firms, each depending on the next.
    fn ring(n: usize) -> Graph {
        let (mut b, ids, dep) = crate::model::testing::firms(n);
        for i in 0..n {
            b.add_edge(ids[i], ids[(i + 1) % n], dep, []);
        }
        b.finish()
    }

    #[test]
    fn the_default_budget_scales_with_the_graph() {
        assert_eq!(budget_for(&ring(10)), DEFAULT_BUDGET);
        let big = ring(100_000);
        assert_eq!(budget_for(&big), 200_000 * BUDGET_PER_ITEM);
        let mut s = Session::new(big);
        assert_eq!(s.settings.budget, 200_000 * BUDGET_PER_ITEM);
        // A whole-graph traversal runs at the default...
        let out = s.execute("downstream of \"f0\" via DEPENDS_ON", false);
        assert!(out[0].result.is_ok(), "{:?}", out[0].result);
        let mut small = Session::new(ring(1_000));
        let out = small.execute("exposure of (f:Firm) to \"f0\" via DEPENDS_ON top 3", false);
        assert!(out[0].result.is_ok(), "{:?}", out[0].result);
        // ...while a runaway enumeration still stops, saying how far it got.
        let out = s.execute("match (a), (b) return count(*)", false);
        let err = out[0].result.as_ref().expect_err("10^10 rows stop");
        assert_eq!(err.code, "E0401");
        assert!(err.message.contains("it stopped after"), "{}", err.message);
    }
}

#[cfg(test)]
mod literal_tests {
    use super::*;

    #[test]
    fn parameter_values_are_fql_literals() {
        let v = |t: &str| parse_param_value(t).expect("a value");
        assert_eq!(v("'abc'"), Value::str("abc"));
        assert_eq!(v("\"a\\nb\""), Value::str("a\nb"));
        assert_eq!(v("42"), Value::Int(42));
        assert_eq!(v("-1.5"), Value::Float(-1.5));
        assert_eq!(v("TRUE"), Value::Bool(true));
        assert_eq!(v("null"), Value::Null);
        assert_eq!(v("TSMC"), Value::str("TSMC"), "not a literal: the text");
        assert_eq!(v("'open"), Value::str("'open"));
    }
}
