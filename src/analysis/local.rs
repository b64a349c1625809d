//! The weighted arc subgraph an analysis works on, compacted: the nodes
//! reachable from the seeds along visible arcs (stopping at an absorbing set
//! and a depth when given), renumbered densely in discovery order, with
//! their positive-weight arcs in a CSR. Exposure and chokepoints iterate
//! over this many times (SCC solving, rounds, the explaining path), so it is
//! worth building once: 16 bytes per arc.

use super::arcs::{ArcSpec, Norm};
use super::nodeset::NodeSet;
use super::view::View;
use crate::limits::{Interrupt, Work};
use crate::model::{EdgeId, Graph, NodeId};

/// "No local index".
pub(crate) const NO: u32 = u32::MAX;

/// How to grow the subgraph.
pub(crate) struct Grow<'a> {
    /// Absorbing nodes: not entered; arcs into them are summed into
    /// [`Local::into_stop`] instead.
    pub stop: Option<&'a NodeSet>,
    /// Nodes at this many arcs from the seeds are kept but not expanded.
    pub depth: Option<u32>,
    /// Whether providers reached only through arcs of weight 0 are kept
    /// (as nodes; such arcs never enter the CSR).
    pub keep_zero: bool,
}

/// A compact arc subgraph; local ids are `u32` positions.
pub(crate) struct Local {
    /// Local id to graph node.
    pub nodes: Vec<NodeId>,
    /// Graph node to local id, or [`NO`].
    pub index: Vec<u32>,
    /// Fewest arcs from the seeds.
    pub dist: Vec<u32>,
    /// Whether the node's arcs were read (false beyond the depth bound).
    pub expanded: Vec<bool>,
    /// How the node's arcs are weighed.
    pub norm: Vec<Norm>,
    /// Sum of the weights of the node's arcs into the stop set.
    pub into_stop: Vec<f64>,
    /// Total weight of the node's arcs (positive ones), to detect leaks.
    pub out_weight: Vec<f64>,
    /// The node's heaviest arc into the stop set (first of equals):
    /// `(edge, stop node, weight)`; weight 0 when it has none.
    pub best_stop: Vec<(EdgeId, NodeId, f64)>,
    off: Vec<u32>,
    tgt: Vec<u32>,
    w: Vec<f64>,
    edge: Vec<EdgeId>,
}

impl Local {
    /// The number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// The local id of `n`, if it is in the subgraph.
    #[inline]
    pub fn local(&self, n: NodeId) -> Option<u32> {
        self.index.get(n.index()).copied().filter(|i| *i != NO)
    }

    /// Local node `u`'s positive-weight arcs to other subgraph nodes, as
    /// `(provider, weight)`; parallel arcs are separate entries.
    #[inline]
    pub fn arcs(&self, u: u32) -> impl Iterator<Item = (u32, f64)> + '_ {
        let r = self.off[u as usize] as usize..self.off[u as usize + 1] as usize;
        self.tgt[r.clone()]
            .iter()
            .copied()
            .zip(self.w[r].iter().copied())
    }

    /// The provider of `u`'s `k`-th arc, if it has that many.
    #[inline]
    pub fn nth_provider(&self, u: u32, k: usize) -> Option<u32> {
        let at = self.off[u as usize] as usize + k;
        (at < self.off[u as usize + 1] as usize).then(|| self.tgt[at])
    }

    /// The number of arcs of `u` in the CSR.
    #[inline]
    pub fn degree(&self, u: u32) -> usize {
        (self.off[u as usize + 1] - self.off[u as usize]) as usize
    }

    /// The number of arcs in the CSR.
    pub fn arc_count(&self) -> usize {
        self.tgt.len()
    }

    /// Arc `a`'s provider.
    #[inline]
    pub fn provider(&self, a: u32) -> u32 {
        self.tgt[a as usize]
    }

    /// Arc `a`'s weight and edge.
    #[inline]
    pub fn arc(&self, a: u32) -> (f64, EdgeId) {
        (self.w[a as usize], self.edge[a as usize])
    }

    /// The indices of `u`'s arcs (for [`Local::provider`] and [`Local::arc`]).
    #[inline]
    pub fn arc_range(&self, u: u32) -> std::ops::Range<u32> {
        self.off[u as usize]..self.off[u as usize + 1]
    }
}

/// Builds the subgraph reachable from `seeds` (visible ones not in the stop
/// set), breadth-first, so `dist` is the fewest-arc distance.
pub(crate) fn grow(
    g: &Graph,
    view: &View,
    spec: &ArcSpec,
    seeds: &[NodeId],
    how: &Grow,
    work: &Work,
) -> Result<Local, Interrupt> {
    let mut l = Local {
        nodes: Vec::new(),
        index: vec![NO; g.node_count()],
        dist: Vec::new(),
        expanded: Vec::new(),
        norm: Vec::new(),
        into_stop: Vec::new(),
        out_weight: Vec::new(),
        best_stop: Vec::new(),
        off: vec![0],
        tgt: Vec::new(),
        w: Vec::new(),
        edge: Vec::new(),
    };
    let stopped = |n: NodeId| how.stop.is_some_and(|s| s.contains(n));
    let add = |l: &mut Local, n: NodeId, d: u32| -> u32 {
        let i = l.nodes.len() as u32;
        l.index[n.index()] = i;
        l.nodes.push(n);
        l.dist.push(d);
        i
    };
    for &s in seeds {
        if view.node(s) && !stopped(s) && l.index[s.index()] == NO {
            add(&mut l, s, 0);
        }
    }
    let mut i = 0;
    while i < l.nodes.len() {
        let u = l.nodes[i];
        let d = l.dist[i];
        i += 1;
        if how.depth.is_some_and(|max| d >= max) {
            l.expanded.push(false);
            l.norm.push(Norm::default());
            l.into_stop.push(0.0);
            l.out_weight.push(0.0);
            l.best_stop.push((EdgeId(0), u, 0.0));
            l.off.push(l.tgt.len() as u32);
            continue;
        }
        let norm = spec.norm(g, view, u);
        let mut into_stop = 0.0;
        let mut out_weight = 0.0;
        let mut best_stop = (EdgeId(0), u, 0.0);
        let mut followed = 1;
        for (e, p) in spec.arcs(g, view, u) {
            followed += 1;
            let w = norm.weight(g, e);
            if stopped(p) {
                into_stop += w;
                out_weight += w;
                if w > best_stop.2 {
                    best_stop = (e, p, w);
                }
                continue;
            }
            if w <= 0.0 && !how.keep_zero {
                continue;
            }
            let lp = match l.index[p.index()] {
                NO => add(&mut l, p, d + 1),
                lp => lp,
            };
            if w > 0.0 {
                out_weight += w;
                l.tgt.push(lp);
                l.w.push(w);
                l.edge.push(e);
            }
        }
        work.charge(followed)?;
        l.expanded.push(true);
        l.norm.push(norm);
        l.into_stop.push(into_stop);
        l.out_weight.push(out_weight);
        l.best_stop.push(best_stop);
        l.off.push(l.tgt.len() as u32);
    }
    Ok(l)
}
