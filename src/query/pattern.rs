//! Pattern compilation: node and edge patterns resolved against the graph
//! (kinds and edge types must exist) and the statement's scope.

use std::sync::Arc;

use super::expr::{CExpr, Compiler, Params};
use super::scope::{Scope, VarKind, closest};
use crate::diag::Diagnostic;
use crate::model::{Graph, KindId, TypeSet};
use crate::syntax::ast::{EdgeDir, EdgePattern, Ident, NodePattern, Pattern};

/// A compiled node pattern.
#[derive(Clone, Debug)]
pub struct CNode {
    /// The binding slot (named or hidden).
    pub slot: usize,
    /// Kind alternatives; `None` for any kind.
    pub kinds: Option<Vec<KindId>>,
    /// `{id: ...}`
    pub id_eq: Option<CExpr>,
    /// `{name: ...}`
    pub name_eq: Option<CExpr>,
    /// Other property equalities.
    pub props: Vec<(Arc<str>, CExpr)>,
}

/// A compiled edge pattern.
#[derive(Clone, Debug)]
pub struct CEdge {
    /// The binding slot (an edge, or a list of edges when variable-length).
    pub slot: usize,
    /// Whether the user named it (so its value is observable).
    pub named: bool,
    /// Type alternatives; `None` for any type.
    pub types: Option<TypeSet>,
    /// `(min, max)` hops when variable-length.
    pub quant: Option<(u32, Option<u32>)>,
    /// Property equalities.
    pub props: Vec<(Arc<str>, CExpr)>,
    /// The written direction.
    pub dir: EdgeDir,
}

/// A compiled pattern: `nodes[0] edges[0] nodes[1] ...`.
#[derive(Clone, Debug)]
pub struct CPattern {
    /// The path variable's slot.
    pub path_slot: Option<usize>,
    /// Nodes in written order.
    pub nodes: Vec<CNode>,
    /// Edges in written order.
    pub edges: Vec<CEdge>,
}

/// Declares every variable of the patterns (first pass, so inline `where`
/// and property maps may refer to variables bound later in the pattern).
pub fn declare(patterns: &[Pattern], scope: &mut Scope) -> Result<(), Diagnostic> {
    for p in patterns {
        if let Some(v) = &p.path_var {
            scope.declare(&v.name, VarKind::Path, v.span)?;
        }
        let nodes = std::iter::once(&p.start).chain(p.steps.iter().map(|(_, n)| n));
        for n in nodes {
            if let Some(v) = &n.var {
                scope.declare(&v.name, VarKind::Node, v.span)?;
            }
        }
        for (e, _) in &p.steps {
            if let Some(v) = &e.var {
                let kind = if e.quant.is_some() {
                    VarKind::EdgeList
                } else {
                    VarKind::Edge
                };
                scope.declare(&v.name, kind, v.span)?;
            }
        }
    }
    Ok(())
}

/// Resolves kind names; an unknown kind is error E0201.
pub fn resolve_kinds(g: &Graph, kinds: &[Ident]) -> Result<Option<Vec<KindId>>, Diagnostic> {
    if kinds.is_empty() {
        return Ok(None);
    }
    let mut out = Vec::new();
    for k in kinds {
        match g.kind_id(&k.name) {
            Some(id) => out.push(id),
            None => {
                let mut d = Diagnostic::new("E0201", format!("unknown kind `{}`", k.name))
                    .at(k.span)
                    .expected("a kind of the graph (kinds are case-sensitive)");
                if let Some(c) = closest(&k.name, g.kinds().map(|(_, n)| n)) {
                    d = d.help(format!("did you mean `{c}`?"));
                }
                return Err(d);
            }
        }
    }
    Ok(Some(out))
}

/// Resolves edge type names; an unknown type is error E0202.
pub fn resolve_types(
    g: &Graph,
    types: &[Ident],
) -> Result<Vec<crate::model::EdgeTypeId>, Diagnostic> {
    types
        .iter()
        .map(|t| {
            g.edge_type_id(&t.name).ok_or_else(|| {
                let mut d = Diagnostic::new("E0202", format!("unknown edge type `{}`", t.name))
                    .at(t.span)
                    .expected("an edge type of the graph (types are case-sensitive)");
                if let Some(c) = closest(&t.name, g.edge_types().map(|(_, i)| &*i.name)) {
                    d = d.help(format!("did you mean `{c}`?"));
                }
                d
            })
        })
        .collect()
}

/// Compiles a node pattern; its inline `where` is returned separately so it
/// can be pushed down like any filter.
pub fn compile_node(
    g: &Graph,
    n: &NodePattern,
    scope: &mut Scope,
    params: &Params,
) -> Result<(CNode, Option<CExpr>), Diagnostic> {
    compile_node_in(g, n, scope, params, None)
}

/// Where warnings go; `None`: unknown names are errors.
type Warnings<'w> = Option<&'w mut Vec<Diagnostic>>;

