//! The dependency-analysis statements: resolve their node sets and types,
//! call `analysis`, and shape the rows (spec: *Dependency analysis*,
//! *Scenarios*).

use super::{Env, Evaluated, Footprint, interrupted, resolve_nodeset};
use crate::analysis::{self, ArcSpec, View};
use crate::diag::{Diagnostic, Span};
use crate::model::{EdgeTypeId, Graph, NodeId, Role, TypeSet, Value};
use crate::result::{Cell, ResultSet};
use crate::syntax::ast::{
    ChokepointsStmt, ExposureStmt, Ident, PathMode, PathStmt, ScenarioOp, ScenarioStmt, Statement,
    StatementKind, TraceStmt,
};

fn float(x: f64) -> Cell {
    Cell::Value(Value::Float(x))
}

fn int(x: u64) -> Cell {
    Cell::Value(Value::Int(x as i64))
}

fn text(s: &str) -> Cell {
    Cell::Value(Value::str(s))
}

fn via_types(g: &Graph, via: &[Ident]) -> Result<Option<Vec<EdgeTypeId>>, Diagnostic> {
    if via.is_empty() {
        return Ok(None);
    }
    super::pattern::resolve_types(g, via).map(Some)
}

/// The arc specification, with a clear error when there are no arcs.
fn arcs(g: &Graph, via: &[Ident], span: Span) -> Result<(ArcSpec, TypeSet), Diagnostic> {
    let types = via_types(g, via)?;
    let spec = ArcSpec::new(g, types.as_deref());
    if spec.is_empty() {
        return Err(Diagnostic::new("E0209", "no dependency edges to follow")
            .at(span)
            .expected("a schema with `role = \"dependency\"` edge types, or `via TYPE`")
            .help("without a schema, name the edge types to follow: `via SUPPLIES|DEPENDS_ON`"));
    }
    let set: TypeSet = match types {
        Some(t) => t.into_iter().collect(),
        None => g
            .edge_types()
            .filter(|(_, i)| i.role == Role::Dependency)
            .map(|(t, _)| t)
            .collect(),
    };
    Ok((spec, set))
}

/// The statement's own sets and returned nodes, with the arcs among them.
fn footprint(
    wanted: bool,
    g: &Graph,
    view: &View,
    types: &TypeSet,
    nodes: Vec<NodeId>,
) -> Footprint {
    if !wanted {
        return Footprint::default();
    }
    let mut f = Footprint {
        nodes,
        ..Footprint::default()
    };
    f.normalize();
    for &n in &f.nodes {
        for (e, t, other) in g.out_adj().iter(n) {
            if types.contains(t) && f.nodes.binary_search(&other).is_ok() && view.edge(g, e) {
                f.edges.push(e);
            }
        }
    }
    f.normalize();
    f
}

/// `path ...`
pub fn path(env: &mut Env, p: &PathStmt, view: &View, span: Span) -> Result<Evaluated, Diagnostic> {
    let g = env.graph;
    let from = resolve_nodeset(env, &p.from, view)?;
    let to = resolve_nodeset(env, &p.to, view)?;
    let types = via_types(g, &p.via)?;
    let weight = p
        .weighted
        .as_ref()
        .map(|w| w.as_ref().map_or("cost".to_string(), |i| i.name.clone()));
    let mode = match p.mode {
        PathMode::Shortest => analysis::PathMode::Shortest,
        PathMode::All => analysis::PathMode::All,
        PathMode::K(k) => analysis::PathMode::K(k),
    };
    let query = analysis::PathQuery {
        from: &from,
        to: &to,
        types: types.as_deref(),
        undirected: p.undirected,
        weighted: weight.as_deref(),
        max: p.max,
        mode,
    };
    let found = analysis::paths(g, view, &query, env.work).map_err(|e| analysis_error(e, span))?;
    let mut fp = Footprint::default();
    let rows = found
        .into_iter()
        .map(|f| {
            fp.nodes.extend(&f.path.nodes);
            fp.edges.extend(&f.path.edges);
            fp.highlight.extend(&f.path.edges);
            vec![int(f.path.len() as u64), float(f.cost), Cell::Path(f.path)]
        })
        .collect::<Vec<_>>();
    fp.normalize();
    let mut result = ResultSet::new(vec!["hops".into(), "cost".into(), "path".into()], rows);
    if result.rows.is_empty() {
        result.message = Some("no path".into());
    }
    Ok(Evaluated {
        result,
        footprint: fp,
    })
}

fn analysis_error(e: analysis::AnalysisError, span: Span) -> Diagnostic {
    match e {
        analysis::AnalysisError::Interrupt(i) => interrupted(i, span),
        other => Diagnostic::new("E0403", other.to_string())
            .at(span)
            .expected("non-negative numeric weights"),
    }
}

