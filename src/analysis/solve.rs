//! Linear solvers for one cyclic component of an arc subgraph.
//!
//! Inside a strongly connected component the arc weights form a square
//! substochastic matrix A. Small components are solved exactly by LU
//! decomposition of `I - A`. Large ones get a guaranteed bracket instead of
//! a guess, in two steps:
//!
//! 1. [`certify`]: GMRES on the Gauss-Seidel operator (`krylov`) gets near
//!    the answer y in a few dozen sweeps; its residual r and a certified
//!    bound z on `(I - A)⁻¹ 1` ([`steps_bound`], once per block) turn y into
//!    a bracket `y ± max|r| z`, usually already narrower than [`TOLERANCE`];
//! 2. [`narrow`]: Gauss-Seidel sweeps from both ends of the bracket (from 0
//!    and 1 when there is no certificate) until it is.
//!
//! Plain Gauss-Seidel from 0 and 1 took 120-150 sweeps per solve on the
//! benchmark's giant components (one slowly decaying mode); this takes
//! 35-50 (BENCHMARKS.md, *Performance v2 (issue 19): fixed points*).

use super::block::Block;
use super::krylov::gmres;
use super::local::Local;
use super::scc::Sccs;
use crate::limits::{Interrupt, Work};

/// Components up to this size are solved densely (O(n^3), a few ms).
pub(crate) const DENSE_MAX: usize = 300;

/// The gap under which the bracketing iteration stops.
pub(crate) const TOLERANCE: f64 = 1e-13;

/// `I - A` over component `c`'s members, row-major, rows and columns in
/// member order; `A[i][j]` sums the arcs from member i to member j.
pub(crate) fn i_minus_a(l: &Local, sccs: &Sccs, c: usize) -> Vec<f64> {
    let m = sccs.members(c);
    let n = m.len();
    let mut a = vec![0.0; n * n];
    for (i, &u) in m.iter().enumerate() {
        a[i * n + i] = 1.0;
        for (v, w) in l.arcs(u) {
            if sccs.comp[v as usize] as usize == c {
                a[i * n + sccs.pos[v as usize] as usize] -= w;
            }
        }
    }
    a
}

/// An LU decomposition with partial pivoting: `P M = L U`.
pub(crate) struct Lu {
    n: usize,
    lu: Vec<f64>,
    perm: Vec<usize>,
}

impl Lu {
    /// Factors the `n`×`n` row-major matrix `m`; `None` when it is singular.
    pub fn factor(mut m: Vec<f64>, n: usize) -> Option<Lu> {
        let mut perm: Vec<usize> = (0..n).collect();
        for k in 0..n {
            let p = (k..n).max_by(|&i, &j| m[i * n + k].abs().total_cmp(&m[j * n + k].abs()))?;
            if m[p * n + k].abs() < 1e-300 {
                return None;
            }
            if p != k {
                for j in 0..n {
                    m.swap(k * n + j, p * n + j);
                }
                perm.swap(k, p);
            }
            let pivot = m[k * n + k];
            for i in k + 1..n {
                let f = m[i * n + k] / pivot;
                m[i * n + k] = f;
                if f != 0.0 {
                    for j in k + 1..n {
                        m[i * n + j] -= f * m[k * n + j];
                    }
                }
            }
        }
        Some(Lu { n, lu: m, perm })
    }

    /// Solves `M x = b`.
    pub fn solve(&self, b: &[f64]) -> Vec<f64> {
        let n = self.n;
        let mut x: Vec<f64> = self.perm.iter().map(|&p| b[p]).collect();
        for i in 0..n {
            let s: f64 = (0..i).map(|j| self.lu[i * n + j] * x[j]).sum();
            x[i] -= s;
        }
        for i in (0..n).rev() {
            let s: f64 = (i + 1..n).map(|j| self.lu[i * n + j] * x[j]).sum();
            x[i] = (x[i] - s) / self.lu[i * n + i];
        }
        x
    }

    /// Solves `M^T x = b` (`M^T = U^T L^T P`).
    pub fn solve_t(&self, b: &[f64]) -> Vec<f64> {
        let n = self.n;
        let mut y = b.to_vec();
        for i in 0..n {
            let s: f64 = (0..i).map(|j| self.lu[j * n + i] * y[j]).sum();
            y[i] = (y[i] - s) / self.lu[i * n + i];
        }
        for i in (0..n).rev() {
            let s: f64 = (i + 1..n).map(|j| self.lu[j * n + i] * y[j]).sum();
            y[i] -= s;
        }
        let mut x = vec![0.0; n];
        for (i, &p) in self.perm.iter().enumerate() {
            x[p] = y[i];
        }
        x
    }
}

