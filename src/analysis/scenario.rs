//! Scenarios (spec: *Scenarios (what-if)*): operations that narrow a
//! [`View`]. The graph never changes; a scenario hides nodes and arcs, and
//! every analysis under the view recomputes arc weights over what is left.
//!
//! Operations apply in order, each under the view left by the ones before
//! (so `remove X, cut A from B` computes T(A) and T(B) without X).

use super::arcs::ArcSpec;
use super::closure::target_closure;
use super::nodeset::NodeSet;
use super::view::View;
use crate::limits::{Interrupt, Work};
use crate::model::{EdgeId, Graph, NodeId};

/// One scenario operation, with its node sets resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScenarioOp {
    /// `remove SET`: hide the nodes (and so every edge touching them).
    Remove(Vec<NodeId>),
    /// `cut A from B`: hide every arc whose consumer is in T(A) and whose
    /// provider is in T(B).
    Cut(Vec<NodeId>, Vec<NodeId>),
    /// `decouple A and B`: cut both ways.
    Decouple(Vec<NodeId>, Vec<NodeId>),
}

/// What an operation newly hid.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// Nodes hidden.
    pub nodes: usize,
    /// Edges hidden.
    pub edges: usize,
}

/// Applies `op` to `view`. `arcs` says which edges `cut` and `decouple`
/// remove; the spec's meaning (every `dependency` type, whatever a later
/// statement's `via`) is `ArcSpec::new(g, None)`.
pub fn apply(
    g: &Graph,
    view: &mut View,
    arcs: &ArcSpec,
    op: &ScenarioOp,
    work: &Work,
) -> Result<Applied, Interrupt> {
    let mut done = Applied::default();
    match op {
        ScenarioOp::Remove(nodes) => {
            for &n in nodes {
                done.nodes += usize::from(view.hide_node(n));
            }
            work.charge(nodes.len() as u64)?;
        }
        ScenarioOp::Cut(a, b) => {
            let (ta, tb) = (
                target_closure(g, view, a, work)?,
                target_closure(g, view, b, work)?,
            );
            let cut = crossing(g, view, arcs, &ta, &tb, work)?;
            done.edges = hide(view, cut);
        }
        ScenarioOp::Decouple(a, b) => {
            let (ta, tb) = (
                target_closure(g, view, a, work)?,
                target_closure(g, view, b, work)?,
            );
            let mut cut = crossing(g, view, arcs, &ta, &tb, work)?;
            cut.extend(crossing(g, view, arcs, &tb, &ta, work)?);
            done.edges = hide(view, cut);
        }
    }
    Ok(done)
}

/// The visible arcs from a consumer in `from` to a provider in `to`.
fn crossing(
    g: &Graph,
    view: &View,
    arcs: &ArcSpec,
    from: &NodeSet,
    to: &NodeSet,
    work: &Work,
) -> Result<Vec<EdgeId>, Interrupt> {
    let mut out = Vec::new();
    for &u in from.nodes() {
        let mut scanned = 1;
        for (e, p) in arcs.arcs(g, view, u) {
            scanned += 1;
            if to.contains(p) {
                out.push(e);
            }
        }
        work.charge(scanned)?;
    }
    Ok(out)
}

fn hide(view: &mut View, edges: Vec<EdgeId>) -> usize {
    edges
        .into_iter()
        .map(|e| usize::from(view.hide_edge(e)))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::exposure::exposure;
    use crate::analysis::testing::Fixture;

    fn total(g: &Graph, view: &View, of: NodeId, to: NodeId) -> f64 {
        let spec = ArcSpec::new(g, None);
        let rows = exposure(g, view, &spec, &[of], &[to], None, &Work::unlimited()).unwrap();
        rows[0].total
    }

    /// Applies `op` to `view` (no budget).
    fn scenario(g: &Graph, view: &mut View, op: ScenarioOp) -> Applied {
        apply(g, view, &ArcSpec::new(g, None), &op, &Work::unlimited()).unwrap()
    }

    #[test]
    fn remove_a_node_on_every_path() {
        let (g, [apple, foxconn, _, cn, tw]) = Fixture::graph(
            ["apple", "foxconn", "tsmc", "cn", "tw"],
            "apple -> foxconn 0.6, apple -> tsmc 0.4, foxconn in cn, tsmc in tw, tsmc -> foxconn",
        );
        let mut view = View::full();
        assert!((total(&g, &view, apple, cn) - 1.0).abs() < 1e-12);
        let done = scenario(&g, &mut view, ScenarioOp::Remove(vec![foxconn]));
        assert_eq!(done, Applied { nodes: 1, edges: 0 });
        assert_eq!(total(&g, &view, apple, cn), 0.0);
        // Apple's remaining arc is re-weighed: its share 0.4 is all that is known.
        assert!((total(&g, &view, apple, tw) - 0.4).abs() < 1e-12);
    }

    #[test]
    fn cut_is_one_way_and_decouple_both() {
        let (g, [us, cn, usf, cnf, _]) = Fixture::graph(
            ["us", "cn", "usf", "cnf", "usf2"],
            "usf in us, usf2 in us, cnf in cn, usf -> cnf, usf -> usf2, cnf -> usf2",
        );
        let mut view = View::full();
        assert!((total(&g, &view, usf, cn) - 0.5).abs() < 1e-12);
        // Cutting China from the US removes China's dependence on US firms only.
        let done = scenario(&g, &mut view, ScenarioOp::Cut(vec![cn], vec![us]));
        assert_eq!(done.edges, 1);
        assert!((total(&g, &view, usf, cn) - 0.5).abs() < 1e-12);
        assert_eq!(total(&g, &view, cnf, us), 0.0);
        let mut view = View::full();
        let done = scenario(&g, &mut view, ScenarioOp::Decouple(vec![us], vec![cn]));
        assert_eq!(done.edges, 2);
        assert_eq!(total(&g, &view, usf, cn), 0.0);
        // The US firm's remaining arc now carries all its weight.
        assert_eq!(view.hidden_counts(), (0, 2));
    }
}