/// `upstream of ...` / `downstream of ...`
pub fn trace(
    env: &mut Env,
    t: &TraceStmt,
    view: &View,
    span: Span,
    up: bool,
) -> Result<Evaluated, Diagnostic> {
    let g = env.graph;
    let seeds = resolve_nodeset(env, &t.of, view)?;
    let (spec, types) = arcs(g, &t.via, span)?;
    let found = if up {
        analysis::upstream(g, view, &spec, &seeds, t.depth, env.work)
    } else {
        analysis::downstream(g, view, &spec, &seeds, t.depth, env.work)
    }
    .map_err(|e| interrupted(e, span))?;
    let mut nodes = seeds.clone();
    let rows = found
        .into_iter()
        .map(|(n, d)| {
            nodes.push(n);
            vec![Cell::Node(n), text(g.node_kind_name(n)), int(d as u64)]
        })
        .collect();
    let result = ResultSet::new(vec!["node".into(), "kind".into(), "depth".into()], rows);
    Ok(Evaluated {
        result,
        footprint: footprint(env.footprint, g, view, &types, nodes),
    })
}

fn exposure_rows(
    env: &mut Env,
    x: &ExposureStmt,
    view: &View,
    span: Span,
) -> Result<(Vec<analysis::ExposureRow>, Vec<NodeId>, TypeSet), Diagnostic> {
    let g = env.graph;
    let of = resolve_nodeset(env, &x.of, view)?;
    let to = resolve_nodeset(env, &x.to, view)?;
    let (spec, types) = arcs(g, &x.via, span)?;
    let rows = analysis::exposure(g, view, &spec, &of, &to, x.depth, env.work)
        .map_err(|e| interrupted(e, span))?;
    let mut nodes = of;
    nodes.extend(to);
    Ok((rows, nodes, types))
}

/// `exposure of A to B ...`
pub fn exposure(
    env: &mut Env,
    x: &ExposureStmt,
    view: &View,
    span: Span,
) -> Result<Evaluated, Diagnostic> {
    let g = env.graph;
    let (rows, mut nodes, types) = exposure_rows(env, x, view, span)?;
    let top = x.top.map_or(usize::MAX, |k| k as usize);
    // The footprint (rows, their paths) only when an export wants it: with
    // a million rows, collecting and sorting their path edges costs more
    // than shaping the rows.
    let wanted = env.footprint;
    let mut highlight = Vec::new();
    let rows: Vec<Vec<Cell>> = rows
        .into_iter()
        .take(top)
        .map(|r| {
            let path = match r.path {
                Some(p) => {
                    if wanted {
                        nodes.push(r.node);
                        nodes.extend(&p.nodes);
                        highlight.extend(&p.edges);
                    }
                    Cell::Path(p)
                }
                None => {
                    if wanted {
                        nodes.push(r.node);
                    }
                    Cell::NULL
                }
            };
            vec![Cell::Node(r.node), float(r.direct), float(r.total), path]
        })
        .collect();
    let mut fp = footprint(wanted, g, view, &types, nodes);
    if wanted {
        fp.edges.extend(&highlight);
        fp.highlight = highlight;
        fp.normalize();
    }
    let result = ResultSet::new(
        vec![
            "node".into(),
            "direct".into(),
            "total".into(),
            "path".into(),
        ],
        rows,
    );
    Ok(Evaluated {
        result,
        footprint: fp,
    })
}

/// `chokepoints of ...`
pub fn chokepoints(
    env: &mut Env,
    c: &ChokepointsStmt,
    view: &View,
    span: Span,
) -> Result<Evaluated, Diagnostic> {
    let g = env.graph;
    let of = resolve_nodeset(env, &c.of, view)?;
    let (spec, types) = arcs(g, &c.via, span)?;
    let top = c.top.unwrap_or(10) as usize;
    let found = analysis::chokepoints(g, view, &spec, &of, Some(top), env.work)
        .map_err(|e| interrupted(e, span))?;
    let mut nodes = of;
    let rows = found
        .into_iter()
        .take(top)
        .map(|cp| {
            nodes.push(cp.node);
            vec![
                Cell::Node(cp.node),
                text(g.node_kind_name(cp.node)),
                float(cp.score),
            ]
        })
        .collect();
    let result = ResultSet::new(vec!["node".into(), "kind".into(), "exposure".into()], rows);
    Ok(Evaluated {
        result,
        footprint: footprint(env.footprint, g, view, &types, nodes),
    })
}

