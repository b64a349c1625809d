//! A max-of-linear-terms system `x_i = max over choices j of (c_j + Σ a_jk
//! x_k)` with `a ≥ 0` and every choice's coefficients summing to at most
//! 1: the shape of the dependency model's `F` (dependency-model.md, *Shocks
//! and loss*). Its least fixed point is the largest probability of reaching
//! a constant in the decision process whose choices are the terms.
//!
//! Solved exactly per strongly connected component in reverse topological
//! order: an acyclic variable in one step; a component by policy iteration
//! (evaluate the chosen terms' least fixed point, a linear system, then
//! switch a variable to a term that is strictly better; the values only
//! grow and a finite number of policies bounds the steps). Evaluation: the
//! variables that cannot reach a positive constant under the policy are 0
//! (that is what makes it the least fixed point), the rest solve `(I - A) x
//! = b` densely (LU, up to 300 variables) or by Gauss-Seidel from 0.
//!
//! Also: `rounds` (N synchronous rounds from the constants-only start, for
//! `depth N` and `direct`), and the walks with the largest product of
//! coefficients times the end's weight (Dijkstra on `-ln`, ties to fewer
//! arcs), or at most N arcs of them (Bellman-Ford by rounds).

use crate::analysis::radix::{RadixHeap, from_ordered_bits, ordered_bits};
use crate::analysis::solve::Lu;
use crate::limits::{Interrupt, Work};
use crate::model::{EdgeId, NodeId};

/// Components up to this many variables are evaluated by LU.
const DENSE_MAX: usize = 300;
/// A policy switches only to a term better by more than this.
const IMPROVE: f64 = 1e-14;
/// Gauss-Seidel stops when no value moves by more than this.
const GS_TOL: f64 = 1e-15;

/// How a walk may end at a choice: its constant is a hit's severity, or a
/// cut arc's weight.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum End {
    /// No end here (the constant is 0 or a silent part).
    None,
    /// The variable's node is hit with this severity.
    Hit(f64),
    /// A cut arc (edge, provider) of this weight.
    Cut(EdgeId, NodeId, f64),
    /// The node is silent itself (`unknown`: a kind that needs supply and
    /// has none); like a hit, it counts from round 0, and no walk ends here.
    Quiet,
}

/// A finished [`System`] as flat arrays: variable i's choices are
/// `choice_off[i]..choice_off[i + 1]`; choice j's constant is `cst[j]` and
/// its terms `term_off[j]..term_off[j + 1]`, term t reading variable
/// `tvar[t]` times `coef[t]`.
#[derive(Clone, Copy)]
pub(crate) struct Flat<'s> {
    pub choice_off: &'s [u32],
    pub cst: &'s [f64],
    pub term_off: &'s [u32],
    pub tvar: &'s [u32],
    pub coef: &'s [f64],
}

impl Flat<'_> {
    /// Choice j's value when variable k stands at `x(k)`.
    #[inline]
    pub fn value(&self, j: usize, x: impl Fn(u32) -> f64) -> f64 {
        let terms = self.term_off[j] as usize..self.term_off[j + 1] as usize;
        self.cst[j] + terms.map(|t| self.coef[t] * x(self.tvar[t])).sum::<f64>()
    }
}

/// The system, built variable by variable with [`System::var`],
/// [`System::choice`] and [`System::term`].
#[derive(Default)]
pub(crate) struct System {
    /// Per variable: the graph node it stands for.
    pub node: Vec<NodeId>,
    choice_off: Vec<u32>,
    cst: Vec<f64>,
    end: Vec<End>,
    term_off: Vec<u32>,
    tvar: Vec<u32>,
    coef: Vec<f64>,
    tedge: Vec<EdgeId>,
    open: bool,
}

impl System {
    /// Starts the next variable's choices (variables are filled in index
    /// order; [`System::push_var`] reserves the index first).
    pub fn begin(&mut self) {
        self.choice_off.push(self.cst.len() as u32);
        self.open = true;
    }

    /// Reserves a variable for node `n`; returns its index.
    pub fn push_var(&mut self, n: NodeId) -> u32 {
        self.node.push(n);
        (self.node.len() - 1) as u32
    }

    /// Opens a choice with constant `c` and its end.
    pub fn choice(&mut self, c: f64, end: End) {
        self.cst.push(c);
        self.end.push(end);
        self.term_off.push(self.tvar.len() as u32);
    }

