//! Filters on one node compiled for a tight scan: `degree(n, "T") > $k`
//! (and `in_degree`, `out_degree`, any comparison with a number) decided
//! with one array read per node instead of the interpreted expression
//! (which resolves the type name, builds cells and dispatches per row).
//!
//! The matcher uses them to scan a kind once, before the match, and to
//! start a pattern at the filtered node when that leaves fewer rows to
//! expand than its most selective node otherwise (see `Matcher::plan`).
//! A compiled filter answers exactly what the interpreted one would
//! (pinned by the property test below): only forms whose value cannot be
//! null or an error are compiled.

use super::expr::{CExpr, Func};
use super::pattern::{CNode, CPattern};
use crate::analysis::View;
use crate::model::{EdgeTypeId, Graph, NodeId, Value};
use crate::result::Cell;
use crate::syntax::ast::BinOp;

/// Which edges a compiled degree counts.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Counted {
    /// Every edge (`degree(n)`).
    Any,
    /// Edges of one type.
    Type(EdgeTypeId),
    /// A type the graph does not have: the degree is 0.
    Missing,
}

/// `degree(slot, ...) op value`, compiled to the degrees it accepts.
#[derive(Clone, Debug)]
pub(super) struct NodePred {
    func: Func,
    counted: Counted,
    /// The degrees accepted: `lo..=hi` but `except`.
    lo: i64,
    hi: i64,
    except: Option<i64>,
}

impl NodePred {
    /// The slot a filter reads and its compiled form, when it is one of
    /// the forms compiled here.
    pub fn compile(g: &Graph, e: &CExpr) -> Option<(usize, NodePred)> {
        let CExpr::Bin(op, l, r, _) = e else {
            return None;
        };
        let (call, value, op) = match (&**l, &**r) {
            (CExpr::Func(..), CExpr::Const(Cell::Value(v))) => (&**l, v, *op),
            (CExpr::Const(Cell::Value(v)), CExpr::Func(..)) => (&**r, v, mirrored(*op)?),
            _ => return None,
        };
        let (lo, hi, except) = accepted(op, value)?;
        let CExpr::Func(func, args, _) = call else {
            return None;
        };
        if !matches!(func, Func::Degree | Func::InDegree | Func::OutDegree) {
            return None;
        }
        let (slot, counted) = match args.as_slice() {
            [CExpr::Slot(s)] => (*s, Counted::Any),
            [CExpr::Slot(s), CExpr::Const(Cell::Value(Value::Str(t)))] => (
                *s,
                g.edge_type_id(t).map_or(Counted::Missing, Counted::Type),
            ),
            _ => return None,
        };
        Some((
            slot,
            NodePred {
                func: *func,
                counted,
                lo,
                hi,
                except,
            },
        ))
    }

    /// Whether a node of degree `d` passes.
    #[inline]
    fn accepts(&self, d: i64) -> bool {
        self.lo <= d && d <= self.hi && self.except != Some(d)
    }

    /// Whether node `n` passes (as `where` would decide it under `view`).
    pub fn holds(&self, g: &Graph, view: &View, n: NodeId) -> bool {
        let count = |incoming: bool| match self.counted {
            Counted::Missing => 0,
            Counted::Any => view.degree(g, n, incoming, None),
            Counted::Type(t) => view.degree(g, n, incoming, Some(t)),
        };
        let d = match self.func {
            Func::InDegree => count(true),
            Func::OutDegree => count(false),
            _ => count(true) + count(false),
        };
        self.accepts(d as i64)
    }

