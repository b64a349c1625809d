//! NODESETs (spec: *Node sets*): one node by id, name or alias; every node
//! matching a node pattern; or the members of a set.

use super::Env;
use super::expr::param_value;
use super::matcher::Matcher;
use super::pattern::{CPattern, compile_node};
use super::scope::Scope;
use crate::analysis::{self, View};
use crate::diag::Diagnostic;
use crate::model::{Graph, Lookup, NodeId, Value};
use crate::result::Cell;
use crate::syntax::ast::{ExprKind, Literal, NodeSet, NodeSetKind};

fn describe(g: &Graph, n: NodeId) -> String {
    format!(
        "`{}` ({} {})",
        g.node_key(n),
        g.node_kind_name(n),
        g.node_name(n)
    )
}

/// Resolves a node set to sorted, distinct node ids.
pub fn resolve_nodeset(env: &Env, set: &NodeSet, view: &View) -> Result<Vec<NodeId>, Diagnostic> {
    let g = env.graph;
    match &set.kind {
        NodeSetKind::Name(expr) => {
            let value = match &expr.kind {
                ExprKind::Literal(Literal::Str(s)) => Value::str(s),
                ExprKind::Param(name) => param_value(env.params, name, expr.span)?,
                _ => Value::Null,
            };
            let Value::Str(text) = value else {
                return Err(Diagnostic::new(
                    "E0208",
                    format!("a node set needs a name, got {value}"),
                )
                .at(expr.span)
                .expected("a string naming a node by id, name or alias"));
            };
            match g.lookup(&text) {
                Lookup::Found(n) => Ok(vec![n]),
                Lookup::Ambiguous(candidates) => {
                    let list: Vec<String> = candidates.iter().map(|n| describe(g, *n)).collect();
                    Err(Diagnostic::new(
                        "E0206",
                        format!(
                            "\"{text}\" names {} nodes: {}",
                            candidates.len(),
                            list.join(", ")
                        ),
                    )
                    .at(expr.span)
                    .expected("a name that identifies one node")
                    .help("use the node's id instead"))
                }
                Lookup::Missing(near) => {
                    let mut d = Diagnostic::new(
                        "E0207",
                        format!(
                            "no node has the id, name or alias \"{}\"",
                            crate::diag::cut_value(&text)
                        ),
                    )
                    .at(expr.span)
                    .expected("the id, name or alias of a node");
                    if !near.is_empty() {
                        let list: Vec<String> = near
                            .iter()
                            .map(|n| {
                                let (key, name) = (g.node_key(*n), g.node_name(*n));
                                let (key, name) =
                                    (crate::diag::cut_value(key), crate::diag::cut_value(name));
                                if key == name {
                                    format!("\"{name}\"")
                                } else {
                                    format!("\"{name}\" (id {key})")
                                }
                            })
                            .collect();
                        d = d.help(format!("did you mean {}?", list.join(", ")));
                    }
                    Err(d)
                }
            }
        }
        NodeSetKind::Pattern(np) => {
            let mut scope = Scope::default();
            let (node, filter) = compile_node(g, np, &mut scope, env.params)?;
            let slot = node.slot;
            let patterns = [CPattern {
                path_slot: None,
                nodes: vec![node],
                edges: Vec::new(),
            }];
            let filters: Vec<_> = filter.into_iter().collect();
            let m = Matcher::plan(
                g,
                view,
                env.work,
                &patterns,
                &filters,
                scope.len(),
                true,
                &[slot],
                set.span,
                vec![false; scope.len()],
            );
            let mut out: Vec<NodeId> = Vec::new();
            m.run(&mut |row: &[Cell]| {
                if let Some(Cell::Node(n)) = row.get(slot) {
                    out.push(*n);
                }
                Ok(())
            })?;
            out.sort();
            out.dedup();
            Ok(out)
        }
        NodeSetKind::MembersOf(inner) => {
            let base = resolve_nodeset(env, inner, view)?;
            analysis::members_of(g, view, &base, env.work)
                .map_err(|e| super::interrupted(e, set.span))
        }
    }
}
