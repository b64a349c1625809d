//! One cyclic component's internal arcs, laid out for the iterative
//! solvers: a CSR over the members in a sweep order, and the sweeps the
//! solvers are made of (Gauss-Seidel with an optional pinned row, and a
//! plain product with the arc matrix).

use super::local::Local;
use super::order::flow_order;
use super::scc::Sccs;

/// One component's internal arcs `A` (a row per member, `A[i][j]` the
/// weight of i's arcs to j) in a CSR of rows, so the iterative solvers read
/// contiguous memory instead of chasing local ids.
pub(crate) struct Block {
    off: Vec<u32>,
    to: Vec<u32>,
    w: Vec<f64>,
    /// Row to member position.
    member: Vec<u32>,
    /// Member position to row.
    row: Vec<u32>,
}

/// How to order a block's rows.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Rows {
    /// Member order (Tarjan's): free.
    Members,
    /// [`flow_order`] reversed, providers first, so a Gauss-Seidel sweep
    /// carries values along most arcs at once: about a quarter fewer
    /// sweeps on the benchmark graphs, for the cost of a few sweeps; worth
    /// it when one block serves many solves.
    Flow,
}

impl Block {
    /// The internal arcs of component `c`, rows ordered by `rows`.
    pub fn new(l: &Local, sccs: &Sccs, c: usize, rows: Rows) -> Block {
        let (off, to, w) = internal_arcs(l, sccs, c);
        Block::from_csr(off, to, w, rows)
    }

    /// A block from its CSR in member order.
    pub(crate) fn from_csr(off: Vec<u32>, to: Vec<u32>, w: Vec<f64>, rows: Rows) -> Block {
        let n = off.len() - 1;
        let b = Block {
            off,
            to,
            w,
            member: (0..n as u32).collect(),
            row: (0..n as u32).collect(),
        };
        match rows {
            Rows::Members => b,
            Rows::Flow => {
                let mut member = flow_order(&b.off, &b.to);
                member.reverse();
                b.permuted(member)
            }
        }
    }

    /// A block of `n` members with arcs `(from, to, weight)` (tests).
    #[cfg(test)]
    pub fn from_arcs(n: usize, arcs: &[(usize, usize, f64)], rows: Rows) -> Block {
        let mut off = vec![0u32];
        let mut to = Vec::new();
        let mut w = Vec::new();
        for u in 0..n {
            for &(_, v, x) in arcs.iter().filter(|a| a.0 == u) {
                to.push(v as u32);
                w.push(x);
            }
            off.push(to.len() as u32);
        }
        Block::from_csr(off, to, w, rows)
    }

    /// The same arcs with rows in the order `member` (row to current row).
    fn permuted(&self, order: Vec<u32>) -> Block {
        let n = self.len();
        let mut row = vec![0u32; n];
        for (r, &p) in order.iter().enumerate() {
            row[p as usize] = r as u32;
        }
        let mut b = Block {
            off: Vec::with_capacity(n + 1),
            to: Vec::with_capacity(self.to.len()),
            w: Vec::with_capacity(self.w.len()),
            member: order.iter().map(|&p| self.member[p as usize]).collect(),
            row: self.row.iter().map(|&r| row[r as usize]).collect(),
        };
        b.off.push(0);
        for &p in &order {
            let r = self.off[p as usize] as usize..self.off[p as usize + 1] as usize;
            b.to.extend(self.to[r.clone()].iter().map(|&t| row[t as usize]));
            b.w.extend_from_slice(&self.w[r]);
            b.off.push(b.to.len() as u32);
        }
        b
    }

    /// The transposed block (`Aᵀ`: mass moving along the arcs), rows in
    /// the reverse order, so a sweep that went providers-first over `A`
    /// goes consumers-first over `Aᵀ`.
    pub fn transposed(&self) -> Block {
        let n = self.len();
        let mut off = vec![0u32; n + 1];
        for &t in &self.to {
            off[n - t as usize] += 1;
        }
        for i in 0..n {
            off[i + 1] += off[i];
        }
        let mut cursor = off[..n].to_vec();
        let mut to = vec![0u32; self.to.len()];
        let mut w = vec![0.0; self.w.len()];
        for i in (0..n).rev() {
            for (j, x) in self.arcs(i) {
                let r = n - 1 - j;
                to[cursor[r] as usize] = (n - 1 - i) as u32;
                w[cursor[r] as usize] = x;
                cursor[r] += 1;
            }
        }
        Block {
            off,
            to,
            w,
            member: self.member.iter().rev().copied().collect(),
            row: self.row.iter().map(|&r| (n - 1) as u32 - r).collect(),
        }
    }

    /// The row of member position `p`.
    pub fn row(&self, p: usize) -> usize {
        self.row[p] as usize
    }

    /// `v` (one value per member, in member order) in row order.
    pub fn to_rows(&self, v: &[f64]) -> Vec<f64> {
        self.member.iter().map(|&p| v[p as usize]).collect()
    }

    /// `v` (one value per row) in member order.
    pub fn to_members(&self, v: &[f64]) -> Vec<f64> {
        self.row.iter().map(|&r| v[r as usize]).collect()
    }

    /// The number of rows (members).
    pub fn len(&self) -> usize {
        self.off.len() - 1
    }

    /// Row `i`'s arcs as `(row, weight)`.
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

    /// One Gauss-Seidel sweep of `x = b + A x` from `v`, in row order, into
    /// `out`: `out[i] = b[i] + Σ_{j<i} A[i][j] out[j] + Σ_{j≥i} A[i][j] v[j]`
    /// (`b` absent: 0). Row `pin`, when given, has no arcs: `out[pin] = b[pin]`.
    pub fn gauss_seidel(&self, v: &[f64], b: Option<&[f64]>, pin: Option<usize>, out: &mut [f64]) {
        // In place: `out[j]` holds the new value for j < i and the old one
        // from `v` for j ≥ i, with no branch per arc.
        out.copy_from_slice(v);
        for i in 0..self.len() {
            let mut s = b.map_or(0.0, |b| b[i]);
            if Some(i) != pin {
                for (j, w) in self.arcs(i) {
                    s += w * out[j];
                }
            }
            out[i] = s;
        }
    }

    /// `out = A v` (row `pin`, when given, has no arcs).
    pub fn product(&self, v: &[f64], pin: Option<usize>, out: &mut [f64]) {
        for (i, o) in out.iter_mut().enumerate() {
            *o = if Some(i) == pin {
                0.0
            } else {
                self.arcs(i).map(|(j, w)| w * v[j]).sum()
            };
        }
    }
}

/// Component `c`'s internal arcs as a CSR in member order: offsets, target
/// member positions and weights.
fn internal_arcs(l: &Local, sccs: &Sccs, c: usize) -> (Vec<u32>, Vec<u32>, Vec<f64>) {
    let m = sccs.members(c);
    // The members' degrees bound the internal arcs: the arrays are sized
    // once rather than grown (and copied) by doubling.
    let room: usize = m.iter().map(|&u| l.degree(u)).sum();
    let mut off = Vec::with_capacity(m.len() + 1);
    let mut to = Vec::with_capacity(room);
    let mut w = Vec::with_capacity(room);
    off.push(0);
    for &u in m {
        for a in l.arc_range(u) {
            let v = l.provider(a);
            if sccs.comp[v as usize] as usize == c {
                to.push(sccs.pos[v as usize]);
                w.push(l.arc(a).0);
            }
        }
        off.push(to.len() as u32);
    }
    (off, to, w)
}
