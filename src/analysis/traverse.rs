//! `upstream` and `downstream` (spec: *Dependency analysis*): breadth-first
//! reachability along the dependency arcs (what the set depends on) or
//! against them (what depends on the set), with each node's fewest-arc depth.

use super::arcs::ArcSpec;
use super::view::View;
use crate::limits::{Interrupt, Work};
use crate::model::{Graph, NodeId};

/// Every visible node outside `seeds` reachable from them along arcs, with
/// its fewest-arc depth, bounded by `depth` when given. Ordered by depth,
/// then name, then id. Arcs of weight 0 still count: this is reachability.
pub fn upstream(
    g: &Graph,
    view: &View,
    arcs: &ArcSpec,
    seeds: &[NodeId],
    depth: Option<u32>,
    work: &Work,
) -> Result<Vec<(NodeId, u32)>, Interrupt> {
    reach(g, view, arcs, seeds, depth, Along::Upstream, work)
}

/// Which way [`reach`] walks the arcs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Along {
    /// From consumers to what they depend on ([`upstream`]).
    Upstream,
    /// Against the arcs: what depends on the set.
    Downstream,
}

/// Every visible node outside `seeds` reachable from them `along` the arcs
/// or against them, with its fewest-arc depth (see [`upstream`]).
pub fn reach(
    g: &Graph,
    view: &View,
    arcs: &ArcSpec,
    seeds: &[NodeId],
    depth: Option<u32>,
    along: Along,
    work: &Work,
) -> Result<Vec<(NodeId, u32)>, Interrupt> {
    let along = along == Along::Upstream;
    let mut dist = vec![u32::MAX; g.node_count()];
    let mut frontier = Vec::new();
    for &s in seeds {
        if view.node(s) && dist[s.index()] == u32::MAX {
            dist[s.index()] = 0;
            frontier.push(s);
        }
    }
    let mut found = Vec::new();
    let mut d = 0;
    while !frontier.is_empty() && depth.is_none_or(|max| d < max) {
        d += 1;
        let mut next = Vec::new();
        for &u in &frontier {
            let it = if along {
                arcs.arcs(g, view, u)
            } else {
                arcs.consumers(g, view, u)
            };
            let mut followed = 1;
            for (_, v) in it {
                followed += 1;
                if dist[v.index()] == u32::MAX {
                    dist[v.index()] = d;
                    next.push(v);
                    found.push((v, d));
                }
            }
            work.charge(followed)?;
        }
        frontier = next;
    }
    work.charge(found.len() as u64)?;
    found.sort_unstable_by(|a, b| {
        a.1.cmp(&b.1)
            .then_with(|| g.node_name(a.0).cmp(g.node_name(b.0)))
            .then_with(|| g.node_key(a.0).cmp(g.node_key(b.0)))
    });
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testing::Fixture;

    #[test]
    fn upstream_and_downstream_with_depth_and_order() {
        let mut f = Fixture::new();
        let [nvidia, tsmc, asml, zeiss, apple, b] =
            f.nodes(["nvidia", "tsmc", "asml", "zeiss", "apple", "b"]);
        f.dep(nvidia, tsmc, Some(0.9));
        f.supplies(asml, tsmc, None); // tsmc depends on asml
        f.link("asml -> zeiss, tsmc -> b, apple -> tsmc");
        f.dep(zeiss, nvidia, None); // a cycle back into the seed
        f.partner(nvidia, apple); // not a dependency
        let g = f.finish();
        let work = Work::unlimited();
        let full = View::full();
        let spec = ArcSpec::new(&g, None);
        let up = upstream(&g, &full, &spec, &[nvidia], None, &work).unwrap();
        assert_eq!(up, vec![(tsmc, 1), (asml, 2), (b, 2), (zeiss, 3)]);
        let up = upstream(&g, &full, &spec, &[nvidia], Some(2), &work).unwrap();
        assert_eq!(up, vec![(tsmc, 1), (asml, 2), (b, 2)]);
        let down = reach(&g, &full, &spec, &[tsmc], None, Along::Downstream, &work).unwrap();
        assert_eq!(down, vec![(apple, 1), (nvidia, 1), (zeiss, 2), (asml, 3)]);
        let mut view = View::full();
        view.hide_node(tsmc);
        assert!(
            upstream(&g, &view, &spec, &[nvidia], None, &work)
                .unwrap()
                .is_empty()
        );
        // via restricts the arc types.
        let only_sup = ArcSpec::new(&g, Some(&[f_sup(&g)]));
        assert_eq!(
            upstream(&g, &full, &only_sup, &[tsmc], None, &work).unwrap(),
            vec![(asml, 1)]
        );
    }

    fn f_sup(g: &Graph) -> crate::model::EdgeTypeId {
        g.edge_type_id("SUPPLIES").unwrap()
    }
}
