//! The dependency model v2 (`dependency-model.md`): `loss`, `direct`,
//! `unknown` and the explaining path of each row under a shock.
//!
//! - [`shock`]: hits (closures by territory or jurisdiction, severities,
//!   risks) and the membership chain that explains a hit;
//! - [`build`]: the model's `F` as a max-of-linear-terms system, with cut
//!   contexts;
//! - [`system`]: its least fixed point (policy iteration per component),
//!   rounds for `depth N` and `direct`, and the best walks.
//!
//! A graph whose arcs are all sources, without `input` arcs, under a shock
//! whose hits all have severity 1 and that cuts nothing, is v1's linear
//! system: [`loss`] then runs v1's exposure (its component solver and
//! path search) on the hit set, and `unknown` on a second thread.

mod build;
mod cache;
mod contexts;
mod scenario;
mod shock;
mod system;
mod systemic;

#[cfg(test)]
mod tests;

pub use build::CutRule;
pub use cache::UnknownCache;
pub use contexts::{FreeContexts, free_contexts};
pub use scenario::{ModelView, Op, Scenario, Shock, ShockError, Shocker};
pub use shock::{By, Hits, Placer};
pub use systemic::{Pins, systemic_scores};

use super::chokepoints::{Found, chokepoints_and_total};
use super::exposure::{exposure_in, silent_totals_by_node};
use super::solve::DENSE_MAX;
use super::{ArcSpec, View};
use crate::limits::{Interrupt, Work, beside};
use crate::model::{EdgeId, Graph, ModelFacts, NodeId, Path};
use build::Build;
use system::End;

/// The silent part of `u` when all its arcs are sources of one group:
/// `1 - S` when every arc has a share and they sum to S < 1; 1 for a node
/// of a `needs_supply` kind without arcs.
fn linear_silent(g: &Graph, view: &View, facts: &ModelFacts, arcs: &ArcSpec, u: NodeId) -> f64 {
    let mut sum = 0.0;
    let mut count = 0usize;
    let mut unshared = false;
    for (e, _) in arcs.arcs(g, view, u) {
        count += 1;
        match g.edge_share(e).filter(|s| s.is_finite() && *s >= 0.0) {
            Some(s) => sum += s,
            None => unshared = true,
        }
    }
    if count == 0 {
        return if facts.needs_supply(g, u).is_some() {
            1.0
        } else {
            0.0
        };
    }
    if unshared || sum >= 1.0 {
        0.0
    } else {
        1.0 - sum
    }
}

/// v1's [`chokepoints`](super::chokepoints()) of `of`, and the sum of `unknown` over its
/// visible distinct nodes read off the same propagation (its expected
/// visits weighted by the silent parts), on a graph whose arcs are all
/// sources (no requirement, no `input`, no substitution, no `depth`).
/// `None` for the sum when a closed cycle has a silent part: [`unknowns`]
/// then solves it. Also the set's upstream nodes, found on the way.
pub fn chokepoints_and_unknown(
    g: &Graph,
    view: &View,
    facts: &ModelFacts,
    arcs: &ArcSpec,
    of: &[NodeId],
    top: Option<usize>,
    work: &Work,
) -> Result<Found, Interrupt> {
    let silent = |u: NodeId| linear_silent(g, view, facts, arcs, u);
    chokepoints_and_total(g, view, arcs, of, top, &silent, work)
}