/// Looks a scenario up by name (E0210 when undefined).
pub fn scenario_view(env: &Env, name: &Ident, base: &View) -> Result<View, Diagnostic> {
    match env.scenarios.get(&name.name) {
        Some(v) => {
            let mut view = base.clone();
            view.compose(v);
            Ok(view)
        }
        None => {
            let mut d = Diagnostic::new("E0210", format!("unknown scenario `{}`", name.name))
                .at(name.span)
                .expected("a scenario defined earlier with `scenario NAME = ...`");
            if let Some(c) =
                super::scope::closest(&name.name, env.scenarios.keys().map(|s| s.as_str()))
            {
                d = d.help(format!("did you mean `{c}`?"));
            } else if env.scenarios.is_empty() {
                d = d.help("no scenarios are defined yet in this session");
            }
            Err(d)
        }
    }
}

/// `scenario NAME = OP, ...`: builds the view and stores it.
pub fn define_scenario(
    env: &mut Env,
    s: &ScenarioStmt,
    view: &View,
    span: Span,
) -> Result<Evaluated, Diagnostic> {
    let g = env.graph;
    let spec = ArcSpec::new(g, None);
    let mut scenario = View::full();
    for op in &s.ops {
        let current = {
            let mut v = view.clone();
            v.compose(&scenario);
            v
        };
        let op = match op {
            ScenarioOp::Use(name) => {
                let other = scenario_view(env, name, &View::full())?;
                scenario.compose(&other);
                continue;
            }
            ScenarioOp::Remove(set) => {
                analysis::ScenarioOp::Remove(resolve_nodeset(env, set, &current)?)
            }
            ScenarioOp::Cut(a, b) => analysis::ScenarioOp::Cut(
                resolve_nodeset(env, a, &current)?,
                resolve_nodeset(env, b, &current)?,
            ),
            ScenarioOp::Decouple(a, b) => analysis::ScenarioOp::Decouple(
                resolve_nodeset(env, a, &current)?,
                resolve_nodeset(env, b, &current)?,
            ),
        };
        analysis::apply(g, &mut scenario, &spec, &op, env.work)
            .map_err(|e| interrupted(e, span))?;
    }
    let (nodes, edges) = scenario.hidden_counts();
    let replaced = env
        .scenarios
        .insert(s.name.name.clone(), scenario)
        .is_some();
    let verb = if replaced { "redefined" } else { "defined" };
    Ok(Evaluated {
        result: ResultSet::message(format!(
            "scenario {} {verb}: removes {nodes} node{} and {edges} edge{}",
            s.name.name,
            if nodes == 1 { "" } else { "s" },
            if edges == 1 { "" } else { "s" }
        )),
        footprint: Footprint::default(),
    })
}

/// `compare NAME: exposure ...`: before, after and delta per node.
pub fn compare(
    env: &mut Env,
    name: &Ident,
    body: &Statement,
    view: &View,
) -> Result<Evaluated, Diagnostic> {
    let StatementKind::Exposure(x) = &body.kind else {
        return Err(
            Diagnostic::new("E0211", "`compare` works on an `exposure` statement")
                .at(body.span)
                .expected("`exposure of ... to ...`")
                .help("to run another statement under a scenario, use `with NAME: ...`"),
        );
    };
    let g = env.graph;
    let after_view = scenario_view(env, name, view)?;
    let (before, mut nodes, types) = exposure_rows(env, x, view, body.span)?;
    let (after, _, _) = exposure_rows(env, x, &after_view, body.span)?;
    let after_total: std::collections::HashMap<NodeId, f64> =
        after.iter().map(|r| (r.node, r.total)).collect();
    let mut rows: Vec<(NodeId, f64, f64)> = before
        .iter()
        .map(|r| {
            (
                r.node,
                r.total,
                after_total.get(&r.node).copied().unwrap_or(0.0),
            )
        })
        .collect();
    rows.sort_by(|a, b| {
        (b.2 - b.1)
            .abs()
            .total_cmp(&(a.2 - a.1).abs())
            .then_with(|| g.node_name(a.0).cmp(g.node_name(b.0)))
            .then_with(|| a.0.cmp(&b.0))
    });
    let top = x.top.map_or(usize::MAX, |k| k as usize);
    let rows: Vec<Vec<Cell>> = rows
        .into_iter()
        .take(top)
        .map(|(n, b, a)| {
            nodes.push(n);
            vec![Cell::Node(n), float(b), float(a), float(a - b)]
        })
        .collect();
    let result = ResultSet::new(
        vec![
            "node".into(),
            "before".into(),
            "after".into(),
            "delta".into(),
        ],
        rows,
    );
    Ok(Evaluated {
        result,
        footprint: footprint(env.footprint, g, view, &types, nodes),
    })
}
