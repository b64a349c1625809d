//! The dependency model's rules on edges (dependency-model.md): checked
//! once the graph is built, because they read both ends and the consumer's
//! other arcs. Each fault names the edge, the value and what was expected;
//! the caller locates it (file, line, column).
//!
//! - a dependency edge's `mode` property is `source` or `requirement`;
//! - a requirement arc carries no `share`; `essential` is in (0, 1] and
//!   only on requirement arcs;
//! - `input` is on a source arc and names one of the consumer's
//!   requirements;
//! - `severity` is in (0, 1]; an impact edge from a risk (a kind with
//!   `shock = "risk"`) into a polity node carries one.

use crate::model::{Direction, EdgeId, Graph, Mode, ModelFacts, NodeId, Role, ShockKind, Value};

/// The faults of edges numbered `since` and after, in edge order.
pub(crate) fn check(g: &Graph, since: usize) -> Vec<(EdgeId, String)> {
    let facts = ModelFacts::new(g);
    if !facts.has_edge_props() {
        return Vec::new();
    }
    let roles: Vec<(Role, Direction)> =
        g.edge_types().map(|(_, i)| (i.role, i.direction)).collect();
    let mut out = Vec::new();
    let in_unit = |x: f64| x > 0.0 && x <= 1.0;
    for e in g.edges().skip(since) {
        let ty = g.edge_type(e);
        let (role, dir) = roles[ty.index()];
        let (from, to) = g.edge_ends(e);
        let mut faults: Vec<String> = Vec::new();
        if let Some(v) = facts.severity_prop(g, e)
            && !v.as_f64().is_some_and(in_unit)
        {
            faults.push(format!("severity `{v}`; expected a number in (0, 1]"));
        }
        match role {
            Role::Dependency => {
                let (consumer, _) = match dir {
                    Direction::Forward => (from, to),
                    Direction::Reverse => (to, from),
                };
                let mode = match facts.edge_mode_prop(g, e) {
                    Ok(m) => m.unwrap_or(facts.type_mode(ty)),
                    Err(text) => {
                        faults.push(format!(
                            "mode `{text}`; expected {}",
                            Mode::NAMES.join(" or ")
                        ));
                        facts.type_mode(ty)
                    }
                };
                let essential = facts.essential_prop(g, e);
                let input = facts.input_prop(g, e);
                match mode {
                    Mode::Requirement => {
                        if let Some(s) = g.edge_share(e) {
                            faults.push(format!(
                                "share {s} on a requirement arc; expected no share (a requirement is needed whole; use `essential` in (0, 1] for how much of the output stops without it)"
                            ));
                        }
                        if let Some(v) = &essential
                            && !v.as_f64().is_some_and(in_unit)
                        {
                            faults.push(format!("essential `{v}`; expected a number in (0, 1]"));
                        }
                        if let Some(v) = input {
                            faults.push(format!(
                                "input `{v}` on a requirement arc; expected `input` only on a source arc"
                            ));
                        }
                    }
                    Mode::Source => {
                        if let Some(v) = essential {
                            faults.push(format!(
                                "essential `{v}` on a source arc; expected `essential` only on a requirement arc"
                            ));
                        }
                        if let Some(v) = input {
                            check_input(g, &facts, consumer, &v, &mut faults);
                        }
                    }
                }
            }
            Role::Impact
                if facts.shock(g, from) == Some(ShockKind::Risk)
                    && facts.polity(g, to)
                    && facts.severity_prop(g, e).is_none() =>
            {
                faults.push(format!(
                    "impact edge from risk `{}` into polity `{}` without severity; expected a `severity` in (0, 1]",
                    g.node_key(from),
                    g.node_key(to)
                ));
            }
            _ => {}
        }
        if !faults.is_empty() {
            out.push((e, faults.join("; ")));
        }
    }
    out
}

/// `input` must name one of `consumer`'s requirements.
fn check_input(
    g: &Graph,
    facts: &ModelFacts,
    consumer: NodeId,
    v: &Value,
    faults: &mut Vec<String>,
) {
    let Value::Str(id) = v else {
        faults.push(format!(
            "input `{v}`; expected the id of one of the consumer's requirements"
        ));
        return;
    };
    let requirements = requirements_of(g, facts, consumer);
    let ok = g.node_by_key(id).is_some_and(|r| requirements.contains(&r));
    if !ok {
        let names: Vec<&str> = requirements.iter().map(|r| g.node_key(*r)).collect();
        let expected = if names.is_empty() {
            format!(
                "a requirement of `{}`, which has none (add a requirement arc to `{id}` first)",
                g.node_key(consumer)
            )
        } else {
            format!(
                "one of `{}`'s requirements: {}",
                g.node_key(consumer),
                names.join(", ")
            )
        };
        faults.push(format!(
            "input `{id}` names no requirement of the consumer; expected {expected}"
        ));
    }
}

/// The providers of `u`'s requirement arcs, of every dependency type.
fn requirements_of(g: &Graph, facts: &ModelFacts, u: NodeId) -> Vec<NodeId> {
    let mut out = Vec::new();
    for (adj, along) in [
        (g.out_adj(), Direction::Forward),
        (g.in_adj(), Direction::Reverse),
    ] {
        for (e, t, v) in adj.iter(u) {
            let info = g.edge_type_info(t);
            if info.role == Role::Dependency
                && info.direction == along
                && facts.mode(g, e) == Mode::Requirement
            {
                out.push(v);
            }
        }
    }
    out
}
