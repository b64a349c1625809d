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
//! exact in one pass on acyclic parts, so a DAG upstream costs linear time.
//! G(v, v) is 1 off cycles; on a cyclic component of at most 300 nodes it is
//! the diagonal of `(I - A)^-1` for that component alone (returns to v never
//! leave v's component), from one LU decomposition: O(|C|^3).
//!
//! A larger cyclic component C is scored candidate by candidate: the
//! probability of reaching v from each member of C (v's row pinned at 1),
//! bracketed to 1e-13 by the solvers of `solve` (GMRES, certified, then
//! narrowed), averaged over the mass entering C; two candidates at a time,
//! one per core. The expected visits inside C come from the same solvers on
//! the transposed block. With `top K` the expected visits x(v) ≥ h(v) serve
//! as upper bounds, and only candidates whose bound can still reach the
//! K-th best score are scored (the others cannot appear in the answer).
//! C's rows are put in a sweep order ([`Rows::Flow`]) once, since every
//! candidate's solve sweeps them.
//!
//! A closed component (every walk that enters it stays forever) is
//! recurrent: each of its nodes is reached with the probability of entering
//! it.
//!
//! The same expected visits give, for any per-node term s, the sum over the
//! set of the linear total `x = s + W x` (`x(a) = Σ_u G(a, u) s(u)`, so
//! `Σ_a x(a)` is the set's size times `Σ_u visits(u) s(u)`): the
//! statement's mean `unknown` without a second system
//! ([`chokepoints_and_total`]).

use super::arcs::ArcSpec;
use super::block::{Block, Rows};
use super::local::{Grow, Local, grow};
use super::scc::{Sccs, sccs};
use super::solve::{
    Certified, DENSE_MAX, Lu, TOLERANCE, approach, certify_answer, i_minus_a, narrow, solve_rows,
    steps_bound,
};
use super::view::View;
use crate::limits::{Interrupt, Work, beside};
use crate::model::{Graph, NodeId};

/// What [`chokepoints_with`] finds.
pub struct Found {
    /// The rows (see [`chokepoints`]).
    pub rows: Vec<Chokepoint>,
    /// The sum read off the visits (see [`chokepoints_and_total`]).
    pub total: Option<f64>,
    /// Every visible node upstream of the set, outside it, in the order
    /// found: the candidates, also those pruned from the top K
    /// ([`upstream`](super::upstream)'s nodes, without a second search).
    pub upstream: Vec<NodeId>,
}

/// A node upstream of the set and its score.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Chokepoint {
    /// The upstream node.
    pub node: NodeId,
    /// The set's mean exposure to this node alone, in [0, 1].
    pub score: f64,
}

/// Scores the visible nodes upstream of `of` (outside it), ordered by
/// score descending, then name, then id. With `top` = Some(K), returns the
/// first K rows only, and skips exact scoring of nodes that provably
/// cannot be among them; with `None`, every upstream node.
pub fn chokepoints(
    g: &Graph,
    view: &View,
    arcs: &ArcSpec,
    of: &[NodeId],
    top: Option<usize>,
    work: &Work,
) -> Result<Vec<Chokepoint>, Interrupt> {
    Ok(chokepoints_with(g, view, arcs, of, top, None, DENSE_MAX, work)?.rows)
}

/// [`chokepoints`], and the sum over the visible distinct nodes a of `of`
/// of `x(a)`, the least fixed point of `x = term + W x` along the same
/// arcs (with `term` the silent parts: the sum of their `unknown`), read
/// off the same expected visits. `None` when a closed component (whose
/// visits are unbounded) has a positive term: the caller solves that
/// system itself.
pub(crate) fn chokepoints_and_total(
    g: &Graph,
    view: &View,
    arcs: &ArcSpec,
    of: &[NodeId],
    top: Option<usize>,
    term: &(dyn Fn(NodeId) -> f64 + Sync),
    work: &Work,
) -> Result<Found, Interrupt> {
    chokepoints_with(g, view, arcs, of, top, Some(term), DENSE_MAX, work)
}

