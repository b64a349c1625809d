//! `show`, `schema` and `stats`: looking around the graph.

use super::{Env, Evaluated, Footprint};
use crate::analysis::View;
use crate::diag::{Diagnostic, Span};
use crate::model::{Graph, PropType, Value};
use crate::result::{Cell, ResultSet};
use crate::syntax::ast::NodeSet;
use indexmap::IndexMap;

fn text(s: &str) -> Cell {
    Cell::Value(Value::str(s))
}

fn int(i: usize) -> Cell {
    Cell::Value(Value::Int(i as i64))
}

/// `show NODESET`: a card per node — id, kind, aliases, properties, then
/// its edges grouped by type and direction.
pub fn show(env: &Env, set: &NodeSet, view: &View, span: Span) -> Result<Evaluated, Diagnostic> {
    let g = env.graph;
    let nodes = super::resolve_nodeset(env, set, view)?;
    let mut rows = Vec::new();
    let mut footprint = Footprint::default();
    for n in nodes {
        // A card costs a row per property and per edge: `show (n)` on a
        // large graph must stop on the budget, not run out of memory.
        let card = 3 + g.out_adj().degree(n) + g.in_adj().degree(n);
        env.work
            .charge(card as u64)
            .map_err(|e| super::interrupted(e, span))?;
        footprint.nodes.push(n);
        let node = Cell::Node(n);
        rows.push(vec![node.clone(), text("id"), text(g.node_key(n))]);
        rows.push(vec![node.clone(), text("kind"), text(g.node_kind_name(n))]);
        if !g.node_aliases(n).is_empty() {
            let aliases: Vec<Value> = g.node_aliases(n).iter().map(|a| Value::str(a)).collect();
            rows.push(vec![
                node.clone(),
                text("aliases"),
                Cell::Value(Value::List(aliases.into())),
            ]);
        }
        for (key, value) in g.node_props(n) {
            rows.push(vec![node.clone(), text(key), Cell::Value(value)]);
        }
        type Line = (
            String,
            String,
            crate::model::EdgeId,
            crate::model::NodeId,
            String,
        );
        let mut edges: Vec<Line> = Vec::new();
        // Edges hidden by the date are listed too, marked `(ended ...)`.
        let mut consider = |label: String, e, other| {
            let mark = if view.edge(g, e) {
                String::new()
            } else {
                match super::time::outside_mark(g, e, other, env.date) {
                    Some(mark) => mark,
                    None => return,
                }
            };
            edges.push((label, g.node_name(other).to_string(), e, other, mark));
        };
        for (e, t, other) in g.out_adj().iter(n) {
            consider(format!("-[{}]->", g.edge_type_name(t)), e, other);
        }
        for (e, t, other) in g.in_adj().iter(n) {
            consider(format!("<-[{}]-", g.edge_type_name(t)), e, other);
        }
        edges.sort();
        for (label, _, e, other, mark) in edges {
            let label = match g.edge_share(e) {
                Some(s) => format!("{label} share {s}{mark}"),
                None => format!("{label}{mark}"),
            };
            rows.push(vec![node.clone(), text(&label), Cell::Node(other)]);
            if mark.is_empty() {
                footprint.edges.push(e);
                footprint.nodes.push(other);
            }
        }
    }
    footprint.normalize();
    let result = ResultSet::new(vec!["node".into(), "field".into(), "value".into()], rows);
    Ok(Evaluated { result, footprint })
}

/// Declared properties as `name: type, …` (empty without a schema).
fn declared(props: Option<&IndexMap<String, PropType>>) -> String {
    props.map_or_else(String::new, |props| {
        props
            .iter()
            .map(|(p, t)| format!("{p}: {t}"))
            .collect::<Vec<_>>()
            .join(", ")
    })
}

/// `schema`: kinds and edge types with roles, directions, endpoints and counts.
pub fn schema(g: &Graph) -> Evaluated {
    let mut rows = Vec::new();
    let schema = g.schema();
    for (k, name) in g.kinds() {
        let props = declared(schema.and_then(|s| s.kinds.get(name)).map(|d| &d.props));
        rows.push(vec![
            text("kind"),
            text(name),
            text(""),
            text(""),
            text(""),
            int(g.nodes_of_kind(k).len()),
            text(&props),
        ]);
    }
    let mut counts = vec![0usize; g.edge_types().count()];
    for e in g.edges() {
        counts[g.edge_type(e).index()] += 1;
    }
    for (t, info) in g.edge_types() {
        let def = schema.and_then(|s| s.edges.get(&*info.name));
        let endpoints = def
            .map(|d| {
                let side = |v: &Vec<String>| {
                    if v.is_empty() {
                        "*".to_string()
                    } else {
                        v.join("|")
                    }
                };
                format!("{} -> {}", side(&d.from), side(&d.to))
            })
            .unwrap_or_default();
        let props = declared(def.map(|d| &d.props));
        rows.push(vec![
            text("edge"),
            text(&info.name),
            text(info.role.as_str()),
            text(if info.role == crate::model::Role::Dependency {
                info.direction.as_str()
            } else {
                ""
            }),
            text(&endpoints),
            int(counts[t.index()]),
            text(&props),
        ]);
    }
    let columns = [
        "element",
        "name",
        "role",
        "direction",
        "endpoints",
        "count",
        "properties",
    ];
    let mut result = ResultSet::new(columns.iter().map(|c| c.to_string()).collect(), rows);
    if schema.is_none() {
        result.message = Some(
            "no schema.toml: every edge type has role `other`; the analyses need `via`".into(),
        );
    }
    Evaluated {
        result,
        footprint: Footprint::default(),
    }
}

/// `stats`: node counts by kind, edge counts by type, totals (of the view).
pub fn stats(g: &Graph, view: &View) -> Evaluated {
    let mut kind_counts = vec![0usize; g.kinds().count()];
    let mut nodes = 0;
    for n in g.nodes() {
        if view.node(n) {
            kind_counts[g.node_kind(n).index()] += 1;
            nodes += 1;
        }
    }
    let mut type_counts = vec![0usize; g.edge_types().count()];
    let mut edges = 0;
    for e in g.edges() {
        if view.edge(g, e) {
            type_counts[g.edge_type(e).index()] += 1;
            edges += 1;
        }
    }
    let mut kinds: Vec<(&str, usize)> = g
        .kinds()
        .map(|(k, name)| (name, kind_counts[k.index()]))
        .collect();
    kinds.sort();
    let mut types: Vec<(&str, usize)> = g
        .edge_types()
        .map(|(t, i)| (&*i.name, type_counts[t.index()]))
        .collect();
    types.sort();
    let mut rows = Vec::new();
    for (name, c) in kinds {
        rows.push(vec![text("nodes"), text(name), int(c)]);
    }
    for (name, c) in types {
        rows.push(vec![text("edges"), text(name), int(c)]);
    }
    rows.push(vec![text("total"), text("nodes"), int(nodes)]);
    rows.push(vec![text("total"), text("edges"), int(edges)]);
    let result = ResultSet::new(vec!["element".into(), "name".into(), "count".into()], rows);
    Evaluated {
        result,
        footprint: Footprint::default(),
    }
}
