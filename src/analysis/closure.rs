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
    let roles = roles(g);
    let mut t = NodeSet::new(g.node_count());
    for &y in targets {
        if view.node(y) {
            t.insert(y);
        }
    }
    let mut i = 0;
    while let Some(&x) = t.nodes().get(i) {
        i += 1;
        work.charge(1 + (g.in_adj().degree(x) + g.out_adj().degree(x)) as u64)?;
        let mut found = Vec::new();
        role_nbrs(g.in_adj(), &roles, Role::Membership, view, x, |n| {
            found.push(n)
        });
        role_nbrs(g.out_adj(), &roles, Role::Impact, view, x, |n| {
            found.push(n)
        });
        for n in found {
            t.insert(n);
        }
    }
    Ok(t)
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
    let roles = roles(g);
    let mut expanded = NodeSet::new(g.node_count());
    let mut reached = NodeSet::new(g.node_count());
    for &y in set {
        if view.node(y) {
            expanded.insert(y);
        }
    }
    let mut i = 0;
    while let Some(&x) = expanded.nodes().get(i) {
        i += 1;
        work.charge(1 + g.in_adj().degree(x) as u64)?;
        let mut found = Vec::new();
        role_nbrs(g.in_adj(), &roles, Role::Membership, view, x, |n| {
            found.push(n)
        });
        for n in found {
            reached.insert(n);
            expanded.insert(n);
        }
    }
    Ok(reached.sorted())
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
        f.located(firm, nation);
        f.member_of(nation, bloc);
        f.targets(policy, nation);
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
        let mut f = Fixture::new();
        let [firm, de, eu, nato] = f.nodes(["firm", "de", "eu", "nato"]);
        f.located(firm, de);
        f.member_of(de, eu);
        f.member_of(de, nato);
        let g = f.finish();
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
