//! `chokepoints` (spec: *Dependency analysis*): every node v upstream of a
//! set, scored by the set's mean exposure to {v} alone (no closure).
//!
//! Exposure of s to {v} is the probability h(s, v) that a walk from s,
//! choosing arcs by weight, ever reaches v. Running one exposure per
//! candidate would cost |upstream| propagations; instead this uses the
//! Green's function of the arc-weight matrix W (its fundamental matrix
//! `G = (I - W)^-1`, G(s, v) = expected visits to v from s):
//!
//! `h(s, v) = G(s, v) / G(v, v)` for s ≠ v.
//!
//! G(s, ·) is linear in the start, so the mean over the set is ONE forward
//! propagation of expected visits from the uniform mix of the set's nodes
//! (`x = src + Wᵀ x`), solved component by component in topological order:
//! exact in one pass on acyclic parts. G(v, v) is 1 off cycles; on a cyclic
//! component it is the diagonal of `(I - A)^-1` for that component alone
//! (returns to v never leave v's component), computed once per component.
//! Cost: linear in the upstream's arcs, plus per cyclic component C either
//! O(|C|^3) (dense, |C| ≤ 300) or |C| bracketed iterations over C's arcs.
//! A closed component (every walk that enters it stays forever) is
//! recurrent: each of its nodes is reached with the probability of entering
//! it.

use super::arcs::ArcSpec;
use super::local::{Grow, Local, grow};
use super::scc::{Sccs, sccs};
use super::solve::{DENSE_MAX, Lu, TOLERANCE, bracket, i_minus_a};
use super::view::View;
use crate::limits::{Interrupt, Work};
use crate::model::{Graph, NodeId};

/// A node upstream of the set and its score.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Chokepoint {
    /// The upstream node.
    pub node: NodeId,
    /// The set's mean exposure to this node alone, in [0, 1].
    pub score: f64,
}

/// Scores every visible node upstream of `of` (outside it), ordered by
/// score descending, then name, then id. The caller applies `top K`.
pub fn chokepoints(
    g: &Graph,
    view: &View,
    arcs: &ArcSpec,
    of: &[NodeId],
    work: &Work,
) -> Result<Vec<Chokepoint>, Interrupt> {
    chokepoints_with(g, view, arcs, of, DENSE_MAX, work)
}

/// [`chokepoints`] with the dense solver's size limit as a parameter.
pub(crate) fn chokepoints_with(
    g: &Graph,
    view: &View,
    arcs: &ArcSpec,
    of: &[NodeId],
    dense_max: usize,
    work: &Work,
) -> Result<Vec<Chokepoint>, Interrupt> {
    let mut seeds: Vec<NodeId> = of.iter().copied().filter(|n| view.node(*n)).collect();
    seeds.sort_unstable();
    seeds.dedup();
    if seeds.is_empty() {
        return Ok(Vec::new());
    }
    let how = Grow {
        stop: None,
        depth: None,
        keep_zero: true,
    };
    let l = grow(g, view, arcs, &seeds, &how, work)?;
    let scores = hitting_from_mix(&l, seeds.len(), dense_max, work)?;
    let mut out: Vec<Chokepoint> = (seeds.len()..l.len())
        .map(|u| Chokepoint {
            node: l.nodes[u],
            score: scores[u].clamp(0.0, 1.0),
        })
        .collect();
    work.charge(out.len() as u64)?;
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| g.node_name(a.node).cmp(g.node_name(b.node)))
            .then_with(|| g.node_key(a.node).cmp(g.node_key(b.node)))
    });
    Ok(out)
}

