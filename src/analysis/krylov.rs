//! Restarted GMRES on the Gauss-Seidel operator of a [`Block`]: gets near
//! the solution of `x = b + A x` in a few dozen sweeps where plain sweeps
//! need over a hundred (the giant cyclic components of the benchmark's
//! supply graphs have one slowly decaying mode, which the Krylov space
//! removes). Its answer carries no guarantee: the solvers in `solve`
//! certify it (a residual bound, then bracketing sweeps).
//!
//! With `G(x)` one Gauss-Seidel sweep (`G(x) = K x + c`, K linear), the
//! fixed point solves `(I - K) x = c`; each Arnoldi step applies `I - K`,
//! i.e. one sweep, so the method costs what the sweeps cost plus
//! `O(RESTART · n)` for the orthogonalisation.

use super::block::Block;
use crate::limits::{Interrupt, Work};

/// The Krylov space's size before a restart: (RESTART + 1) vectors of the
/// block's size are kept.
pub(crate) const RESTART: usize = 10;

/// Moves `x` (row order) towards the solution of `x = b + A x` on `block`
/// (row `pin` fixed at `b[pin]`), until the Gauss-Seidel residual
/// `G(x) - x` is at most `tol` in every row, a restart cycle fails to
/// halve its 2-norm (rounding stops it there) or `max_sweeps` sweeps are
/// spent.
/// Returns the sweeps spent.
pub(crate) fn gmres(
    block: &Block,
    b: &[f64],
    pin: Option<usize>,
    x: &mut [f64],
    tol: f64,
    max_sweeps: usize,
    work: &Work,
) -> Result<usize, Interrupt> {
    let n = block.len();
    let mut sweeps = 0;
    let mut basis: Vec<Vec<f64>> = Vec::new();
    let mut h = vec![[0.0; RESTART]; RESTART + 1];
    let mut cs = [0.0; RESTART];
    let mut sn = [0.0; RESTART];
    let mut g = [0.0; RESTART + 1];
    let mut gx = vec![0.0; n];
    let mut last = f64::INFINITY;
    // Inside a cycle only the 2-norm is known: a residual of `tol` in every
    // row has this 2-norm.
    let spread_tol = tol * (n as f64).sqrt();
    loop {
        work.charge(block.cost())?;
        block.gauss_seidel(x, Some(b), pin, &mut gx);
        sweeps += 1;
        if basis.is_empty() {
            basis.push(vec![0.0; n]);
        }
        for ((r, gi), xi) in basis[0].iter_mut().zip(&gx).zip(x.iter()) {
            *r = gi - xi;
        }
        let beta = norm(&basis[0]);
        let worst = basis[0].iter().fold(0.0, |m: f64, r| m.max(r.abs()));
        // A NaN stops too; a cycle that did not halve the residual has met
        // rounding.
        if !above(worst, tol) || sweeps >= max_sweeps || beta > last / 2.0 {
            // The sweep is a better iterate than its start, and paid for.
            x.copy_from_slice(&gx);
            return Ok(sweeps);
        }
        last = beta;
        scale(&mut basis[0], 1.0 / beta);
        g.fill(0.0);
        g[0] = beta;
        let mut k = 0;
        for j in 0..RESTART {
            if basis.len() <= j + 1 {
                basis.push(vec![0.0; n]);
            }
            let (head, tail) = basis.split_at_mut(j + 1);
            let w = &mut tail[0];
            // A step costs the budget its sweep (its rows and arcs, as
            // every sweep does), not the orthogonalisation's arithmetic on
            // vectors already paid for: the budget counts expanded arcs and
            // rows, and a whole-graph analysis must fit the default.
            work.charge(block.cost())?;
            block.gauss_seidel(&head[j], None, pin, w);
            sweeps += 1;
            for (wi, vi) in w.iter_mut().zip(&head[j]) {
                *wi = vi - *wi;
            }
            for (i, v) in head.iter().enumerate() {
                let d = dot(w, v);
                h[i][j] = d;
                axpy(w, -d, v);
            }
            let next = norm(w);
            h[j + 1][j] = next;
            for i in 0..j {
                let t = cs[i] * h[i][j] + sn[i] * h[i + 1][j];
                h[i + 1][j] = cs[i] * h[i + 1][j] - sn[i] * h[i][j];
                h[i][j] = t;
            }
            let d = h[j][j].hypot(next);
            if !above(d, 0.0) {
                break;
            }
            cs[j] = h[j][j] / d;
            sn[j] = next / d;
            h[j][j] = d;
            h[j + 1][j] = 0.0;
            g[j + 1] = -sn[j] * g[j];
            g[j] *= cs[j];
            k = j + 1;
            if !above(g[j + 1].abs(), spread_tol) || !above(next, 0.0) || sweeps >= max_sweeps {
                break;
            }
            scale(w, 1.0 / next);
        }
        // x += V y with H y = g (upper triangular after the rotations).
        let mut y = [0.0; RESTART];
        for i in (0..k).rev() {
            let s: f64 = (i + 1..k).map(|l| h[i][l] * y[l]).sum();
            y[i] = (g[i] - s) / h[i][i];
        }
        for (yi, v) in y.iter().zip(&basis).take(k) {
            axpy(x, *yi, v);
        }
    }
}

/// `x > limit`, false for NaN.
fn above(x: f64, limit: f64) -> bool {
    x > limit
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn norm(a: &[f64]) -> f64 {
    dot(a, a).sqrt()
}

fn scale(a: &mut [f64], s: f64) {
    for x in a {
        *x *= s;
    }
}

/// `a += s b`.
fn axpy(a: &mut [f64], s: f64, b: &[f64]) {
    for (x, y) in a.iter_mut().zip(b) {
        *x += s * y;
    }
}