/// Solves `x = ext + A x` on a block (values in member order) to a
/// bracket narrower than [`TOLERANCE`] everywhere (see [`solve_rows`]);
/// returns its midpoint, in member order.
///
/// The caller guarantees that 1 is a supersolution (every row of `A` plus
/// `ext` sums to at most 1) and that the spectral radius of `A` is below 1,
/// so every bracket converges to the one fixed point.
pub(crate) fn bracket(block: &Block, ext: &[f64], work: &Work) -> Result<Vec<f64>, Interrupt> {
    let b = block.to_rows(ext);
    let steps = steps_bound(block, work)?;
    let x = solve_rows(block, &b, None, steps.as_deref(), work)?;
    let mid: Vec<f64> = x.iter().map(|[a, b]| (a + b) / 2.0).collect();
    Ok(block.to_members(&mid))
}

/// A certified bound `z ≥ (I - A)⁻¹ 1` on the block (row order), the
/// expected number of steps a walk takes inside the block from each row:
/// GMRES gets near `t = 1 + A t`, and `z`, `t` scaled up, is checked to
/// satisfy `(I - A) z ≥ 1` row by row (then `z - (I - A)⁻¹ 1 =
/// (I - A)⁻¹ ((I - A) z - 1) ≥ 0`). `None` when the check fails. The same
/// `z` bounds the block with any row's arcs removed (a pinned row).
pub(crate) fn steps_bound(block: &Block, work: &Work) -> Result<Option<Vec<f64>>, Interrupt> {
    let n = block.len();
    let ones = vec![1.0; n];
    let mut t = vec![1.0; n];
    // Rough is enough: the check below scales by the worst row.
    gmres(block, &ones, None, &mut t, 0.25, 60, work)?;
    let mut at = vec![0.0; n];
    work.charge(block.cost())?;
    block.product(&t, None, &mut at);
    let mut least = f64::INFINITY;
    for (ti, ai) in t.iter().zip(&at) {
        if !positive(*ti) {
            return Ok(None);
        }
        least = least.min(ti - ai);
    }
    if !positive(least) {
        return Ok(None);
    }
    // The slack covers rounding in the check.
    let s = (1.0 + 1e-6) / least;
    Ok(Some(t.iter().map(|ti| ti * s).collect()))
}

/// `x > 0`, false for NaN.
fn positive(x: f64) -> bool {
    x > 0.0
}

/// GMRES's sweeps per solve at most (the bracket finishes in any case).
const GMRES_MAX_SWEEPS: usize = 400;

/// Solves `x = b + A x` on a block (row order, `b ≥ 0`; row `pin`, when
/// given, has no arcs and stays at `b[pin]`) to `[low, high]` per row with
/// `high - low < TOLERANCE`: [`certify`]'s bracket when it gives one, else
/// `[0, 1]` (the caller guarantees `x ≤ 1`, as for [`bracket`]), narrowed
/// by [`narrow`].
pub(crate) fn solve_rows(
    block: &Block,
    b: &[f64],
    pin: Option<usize>,
    steps: Option<&[f64]>,
    work: &Work,
) -> Result<Vec<[f64; 2]>, Interrupt> {
    let certified = match steps {
        Some(z) => certify(block, b, pin, z, 1.0, work)?.map(|c| c.bracket),
        None => None,
    };
    let mut x = certified.unwrap_or_else(|| vec![[0.0, 1.0]; block.len()]);
    if let Some(p) = pin {
        x[p] = [b[p], b[p]];
    }
    narrow(block, b, pin, &mut x, work)?;
    Ok(x)
}

/// GMRES's answer to `x = b + A x` and what it guarantees: see [`certify`].
pub(crate) struct Certified {
    /// GMRES's answer y (row order).
    pub y: Vec<f64>,
    /// `[low, high]` per row around the solution x.
    pub bracket: Vec<[f64; 2]>,
    /// `Σ |r|` over the rows, rounding included. For any `q ≥ 0` whose
    /// `p = (I - Aᵀ)⁻¹ q` is at most 1, `|qᵀ (x - y)| ≤ residual_l1`
    /// (`qᵀ (x - y) = pᵀ r`). On a transposed block of expected visits
    /// (`Aᵀ` the arcs), q = the weight of each row's arcs out of the
    /// block gives p = the probability of ever leaving it: the mass that
    /// leaves the block is within `residual_l1` of y's, and so is anything
    /// read off it downstream (a hitting probability, a silent total).
    pub residual_l1: f64,
}

