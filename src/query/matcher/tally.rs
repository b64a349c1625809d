//! Rows counted per node instead of handed over one by one: when all the
//! consumer does with a row is add one to the group of the node bound to
//! one slot (`return n.name, count(*)`, see
//! [`Projection::tallied_slot`](crate::query::project::Projection::tallied_slot)),
//! the match's last hop counts its ends here and the consumer gets each
//! node once with its count. The rows' order of first appearance is kept,
//! so groups come out in the order the rows would have made them.

use crate::hash::FxMap;
use crate::model::NodeId;

/// Counts per node, in the order each node was first counted.
#[derive(Default)]
pub(super) struct Tally {
    at: FxMap<NodeId, usize>,
    counts: Vec<(NodeId, u64)>,
}

impl Tally {
    /// One more row ending at `n`.
    pub(super) fn add(&mut self, n: NodeId) {
        self.add_many(n, 1);
    }

    /// `count` more rows ending at `n`.
    pub(super) fn add_many(&mut self, n: NodeId, count: u64) {
        match self.at.get(&n) {
            Some(&i) => self.counts[i].1 += count,
            None => {
                self.at.insert(n, self.counts.len());
                self.counts.push((n, count));
            }
        }
    }

    /// The counts, each node once, in first-seen order; empties the tally.
    pub(super) fn take(&mut self) -> Vec<(NodeId, u64)> {
        self.at.clear();
        std::mem::take(&mut self.counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_keep_the_order_nodes_were_first_met() {
        let mut t = Tally::default();
        for n in [3, 1, 3, 2, 1, 3] {
            t.add(NodeId::from_index(n));
        }
        let got: Vec<(usize, u64)> = t.take().into_iter().map(|(n, c)| (n.index(), c)).collect();
        assert_eq!(got, vec![(3, 3), (1, 2), (2, 1)]);
        assert!(t.take().is_empty());
    }
}
