//! A candidate's exact score by policy iteration, once its push has gone
//! far enough to be worth it: the push's cost to 1e-12 is dominated by a
//! slowly mixing cyclic component (tens of passes over it), which a Krylov
//! solve of each policy's linear system removes.
//!
//! The answer is certified, not trusted: with the residual `r = G(y) - y`
//! of the model's own map at the solve's `y` (clamp and pins included) and
//! the steps bound z, `y - max(r⁻)·z` is below the fixed point and
//! `y + max(r⁺)·z` above it (the map is a contraction in z's weighted
//! norm, so its fixed point is unique), so the score lies in
//! `[w·y - max(r⁻)·z̄, w·y + max(r⁺)·z̄]`. When that bracket is wider than
//! [`EXACT`], [`settle`] says so and the caller goes on pushing.

use super::{EXACT, Net, PINNED, Push};
use crate::analysis::block::{Block, Rows};
use crate::analysis::krylov::gmres;
use crate::limits::{Interrupt, Work};

/// A choice's value must beat the current one's by this to switch to it
/// (ties would otherwise switch back and forth).
const IMPROVE: f64 = 1e-14;
/// The most policies evaluated before giving up.
const MAX_ROUNDS: usize = 30;
/// A policy's system is first solved to this residual; the last one, when
/// the policy no longer changes, to the certificate's.
const ROUGH: f64 = 1e-9;
/// The sweeps one solve may spend.
const MAX_SWEEPS: usize = 400;

/// What a variable's row is under the current policy.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// At 1: its best choice reaches the clamp.
    One,
    /// At its pin: the candidate's severity beats every choice.
    Pin,
    /// Choice j of the system.
    Choice(u32),
}

/// The candidate's score to within [`EXACT`], from where `push` stands, or
/// `None` when the certificate is wider (the push then goes on).
pub(super) fn settle(push: &Push<'_>, zbar: f64, work: &Work) -> Result<Option<f64>, Interrupt> {
    let net = push.net;
    let (order, local) = downstream(push, work)?;
    let m = order.len();
    // What one pass over every choice of the set reads: a variable and
    // its choices' terms each.
    let f = &net.flat;
    let pass: u64 = order
        .iter()
        .map(|&i| {
            let ends = net.choices(i);
            1 + (f.term_off[ends.end] - f.term_off[ends.start]) as u64
        })
        .sum();
    // Values in `order`'s positions, from the push's (a subsolution).
    let mut y: Vec<f64> = order.iter().map(|&i| push.x(i)).collect();
    let mut rules = vec![Rule::One; m];
    let mut tol = ROUGH;
    let target = EXACT / (4.0 * zbar);
    for round in 0..MAX_ROUNDS {
        let changed = choose(push, &order, &local, &y, &mut rules, round == 0);
        work.charge(pass)?;
        if !changed && tol == target {
            break;
        }
        if !changed {
            tol = target;
        }
        let (block, b) = system(net, push, &order, &local, &rules);
        work.charge(block.cost())?;
        gmres(&block, &b, None, &mut y, tol, MAX_SWEEPS, work)?;
    }
    // The certificate, from the model's own map at y.
    let (mut over, mut under): (f64, f64) = (0.0, 0.0);
    let mut sum = 0.0;
    for (p, &i) in order.iter().enumerate() {
        let r = map(push, &local, &y, i) - y[p];
        over = over.max(r);
        under = under.max(-r);
        sum += net.weight[i as usize] * y[p];
    }
    work.charge(pass)?;
    let (lo, hi) = (sum - under * zbar, sum + over * zbar);
    Ok((hi - lo <= EXACT && lo.is_finite()).then_some(lo))
}

