//! A large cyclic component's inputs to its solve, read in one pass over
//! its members' arcs and split over both cores: the block of its internal
//! arcs, each member's constant (its arcs into T and out of the component)
//! and, when walks are wanted, each member's best exit. Three separate
//! passes each read every arc's component at random; on the benchmark's
//! giant component they took 0.55 s on one core.

use super::Walks;
use crate::analysis::block::{Block, Rows};
use crate::analysis::local::{Local, NO};
use crate::analysis::scc::Sccs;

/// What [`gather`] reads off a component.
pub(super) struct Gathered {
    /// The internal arcs, rows in member order.
    pub block: Block,
    /// The local arc of each of the block's arcs, in row order (empty
    /// without walks).
    pub arcs: Vec<u32>,
    /// Per member: its arcs into T plus its arcs out of the component
    /// times their providers' totals.
    pub ext: Vec<f64>,
}

/// One half of the members' share of [`Gathered`], in member order.
#[derive(Default)]
struct Half {
    /// Row offsets from 0.
    off: Vec<u32>,
    to: Vec<u32>,
    w: Vec<f64>,
    arcs: Vec<u32>,
    ext: Vec<f64>,
    /// Best exit per member: `(cost, first arc)` as [`Walks`] keeps them.
    exits: Vec<(f64, u32)>,
}

/// Component `c`'s block, constants and (when `walks` is given) its
/// members' best exits, written into `walks`. `total` and `walks` must be
/// final for every component before `c`.
pub(super) fn gather(
    l: &Local,
    sccs: &Sccs,
    c: usize,
    total: &[f64],
    walks: Option<&mut Walks>,
) -> Gathered {
    let m = sccs.members(c);
    let cost = walks.as_ref().map(|w| &w.cost[..]);
    let (first, second) = m.split_at(m.len() / 2);
    let (mut a, b) = std::thread::scope(|scope| {
        let b = scope.spawn(|| half(l, sccs, c, second, &[], total, cost));
        // The first half's arrays take the second's after it: room for both.
        let a = half(l, sccs, c, first, second, total, cost);
        let b = b.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
        (a, b)
    });
    // The second half after the first: its offsets move by the first's
    // arcs.
    let base = a.to.len() as u32;
    a.off.extend(b.off[1..].iter().map(|o| o + base));
    a.to.extend_from_slice(&b.to);
    a.w.extend_from_slice(&b.w);
    a.arcs.extend_from_slice(&b.arcs);
    a.ext.extend_from_slice(&b.ext);
    a.exits.extend_from_slice(&b.exits);
    if let Some(walks) = walks {
        for (&u, &(cost, next)) in m.iter().zip(&a.exits) {
            walks.cost[u as usize] = cost;
            walks.next[u as usize] = next;
        }
    }
    Gathered {
        block: Block::from_csr(a.off, a.to, a.w, Rows::Members),
        arcs: a.arcs,
        ext: a.ext,
    }
}

/// [`gather`] over `members` (a run of component `c`'s, in member order),
/// with room for `then`'s after them; exits only when `cost` (the walks'
/// costs so far) is given.
fn half(
    l: &Local,
    sccs: &Sccs,
    c: usize,
    members: &[u32],
    then: &[u32],
    total: &[f64],
    cost: Option<&[f64]>,
) -> Half {
    // The members' degrees bound the internal arcs: sized once rather than
    // grown (and copied) by doubling.
    let room: usize = members.iter().chain(then).map(|&u| l.degree(u)).sum();
    let nodes = members.len() + then.len();
    let mut h = Half {
        off: Vec::with_capacity(nodes + 1),
        to: Vec::with_capacity(room),
        w: Vec::with_capacity(room),
        arcs: Vec::with_capacity(if cost.is_some() { room } else { 0 }),
        ext: Vec::with_capacity(nodes),
        exits: Vec::with_capacity(if cost.is_some() { nodes } else { 0 }),
    };
    h.off.push(0);
    for &u in members {
        // The same sums and comparisons, in the same order, as the
        // component-by-component passes (`Walks::exit`, `constant`), so
        // the answers are the same to the bit.
        // From -0.0, as `Iterator::sum` starts.
        let mut outside = -0.0;
        let mut best = cost.map(|_| {
            let (_, _, w) = l.best_stop[u as usize];
            if w > 0.0 {
                (0.0 - w.ln(), NO)
            } else {
                (f64::INFINITY, NO)
            }
        });
        for a in l.arc_range(u) {
            let v = l.provider(a);
            let (w, _) = l.arc(a);
            if sccs.comp[v as usize] as usize == c {
                h.to.push(sccs.pos[v as usize]);
                h.w.push(w);
                if cost.is_some() {
                    h.arcs.push(a);
                }
                continue;
            }
            outside += w * total[v as usize];
            if let (Some(cost), Some(best)) = (cost, best.as_mut())
                && cost[v as usize] < f64::INFINITY
            {
                let cand = cost[v as usize] - w.ln();
                if cand < best.0 {
                    *best = (cand, a);
                }
            }
        }
        h.off.push(h.to.len() as u32);
        h.ext.push(l.into_stop[u as usize] + outside);
        h.exits.extend(best);
    }
    h
}
