//! Systemic risk under the model v2 (dependency-model.md, `chokepoints`):
//! a candidate's score is the set's mean loss when the candidate fails,
//! the least fixed point of the model's `F` with the candidate's nodes
//! pinned at their severities.
//!
//! One system is built for every candidate (no hits: a candidate's
//! severity is a pin, `max(s, ...)`, read on top of it), and each
//! candidate's fixed point is found by pushing from its nodes along the
//! reverse terms, touching only the variables whose value grows by more
//! than a tolerance ε: most candidates move a small part of the graph.
//!
//! The push keeps `x ≤ F(x)` (so x stays below the least fixed point) and
//! stops when `F(x) ≤ x + ε` everywhere. With a *steps bound* z (z ≥ 1 +
//! the largest Σ a·z over each variable's choices: the most expected steps
//! of any walk, found once), `x + εz` is above F of itself, so above the
//! least fixed point: a score lies in `[lo, lo + ε·z̄]`, z̄ the set's
//! weighted mean of z. Under `top K` every candidate is first bracketed
//! coarsely; the K likely best (by that bracket) are then settled exactly,
//! so the K-th best lower end starts at true scores; then the ones whose
//! upper end can still reach it are narrowed, best first, until they drop
//! out or are settled too; two at a time, one per core.
//!
//! Settling ([`settle`]) is policy iteration on the candidate's downstream,
//! each policy's linear system solved by GMRES, the answer certified by the
//! map's residual and z: what a push to 1e-12 would take tens of passes
//! over a slowly mixing cyclic component for. When it cannot certify, the
//! push goes on to 1e-12.
//!
//! Without a steps bound (a walk can go on forever: a cycle of
//! requirements, say) there is no bracket, and the caller solves each
//! candidate's system in full instead.

mod settle;

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::build::Build;
use super::shock::Hits;
use super::system::{Flat, System};
use crate::analysis::{ArcSpec, View};
use crate::limits::{Interrupt, Work, beside};
use crate::model::{Graph, ModelFacts, NodeId};

/// A candidate: the nodes its failure hits, each with its severity.
pub type Pins = Vec<(NodeId, f64)>;

/// An exact score's bracket is at most this wide.
const EXACT: f64 = 1e-12;
/// The first bracket's width, for every candidate: coarse, to order them
/// (and wide enough in tests that small graphs' brackets are not exact).
const FIRST: f64 = if cfg!(test) { 0.5 } else { 0.25 };
/// The width the K likely best are pushed to before they are settled.
const LEAD: f64 = 1.0 / 1024.0;
/// Each narrowing divides the width by this.
const NARROW: f64 = 2.0;
/// A candidate drops out when its upper end is below the K-th best lower
/// end by more than this (so a rounding error cannot drop a tie).
const SLACK: f64 = 1e-9;
/// A candidate heading for exact (its lower end at or above the K-th best)
/// is settled by policy iteration ([`settle`]) once its bracket is this
/// narrow; pushing on to 1e-12 would cost tens of passes over its cyclic
/// component.
const SETTLE_FROM: f64 = 1.0 / 1024.0;
/// Candidates a thread takes at a time in a level.
const CHUNK: usize = 16;
/// The steps bound gives up after this many sweeps of one component.
const MAX_SWEEPS: usize = 5_000;

/// The scores of `candidates` for the set `rows` (node, weight) when each
/// fails alone: the weighted mean loss over the rows. With `top` = Some(K),
/// a candidate that provably cannot be among the K best is `None`; every
/// other score is exact to 1e-12. `Ok(None)` when the model's system has no
/// steps bound (the caller then solves candidate by candidate).
///
/// The view must have no cuts, hits or substitution beyond the candidate's
/// own failure (plain `chokepoints`).
#[allow(
    clippy::too_many_arguments,
    reason = "the statement's parts, passed as the other analyses take them"
)]
pub fn systemic_scores(
    g: &Graph,
    view: &View,
    facts: &ModelFacts,
    spec: &ArcSpec,
    rows: &[(NodeId, f64)],
    candidates: &[Pins],
    top: Option<usize>,
    work: &Work,
) -> Result<Option<Vec<Option<f64>>>, Interrupt> {
    let total: f64 = rows.iter().map(|r| r.1).sum();
    if total <= 0.0 || candidates.is_empty() {
        return Ok(Some(vec![Some(0.0); candidates.len()]));
    }
    let nodes: Vec<NodeId> = rows.iter().map(|r| r.0).collect();
    let none = Hits::new(g.node_count());
    let build = Build {
        g,
        view,
        facts,
        spec,
        by_share: false,
        hits: Some(&none),
        cuts: &[],
        free: &|_| false,
        substituted_from: None,
    };
    let built = build.build(&nodes, work)?;
    let sys = &built.sys;
    let Some(z) = steps_bound(sys, work)? else {
        return Ok(None);
    };
    let mut weight = vec![0.0; sys.len()];
    for &(n, w) in rows {
        if let Some(v) = built.row(n, 0) {
            weight[v as usize] += w / total;
        }
    }
    let zbar: f64 = weight.iter().zip(&z).map(|(w, z)| w * z).sum();
    let pins: Vec<Vec<(u32, f64)>> = candidates
        .iter()
        .map(|c| {
            c.iter()
                .flat_map(|&(n, s)| built.vars_of(n).map(move |v| (v, s.min(1.0))))
                .collect()
        })
        .collect();
    let net = Net::new(sys, weight);
    work.charge(net.rev.len() as u64)?;
    Ok(Some(narrow(&net, zbar, &pins, top, work)?))
}

