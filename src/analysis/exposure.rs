//! `exposure` (spec: *Dependency analysis*): how much of each node's needs
//! end up, through dependency arcs, in a target closure T.
//!
//! `total(u) = 1` for u in T, else `Σ w(u,v)·total(v)` over u's arcs: the
//! probability that a walk following arcs by weight reaches T. One
//! propagation serves every row:
//!
//! 1. T = the target closure (membership in, impact out).
//! 2. The subgraph reachable from the rows along positive-weight arcs,
//!    stopping at T; arcs into T fold into a per-node constant (`direct`).
//! 3. Unbounded: strongly connected components in reverse topological
//!    order. An acyclic node is exact in one step; a cyclic component solves
//!    `x = b + A x` exactly (LU, up to a few hundred nodes) or by
//!    Gauss-Seidel bracketed from 0 and 1 to 1e-13. A component whose `b` is
//!    all 0 stays at 0: that is the least fixed point even when `I - A` is
//!    singular (a closed cycle that never reaches T).
//! 4. With `depth N`: N synchronous rounds `total_k = b + A total_{k-1}`,
//!    stopping early once a round changes nothing.
//! 5. The explaining path maximises the product of weights: Dijkstra on
//!    `-ln w` backwards from the arcs into T, over nodes with a positive
//!    total (with a hop bound under `depth N`).

use super::arcs::ArcSpec;
use super::closure::target_closure;
use super::labels::LabelSearch;
use super::local::{Grow, Local, NO, grow};
use super::nodeset::NodeSet;
use super::scc::sccs;
use super::solve::{DENSE_MAX, Lu, bracket, i_minus_a};
use super::view::View;
use crate::limits::{Interrupt, Work};
use crate::model::{Graph, NodeId, Path};

/// One row of `exposure`.
#[derive(Clone, Debug, PartialEq)]
pub struct ExposureRow {
    /// The node of the first set.
    pub node: NodeId,
    /// The weight of its arcs straight into T (1 when it is in T).
    pub direct: f64,
    /// Its exposure to T through any walk (1 when it is in T).
    pub total: f64,
    /// The walk into T with the largest product of weights, from `node` to
    /// a node of T; just `node` when it is in T; `None` when `total` is 0.
    pub path: Option<Path>,
}

/// The exposure of every visible node of `of` to T(`targets`), one row per
/// distinct node, ordered by `total` descending, then name, then id. The
/// caller applies `top K`.
pub fn exposure(
    g: &Graph,
    view: &View,
    arcs: &ArcSpec,
    of: &[NodeId],
    targets: &[NodeId],
    depth: Option<u32>,
    work: &Work,
) -> Result<Vec<ExposureRow>, Interrupt> {
    exposure_with(g, view, arcs, of, targets, depth, DENSE_MAX, work)
}

/// [`exposure`] with the dense solver's size limit as a parameter.
#[allow(clippy::too_many_arguments)]
pub(crate) fn exposure_with(
    g: &Graph,
    view: &View,
    arcs: &ArcSpec,
    of: &[NodeId],
    targets: &[NodeId],
    depth: Option<u32>,
    dense_max: usize,
    work: &Work,
) -> Result<Vec<ExposureRow>, Interrupt> {
    let t = target_closure(g, view, targets, work)?;
    let mut rows: Vec<NodeId> = of.iter().copied().filter(|n| view.node(*n)).collect();
    rows.sort_unstable();
    rows.dedup();
    let seeds: Vec<NodeId> = rows.iter().copied().filter(|n| !t.contains(*n)).collect();
    let how = Grow {
        stop: Some(&t),
        depth,
        keep_zero: false,
    };
    let l = grow(g, view, arcs, &seeds, &how, work)?;
    let total = match depth {
        None => fixed_point(&l, dense_max, work)?,
        Some(n) => rounds(&l, n, work)?,
    };
    let mut paths = explaining_paths(g, view, arcs, &l, &t, &total, &seeds, depth, work)?;
    let mut out = Vec::with_capacity(rows.len());
    for n in rows {
        if t.contains(n) {
            out.push(ExposureRow {
                node: n,
                direct: 1.0,
                total: 1.0,
                path: Some(Path::single(n)),
            });
            continue;
        }
        let Some(u) = l.local(n) else { continue };
        let u = u as usize;
        let tot = total[u].clamp(0.0, 1.0);
        out.push(ExposureRow {
            node: n,
            direct: l.into_stop[u].min(1.0),
            total: tot,
            path: if tot > 0.0 { paths[u].take() } else { None },
        });
    }
    work.charge(out.len() as u64)?;
    out.sort_by(|a, b| {
        b.total
            .total_cmp(&a.total)
            .then_with(|| g.node_name(a.node).cmp(g.node_name(b.node)))
            .then_with(|| g.node_key(a.node).cmp(g.node_key(b.node)))
    });
    Ok(out)
}

