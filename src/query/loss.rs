//! The dependency model's statements (dependency-model.md, *The
//! statements*, *Scenarios*): `exposure of A to SHOCK`, `impact of SHOCK on
//! A`, `chokepoints`, `scenario`, `with NAME [substituting]:` and `compare`.
//! Resolves node sets and shocks, calls `analysis::loss`, shapes the rows.

use super::{Env, Evaluated, Footprint, interrupted, resolve_nodeset};
use crate::analysis::{
    self, ArcSpec, By, LossQuery, LossRow, ModelView, Op, Scenario, Shock, ShockError, Shocker,
    View,
};
use crate::diag::{Diagnostic, Span};
use crate::limits::{Interrupt, Work, beside};
use crate::model::{Graph, ModelFacts, NodeId, Role, Value};
use crate::result::{Cell, ResultSet};
use crate::syntax::ast::{
    ByScope, ChokepointsStmt, ExposureStmt, ExprKind, Ident, Literal, NodeSetKind, ScenarioOp,
    ScenarioStmt, Statement, StatementKind,
};

/// Scenarios a statement runs under (`with A: with B: ...`), each with
/// whether it substitutes.
pub type Under<'s> = [(&'s Ident, bool)];

fn float(x: f64) -> Cell {
    Cell::Value(Value::Float(x))
}

fn by(scope: Option<ByScope>) -> Option<By> {
    scope.map(|s| match s {
        ByScope::Territory => By::Territory,
        ByScope::Jurisdiction => By::Jurisdiction,
    })
}

fn arcs(g: &Graph, via: &[Ident], span: Span) -> Result<ArcSpec, Diagnostic> {
    let types = if via.is_empty() {
        None
    } else {
        Some(super::pattern::resolve_types(g, via)?)
    };
    let spec = ArcSpec::new(g, types.as_deref());
    if spec.is_empty() {
        return Err(Diagnostic::new("E0209", "no dependency edges to follow")
            .at(span)
            .expected("a schema with `role = \"dependency\"` edge types, or `via TYPE`")
            .help("without a schema, name the edge types to follow: `via SUPPLIES|DEPENDS_ON`"));
    }
    Ok(spec)
}

/// Looks a scenario up by name (E0210 when undefined).
pub fn scenario<'e>(env: &'e Env, name: &Ident) -> Result<&'e Scenario, Diagnostic> {
    match env.scenarios.get(&name.name) {
        Some(s) => Ok(s),
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

fn shock_error(g: &Graph, e: ShockError, span: Span) -> Diagnostic {
    match e {
        ShockError::Interrupt(i) => interrupted(i, span),
        ShockError::NotAShock(p) => Diagnostic::new(
            "E0212",
            format!(
                "`{}` is a policy with no destination (a subsidy or a strategy), not a shock",
                g.node_name(p)
            ),
        )
        .at(span)
        .expected("a node set, a risk, a restriction policy or a scenario")
        .help(format!(
            "to see what it funds or targets: match (p {{id: \"{}\"}})-[r]->(x) return type(r), x",
            g.node_key(p)
        )),
        ShockError::ByOnRisk(r) => {
            Diagnostic::new("E0213", format!("`by` on a risk (`{}`)", g.node_name(r)))
                .at(span)
                .expected("a risk without `by`: its impact edges say what they hit")
        }
    }
}

/// The scenario a shock's text names, if any.
fn named_scenario<'e>(env: &'e Env, set: &crate::syntax::ast::NodeSet) -> Option<&'e Scenario> {
    if let NodeSetKind::Name(e) = &set.kind
        && let ExprKind::Literal(Literal::Str(s)) = &e.kind
    {
        return env.scenarios.get(s);
    }
    None
}