/// `unknown` of each of `rows` (visible, distinct, in id order), in that
/// order: the part of its needs that depends on what the data does not
/// say. It reads no hit or cut: `chokepoints` asks for it alone. Read from
/// `q.unknown_cache` when it holds every row, and kept there when solved
/// (without `depth` and substitution: see [`UnknownCache`]).
pub fn unknowns(
    g: &Graph,
    view: &View,
    facts: &ModelFacts,
    q: &LossQuery<'_>,
    rows: &[NodeId],
    work: &Work,
) -> Result<Vec<f64>, Interrupt> {
    let substituted_from = q.substituted_from.filter(|_| !q.by_share);
    let cache = q
        .unknown_cache
        .filter(|_| q.depth.is_none() && substituted_from.is_none());
    if let Some(kept) = cache.and_then(|c| c.get(view, q.arcs, q.by_share, rows)) {
        return Ok(kept);
    }
    let linear =
        q.by_share || (!facts.may_require() && !facts.has_inputs() && substituted_from.is_none());
    let by_node = if linear && q.depth.is_none() {
        // One group of sources per node: v1's linear system with the
        // silent parts as constants.
        let silent = |u: NodeId| linear_silent(g, view, facts, q.arcs, u);
        silent_totals_by_node(g, view, q.arcs, rows, &silent, work)?
    } else {
        let b = Build {
            g,
            view,
            facts,
            spec: q.arcs,
            by_share: q.by_share,
            hits: None,
            cuts: &[],
            free: &|_| false,
            substituted_from,
        };
        let built = b.build(rows, work)?;
        let x = match q.depth {
            None => built.sys.solve(work)?,
            Some(n) => built.sys.rounds(n, work)?,
        };
        let mut by_node = vec![f64::NAN; g.node_count()];
        // A row without a variable reads 0, as before.
        for n in rows {
            by_node[n.index()] = 0.0;
        }
        for (n, ctx, i) in built.contexts() {
            if ctx == 0 {
                by_node[n.index()] = x[i as usize];
            }
        }
        by_node
    };
    let out = rows.iter().map(|n| by_node[n.index()]).collect();
    if let Some(c) = cache {
        c.put(view, q.arcs, q.by_share, by_node);
    }
    Ok(out)
}

/// One row of `exposure` / `impact`.
#[derive(Clone, Debug, PartialEq)]
pub struct LossRow {
    /// The node.
    pub node: NodeId,
    /// Its loss after one round (`depth 1`).
    pub direct: f64,
    /// The fraction of its output that stops.
    pub loss: f64,
    /// The fraction that depends on what the data does not say.
    pub unknown: f64,
    /// The explaining walk, ending with the chain to the named node (or at
    /// a cut arc); `None` when nothing is lost.
    pub path: Option<Path>,
    /// The cut arc the path ends with, if it ends at one.
    pub cut: Option<EdgeId>,
}

/// What a loss computation reads.
#[derive(Clone, Copy)]
pub struct LossQuery<'a> {
    /// The dependency arcs.
    pub arcs: &'a ArcSpec,
    /// `depth N`.
    pub depth: Option<u32>,
    /// `by share`: v1's reach (every arc a source, `input` ignored).
    pub by_share: bool,
    /// Cut rules (path-aware; rows in their own context).
    pub cuts: &'a [CutRule],
    /// Whether `unknown` is wanted (it costs a second solve).
    pub unknown: bool,
    /// Where `unknown` is kept across statements (the session's), if
    /// anywhere.
    pub unknown_cache: Option<&'a UnknownCache>,
    /// How many of the rows, in the answer's order, get their explaining
    /// path (`usize::MAX`: all; 0 when only the numbers are read). The
    /// rest have none: a result past its row limit is never shown.
    pub paths: usize,
    /// Under `with NAME substituting:`, the view before the substituting
    /// scenarios; the `view` given to [`loss`] is the one after (see
    /// `Build::substituted_from`). Ignored with `by_share` (v1 re-weighs).
    pub substituted_from: Option<&'a View>,
}

/// What [`loss`] answers: the rows and what the statement should be told.
#[derive(Clone, Debug, Default)]
pub struct Loss {
    /// One row per distinct visible node of `of`, ordered by loss
    /// descending, then name, then id.
    pub rows: Vec<LossRow>,
    /// `input` arcs left out because the requirement they serve is not
    /// visible (at the date, or outside `via`): dependency-model.md asks
    /// for a notice.
    pub ignored_inputs: usize,
}

/// The number of rows from which their paths are made on two threads
/// (tiny in tests, so that the model's tests take this path too).
const ROWS_ON_TWO_THREADS: usize = if cfg!(test) { 2 } else { 1 << 14 };

