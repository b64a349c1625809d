//! Which nodes' `unknown` is exactly 1, or exactly 0, on a source-only
//! graph, read off the weighing instead of solved.
//!
//! `unknown` there is the least fixed point of `x = silent + A x`. The
//! spec's weighing splits each node's needs between its arcs' weights and
//! its silent part, so the two sum to 1, except at a dead end (no arcs, no
//! silent part). Then `x(u)` is the probability that a walk from u along
//! the arcs ends in a silent part; 1 minus it is the probability of ending
//! at a dead end or circling for ever in a closed cycle.
//!
//! - When every node a walk from u can reach sums to 1 and can itself still
//!   reach a silent part, neither can happen (a dead end reaches no silent
//!   part, nor does a closed cycle; in a finite chain a walk that can
//!   always still leave does leave), so `x(u)` is 1.
//! - When no node a walk from u can reach has a silent part, `x(u)` is 0.
//!
//! Both are the exact values for the data's shares. The solver's answers
//! differ from them only by the rounding of the weights (1.4e-14 on the
//! benchmark graph), except on a cycle whose only leak is rounding (shares
//! 0.7, 0.2 and 0.1 summing to 1 − 1.1e-16 in `f64`): there the solver's
//! bracket closes by 1e-16 a sweep, so it would run out of budget where
//! the answer is 0.
//!
//! A node's upstream holds only nodes of its own kind, so the answer does
//! not depend on which rows were asked for, and a strongly connected
//! component is wholly of one kind.

use crate::analysis::local::Local;
use crate::limits::{Interrupt, Work};

/// A rounding error in a node's weighing, not a part of it: shares that
/// sum to 1 in decimal may sum to 1 ± a few ulps in `f64` (the same
/// tolerance as chokepoints' closed components). A silent part no larger
/// counts as none, and so does an arc no heavier on the way to one (an
/// arc without a share gets what the shares leave: 1.1e-16 when they sum
/// to 1 − 1.1e-16).
const ROUNDING: f64 = 1e-12;

/// Passes of the quick reachability (along the arcs, from the
/// last-discovered node back) before the exact search takes over. A pass
/// settles every node whose way to a silent part runs against the
/// discovery order; on the benchmark graphs two or three settle all.
const QUICK_PASSES: usize = 4;

/// What is known of the local nodes' `x` without solving.
pub(super) enum Known {
    /// Every node's `x` is 1.
    AllOnes,
    /// Per node: 1, 0, or NaN (to be solved).
    Some(Vec<f64>),
}

/// [`Known`] of `l`, whose silent parts are in `l.into_stop`.
pub(super) fn known(l: &Local, work: &Work) -> Result<Known, Interrupt> {
    let n = l.len();
    work.charge(n as u64)?;
    let complete: Vec<bool> = (0..n)
        .map(|u| (l.into_stop[u] + l.out_weight[u] - 1.0).abs() <= ROUNDING)
        .collect();
    let leak = |u: usize| l.into_stop[u] > ROUNDING;
    let heavy = |a: u32| l.arc(a).0 > ROUNDING;
    // The common case, cheaply: every node complete and reaching a leak.
    if complete.iter().all(|c| *c) {
        let mut reach: Vec<bool> = (0..n).map(leak).collect();
        let mut left = reach.iter().filter(|r| !**r).count();
        for _ in 0..QUICK_PASSES {
            if left == 0 {
                break;
            }
            work.charge((n + l.arc_count()) as u64)?;
            let before = left;
            for u in (0..n as u32).rev() {
                if !reach[u as usize]
                    && l.arc_range(u)
                        .any(|a| heavy(a) && reach[l.provider(a) as usize])
                {
                    reach[u as usize] = true;
                    left -= 1;
                }
            }
            if left == before {
                break;
            }
        }
        if left == 0 {
            return Ok(Known::AllOnes);
        }
    }
    // Exactly, along the arcs backwards: the nodes that reach a leak, then
    // the ones that reach a bad node (incomplete, or reaching no leak).
    // (Every arc counts for the second: the solver reads them all.)
    let reach = Readers::of(l, heavy, work)?.reaching(n, (0..n).filter(|&u| leak(u)), work)?;
    let bad = (0..n).filter(|&u| !complete[u] || !reach[u]);
    let tainted = Readers::of(l, |_| true, work)?.reaching(n, bad, work)?;
    if tainted.iter().all(|t| !*t) {
        return Ok(Known::AllOnes);
    }
    let value = |u: usize| match (tainted[u], reach[u]) {
        (false, _) => 1.0,
        (true, false) => 0.0,
        (true, true) => f64::NAN,
    };
    Ok(Known::Some((0..n).map(value).collect()))
}

/// Each local node's readers (the consumers of its arcs), as a CSR.
struct Readers {
    off: Vec<u32>,
    of: Vec<u32>,
}

impl Readers {
    /// Along the arcs that `keep` keeps.
    fn of(l: &Local, keep: impl Fn(u32) -> bool, work: &Work) -> Result<Readers, Interrupt> {
        let n = l.len();
        work.charge((n + l.arc_count()) as u64)?;
        let mut off = vec![0u32; n + 1];
        for a in (0..l.arc_count() as u32).filter(|&a| keep(a)) {
            off[l.provider(a) as usize + 1] += 1;
        }
        for i in 0..n {
            off[i + 1] += off[i];
        }
        let mut cursor = off[..n].to_vec();
        let mut of = vec![0u32; off[n] as usize];
        for u in 0..n as u32 {
            for a in l.arc_range(u).filter(|&a| keep(a)) {
                let p = l.provider(a) as usize;
                of[cursor[p] as usize] = u;
                cursor[p] += 1;
            }
        }
        Ok(Readers { off, of })
    }

    /// The nodes with a walk along the arcs to one of `from` (those
    /// included), by a search along the readers.
    fn reaching(
        &self,
        n: usize,
        from: impl Iterator<Item = usize>,
        work: &Work,
    ) -> Result<Vec<bool>, Interrupt> {
        work.charge((n + self.of.len()) as u64)?;
        let mut seen = vec![false; n];
        let mut stack: Vec<u32> = Vec::new();
        for u in from {
            if !seen[u] {
                seen[u] = true;
                stack.push(u as u32);
            }
        }
        while let Some(v) = stack.pop() {
            let r = self.off[v as usize] as usize..self.off[v as usize + 1] as usize;
            for &u in &self.of[r] {
                if !seen[u as usize] {
                    seen[u as usize] = true;
                    stack.push(u);
                }
            }
        }
        Ok(seen)
    }
}