/// The shock a statement names, united with the `with` scenarios that do
/// not substitute; the view the substituting ones leave, and whether there
/// are any.
fn statement_shock(
    env: &Env,
    set: &crate::syntax::ast::NodeSet,
    scope: Option<ByScope>,
    view: &View,
    facts: &ModelFacts,
    under: &Under<'_>,
    span: Span,
) -> Result<(Shock, View, bool, Vec<NodeId>), Diagnostic> {
    let g = env.graph;
    let (view, any) = substituted(env, view, facts, under, span)?;
    let shocker = Shocker::new(g, &view, facts, env.work);
    let (mut shock, named) = match named_scenario(env, set) {
        Some(s) => (
            shocker
                .scenario(s)
                .map_err(|e| shock_error(g, e, set.span))?,
            Vec::new(),
        ),
        None => {
            let nodes = resolve_nodeset(env, set, &view)?;
            (
                shocker
                    .nodeset(&nodes, by(scope))
                    .map_err(|e| shock_error(g, e, set.span))?,
                nodes,
            )
        }
    };
    for (name, subst) in under {
        if !subst {
            let s = scenario(env, name)?;
            let extra = shocker.scenario(s).map_err(|e| shock_error(g, e, span))?;
            shock.unite(&extra);
        }
    }
    Ok((shock, view, any, named))
}

/// The view the substituting `with` scenarios leave: their severity-1
/// hits and directly cut arcs removed (the rest re-weighed).
fn substituted(
    env: &Env,
    view: &View,
    facts: &ModelFacts,
    under: &Under<'_>,
    span: Span,
) -> Result<(View, bool), Diagnostic> {
    let mut v = view.clone();
    let mut any = false;
    for (name, subst) in under {
        if *subst {
            let s = scenario(env, name)?;
            let hide = ModelView::of(env.graph, view, facts, s, env.work)
                .map_err(|e| shock_error(env.graph, e, span))?;
            v.compose(&hide.view);
            any = true;
        }
    }
    Ok((v, any))
}

/// Loss rows, notices, and the statement's own nodes.
type Rows = (Vec<LossRow>, Vec<String>, Vec<NodeId>);

/// Scores by node.
type Scores = Vec<(NodeId, f64)>;

/// What a caller of [`rows`] reads besides the numbers.
#[derive(Clone, Copy)]
struct Wanted {
    /// How many rows, in order, need their explaining path.
    paths: usize,
    /// Whether `unknown` is read.
    unknown: bool,
}

/// The rows of `exposure` / `impact` (before `top`).
fn rows(
    env: &mut Env,
    x: &ExposureStmt,
    view: &View,
    under: &Under<'_>,
    wanted: Wanted,
    span: Span,
) -> Result<Rows, Diagnostic> {
    let g = env.graph;
    let facts = ModelFacts::new(g);
    let spec = arcs(g, &x.via, span)?;
    let base = view;
    let (shock, view, any, named) = statement_shock(env, &x.to, x.by, view, &facts, under, span)?;
    let of = resolve_nodeset(env, &x.of, &view)?;
    let excluded = |n: NodeId| {
        x.excluding_members
            && (shock.hits.wholly_inside(n) || shock.cuts.iter().any(|c| c.consumer.contains(n)))
    };
    // The rows `excluding members` drops come out of the analysis first:
    // the first `wanted.paths` rows kept lie within that many more.
    let paths = if x.excluding_members && wanted.paths > 0 && wanted.paths < usize::MAX {
        wanted
            .paths
            .saturating_add(of.iter().filter(|n| excluded(**n)).count())
    } else {
        wanted.paths
    };
    let q = LossQuery {
        arcs: &spec,
        depth: x.depth,
        by_share: x.by_share,
        cuts: &shock.cuts,
        unknown: wanted.unknown && !x.by_share,
        unknown_cache: Some(env.unknowns),
        paths,
        substituted_from: any.then_some(base),
    };
    let analysis::Loss {
        rows: mut out,
        ignored_inputs,
    } = analysis::loss(g, &view, &facts, &q, &of, &shock.hits, env.work)
        .map_err(|e| interrupted(e, span))?;
    let mut notices = shock.notices;
    if ignored_inputs > 0 {
        notices.push(format!(
            "{ignored_inputs} `input` arc{} ignored: the requirement {} is not visible (at this date, or outside `via`)",
            plural(ignored_inputs),
            if ignored_inputs == 1 { "it serves" } else { "they serve" },
        ));
    }
    if x.excluding_members {
        out.retain(|r| !excluded(r.node));
    }
    let mut nodes = of;
    nodes.extend(named);
    Ok((out, notices, nodes))
}