/// The brackets of every candidate, narrowed as `top` needs (module doc):
/// all of them coarsely, the K likely best settled, then the others one by
/// one, best first, each push going on from where it stood until its upper
/// end falls below the K-th best lower end or it is settled (or, when it
/// cannot be, pushed to a bracket under 1e-12).
fn narrow(
    net: &Net<'_>,
    zbar: f64,
    pins: &[Vec<(u32, f64)>],
    top: Option<usize>,
    work: &Work,
) -> Result<Vec<Option<f64>>, Interrupt> {
    let eps = |width: f64| (width / zbar).max(f64::EPSILON * f64::EPSILON);
    let best = Mutex::new(Best::new(top));
    // A poisoned list means the other thread panicked: its panic is
    // resumed when it joins, so the list's state does not matter then.
    let lock = || {
        best.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };
    // Every candidate coarsely, two threads taking chunks in turn.
    let next = AtomicUsize::new(0);
    let coarse = |work: &Work| -> Result<Vec<(usize, f64)>, Interrupt> {
        let mut push = Push::new(net);
        let mut out = Vec::new();
        loop {
            let at = next.fetch_add(CHUNK, Ordering::Relaxed);
            if at >= pins.len() {
                return Ok(out);
            }
            for (c, pins) in pins.iter().enumerate().skip(at).take(CHUNK) {
                push.start(pins);
                push.run(eps(FIRST), work)?;
                out.push((c, push.sum));
            }
        }
    };
    let [a, b] = on_both(work, coarse, coarse)?;
    let mut lows = vec![0.0; pins.len()];
    for (c, lo) in a.into_iter().chain(b) {
        lows[c] = lo;
        lock().offer(c, lo);
    }
    let mut order: Vec<usize> = (0..pins.len()).collect();
    order.sort_by(|&a, &b| lows[b].total_cmp(&lows[a]).then(a.cmp(&b)));
    // The likely best first, settled: the K-th best lower end then starts
    // at a true score near its final value, and the others drop out at the
    // widest width that shows it.
    let mut scores = vec![None; pins.len()];
    if let Some(k) = top {
        let lead = &order[..k.min(order.len())];
        let next = AtomicUsize::new(0);
        let ahead = |work: &Work| -> Result<Vec<(usize, f64)>, Interrupt> {
            let mut push = Push::new(net);
            let mut out = Vec::new();
            while let Some(&c) = lead.get(next.fetch_add(1, Ordering::Relaxed)) {
                push.start(&pins[c]);
                push.run(eps(LEAD), work)?;
                lock().offer(c, push.sum);
                if let Some(score) = settle::settle(&push, zbar, work)? {
                    lock().offer(c, score);
                    out.push((c, score));
                }
            }
            Ok(out)
        };
        let [a, b] = on_both(work, ahead, ahead)?;
        for (c, s) in a.into_iter().chain(b) {
            scores[c] = Some(s);
        }
    }
    let next = AtomicUsize::new(0);
    let out_of_running = |high: f64| high + SLACK < lock().threshold();
    let exact = |work: &Work| -> Result<Vec<(usize, f64)>, Interrupt> {
        let mut push = Push::new(net);
        let mut out = Vec::new();
        loop {
            let Some(&c) = order.get(next.fetch_add(1, Ordering::Relaxed)) else {
                return Ok(out);
            };
            if scores[c].is_some() || out_of_running(lows[c] + FIRST) {
                continue;
            }
            push.start(&pins[c]);
            let mut width = next_width(FIRST, lows[c], lock().threshold());
            let mut settled = false;
            loop {
                push.lower(eps(width), work)?;
                let lo = push.sum;
                lock().offer(c, lo);
                if width <= EXACT {
                    out.push((c, lo));
                    break;
                }
                let threshold = lock().threshold();
                if lo + width + SLACK < threshold {
                    break;
                }
                if !settled && width <= SETTLE_FROM && lo + SLACK >= threshold {
                    settled = true;
                    if let Some(score) = settle::settle(&push, zbar, work)? {
                        lock().offer(c, score);
                        out.push((c, score));
                        break;
                    }
                }
                width = next_width(width, lo, threshold);
            }
        }
    };
    let [a, b] = on_both(work, exact, exact)?;
    for (c, s) in a.into_iter().chain(b) {
        scores[c] = Some(s);
    }
    Ok(scores)
}

