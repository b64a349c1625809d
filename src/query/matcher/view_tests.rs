//! The matcher's fast paths under a view that hides some nodes and edges
//! (a date's view, a scenario's) against straightforward per-edge
//! implementations: the typed-neighbour BFS of a variable-length edge and
//! the `degree(...)` counts.

use std::collections::BTreeSet;

use proptest::prelude::*;

use crate::analysis::View;
use crate::analysis::testing::{Viewed, random_graph, random_graph_of_two_kinds, viewed};
use crate::diag::Span;
use crate::limits::Work;
use crate::model::{Date, EdgeId, Graph, NodeId};
use crate::query::time::Timeline;
use crate::query::{Env, Params, Scenarios, execute};
use crate::result::Cell;

/// Runs one FQL statement on `g` under `view`; the rows as text.
fn rows(g: &Graph, view: &View, source: &str) -> Vec<Vec<String>> {
    rows_and_work(g, view, source).0
}

/// [`rows`], and the budget units the statement used.
fn rows_and_work(g: &Graph, view: &View, source: &str) -> (Vec<Vec<String>>, u64) {
    let stmt = crate::syntax::parse_statement(source, Span::new(0, source.len()))
        .expect("the test's statements parse");
    let work = Work::unlimited();
    let timeline = Timeline::new(Date::today());
    let unknowns = crate::analysis::UnknownCache::new();
    let mut scenarios = Scenarios::new();
    let params = Params::new();
    let mut env = Env {
        graph: g,
        params: &params,
        scenarios: &mut scenarios,
        work: &work,
        source,
        footprint: false,
        date: timeline.today(),
        timeline: &timeline,
        unknowns: &unknowns,
        row_limit: usize::MAX,
        export: None,
        warnings: Vec::new(),
    };
    let result = execute(&mut env, &stmt, view).expect("the test's statements run");
    let rows = result
        .result
        .rows
        .iter()
        .map(|r| r.iter().map(text).collect())
        .collect();
    (rows, work.used())
}

fn text(c: &Cell) -> String {
    match c {
        Cell::Value(v) => v.to_string(),
        other => format!("{other:?}"),
    }
}

/// A view hiding the nodes and edges at the given positions (modulo the
/// graph's counts).
fn view_of(g: &Graph, nodes: &[usize], edges: &[usize]) -> View {
    let mut view = View::full();
    for &i in nodes {
        view.hide_node(NodeId::from_index(i % g.node_count()));
    }
    if g.edge_count() > 0 {
        for &i in edges {
            view.hide_edge(EdgeId((i % g.edge_count()) as u32));
        }
    }
    view
}

/// The visible `(edge, neighbour)` pairs of `u`, out (`Some(true)`), in
/// (`Some(false)`) or both, of type `ty` (`None`: any), checked edge by
/// edge with [`View::edge`].
fn visible_steps(
    g: &Graph,
    view: &View,
    u: NodeId,
    out: Option<bool>,
    ty: Option<&str>,
) -> Vec<(EdgeId, NodeId)> {
    let mut steps = Vec::new();
    for e in (0..g.edge_count()).map(|i| EdgeId(i as u32)) {
        if ty.is_some_and(|t| g.edge_type_name(g.edge_type(e)) != t) || !view.edge(g, e) {
            continue;
        }
        let (a, b) = g.edge_ends(e);
        if out != Some(false) && a == u {
            steps.push((e, b));
        }
        // A self-loop is one step when both directions are followed.
        if out != Some(true) && b == u && !(out.is_none() && a == b) {
            steps.push((e, a));
        }
    }
    steps
}