/// Every row's `(node, loss)` of an `exposure` / `impact` statement (under
/// the scenarios `under`), in the answer's order, without paths or
/// `unknown` (whatever the row limit): what a comparison reads.
pub(super) fn losses(
    env: &mut Env,
    x: &ExposureStmt,
    view: &View,
    under: &Under<'_>,
    span: Span,
) -> Result<Scores, Diagnostic> {
    let numbers = Wanted {
        paths: 0,
        unknown: false,
    };
    let (rows, _, _) = rows(env, x, view, under, numbers, span)?;
    Ok(rows.into_iter().map(|r| (r.node, r.loss)).collect())
}

/// A path as text, ending with the cut arc marked.
fn cut_path(g: &Graph, p: &crate::model::Path) -> String {
    let names: Vec<&str> = p.nodes.iter().map(|n| g.node_name(*n)).collect();
    let n = names.len();
    let head = names[..n.saturating_sub(1)].join(" -> ");
    let (a, b) = (
        names.get(n.wrapping_sub(2)).copied().unwrap_or(""),
        names.last().copied().unwrap_or(""),
    );
    format!("{head} (cut: {a} -> {b})")
}

/// `exposure of A to SHOCK ...` and `impact of SHOCK on A ...`.
pub fn exposure(
    env: &mut Env,
    x: &ExposureStmt,
    view: &View,
    under: &Under<'_>,
    span: Span,
) -> Result<Evaluated, Diagnostic> {
    let g = env.graph;
    let top = x.top.map(|k| k as usize);
    // The rows shown: past the session's row limit a row is never seen
    // (unless `export` reads the whole result), so it needs no path.
    let shown = if env.footprint {
        usize::MAX
    } else {
        env.row_limit
    };
    let want = Wanted {
        paths: top.unwrap_or(usize::MAX).min(shown),
        unknown: true,
    };
    let (rows, mut notices, mut nodes) = rows(env, x, view, under, want, span)?;
    let wanted = env.footprint;
    let mut highlight = Vec::new();
    let kept = |r: &&LossRow| top.is_none() || r.loss > 0.0;
    let total = rows
        .iter()
        .filter(kept)
        .take(top.unwrap_or(usize::MAX))
        .count();
    if total > shown {
        // The cells past the limit are not made at all (a million rows of
        // cells cost more to make and free than to count).
        notices.push(crate::result::row_limit_notice(shown, total));
    }
    let rows: Vec<Vec<Cell>> = rows
        .into_iter()
        .filter(|r| kept(&r))
        .take(top.unwrap_or(usize::MAX).min(shown))
        .map(|r| {
            if wanted {
                nodes.push(r.node);
                if let Some(p) = &r.path {
                    nodes.extend(&p.nodes);
                    highlight.extend(&p.edges);
                }
            }
            let path = match (r.path, r.cut) {
                (Some(p), Some(_)) => Cell::Value(Value::str(&cut_path(g, &p))),
                (Some(p), None) => Cell::Path(p),
                (None, _) => Cell::NULL,
            };
            if x.by_share {
                vec![Cell::Node(r.node), float(r.direct), float(r.loss), path]
            } else {
                vec![
                    Cell::Node(r.node),
                    float(r.direct),
                    float(r.loss),
                    float(r.unknown),
                    path,
                ]
            }
        })
        .collect();
    let columns: Vec<String> = if x.by_share {
        vec!["node", "direct", "total", "path"]
    } else {
        vec!["node", "direct", "loss", "unknown", "path"]
    }
    .into_iter()
    .map(String::from)
    .collect();
    let mut result = ResultSet::new(columns, rows);
    if !notices.is_empty() {
        result.message = Some(notices.join("\n"));
    }
    let mut fp = footprint(wanted, g, view, nodes);
    if wanted {
        fp.edges.extend(&highlight);
        fp.highlight = highlight;
        fp.normalize();
    }
    Ok(Evaluated {
        result,
        footprint: fp,
    })
}