/// [`chokepoints_and_total`] with the term optional (no term: no total)
/// and the dense solver's size limit as a parameter.
#[allow(
    clippy::too_many_arguments,
    reason = "the statement's inputs and the tests' solver knob, passed flat"
)]
pub(crate) fn chokepoints_with(
    g: &Graph,
    view: &View,
    arcs: &ArcSpec,
    of: &[NodeId],
    top: Option<usize>,
    term: Option<&(dyn Fn(NodeId) -> f64 + Sync)>,
    dense_max: usize,
    work: &Work,
) -> Result<Found, Interrupt> {
    let seeds = view.visible(of);
    if seeds.is_empty() {
        return Ok(Found {
            rows: Vec::new(),
            total: term.map(|_| 0.0),
            upstream: Vec::new(),
        });
    }
    let how = Grow {
        stop: None,
        depth: None,
        keep_zero: true,
    };
    let l = grow(g, view, arcs, &seeds, &how, work)?;
    let upstream = l.nodes[seeds.len()..].to_vec();
    if top == Some(0) && term.is_none() {
        return Ok(Found {
            rows: Vec::new(),
            total: None,
            upstream,
        });
    }
    let mix = hitting_from_mix(&l, seeds.len(), term, dense_max, work)?;
    let total = mix.total.map(|t| t * seeds.len() as f64);
    if top == Some(0) {
        return Ok(Found {
            rows: Vec::new(),
            total,
            upstream,
        });
    }
    let order = |a: &Chokepoint, b: &Chokepoint| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| g.node_name(a.node).cmp(g.node_name(b.node)))
            .then_with(|| g.node_key(a.node).cmp(g.node_key(b.node)))
    };
    let candidate = |u: usize| u >= seeds.len();
    let mut out: Vec<Chokepoint> = (0..l.len())
        .filter(|&u| candidate(u) && mix.pending[u] == NO_BLOCK)
        .map(|u| Chokepoint {
            node: l.nodes[u],
            score: mix.score[u].clamp(0.0, 1.0),
        })
        .collect();
    // Candidates in large components: best upper bound first.
    let mut open: Vec<usize> = (0..l.len())
        .filter(|&u| candidate(u) && mix.pending[u] != NO_BLOCK)
        .collect();
    open.sort_by(|&a, &b| mix.score[b].total_cmp(&mix.score[a]).then(a.cmp(&b)));
    let mut best: Vec<f64> = out.iter().map(|c| c.score).collect();
    best.sort_by(|a, b| b.total_cmp(a));
    // The slack keeps a rounding error in the bound from dropping a tie.
    let wanted = |u: usize, best: &[f64]| {
        let bound = mix.score[u].min(1.0) + 1e-9;
        !top.is_some_and(|k| best.len() >= k && bound < best[k - 1])
    };
    let mut next = 0;
    while next < open.len() && wanted(open[next], &best) {
        // Two candidates at a time, one per core, when both are wanted.
        let pair = open.get(next + 1).copied().filter(|&v| wanted(v, &best));
        let scored = mix.exact_pair(open[next], pair, work)?;
        next += scored.len();
        for (u, score) in scored {
            let score = score.clamp(0.0, 1.0);
            out.push(Chokepoint {
                node: l.nodes[u],
                score,
            });
            let at = best.partition_point(|b| *b >= score);
            best.insert(at, score);
        }
    }
    work.charge(out.len() as u64)?;
    out.sort_unstable_by(order);
    if let Some(k) = top {
        out.truncate(k);
    }
    Ok(Found {
        rows: out,
        total,
        upstream,
    })
}

const NO_BLOCK: u32 = u32::MAX;