/// For every local node v, the mean over the first `seed_count` local
/// nodes s of h(s, v) (meaningful for v outside the seeds). Components up
/// to `dense_max` nodes are solved by LU.
fn hitting_from_mix(
    l: &Local,
    seed_count: usize,
    dense_max: usize,
    work: &Work,
) -> Result<Vec<f64>, Interrupt> {
    let sccs = sccs(l, work)?;
    let mut inflow = vec![0.0; l.len()];
    for x in inflow.iter_mut().take(seed_count) {
        *x = 1.0 / seed_count as f64;
    }
    let mut score = vec![0.0; l.len()];
    // Consumers first: Tarjan emits providers first.
    for c in (0..sccs.count()).rev() {
        let m = sccs.members(c);
        if !sccs.cyclic(c, l) {
            let u = m[0];
            let x = inflow[u as usize];
            score[u as usize] = x;
            if x != 0.0 {
                work.charge(1 + l.degree(u) as u64)?;
                for (v, w) in l.arcs(u) {
                    inflow[v as usize] += x * w;
                }
            }
            continue;
        }
        let b: Vec<f64> = m.iter().map(|&u| inflow[u as usize]).collect();
        let entering: f64 = b.iter().sum();
        if entering == 0.0 {
            continue;
        }
        work.charge(m.iter().map(|&u| 1 + l.degree(u) as u64).sum())?;
        if closed(l, &sccs, c) {
            for &u in m {
                score[u as usize] = entering;
            }
            continue;
        }
        let (visits, diag) = component_visits(l, &sccs, c, &b, dense_max, work)?;
        for (i, &u) in m.iter().enumerate() {
            score[u as usize] = visits[i] / diag[i];
            for (v, w) in l.arcs(u) {
                if sccs.comp[v as usize] as usize != c {
                    inflow[v as usize] += visits[i] * w;
                }
            }
        }
    }
    Ok(score)
}

/// Whether component `c` keeps every walk that enters it: no arc leaves it
/// and its nodes' arcs weigh 1 in total (up to rounding).
fn closed(l: &Local, sccs: &Sccs, c: usize) -> bool {
    sccs.members(c).iter().all(|&u| {
        l.out_weight[u as usize] >= 1.0 - 1e-12
            && l.arcs(u).all(|(v, _)| sccs.comp[v as usize] as usize == c)
    })
}

/// Expected visits to each member of transient component `c` given the
/// expected entries `b`, and each member's G(v, v).
fn component_visits(
    l: &Local,
    sccs: &Sccs,
    c: usize,
    b: &[f64],
    dense_max: usize,
    work: &Work,
) -> Result<(Vec<f64>, Vec<f64>), Interrupt> {
    let m = sccs.members(c);
    let n = m.len();
    if n <= dense_max {
        work.charge((n * n) as u64)?;
        if let Some(lu) = Lu::factor(i_minus_a(l, sccs, c), n) {
            let visits = lu.solve_t(b);
            let mut diag = Vec::with_capacity(n);
            let mut e = vec![0.0; n];
            for j in 0..n {
                e[j] = 1.0;
                diag.push(lu.solve(&e)[j]);
                e[j] = 0.0;
            }
            return Ok((visits, diag));
        }
    }
    // Large: push the entries around until less than TOLERANCE of the mass
    // is left unpushed; what is left can change a hitting probability by at
    // most that much.
    let mut visits = vec![0.0; n];
    let mut residual = b.to_vec();
    let cost: u64 = m.iter().map(|&u| 1 + l.degree(u) as u64).sum();
    loop {
        work.charge(cost)?;
        for (i, &u) in m.iter().enumerate() {
            let r = std::mem::take(&mut residual[i]);
            if r == 0.0 {
                continue;
            }
            visits[i] += r;
            for (v, w) in l.arcs(u) {
                if sccs.comp[v as usize] as usize == c {
                    residual[sccs.pos[v as usize] as usize] += w * r;
                }
            }
        }
        if residual.iter().sum::<f64>() < TOLERANCE {
            break;
        }
    }
    // G(v, v) = 1 / (1 - return probability); returns stay in the component.
    let mut diag = Vec::with_capacity(n);
    for &v in m {
        let mut ext = vec![0.0; n];
        for (i, &u) in m.iter().enumerate() {
            if u != v {
                ext[i] = l.arcs(u).filter(|(x, _)| *x == v).map(|(_, w)| w).sum();
            }
        }
        let hit = bracket(l, sccs, c, &ext, Some(v), work)?;
        let back: f64 = l
            .arcs(v)
            .filter(|(x, _)| sccs.comp[*x as usize] as usize == c)
            .map(|(x, w)| {
                w * if x == v {
                    1.0
                } else {
                    hit[sccs.pos[x as usize] as usize]
                }
            })
            .sum();
        diag.push(1.0 / (1.0 - back).max(f64::MIN_POSITIVE));
    }
    Ok((visits, diag))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
