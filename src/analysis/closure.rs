//! Target closure and membership (spec: *Dependency analysis*, *Node sets*).
//!
//! T(Y) is the smallest set holding Y, every node with a `membership` edge
//! into it (`from` belongs to `to`: a firm located in a nation in T) and
//! every node an `impact` edge from it points to (a policy in T acts on a
//! nation, which joins T). One breadth-first pass over those two roles.

use super::nodeset::NodeSet;
use super::view::View;
use crate::limits::{Interrupt, Work};
use crate::model::{Adjacency, Graph, NodeId, Role};

/// Role of every edge type, indexed by type.
fn roles(g: &Graph) -> Vec<Role> {
    g.edge_types().map(|(_, info)| info.role).collect()
}

/// Calls `f` on every visible neighbour of `x` in `adj` through an edge of
/// role `want`.
fn role_nbrs(
    adj: &Adjacency,
    roles: &[Role],
    want: Role,
    view: &View,
    x: NodeId,
    mut f: impl FnMut(NodeId),
) {
    let check = !view.is_full();
    for (e, t, n) in adj.iter(x) {
        if roles.get(t.index()) == Some(&want) && (!check || (!view.edge_hidden(e) && view.node(n)))
        {
            f(n);
        }
    }
}

/// T(`targets`) under `view`: hidden targets do not exist, hidden edges do
/// not pull nodes in. The set lists `targets` first, then the rest in the
/// order they were reached.
pub fn target_closure(
    g: &Graph,
    view: &View,
    targets: &[NodeId],
    work: &Work,
) -> Result<NodeSet, Interrupt> {
    spread(g, view, targets, true, work, |_| {})
}

/// `members of SET`: every visible node with a membership path of one or
/// more edges into `set`, sorted by id. A node of `set` itself is included
/// only when it too has such a path (a nation that is a member of a bloc in
/// the same set; a membership cycle).
pub fn members_of(
    g: &Graph,
    view: &View,
    set: &[NodeId],
    work: &Work,
) -> Result<Vec<NodeId>, Interrupt> {
    let mut reached = NodeSet::new(g.node_count());
    spread(g, view, set, false, work, |n| {
        reached.insert(n);
    })?;
    Ok(reached.sorted())
}

/// Grows a set from the visible `seeds`, visiting its nodes in the order
/// they joined: a visible node with a `membership` edge into a visited node
/// joins, and (with `impact`) one an `impact` edge from it points to.
/// `reached` hears every node found through an edge, seeds included.
fn spread(
    g: &Graph,
    view: &View,
    seeds: &[NodeId],
    impact: bool,
    work: &Work,
    mut reached: impl FnMut(NodeId),
) -> Result<NodeSet, Interrupt> {
    let roles = roles(g);
    let mut set = NodeSet::new(g.node_count());
    for &y in seeds {
        if view.node(y) {
            set.insert(y);
        }
    }
    let mut i = 0;
    let mut found = Vec::new();
    while let Some(&x) = set.nodes().get(i) {
        i += 1;
        let out = if impact { g.out_adj().degree(x) } else { 0 };
        work.charge(1 + (g.in_adj().degree(x) + out) as u64)?;
        role_nbrs(g.in_adj(), &roles, Role::Membership, view, x, |n| {
            found.push(n)
        });
        if impact {
            role_nbrs(g.out_adj(), &roles, Role::Impact, view, x, |n| {
                found.push(n)
            });
        }
        for n in found.drain(..) {
            reached(n);
            set.insert(n);
        }
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testing::Fixture;

    #[test]
    fn closure_follows_membership_in_and_impact_out() {
        let mut f = Fixture::new();
        let [firm, nation, bloc, policy, other_nation, firm2, outsider] = f.nodes([
            "firm", "nation", "bloc", "policy", "other", "firm2", "outsider",
        ]);
        f.link("firm in nation, nation member bloc, policy targets nation");
        f.targets(bloc, other_nation); // impact from T pulls `other` in
        f.located(firm2, other_nation);
        f.dep(outsider, firm, None); // dependency edges never pull anything in
        let g = f.finish();
        let work = Work::unlimited();
        let t = target_closure(&g, &View::full(), &[bloc], &work).unwrap();
        assert_eq!(t.sorted(), vec![firm, nation, bloc, other_nation, firm2]);
        // The policy acts on the nation; the nation's closure does not hold it.
        let t = target_closure(&g, &View::full(), &[policy], &work).unwrap();
        assert_eq!(t.sorted(), vec![firm, nation, policy]);
        // Hidden: the nation no longer exists, so its firm is not pulled in.
        let mut view = View::full();
        view.hide_node(nation);
        let t = target_closure(&g, &view, &[bloc, nation], &work).unwrap();
        assert_eq!(t.sorted(), vec![bloc, other_nation, firm2]);
    }

    #[test]
    fn members_of_excludes_the_set_unless_it_is_a_member() {
        let (g, [firm, de, eu, _]) = Fixture::graph(
            ["firm", "de", "eu", "nato"],
            "firm in de, de member eu, de member nato",
        );
        let work = Work::unlimited();
        let full = View::full();
        assert_eq!(members_of(&g, &full, &[eu], &work).unwrap(), vec![firm, de]);
        assert_eq!(
            members_of(&g, &full, &[eu, de], &work).unwrap(),
            vec![firm, de]
        );
        assert_eq!(
            members_of(&g, &full, &[firm], &work).unwrap(),
            Vec::<NodeId>::new()
        );
    }

    #[test]
    fn closure_is_budgeted() {
        let mut f = Fixture::new();
        let [a, b] = f.nodes(["a", "b"]);
        f.located(a, b);
        let g = f.finish();
        let work = Work::new(1, crate::limits::CancelFlag::new());
        assert!(target_closure(&g, &View::full(), &[b], &work).is_err());
    }
}
