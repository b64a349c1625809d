//! A match that is a scan of listed nodes and one hop whose ends are
//! tallied (`match (f:Firm)-[:LOCATED_IN]->(n:Nation) where degree(f,
//! "SUPPLIES") > $k return n.name, count(*)`), on two threads over the two
//! halves of the list. It counts what the serial scan and hop would have:
//! the same ends in the same first-seen order, the same budget units
//! (charged after, as a BFS level on two threads is). Only for plans whose
//! checks are kinds and types with nothing hidden (see
//! `Matcher::tallying`); anything else runs serially.

use super::tally::Tally;
use crate::model::{Adjacency, Graph, KindId, NodeId, TypeSet};

/// The list length from which the halves run on two threads (tiny in
/// tests, so the property tests' small graphs take this path too).
const TWO_THREADS_MIN: usize = if cfg!(test) { 2 } else { 1 << 12 };

/// How many listed nodes' adjacency is loaded before any is expanded (as
/// `Matcher::warm` does: their cache misses overlap).
const WARM: usize = 16;

/// The scan and the hop, compiled to what they check.
pub(super) struct HopTally<'g> {
    pub g: &'g Graph,
    /// The hop's direction's adjacency.
    pub adj: &'g Adjacency,
    /// The scanned node's kinds (None: any).
    pub from_kinds: Option<&'g [KindId]>,
    /// The hop's edge types (None: any).
    pub types: Option<&'g TypeSet>,
    /// The end node's kinds (None: any).
    pub to_kinds: Option<&'g [KindId]>,
    /// Budget units of one row (its cells).
    pub row_units: u64,
}

impl HopTally<'_> {
    /// The rows from `nodes` counted per end node, in first-seen order,
    /// and the budget units the serial match charges for them.
    pub(super) fn run(&self, nodes: &[NodeId]) -> (Vec<(NodeId, u64)>, u64) {
        if nodes.len() < TWO_THREADS_MIN {
            let (mut tally, units) = self.part(nodes);
            return (tally.take(), units);
        }
        let ((mut tally, units), (mut more, more_units)) =
            crate::par::on_two_halves(nodes.len(), |r| self.part(&nodes[r]));
        for (n, c) in more.take() {
            tally.add_many(n, c);
        }
        (tally.take(), units + more_units)
    }

    fn part(&self, nodes: &[NodeId]) -> (Tally, u64) {
        let g = self.g;
        let mut tally = Tally::default();
        let mut units = 0u64;
        let kind_ok =
            |kinds: Option<&[KindId]>, n: NodeId| kinds.is_none_or(|k| k.contains(&g.node_kind(n)));
        for chunk in nodes.chunks(WARM) {
            // Both of a node's columns: the hop reads its types and then
            // the neighbour of each edge it keeps.
            let mut touched = 0u32;
            for &n in chunk {
                let (types, nbrs) = self.adj.typed_neighbors(n);
                if let (Some(t), Some(v)) = (types.first(), nbrs.first()) {
                    touched ^= u32::from(t.0) ^ v.0;
                }
            }
            std::hint::black_box(touched);
            for &u in chunk {
                units += 1;
                if !kind_ok(self.from_kinds, u) {
                    continue;
                }
                let (types, nbrs) = self.adj.typed_neighbors(u);
                units += nbrs.len() as u64 + 1;
                for (t, &n) in types.iter().zip(nbrs) {
                    if self.types.is_none_or(|s| s.contains(*t)) && kind_ok(self.to_kinds, n) {
                        units += self.row_units;
                        tally.add(n);
                    }
                }
            }
        }
        (tally, units)
    }
}
