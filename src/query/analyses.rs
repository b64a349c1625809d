//! The traversal statements (`path`, `upstream`, `downstream`): resolve
//! their node sets and types, call `analysis`, and shape the rows. The
//! dependency model's statements are in `loss.rs`.

use super::{Env, Evaluated, Footprint, interrupted, resolve_nodeset};
use crate::analysis::{self, ArcSpec, View};
use crate::diag::{Diagnostic, Span};
use crate::model::{EdgeTypeId, Graph, NodeId, Role, TypeSet, Value};
use crate::result::{Cell, ResultSet};
use crate::syntax::ast::{Ident, PathMode, PathStmt, TraceStmt};

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

/// The error when there are no dependency arcs to follow.
pub(super) fn no_arcs(span: Span) -> Diagnostic {
    Diagnostic::new("E0209", "no dependency edges to follow")
        .at(span)
        .expected("a schema with `role = \"dependency\"` edge types, or `via TYPE`")
        .help("without a schema, name the edge types to follow: `via SUPPLIES|DEPENDS_ON`")
}

/// The arc specification, with a clear error when there are no arcs.
fn arcs(g: &Graph, via: &[Ident], span: Span) -> Result<(ArcSpec, TypeSet), Diagnostic> {
    let types = via_types(g, via)?;
    let spec = ArcSpec::new(g, types.as_deref());
    if spec.is_empty() {
        return Err(no_arcs(span));
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
pub(super) fn footprint(
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
    let along = if up {
        analysis::Along::Upstream
    } else {
        analysis::Along::Downstream
    };
    let found = analysis::reach(g, view, &spec, &seeds, t.depth, along, env.work)
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