/// The statement's nodes with the dependency arcs among them.
fn footprint(wanted: bool, g: &Graph, view: &View, nodes: Vec<NodeId>) -> Footprint {
    let types: crate::model::TypeSet = g
        .edge_types()
        .filter(|(_, i)| i.role == Role::Dependency)
        .map(|(t, _)| t)
        .collect();
    super::analyses::footprint(wanted, g, view, &types, nodes)
}

/// Chokepoint scores: `(node, score)` sorted, and the message. With
/// `prune`, candidates that provably cannot be among the top K may be left
/// out (a plain `chokepoints`; `compare` needs every score).
fn chokepoint_scores(
    env: &mut Env,
    c: &ChokepointsStmt,
    view: &View,
    under: &Under<'_>,
    span: Span,
    prune: bool,
) -> Result<(Vec<(NodeId, f64)>, String), Diagnostic> {
    let g = env.graph;
    let facts = ModelFacts::new(g);
    let spec = arcs(g, &c.via, span)?;
    let base_view = view;
    let (view, any) = substituted(env, view, &facts, under, span)?;
    let of = resolve_nodeset(env, &c.of, &view)?;
    let shocker = Shocker::new(g, &view, &facts, env.work);
    let mut base = Shock::empty(g.node_count());
    for (name, subst) in under {
        if !subst {
            let s = scenario(env, name)?;
            base.unite(&shocker.scenario(s).map_err(|e| shock_error(g, e, span))?);
        }
    }
    // Weights per row.
    let mut weights: Vec<(NodeId, f64)> = Vec::new();
    let mut left_out = 0usize;
    for &a in &of {
        match &c.weighted {
            None => weights.push((a, 1.0)),
            Some(p) => match g.node_prop(a, &p.name).and_then(|v| v.as_f64()) {
                Some(w) if w.is_finite() && w >= 0.0 => weights.push((a, w)),
                _ => left_out += 1,
            },
        }
    }
    let rows: Vec<NodeId> = weights.iter().map(|w| w.0).collect();
    let total: f64 = weights.iter().map(|w| w.1).sum();
    // Source arcs only, no scenario and no weights: a non-polity candidate
    // outside A scores its v1 value (dependency-model.md), which v1's
    // scorer computes for all candidates in one propagation, pruned to the
    // top K, instead of one fixed point per candidate; its expected visits
    // give the sum of `unknown` too (`unknown` is then v1's linear system).
    let v1_fast = under.is_empty()
        && c.weighted.is_none()
        && base.cuts.is_empty()
        && base.hits.nodes.is_empty()
        && !facts.may_require()
        && !facts.has_inputs();
    // v1's rows, the sum of `unknown` when it gave one, and the nodes with
    // a dependency path from A (v1's scorer finds them on its way).
    let (v1, v1_unknown, up) = if v1_fast {
        let top = c.top.map_or(10, |k| k as usize);
        let found =
            analysis::chokepoints_and_unknown(g, &view, &facts, &spec, &rows, Some(top), env.work)
                .map_err(|e| interrupted(e, span))?;
        (Some(found.rows), found.total, found.upstream)
    } else {
        let up = analysis::upstream(g, &view, &spec, &rows, None, env.work)
            .map_err(|e| interrupted(e, span))?;
        (None, None, up.into_iter().map(|(n, _)| n).collect())
    };
    // Candidates: those nodes, and polity nodes whose closure holds one.
    let mut cands: Vec<NodeId> = rows.clone();
    cands.extend(up);
    cands.sort_unstable();
    cands.dedup();
    let scope = by(c.by).unwrap_or_default();
    let mut in_cands = analysis::NodeSet::new(g.node_count());
    for &n in &cands {
        in_cands.insert(n);
    }
    let kinds: Vec<&str> = c.kinds.iter().map(|k| k.name.as_str()).collect();
    let keep = |n: NodeId| {
        kinds.is_empty()
            || kinds
                .iter()
                .any(|k| k.eq_ignore_ascii_case(g.node_kind_name(n)))
    };
    let polities: Vec<NodeId> = g
        .nodes()
        .filter(|n| facts.polity(g, *n) && view.node(*n))
        .collect();
    let mut polity_hits = Vec::new();
    // Candidates that hold the set itself: its own nodes, and the polities
    // one of its nodes is wholly inside (NVIDIA's nation and every bloc
    // the nation is in). They score by containment, not by dependence.
    let mut in_rows = analysis::NodeSet::new(g.node_count());
    for &a in &rows {
        in_rows.insert(a);
    }
    let mut holders = 0usize;
    for p in polities {
        let s = shocker
            .nodeset(&[p], Some(scope))
            .map_err(|e| shock_error(g, e, span))?;
        if s.hits
            .nodes
            .iter()
            .any(|n| *n != p && in_cands.contains(*n))
        {
            let holds = rows.iter().any(|a| s.hits.wholly_inside(*a));
            if holds && keep(p) {
                holders += 1;
            }
            if !(holds && c.excluding_members) {
                polity_hits.push((p, s));
            }
        }
    }
    holders += rows
        .iter()
        .filter(|a| keep(**a) && !facts.polity(g, **a))
        .count();
    let dropped = |v: NodeId| c.excluding_members && in_rows.contains(v);
    let q = LossQuery {
        arcs: &spec,
        depth: None,
        by_share: false,
        cuts: &base.cuts,
        unknown: false,
        unknown_cache: Some(env.unknowns),
        paths: 0,
        substituted_from: any.then_some(base_view),
    };
    let score = |hits: &analysis::Hits| -> Result<f64, Diagnostic> {
        if total <= 0.0 {
            return Ok(0.0);
        }
        let out = analysis::loss(g, &view, &facts, &q, &rows, hits, env.work)
            .map_err(|e| interrupted(e, span))?
            .rows;
        let by_node: crate::hash::FxMap<NodeId, f64> =
            out.iter().map(|r| (r.node, r.loss)).collect();
        Ok(weights
            .iter()
            .map(|(a, w)| w * by_node.get(a).copied().unwrap_or(0.0))
            .sum::<f64>()
            / total)
    };
    // The sum of `unknown` over A's distinct nodes, for the message's mean
    // (no hit, no cut: nothing is lost, so only `unknown`'s system).
    let mut distinct: Vec<NodeId> = rows.iter().copied().filter(|n| view.node(*n)).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let unknown_sum = |work: &Work| -> Result<f64, Interrupt> {
        let unknown = analysis::unknowns(g, &view, &facts, &q, &distinct, work)?;
        Ok(unknown.iter().map(|u| u.clamp(0.0, 1.0)).sum())
    };
    // The scores, and the sum of `unknown` when the v1 scorer gave it.
    let score_all = |v1: Option<Vec<analysis::Chokepoint>>| -> Result<Scores, Diagnostic> {
        let mut scored = Vec::new();
        if let Some(v1) = v1 {
            scored.extend(
                v1.into_iter()
                    .filter(|c| keep(c.node) && !facts.polity(g, c.node) && !dropped(c.node))
                    .map(|c| (c.node, c.score)),
            );
        }
        // The failures left to score: a node alone, or a polity with its
        // closure (its index in `polity_hits`).
        let mut failing: Vec<(NodeId, Option<usize>)> = cands
            .iter()
            .filter(|&&v| {
                keep(v) && !facts.polity(g, v) && !dropped(v) && (!v1_fast || in_rows.contains(v))
            })
            .map(|&v| (v, None))
            .collect();
        failing.extend(
            (polity_hits.iter().enumerate())
                .filter(|(_, (p, _))| keep(*p))
                .map(|(i, (p, _))| (*p, Some(i))),
        );
        // Without a scenario, all of them at once from one system, pruned to
        // the top K (`systemic_scores`); else (or when that system has no
        // steps bound) one full solve each.
        let plain = under.is_empty() && base.cuts.is_empty() && base.hits.nodes.is_empty();
        let systemic = if plain && !failing.is_empty() {
            let pins: Vec<analysis::Pins> = failing
                .iter()
                .map(|&(v, polity)| match polity {
                    None => vec![(v, 1.0)],
                    Some(i) => {
                        let hits = &polity_hits[i].1.hits;
                        hits.nodes.iter().map(|&n| (n, hits.severity(n))).collect()
                    }
                })
                .collect();
            let top = prune.then(|| c.top.unwrap_or(10) as usize);
            analysis::systemic_scores(g, &view, &facts, &spec, &weights, &pins, top, env.work)
                .map_err(|e| interrupted(e, span))?
        } else {
            None
        };
        match systemic {
            Some(scores) => scored.extend(
                failing
                    .iter()
                    .zip(scores)
                    .filter_map(|(&(v, _), s)| s.map(|s| (v, s))),
            ),
            None => {
                for &(v, polity) in &failing {
                    let mut hits = base.hits.clone();
                    match polity {
                        None => hits.hit_alone(v),
                        Some(i) => hits.unite(&polity_hits[i].1.hits),
                    }
                    scored.push((v, score(&hits)?));
                }
            }
        }
        scored.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then_with(|| g.node_name(a.0).cmp(g.node_name(b.0)))
                .then_with(|| g.node_key(a.0).cmp(g.node_key(b.0)))
        });
        Ok(scored)
    };
    let (scored, unknown) = match v1_unknown {
        Some(sum) => (score_all(v1)?, sum),
        None => {
            // `unknown`'s own system, solved on a second thread beside the scores.
            let (scored, unknown) = beside(env.work, true, unknown_sum, || Ok(score_all(v1)));
            let scored = scored.map_err(|e| interrupted(e, span))??;
            (scored, unknown.map_err(|e| interrupted(e, span))?)
        }
    };
    let mean_unknown = if rows.is_empty() {
        0.0
    } else {
        unknown.clamp(0.0, distinct.len() as f64) / rows.len() as f64
    };
    // Every candidate counts, also those the v1 scorer pruned from the top K.
    let candidates = cands
        .iter()
        .filter(|v| keep(**v) && !facts.polity(g, **v) && !dropped(**v))
        .count()
        + polity_hits.iter().filter(|(p, _)| keep(*p)).count();
    let mut message =
        format!("{candidates} candidates; mean unknown over the set: {mean_unknown:.4}");
    if holders > 0 {
        let what = "(the set's own nodes, and the nations and blocs it is wholly inside)";
        message.push_str(&if c.excluding_members {
            format!("; {holders} candidate{} holding the set itself {what} left out", plural(holders))
        } else {
            format!(
                "; {holders} of them hold{} the set itself {what}: `excluding members` leaves them out",
                if holders == 1 { "s" } else { "" }
            )
        });
    }
    if left_out > 0 {
        message.push_str(&format!(
            "; {left_out} node{} without `{}` left out",
            plural(left_out),
            c.weighted.as_ref().map_or("", |w| w.name.as_str())
        ));
    }
    Ok((scored, message))
}