/// The next bracket width after `width` for a candidate at `lo`: when it
/// is below the K-th best lower end (`threshold`), the width just narrow
/// enough to show it out of the running (10% to spare for `lo` rising as
/// the push goes on); else half (it is heading for exact). A push's cost
/// grows steeply as its tolerance falls past the point where it spreads
/// over a whole cyclic component, so a candidate should drop out at the
/// widest width that can show it.
fn next_width(width: f64, lo: f64, threshold: f64) -> f64 {
    let room = threshold - SLACK - lo;
    if room > 0.0 {
        0.9 * room.min(width)
    } else {
        width / NARROW
    }
}

/// `a` on this thread and `b` on a second one ([`beside`]), their results
/// side by side.
fn on_both<R: Send>(
    work: &Work,
    a: impl FnOnce(&Work) -> Result<R, Interrupt> + Send,
    b: impl FnOnce(&Work) -> Result<R, Interrupt> + Send,
) -> Result<[R; 2], Interrupt> {
    let (ra, rb) = beside(work, true, b, || a(work));
    Ok([ra?, rb?])
}

/// The K best lower ends so far, one per candidate.
struct Best {
    k: Option<usize>,
    list: Vec<(f64, usize)>,
}

impl Best {
    fn new(k: Option<usize>) -> Best {
        Best {
            k,
            list: Vec::new(),
        }
    }

    /// Candidate `c`'s score is at least `lo`.
    fn offer(&mut self, c: usize, lo: f64) {
        let Some(k) = self.k.filter(|k| *k > 0) else {
            return;
        };
        if let Some(at) = self.list.iter().position(|e| e.1 == c) {
            if self.list[at].0 >= lo {
                return;
            }
            self.list.remove(at);
        } else if self.list.len() >= k && self.list[k - 1].0 >= lo {
            return;
        }
        let at = self.list.partition_point(|e| e.0 >= lo);
        self.list.insert(at, (lo, c));
        self.list.truncate(k);
    }

    /// The K-th best lower end (no candidate below it can be among the K
    /// best); −∞ while fewer than K are known or without `top`.
    fn threshold(&self) -> f64 {
        match self.k {
            Some(k) if k > 0 && self.list.len() >= k => self.list[k - 1].0,
            _ => f64::NEG_INFINITY,
        }
    }
}

/// A term read backwards: variable `var`'s choice `choice` reads the
/// variable this entry is filed under, times `coef`.
#[derive(Clone, Copy)]
struct Rev {
    var: u32,
    choice: u32,
    coef: f64,
}

/// The system as the push reads it.
struct Net<'s> {
    flat: Flat<'s>,
    /// Per variable, its entries in `rev`: `rev_off[k]..rev_off[k + 1]`.
    rev_off: Vec<u32>,
    rev: Vec<Rev>,
    /// Per variable, the weight of the rows it stands for (summing to 1).
    weight: Vec<f64>,
}