/// The propagation's result: a score per local node, exact except for the
/// nodes of large cyclic components, whose `score` is the expected number
/// of visits (an upper bound on the hitting probability) and whose exact
/// score [`Mix::exact`] computes on demand.
struct Mix {
    score: Vec<f64>,
    /// For a node of a large component: its index in `blocks`.
    pending: Vec<u32>,
    blocks: Vec<Pending>,
    pos: Vec<u32>,
    /// `Σ_u visits(u) · term(u)` when a term was given and no closed
    /// component has a positive term.
    total: Option<f64>,
}

/// A large transient component waiting for per-candidate scoring.
struct Pending {
    block: Block,
    /// Expected entries into the component at each member, in row order.
    entries: Vec<f64>,
    /// [`steps_bound`] of the block.
    steps: Option<Vec<f64>>,
}

impl Mix {
    /// [`Mix::exact`] of `u` and of `v` when given, `v` on a second thread.
    fn exact_pair(
        &self,
        u: usize,
        v: Option<usize>,
        work: &Work,
    ) -> Result<Vec<(usize, f64)>, Interrupt> {
        let Some(v) = v else {
            return Ok(vec![(u, self.exact(u, work)?)]);
        };
        let (a, b) = beside(
            work,
            true,
            |side| self.exact(v, side),
            || self.exact(u, work),
        );
        Ok(vec![(u, a?), (v, b?)])
    }

    /// The mean hitting probability of local node `u` (in a large
    /// component): the probability p(w) of reaching u from each member w,
    /// bracketed to [`TOLERANCE`] ([`solve_rows`] with u's row pinned at
    /// 1), averaged over the entries into the component. The entries sum
    /// to at most 1 (a walk enters a component once), so the mean is
    /// within [`TOLERANCE`] too.
    fn exact(&self, u: usize, work: &Work) -> Result<f64, Interrupt> {
        let p = &self.blocks[self.pending[u] as usize];
        let target = p.block.row(self.pos[u] as usize);
        let mut b = vec![0.0; p.block.len()];
        b[target] = 1.0;
        let x = solve_rows(&p.block, &b, Some(target), p.steps.as_deref(), work)?;
        let (mut lo, mut hi) = (0.0, 0.0);
        for (e, [l, h]) in p.entries.iter().zip(&x) {
            lo += e * l;
            hi += e * h;
        }
        Ok((lo + hi) / 2.0)
    }
}

/// Pushes the mass in `residual` (per row) along the block's arcs until
/// less than [`TOLERANCE`] of it is moving, counting every push as visits
/// (the fallback of [`certified_visits`]).
///
/// Sweeps go from the last row to the first: the rows are in a sweep order
/// for values flowing against the arcs ([`Rows::Flow`]), and mass flows
/// along them, so more of it moves on within a sweep. Over-relaxation
/// (passing on more than the mass) was tried and dropped: along a chain of
/// heavy arcs in sweep order it multiplies the mass at every hop.
fn push(
    block: &Block,
    residual: &mut [f64],
    visits: &mut [f64],
    work: &Work,
) -> Result<(), Interrupt> {
    loop {
        work.charge(block.cost())?;
        let mut moving = 0.0;
        for i in (0..residual.len()).rev() {
            let r = std::mem::take(&mut residual[i]);
            if r == 0.0 {
                continue;
            }
            visits[i] += r;
            for (j, w) in block.arcs(i) {
                residual[j] += w * r;
                moving += w * r;
            }
        }
        if moving < TOLERANCE {
            return Ok(());
        }
    }
}