/// A guaranteed bracket (up to rounding) on the solution x of
/// `x = b + A x` (row order, `b ≥ 0`, row `pin` without arcs), given
/// `steps` from [`steps_bound`] and `x ≤ upper`: GMRES's answer `y`, with
/// residual `r = b + A y - y`, gives `y - max(r⁻) z ≤ x ≤ y + max(r⁺) z`
/// (`x - y = (I - A)⁻¹ r`). `None` when GMRES's answer is not finite.
pub(crate) fn certify(
    block: &Block,
    b: &[f64],
    pin: Option<usize>,
    steps: &[f64],
    upper: f64,
    work: &Work,
) -> Result<Option<Certified>, Interrupt> {
    // The residual below is then under TOLERANCE / 4 / max z.
    let zmax = steps.iter().copied().fold(0.0, f64::max);
    let y = approach(block, b, pin, TOLERANCE / (8.0 * zmax.max(1.0)), work)?;
    certify_answer(block, b, pin, y, steps, upper, work)
}

/// GMRES's answer to `x = b + A x` (row order, row `pin` without arcs)
/// from 0, to a Gauss-Seidel residual of `tol` in every row, or as near as
/// rounding lets it get (a restart cycle that does not halve the residual).
pub(crate) fn approach(
    block: &Block,
    b: &[f64],
    pin: Option<usize>,
    tol: f64,
    work: &Work,
) -> Result<Vec<f64>, Interrupt> {
    let mut y = vec![0.0; block.len()];
    gmres(block, b, pin, &mut y, tol, GMRES_MAX_SWEEPS, work)?;
    Ok(y)
}

/// [`certify`] of a given answer `y`.
pub(crate) fn certify_answer(
    block: &Block,
    b: &[f64],
    pin: Option<usize>,
    y: Vec<f64>,
    steps: &[f64],
    upper: f64,
    work: &Work,
) -> Result<Option<Certified>, Interrupt> {
    let n = block.len();
    let mut ay = vec![0.0; n];
    work.charge(block.cost())?;
    block.product(&y, pin, &mut ay);
    let (mut up, mut down, mut l1) = (0.0f64, 0.0f64, 0.0f64);
    for i in 0..n {
        let r = b[i] + ay[i] - y[i];
        if !r.is_finite() {
            return Ok(None);
        }
        // Rounding in `r` itself (a few units in the last place of its
        // terms; like the bracket's sweeps, the bound holds up to rounding).
        let slack = 4.0 * f64::EPSILON * (b[i] + ay[i] + y[i].abs());
        up = up.max(r + slack);
        down = down.max(slack - r);
        l1 += r.abs() + slack;
    }
    let bracket = (0..n)
        .map(|i| {
            [
                (y[i] - down * steps[i]).max(0.0),
                (y[i] + up * steps[i]).min(upper),
            ]
        })
        .collect();
    Ok(Some(Certified {
        y,
        bracket,
        residual_l1: l1,
    }))
}

/// Narrows a bracket `[low, high]` per row on the solution of
/// `x = b + A x` (row `pin` without arcs, left as it is) by Gauss-Seidel
/// sweeps from both ends until it is narrower than [`TOLERANCE`] (relative
/// to the value where it exceeds 1, which only visits do): a bound maps to
/// a bound (`A ≥ 0`), and each end keeps its better value. Also stops when
/// a sweep changes nothing (rounding allows no narrower bracket).
pub(crate) fn narrow(
    block: &Block,
    b: &[f64],
    pin: Option<usize>,
    x: &mut [[f64; 2]],
    work: &Work,
) -> Result<(), Interrupt> {
    let wide = |[lo, hi]: [f64; 2]| hi - lo >= TOLERANCE * hi.max(1.0);
    let mut open = x.iter().any(|v| wide(*v));
    while open {
        work.charge(2 * block.cost())?;
        open = false;
        let mut changed = false;
        for i in 0..x.len() {
            if Some(i) == pin {
                continue;
            }
            let (mut lo, mut hi) = (b[i], b[i]);
            for (j, w) in block.arcs(i) {
                lo += w * x[j][0];
                hi += w * x[j][1];
            }
            let v = [lo.max(x[i][0]), hi.min(x[i][1])];
            changed |= v != x[i];
            open |= wide(v);
            x[i] = v;
        }
        open &= changed;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