    /// Appends to `out` the nodes of `nodes` (ascending, each once) that
    /// pass (as [`NodePred::holds`] decides), reading the per-type degree
    /// arrays in a tight loop when nothing is hidden (the scan of a kind: a
    /// million nodes in about a millisecond; a vectorised one over slices
    /// when the nodes are one run of ids).
    pub fn select(&self, g: &Graph, view: &View, nodes: &[NodeId], out: &mut Vec<NodeId>) {
        let Counted::Type(t) = self.counted else {
            out.extend(nodes.iter().filter(|n| self.holds(g, view, **n)));
            return;
        };
        if !view.is_full() {
            out.extend(nodes.iter().filter(|n| self.holds(g, view, **n)));
            return;
        }
        // Counted at the build on most graphs; else built on first use,
        // both directions at once on a large graph.
        let (ins, outs) = if g.edge_count() >= 1 << 20 && self.func == Func::Degree {
            std::thread::scope(|s| {
                let outs = s.spawn(|| g.out_adj().type_degrees(t));
                let ins = g.in_adj().type_degrees(t);
                (
                    ins,
                    outs.join().unwrap_or_else(|_| g.out_adj().type_degrees(t)),
                )
            })
        } else {
            (g.in_adj().type_degrees(t), g.out_adj().type_degrees(t))
        };
        if let Some(range) = contiguous(nodes)
            && let Some(done) = self.select_range(range, ins, outs, out)
        {
            return done;
        }
        let nodes = nodes.iter().copied();
        let at = |counts: &[u32], n: NodeId| counts.get(n.index()).map_or(0, |c| *c as i64);
        match self.func {
            Func::InDegree => out.extend(nodes.filter(|n| self.accepts(at(ins, *n)))),
            Func::OutDegree => out.extend(nodes.filter(|n| self.accepts(at(outs, *n)))),
            _ => out.extend(nodes.filter(|n| self.accepts(at(ins, *n) + at(outs, *n)))),
        }
    }

    /// [`NodePred::select`] over the nodes `range` (by index) from their
    /// degree arrays as slices: a loop the compiler vectorises, with no
    /// bounds check or node list per node (a kind loaded from one file is
    /// such a range). None when the arrays do not cover the range.
    fn select_range(
        &self,
        range: std::ops::RangeInclusive<usize>,
        ins: &[u32],
        outs: &[u32],
        out: &mut Vec<NodeId>,
    ) -> Option<()> {
        let lo = *range.start();
        let (a, b) = match self.func {
            Func::InDegree => (ins.get(range)?, None),
            Func::OutDegree => (outs.get(range)?, None),
            _ => (ins.get(range.clone())?, Some(outs.get(range)?)),
        };
        if a.len() < TWO_THREADS_MIN {
            self.pick(lo, a, b, out);
        } else {
            // A scan this long waits on memory: the two halves at once.
            let (first, second) = crate::par::on_two_halves(a.len(), |r| {
                let mut part = Vec::new();
                self.pick(lo + r.start, &a[r.clone()], b.map(|b| &b[r]), &mut part);
                part
            });
            out.extend(first);
            out.extend(second);
        }
        Some(())
    }

    /// Appends `lo + i` for each `i` whose degree `a[i]` (plus `b[i]`)
    /// passes: 64 nodes at a time into a bit mask (a branch-free loop the
    /// compiler vectorises), then one push per node that passed.
    fn pick(&self, lo: usize, a: &[u32], b: Option<&[u32]>, out: &mut Vec<NodeId>) {
        const WIDTH: usize = 64;
        let mut flush = |base: usize, mut mask: u64| {
            while mask != 0 {
                out.push(NodeId::from_index(
                    lo + base + mask.trailing_zeros() as usize,
                ));
                mask &= mask - 1;
            }
        };
        match b {
            Some(b) => {
                for (c, (pa, pb)) in a.chunks(WIDTH).zip(b.chunks(WIDTH)).enumerate() {
                    let mut mask = 0u64;
                    for (j, (x, y)) in pa.iter().zip(pb).enumerate() {
                        mask |= u64::from(self.accepts(i64::from(*x) + i64::from(*y))) << j;
                    }
                    flush(c * WIDTH, mask);
                }
            }
            None => {
                for (c, part) in a.chunks(WIDTH).enumerate() {
                    let mut mask = 0u64;
                    for (j, x) in part.iter().enumerate() {
                        mask |= u64::from(self.accepts(i64::from(*x))) << j;
                    }
                    flush(c * WIDTH, mask);
                }
            }
        }
    }
}