/// `chokepoints of A ...`
pub fn chokepoints(
    env: &mut Env,
    c: &ChokepointsStmt,
    view: &View,
    under: &Under<'_>,
    span: Span,
) -> Result<Evaluated, Diagnostic> {
    let g = env.graph;
    let (scored, message) = chokepoint_scores(env, c, view, under, span, true)?;
    let top = c.top.unwrap_or(10) as usize;
    let mut nodes = Vec::new();
    let rows = scored
        .into_iter()
        .take(top)
        .map(|(n, s)| {
            nodes.push(n);
            vec![
                Cell::Node(n),
                Cell::Value(Value::str(g.node_kind_name(n))),
                float(s),
            ]
        })
        .collect();
    let mut result = ResultSet::new(vec!["node".into(), "kind".into(), "loss".into()], rows);
    result.message = Some(message);
    Ok(Evaluated {
        result,
        footprint: footprint(env.footprint, g, view, nodes),
    })
}

/// `with NAME [substituting]: STATEMENT` (nested `with`s collected).
pub fn with(env: &mut Env, stmt: &Statement, view: &View) -> Result<Evaluated, Diagnostic> {
    let mut under: Vec<(&Ident, bool)> = Vec::new();
    let mut body = stmt;
    while let StatementKind::With {
        scenario: name,
        substituting,
        body: inner,
    } = &body.kind
    {
        scenario(env, name)?;
        under.push((name, *substituting));
        body = inner;
    }
    match &body.kind {
        StatementKind::Exposure(x) | StatementKind::Impact(x) => {
            exposure(env, x, view, &under, body.span)
        }
        StatementKind::Chokepoints(c) => chokepoints(env, c, view, &under, body.span),
        _ => {
            // Other statements see removed nodes and directly cut arcs hidden.
            let mut v = view.clone();
            for (name, _) in &under {
                v = scenario_view(env, name, &v)?;
            }
            let mut out = super::execute(env, body, &v)?;
            let notice = "under a scenario, this statement sees its removed nodes and directly cut arcs hidden; severities and path-aware cuts are not shown";
            out.result.message = Some(match out.result.message.take() {
                Some(m) => format!("{m}\n{notice}"),
                None => notice.to_string(),
            });
            Ok(out)
        }
    }
}