fn compile_node_in(
    g: &Graph,
    n: &NodePattern,
    scope: &mut Scope,
    params: &Params,
    warnings: Warnings<'_>,
) -> Result<(CNode, Option<CExpr>), Diagnostic> {
    let slot = match &n.var {
        Some(v) => scope.declare(&v.name, VarKind::Node, v.span)?,
        None => scope.hidden(),
    };
    let kinds = match warnings {
        Some(w) => {
            // Each known kind still counts; an unknown one adds nothing
            // (and a warning with its did-you-mean).
            let mut known_kinds = Vec::new();
            for k in &n.kinds {
                match resolve_kinds(g, std::slice::from_ref(k)) {
                    Ok(ids) => known_kinds.extend(ids.into_iter().flatten()),
                    Err(d) => w.push(d),
                }
            }
            (!n.kinds.is_empty()).then_some(known_kinds)
        }
        None => resolve_kinds(g, &n.kinds)?,
    };
    let mut c = Compiler {
        scope,
        params,
        aliases: None,
        aggs: None,
    };
    let mut node = CNode {
        slot,
        kinds,
        id_eq: None,
        name_eq: None,
        props: Vec::new(),
    };
    for (key, value) in &n.props {
        let value = c.compile(value)?;
        match key.name.as_str() {
            "id" => node.id_eq = Some(value),
            "name" => node.name_eq = Some(value),
            other => node.props.push((Arc::from(other), value)),
        }
    }
    let filter = n.filter.as_ref().map(|f| c.compile(f)).transpose()?;
    Ok((node, filter))
}

fn compile_edge(
    g: &Graph,
    e: &EdgePattern,
    scope: &mut Scope,
    params: &Params,
    mut warnings: Warnings<'_>,
) -> Result<CEdge, Diagnostic> {
    let slot = match &e.var {
        Some(v) => {
            let kind = if e.quant.is_some() {
                VarKind::EdgeList
            } else {
                VarKind::Edge
            };
            scope.declare(&v.name, kind, v.span)?
        }
        None => scope.hidden(),
    };
    let types = if e.types.is_empty() {
        None
    } else {
        let ids = match warnings.as_deref_mut() {
            Some(w) => {
                let mut known_types = Vec::new();
                for t in &e.types {
                    match resolve_types(g, std::slice::from_ref(t)) {
                        Ok(ids) => known_types.extend(ids),
                        Err(d) => w.push(d),
                    }
                }
                known_types
            }
            None => resolve_types(g, &e.types)?,
        };
        Some(ids.into_iter().collect())
    };
    let quant = e.quant.map(|q| (q.min, q.max));
    if let Some((min, Some(max))) = quant
        && min > max
    {
        let d = Diagnostic::new(
            "E0104",
            format!("the quantifier's minimum {min} is greater than its maximum {max}"),
        )
        .at(e.span)
        .expected("`*MIN..MAX` with MIN <= MAX (as written, the edge matches nothing)");
        match warnings {
            Some(w) => w.push(d),
            None => return Err(d),
        }
    }
    let mut c = Compiler {
        scope,
        params,
        aliases: None,
        aggs: None,
    };
    let props = e
        .props
        .iter()
        .map(|(k, v)| Ok((Arc::from(k.name.as_str()), c.compile(v)?)))
        .collect::<Result<Vec<_>, Diagnostic>>()?;
    Ok(CEdge {
        slot,
        named: e.var.is_some(),
        types,
        quant,
        props,
        dir: e.dir,
    })
}

/// Compiles the patterns of a `match`; inline filters are appended to
/// `filters`. With `warnings`, unknown kinds and edge types
/// match nothing and are reported there instead of failing (Cypher's answer).
pub fn compile_patterns_in(
    g: &Graph,
    patterns: &[Pattern],
    scope: &mut Scope,
    params: &Params,
    filters: &mut Vec<CExpr>,
    mut warnings: Warnings<'_>,
) -> Result<Vec<CPattern>, Diagnostic> {
    declare(patterns, scope)?;
    // One edge a match: a variable named on two edges could never bind.
    let mut edge_vars: Vec<&str> = Vec::new();
    for v in patterns
        .iter()
        .flat_map(|p| p.steps.iter().filter_map(|(e, _)| e.var.as_ref()))
    {
        if edge_vars.contains(&v.name.as_str()) {
            return Err(Diagnostic::new(
                "E0302",
                format!(
                    "the edge variable `{}` names two edges of one match",
                    v.name
                ),
            )
            .at(v.span)
            .expected("a new name for each edge of a `match`")
            .help("a match never uses one edge twice; name the second edge differently"));
        }
        edge_vars.push(&v.name);
    }
    let mut out = Vec::new();
    for p in patterns {
        let path_slot = match &p.path_var {
            Some(v) => Some(scope.declare(&v.name, VarKind::Path, v.span)?),
            None => None,
        };
        let mut nodes = Vec::new();
        let mut edges = Vec::new();
        let (first, f) = compile_node_in(g, &p.start, scope, params, warnings.as_deref_mut())?;
        nodes.push(first);
        filters.extend(f);
        for (e, n) in &p.steps {
            edges.push(compile_edge(g, e, scope, params, warnings.as_deref_mut())?);
            let (node, f) = compile_node_in(g, n, scope, params, warnings.as_deref_mut())?;
            nodes.push(node);
            filters.extend(f);
        }
        out.push(CPattern {
            path_slot,
            nodes,
            edges,
        });
    }
    Ok(out)
}
