//! Free nodes evaluated per cut context (dependency-model.md, *Cuts*:
//! "`scenario` prints ... free nodes evaluated per context"): a technology
//! or market reached from a consumer side is cut from the provider side
//! there and not elsewhere, so it has one value per context.

use super::build::Build;
use super::{CutRule, Hits, Placer};
use crate::analysis::{ArcSpec, View};
use crate::limits::{Interrupt, Work};
use crate::model::{Graph, ModelFacts, NodeId};

/// One free node's values: per context that reached it, the rules whose
/// consumer side that context is on (indexes into the cut rules; empty:
/// no side) and its loss there.
#[derive(Clone, Debug, PartialEq)]
pub struct FreeContexts {
    /// The free node.
    pub node: NodeId,
    /// `(rules, loss)`, the largest loss first.
    pub values: Vec<(Vec<usize>, f64)>,
}

/// The free nodes the consumer sides of `cuts` reach in more than one
/// context, or in one context with a positive loss, under `hits` and
/// `cuts`; the largest spread first, then name. At most `limit`.
#[allow(
    clippy::too_many_arguments,
    reason = "the model's inputs, as `loss` takes them"
)]
pub fn free_contexts(
    g: &Graph,
    view: &View,
    facts: &ModelFacts,
    arcs: &ArcSpec,
    hits: &Hits,
    cuts: &[CutRule],
    limit: usize,
    work: &Work,
) -> Result<Vec<FreeContexts>, Interrupt> {
    if cuts.is_empty() {
        return Ok(Vec::new());
    }
    let mut rows: Vec<NodeId> = cuts
        .iter()
        .flat_map(|r| r.consumer.nodes().iter().copied())
        .collect();
    rows.sort_unstable();
    rows.dedup();
    let placer = Placer::new(g, view, facts);
    let free_cache: std::cell::RefCell<crate::hash::FxMap<NodeId, bool>> = Default::default();
    let free = |n: NodeId| {
        *free_cache
            .borrow_mut()
            .entry(n)
            .or_insert_with(|| placer.is_free(n))
    };
    let b = Build {
        g,
        view,
        facts,
        spec: arcs,
        by_share: false,
        hits: Some(hits),
        cuts,
        free: &free,
        substituted_from: None,
    };
    let built = b.build(&rows, work)?;
    let x = built.sys.solve(work)?;
    let mut by_node: crate::hash::FxMap<NodeId, Vec<(Vec<usize>, f64)>> = Default::default();
    for (n, ctx, var) in built.contexts() {
        if !free(n) {
            continue;
        }
        let rules = (0..cuts.len().min(32))
            .filter(|k| ctx & (1 << k) != 0)
            .collect();
        let v = x.get(var as usize).copied().unwrap_or(0.0).clamp(0.0, 1.0);
        by_node.entry(n).or_default().push((rules, v));
    }
    let mut out: Vec<FreeContexts> = by_node
        .into_iter()
        .filter(|(_, vs)| vs.iter().any(|(rules, v)| !rules.is_empty() && *v > 0.0))
        .map(|(node, mut values)| {
            values.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            FreeContexts { node, values }
        })
        .collect();
    let spread = |f: &FreeContexts| {
        let hi = f.values.first().map_or(0.0, |v| v.1);
        let lo = f.values.last().map_or(0.0, |v| v.1);
        hi - if f.values.len() > 1 { lo } else { 0.0 }
    };
    out.sort_by(|a, b| {
        spread(b)
            .total_cmp(&spread(a))
            .then_with(|| g.node_name(a.node).cmp(g.node_name(b.node)))
            .then_with(|| a.node.cmp(&b.node))
    });
    out.truncate(limit);
    Ok(out)
}