/// The ids of the nodes 1..=`max` steps from `s` (trails, each node once),
/// by a plain BFS over [`visible_steps`].
fn reachable(
    g: &Graph,
    view: &View,
    s: NodeId,
    out: Option<bool>,
    ty: Option<&str>,
    max: Option<u32>,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut frontier = vec![s];
    let mut depth = 0;
    while !frontier.is_empty() && max.is_none_or(|m| depth < m) {
        depth += 1;
        let mut next = Vec::new();
        for u in frontier {
            for (_, n) in visible_steps(g, view, u, out, ty) {
                if seen.insert(n) {
                    next.push(n);
                }
            }
        }
        frontier = next;
    }
    // Undirected, a walk back to `s` may reuse its edge (s-x-s); a match
    // is a trail, so `s` counts only on a cycle: a self-loop, or an edge
    // (s, x) and a way from x back to s without that edge, within `max`.
    if out.is_none() && seen.contains(&s) {
        let on_cycle = visible_steps(g, view, s, None, ty)
            .into_iter()
            .any(|(e, x)| {
                x == s || {
                    let mut reached = BTreeSet::from([x]);
                    let mut frontier = vec![x];
                    let mut len = 1;
                    let mut back = false;
                    while !back && !frontier.is_empty() && max.is_none_or(|m| len < m) {
                        len += 1;
                        let mut next = Vec::new();
                        for u in frontier {
                            for (f, n) in visible_steps(g, view, u, None, ty) {
                                if f == e {
                                    continue;
                                }
                                back |= n == s;
                                if reached.insert(n) {
                                    next.push(n);
                                }
                            }
                        }
                        frontier = next;
                    }
                    back
                }
            });
        if !on_cycle {
            seen.remove(&s);
        }
    }
    seen.iter().map(|n| g.node_key(*n).to_string()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn bfs_under_a_view_is_the_per_edge_search(
        Viewed { n, edges, hide_nodes, hide_edges } in viewed(25, 80),
        start in 0usize..25,
        dir in 0u8..3,
        ty in proptest::option::of(0u8..3),
        max in proptest::option::of(1u32..4),
    ) {
        let g = random_graph(n, &edges);
        let view = view_of(&g, &hide_nodes, &hide_edges);
        let s = NodeId::from_index(start % n);
        let names = ["DEPENDS_ON", "SUPPLIES", "PARTNER"];
        let ty = ty.map(|t| names[t as usize]);
        let out = [Some(true), Some(false), None][dir as usize];
        let (left, right) = [("-", "->"), ("<-", "-"), ("-", "-")][dir as usize];
        let quant = max.map_or("*".to_string(), |m| format!("*1..{m}"));
        let label = ty.map_or(String::new(), |t| format!(":{t}"));
        let source = format!(
            "match (a {{id: \"{}\"}}){left}[{label}{quant}]{right}(b) return distinct b.id",
            g.node_key(s)
        );
        let found: BTreeSet<String> = rows(&g, &view, &source)
            .into_iter()
            .map(|r| r[0].clone())
            .collect();
        let expected = if view.node(s) {
            reachable(&g, &view, s, out, ty, max)
        } else {
            BTreeSet::new()
        };
        prop_assert_eq!(&found, &expected, "{}", source);
        // Counted, the ends may come in node order (and each BFS level
        // is expanded in node order): the same number.
        let counted = source.replace("return distinct b.id", "return count(distinct b)");
        let n = expected.len().to_string();
        prop_assert_eq!(rows(&g, &view, &counted), vec![vec![n]], "{}", counted);
    }

    #[test]
    fn degree_under_a_view_counts_the_visible_edges(
        Viewed { n, edges, hide_nodes, hide_edges } in viewed(25, 80),
    ) {
        let g = random_graph(n, &edges);
        let view = view_of(&g, &hide_nodes, &hide_edges);
        let found = rows(
            &g,
            &view,
            "match (n) return n.id, degree(n), degree(n, \"SUPPLIES\"), \
             in_degree(n, \"PARTNER\"), out_degree(n, \"DEPENDS_ON\"), degree(n, \"NONE\") \
             order by n.id",
        );
        let mut visible: Vec<NodeId> = g.nodes().filter(|n| view.node(*n)).collect();
        visible.sort_by_key(|n| g.node_key(*n).to_string());
        let count = |u, out, ty| visible_steps(&g, &view, u, out, ty).len();
        let expected: Vec<Vec<String>> = visible
            .iter()
            .map(|&u| {
                // `degree` counts a self-loop at both ends, as out and in.
                let both = |ty| count(u, Some(true), ty) + count(u, Some(false), ty);
                vec![
                    g.node_key(u).to_string(),
                    both(None).to_string(),
                    both(Some("SUPPLIES")).to_string(),
                    count(u, Some(false), Some("PARTNER")).to_string(),
                    count(u, Some(true), Some("DEPENDS_ON")).to_string(),
                    "0".to_string(),
                ]
            })
            .collect();
        prop_assert_eq!(found, expected);
    }

    #[test]
    fn compiled_degree_filters_decide_as_the_interpreter(
        Viewed { n, edges, hide_nodes, hide_edges } in viewed(25, 80),
        func in 0usize..3,
        ty in 0usize..5,
        op in 0usize..6,
        value in 0usize..8,
        mirror in any::<bool>(),
        shape in 0usize..4,
    ) {
        let g = random_graph(n, &edges);
        let view = view_of(&g, &hide_nodes, &hide_edges);
        let func = ["degree", "in_degree", "out_degree"][func];
        let ty = ["", ", \"SUPPLIES\"", ", \"PARTNER\"", ", \"DEPENDS_ON\"", ", \"NONE\""][ty];
        let op = ["<", "<=", ">", ">=", "=", "<>"][op];
        let value = ["0", "1", "2", "3", "2.5", "3.0", "-1", "1e300"][value];
        let call = format!("{func}(a{ty})");
        let pred = if mirror {
            format!("{value} {op} {call}")
        } else {
            format!("{call} {op} {value}")
        };
        // The same filter written so it does not compile (`(...) = true`)
        // takes the interpreter's path.
        // `(a:Firm)`: the scan of a kind's list.
        let pattern =
            ["(a)", "(b)-[:SUPPLIES]->(a)", "(a)<-[:DEPENDS_ON]-(b)-[]-(c)", "(a:Firm)"][shape];
        let ret = ["a.id", "a.id, b.id", "a.id, b.id, c.id", "a.id"][shape];
        let compiled = format!("match {pattern} where {pred} return {ret}");
        let interpreted = format!("match {pattern} where ({pred}) = true return {ret}");
        let mut found = rows(&g, &view, &compiled);
        let mut expected = rows(&g, &view, &interpreted);
        found.sort();
        expected.sort();
        prop_assert_eq!(found, expected, "{}", compiled);
    }

    #[test]
    fn groups_found_by_node_are_the_groups_of_their_keys(
        Viewed { n, edges, hide_nodes, hide_edges } in viewed(25, 80),
        key in 0usize..4,
    ) {
        let g = random_graph(n, &edges);
        let view = view_of(&g, &hide_nodes, &hide_edges);
        // Keys read from one node are grouped by the node first; the same
        // key written as an expression (`+ ""`) is evaluated per row.
        let key = ["kind(b)", "b.id", "name(b)", "b.nope"][key];
        let by_node = format!("match (a)-[]->(b) return {key}, count(*), count(distinct a)");
        let by_value =
            format!("match (a)-[]->(b) return {key} + \"\", count(*), count(distinct a)");
        let mut found = rows(&g, &view, &by_node);
        let mut expected = rows(&g, &view, &by_value);
        found.sort();
        expected.sort();
        prop_assert_eq!(found, expected, "{}", by_node);
    }

    #[test]
    fn rows_tallied_per_end_node_are_the_rows_grouped_by_value(
        Viewed { n, edges, hide_nodes, hide_edges } in viewed(25, 80),
        hide in any::<bool>(),
        key in 0usize..4,
        shape in 0usize..6,
        ordered in any::<bool>(),
    ) {
        let g = random_graph_of_two_kinds(n, &edges);
        let view = if hide { view_of(&g, &hide_nodes, &hide_edges) } else { View::full() };
        // Grouped by the end node and only counted: the last hop counts
        // its ends (on two threads for a scan and one hop, nothing hidden).
        // The same key written as an expression takes a row each.
        let key = ["b.id", "name(b)", "kind(b)", "b.nope"][key];
        // (Every third node is a Nation, the others Firms.)
        let pattern = [
            "(a)-[:SUPPLIES]->(b)",
            "(a:Nation)<-[:PARTNER]-(b:Firm)",
            "(a)-[]-(b)",
            "(a:Nation)-[:SUPPLIES|PARTNER]->(b:Nation) where degree(a) > 1",
            "(c)-[]->(a)-[:SUPPLIES]->(b)",
            "(a)-[:DEPENDS_ON]->(b) where a.id <> b.id",
        ][shape];
        let order = |k: &str| if ordered { format!(" order by {k}") } else { String::new() };
        let tallied = format!("match {pattern} return {key}, count(*) as n{}", order(key));
        let by_value = format!(
            "match {pattern} return {key} + \"\" as k, count(*) as n{}",
            order("k")
        );
        let (found, used) = rows_and_work(&g, &view, &tallied);
        let (expected, expected_used) = rows_and_work(&g, &view, &by_value);
        // In the same order (groups in the order their first rows came),
        // for the same budget.
        prop_assert_eq!(found, expected, "{}", tallied);
        prop_assert_eq!(used, expected_used, "{}", tallied);
    }
}