    /// Adds a constant part to the open choice, keeping the heavier end.
    pub fn add_const(&mut self, c: f64, end: End) {
        if let Some(last) = self.cst.last_mut() {
            *last += c;
        }
        let weight = |e: &End| match *e {
            End::None | End::Quiet => 0.0,
            End::Hit(s) => s,
            End::Cut(_, _, w) => w,
        };
        if let Some(last) = self.end.last_mut()
            && weight(&end) > weight(last)
        {
            *last = end;
        }
    }

    /// Adds `a · x_k` (through edge `e`) to the open choice.
    pub fn term(&mut self, k: u32, a: f64, e: EdgeId) {
        self.tvar.push(k);
        self.coef.push(a);
        self.tedge.push(e);
    }

    /// Closes the system (after the last variable's choices).
    pub fn finish(&mut self) {
        if self.open {
            self.choice_off.push(self.cst.len() as u32);
            self.term_off.push(self.tvar.len() as u32);
            self.open = false;
        }
    }

    /// The number of variables.
    pub fn len(&self) -> usize {
        self.node.len()
    }

    /// The arrays a sparse solver reads (see [`Flat`]).
    pub fn flat(&self) -> Flat<'_> {
        Flat {
            choice_off: &self.choice_off,
            cst: &self.cst,
            term_off: &self.term_off,
            tvar: &self.tvar,
            coef: &self.coef,
        }
    }

    fn choices(&self, i: u32) -> std::ops::Range<usize> {
        self.choice_off[i as usize] as usize..self.choice_off[i as usize + 1] as usize
    }

    fn terms(&self, j: usize) -> std::ops::Range<usize> {
        self.term_off[j] as usize..self.term_off[j + 1] as usize
    }

    fn value(&self, j: usize, x: &[f64]) -> f64 {
        self.flat().value(j, |k| x[k as usize])
    }

    /// Variable `i`'s best choice's value at `x` (0 when it has none).
    pub fn best(&self, i: u32, x: &[f64]) -> f64 {
        self.choices(i)
            .map(|j| self.value(j, x))
            .fold(0.0, f64::max)
    }

    /// Whether a component (of [`System::sccs`]) has a cycle: more than
    /// one variable, or one that reads itself.
    pub fn cyclic(&self, members: &[u32]) -> bool {
        match members {
            [i] => self
                .choices(*i)
                .any(|j| self.terms(j).any(|t| self.tvar[t] == *i)),
            _ => true,
        }
    }

    /// The least fixed point, clamped to [0, 1].
    pub fn solve(&self, work: &Work) -> Result<Vec<f64>, Interrupt> {
        let n = self.len();
        let mut x = vec![0.0; n];
        let comps = self.sccs();
        let mut comp_of = vec![u32::MAX; n];
        let mut policy = vec![usize::MAX; n];
        for (c, members) in comps.iter().enumerate() {
            for &i in members {
                comp_of[i as usize] = c as u32;
            }
            work.charge(
                members
                    .iter()
                    .map(|&i| 1 + self.choices(i).len() as u64)
                    .sum(),
            )?;
            if !self.cyclic(members) {
                let i = members[0];
                x[i as usize] = self.best(i, &x).clamp(0.0, 1.0);
                continue;
            }
            self.policy_iteration(members, &comp_of, c as u32, &mut x, &mut policy, work)?;
        }
        Ok(x)
    }

    fn policy_iteration(
        &self,
        members: &[u32],
        comp_of: &[u32],
        c: u32,
        x: &mut [f64],
        policy: &mut [usize],
        work: &Work,
    ) -> Result<(), Interrupt> {
        // Start: the best choice with the component's values at 0.
        for &i in members {
            let mut best = (f64::NEG_INFINITY, usize::MAX);
            for j in self.choices(i) {
                let v = self.value(j, x);
                if v > best.0 {
                    best = (v, j);
                }
            }
            policy[i as usize] = best.1;
        }
        let limit = 64 + 4 * members.len();
        for _ in 0..limit {
            self.evaluate(members, comp_of, c, x, policy, work)?;
            let mut switched = false;
            for &i in members {
                let cur = policy[i as usize];
                let now = if cur == usize::MAX {
                    0.0
                } else {
                    self.value(cur, x)
                };
                let mut best = (now, cur);
                for j in self.choices(i) {
                    let v = self.value(j, x);
                    if v > best.0 + IMPROVE {
                        best = (v, j);
                    }
                }
                if best.1 != cur {
                    policy[i as usize] = best.1;
                    switched = true;
                }
            }
            work.charge(members.len() as u64)?;
            if !switched {
                break;
            }
        }
        for &i in members {
            x[i as usize] = x[i as usize].clamp(0.0, 1.0);
        }
        Ok(())
    }

    /// The least fixed point of the policy's linear system on a component.
    fn evaluate(
        &self,
        members: &[u32],
        comp_of: &[u32],
        c: u32,
        x: &mut [f64],
        policy: &[usize],
        work: &Work,
    ) -> Result<(), Interrupt> {
        let m = members.len();
        let mut local = std::collections::HashMap::with_capacity(m);
        for (p, &i) in members.iter().enumerate() {
            local.insert(i, p);
        }
        // b: the chosen term's constant and outside part; inside arcs.
        let mut b = vec![0.0; m];
        let mut inside: Vec<Vec<(usize, f64)>> = vec![Vec::new(); m];
        for (p, &i) in members.iter().enumerate() {
            let j = policy[i as usize];
            if j == usize::MAX {
                continue;
            }
            b[p] = self.cst[j];
            for t in self.terms(j) {
                let k = self.tvar[t];
                if comp_of[k as usize] == c {
                    inside[p].push((local[&k], self.coef[t]));
                } else {
                    b[p] += self.coef[t] * x[k as usize];
                }
            }
        }
        work.charge(inside.iter().map(|v| 1 + v.len() as u64).sum())?;
        // Live: can reach a positive b along inside arcs.
        let mut rev: Vec<Vec<usize>> = vec![Vec::new(); m];
        for (p, arcs) in inside.iter().enumerate() {
            for &(q, a) in arcs {
                if a > 0.0 {
                    rev[q].push(p);
                }
            }
        }
        let mut live = vec![false; m];
        let mut stack: Vec<usize> = (0..m).filter(|&p| b[p] > 0.0).collect();
        for &p in &stack {
            live[p] = true;
        }
        while let Some(q) = stack.pop() {
            for &p in &rev[q] {
                if !live[p] {
                    live[p] = true;
                    stack.push(p);
                }
            }
        }
        let idx: Vec<usize> = (0..m).filter(|&p| live[p]).collect();
        for (p, &i) in members.iter().enumerate() {
            if !live[p] {
                x[i as usize] = 0.0;
            }
        }
        if idx.is_empty() {
            return Ok(());
        }
        let mut at = vec![usize::MAX; m];
        for (r, &p) in idx.iter().enumerate() {
            at[p] = r;
        }
        let n = idx.len();
        let solved = if n <= DENSE_MAX {
            work.charge((n * n) as u64)?;
            let mut mat = vec![0.0; n * n];
            let mut rhs = vec![0.0; n];
            for (r, &p) in idx.iter().enumerate() {
                mat[r * n + r] += 1.0;
                rhs[r] = b[p];
                for &(q, a) in &inside[p] {
                    if live[q] {
                        mat[r * n + at[q]] -= a;
                    }
                }
            }
            Lu::factor(mat, n).map(|lu| lu.solve(&rhs))
        } else {
            None
        };
        let values = match solved {
            Some(v) => v,
            None => {
                // Gauss-Seidel from the current values (a lower bound:
                // policies only improve), sweeping until nothing moves.
                let mut v: Vec<f64> = idx.iter().map(|&p| x[members[p] as usize]).collect();
                loop {
                    work.charge((n + inside.iter().map(Vec::len).sum::<usize>()) as u64)?;
                    let mut change: f64 = 0.0;
                    for (r, &p) in idx.iter().enumerate() {
                        let y = b[p]
                            + inside[p]
                                .iter()
                                .filter(|(q, _)| live[*q])
                                .map(|&(q, a)| a * v[at[q]])
                                .sum::<f64>();
                        change = change.max((y - v[r]).abs());
                        v[r] = y;
                    }
                    if change < GS_TOL {
                        break;
                    }
                }
                v
            }
        };
        for (r, &p) in idx.iter().enumerate() {
            x[members[p] as usize] = values[r].clamp(0.0, 1.0);
        }
        Ok(())
    }

    /// `rounds` synchronous rounds from `x_0` = the hits' severities (and
    /// the silent nodes), each reading the previous round (a cut arc's
    /// constant counts from round 1, like the arc it stands for).
    pub fn rounds(&self, rounds: u32, work: &Work) -> Result<Vec<f64>, Interrupt> {
        let n = self.len();
        let mut x: Vec<f64> = (0..n as u32)
            .map(|i| {
                self.choices(i)
                    .filter(|&j| matches!(self.end[j], End::Hit(_) | End::Quiet))
                    .map(|j| self.cst[j])
                    .fold(0.0, f64::max)
            })
            .collect();
        for _ in 0..rounds {
            work.charge((n + self.tvar.len()) as u64)?;
            let y: Vec<f64> = (0..n as u32).map(|i| self.best(i, &x).min(1.0)).collect();
            if y == x {
                break;
            }
            x = y;
        }
        Ok(x)
    }

    /// The terms pointing into each variable: `(from variable, choice,
    /// term)`, by target.
    fn reverse(&self) -> (Vec<u32>, Vec<(u32, u32)>) {
        let n = self.len();
        let mut off = vec![0u32; n + 1];
        for &k in &self.tvar {
            off[k as usize + 1] += 1;
        }
        for i in 0..n {
            off[i + 1] += off[i];
        }
        let mut at = off.clone();
        let mut rev = vec![(0u32, 0u32); self.tvar.len()];
        for i in 0..n as u32 {
            for j in self.choices(i) {
                for t in self.terms(j) {
                    let k = self.tvar[t] as usize;
                    rev[at[k] as usize] = (i, t as u32);
                    at[k] += 1;
                }
            }
        }
        (off, rev)
    }

    /// Variable `i`'s heaviest end of `hops` arcs: a hit (0) or a cut
    /// arc (1), with its weight.
    fn end_of(&self, i: u32, hops: u32) -> Option<(f64, End)> {
        let mut best: Option<(f64, End)> = None;
        for j in self.choices(i) {
            let (w, h) = match self.end[j] {
                End::None | End::Quiet => continue,
                End::Hit(s) => (s, 0),
                End::Cut(_, _, w) => (w, 1),
            };
            if h == hops && w > 0.0 && best.is_none_or(|b| w > b.0) {
                best = Some((w, self.end[j]));
            }
        }
        best
    }

    /// The best walks: per variable, how it continues (a term index, or
    /// `NONE` for an end), or `None` where no walk ends.
    /// `by_name` orders graph nodes by name, then id: among walks of equal
    /// product and length (unbounded walks only), the smaller sequence of
    /// names wins (dependency-model.md, *The explaining path*).
    pub fn walks(
        &self,
        depth: Option<u32>,
        by_name: &dyn Fn(NodeId, NodeId) -> std::cmp::Ordering,
        work: &Work,
    ) -> Result<Walks, Interrupt> {
        let n = self.len();
        let (off, rev) = self.reverse();
        match depth {
            None => {
                let mut cost = vec![(f64::INFINITY, u32::MAX); n];
                let mut next = vec![NEXT_NONE; n];
                let mut heap = RadixHeap::default();
                for i in 0..n as u32 {
                    for (hops, mark) in [(0, NEXT_END), (1, NEXT_CUT)] {
                        if let Some((w, _)) = self.end_of(i, hops) {
                            let cand = (-w.ln(), hops);
                            if cand < cost[i as usize] {
                                cost[i as usize] = cand;
                                next[i as usize] = mark;
                            }
                        }
                    }
                    if next[i as usize] != NEXT_NONE {
                        let (c, h) = cost[i as usize];
                        heap.push(walk_key(c, h, i));
                    }
                }
                let mut done = vec![false; n];
                while let Some(key) = heap.pop() {
                    let (c, h, k) = walk_of_key(key);
                    if done[k as usize] {
                        continue;
                    }
                    done[k as usize] = true;
                    work.charge(1 + (off[k as usize + 1] - off[k as usize]) as u64)?;
                    for &(i, t) in &rev[off[k as usize] as usize..off[k as usize + 1] as usize] {
                        let a = self.coef[t as usize];
                        if a <= 0.0 || done[i as usize] {
                            continue;
                        }
                        let cand = (c - a.ln(), h + 1);
                        if cand < cost[i as usize] {
                            cost[i as usize] = cand;
                            next[i as usize] = t;
                            heap.push(walk_key(cand.0, cand.1, i));
                        }
                    }
                }
                work.charge(n as u64)?;
                self.prefer_names(&cost, &mut next, by_name);
                Ok(Walks {
                    next: vec![next],
                    unbounded: true,
                })
            }
            Some(d) => {
                // best[k][i]: least cost with at most k arcs.
                let cuts: Vec<Option<(f64, End)>> =
                    (0..n as u32).map(|i| self.end_of(i, 1)).collect();
                let mut cost: Vec<(f64, u32)> = (0..n as u32)
                    .map(|i| match self.end_of(i, 0) {
                        Some((w, _)) => (-w.ln(), 0),
                        None => (f64::INFINITY, 0),
                    })
                    .collect();
                let mut nexts = vec![
                    cost.iter()
                        .map(|c| {
                            if c.0 < f64::INFINITY {
                                NEXT_END
                            } else {
                                NEXT_NONE
                            }
                        })
                        .collect::<Vec<u32>>(),
                ];
                for _ in 0..d {
                    work.charge((n + rev.len()) as u64)?;
                    let mut ncost = cost.clone();
                    let mut next = nexts.last().cloned().unwrap_or_default();
                    for i in 0..n {
                        if let Some((w, _)) = cuts[i] {
                            let cand = (-w.ln(), 1);
                            if cand < ncost[i] {
                                ncost[i] = cand;
                                next[i] = NEXT_CUT;
                            }
                        }
                    }
                    for k in 0..n {
                        if cost[k].0 == f64::INFINITY {
                            continue;
                        }
                        for &(i, t) in &rev[off[k] as usize..off[k + 1] as usize] {
                            let a = self.coef[t as usize];
                            if a <= 0.0 {
                                continue;
                            }
                            let cand = (cost[k].0 - a.ln(), cost[k].1 + 1);
                            if cand < ncost[i as usize] {
                                ncost[i as usize] = cand;
                                next[i as usize] = t;
                            }
                        }
                    }
                    let same = ncost == cost;
                    cost = ncost;
                    nexts.push(next);
                    if same {
                        break;
                    }
                }
                Ok(Walks {
                    next: nexts,
                    unbounded: false,
                })
            }
        }
    }

    /// Re-chooses each variable's next term among those tied with it
    /// (same cost, one arc fewer at the successor) so that the walk's
    /// sequence of names is the smallest: level by level in the number of
    /// arcs, each level ranked by (own name, successor's rank).
    fn prefer_names(
        &self,
        cost: &[(f64, u32)],
        next: &mut [u32],
        by_name: &dyn Fn(NodeId, NodeId) -> std::cmp::Ordering,
    ) {
        let n = self.len();
        let mut vars: Vec<u32> = (0..n as u32).collect();
        vars.sort_by(|a, b| by_name(self.node[*a as usize], self.node[*b as usize]));
        let mut name_rank = vec![0u32; n];
        for (r, w) in vars.windows(2).enumerate() {
            let same = self.node[w[0] as usize] == self.node[w[1] as usize];
            name_rank[w[1] as usize] = if same {
                name_rank[w[0] as usize]
            } else {
                r as u32 + 1
            };
        }
        let mut levels: Vec<Vec<u32>> = Vec::new();
        for i in 0..n as u32 {
            if next[i as usize] == NEXT_NONE {
                continue;
            }
            let h = cost[i as usize].1 as usize;
            if levels.len() <= h {
                levels.resize(h + 1, Vec::new());
            }
            levels[h].push(i);
        }
        let mut rank = vec![u32::MAX; n];
        for level in &levels {
            let mut keyed: Vec<(u32, u32, u32)> = Vec::with_capacity(level.len());
            for &i in level {
                let (c, h) = cost[i as usize];
                let t0 = next[i as usize];
                if t0 != NEXT_END && t0 != NEXT_CUT {
                    let mut best = (rank[self.tvar[t0 as usize] as usize], t0);
                    for j in self.choices(i) {
                        for t in self.terms(j) {
                            let (k, a) = (self.tvar[t] as usize, self.coef[t]);
                            if a <= 0.0 || next[k] == NEXT_NONE || cost[k].1 + 1 != h {
                                continue;
                            }
                            let tied = (cost[k].0 - a.ln() - c).abs() <= 1e-12 * (1.0 + c.abs());
                            if tied && (rank[k], t as u32) < best {
                                best = (rank[k], t as u32);
                            }
                        }
                    }
                    next[i as usize] = best.1;
                }
                let succ = match next[i as usize] {
                    NEXT_END | NEXT_CUT => 0,
                    t => rank[self.tvar[t as usize] as usize],
                };
                keyed.push((name_rank[i as usize], succ, i));
            }
            keyed.sort_unstable();
            let mut r = 0u32;
            for (x, w) in keyed.iter().enumerate() {
                if x > 0 && (keyed[x - 1].0, keyed[x - 1].1) != (w.0, w.1) {
                    r = x as u32;
                }
                rank[w.2 as usize] = r;
            }
        }
    }

    /// Follows variable `i`'s best walk: the hops `(edge, variable)` and
    /// how it ends; `None` when no walk ends.
    pub fn walk(&self, walks: &Walks, i: u32) -> Option<(Vec<(EdgeId, u32)>, End)> {
        let mut level = walks.next.len() - 1;
        if walks.next[level][i as usize] == NEXT_NONE {
            return None;
        }
        let mut hops = Vec::new();
        let mut at = i;
        loop {
            let t = walks.next[level][at as usize];
            if t == NEXT_NONE {
                return None;
            }
            if t == NEXT_END || t == NEXT_CUT {
                let end = self
                    .end_of(at, u32::from(t == NEXT_CUT))
                    .map_or(End::None, |e| e.1);
                return Some((hops, end));
            }
            let k = self.tvar[t as usize];
            hops.push((self.tedge[t as usize], k));
            at = k;
            if !walks.unbounded {
                if level == 0 {
                    return None;
                }
                level -= 1;
            } else if hops.len() > self.len() + 1 {
                return None;
            }
        }
    }

    /// Strongly connected components of the variables (an edge i → k per
    /// term), sinks first (iterative Tarjan).
    pub fn sccs(&self) -> Vec<Vec<u32>> {
        let n = self.len();
        let succ = |i: u32| {
            self.choices(i)
                .flat_map(move |j| self.terms(j))
                .map(move |t| self.tvar[t])
        };
        let mut index = vec![u32::MAX; n];
        let mut low = vec![0u32; n];
        let mut on = vec![false; n];
        let mut stack: Vec<u32> = Vec::new();
        let mut out = Vec::new();
        let mut counter = 0u32;
        let mut frames: Vec<(u32, Vec<u32>, usize)> = Vec::new();
        for root in 0..n as u32 {
            if index[root as usize] != u32::MAX {
                continue;
            }
            frames.push((root, succ(root).collect(), 0));
            index[root as usize] = counter;
            low[root as usize] = counter;
            counter += 1;
            stack.push(root);
            on[root as usize] = true;
            while let Some(frame) = frames.last_mut() {
                let v = frame.0;
                if frame.2 < frame.1.len() {
                    let w = frame.1[frame.2];
                    frame.2 += 1;
                    if index[w as usize] == u32::MAX {
                        index[w as usize] = counter;
                        low[w as usize] = counter;
                        counter += 1;
                        stack.push(w);
                        on[w as usize] = true;
                        frames.push((w, succ(w).collect(), 0));
                    } else if on[w as usize] {
                        low[v as usize] = low[v as usize].min(index[w as usize]);
                    }
                    continue;
                }
                frames.pop();
                if let Some(parent) = frames.last() {
                    let p = parent.0 as usize;
                    low[p] = low[p].min(low[v as usize]);
                }
                if low[v as usize] == index[v as usize] {
                    let mut comp = Vec::new();
                    while let Some(w) = stack.pop() {
                        on[w as usize] = false;
                        comp.push(w);
                        if w == v {
                            break;
                        }
                    }
                    comp.sort_unstable();
                    out.push(comp);
                }
            }
        }
        out
    }
}

const NEXT_NONE: u32 = u32::MAX;
const NEXT_END: u32 = u32::MAX - 1;
const NEXT_CUT: u32 = u32::MAX - 2;

/// The best walks found by [`System::walks`].
pub(crate) struct Walks {
    /// Per level (one when unbounded; else per number of arcs allowed):
    /// per variable, the term taken, [`NEXT_END`] or [`NEXT_NONE`].
    next: Vec<Vec<u32>>,
    unbounded: bool,
}

/// A queue key: least cost, then fewest arcs, then lowest variable.
fn walk_key(cost: f64, hops: u32, i: u32) -> u128 {
    (u128::from(ordered_bits(cost)) << 64) | (u128::from(hops) << 32) | u128::from(i)
}

/// The `(cost, hops, variable)` of a [`walk_key`].
fn walk_of_key(k: u128) -> (f64, u32, u32) {
    (
        from_ordered_bits((k >> 64) as u64),
        (k >> 32) as u32,
        k as u32,
    )
}