/// The length of a run of nodes from which [`NodePred::select`] scans the
/// two halves on two threads (measured: a million nodes' degrees cold from
/// memory took 3 to 4 ms on one thread).
const TWO_THREADS_MIN: usize = 1 << 18;

/// The node indexes `nodes` lists when they are one run `first..=last`;
/// `nodes` ascending, each once (a kind's nodes are in load order, which
/// is id order), so the ends decide it.
fn contiguous(nodes: &[NodeId]) -> Option<std::ops::RangeInclusive<usize>> {
    let (first, last) = (nodes.first()?.index(), nodes.last()?.index());
    (last.checked_sub(first)? + 1 == nodes.len()).then_some(first..=last)
}

/// The integer degrees `d` for which `d op value` is true, as `lo..=hi`
/// minus one exception; `None` when the comparison is not with a finite
/// number (null or an error: left to the interpreter). Matches the
/// interpreter's numeric comparison (integers with floats as `f64`).
fn accepted(op: BinOp, value: &Value) -> Option<(i64, i64, Option<i64>)> {
    let (min, max) = (i64::MIN, i64::MAX);
    let whole = |f: f64| (f.fract() == 0.0).then_some(f as i64);
    Some(match (op, value) {
        (BinOp::Gt, Value::Int(c)) => (c.saturating_add(1), max, None),
        (BinOp::Ge, Value::Int(c)) => (*c, max, None),
        (BinOp::Lt, Value::Int(c)) => (min, c.saturating_sub(1), None),
        (BinOp::Le, Value::Int(c)) => (min, *c, None),
        (BinOp::Eq, Value::Int(c)) => (*c, *c, None),
        (BinOp::Ne, Value::Int(c)) => (min, max, Some(*c)),
        (_, Value::Float(f)) if !f.is_finite() => return None,
        (BinOp::Gt, Value::Float(f)) => ((f.floor() as i64).saturating_add(1), max, None),
        (BinOp::Ge, Value::Float(f)) => (f.ceil() as i64, max, None),
        (BinOp::Lt, Value::Float(f)) => (min, (f.ceil() as i64).saturating_sub(1), None),
        (BinOp::Le, Value::Float(f)) => (min, f.floor() as i64, None),
        (BinOp::Eq, Value::Float(f)) => match whole(*f) {
            Some(c) => (c, c, None),
            None => (1, 0, None),
        },
        (BinOp::Ne, Value::Float(f)) => (min, max, whole(*f)),
        _ => return None,
    })
}

/// `c op x` as `x op' c`.
fn mirrored(op: BinOp) -> Option<BinOp> {
    Some(match op {
        BinOp::Lt => BinOp::Gt,
        BinOp::Le => BinOp::Ge,
        BinOp::Gt => BinOp::Lt,
        BinOp::Ge => BinOp::Le,
        BinOp::Eq => BinOp::Eq,
        BinOp::Ne => BinOp::Ne,
        _ => return None,
    })
}

