//! Query resolution and evaluation: AST -> checked plan -> ResultSet, under
//! a work budget and cancel flag.
//!
//! [`execute`] runs one statement against a graph and a scenario view and
//! returns its result plus its *footprint* (the nodes and edges an `export`
//! of the statement would hold). Scenario definitions live in the caller's
//! [`Scenarios`]; nothing here prints or writes files.

mod analyses;
mod checks;
mod cypher;
pub mod cypher_expr;
mod explore;
pub mod expr;
pub mod functions;
mod key;
mod loss;
mod matcher;
mod nodeset;
mod pattern;
mod prefilter;
mod project;
pub mod scope;
pub mod time;

use indexmap::IndexMap;

pub use expr::Params;
pub use loss::scenario_view;
pub use nodeset::resolve_nodeset;

use crate::analysis::View;
use crate::diag::{Diagnostic, Span};
use crate::limits::{Interrupt, Work};
use crate::model::{Date, EdgeId, Graph, NodeId};
use crate::result::{Cell, ResultSet};
use crate::syntax::ast::{ExportStmt, MatchStmt, Statement, StatementKind};

/// Named scenarios (views), in definition order.
pub type Scenarios = IndexMap<String, crate::analysis::Scenario>;

/// What a statement runs against.
pub struct Env<'a> {
    /// The loaded graph.
    pub graph: &'a Graph,
    /// Parameter values.
    pub params: &'a Params,
    /// Scenarios defined so far (a `scenario` statement adds one).
    pub scenarios: &'a mut Scenarios,
    /// The statement's budget and cancel flag.
    pub work: &'a Work,
    /// The source text the statement's spans point into.
    pub source: &'a str,
    /// Whether the caller needs each result's [`Footprint`] (only `export`
    /// does; computing it for a million exposure rows is not free).
    pub footprint: bool,
    /// The date the statement sees the graph at (time.md).
    pub date: Date,
    /// Today and the cached views of dates.
    pub timeline: &'a time::Timeline,
    /// `unknown` kept across statements (it depends on the view, not on
    /// the shock).
    pub unknowns: &'a crate::analysis::UnknownCache,
    /// The most rows a result shows (the session's `--limit`). `exposure`
    /// and `impact` count the rows past it without making them (the
    /// result says how many there were), so a caller that reads every row
    /// of a nested statement (a chart, `compare at`) lifts it or asks the
    /// analysis itself.
    pub row_limit: usize,
    /// Writes an `export` statement's subgraph (the session's, which sees
    /// the writers); `None` where exporting is not offered.
    pub export: Option<&'a ExportFn>,
    /// Warnings of the statement (an unknown kind or edge type in a
    /// pattern: Cypher's answer, no rows, plus a did-you-mean).
    pub warnings: Vec<Diagnostic>,
}

/// Writes what an `export` statement names: the graph, the statement, the
/// footprint of its `from` statement (`None`: the whole view), the view, and
/// the statement's span for errors.
pub type ExportFn =
    dyn Fn(&Graph, &ExportStmt, Option<Footprint>, &View, Span) -> Result<ResultSet, Diagnostic>;

/// The nodes and edges a statement's result touches (what `export` writes).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Footprint {
    /// Nodes.
    pub nodes: Vec<NodeId>,
    /// Edges.
    pub edges: Vec<EdgeId>,
    /// Path edges to highlight.
    pub highlight: Vec<EdgeId>,
}

impl Footprint {
    fn add_cell(&mut self, g: &Graph, cell: &Cell) {
        match cell {
            Cell::Value(_) => {}
            Cell::Node(n) => self.nodes.push(*n),
            Cell::Edge(e) => {
                let (a, b) = g.edge_ends(*e);
                self.nodes.extend([a, b]);
                self.edges.push(*e);
            }
            Cell::Path(p) => {
                self.nodes.extend(&p.nodes);
                self.edges.extend(&p.edges);
                self.highlight.extend(&p.edges);
            }
            Cell::List(items) => items.iter().for_each(|i| self.add_cell(g, i)),
            Cell::Map(entries) => entries.iter().for_each(|(_, v)| self.add_cell(g, v)),
        }
    }

    /// Every node and edge appearing in the result's cells.
    pub fn of_result(g: &Graph, result: &ResultSet) -> Footprint {
        let mut f = Footprint::default();
        for row in &result.rows {
            for cell in row {
                f.add_cell(g, cell);
            }
        }
        f.normalize();
        f
    }

    /// Sorts and deduplicates.
    pub fn normalize(&mut self) {
        self.nodes.sort();
        self.nodes.dedup();
        self.edges.sort();
        self.edges.dedup();
        self.highlight.sort();
        self.highlight.dedup();
    }
}

/// A statement's outcome.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Evaluated {
    /// What the user sees.
    pub result: ResultSet,
    /// What an export of the statement holds.
    pub footprint: Footprint,
}