/// What the rows of a solved system are read from.
struct Solved<'s> {
    built: &'s build::Built,
    x: &'s [f64],
    direct: &'s [f64],
    walks: &'s system::Walks,
    /// `unknown` per row of the whole query (empty when off).
    unknown: &'s [f64],
    hits: &'s Hits,
}

impl Solved<'_> {
    /// The rows of `nodes` (the query's rows from `offset` on, with their
    /// contexts `ctxs`), with their paths when `paths`.
    fn rows(&self, nodes: &[NodeId], ctxs: &[u64], offset: usize, paths: bool) -> Vec<LossRow> {
        let mut out = Vec::with_capacity(nodes.len());
        for (k, (&n, &ctx)) in nodes.iter().zip(ctxs).enumerate() {
            let Some(i) = self.built.row(n, ctx) else {
                continue;
            };
            let loss = self.x[i as usize].clamp(0.0, 1.0);
            let (path, cut) = if paths && loss > 0.0 {
                self.path(n, i)
            } else {
                (None, None)
            };
            out.push(LossRow {
                node: n,
                direct: self.direct[i as usize].clamp(0.0, 1.0),
                loss,
                unknown: self
                    .unknown
                    .get(offset + k)
                    .map_or(0.0, |u| u.clamp(0.0, 1.0)),
                path,
                cut,
            });
        }
        out
    }

    /// The explaining walk of row node `n` (variable `i`) and the cut arc
    /// it ends with, if any.
    fn path(&self, n: NodeId, i: u32) -> (Option<Path>, Option<EdgeId>) {
        let sys = &self.built.sys;
        let Some((hops, end)) = sys.walk(self.walks, i) else {
            return (None, None);
        };
        let mut p = Path::single(n);
        for (e, v) in hops {
            p.push(e, sys.node[v as usize]);
        }
        let mut cut = None;
        match end {
            End::Cut(e, v, _) => {
                p.push(e, v);
                cut = Some(e);
            }
            _ => self.hits.extend_path(&mut p),
        }
        (Some(p), cut)
    }
}

/// Orders rows by loss descending, then name, then id.
fn sort_rows(g: &Graph, rows: &mut [LossRow]) {
    rows.sort_unstable_by(|a, b| {
        b.loss
            .total_cmp(&a.loss)
            .then_with(|| g.node_name(a.node).cmp(g.node_name(b.node)))
            .then_with(|| g.node_key(a.node).cmp(g.node_key(b.node)))
    });
}