impl<'s> Net<'s> {
    /// The push starts from the pins alone: `sys` must have no constants
    /// (built without hits or cuts, as [`systemic_scores`] builds it).
    fn new(sys: &'s System, weight: Vec<f64>) -> Net<'s> {
        let flat = sys.flat();
        debug_assert!(
            flat.cst.iter().all(|c| *c == 0.0),
            "a constant in the system"
        );
        let n = sys.len();
        let choices = |i: usize| flat.choice_off[i] as usize..flat.choice_off[i + 1] as usize;
        let terms = |j: usize| flat.term_off[j] as usize..flat.term_off[j + 1] as usize;
        let mut rev_off = vec![0u32; n + 1];
        for (t, &k) in flat.tvar.iter().enumerate() {
            if flat.coef[t] > 0.0 {
                rev_off[k as usize + 1] += 1;
            }
        }
        for k in 0..n {
            rev_off[k + 1] += rev_off[k];
        }
        let mut at = rev_off.clone();
        let blank = Rev {
            var: 0,
            choice: 0,
            coef: 0.0,
        };
        let mut rev = vec![blank; rev_off[n] as usize];
        for i in 0..n {
            for j in choices(i) {
                for t in terms(j) {
                    if flat.coef[t] > 0.0 {
                        let k = flat.tvar[t] as usize;
                        rev[at[k] as usize] = Rev {
                            var: i as u32,
                            choice: j as u32,
                            coef: flat.coef[t],
                        };
                        at[k] += 1;
                    }
                }
            }
        }
        Net {
            flat,
            rev_off,
            rev,
            weight,
        }
    }

    fn len(&self) -> usize {
        self.weight.len()
    }

    fn choices(&self, i: u32) -> std::ops::Range<usize> {
        self.flat.choice_off[i as usize] as usize..self.flat.choice_off[i as usize + 1] as usize
    }

    fn readers(&self, k: u32) -> &[Rev] {
        &self.rev[self.rev_off[k as usize] as usize..self.rev_off[k as usize + 1] as usize]
    }
}

/// A variable's flag: in the queue.
const QUEUED: u8 = 1;
/// Listed in `touched` (its state and choices are reset by the next start).
const LISTED: u8 = 2;
/// One of the candidate's nodes (its pin is in `pins`).
const PINNED: u8 = 4;

/// One thread's workspace: the push from one candidate, then the next.
/// Only what a push touches is reset, and lazily: a variable's state and
/// its choices' values are zeroed when the push first reaches it (its
/// memory is about to be read then anyway), so a candidate costs what it
/// moves. A variable's state is its value and the best of its choices'
/// values (both only grow during a push, so the best is kept as they do);
/// its flags sit apart in a byte array that fits in the cache.
struct Push<'n> {
    net: &'n Net<'n>,
    /// Per variable: `[x, best]`, best = max(pin, its choices' values).
    state: Vec<[f64; 2]>,
    flags: Vec<u8>,
    /// Per choice, its value at the current x.
    vals: Vec<f64>,
    pins: Vec<(u32, f64)>,
    touched: Vec<u32>,
    queue: VecDeque<u32>,
    /// The rows' weighted sum of x: the score's lower end.
    pub sum: f64,
    units: u64,
}

