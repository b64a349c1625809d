//! Test graphs shared by the crate's unit tests.

use super::{EdgeTypeId, GraphBuilder, NodeId};

/// A builder holding `n` firms (ids `f0…`, names `F0…`) and a
/// `DEPENDS_ON` edge type, for tests to add edges to.
pub(crate) fn firms(n: usize) -> (GraphBuilder, Vec<NodeId>, EdgeTypeId) {
    let mut b = GraphBuilder::new();
    let firm = b.kind("Firm");
    let dep = b.edge_type("DEPENDS_ON");
    let ids = (0..n)
        .map(|i| {
            b.add_node(&format!("f{i}"), firm, &format!("F{i}"), vec![], [])
                .expect("fresh id")
        })
        .collect();
    (b, ids, dep)
}