/// The least fixed point of `total = b + A total` on the subgraph, by
/// strongly connected components in reverse topological order.
/// Components up to `dense_max` nodes are solved by LU (tests lower it to
/// exercise the iterative solver).
fn fixed_point(l: &Local, dense_max: usize, work: &Work) -> Result<Vec<f64>, Interrupt> {
    let sccs = sccs(l, work)?;
    let mut total = vec![0.0; l.len()];
    for c in 0..sccs.count() {
        let m = sccs.members(c);
        if !sccs.cyclic(c, l) {
            let u = m[0];
            total[u as usize] = l.into_stop[u as usize]
                + l.arcs(u).map(|(v, w)| w * total[v as usize]).sum::<f64>();
            continue;
        }
        work.charge(m.iter().map(|&u| 1 + l.degree(u) as u64).sum())?;
        let ext: Vec<f64> = m
            .iter()
            .map(|&u| {
                let outside: f64 = l
                    .arcs(u)
                    .filter(|(v, _)| sccs.comp[*v as usize] as usize != c)
                    .map(|(v, w)| w * total[v as usize])
                    .sum();
                l.into_stop[u as usize] + outside
            })
            .collect();
        if ext.iter().all(|x| *x == 0.0) {
            continue;
        }
        let dense = if m.len() <= dense_max {
            work.charge((m.len() * m.len()) as u64)?;
            Lu::factor(i_minus_a(l, &sccs, c), m.len()).map(|lu| lu.solve(&ext))
        } else {
            None
        };
        let x = match dense {
            Some(x) => x,
            None => bracket(l, &sccs, c, &ext, None, work)?,
        };
        for (&u, v) in m.iter().zip(x) {
            total[u as usize] = v.clamp(0.0, 1.0);
        }
    }
    Ok(total)
}

/// `total_N` by synchronous rounds. Nodes beyond the depth bound were not
/// expanded and stay 0, which is exactly what the rounds that read them
/// need (a node k arcs from the rows matters only up to round N - k).
fn rounds(l: &Local, n: u32, work: &Work) -> Result<Vec<f64>, Interrupt> {
    let mut x = vec![0.0; l.len()];
    for _ in 0..n {
        work.charge((l.len() + l.arc_count()) as u64)?;
        let y: Vec<f64> = (0..l.len() as u32)
            .map(|u| {
                l.into_stop[u as usize] + l.arcs(u).map(|(v, w)| w * x[v as usize]).sum::<f64>()
            })
            .collect();
        if y == x {
            break;
        }
        x = y;
    }
    Ok(x)
}

/// The walk into T with the largest product of weights, for every seed with
/// a positive total (indexed by local id). Backward Dijkstra on `-ln w`
/// from the arcs into T, over expanded nodes with a positive total; with
/// `depth N`, walks of at most N arcs (label-setting with a hop bound).
#[allow(clippy::too_many_arguments)]
fn explaining_paths(
    g: &Graph,
    view: &View,
    arcs: &ArcSpec,
    l: &Local,
    t: &NodeSet,
    total: &[f64],
    seeds: &[NodeId],
    depth: Option<u32>,
    work: &Work,
) -> Result<Vec<Option<Path>>, Interrupt> {
    let mut paths: Vec<Option<Path>> = vec![None; l.len()];
    let eligible = |u: u32| l.expanded[u as usize] && total[u as usize] > 0.0;
    let mut wanted = vec![false; l.len()];
    let mut remaining = 0usize;
    for &s in seeds {
        if let Some(u) = l.local(s)
            && eligible(u)
            && !wanted[u as usize]
        {
            wanted[u as usize] = true;
            remaining += 1;
        }
    }
    if remaining == 0 {
        return Ok(paths);
    }
    let mut search = LabelSearch::new(g.node_count(), depth.is_some());
    for u in 0..l.len() as u32 {
        if !eligible(u) || l.into_stop[u as usize] <= 0.0 {
            continue;
        }
        let node = l.nodes[u as usize];
        let norm = l.norm[u as usize];
        let mut best = None;
        let mut scanned = 1;
        for (e, p) in arcs.arcs(g, view, node) {
            scanned += 1;
            let w = norm.weight(g, e);
            if w > 0.0 && t.contains(p) && best.is_none_or(|(_, _, bw)| w > bw) {
                best = Some((e, p, w));
            }
        }
        work.charge(scanned)?;
        if let Some((e, p, w)) = best {
            let anchor = search.anchor(p);
            search.offer(node, 0.0 - w.ln(), 1, Some(e), Some(anchor));
        }
    }
    while let Some(i) = search.pop() {
        let label = *search.label(i);
        let Some(u) = l.local(label.node) else {
            continue;
        };
        if wanted[u as usize] && paths[u as usize].is_none() {
            paths[u as usize] = Some(search.walk_to_root(i));
            remaining -= 1;
            if remaining == 0 {
                break;
            }
        }
        if depth.is_some_and(|n| label.hops >= n) {
            continue;
        }
        let mut scanned = 1;
        for (e, y) in arcs.consumers(g, view, label.node) {
            scanned += 1;
            let ly = l.index[y.index()];
            if ly == NO || !eligible(ly) {
                continue;
            }
            let w = l.norm[ly as usize].weight(g, e);
            if w > 0.0 {
                search.relax(i, e, y, 0.0 - w.ln());
            }
        }
        work.charge(scanned)?;
    }
    Ok(paths)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