impl<'n> Push<'n> {
    fn new(net: &'n Net<'n>) -> Push<'n> {
        Push {
            net,
            state: vec![[0.0; 2]; net.len()],
            flags: vec![0; net.len()],
            vals: vec![0.0; net.flat.cst.len()],
            pins: Vec::new(),
            touched: Vec::new(),
            queue: VecDeque::new(),
            sum: 0.0,
            units: 0,
        }
    }

    /// Starts a candidate: everything at 0, its nodes pinned.
    fn start(&mut self, pins: &[(u32, f64)]) {
        for &i in &self.touched {
            self.flags[i as usize] = 0;
        }
        self.touched.clear();
        self.queue.clear();
        self.sum = 0.0;
        self.pins.clear();
        for &(i, s) in pins {
            self.touch(i);
            self.flags[i as usize] |= PINNED;
            match self.pins.iter_mut().find(|p| p.0 == i) {
                Some(p) => p.1 = p.1.max(s),
                None => self.pins.push((i, s)),
            }
            let best = &mut self.state[i as usize][1];
            *best = best.max(s);
            self.enqueue(i);
        }
    }

    /// Lists variable i (its state and choices zeroed) unless it is.
    fn touch(&mut self, i: u32) {
        let f = &mut self.flags[i as usize];
        if *f & LISTED == 0 {
            *f |= LISTED;
            self.touched.push(i);
            self.state[i as usize] = [0.0; 2];
            self.vals[self.net.choices(i)].fill(0.0);
        }
    }

    fn enqueue(&mut self, i: u32) {
        let f = &mut self.flags[i as usize];
        if *f & QUEUED == 0 {
            *f |= QUEUED;
            self.queue.push_back(i);
        }
    }

    /// Variable i's value in this push (0 when it was not reached).
    fn x(&self, i: u32) -> f64 {
        if self.flags[i as usize] & LISTED == 0 {
            0.0
        } else {
            self.state[i as usize][0]
        }
    }

    /// How far `F(x)` is above x at a listed variable.
    fn gap(&self, i: u32) -> f64 {
        let [x, best] = self.state[i as usize];
        best.min(1.0) - x
    }

    /// Pushes until `F(x) ≤ x + eps` at every variable.
    fn run(&mut self, eps: f64, work: &Work) -> Result<(), Interrupt> {
        let net = self.net;
        while let Some(u) = self.queue.pop_front() {
            self.flags[u as usize] &= !QUEUED;
            let d = self.gap(u);
            if d <= eps {
                continue;
            }
            self.state[u as usize][0] += d;
            self.sum += net.weight[u as usize] * d;
            let readers = net.readers(u);
            self.units += 1 + readers.len() as u64;
            for r in readers {
                let w = r.var as usize;
                self.touch(r.var);
                let val = &mut self.vals[r.choice as usize];
                *val += r.coef * d;
                let val = *val;
                let [x, best] = &mut self.state[w];
                *best = best.max(val);
                let flags = &mut self.flags[w];
                // Every variable out of the queue has all its choices
                // within eps of its x, so only this choice can have left.
                if *flags & QUEUED == 0 && val.min(1.0) - *x > eps {
                    *flags |= QUEUED;
                    self.queue.push_back(r.var);
                }
            }
            if self.units >= 1 << 14 {
                work.charge(std::mem::take(&mut self.units))?;
            }
        }
        work.charge(std::mem::take(&mut self.units))
    }

    /// Goes on from the current state to a smaller `eps`.
    fn lower(&mut self, eps: f64, work: &Work) -> Result<(), Interrupt> {
        self.units += self.touched.len() as u64;
        for k in 0..self.touched.len() {
            let i = self.touched[k];
            if self.gap(i) > eps {
                self.enqueue(i);
            }
        }
        self.run(eps, work)
    }
}

