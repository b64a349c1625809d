//! `exposure` (spec: *Dependency analysis*): how much of each node's needs
//! end up, through dependency arcs, in a target closure T.
//!
//! `total(u) = 1` for u in T, else `Σ w(u,v)·total(v)` over u's arcs: the
//! probability that a walk following arcs by weight reaches T. One
//! propagation serves every row:
//!
//! 1. T = the target closure (membership in, impact out).
//! 2. The subgraph reachable from the rows along positive-weight arcs,
//!    stopping at T; arcs into T fold into a per-node constant (`direct`).
//! 3. Unbounded: strongly connected components in reverse topological
//!    order. An acyclic node is exact in one step; a cyclic component solves
//!    `x = b + A x` exactly (LU, up to a few hundred nodes) or to a
//!    guaranteed bracket narrower than 1e-13 (GMRES, certified by its
//!    residual, then Gauss-Seidel from both ends: `solve`). A component whose `b` is
//!    all 0 stays at 0: that is the least fixed point even when `I - A` is
//!    singular (a closed cycle that never reaches T).
//! 4. With `depth N`: N synchronous rounds `total_k = b + A total_{k-1}`,
//!    stopping early once a round changes nothing.
//! 5. The explaining path maximises the product of weights, i.e. minimises
//!    the sum of `-ln w`: in the same component order, an acyclic node takes
//!    its best arc (a dynamic programme, exact in one pass), a cyclic
//!    component runs Dijkstra inside itself from its members' best exits.
//!    On a large component the search runs on a second thread, beside
//!    step 3's iteration.
//!    Under `depth N`: label-setting over (cost, hops), backwards from the
//!    arcs into T, so only walks of at most N arcs count.

use super::arcs::ArcSpec;
use super::block::{Block, Rows};
use super::closure::target_closure;
use super::labels::LabelSearch;
use super::local::{Grow, Local, NO, grow};
use super::nodeset::NodeSet;
use super::radix::{RadixHeap, from_ordered_bits, ordered_bits};
use super::scc::{Sccs, sccs};
use super::solve::{DENSE_MAX, Lu, bracket, i_minus_a};
use super::view::View;
use crate::limits::{Interrupt, Work};
use crate::model::{Graph, NodeId, Path};
use gather::{Gathered, gather};
use silent::Known;

/// One row of `exposure`.
#[derive(Clone, Debug, PartialEq)]
pub struct ExposureRow {
    /// The node of the first set.
    pub node: NodeId,
    /// The weight of its arcs straight into T (1 when it is in T).
    pub direct: f64,
    /// Its exposure to T through any walk (1 when it is in T).
    pub total: f64,
    /// The walk into T with the largest product of weights, from `node` to
    /// a node of T; just `node` when it is in T; `None` when `total` is 0.
    pub path: Option<Path>,
}

/// The exposure of every visible node of `of` to T(`targets`), one row per
/// distinct node, ordered by `total` descending, then name, then id. The
/// caller applies `top K`.
pub fn exposure(
    g: &Graph,
    view: &View,
    arcs: &ArcSpec,
    of: &[NodeId],
    targets: &[NodeId],
    depth: Option<u32>,
    work: &Work,
) -> Result<Vec<ExposureRow>, Interrupt> {
    let t = target_closure(g, view, targets, work)?;
    exposure_in(g, view, arcs, of, &t, depth, DENSE_MAX, usize::MAX, work)
}

/// Where the rows' paths are read from once the rows are in order.
enum Walked {
    /// Exact: the best walk of every local node.
    Walks(Walks),
    /// Under `depth N`: the walks found, by local id.
    Paths(Vec<Option<Path>>),
}