/// For every local node v, the mean over the first `seed_count` local
/// nodes s of h(s, v) (meaningful for v outside the seeds), or, for nodes
/// of components over `dense_max` nodes, an upper bound. Components up to
/// `dense_max` nodes are solved by LU.
fn hitting_from_mix(
    l: &Local,
    seed_count: usize,
    term: Option<&(dyn Fn(NodeId) -> f64 + Sync)>,
    dense_max: usize,
    work: &Work,
) -> Result<Mix, Interrupt> {
    let term_of = |u: u32| term.map_or(0.0, |t| t(l.nodes[u as usize]));
    // Every local node's term, once read beside a large block's layout
    // (the block's members are most of the nodes then, and the layout
    // leaves a core idle); empty before.
    let mut terms: Vec<f64> = Vec::new();
    let term_at =
        |terms: &[f64], u: u32| terms.get(u as usize).copied().unwrap_or_else(|| term_of(u));
    // `total += visits · term(u)`, reading the term only where there are visits.
    let add = |total: &mut Option<f64>, terms: &[f64], visits: f64, u: u32| {
        if let Some(t) = total
            && visits != 0.0
        {
            *t += visits * term_at(terms, u);
        }
    };
    let sccs = sccs(l, work)?;
    let mut inflow = vec![0.0; l.len()];
    for x in inflow.iter_mut().take(seed_count) {
        *x = 1.0 / seed_count as f64;
    }
    let mut mix = Mix {
        score: vec![0.0; l.len()],
        pending: vec![NO_BLOCK; l.len()],
        blocks: Vec::new(),
        pos: sccs.pos.clone(),
        total: term.map(|_| 0.0),
    };
    // Consumers first: Tarjan emits providers first.
    for c in (0..sccs.count()).rev() {
        let m = sccs.members(c);
        if !sccs.cyclic(c, l) {
            let u = m[0];
            let x = inflow[u as usize];
            mix.score[u as usize] = x;
            add(&mut mix.total, &terms, x, u);
            if x != 0.0 {
                work.charge(1 + l.degree(u) as u64)?;
                for (v, w) in l.arcs(u) {
                    inflow[v as usize] += x * w;
                }
            }
            continue;
        }
        let b: Vec<f64> = m.iter().map(|&u| inflow[u as usize]).collect();
        if b.iter().all(|x| *x == 0.0) {
            continue;
        }
        work.charge(m.iter().map(|&u| 1 + l.degree(u) as u64).sum())?;
        if closed(l, &sccs, c) {
            let entering: f64 = b.iter().sum();
            for &u in m {
                mix.score[u as usize] = entering;
            }
            if m.iter().any(|&u| term_at(&terms, u) > 0.0) {
                mix.total = None;
            }
            continue;
        }
        let visits = if m.len() <= dense_max {
            dense_visits(l, &sccs, c, &b, work)?
        } else {
            None
        };
        let visits = match visits {
            Some((visits, diag)) => {
                for (i, &u) in m.iter().enumerate() {
                    mix.score[u as usize] = visits[i] / diag[i];
                }
                visits
            }
            None => {
                let read_terms = term.is_some() && terms.is_empty();
                let (block, read) = beside(
                    work,
                    read_terms,
                    |side| {
                        if !read_terms {
                            return Ok(None);
                        }
                        side.charge(l.len() as u64)?;
                        Ok(Some((0..l.len() as u32).map(term_of).collect()))
                    },
                    || Ok(Block::new(l, &sccs, c, Rows::Flow)),
                );
                let block = block?;
                if let Some(read) = read? {
                    terms = read;
                }
                let (Visits { mass, upper }, steps) = certified_visits(&block, &b, work)?;
                for (i, &u) in m.iter().enumerate() {
                    mix.score[u as usize] = upper[i];
                    mix.pending[u as usize] = mix.blocks.len() as u32;
                }
                let entries = block.to_rows(&b);
                mix.blocks.push(Pending {
                    block,
                    entries,
                    steps,
                });
                mass
            }
        };
        for (i, &u) in m.iter().enumerate() {
            add(&mut mix.total, &terms, visits[i], u);
            for (v, w) in l.arcs(u) {
                if sccs.comp[v as usize] as usize != c {
                    inflow[v as usize] += visits[i] * w;
                }
            }
        }
    }
    Ok(mix)
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
/// expected entries `b`, and each member's G(v, v), by LU; `None` if the
/// matrix is numerically singular.
#[allow(
    clippy::type_complexity,
    reason = "one local shape, named where it is built"
)]
fn dense_visits(
    l: &Local,
    sccs: &Sccs,
    c: usize,
    b: &[f64],
    work: &Work,
) -> Result<Option<(Vec<f64>, Vec<f64>)>, Interrupt> {
    let n = b.len();
    work.charge((n * n) as u64)?;
    let Some(lu) = Lu::factor(i_minus_a(l, sccs, c), n) else {
        return Ok(None);
    };
    let visits = lu.solve_t(b);
    let mut diag = Vec::with_capacity(n);
    let mut e = vec![0.0; n];
    for j in 0..n {
        e[j] = 1.0;
        diag.push(lu.solve(&e)[j]);
        e[j] = 0.0;
    }
    Ok(Some((visits, diag)))
}