/// The view a scenario leaves for `match`, `path`, `upstream` and
/// `export`: its removed nodes and directly cut arcs hidden.
pub fn scenario_view(env: &Env, name: &Ident, base: &View) -> Result<View, Diagnostic> {
    let s = scenario(env, name)?;
    let facts = ModelFacts::new(env.graph);
    let hide = ModelView::of(env.graph, base, &facts, s, env.work)
        .map_err(|e| shock_error(env.graph, e, name.span))?;
    let mut view = base.clone();
    view.compose(&hide.view);
    Ok(view)
}

/// `compare NAME [substituting]: exposure|impact|chokepoints ...`
pub fn compare(
    env: &mut Env,
    name: &Ident,
    substituting: bool,
    body: &Statement,
    view: &View,
) -> Result<Evaluated, Diagnostic> {
    let g = env.graph;
    scenario(env, name)?;
    let under = [(name, substituting)];
    let (before, after, top): (Scores, Scores, Option<u32>) = match &body.kind {
        StatementKind::Exposure(x) | StatementKind::Impact(x) => (
            losses(env, x, view, &[], body.span)?,
            losses(env, x, view, &under, body.span)?,
            x.top,
        ),
        StatementKind::Chokepoints(c) => {
            let (b, _) = chokepoint_scores(env, c, view, &[], body.span, false)?;
            let (a, _) = chokepoint_scores(env, c, view, &under, body.span, false)?;
            (b, a, Some(c.top.unwrap_or(10)))
        }
        _ => {
            return Err(Diagnostic::new(
                "E0211",
                "`compare` works on an `exposure`, `impact` or `chokepoints` statement",
            )
            .at(body.span)
            .expected("`exposure of ... to ...`, `impact of ... on ...` or `chokepoints of ...`")
            .help("to run another statement under a scenario, use `with NAME: ...`"));
        }
    };
    let after: crate::hash::FxMap<NodeId, f64> = after.into_iter().collect();
    let mut rows: Vec<(NodeId, f64, f64)> = before
        .iter()
        .map(|&(n, b)| (n, b, after.get(&n).copied().unwrap_or(0.0)))
        .collect();
    rows.sort_by(|a, b| {
        (b.2 - b.1)
            .abs()
            .total_cmp(&(a.2 - a.1).abs())
            .then_with(|| g.node_name(a.0).cmp(g.node_name(b.0)))
            .then_with(|| a.0.cmp(&b.0))
    });
    let top = top.map_or(usize::MAX, |k| k as usize);
    let mut nodes = Vec::new();
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
        footprint: footprint(env.footprint, g, view, nodes),
    })
}