/// [`exposure`] to a given target set T (the model v2's hit set when every
/// hit has severity 1), with the dense solver's size limit. Only the first
/// `paths_for` rows (in the answer's order) get their paths: the rows past
/// a result's row limit are never shown, and a million paths are a million
/// allocations to make and free.
#[allow(
    clippy::too_many_arguments,
    reason = "the arguments are the algorithm's state, passed flat on a hot path"
)]
pub(crate) fn exposure_in(
    g: &Graph,
    view: &View,
    arcs: &ArcSpec,
    of: &[NodeId],
    t: &NodeSet,
    depth: Option<u32>,
    dense_max: usize,
    paths_for: usize,
    work: &Work,
) -> Result<Vec<ExposureRow>, Interrupt> {
    let rows = view.visible(of);
    let seeds: Vec<NodeId> = rows.iter().copied().filter(|n| !t.contains(*n)).collect();
    let how = Grow {
        stop: Some(t),
        depth,
        keep_zero: false,
    };
    let l = grow(g, view, arcs, &seeds, &how, work)?;
    let (total, mut walked) = match depth {
        None => {
            let (total, walks) = fixed_point(&l, dense_max, work)?;
            (total, Walked::Walks(walks))
        }
        Some(n) => {
            let total = rounds(&l, n, work)?;
            let paths = bounded_walks(g, view, arcs, &l, t, &total, &seeds, n, work)?;
            (total, Walked::Paths(paths))
        }
    };
    let mut out = Vec::with_capacity(rows.len());
    for n in rows {
        if t.contains(n) {
            out.push(ExposureRow {
                node: n,
                direct: 1.0,
                total: 1.0,
                path: None,
            });
            continue;
        }
        let Some(u) = l.local(n) else { continue };
        let u = u as usize;
        out.push(ExposureRow {
            node: n,
            direct: l.into_stop[u].min(1.0),
            total: total[u].clamp(0.0, 1.0),
            path: None,
        });
    }
    work.charge(out.len() as u64)?;
    out.sort_unstable_by(|a, b| {
        b.total
            .total_cmp(&a.total)
            .then_with(|| g.node_name(a.node).cmp(g.node_name(b.node)))
            .then_with(|| g.node_key(a.node).cmp(g.node_key(b.node)))
    });
    for r in out.iter_mut().take(paths_for) {
        if r.total <= 0.0 {
            // Rows are in loss order: no later row has a path either.
            break;
        }
        r.path = match (l.local(r.node), &mut walked) {
            // In T (never grown).
            (None, _) => Some(Path::single(r.node)),
            (Some(u), Walked::Walks(w)) => w.path(&l, u, r.node),
            (Some(u), Walked::Paths(p)) => p[u as usize].take(),
        };
    }
    Ok(out)
}

/// The best walks into T found so far: per local node, the least sum of
/// `-ln w` (infinite: none) and the arc taken first ([`NO`]: the node's
/// heaviest arc into T).
struct Walks {
    cost: Vec<f64>,
    next: Vec<u32>,
}

impl Walks {
    /// Node `u`'s best exit from component `c`: its heaviest arc into T or
    /// an arc to a node outside `c` (whose walk is final) followed by that
    /// node's walk. Ties keep the arc into T, then the earlier arc.
    fn exit(&mut self, l: &Local, comp: &[u32], c: u32, u: u32) {
        let (_, _, w) = l.best_stop[u as usize];
        let (mut best, mut next) = if w > 0.0 {
            (0.0 - w.ln(), NO)
        } else {
            (f64::INFINITY, NO)
        };
        for a in l.arc_range(u) {
            let v = l.provider(a);
            if comp[v as usize] != c && self.cost[v as usize] < f64::INFINITY {
                let cand = self.cost[v as usize] - l.arc(a).0.ln();
                if cand < best {
                    (best, next) = (cand, a);
                }
            }
        }
        self.cost[u as usize] = best;
        self.next[u as usize] = next;
    }

    /// The walk of local node `u` (graph node `s`), if it has one.
    fn path(&self, l: &Local, u: u32, s: NodeId) -> Option<Path> {
        if self.cost[u as usize] == f64::INFINITY {
            return None;
        }
        // Room for the walk, its end and a hit's chain after it.
        let mut hops = 2;
        let mut x = u;
        while self.next[x as usize] != NO {
            hops += 1;
            x = l.provider(self.next[x as usize]);
        }
        let mut p = Path::with_room(s, hops);
        let mut x = u;
        loop {
            let a = self.next[x as usize];
            if a == NO {
                let (e, stop, _) = l.best_stop[x as usize];
                p.push(e, stop);
                break;
            }
            x = l.provider(a);
            p.push(l.arc(a).1, l.nodes[x as usize]);
        }
        Some(p)
    }
}

/// The least fixed point of `total = b + A total` on the subgraph, and the
/// best walks into T, by strongly connected components in reverse
/// topological order. Components up to `dense_max` nodes are solved by LU
/// (tests lower it to exercise the iterative solver).
fn fixed_point(l: &Local, dense_max: usize, work: &Work) -> Result<(Vec<f64>, Walks), Interrupt> {
    fixed_point_with(l, dense_max, true, None, work)
}