/// A better start for pattern `pat` than `anchor` (its most selective
/// node by kind size): a node whose compiled filters leave fewer rows to
/// expand, or `anchor` itself when filters of its own shrink its scan.
/// Returns the node, the candidates that pass (in id order), the indexes
/// of the filters they satisfy (`compiled` is parallel to the filters),
/// and the number of nodes scanned to find them.
pub(super) fn better_anchor(
    g: &Graph,
    view: &View,
    pat: &CPattern,
    anchor: usize,
    compiled: &[Option<(usize, NodePred)>],
    bound: &[bool],
) -> Option<Prefiltered> {
    let start = &pat.nodes[anchor];
    if bound[start.slot] || start.id_eq.is_some() || start.name_eq.is_some() {
        return None;
    }
    let base = rows_from(g, pat, anchor, kind_size(g, start));
    let mut best: Option<(f64, Prefiltered)> = None;
    let mut scanned = 0;
    for (i, node) in pat.nodes.iter().enumerate() {
        if bound[node.slot] || node.id_eq.is_some() || node.name_eq.is_some() {
            continue;
        }
        // Scanning a kind far larger than the rows the plan expands anyway
        // costs more than it can save (a scan is a few ns a node, a row
        // about 70 ns: the factor leaves room for that).
        if i != anchor && kind_size(g, node) as f64 > SCAN_MAX_RATIO * base {
            continue;
        }
        let filters: Vec<usize> = compiled
            .iter()
            .enumerate()
            .filter(|(_, c)| c.as_ref().is_some_and(|(s, _)| *s == node.slot))
            .map(|(f, _)| f)
            .collect();
        if filters.is_empty() {
            continue;
        }
        let preds: Vec<&NodePred> = filters
            .iter()
            .filter_map(|f| compiled[*f].as_ref().map(|(_, p)| p))
            .collect();
        // The first filter selects from the kind, the others from what
        // is left.
        let mut nodes: Vec<NodeId> = Vec::new();
        let Some((first, rest)) = preds.split_first() else {
            continue;
        };
        match &node.kinds {
            Some(kinds) => {
                for k in kinds {
                    let of_kind = g.nodes_of_kind(*k);
                    scanned += of_kind.len();
                    first.select(g, view, of_kind, &mut nodes);
                }
                if kinds.len() > 1 {
                    nodes.sort_unstable();
                    nodes.dedup();
                }
            }
            None => {
                scanned += g.node_count();
                let every: Vec<NodeId> = g.nodes().collect();
                first.select(g, view, &every, &mut nodes);
            }
        }
        for p in rest {
            let kept = std::mem::take(&mut nodes);
            p.select(g, view, &kept, &mut nodes);
        }
        let cost = rows_from(g, pat, i, nodes.len());
        if (i == anchor || cost < base) && best.as_ref().is_none_or(|(c, _)| cost < *c) {
            best = Some((
                cost,
                Prefiltered {
                    node: i,
                    nodes,
                    filters,
                    scanned: 0,
                },
            ));
        }
    }
    best.map(|(_, mut p)| {
        p.scanned = scanned;
        p
    })
}

/// How much larger than the default plan's estimated rows a kind may be
/// and still be scanned for a better start.
const SCAN_MAX_RATIO: f64 = 16.0;

/// A pattern's start chosen by [`better_anchor`].
pub(super) struct Prefiltered {
    /// The node of the pattern.
    pub node: usize,
    /// Its candidates, every compiled filter on it passed.
    pub nodes: Vec<NodeId>,
    /// The filters those candidates satisfy.
    pub filters: Vec<usize>,
    /// The nodes scanned (work to charge).
    pub scanned: usize,
}

/// The number of nodes a pattern node can bind by its kinds alone.
fn kind_size(g: &Graph, node: &CNode) -> usize {
    match &node.kinds {
        Some(kinds) => kinds.iter().map(|k| g.nodes_of_kind(*k).len()).sum(),
        None => g.node_count(),
    }
}

/// Rough rows after expanding from `count` bindings of node `i` along the
/// pattern's edges next to it, assuming each edge type's edges spread
/// evenly over the nodes of `i`'s kinds (a nation with 5,000 firms
/// `LOCATED_IN` it fans out 5,000 times; a firm, once).
fn rows_from(g: &Graph, pat: &CPattern, i: usize, count: usize) -> f64 {
    let size = kind_size(g, &pat.nodes[i]).max(1) as f64;
    let mut rows = count as f64;
    let next_to = [i.checked_sub(1), (i < pat.edges.len()).then_some(i)];
    for k in next_to.into_iter().flatten() {
        let edge = &pat.edges[k];
        let edges = match &edge.types {
            None => g.edge_count(),
            Some(set) => g
                .edge_types()
                .filter(|(t, _)| set.contains(*t))
                .map(|(t, _)| g.edge_count_of_type(t))
                .sum(),
        };
        rows *= (edges as f64 / size).max(1.0);
    }
    rows
}