/// Expected visits inside a large component, in member order.
struct Visits {
    /// The visits that pass mass on (out of the component, into the
    /// totals): what leaves the component is within [`TOLERANCE`] / 2 of
    /// the exact amount in all.
    mass: Vec<f64>,
    /// An upper bound per member: the bound on its hitting probability.
    upper: Vec<f64>,
}

/// Expected visits inside a transient block given the entries `b` (in
/// member order): `y = b + Aᵀ y` on the transposed block, by GMRES
/// ([`approach`]) certified by the transposed block's [`steps_bound`]
/// ([`certify_answer`]) when there is one, else by [`pushed_visits`]; and
/// the block's own steps bound, for the candidates' solves. GMRES aims at
/// what the mass needs, a residual of [`TOLERANCE`] / 2 in 1-norm
/// ([`Certified::residual_l1`]: the mass leaving the block is then that
/// close), which needs no steps bound: the two bounds are computed on a
/// second core meanwhile. When GMRES falls short, the bracket is narrowed
/// by [`narrow`] (20-30 sweeps on the benchmark graphs, where the steps
/// bound reaches thousands at the hubs) and its midpoint passes the mass on.
fn certified_visits(
    block: &Block,
    b: &[f64],
    work: &Work,
) -> Result<(Visits, Option<Vec<f64>>), Interrupt> {
    let t = block.transposed();
    let bt = t.to_rows(b);
    // A Gauss-Seidel residual g gives a residual of at most 2 g per row
    // (the arcs weigh at most 1), so n rows of it at most TOLERANCE / 2.
    let tol = TOLERANCE / (4.0 * t.len() as f64);
    let (y, bounds) = beside(
        work,
        true,
        |side| Ok((steps_bound(&t, side)?, steps_bound(block, side)?)),
        || approach(&t, &bt, None, tol, work),
    );
    let (y, (z, steps)) = (y?, bounds?);
    if let Some(z) = z
        && let Some(c) = certify_answer(&t, &bt, None, y, &z, f64::INFINITY, work)?
    {
        let Certified {
            y,
            mut bracket,
            residual_l1,
        } = c;
        let mass = if residual_l1 <= TOLERANCE / 2.0 {
            y
        } else {
            narrow(&t, &bt, None, &mut bracket, work)?;
            bracket.iter().map(|[lo, hi]| (lo + hi) / 2.0).collect()
        };
        let upper: Vec<f64> = bracket.iter().map(|v| v[1]).collect();
        let visits = Visits {
            mass: t.to_members(&mass),
            upper: t.to_members(&upper),
        };
        return Ok((visits, steps));
    }
    let visits = pushed_visits(block, b, work)?;
    let visits = Visits {
        upper: visits.clone(),
        mass: visits,
    };
    Ok((visits, steps))
}

/// Expected visits inside a transient block given the entries `b`: push
/// the mass around until less than [`TOLERANCE`] of it is left, then count
/// what is left as visits where it is.
fn pushed_visits(block: &Block, b: &[f64], work: &Work) -> Result<Vec<f64>, Interrupt> {
    let mut visits = vec![0.0; b.len()];
    let mut residual = block.to_rows(b);
    push(block, &mut residual, &mut visits, work)?;
    for (v, r) in visits.iter_mut().zip(&residual) {
        *v += r;
    }
    Ok(block.to_members(&visits))
}

#[cfg(test)]
mod tests;