/// The least fixed point of `x = silent + A x` over the arc subgraph
/// reachable from `rows` (no stop set): the model v2's `unknown` on a
/// graph whose arcs are all sources. `silent(u)` is u's silent part. All 0
/// when every silent part is 0; the nodes the weighing settles at exactly
/// 1 or 0 are not solved ([`silent::known`]). By node index, for every node of the
/// subgraph (which holds the upstream of each row; a row it left out, being
/// hidden, reads 0); NaN for the nodes outside it.
pub(crate) fn silent_totals_by_node(
    g: &Graph,
    view: &View,
    arcs: &ArcSpec,
    rows: &[NodeId],
    silent: &dyn Fn(NodeId) -> f64,
    work: &Work,
) -> Result<Vec<f64>, Interrupt> {
    let how = Grow {
        stop: None,
        depth: None,
        keep_zero: false,
    };
    let mut l = grow(g, view, arcs, rows, &how, work)?;
    let mut any = false;
    for u in 0..l.len() {
        let s = silent(l.nodes[u]);
        any |= s > 0.0;
        l.into_stop[u] = s;
    }
    work.charge(l.len() as u64)?;
    let total = if !any {
        vec![0.0; l.len()]
    } else {
        match silent::known(&l, work)? {
            Known::AllOnes => vec![1.0; l.len()],
            Known::Some(known) => fixed_point_with(&l, DENSE_MAX, false, Some(&known), work)?.0,
        }
    };
    let mut by_node = vec![f64::NAN; g.node_count()];
    // A row the subgraph left out (hidden) reads 0, as before.
    for n in rows {
        by_node[n.index()] = 0.0;
    }
    for (n, t) in l.nodes.iter().zip(total) {
        by_node[n.index()] = t.clamp(0.0, 1.0);
    }
    Ok(by_node)
}

/// [`fixed_point`], the walks only when `walks_wanted`; the nodes whose
/// `known` value is a number (not NaN) are not solved but take it (whole
/// components, closed under providers: see [`silent::known`]).
fn fixed_point_with(
    l: &Local,
    dense_max: usize,
    walks_wanted: bool,
    known: Option<&[f64]>,
    work: &Work,
) -> Result<(Vec<f64>, Walks), Interrupt> {
    let sccs = sccs(l, work)?;
    let n = l.len();
    let mut total = vec![0.0; n];
    let mut walks = Walks {
        cost: vec![f64::INFINITY; n],
        next: vec![NO; n],
    };
    let mut done = vec![false; n];
    let mut inside = Inside::default();
    for c in 0..sccs.count() {
        let m = sccs.members(c);
        if let Some(known) = known
            && !known[m[0] as usize].is_nan()
        {
            for &u in m {
                total[u as usize] = known[u as usize];
            }
            continue;
        }
        if m.len() > dense_max && m.len() >= PARALLEL_MIN {
            // Large (hence cyclic): read on both cores, then the walks
            // searched on a second thread while the totals are solved.
            work.charge(m.iter().map(|&u| 1 + l.degree(u) as u64).sum())?;
            let gathered = gather(l, &sccs, c, &total, walks_wanted.then_some(&mut walks));
            let Gathered { block, arcs, ext } = &gathered;
            let zero = ext.iter().all(|x| *x == 0.0);
            let sccs = &sccs;
            let x = std::thread::scope(|scope| {
                let walks = &mut walks;
                let done = &mut done;
                let inside = &mut inside;
                // The search reads the block backwards, with its local arcs
                // to name the arcs it takes.
                let search = walks_wanted.then(|| {
                    scope.spawn(move || {
                        inside.of_block(l, m, block, arcs);
                        inside.search(sccs, m, walks, done);
                    })
                });
                // A component whose constants are all 0 stays at 0.
                let x = (!zero).then(|| bracket(block, ext, work));
                if let Some(Err(panic)) = search.map(|s| s.join()) {
                    std::panic::resume_unwind(panic);
                }
                x
            });
            if let Some(x) = x {
                for (&u, v) in m.iter().zip(x?) {
                    total[u as usize] = v.clamp(0.0, 1.0);
                }
            }
            continue;
        }
        if walks_wanted {
            for &u in m {
                walks.exit(l, &sccs.comp, c as u32, u);
            }
        }
        if !sccs.cyclic(c, l) {
            let u = m[0];
            total[u as usize] = l.into_stop[u as usize]
                + l.arcs(u).map(|(v, w)| w * total[v as usize]).sum::<f64>();
            continue;
        }
        work.charge(m.iter().map(|&u| 1 + l.degree(u) as u64).sum())?;
        let ext: Vec<f64> = m
            .iter()
            .map(|&u| constant(l, &sccs, c, &total, u))
            .collect();
        let zero = ext.iter().all(|x| *x == 0.0);
        if walks_wanted {
            inside.of_local(l, &sccs, c);
            inside.search(&sccs, m, &mut walks, &mut done);
        }
        if zero {
            continue;
        }
        let dense = if m.len() <= dense_max {
            work.charge((m.len() * m.len()) as u64)?;
            Lu::factor(i_minus_a(l, &sccs, c), m.len()).map(|lu| lu.solve(&ext))
        } else {
            None
        };
        let x = match dense {
            Some(x) => x,
            None => bracket(&Block::new(l, &sccs, c, Rows::Members), &ext, work)?,
        };
        for (&u, v) in m.iter().zip(x) {
            total[u as usize] = v.clamp(0.0, 1.0);
        }
    }
    Ok((total, walks))
}