/// `scenario NAME = OP, ...`: resolves, stores, and says what it does.
pub fn define_scenario(
    env: &mut Env,
    s: &ScenarioStmt,
    view: &View,
    span: Span,
) -> Result<Evaluated, Diagnostic> {
    let g = env.graph;
    if !g.nodes_named(&s.name.name).is_empty() || g.node_by_key(&s.name.name).is_some() {
        return Err(Diagnostic::new(
            "E0214",
            format!("scenario name `{}` is also a node's name", s.name.name),
        )
        .at(s.name.span)
        .expected(
            "a scenario name that names no node (a shock written by name must mean one thing)",
        ));
    }
    let mut sc = Scenario::default();
    let side = |b: Option<ByScope>| by(b).unwrap_or(By::Both);
    for op in &s.ops {
        match op {
            ScenarioOp::Use(name) => {
                let other = scenario(env, name)?.clone();
                sc.ops.extend(other.ops);
            }
            ScenarioOp::Remove(set) => sc.ops.push(Op::Shock {
                nodes: resolve_nodeset(env, set, view)?,
                severity: 1.0,
                by: By::Territory,
            }),
            ScenarioOp::Shock(set, f) => sc.ops.push(Op::Shock {
                nodes: resolve_nodeset(env, set, view)?,
                severity: *f,
                by: By::Territory,
            }),
            ScenarioOp::Cut(a, b, scope) => sc.ops.push(Op::Cut {
                consumer: resolve_nodeset(env, a, view)?,
                provider: resolve_nodeset(env, b, view)?,
                by: side(*scope),
            }),
            ScenarioOp::Decouple(a, b, scope) => {
                let (a, b) = (
                    resolve_nodeset(env, a, view)?,
                    resolve_nodeset(env, b, view)?,
                );
                sc.ops.push(Op::Cut {
                    consumer: a.clone(),
                    provider: b.clone(),
                    by: side(*scope),
                });
                sc.ops.push(Op::Cut {
                    consumer: b,
                    provider: a,
                    by: side(*scope),
                });
            }
            ScenarioOp::Policy(set) => sc.ops.push(Op::Policy(resolve_nodeset(env, set, view)?)),
            ScenarioOp::Risk(set) => sc.ops.push(Op::Risk(resolve_nodeset(env, set, view)?)),
        }
    }
    let facts = ModelFacts::new(g);
    let described =
        ModelView::of(g, view, &facts, &sc, env.work).map_err(|e| shock_error(g, e, span))?;
    let replaced = env.scenarios.insert(s.name.name.clone(), sc).is_some();
    let verb = if replaced { "redefined" } else { "defined" };
    let mut text = format!("scenario {} {verb}: {}", s.name.name, described.summary(g));
    for line in described.details(g) {
        text.push('\n');
        text.push_str(&line);
    }
    if let Some(line) = contexts_line(env, view, &facts, &described.shock, span)? {
        text.push('\n');
        text.push_str(&line);
    }
    Ok(Evaluated {
        result: ResultSet::message(text),
        footprint: Footprint::default(),
    })
}

