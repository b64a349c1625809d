//! A label-setting shortest-path search (Dijkstra) shared by `path` and the
//! explaining path of `exposure`. Labels carry a cost and a hop count; the
//! search pops them in (cost, hops, node, creation) order, which makes every
//! result deterministic.
//!
//! Unbounded, it is plain Dijkstra: one settled label per node. With a hop
//! bound it keeps every label not dominated by a settled one (cheaper or
//! equal and with no more hops), the exact method for "least cost with at
//! most N hops": a node is settled again only with fewer hops than before,
//! so it holds at most N+1 labels. The caller drives the loop (pop, then
//! relax the neighbours it allows), so bans, goals and budgets stay outside.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::model::{EdgeId, NodeId, Path};

const NONE: u32 = u32::MAX;

/// One search state: how `node` was reached.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Label {
    pub node: NodeId,
    /// The edge between this label's node and its parent's node.
    pub edge: Option<EdgeId>,
    parent: u32,
    pub cost: f64,
    pub hops: u32,
}

#[derive(Clone, Copy, Debug)]
struct Key {
    cost: f64,
    hops: u32,
    node: NodeId,
    label: u32,
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Key {}
impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Key) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Key {
    /// Reversed, so the max-heap pops the smallest key.
    fn cmp(&self, other: &Key) -> Ordering {
        other
            .cost
            .total_cmp(&self.cost)
            .then(other.hops.cmp(&self.hops))
            .then(other.node.cmp(&self.node))
            .then(other.label.cmp(&self.label))
    }
}

/// The search state, reusable across searches over one graph ([`clear`]
/// costs only what the last search touched).
///
/// [`clear`]: LabelSearch::clear
pub(crate) struct LabelSearch {
    bounded: bool,
    labels: Vec<Label>,
    heap: BinaryHeap<Key>,
    /// Fewest hops among the node's settled labels (`NONE`: unsettled).
    settled: Vec<u32>,
    /// Best (cost, hops) pushed so far (unbounded mode).
    tent: Vec<(f64, u32)>,
    touched: Vec<NodeId>,
    seen: Vec<bool>,
}

impl LabelSearch {
    /// A search over `n` nodes; `bounded` keeps non-dominated labels (for a
    /// hop bound with real weights), else one label per node.
    pub fn new(n: usize, bounded: bool) -> LabelSearch {
        LabelSearch {
            bounded,
            labels: Vec::new(),
            heap: BinaryHeap::new(),
            settled: vec![NONE; n],
            tent: vec![(f64::INFINITY, NONE); n],
            touched: Vec::new(),
            seen: vec![false; n],
        }
    }

    /// Forgets the last search.
    pub fn clear(&mut self) {
        for n in self.touched.drain(..) {
            self.settled[n.index()] = NONE;
            self.tent[n.index()] = (f64::INFINITY, NONE);
            self.seen[n.index()] = false;
        }
        self.labels.clear();
        self.heap.clear();
    }

    fn touch(&mut self, n: NodeId) {
        if !self.seen[n.index()] {
            self.seen[n.index()] = true;
            self.touched.push(n);
        }
    }

    /// A label that is never searched from (a path's far end), to hang
    /// start labels on.
    pub fn anchor(&mut self, node: NodeId) -> u32 {
        self.labels.push(Label {
            node,
            edge: None,
            parent: NONE,
            cost: 0.0,
            hops: 0,
        });
        (self.labels.len() - 1) as u32
    }

    /// Offers a label for `node`, reached from label `parent` (if any)
    /// through `edge`; it is kept unless dominated.
    pub fn offer(
        &mut self,
        node: NodeId,
        cost: f64,
        hops: u32,
        edge: Option<EdgeId>,
        parent: Option<u32>,
    ) {
        let s = self.settled[node.index()];
        if self.bounded {
            if hops >= s {
                return;
            }
        } else {
            if s != NONE {
                return;
            }
            let (c, h) = self.tent[node.index()];
            if cost.total_cmp(&c).then(hops.cmp(&h)) != Ordering::Less {
                return;
            }
            self.tent[node.index()] = (cost, hops);
        }
        self.touch(node);
        let label = self.labels.len() as u32;
        self.labels.push(Label {
            node,
            edge,
            parent: parent.unwrap_or(NONE),
            cost,
            hops,
        });
        self.heap.push(Key {
            cost,
            hops,
            node,
            label,
        });
    }

    /// Extends label `from` by one edge of weight `w` to `node`.
    #[inline]
    pub fn relax(&mut self, from: u32, edge: EdgeId, node: NodeId, w: f64) {
        let l = self.labels[from as usize];
        self.offer(node, l.cost + w, l.hops + 1, Some(edge), Some(from));
    }

    /// The next label to expand (its node is now settled with it).
    pub fn pop(&mut self) -> Option<u32> {
        while let Some(k) = self.heap.pop() {
            let s = &mut self.settled[k.node.index()];
            let fresh = if self.bounded {
                k.hops < *s
            } else {
                *s == NONE
            };
            if fresh {
                *s = k.hops;
                return Some(k.label);
            }
        }
        None
    }

    /// Label `i`.
    pub fn label(&self, i: u32) -> &Label {
        &self.labels[i as usize]
    }

    /// The walk from label `i`'s node back through its parents to the root
    /// (the order the search came, reversed).
    pub fn walk_to_root(&self, i: u32) -> Path {
        let mut l = self.labels[i as usize];
        let mut p = Path::single(l.node);
        while l.parent != NONE {
            let e = l.edge.unwrap_or(EdgeId(0));
            l = self.labels[l.parent as usize];
            p.push(e, l.node);
        }
        p
    }

    /// The walk from the root to label `i`'s node.
    pub fn walk_from_root(&self, i: u32) -> Path {
        let mut p = self.walk_to_root(i);
        p.nodes.reverse();
        p.edges.reverse();
        p
    }
}