/// Member `u` of component `c`'s constant in the component's system: its
/// arcs into T plus its arcs out of `c` times their providers' (final)
/// totals.
fn constant(l: &Local, sccs: &Sccs, c: usize, total: &[f64], u: u32) -> f64 {
    let outside: f64 = l
        .arcs(u)
        .filter(|(v, _)| sccs.comp[*v as usize] as usize != c)
        .map(|(v, w)| w * total[v as usize])
        .sum();
    l.into_stop[u as usize] + outside
}

/// Components from this many members search their walks on a second
/// thread while their totals are solved (below, a thread costs more than
/// it saves).
const PARALLEL_MIN: usize = 10_000;

/// The walks' search inside one cyclic component (Dijkstra from its
/// members' best exits, along its internal arcs backwards), with its
/// scratch space: the internal arcs grouped by provider (a CSR rebuilt per
/// component) with their costs, and the queue.
#[derive(Default)]
struct Inside {
    off: Vec<u32>,
    /// `(consumer, arc, -ln w)`: the cost read beside the arc, not looked
    /// up (a random read) when the provider is settled.
    from: Vec<(u32, u32, f64)>,
    queue: RadixHeap,
}

/// A queue key: cost, then local id (the order the walks' ties follow).
fn key(cost: f64, u: u32) -> u128 {
    (u128::from(ordered_bits(cost)) << 32) | u128::from(u)
}

impl Inside {
    /// Component `c`'s internal arcs by provider, from the subgraph.
    fn of_local(&mut self, l: &Local, sccs: &Sccs, c: usize) {
        let m = sccs.members(c);
        let internal = |a: u32| {
            let v = l.provider(a);
            (sccs.comp[v as usize] as usize == c).then(|| sccs.pos[v as usize])
        };
        self.off.clear();
        self.off.resize(m.len() + 1, 0);
        for &u in m {
            for p in l.arc_range(u).filter_map(internal) {
                self.off[p as usize + 1] += 1;
            }
        }
        self.arrange(m.len());
        let mut cursor: Vec<u32> = self.off[..m.len()].to_vec();
        for &u in m {
            for a in l.arc_range(u) {
                if let Some(p) = internal(a) {
                    self.from[cursor[p as usize] as usize] = (u, a, 0.0 - l.arc(a).0.ln());
                    cursor[p as usize] += 1;
                }
            }
        }
    }

    /// The same from the component's block (rows in member order, `arcs`
    /// its local arcs): read in order rather than looked up per arc.
    fn of_block(&mut self, l: &Local, m: &[u32], block: &Block, arcs: &[u32]) {
        self.off.clear();
        self.off.resize(m.len() + 1, 0);
        for i in 0..m.len() {
            for (p, _) in block.arcs(i) {
                self.off[p + 1] += 1;
            }
        }
        self.arrange(m.len());
        let mut cursor: Vec<u32> = self.off[..m.len()].to_vec();
        let mut j = 0;
        for (i, &u) in m.iter().enumerate() {
            for (p, w) in block.arcs(i) {
                let a = arcs[j];
                debug_assert_eq!(
                    l.arc(a).0.to_bits(),
                    w.to_bits(),
                    "the block's arc is the local arc"
                );
                self.from[cursor[p] as usize] = (u, a, 0.0 - w.ln());
                cursor[p] += 1;
                j += 1;
            }
        }
    }

