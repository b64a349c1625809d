//! What `faultline check` says about validity intervals (time.md): how
//! much of the graph a date hides, and the edges whose interval reaches
//! beyond an end's (the edge would outlive, or predate, a node it joins).

use crate::model::{Date, Graph};

/// How many nodes and edges are hidden on `day` (an edge is hidden when it
/// or either end is not valid then).
pub fn hidden_at(g: &Graph, day: Date) -> (usize, usize) {
    let node_out = |n| g.node_validity(n).is_some_and(|i| !i.contains(day));
    let nodes = g
        .nodes_with_validity()
        .iter()
        .filter(|(_, i)| !i.contains(day))
        .count();
    let edges = g
        .edges()
        .filter(|&e| {
            let (a, b) = g.edge_ends(e);
            g.edge_validity(e).is_some_and(|i| !i.contains(day)) || node_out(a) || node_out(b)
        })
        .count();
    (nodes, edges)
}

/// A warning per edge whose interval reaches beyond either end's.
pub fn interval_warnings(g: &Graph) -> Vec<String> {
    let mut out = Vec::new();
    if g.nodes_with_validity().is_empty() {
        return out;
    }
    for e in g.edges() {
        let (a, b) = g.edge_ends(e);
        // An edge without dates simply holds while both ends do.
        let Some(mine) = g.edge_validity(e) else {
            continue;
        };
        for n in [a, b] {
            let Some(theirs) = g.node_validity(n) else {
                continue;
            };
            if mine.reaches_beyond(&theirs) {
                out.push(format!(
                    "edge `{}` -[{}]-> `{}` (valid {}) reaches beyond `{}` (valid {})",
                    g.node_key(a),
                    g.edge_type_name(g.edge_type(e)),
                    g.node_key(b),
                    mine.describe(),
                    g.node_key(n),
                    theirs.describe(),
                ));
            }
        }
    }
    out
}