/// The loss of every visible node of `of` under `hits` and `q.cuts`.
pub fn loss(
    g: &Graph,
    view: &View,
    facts: &ModelFacts,
    q: &LossQuery<'_>,
    of: &[NodeId],
    hits: &Hits,
    work: &Work,
) -> Result<Loss, Interrupt> {
    let mut ignored_inputs = 0;
    let mut rows: Vec<NodeId> = of.iter().copied().filter(|n| view.node(*n)).collect();
    rows.sort_unstable();
    rows.dedup();
    let substituted_from = q.substituted_from.filter(|_| !q.by_share);
    let linear =
        q.by_share || (!facts.may_require() && !facts.has_inputs() && substituted_from.is_none());
    let fast = linear && q.cuts.is_empty() && hits.all_full();
    let placer = Placer::new(g, view, facts);
    let free_cache: std::cell::RefCell<crate::hash::FxMap<NodeId, bool>> = Default::default();
    let free = |n: NodeId| {
        if let Some(&f) = free_cache.borrow().get(&n) {
            return f;
        }
        let f = placer.is_free(n);
        free_cache.borrow_mut().insert(n, f);
        f
    };
    // `unknown` per row (empty when it is off).
    let unknown_of = |work: &Work| -> Result<Vec<f64>, Interrupt> {
        if !q.unknown {
            return Ok(Vec::new());
        }
        unknowns(g, view, facts, q, &rows, work)
    };
    let out: Vec<LossRow> = if fast {
        let t = hits.full_set(g.node_count());
        // v1's rows become the model's on this thread, before the join:
        // `unknown` (the other thread) may take longer (it is a second
        // system unless every walk ends in a silent part).
        let v1_rows = || -> Result<Vec<LossRow>, Interrupt> {
            let v1 = exposure_in(
                g, view, q.arcs, &rows, &t, q.depth, DENSE_MAX, q.paths, work,
            )?;
            Ok(v1
                .into_iter()
                .map(|r| LossRow {
                    node: r.node,
                    direct: r.direct,
                    loss: r.total,
                    unknown: 0.0,
                    path: r.path.map(|mut p| {
                        hits.extend_path(&mut p);
                        p
                    }),
                    cut: None,
                })
                .collect())
        };
        let (out, unknown) = beside(work, q.unknown, unknown_of, v1_rows);
        let (mut out, unknown) = (out?, unknown?);
        if !unknown.is_empty() {
            // v1's rows come in loss order, `unknown` in id order: a dense
            // table by node index.
            let mut unknown_by_index = vec![0.0; g.node_count()];
            for (n, u) in rows.iter().zip(&unknown) {
                unknown_by_index[n.index()] = *u;
            }
            for r in &mut out {
                r.unknown = unknown_by_index[r.node.index()];
            }
        }
        out
    } else {
        // `unknown` is a second system of the same size, independent of
        // this one: solved beside it.
        let b = Build {
            g,
            view,
            facts,
            spec: q.arcs,
            by_share: q.by_share,
            hits: Some(hits),
            cuts: q.cuts,
            free: &free,
            substituted_from,
        };
        let (solved, unknown) = beside(work, q.unknown, unknown_of, || {
            let built = b.build(&rows, work)?;
            let by_name = |a: NodeId, b: NodeId| {
                g.node_name(a)
                    .cmp(g.node_name(b))
                    .then_with(|| g.node_key(a).cmp(g.node_key(b)))
            };
            // The explaining walks do not read the solution: searched
            // beside the solve and `direct`.
            let sys = &built.sys;
            let (walks, solved) = beside(
                work,
                true,
                |work| {
                    let x = match q.depth {
                        None => sys.solve(work)?,
                        Some(n) => sys.rounds(n, work)?,
                    };
                    Ok((x, sys.rounds(1, work)?))
                },
                || sys.walks(q.depth, &by_name, work),
            );
            let (x, direct) = solved?;
            Ok((built, x, direct, walks?))
        });
        let (built, x, direct, walks) = solved?;
        let unknown = unknown?;
        ignored_inputs = built.ignored_inputs;
        let ctxs: Vec<u64> = rows.iter().map(|&n| b.row_ctx(n)).collect();
        let solved = Solved {
            built: &built,
            x: &x,
            direct: &direct,
            walks: &walks,
            unknown: &unknown,
            hits,
        };
        // A row's path is a walk through the system to the shock (most of
        // the rows' time): the two halves on two threads. Only the first
        // `q.paths` rows in order get one: made after the sort when that
        // leaves some out.
        let all_paths = q.paths >= rows.len();
        let mut out = if rows.len() < ROWS_ON_TWO_THREADS {
            solved.rows(&rows, &ctxs, 0, all_paths)
        } else {
            let (mut out, more) = crate::par::on_two_halves(rows.len(), |r| {
                solved.rows(&rows[r.clone()], &ctxs[r.clone()], r.start, all_paths)
            });
            out.extend(more);
            out
        };
        sort_rows(g, &mut out);
        if !all_paths {
            for r in out.iter_mut().take(q.paths) {
                if r.loss <= 0.0 {
                    break;
                }
                if let Some(i) = built.row(r.node, b.row_ctx(r.node)) {
                    (r.path, r.cut) = solved.path(r.node, i);
                }
            }
        }
        out
    };
    work.charge(out.len() as u64)?;
    Ok(Loss {
        rows: out,
        ignored_inputs,
    })
}