/// The diagnostic for a stopped statement (budget or Ctrl-C).
pub fn interrupted(e: Interrupt, span: Span) -> Diagnostic {
    match e {
        Interrupt::Budget { .. } => Diagnostic::new("E0401", e.to_string())
            .at(span)
            .help("raise it with `--budget N` on the command line or `:budget N` in the REPL"),
        Interrupt::Memory { .. } => Diagnostic::new("E0404", e.to_string())
            .at(span)
            .help("raise it with `--memory-budget SIZE` on the command line or `:memory-budget SIZE` in the REPL"),
        Interrupt::Cancelled => Diagnostic::new("E0402", "statement cancelled").at(span),
    }
}

/// Runs one statement under `view`.
pub fn execute(env: &mut Env, stmt: &Statement, view: &View) -> Result<Evaluated, Diagnostic> {
    let g = env.graph;
    match &stmt.kind {
        StatementKind::Match(m) => {
            let result = run_match(env, m, view, stmt.span)?;
            let footprint = Footprint::of_result(g, &result);
            Ok(Evaluated { result, footprint })
        }
        StatementKind::Show(set) => explore::show(env, set, view, stmt.span),
        StatementKind::Schema => Ok(explore::schema(g)),
        StatementKind::Stats => Ok(explore::stats(g, view)),
        StatementKind::Path(p) => analyses::path(env, p, view, stmt.span),
        StatementKind::Upstream(t) => analyses::trace(env, t, view, stmt.span, true),
        StatementKind::Downstream(t) => analyses::trace(env, t, view, stmt.span, false),
        StatementKind::Exposure(x) | StatementKind::Impact(x) => {
            loss::exposure(env, x, view, &[], stmt.span)
        }
        StatementKind::Chokepoints(c) => loss::chokepoints(env, c, view, &[], stmt.span),
        StatementKind::Scenario(s) => loss::define_scenario(env, s, view, stmt.span),
        StatementKind::With { .. } => loss::with(env, stmt, view),
        StatementKind::Compare {
            scenario,
            substituting,
            body,
        } => loss::compare(env, scenario, *substituting, body, view),
        StatementKind::At { .. } => Err(time::nested_at(stmt.span)),
        StatementKind::CompareAt {
            before,
            after,
            body,
        } if std::ptr::eq(view, &*env.timeline.view(g, env.date)) => {
            time::compare_at(env, before, after, body)
        }
        StatementKind::CompareAt { .. } => Err(time::nested_at(stmt.span)),
        StatementKind::Changes { from, to, of } => {
            time::changes(env, from, to, of.as_ref(), stmt.span)
        }
        StatementKind::Query(q) => {
            let result = cypher::run_query(env, q, view, stmt.span)?;
            let footprint = Footprint::of_result(g, &result);
            Ok(Evaluated { result, footprint })
        }
        StatementKind::Export(ex) => {
            let write = match env.export {
                Some(write) if !env.footprint => write,
                _ => {
                    return Err(Diagnostic::new(
                        "E0501",
                        "`export` cannot be nested inside another statement",
                    )
                    .at(stmt.span)
                    .expected("`export` at the start of a statement"));
                }
            };
            let footprint = match &ex.from {
                Some(inner) => {
                    env.footprint = true;
                    let evaluated = execute(env, inner, view);
                    env.footprint = false;
                    Some(evaluated?.footprint)
                }
                None => None,
            };
            let result = write(g, ex, footprint, view, stmt.span)?;
            Ok(Evaluated {
                result,
                footprint: Footprint::default(),
            })
        }
    }
}

fn run_match(
    env: &mut Env,
    m: &MatchStmt,
    view: &View,
    span: Span,
) -> Result<ResultSet, Diagnostic> {
    let g = env.graph;
    let mut scope = scope::Scope::default();
    let mut filters = Vec::new();
    let patterns = pattern::compile_patterns_in(
        g,
        &m.patterns,
        &mut scope,
        env.params,
        &mut filters,
        Some(&mut env.warnings),
    )?;
    let star = cypher::expand_star(&m.ret, &scope, span)?;
    if let Some(w) = &m.filter {
        checks::check_condition(w, &scope)?;
        let mut c = expr::Compiler {
            scope: &scope,
            params: env.params,
            aliases: None,
            aggs: None,
        };
        filters.push(c.compile(w)?);
    }
    let projection = project::Projection::compile(&star, &scope, env.params, env.source)?;
    let matcher = matcher::Matcher::plan(
        g,
        view,
        env.work,
        &patterns,
        &filters,
        scope.len(),
        projection.ignores_multiplicity(),
        &projection.slots(),
        span,
        vec![false; scope.len()],
    )
    .in_any_order(projection.ignores_order())
    .counting(projection.counted_slot())
    .tallying(projection.tallied_slot());
    let mut collected = projection.collector(g, view, env.work, span);
    matcher.run(&mut |row: &[Cell]| collected.push(row))?;
    collected.add_distinct_nodes(matcher.counted_nodes());
    if let Some((slot, tallies)) = matcher.tallies() {
        collected.add_tallies(slot, scope.len(), tallies)?;
    }
    projection.run(collected)
}
