//! Linear solvers for one cyclic component of an arc subgraph.
//!
//! Inside a strongly connected component the arc weights form a square
//! substochastic matrix A. Small components are solved exactly by LU
//! decomposition of `I - A`; large ones by Gauss-Seidel iteration run from
//! both sides at once (from 0 upwards and from 1 downwards), which brackets
//! the answer and so gives a guaranteed error bound instead of a guess.

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

/// One component's internal arcs in a CSR of member positions, so the
/// iterative solvers read contiguous memory instead of chasing local ids.
pub(crate) struct Block {
    off: Vec<u32>,
    to: Vec<u32>,
    w: Vec<f64>,
}

impl Block {
    /// The internal arcs of component `c`, rows in member order.
    pub fn new(l: &Local, sccs: &Sccs, c: usize) -> Block {
        let m = sccs.members(c);
        let mut b = Block {
            off: Vec::with_capacity(m.len() + 1),
            to: Vec::new(),
            w: Vec::new(),
        };
        b.off.push(0);
        for &u in m {
            for (v, w) in l.arcs(u) {
                if sccs.comp[v as usize] as usize == c {
                    b.to.push(sccs.pos[v as usize]);
                    b.w.push(w);
                }
            }
            b.off.push(b.to.len() as u32);
        }
        b
    }

    /// The number of members.
    pub fn len(&self) -> usize {
        self.off.len() - 1
    }

    /// Member `i`'s internal arcs as `(member, weight)`.
    #[inline]
    pub fn arcs(&self, i: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let r = self.off[i] as usize..self.off[i + 1] as usize;
        self.to[r.clone()]
            .iter()
            .map(|&t| t as usize)
            .zip(self.w[r].iter().copied())
    }

    /// What one sweep over the block costs the budget.
    pub fn cost(&self) -> u64 {
        (self.len() + self.to.len()) as u64
    }
}

/// Solves `x = ext + A x` on a block (values in member order) by
/// Gauss-Seidel from 0 and from 1 at once, until the two differ by less
/// than [`TOLERANCE`] everywhere; returns their midpoint. Arcs into member
/// `skip` are left out of `A` (the caller folded them into `ext`), and
/// `skip`'s own value stays 0.
///
/// The caller guarantees that 1 is a supersolution (every row of `A` plus
/// `ext` sums to at most 1) and that the spectral radius of `A` is below 1,
/// so both sequences converge to the one fixed point.
pub(crate) fn bracket(
    block: &Block,
    ext: &[f64],
    skip: Option<usize>,
    work: &Work,
) -> Result<Vec<f64>, Interrupt> {
    let n = block.len();
    // Interleaved [low, high]: one cache line per neighbour read.
    let mut x = vec![[0.0, 1.0]; n];
    if let Some(s) = skip {
        x[s] = [0.0, 0.0];
    }
    loop {
        work.charge(2 * block.cost())?;
        let mut gap: f64 = 0.0;
        for i in 0..n {
            if Some(i) == skip {
                continue;
            }
            let (mut lo, mut hi) = (ext[i], ext[i]);
            for (j, w) in block.arcs(i) {
                if Some(j) != skip {
                    lo += w * x[j][0];
                    hi += w * x[j][1];
                }
            }
            let hi = hi.min(x[i][1]);
            x[i] = [lo, hi];
            gap = gap.max(hi - lo);
        }
        if gap < TOLERANCE {
            return Ok(x.iter().map(|[a, b]| (a + b) / 2.0).collect());
        }
    }
}
