use proptest::prelude::*;

use super::super::{PathMode, PathQuery, Walker, paths, shortest_by_labels};
use crate::analysis::View;
use crate::analysis::testing::Fixture;
use crate::limits::Work;
use crate::model::{EdgeTypeId, Graph, NodeId};

fn query<'a>(
    from: &'a [NodeId],
    to: &'a [NodeId],
    types: Option<&'a [EdgeTypeId]>,
    undirected: bool,
    max: Option<u32>,
) -> PathQuery<'a> {
    PathQuery {
        from,
        to,
        types,
        undirected,
        weighted: None,
        max,
        mode: PathMode::Shortest,
    }
}

/// The fewest-hops search and the label search agree on `q` under `view`.
fn agree(g: &Graph, view: &View, q: &PathQuery) -> Result<(), TestCaseError> {
    let work = Work::unlimited();
    let fast = paths(g, view, q, &work).unwrap();
    let slow = shortest_by_labels(&Walker::new(g, view, q), q, &work).unwrap();
    prop_assert_eq!(fast, slow.into_iter().collect::<Vec<_>>());
    Ok(())
}

/// A hub feeding many firms, two of which lead to the target in four hops,
/// plus decoys: the path the label search picks (parents with the lowest
/// ids, chosen from the target back).
#[test]
fn hub_to_target_three_hops_matches_label_search() {
    let mut f = Fixture::new();
    let hub = f.node("hub");
    let mids: Vec<NodeId> = (0..50).map(|i| f.node(&format!("m{i}"))).collect();
    let [x1, x2, y, t] = f.nodes(["x1", "x2", "y", "t"]);
    for &m in &mids {
        f.supplies(hub, m, None);
    }
    // Two ways from the mids to y (through x1 and x2), parallel edges
    // into t, and a longer decoy.
    f.supplies(mids[40], x2, None);
    f.supplies(mids[7], x1, None);
    f.supplies(mids[3], x2, None);
    f.link("x2 supplies y, x1 supplies y");
    let e1 = f.supplies(y, t, None);
    f.supplies(y, t, None);
    f.supplies(mids[9], mids[10], None);
    let g = f.finish();
    let sup = g.edge_type_id("SUPPLIES").unwrap();
    let (from, to) = ([hub], [t]);
    let types = [sup];
    let q = query(&from, &to, Some(&types), false, None);
    let got = paths(&g, &View::full(), &q, &Work::unlimited()).unwrap();
    assert_eq!(got.len(), 1);
    // y's parent is the lower of x1 and x2, whatever comes before them.
    assert_eq!(got[0].path.nodes, vec![hub, mids[7], x1, y, t]);
    assert_eq!(got[0].path.edges[3], e1);
    assert_eq!(got[0].cost, 4.0);
    let slow =
        shortest_by_labels(&Walker::new(&g, &View::full(), &q), &q, &Work::unlimited()).unwrap();
    assert_eq!(Some(got[0].clone()), slow);
    // Bounded below the distance: nothing.
    let q = query(&from, &to, Some(&types), false, Some(3));
    assert!(
        paths(&g, &View::full(), &q, &Work::unlimited())
            .unwrap()
            .is_empty()
    );
}

/// A small budget interrupts the search instead of running on, and the
/// interrupted search leaves its kept node slots clean for the next one.
#[test]
fn budget_interrupts() {
    let (g, nodes) = Fixture::chain(40, 1);
    let q = query(&nodes[..1], &nodes[39..], None, false, None);
    let work = Work::new(10, crate::limits::CancelFlag::new());
    assert!(paths(&g, &View::full(), &q, &work).is_err());
    let got = paths(&g, &View::full(), &q, &Work::unlimited()).unwrap();
    assert_eq!(got[0].path.nodes, nodes);
}

fn graph(n: usize, edges: &[(usize, usize, u8)]) -> (Graph, Vec<EdgeTypeId>) {
    let mut f = Fixture::new();
    let nodes: Vec<NodeId> = (0..n).map(|i| f.node(&format!("n{i}"))).collect();
    let types = [f.dep, f.sup, f.other, f.loc];
    for &(a, b, ty) in edges {
        f.edge(nodes[a % n], nodes[b % n], types[ty as usize % 4], None);
    }
    (f.finish(), types.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn fewest_hops_is_the_label_search_path(
        n in 1usize..30,
        edges in proptest::collection::vec((0usize..30, 0usize..30, 0u8..4), 0..90),
        from in proptest::collection::vec(0usize..30, 1..4),
        to in proptest::collection::vec(0usize..30, 1..4),
        via in proptest::option::of(proptest::collection::vec(0usize..4, 1..3)),
        undirected in any::<bool>(),
        max in proptest::option::of(0u32..8),
        hide_nodes in proptest::collection::vec(0usize..30, 0..3),
        hide_edges in proptest::collection::vec(0usize..90, 0..4),
    ) {
        let (g, types) = graph(n, &edges);
        let from: Vec<NodeId> = from.iter().map(|i| NodeId::from_index(i % n)).collect();
        let to: Vec<NodeId> = to.iter().map(|i| NodeId::from_index(i % n)).collect();
        let via: Option<Vec<EdgeTypeId>> = via.map(|v| v.iter().map(|&i| types[i]).collect());
        let q = query(&from, &to, via.as_deref(), undirected, max);
        agree(&g, &View::full(), &q)?;
        let mut view = View::full();
        for &i in &hide_nodes {
            view.hide_node(NodeId::from_index(i % n));
        }
        for &i in &hide_edges {
            if i < g.edge_count() {
                view.hide_edge(crate::model::EdgeId(i as u32));
            }
        }
        agree(&g, &view, &q)?;
    }

    /// Long thin graphs: the sides meet many levels out.
    #[test]
    fn fewest_hops_on_sparse_long_graphs(
        n in 10usize..60,
        edges in proptest::collection::vec((0usize..60, 0usize..60, 0u8..2), 0..80),
        from in proptest::collection::vec(0usize..60, 1..3),
        to in proptest::collection::vec(0usize..60, 1..3),
        undirected in any::<bool>(),
    ) {
        let (g, _) = graph(n, &edges);
        let from: Vec<NodeId> = from.iter().map(|i| NodeId::from_index(i % n)).collect();
        let to: Vec<NodeId> = to.iter().map(|i| NodeId::from_index(i % n)).collect();
        let q = query(&from, &to, None, undirected, None);
        agree(&g, &View::full(), &q)?;
    }
}
