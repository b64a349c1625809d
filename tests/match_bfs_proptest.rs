//! The matcher answers `count(distinct ...)` over a variable-length edge
//! nobody can observe with a BFS (multi-source when the start is not read
//! afterwards). Naming the edge forces the enumeration of every trail; both
//! must reach the same nodes, on random graphs with cycles and self-loops,
//! in either direction and undirected.

#![allow(clippy::panic)]

use faultline::model::{Graph, GraphBuilder};
use faultline::result::Cell;
use faultline::session::Session;
use proptest::prelude::*;

/// Firms `F0..Fn` in nations `N0..N2`; `SUPPLIES` edges from the list.
fn graph(firms: usize, nations: &[usize], supplies: &[(usize, usize)]) -> Graph {
    let mut b = GraphBuilder::new();
    let firm = b.kind("Firm");
    let nation = b.kind("Nation");
    let located = b.edge_type("LOCATED_IN");
    let sup = b.edge_type("SUPPLIES");
    let ns: Vec<_> = (0..3)
        .map(|i| {
            b.add_node(&format!("N{i}"), nation, &format!("Nation {i}"), vec![], [])
                .expect("unique nation ids")
        })
        .collect();
    let fs: Vec<_> = (0..firms)
        .map(|i| {
            b.add_node(&format!("F{i}"), firm, &format!("Firm {i}"), vec![], [])
                .expect("unique firm ids")
        })
        .collect();
    for (i, f) in fs.iter().enumerate() {
        b.add_edge(*f, ns[nations[i % nations.len()] % 3], located, []);
    }
    for &(a, c) in supplies {
        b.add_edge(fs[a % firms], fs[c % firms], sup, []);
    }
    b.finish()
}

fn count(session: &mut Session, q: &str) -> i64 {
    let outcomes = session.execute(q, false);
    let result = outcomes[0].result.as_ref().expect("the query runs");
    match &result.rows[0][0] {
        Cell::Value(faultline::model::Value::Int(n)) => *n,
        other => panic!("not a count: {other:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn bfs_and_trails_reach_the_same_nodes(
        firms in 2usize..12,
        nations in proptest::collection::vec(0usize..3, 1..12),
        supplies in proptest::collection::vec((0usize..12, 0usize..12), 0..30),
        min in 0u32..2,
        max in 1u32..5,
    ) {
        let mut s = Session::new(graph(firms, &nations, &supplies));
        for (shape, start) in [
            // Multi-source: every firm of a nation, the start not read later.
            ("(x:Nation {id: 'N0'})<-[:LOCATED_IN]-(f:Firm)-[{e}:SUPPLIES*{q}]->(g:Firm)-[:LOCATED_IN]->(y:Nation) where y <> x", "g"),
            // Single source, read afterwards.
            ("(f:Firm {id: 'F0'})-[{e}:SUPPLIES*{q}]->(g:Firm) where f <> g", "g"),
            // Backwards from every firm.
            ("(g:Firm)<-[{e}:SUPPLIES*{q}]-(f:Firm)", "f"),
            // Two in a row: the second's starts come from the first's flush.
            ("(a:Firm {id: 'F1'})-[{e}:SUPPLIES*{q}]->(b:Firm)-[:SUPPLIES*1..2]->(c:Firm)", "c"),
            // Undirected: back to a source only by a trail (a-b-a reuses an edge).
            ("(f:Firm {id: 'F0'})-[{e}:SUPPLIES*{q}]-(g:Firm)", "g"),
            ("(x:Nation {id: 'N0'})<-[:LOCATED_IN]-(f:Firm)-[{e}:SUPPLIES*{q}]-(g:Firm)", "g"),
            ("(g:Firm)-[{e}:SUPPLIES*{q}]-(f:Firm)", "f"),
        ] {
            let q = format!("{min}..{max}");
            let bfs = shape.replace("{e}", "").replace("{q}", &q);
            let trails = shape.replace("{e}", "r").replace("{q}", &q);
            let a = count(&mut s, &format!("match {bfs} return count(distinct {start})"));
            let b = count(&mut s, &format!("match {trails} return count(distinct {start})"));
            prop_assert_eq!(a, b, "{}", bfs);
        }
    }
}