/// A steps bound of `sys`: z ≥ 1 + max over each variable's choices of
/// Σ a·z (checked row by row), or `None` when none was found (some walk
/// goes on forever, or the sweeps did not settle).
fn steps_bound(sys: &System, work: &Work) -> Result<Option<Vec<f64>>, Interrupt> {
    let flat = sys.flat();
    let n = sys.len();
    // The build has no constants (no hits, no cuts), so a variable's best
    // choice at z is the largest Σ a·z over its choices (a constant would
    // only make z larger: still a bound).
    let reads = |i: usize, z: &[f64]| sys.best(i as u32, z);
    let terms_of = |i: usize| {
        (flat.term_off[flat.choice_off[i + 1] as usize]
            - flat.term_off[flat.choice_off[i] as usize]) as u64
    };
    let mut z = vec![0.0; n];
    for comp in sys.sccs() {
        let size: u64 = comp.iter().map(|&i| 1 + terms_of(i as usize)).sum();
        work.charge(size)?;
        if !sys.cyclic(&comp) {
            let i = comp[0] as usize;
            z[i] = 1.0 + reads(i, &z);
            continue;
        }
        // Gauss-Seidel from below: z only grows, towards the least
        // solution when there is one.
        let mut sweeps = 0;
        loop {
            let mut change: f64 = 0.0;
            for &i in &comp {
                let i = i as usize;
                let new = 1.0 + reads(i, &z);
                change = change.max((new - z[i]) / new);
                z[i] = new;
            }
            work.charge(size)?;
            sweeps += 1;
            if change < 1e-9 {
                break;
            }
            if sweeps >= MAX_SWEEPS || comp.iter().any(|&i| z[i as usize] > 1e12) {
                return Ok(None);
            }
        }
    }
    // Check every row; scale up so that each holds with room.
    let mut slack = f64::INFINITY;
    for i in 0..n {
        slack = slack.min(z[i] - reads(i, &z));
    }
    work.charge(n as u64 + flat.tvar.len() as u64)?;
    if slack.is_nan() || slack <= 0.0 {
        return Ok(None);
    }
    let scale = (1.0 / slack).max(1.0) * (1.0 + 1e-9);
    for v in &mut z {
        *v *= scale;
    }
    Ok(Some(z))
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::super::system::End;
    use crate::model::EdgeId;

    /// A system of `n` variables, each with the choices given as lists of
    /// (variable, coefficient).
    fn system(choices: &[&[&[(u32, f64)]]]) -> System {
        let mut sys = System::default();
        for i in 0..choices.len() {
            sys.push_var(NodeId::from_index(i));
        }
        for var in choices {
            sys.begin();
            for terms in *var {
                sys.choice(0.0, End::None);
                for &(k, a) in *terms {
                    sys.term(k, a, EdgeId::from_index(0));
                }
            }
        }
        sys.finish();
        sys
    }

    #[test]
    fn the_steps_bound_is_the_longest_expected_walk_or_none() {
        let work = Work::unlimited();
        // 0 → 1 (0.5) or 0 → 2 (1); 2 → 1 (0.5); 1 ends.
        let chain = system(&[&[&[(1, 0.5)], &[(2, 1.0)]], &[], &[&[(1, 0.5)]]]);
        let z = steps_bound(&chain, &work)
            .unwrap()
            .expect("every walk ends");
        let want = [2.5, 1.0, 1.5];
        for (got, want) in z.iter().zip(want) {
            assert!(
                *got >= want && *got < want * (1.0 + 1e-6),
                "{got} vs {want}"
            );
        }
        // A cycle of requirements: 0 ⇒ 1 ⇒ 0, each with weight 1, never ends.
        let cycle = system(&[&[&[(1, 1.0)]], &[&[(0, 1.0)]]]);
        assert!(steps_bound(&cycle, &work).unwrap().is_none());
        // A cycle that leaks ends: z0 = 1 + 0.5 z1, z1 = 1 + z0.
        let leak = system(&[&[&[(1, 0.5)]], &[&[(0, 1.0)]]]);
        let z = steps_bound(&leak, &work).unwrap().expect("walks end");
        assert!(
            (z[0] - 3.0).abs() < 1e-6 && (z[1] - 4.0).abs() < 1e-6,
            "{z:?}"
        );
    }

    #[test]
    fn settle_switches_policy_and_certifies_the_fixed_point() {
        let work = Work::unlimited();
        // 0 is the candidate (severity 0.8); 1 reads 0 (0.5) or 2 (0.9);
        // 2 reads 1 (0.6) and 0 (0.3); 3 reads 1; 4 reads 0 twice over (at
        // the clamp). The fixed point: x2 = 0.24 / 0.46, x1 = x3 = 0.9 x2
        // (1's second choice, which the push has not reached), x4 = 1.
        let sys = system(&[
            &[],
            &[&[(0, 0.5)], &[(2, 0.9)]],
            &[&[(1, 0.6), (0, 0.3)]],
            &[&[(1, 1.0)]],
            &[&[(0, 2.0)]],
        ]);
        let z = steps_bound(&sys, &work).unwrap().expect("walks end");
        let weight = vec![0.0, 0.0, 0.25, 0.25, 0.5];
        let zbar: f64 = weight.iter().zip(&z).map(|(w, z)| w * z).sum();
        let net = Net::new(&sys, weight);
        let mut push = Push::new(&net);
        push.start(&[(0, 0.8)]);
        push.run(0.5, &work).unwrap();
        assert_eq!(push.x(1), 0.0, "the push stopped before 1");
        let got = settle::settle(&push, zbar, &work)
            .unwrap()
            .expect("a certified score");
        let x2 = 0.24 / 0.46;
        let want = 0.25 * (x2 + 0.9 * x2) + 0.5;
        assert!((got - want).abs() <= EXACT, "{got} vs {want}");
        assert!(got <= want + 1e-15, "the lower end: {got} vs {want}");
    }

    #[test]
    fn best_keeps_the_k_largest_lower_ends_one_per_candidate() {
        let mut b = Best::new(Some(2));
        assert_eq!(b.threshold(), f64::NEG_INFINITY);
        b.offer(0, 0.1);
        assert_eq!(b.threshold(), f64::NEG_INFINITY);
        b.offer(1, 0.3);
        assert_eq!(b.threshold(), 0.1);
        // A candidate raises its own entry, never takes two places.
        b.offer(0, 0.2);
        assert_eq!(b.threshold(), 0.2);
        b.offer(0, 0.15);
        assert_eq!(b.threshold(), 0.2);
        b.offer(2, 0.5);
        assert_eq!(b.list, vec![(0.5, 2), (0.3, 1)]);
        b.offer(3, 0.01);
        assert_eq!(b.threshold(), 0.3);
        let mut all = Best::new(None);
        all.offer(0, 1.0);
        assert_eq!(all.threshold(), f64::NEG_INFINITY);
    }
}