    /// Turns the counts in `off[1..]` into offsets and sizes `from`.
    fn arrange(&mut self, n: usize) {
        for i in 0..n {
            self.off[i + 1] += self.off[i];
        }
        self.from.clear();
        self.from.resize(self.off[n] as usize, (0, 0, 0.0));
    }

    /// Dijkstra over the arcs gathered, members `m`, from their best exits
    /// (already in `walks`).
    fn search(&mut self, sccs: &Sccs, m: &[u32], walks: &mut Walks, done: &mut [bool]) {
        self.queue.clear();
        for &u in m {
            if walks.cost[u as usize] < f64::INFINITY {
                self.queue.push(key(walks.cost[u as usize], u));
            }
        }
        while let Some(k) = self.queue.pop() {
            // The key's high half is the cost's ordered bits, the low its node.
            let (cost, u) = (from_ordered_bits((k >> 32) as u64), k as u32);
            if done[u as usize] {
                continue;
            }
            done[u as usize] = true;
            let p = sccs.pos[u as usize] as usize;
            for &(y, a, w) in &self.from[self.off[p] as usize..self.off[p + 1] as usize] {
                if done[y as usize] {
                    continue;
                }
                let cand = cost + w;
                if cand < walks.cost[y as usize] {
                    walks.cost[y as usize] = cand;
                    walks.next[y as usize] = a;
                    self.queue.push(key(cand, y));
                }
            }
        }
    }
}

/// `total_N` by synchronous rounds. Nodes beyond the depth bound were not
/// expanded and stay 0, which is exactly what the rounds that read them
/// need (a node k arcs from the rows matters only up to round N - k).
fn rounds(l: &Local, n: u32, work: &Work) -> Result<Vec<f64>, Interrupt> {
    let mut x = vec![0.0; l.len()];
    for _ in 0..n {
        work.charge((l.len() + l.arc_count()) as u64)?;
        let y: Vec<f64> = (0..l.len() as u32)
            .map(|u| {
                l.into_stop[u as usize] + l.arcs(u).map(|(v, w)| w * x[v as usize]).sum::<f64>()
            })
            .collect();
        if y == x {
            break;
        }
        x = y;
    }
    Ok(x)
}

/// With `depth N`: label-setting over (cost, hops) backwards from the arcs
/// into T, so a walk of at most N arcs wins even when a longer one weighs
/// more.
#[allow(
    clippy::too_many_arguments,
    reason = "the arguments are the algorithm's state, passed flat on a hot path"
)]
fn bounded_walks(
    g: &Graph,
    view: &View,
    arcs: &ArcSpec,
    l: &Local,
    t: &NodeSet,
    total: &[f64],
    seeds: &[NodeId],
    depth: u32,
    work: &Work,
) -> Result<Vec<Option<Path>>, Interrupt> {
    let eligible = |u: u32| l.expanded[u as usize] && total[u as usize] > 0.0;
    let mut paths: Vec<Option<Path>> = vec![None; l.len()];
    let mut wanted = vec![false; l.len()];
    let mut remaining = 0usize;
    for &s in seeds {
        if let Some(u) = l.local(s)
            && eligible(u)
            && !wanted[u as usize]
        {
            wanted[u as usize] = true;
            remaining += 1;
        }
    }
    if remaining == 0 {
        return Ok(paths);
    }
    let mut search = LabelSearch::new(g.node_count(), true);
    for u in 0..l.len() as u32 {
        let (e, p, w) = l.best_stop[u as usize];
        if eligible(u) && w > 0.0 && t.contains(p) {
            let anchor = search.anchor(p);
            search.offer(l.nodes[u as usize], 0.0 - w.ln(), 1, Some(e), Some(anchor));
        }
    }
    while let Some(i) = search.pop() {
        let label = *search.label(i);
        let Some(u) = l.local(label.node) else {
            continue;
        };
        if wanted[u as usize] && paths[u as usize].is_none() {
            paths[u as usize] = Some(search.walk_to_root(i));
            remaining -= 1;
            if remaining == 0 {
                break;
            }
        }
        if label.hops >= depth {
            continue;
        }
        let mut scanned = 1;
        for (e, y) in arcs.consumers(g, view, label.node) {
            scanned += 1;
            let ly = l.index[y.index()];
            if ly == NO || !eligible(ly) {
                continue;
            }
            let w = l.norm[ly as usize].weight(g, e);
            if w > 0.0 {
                search.relax(i, e, y, 0.0 - w.ln());
            }
        }
        work.charge(scanned)?;
    }
    Ok(paths)
}

mod gather;
mod silent;
#[cfg(test)]
mod tests;