/// The variables the candidate can move (its pins and every variable that
/// reads one of them, directly or not), providers first, and each
/// variable's position among them (`u32::MAX` outside). Outside this set
/// the fixed point is 0, so the residual is 0 there too.
fn downstream(push: &Push<'_>, work: &Work) -> Result<(Vec<u32>, Vec<u32>), Interrupt> {
    let net = push.net;
    let mut local = vec![u32::MAX; net.len()];
    let mut order: Vec<u32> = Vec::new();
    for &(i, _) in &push.pins {
        if local[i as usize] == u32::MAX {
            local[i as usize] = order.len() as u32;
            order.push(i);
        }
    }
    let mut at = 0;
    while let Some(&k) = order.get(at) {
        at += 1;
        let readers = net.readers(k);
        work.charge(1 + readers.len() as u64)?;
        for r in readers {
            if local[r.var as usize] == u32::MAX {
                local[r.var as usize] = order.len() as u32;
                order.push(r.var);
            }
        }
    }
    Ok((order, local))
}

/// Choice j's value at y (variables outside the set are at 0).
fn value(net: &Net<'_>, local: &[u32], y: &[f64], j: usize) -> f64 {
    net.flat.value(j, |k| match local[k as usize] {
        u32::MAX => 0.0,
        q => y[q as usize],
    })
}

/// Variable i's pin (0 when it has none).
fn pin(push: &Push<'_>, i: u32) -> f64 {
    if push.flags[i as usize] & PINNED == 0 {
        return 0.0;
    }
    push.pins.iter().find(|p| p.0 == i).map_or(0.0, |p| p.1)
}

/// The model's map at variable i: its pin or best choice, clamped to 1.
fn map(push: &Push<'_>, local: &[u32], y: &[f64], i: u32) -> f64 {
    push.net
        .choices(i)
        .map(|j| value(push.net, local, y, j))
        .fold(pin(push, i), f64::max)
        .min(1.0)
}

/// Each variable's best rule at y, keeping the current one unless another
/// is better by more than [`IMPROVE`] (on the first round there is none);
/// whether any changed.
fn choose(
    push: &Push<'_>,
    order: &[u32],
    local: &[u32],
    y: &[f64],
    rules: &mut [Rule],
    first: bool,
) -> bool {
    let net = push.net;
    let mut changed = first;
    for (p, &i) in order.iter().enumerate() {
        // The best: the pin, if any, then the first choice that beats it
        // (an unpinned variable takes a choice even at 0, so that its row
        // reads what it reads).
        let pinned = push.flags[i as usize] & PINNED != 0;
        let pin_value = pin(push, i);
        let mut best = if pinned {
            (pin_value, Rule::Pin)
        } else {
            (f64::NEG_INFINITY, Rule::Pin)
        };
        let mut current = match rules[p] {
            Rule::Pin => pin_value,
            _ => f64::NEG_INFINITY,
        };
        for j in net.choices(i) {
            let v = value(net, local, y, j);
            if v > best.0 {
                best = (v, Rule::Choice(j as u32));
            }
            if rules[p] == Rule::Choice(j as u32) {
                current = v;
            }
        }
        let rule = if best.0 >= 1.0 {
            Rule::One
        } else if first || best.0 > current + IMPROVE {
            best.1
        } else {
            rules[p]
        };
        changed |= rule != rules[p];
        rules[p] = rule;
    }
    changed
}

/// The linear system of the rules: a row per variable of `order`, its
/// constant in `b` and its terms inside the set as arcs.
fn system(
    net: &Net<'_>,
    push: &Push<'_>,
    order: &[u32],
    local: &[u32],
    rules: &[Rule],
) -> (Block, Vec<f64>) {
    let f = &net.flat;
    let mut off = Vec::with_capacity(order.len() + 1);
    let mut to = Vec::new();
    let mut w = Vec::new();
    let mut b = vec![0.0; order.len()];
    off.push(0u32);
    for (p, &i) in order.iter().enumerate() {
        match rules[p] {
            Rule::One => b[p] = 1.0,
            Rule::Pin => b[p] = pin(push, i),
            Rule::Choice(j) => {
                let j = j as usize;
                b[p] = f.cst[j];
                for t in f.term_off[j] as usize..f.term_off[j + 1] as usize {
                    let q = local[f.tvar[t] as usize];
                    if q != u32::MAX {
                        to.push(q);
                        w.push(f.coef[t]);
                    }
                }
            }
        }
        off.push(to.len() as u32);
    }
    (Block::from_csr(off, to, w, Rows::Members), b)
}