/// The free nodes a scenario's cuts evaluate per context, in one line:
/// `EDA 0.96 from China, 0 from elsewhere; ...` (dependency-model.md,
/// *Scenarios*). `None` without cuts or without such a node.
fn contexts_line(
    env: &Env,
    view: &View,
    facts: &ModelFacts,
    shock: &Shock,
    span: Span,
) -> Result<Option<String>, Diagnostic> {
    let g = env.graph;
    let arcs = analysis::ArcSpec::new(g, None);
    let found =
        analysis::free_contexts(g, view, facts, &arcs, &shock.hits, &shock.cuts, 5, env.work)
            .map_err(|e| interrupted(e, span))?;
    if found.is_empty() {
        return Ok(None);
    }
    let items: Vec<String> = found
        .iter()
        .map(|f| {
            let parts: Vec<String> = f
                .values
                .iter()
                .map(|(rules, v)| {
                    let seen = if rules.is_empty() {
                        "elsewhere".to_string()
                    } else {
                        rules
                            .iter()
                            .filter_map(|k| shock.cuts.get(*k).map(|r| r.label.as_str()))
                            .collect::<Vec<_>>()
                            .join(" and ")
                    };
                    format!("{v:.2} from {seen}")
                })
                .collect();
            format!("{} {}", g.node_name(f.node), parts.join(", "))
        })
        .collect();
    Ok(Some(format!(
        "free nodes per context: {}",
        items.join("; ")
    )))
}

/// The plural ending for `n` things.
fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
