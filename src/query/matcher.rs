//! Pattern matching: a static plan of scans and expansions, run depth-first
//! over the CSR adjacency.
//!
//! The plan starts each pattern at its most selective node (already bound by
//! an earlier pattern, then an `id`/`name` lookup, then the smallest kind,
//! then every node) and expands along the chain in both directions. Filters
//! run as soon as every variable they read is bound. Within one match no
//! edge is used twice (trail semantics). A variable-length edge whose
//! trails cannot be observed (unnamed, no path variable, and a result that
//! ignores multiplicity) is expanded by BFS with a visited set instead of
//! enumerating trails; when its start is not read afterwards, the starts
//! met in one context are collected and searched together (see `shared`).
//! Rows go to a [`Sink`] as they are found; nothing here keeps them.

use std::cell::RefCell;
use std::sync::Arc;

use fixedbitset::FixedBitSet;

use super::expr::{CExpr, Ctx, equals};
use super::key::same_cell;
use super::pattern::{CEdge, CNode, CPattern};
use super::prefilter::{NodePred, better_anchor};
use crate::analysis::View;
use crate::diag::{Diagnostic, Span};
use crate::limits::Work;
use crate::model::{Adjacency, EdgeId, EdgeTypeId, Graph, NodeId, Path, TypeSet, Value};
use crate::result::Cell;
use crate::syntax::ast::EdgeDir;
use hop_tally::HopTally;
use level::{PARALLEL_LEVEL_MIN, level_on_two_threads};
use tally::Tally;

/// Candidates of a scan whose adjacency is loaded at once (see
/// `Matcher::warm`): enough loads in flight to cover a memory latency.
const WARM_CHUNK: usize = 16;

/// Where the matcher hands each row it finds.
pub type Sink<'s> = dyn FnMut(&[Cell]) -> Result<(), Diagnostic> + 's;

/// One step along an edge: the edge, its type, the node it leads to.
type Step = (EdgeId, EdgeTypeId, NodeId);

#[derive(Clone, Copy, Debug)]
enum Op {
    /// Bind (or check) node `i` of pattern `p` from an index scan.
    Scan { p: usize, i: usize },
    /// Walk edge `k` of pattern `p` from node `from` to node `to`.
    Expand {
        p: usize,
        k: usize,
        from: usize,
        to: usize,
        bfs: bool,
    },
    /// Assemble pattern `p`'s path variable.
    Path { p: usize },
}

/// A planned match, ready to run.
pub struct Matcher<'a> {
    g: &'a Graph,
    view: &'a View,
    work: &'a Work,
    patterns: &'a [CPattern],
    ops: Vec<Op>,
    /// Filters to run after op `i` (index 0: before any op).
    filters_at: Vec<Vec<&'a CExpr>>,
    slots: usize,
    span: Span,
    visited: RefCell<Visited>,
    /// Per op: for a BFS expansion whose start node is not read afterwards,
    /// the slots its continuation depends on. Starts that share those slots
    /// are collected and searched together (one multi-source BFS instead of
    /// one per start) when the context changes or the match ends.
    shared: Vec<Option<Vec<usize>>>,
    pending: Vec<RefCell<Pending>>,
    /// Scan ops whose candidates were found by compiled filters at
    /// planning (see `prefilter`), by op index.
    prefiltered: Vec<(usize, Vec<NodeId>)>,
    /// The nodes those scans read, charged to the first run.
    prefilter_work: std::cell::Cell<u64>,
    /// Whether rows may come in any order (see [`Matcher::in_any_order`]).
    any_order: bool,
    /// The slot whose distinct nodes are all the consumer wants, and the
    /// nodes a final BFS bound to it without a row each (see
    /// [`Matcher::counting`]).
    counted: Option<(usize, RefCell<FixedBitSet>)>,
    /// The slot whose nodes the consumer counts rows by, and the counts
    /// the last hop made instead of rows (see [`Matcher::tallying`]).
    tally: Option<(usize, RefCell<Tally>)>,
}

/// The sources a shared BFS (see `shared`) has collected for one context,
/// waiting to be searched together.
#[derive(Default)]
struct Pending {
    /// The context cells the sources belong to.
    key: Option<Vec<Cell>>,
    sources: Vec<NodeId>,
}

struct State {
    row: Vec<Cell>,
    bound: Vec<bool>,
    used: Used,
}

/// The edges the current match uses, in order. Short trails are checked by
/// a scan; once a trail grows past [`SCAN_MAX`] edges, a mark per edge of the
/// graph makes the check O(1) however long the trail (a scan made an
/// unbounded `*` quadratic in the trail's length, outside the budget). The
/// marks are allocated only then, so the common short match does not clear
/// a flag per edge of a large graph.
struct Used {
    order: Vec<EdgeId>,
    marks: Vec<bool>,
    edges: usize,
}

/// The trail length up to which a scan beats the marks.
const SCAN_MAX: usize = 16;

impl Used {
    fn new(edges: usize) -> Used {
        Used {
            order: Vec::new(),
            marks: Vec::new(),
            edges,
        }
    }

    fn contains(&self, e: &EdgeId) -> bool {
        if self.marks.is_empty() {
            self.order.contains(e)
        } else {
            self.marks.get(e.index()).copied().unwrap_or(false)
        }
    }

    fn push(&mut self, e: EdgeId) {
        self.order.push(e);
        if self.marks.is_empty() {
            if self.order.len() <= SCAN_MAX {
                return;
            }
            self.marks = vec![false; self.edges];
            for u in &self.order {
                if let Some(m) = self.marks.get_mut(u.index()) {
                    *m = true;
                }
            }
        } else if let Some(m) = self.marks.get_mut(e.index()) {
            *m = true;
        }
    }

    fn pop(&mut self) {
        if let Some(e) = self.order.pop()
            && let Some(m) = self.marks.get_mut(e.index())
        {
            *m = false;
        }
    }

    fn len(&self) -> usize {
        self.order.len()
    }

    /// Empties the trail, returning it for [`Used::resume`].
    fn suspend(&mut self) -> Vec<EdgeId> {
        let order = std::mem::take(&mut self.order);
        for e in &order {
            if let Some(m) = self.marks.get_mut(e.index()) {
                *m = false;
            }
        }
        order
    }

    /// Puts back a trail taken by [`Used::suspend`] (the trail is empty).
    fn resume(&mut self, order: Vec<EdgeId>) {
        self.truncate(0);
        for e in order {
            self.push(e);
        }
    }

    fn truncate(&mut self, len: usize) {
        while self.order.len() > len {
            self.pop();
        }
    }
}

/// What a row costs to build and hold, in budget units: one per cell plus
/// one per element of its lists and paths. Charging this (not 1 per row)
/// keeps the memory of materialised rows within the budget when rows carry
/// long trails.
fn row_weight(row: &[Cell]) -> u64 {
    fn weight(c: &Cell) -> u64 {
        match c {
            Cell::Value(Value::List(items)) => 1 + items.len() as u64,
            Cell::Value(_) | Cell::Node(_) | Cell::Edge(_) => 1,
            Cell::Path(p) => 1 + p.len() as u64,
            Cell::List(items) => 1 + items.iter().map(weight).sum::<u64>(),
            Cell::Map(entries) => 1 + entries.iter().map(|(_, v)| weight(v)).sum::<u64>(),
        }
    }
    row.iter().map(weight).sum()
}

/// A visited bitset reused across BFS runs (an eighth of a byte per node,
/// so a search over a million nodes stays in cache); cleared through the
/// list of what was marked, or wholesale when that list is long.
#[derive(Default)]
struct Visited {
    bits: FixedBitSet,
}

impl Visited {
    fn start(&mut self, n: usize) {
        if self.bits.len() < n {
            self.bits.grow(n);
        }
    }

    /// Whether a node is marked.
    #[inline]
    fn contains(&self, n: NodeId) -> bool {
        self.bits.contains(n.index())
    }

    /// Marks a node; returns whether it was unmarked.
    #[inline]
    fn mark(&mut self, n: NodeId) -> bool {
        !self.bits.put(n.index())
    }

    /// Unmarks everything, given every node marked since the last clear.
    fn clear(&mut self, marked: &[NodeId]) {
        if marked.len() > self.bits.len() / 512 {
            self.bits.clear();
        } else {
            for n in marked {
                self.bits.set(n.index(), false);
            }
        }
    }
}

/// The level size from which a BFS whose rows may come in any order
/// expands its next level in node order (see [`sort_by_bits`]).
/// (Tiny in tests, so the property tests' small graphs take this path.)
const SORTED_LEVEL_MIN: usize = if cfg!(test) { 1 } else { 4096 };

/// Sorts distinct node ids through a bitset (`bits`, reused, left clear):
/// a large BFS level then reads the adjacency front to back, which the
/// hardware prefetches, instead of jumping around it.
fn sort_by_bits(nodes: &mut Vec<NodeId>, bits: &mut FixedBitSet) {
    let Some(max) = nodes.iter().map(|n| n.index()).max() else {
        return;
    };
    if bits.len() <= max {
        bits.grow(max + 1);
    }
    for n in nodes.iter() {
        bits.insert(n.index());
    }
    nodes.clear();
    nodes.extend(bits.ones().map(NodeId::from_index));
    bits.clear();
}

/// The direction to follow an edge written `dir` when the plan walks it
/// from its right end to its left (`reversed`).
/// One expansion of op `i`: from a bound node along `edge` in `dir` to
/// `target`.
#[derive(Clone, Copy)]
struct Hop<'h> {
    i: usize,
    edge: &'h CEdge,
    dir: EdgeDir,
    target: &'h CNode,
}

/// Whether every `key: expected` of a pattern's property map equals the
/// element's property (missing: null).
fn props_match(
    props: &[(Arc<str>, CExpr)],
    actual: impl Fn(&str) -> Option<Value>,
    cx: &Ctx<'_>,
) -> Result<bool, Diagnostic> {
    for (key, expected) in props {
        let actual = Cell::Value(actual(key).unwrap_or(Value::Null));
        if equals(&actual, &expected.eval(cx)?) != Some(true) {
            return Ok(false);
        }
    }
    Ok(true)
}

fn step_dir(dir: EdgeDir, reversed: bool) -> EdgeDir {
    match (dir, reversed) {
        (EdgeDir::Out, true) => EdgeDir::In,
        (EdgeDir::In, true) => EdgeDir::Out,
        (d, _) => d,
    }
}

fn selectivity(g: &Graph, node: &CNode, bound: &[bool]) -> usize {
    if bound[node.slot] {
        return 0;
    }
    if node.id_eq.as_ref().is_some_and(is_const) || node.name_eq.as_ref().is_some_and(is_const) {
        return 1;
    }
    match &node.kinds {
        Some(kinds) => {
            kinds
                .iter()
                .map(|k| g.nodes_of_kind(*k).len())
                .sum::<usize>()
                + 2
        }
        None => g.node_count() + 2,
    }
}

fn is_const(e: &CExpr) -> bool {
    let mut slots = Vec::new();
    e.slots(&mut slots);
    slots.is_empty()
}

/// The slots an op reads (to bind from or check against).
fn op_reads(patterns: &[CPattern], op: Op, out: &mut Vec<usize>) {
    match op {
        Op::Scan { p, i } => out.push(patterns[p].nodes[i].slot),
        Op::Expand { p, k, from, to, .. } => {
            out.push(patterns[p].nodes[from].slot);
            out.push(patterns[p].nodes[to].slot);
            out.push(patterns[p].edges[k].slot);
        }
        Op::Path { p } => {
            out.extend(patterns[p].nodes.iter().map(|n| n.slot));
            out.extend(patterns[p].edges.iter().map(|e| e.slot));
        }
    }
}

fn plan_shared(
    patterns: &[CPattern],
    ops: &[Op],
    filters_at: &[Vec<&CExpr>],
    bound_at: &[usize],
    live_out: &[usize],
) -> Vec<Option<Vec<usize>>> {
    (0..ops.len())
        .map(|i| {
            let Op::Expand {
                p, from, bfs: true, ..
            } = ops[i]
            else {
                return None;
            };
            let mut used: Vec<usize> = live_out.to_vec();
            for op in ops.iter().skip(i + 1) {
                op_reads(patterns, *op, &mut used);
            }
            for fs in filters_at.iter().skip(i + 1) {
                for f in fs {
                    f.slots(&mut used);
                }
            }
            let from_slot = patterns[p].nodes[from].slot;
            // The op's own checks read the target (when bound before) and
            // the expressions of the edge's and target's properties.
            let Op::Expand { k, to, .. } = ops[i] else {
                return None;
            };
            let (edge, target) = (&patterns[p].edges[k], &patterns[p].nodes[to]);
            used.push(target.slot);
            let exprs = edge.props.iter().chain(&target.props).map(|(_, e)| e);
            for e in exprs.chain(&target.id_eq).chain(&target.name_eq) {
                e.slots(&mut used);
            }
            if used.contains(&from_slot) {
                return None;
            }
            // Slots bound by the ops before this one.
            let mut ctx: Vec<usize> = (0..bound_at.len())
                .filter(|s| bound_at[*s] < i && used.contains(s))
                .collect();
            ctx.sort();
            ctx.dedup();
            Some(ctx)
        })
        .collect()
}

impl<'a> Matcher<'a> {
    /// Plans the match. `bfs_ok`: the result ignores multiplicity, so
    /// unobservable variable-length edges may use BFS. The `bound` slots
    /// hold values before it starts (all false but in a later `match`
    /// clause of a Cypher query, run with [`Matcher::run_seeded`]).
    #[allow(
        clippy::too_many_arguments,
        reason = "the arguments are the algorithm's state, passed flat on a hot path"
    )]
    pub fn plan(
        g: &'a Graph,
        view: &'a View,
        work: &'a Work,
        patterns: &'a [CPattern],
        filters: &'a [CExpr],
        slots: usize,
        bfs_ok: bool,
        live_out: &[usize],
        span: Span,
        mut bound: Vec<bool>,
    ) -> Matcher<'a> {
        let mut ops = Vec::new();
        // The op after which each slot is bound (`usize::MAX`: never). One
        // number per slot, not a copy of the bound set per op: a pattern of
        // 80,000 hops plans in linear memory.
        let mut bound_at: Vec<usize> = vec![usize::MAX; slots];
        // Filters on one node that compile to a tight scan (`degree(f, "T")
        // > $k`) may pick a pattern's start, and are then decided there.
        let compiled: Vec<Option<(usize, NodePred)>> =
            filters.iter().map(|f| NodePred::compile(g, f)).collect();
        let mut decided = vec![false; filters.len()];
        let mut prefiltered: Vec<(usize, Vec<NodeId>)> = Vec::new();
        let mut prefilter_work = 0;
        for (p, pat) in patterns.iter().enumerate() {
            let mut anchor = (0..pat.nodes.len())
                .min_by_key(|i| selectivity(g, &pat.nodes[*i], &bound))
                .unwrap_or(0);
            if compiled.iter().any(Option::is_some)
                && let Some(pre) = better_anchor(g, view, pat, anchor, &compiled, &bound)
            {
                anchor = pre.node;
                prefilter_work += pre.scanned as u64;
                for f in pre.filters {
                    decided[f] = true;
                }
                prefiltered.push((ops.len(), pre.nodes));
            }
            let mut push = |op: Op, newly: &[usize], bound: &mut Vec<bool>| {
                for s in newly {
                    if !bound[*s] {
                        bound[*s] = true;
                        bound_at[*s] = ops.len();
                    }
                }
                ops.push(op);
            };
            push(
                Op::Scan { p, i: anchor },
                &[pat.nodes[anchor].slot],
                &mut bound,
            );
            let observable = pat.path_slot.is_some();
            let steps = (anchor..pat.edges.len())
                .map(|k| (k, k, k + 1))
                .chain((0..anchor).rev().map(|k| (k, k + 1, k)));
            for (k, from, to) in steps {
                let edge = &pat.edges[k];
                let bfs = bfs_ok
                    && !edge.named
                    && !observable
                    && edge.quant.is_some_and(|(min, _)| min <= 1);
                push(
                    Op::Expand {
                        p,
                        k,
                        from,
                        to,
                        bfs,
                    },
                    &[edge.slot, pat.nodes[to].slot],
                    &mut bound,
                );
            }
            if let Some(s) = pat.path_slot {
                push(Op::Path { p }, &[s], &mut bound);
            }
        }
        let mut filters_at: Vec<Vec<&CExpr>> = vec![Vec::new(); ops.len() + 1];
        for (f, _) in filters.iter().zip(&decided).filter(|(_, d)| !**d) {
            let mut needs = Vec::new();
            f.slots(&mut needs);
            let at = if needs.is_empty() {
                0
            } else {
                needs
                    .iter()
                    .map(|s| bound_at[*s])
                    .max()
                    .map_or(ops.len(), |i| i.saturating_add(1).min(ops.len()))
            };
            filters_at[at].push(f);
        }
        let shared = plan_shared(patterns, &ops, &filters_at, &bound_at, live_out);
        let pending = ops
            .iter()
            .map(|_| RefCell::new(Pending::default()))
            .collect();
        Matcher {
            g,
            view,
            work,
            patterns,
            ops,
            filters_at,
            slots,
            span,
            visited: RefCell::new(Visited::default()),
            shared,
            pending,
            prefiltered,
            prefilter_work: std::cell::Cell::new(prefilter_work),
            any_order: false,
            counted: None,
            tally: None,
        }
    }

    /// Tells the match that its consumer only counts the distinct nodes
    /// bound to `slot`: a BFS that ends the match then records its ends
    /// here instead of handing over a row each ([`Matcher::counted_nodes`]
    /// lists them; rows found otherwise still go to the sink).
    pub fn counting(mut self, slot: Option<usize>) -> Matcher<'a> {
        self.counted = slot.map(|s| (s, RefCell::new(FixedBitSet::new())));
        self
    }

    /// The nodes recorded under [`Matcher::counting`], in node order.
    pub fn counted_nodes(&self) -> impl Iterator<Item = NodeId> {
        let bits = self
            .counted
            .as_ref()
            .map(|(_, b)| b.take())
            .unwrap_or_default();
        bits.into_ones().map(NodeId::from_index)
    }

    /// Tells the match that its consumer only counts rows per node bound
    /// to `slot` ([`Projection::tallied_slot`](super::project::Projection::tallied_slot)).
    /// When the match's last op is a single hop onto that slot with no
    /// filter after it, the hop counts its ends instead of handing over a
    /// row each; [`Matcher::tallies`] gives the counts after the run. Any
    /// other plan hands over rows as usual.
    pub fn tallying(mut self, slot: Option<usize>) -> Matcher<'a> {
        let last = self.ops.len().checked_sub(1);
        let on_last_hop = match (slot, last.map(|i| self.ops[i])) {
            (Some(slot), Some(Op::Expand { p, k, to, .. })) => {
                let pat = &self.patterns[p];
                pat.edges[k].quant.is_none()
                    && pat.nodes[to].slot == slot
                    && self
                        .filters_at
                        .get(self.ops.len())
                        .is_none_or(Vec::is_empty)
            }
            _ => false,
        };
        if let (true, Some(slot)) = (on_last_hop, slot) {
            self.tally = Some((slot, RefCell::new(Tally::default())));
        }
        self
    }

    /// The scan and hop of a tallied match that is nothing more (op 0 scans
    /// a node, op 1 hops from it to the tallied node; no filter; nothing
    /// hidden; kinds and types the only checks), compiled for
    /// [`HopTally`]; None for any other plan.
    fn hop_tally(&self) -> Option<HopTally<'_>> {
        let (tallied, _) = self.tally.as_ref()?;
        let [
            Op::Scan { p, i: n },
            Op::Expand {
                p: q, k, from, to, ..
            },
        ] = self.ops[..]
        else {
            return None;
        };
        let pat = &self.patterns[p];
        let (start, edge, end) = (&pat.nodes[n], &pat.edges[k], &pat.nodes[to]);
        let plain =
            |node: &CNode| node.id_eq.is_none() && node.name_eq.is_none() && node.props.is_empty();
        let dir = step_dir(edge.dir, to < from);
        let simple = q == p
            && from == n
            && end.slot == *tallied
            && self.view.is_full()
            && self.counted.is_none()
            && self.filters_at.iter().all(Vec::is_empty)
            && plain(start)
            && plain(end)
            && edge.props.is_empty()
            && edge.quant.is_none()
            && dir != EdgeDir::Either
            && start.slot != end.slot
            && edge.slot != start.slot
            && edge.slot != end.slot;
        simple.then(|| HopTally {
            g: self.g,
            adj: if dir == EdgeDir::Out {
                self.g.out_adj()
            } else {
                self.g.in_adj()
            },
            from_kinds: start.kinds.as_deref(),
            types: edge.types.as_ref(),
            to_kinds: end.kinds.as_deref(),
            row_units: self.slots as u64,
        })
    }

    /// The rows counted under [`Matcher::tallying`]: the slot and each
    /// node bound to it once, with its count, in first-seen order; None
    /// when the match handed over rows instead.
    pub fn tallies(&self) -> Option<(usize, Vec<(NodeId, u64)>)> {
        self.tally
            .as_ref()
            .map(|(slot, t)| (*slot, t.borrow_mut().take()))
    }

    /// Lets the match hand rows over in any order (the consumer only
    /// counts): a BFS then emits its ends in node order, so what follows
    /// reads the adjacency and the node columns front to back instead of
    /// at random.
    pub fn in_any_order(mut self, yes: bool) -> Matcher<'a> {
        self.any_order = yes;
        self
    }

    /// Runs the match, handing each row to `sink` as it is found; a row
    /// holds every slot (unbound slots are null). Rows are not kept here, so
    /// an aggregating sink needs memory per group, not per row.
    pub fn run(&self, sink: &mut Sink<'_>) -> Result<(), Diagnostic> {
        self.run_seeded(&[], &[], sink)
    }

    /// [`Matcher::run`] from a row whose `bound` slots already hold values.
    pub fn run_seeded(
        &self,
        seed: &[Cell],
        bound: &[bool],
        sink: &mut Sink<'_>,
    ) -> Result<(), Diagnostic> {
        self.work
            .charge(self.prefilter_work.take())
            .map_err(|e| self.interrupt(e))?;
        let mut row = seed.to_vec();
        row.resize(self.slots, Cell::NULL);
        let mut is_bound = bound.to_vec();
        is_bound.resize(self.slots, false);
        let mut st = State {
            row,
            bound: is_bound,
            used: Used::new(
                if self.ops.iter().any(|op| matches!(op, Op::Expand { .. })) {
                    self.g.edge_count()
                } else {
                    0
                },
            ),
        };
        if self.filters_pass(0, &st)? {
            self.step(0, &mut st, sink)?;
        }
        // In op order: flushing one shared BFS may feed a later one.
        for i in 0..self.ops.len() {
            self.flush(i, &mut st, sink)?;
        }
        Ok(())
    }

    fn interrupt(&self, e: crate::limits::Interrupt) -> Diagnostic {
        super::interrupted(e, self.span)
    }

    fn ctx<'s>(&'s self, st: &'s State) -> Ctx<'s> {
        Ctx {
            g: self.g,
            view: self.view,
            row: &st.row,
            aggs: &[],
            cols: &[],
            work: self.work,
        }
    }

    fn filters_pass(&self, at: usize, st: &State) -> Result<bool, Diagnostic> {
        for f in &self.filters_at[at] {
            if !f.test(&self.ctx(st))? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Runs op `i` and everything after it.
    fn step(&self, i: usize, st: &mut State, out: &mut Sink<'_>) -> Result<(), Diagnostic> {
        let Some(op) = self.ops.get(i).copied() else {
            self.work
                .charge(row_weight(&st.row))
                .map_err(|e| self.interrupt(e))?;
            return out(&st.row);
        };
        match op {
            Op::Scan { p, i: n } => {
                let node = &self.patterns[p].nodes[n];
                if st.bound[node.slot] {
                    if let Cell::Node(v) = st.row[node.slot]
                        && self.node_ok(node, v, st)?
                    {
                        self.next(i, st, out)?;
                    }
                    return Ok(());
                }
                let listed = self.prefiltered.iter().find(|(at, _)| *at == i);
                let candidates = match listed {
                    Some((_, nodes)) => std::borrow::Cow::Borrowed(nodes),
                    None => std::borrow::Cow::Owned(self.candidates(node, st)?),
                };
                if i == 0
                    && !st.bound.contains(&true)
                    && let (Some(hop), Some((_, tally))) = (self.hop_tally(), &self.tally)
                {
                    let (counts, units) = hop.run(&candidates);
                    self.work.charge(units).map_err(|e| self.interrupt(e))?;
                    let mut tally = tally.borrow_mut();
                    for (n, c) in counts {
                        tally.add_many(n, c);
                    }
                    return Ok(());
                }
                let warm = self.expanded_next(i, p, n);
                for chunk in candidates.chunks(WARM_CHUNK) {
                    if let Some(dir) = warm {
                        self.warm(chunk, dir);
                    }
                    for &v in chunk {
                        self.work.charge(1).map_err(|e| self.interrupt(e))?;
                        if self.node_ok(node, v, st)? {
                            self.bind(node.slot, Cell::Node(v), st);
                            self.next(i, st, out)?;
                            self.unbind(node.slot, st);
                        }
                    }
                }
                Ok(())
            }
            Op::Expand {
                p,
                k,
                from,
                to,
                bfs,
            } => {
                let pat = &self.patterns[p];
                let Cell::Node(a) = st.row[pat.nodes[from].slot] else {
                    return Ok(());
                };
                let edge = &pat.edges[k];
                let reversed = to < from;
                let dir = step_dir(edge.dir, reversed);
                let target = &pat.nodes[to];
                let hop = Hop {
                    i,
                    edge,
                    dir,
                    target,
                };
                match edge.quant {
                    None => self.expand_one(hop, a, st, out),
                    Some(_) if st.bound[edge.slot] => self.expand_given(hop, a, reversed, st, out),
                    Some(_) if bfs => self.expand_bfs(hop, a, st, out),
                    Some(_) => self.expand_trails(hop, a, reversed, st, out),
                }
            }
            Op::Path { p } => {
                let path = self.assemble(&self.patterns[p], st);
                self.work
                    .charge(1 + path.len() as u64)
                    .map_err(|e| self.interrupt(e))?;
                let slot = self.patterns[p].path_slot.unwrap_or(0);
                self.bind(slot, Cell::Path(path), st);
                self.next(i, st, out)?;
                self.unbind(slot, st);
                Ok(())
            }
        }
    }

    /// The direction op `i + 1` expands node `n` of pattern `p` in, when it
    /// expands that node (the usual plan after a scan).
    fn expanded_next(&self, i: usize, p: usize, n: usize) -> Option<EdgeDir> {
        match self.ops.get(i + 1) {
            Some(Op::Expand {
                p: q, k, from, to, ..
            }) if *q == p && *from == n => {
                Some(step_dir(self.patterns[p].edges[*k].dir, *to < *from))
            }
            _ => None,
        }
    }

    /// Loads the adjacency entries of `nodes` in direction `dir` into the
    /// cache before they are expanded one by one: the loads of a whole
    /// chunk of scattered nodes then overlap (one memory latency for the
    /// chunk) instead of each node's waiting behind the previous node's
    /// row work. Prefetching by hand without `unsafe`.
    fn warm(&self, nodes: &[NodeId], dir: EdgeDir) {
        let g = self.g;
        let mut touched = 0u32;
        for (adj, wanted) in [
            (g.out_adj(), matches!(dir, EdgeDir::Out | EdgeDir::Either)),
            (g.in_adj(), matches!(dir, EdgeDir::In | EdgeDir::Either)),
        ] {
            if !wanted {
                continue;
            }
            // Offsets first (independent loads), then each node's first
            // entry in the three columns (independent across nodes).
            for &n in nodes {
                touched ^= adj.slots(n).start as u32;
            }
            let (edges, nbrs) = (adj.slot_edges(), adj.slot_neighbors());
            for &n in nodes {
                let at = adj.slots(n).start;
                if let (Some(e), Some(x), Some(t)) =
                    (edges.get(at), nbrs.get(at), adj.types(n).first())
                {
                    touched ^= e.0 ^ x.0 ^ u32::from(t.0);
                }
            }
        }
        std::hint::black_box(touched);
    }

    fn next(&self, i: usize, st: &mut State, out: &mut Sink<'_>) -> Result<(), Diagnostic> {
        if self.filters_pass(i + 1, st)? {
            self.step(i + 1, st, out)?;
        }
        Ok(())
    }

    fn bind(&self, slot: usize, value: Cell, st: &mut State) {
        st.row[slot] = value;
        st.bound[slot] = true;
    }

    fn unbind(&self, slot: usize, st: &mut State) {
        st.row[slot] = Cell::NULL;
        st.bound[slot] = false;
    }

    fn candidates(&self, node: &CNode, st: &State) -> Result<Vec<NodeId>, Diagnostic> {
        let cx = self.ctx(st);
        if let Some(id) = &node.id_eq {
            return Ok(match id.eval(&cx)? {
                Cell::Value(Value::Str(s)) => self.g.node_by_key(&s).into_iter().collect(),
                _ => Vec::new(),
            });
        }
        if let Some(name) = &node.name_eq {
            return Ok(match name.eval(&cx)? {
                Cell::Value(Value::Str(s)) => self
                    .g
                    .nodes_named(&s)
                    .iter()
                    .copied()
                    .filter(|n| self.g.node_name(*n) == &*s)
                    .collect(),
                _ => Vec::new(),
            });
        }
        Ok(match &node.kinds {
            Some(kinds) => {
                let mut all: Vec<NodeId> = kinds
                    .iter()
                    .flat_map(|k| self.g.nodes_of_kind(*k).iter().copied())
                    .collect();
                if kinds.len() > 1 {
                    all.sort();
                    all.dedup();
                }
                all
            }
            None => self.g.nodes().collect(),
        })
    }

    fn node_ok(&self, node: &CNode, v: NodeId, st: &State) -> Result<bool, Diagnostic> {
        if !self.view.node(v) {
            return Ok(false);
        }
        if let Some(kinds) = &node.kinds
            && !kinds.contains(&self.g.node_kind(v))
        {
            return Ok(false);
        }
        if node.id_eq.is_none() && node.name_eq.is_none() && node.props.is_empty() {
            return Ok(true);
        }
        let cx = self.ctx(st);
        if let Some(id) = &node.id_eq
            && !matches!(id.eval(&cx)?, Cell::Value(Value::Str(s)) if *s == *self.g.node_key(v))
        {
            return Ok(false);
        }
        if let Some(name) = &node.name_eq
            && !matches!(name.eval(&cx)?, Cell::Value(Value::Str(s)) if *s == *self.g.node_name(v))
        {
            return Ok(false);
        }
        props_match(&node.props, |key| self.g.node_prop(v, key), &cx)
    }

    fn edge_ok(
        &self,
        edge: &CEdge,
        e: EdgeId,
        t: EdgeTypeId,
        nbr: NodeId,
        st: &State,
    ) -> Result<bool, Diagnostic> {
        if self.view.edge_hidden(e) || !self.view.node(nbr) {
            return Ok(false);
        }
        if let Some(types) = &edge.types
            && !types.contains(t)
        {
            return Ok(false);
        }
        if edge.props.is_empty() {
            return Ok(true);
        }
        props_match(&edge.props, |key| self.g.edge_prop(e, key), &self.ctx(st))
    }

    /// The edges of `a` in direction `dir` as `(edge, type, neighbour)`;
    /// a self-loop is listed once for `Either`.
    fn adjacent(
        &self,
        a: NodeId,
        dir: EdgeDir,
    ) -> impl Iterator<Item = (EdgeId, EdgeTypeId, NodeId)> + 'a {
        self.adjacent_of_types(a, dir, None)
    }

    /// [`Matcher::adjacent`] restricted to edges whose type is in `types`
    /// (all when `None`), rejecting the others by their type column alone.
    fn adjacent_of_types<'s>(
        &self,
        a: NodeId,
        dir: EdgeDir,
        types: Option<&'s TypeSet>,
    ) -> impl Iterator<Item = (EdgeId, EdgeTypeId, NodeId)> + 's
    where
        'a: 's,
    {
        let g = self.g;
        let outs =
            matches!(dir, EdgeDir::Out | EdgeDir::Either).then(|| g.out_adj().iter_typed(a, types));
        let ins =
            matches!(dir, EdgeDir::In | EdgeDir::Either).then(|| g.in_adj().iter_typed(a, types));
        let either = dir == EdgeDir::Either;
        outs.into_iter().flatten().chain(
            ins.into_iter()
                .flatten()
                .filter(move |(_, _, n)| !(either && *n == a)),
        )
    }

    fn target_ok(&self, target: &CNode, n: NodeId, st: &State) -> Result<bool, Diagnostic> {
        if st.bound[target.slot] {
            return Ok(st.row[target.slot] == Cell::Node(n));
        }
        self.node_ok(target, n, st)
    }

    fn expand_one(
        &self,
        hop: Hop<'_>,
        a: NodeId,
        st: &mut State,
        out: &mut Sink<'_>,
    ) -> Result<(), Diagnostic> {
        self.work
            .charge(self.degree(a, hop.dir) as u64 + 1)
            .map_err(|x| self.interrupt(x))?;
        // The type first (from the type column alone): it rejects most
        // edges of a mixed adjacency. One direction reads its adjacency
        // directly (no chain of two optional halves per entry).
        let types = hop.edge.types.as_ref();
        match hop.dir {
            EdgeDir::Out => self.expand_over(hop, self.g.out_adj().iter_typed(a, types), st, out),
            EdgeDir::In => self.expand_over(hop, self.g.in_adj().iter_typed(a, types), st, out),
            EdgeDir::Either => {
                self.expand_over(hop, self.adjacent_of_types(a, hop.dir, types), st, out)
            }
        }
    }

    /// [`Matcher::expand_one`] over the entries `adjacent` of its start.
    fn expand_over(
        &self,
        hop: Hop<'_>,
        adjacent: impl Iterator<Item = (EdgeId, EdgeTypeId, NodeId)>,
        st: &mut State,
        out: &mut Sink<'_>,
    ) -> Result<(), Diagnostic> {
        let Hop { edge, target, .. } = hop;
        let edge_bound = st.bound[edge.slot];
        // The last hop of a tallied match counts its ends; each costs the
        // budget what its row would have (binding the two slots leaves the
        // weight as it is: a null and a node or edge weigh one each).
        let tally = match &self.tally {
            Some((slot, t)) if hop.i + 1 == self.ops.len() && *slot == target.slot => {
                Some((t, row_weight(&st.row)))
            }
            _ => None,
        };
        for (e, t, n) in adjacent {
            if (edge_bound && st.row[edge.slot] != Cell::Edge(e)) || st.used.contains(&e) {
                continue;
            }
            if !self.edge_ok(edge, e, t, n, st)? || !self.target_ok(target, n, st)? {
                continue;
            }
            if let Some((tally, weight)) = tally {
                self.work.charge(weight).map_err(|x| self.interrupt(x))?;
                tally.borrow_mut().add(n);
                continue;
            }
            st.used.push(e);
            self.go_on(hop, Cell::Edge(e), n, st, out)?;
            st.used.pop();
        }
        Ok(())
    }

    /// The hop's variable-length edge, bound before to a list of edges
    /// (`with [r1, r2] as rs match (a)-[rs*]->(b)`), from `a`: the match
    /// follows exactly those edges, in order (backwards when the op runs
    /// from the pattern's end), instead of enumerating trails to compare.
    fn expand_given(
        &self,
        hop: Hop<'_>,
        a: NodeId,
        reversed: bool,
        st: &mut State,
        out: &mut Sink<'_>,
    ) -> Result<(), Diagnostic> {
        let (edge, target, dir) = (hop.edge, hop.target, hop.dir);
        // Anything but a list of edges matches nothing, as the trails'
        // comparison would.
        let mut edges: Vec<EdgeId> = match &st.row[edge.slot] {
            Cell::List(items) => {
                let ids: Option<Vec<EdgeId>> = items
                    .iter()
                    .map(|c| match c {
                        Cell::Edge(e) => Some(*e),
                        _ => None,
                    })
                    .collect();
                let Some(ids) = ids else { return Ok(()) };
                ids
            }
            _ => return Ok(()),
        };
        let (min, max) = edge.quant.unwrap_or((1, Some(1)));
        let len = u32::try_from(edges.len()).unwrap_or(u32::MAX);
        if len < min || max.is_some_and(|m| len > m) {
            return Ok(());
        }
        if reversed {
            edges.reverse();
        }
        self.work
            .charge(edges.len() as u64 + 1)
            .map_err(|x| self.interrupt(x))?;
        let mark = st.used.len();
        let mut at = Some(a);
        for &e in &edges {
            let Some(u) = at else { break };
            at = match self.adjacent(u, dir).find(|(x, _, _)| *x == e) {
                Some((_, t, n)) if !st.used.contains(&e) && self.edge_ok(edge, e, t, n, st)? => {
                    st.used.push(e);
                    Some(n)
                }
                _ => None,
            };
        }
        let result = match at {
            Some(end) if self.target_ok(target, end, st)? => {
                // The edge slot is bound: `go_on` leaves it as it is.
                let given = st.row[edge.slot].clone();
                self.go_on(hop, given, end, st, out)
            }
            _ => Ok(()),
        };
        st.used.truncate(mark);
        result
    }

    /// Binds the hop's edge slot to `edge` and its target slot to `n`
    /// (each unless bound already), runs the rest of the match, and
    /// unbinds them.
    fn go_on(
        &self,
        hop: Hop<'_>,
        edge: Cell,
        n: NodeId,
        st: &mut State,
        out: &mut Sink<'_>,
    ) -> Result<(), Diagnostic> {
        let (edge_slot, target_slot) = (hop.edge.slot, hop.target.slot);
        let edge_bound = st.bound[edge_slot];
        let target_bound = st.bound[target_slot];
        if !edge_bound {
            self.bind(edge_slot, edge, st);
        }
        if !target_bound {
            self.bind(target_slot, Cell::Node(n), st);
        }
        self.next(hop.i, st, out)?;
        if !target_bound {
            self.unbind(target_slot, st);
        }
        if !edge_bound {
            self.unbind(edge_slot, st);
        }
        Ok(())
    }

    fn degree(&self, u: NodeId, dir: EdgeDir) -> usize {
        match dir {
            EdgeDir::Out => self.g.out_adj().degree(u),
            EdgeDir::In => self.g.in_adj().degree(u),
            EdgeDir::Either => self.g.out_adj().degree(u) + self.g.in_adj().degree(u),
        }
    }

    /// Reachability by BFS: each end node once. A shared op only records
    /// `a` as a source of its context (see `shared`); the search runs in
    /// [`Matcher::flush`].
    fn expand_bfs(
        &self,
        hop: Hop<'_>,
        a: NodeId,
        st: &mut State,
        out: &mut Sink<'_>,
    ) -> Result<(), Diagnostic> {
        let i = hop.i;
        if let Some(ctx) = &self.shared[i] {
            let same = {
                let pending = self.pending[i].borrow();
                pending.key.as_ref().is_some_and(|k| {
                    k.len() == ctx.len()
                        && k.iter().zip(ctx).all(|(c, s)| same_cell(c, &st.row[*s]))
                })
            };
            if !same {
                self.flush(i, st, out)?;
                let mut pending = self.pending[i].borrow_mut();
                pending.key = Some(ctx.iter().map(|s| st.row[*s].clone()).collect());
            }
            self.pending[i].borrow_mut().sources.push(a);
            return Ok(());
        }
        let ends = self.bfs(&[a], hop.edge, hop.dir, st)?;
        self.emit_ends(i, ends, hop.target, st, out)
    }

    /// Runs shared op `i`'s pending search: its context's cells are put
    /// back in their slots for the continuation (which reads no other slot
    /// bound before op `i`), then restored. The trail of the match that
    /// triggered the flush is set aside meanwhile: the sources' own trails
    /// are gone, so edges before and after a shared BFS are not checked
    /// against each other.
    fn flush(&self, i: usize, st: &mut State, out: &mut Sink<'_>) -> Result<(), Diagnostic> {
        let (Some(ctx), Op::Expand { p, k, from, to, .. }) = (&self.shared[i], self.ops[i]) else {
            return Ok(());
        };
        let (key, sources) = {
            let mut pending = self.pending[i].borrow_mut();
            (pending.key.take(), std::mem::take(&mut pending.sources))
        };
        let Some(key) = key else { return Ok(()) };
        if sources.is_empty() {
            return Ok(());
        }
        let pat = &self.patterns[p];
        let edge = &pat.edges[k];
        let dir = step_dir(edge.dir, to < from);
        let mut saved = Vec::with_capacity(ctx.len());
        for (slot, cell) in ctx.iter().zip(key) {
            saved.push((
                *slot,
                std::mem::replace(&mut st.row[*slot], cell),
                st.bound[*slot],
            ));
            st.bound[*slot] = true;
        }
        let trail = st.used.suspend();
        let result = self
            .bfs(&sources, edge, dir, st)
            .and_then(|ends| self.emit_ends(i, ends, &pat.nodes[to], st, out));
        st.used.resume(trail);
        for (slot, cell, bound) in saved {
            st.row[slot] = cell;
            st.bound[slot] = bound;
        }
        result
    }

    /// The nodes `min..=max` steps from any of `sources` (each once, in the
    /// order found). Sources are not marked at the start when `min` is 1,
    /// so a source counts as an end only when some source reaches it.
    fn bfs(
        &self,
        sources: &[NodeId],
        edge: &CEdge,
        dir: EdgeDir,
        st: &State,
    ) -> Result<Vec<NodeId>, Diagnostic> {
        let (min, max) = edge.quant.unwrap_or((1, Some(1)));
        let mut visited = self.visited.borrow_mut();
        visited.start(self.g.node_count());
        let mut ends = Vec::new();
        let mut frontier: Vec<NodeId> = Vec::with_capacity(sources.len());
        for &a in sources {
            if min > 0 || visited.mark(a) {
                frontier.push(a);
                if min == 0 {
                    ends.push(a);
                }
            }
        }
        if min > 0 {
            frontier.sort_unstable();
            frontier.dedup();
        }
        let result = self.bfs_levels(frontier, edge, dir, max, st, &mut visited, &mut ends);
        // Every marked node is an end (sources are marked only when they
        // are), so the marks list the ends in node order.
        if self.any_order && result.is_ok() {
            ends.clear();
            ends.extend(visited.bits.ones().map(NodeId::from_index));
        }
        visited.clear(&ends);
        drop(visited);
        result?;
        if dir == EdgeDir::Either && min == 1 {
            // Undirected, a walk back to a source may reuse its edge
            // (a-b-a): a source is an end only through a trail.
            let many = sources.len() > 1;
            let is_source: crate::hash::FxSet<NodeId> = if many {
                sources.iter().copied().collect()
            } else {
                Default::default()
            };
            let mut kept = Vec::with_capacity(ends.len());
            for n in ends {
                let source = if many {
                    is_source.contains(&n)
                } else {
                    sources.first() == Some(&n)
                };
                if !source || self.trail_back(n, &is_source, edge, max, st)? {
                    kept.push(n);
                }
            }
            return Ok(kept);
        }
        Ok(ends)
    }

    /// Whether an undirected trail of 1..=`max` edges leads to source `s`
    /// from `s` itself (a cycle) or from another of `sources`. A BFS from
    /// `s` labels each node with the edge of `s` its tree path starts
    /// with; an edge between two labels, or back to `s` other than by the
    /// tree edge, closes a cycle without repeating an edge.
    fn trail_back(
        &self,
        s: NodeId,
        sources: &crate::hash::FxSet<NodeId>,
        edge: &CEdge,
        max: Option<u32>,
        st: &State,
    ) -> Result<bool, Diagnostic> {
        // node -> (depth, first edge of its tree path, edge it was reached by)
        let mut seen: crate::hash::FxMap<NodeId, (u32, EdgeId, EdgeId)> = Default::default();
        let mut frontier = vec![s];
        let mut depth = 0u32;
        while !frontier.is_empty() && max.is_none_or(|m| depth < m) {
            let mut next = Vec::new();
            for &u in &frontier {
                let here = seen.get(&u).copied();
                let mut scanned = 1u64;
                for (e, t, n) in self.adjacent(u, EdgeDir::Either) {
                    scanned += 1;
                    if !self.edge_ok(edge, e, t, n, st)? {
                        continue;
                    }
                    let fits = |len: u32| max.is_none_or(|m| len <= m);
                    if n == s {
                        // A self-loop of `s`, or a way back other than the tree edge.
                        if here.is_none_or(|(_, _, by)| by != e) && fits(depth + 1) {
                            return Ok(true);
                        }
                        continue;
                    }
                    let branch = here.map_or(e, |(_, b, _)| b);
                    match seen.get(&n) {
                        Some(&(d, b, _)) => {
                            if b != branch && fits(depth + d + 1) {
                                return Ok(true);
                            }
                        }
                        None => {
                            if sources.contains(&n) {
                                return Ok(true);
                            }
                            seen.insert(n, (depth + 1, branch, e));
                            next.push(n);
                        }
                    }
                }
                self.work.charge(scanned).map_err(|x| self.interrupt(x))?;
            }
            frontier = next;
            depth += 1;
        }
        Ok(false)
    }

    /// The BFS proper: level by level up to `max` steps, each newly marked
    /// node pushed to `ends`.
    #[allow(
        clippy::too_many_arguments,
        reason = "the arguments are the algorithm's state, passed flat on a hot path"
    )]
    fn bfs_levels(
        &self,
        mut frontier: Vec<NodeId>,
        edge: &CEdge,
        dir: EdgeDir,
        max: Option<u32>,
        st: &State,
        visited: &mut Visited,
        ends: &mut Vec<NodeId>,
    ) -> Result<(), Diagnostic> {
        // With no property to check, only the types and neighbour columns
        // are read, and the view's hidden entries (one bit per entry, in
        // the same order) for an edge of the type to a node not yet
        // visited.
        let plain = edge.props.is_empty();
        let types = edge.types.as_ref();
        let side = |on: bool, incoming: bool| {
            let adj = if incoming {
                self.g.in_adj()
            } else {
                self.g.out_adj()
            };
            let hidden = (on && plain)
                .then(|| self.view.hidden_slots(self.g, incoming))
                .flatten();
            (on, adj, hidden)
        };
        let sides = [
            side(matches!(dir, EdgeDir::Out | EdgeDir::Either), false),
            side(matches!(dir, EdgeDir::In | EdgeDir::Either), true),
        ];
        let either = dir == EdgeDir::Either;
        let mut depth = 0u32;
        let mut next = Vec::new();
        let mut level_bits = FixedBitSet::new();
        // Rows in any order, nothing hidden, no property to check: a large
        // level is expanded on two threads (the level's ends are the same
        // set; their order is restored by the sort below).
        let splittable = self.any_order && plain && sides.iter().all(|(_, _, h)| h.is_none());
        while !frontier.is_empty() && max.is_none_or(|m| depth < m) {
            depth += 1;
            if splittable && frontier.len() >= PARALLEL_LEVEL_MIN {
                let adjs: Vec<&Adjacency> = sides
                    .iter()
                    .filter(|(on, _, _)| *on)
                    .map(|(_, a, _)| *a)
                    .collect();
                let scanned = level_on_two_threads(&frontier, &adjs, types, visited, &mut next);
                ends.extend_from_slice(&next);
                self.work.charge(scanned).map_err(|x| self.interrupt(x))?;
                if next.len() > SORTED_LEVEL_MIN {
                    sort_by_bits(&mut next, &mut level_bits);
                }
                std::mem::swap(&mut frontier, &mut next);
                next.clear();
                continue;
            }
            for &u in &frontier {
                let mut scanned = 1u64;
                for (side, (on, adj, hidden)) in sides.iter().enumerate() {
                    if !on {
                        continue;
                    }
                    if plain {
                        let (ts, ns) = adj.typed_neighbors(u);
                        scanned += ns.len() as u64;
                        match hidden {
                            // The full view: the loop of a graph without dates.
                            None => {
                                for (t, &n) in ts.iter().zip(ns) {
                                    if types.is_some_and(|s| !s.contains(*t)) {
                                        continue;
                                    }
                                    if visited.mark(n) {
                                        next.push(n);
                                        ends.push(n);
                                    }
                                }
                            }
                            Some(hidden) => {
                                let first = adj.slots(u).start;
                                for (i, (t, &n)) in ts.iter().zip(ns).enumerate() {
                                    if types.is_some_and(|s| !s.contains(*t))
                                        || visited.contains(n)
                                        || hidden.get(first + i)
                                    {
                                        continue;
                                    }
                                    visited.mark(n);
                                    next.push(n);
                                    ends.push(n);
                                }
                            }
                        }
                        continue;
                    }
                    for (e, t, n) in adj.iter(u) {
                        scanned += 1;
                        // A self-loop is listed once for `Either`.
                        if either && side == 1 && n == u {
                            continue;
                        }
                        if self.edge_ok(edge, e, t, n, st)? && visited.mark(n) {
                            next.push(n);
                            ends.push(n);
                        }
                    }
                }
                self.work.charge(scanned).map_err(|x| self.interrupt(x))?;
            }
            if self.any_order && next.len() > SORTED_LEVEL_MIN {
                sort_by_bits(&mut next, &mut level_bits);
            }
            std::mem::swap(&mut frontier, &mut next);
            next.clear();
        }
        Ok(())
    }

    /// Binds each end in turn (the edge slot to an empty list: its trail
    /// is not observable) and runs the rest of the match.
    fn emit_ends(
        &self,
        i: usize,
        ends: Vec<NodeId>,
        target: &CNode,
        st: &mut State,
        out: &mut Sink<'_>,
    ) -> Result<(), Diagnostic> {
        let Op::Expand { p, k, .. } = self.ops[i] else {
            return Ok(());
        };
        let edge_slot = self.patterns[p].edges[k].slot;
        let target_bound = st.bound[target.slot];
        if let Some((slot, bits)) = &self.counted
            && *slot == target.slot
            && !target_bound
            && i + 1 == self.ops.len()
            && self.filters_at[i + 1].is_empty()
            && target.id_eq.is_none()
            && target.name_eq.is_none()
            && target.props.is_empty()
        {
            // What a row each would be charged: its cells and the sink's unit.
            let per_row = row_weight(&st.row) + 2;
            self.work
                .charge(per_row.saturating_mul(ends.len() as u64))
                .map_err(|e| self.interrupt(e))?;
            let mut bits = bits.borrow_mut();
            bits.grow(self.g.node_count());
            for n in ends {
                // No id, name or property test: the view and the kinds only.
                if self.node_ok(target, n, st)? {
                    bits.insert(n.index());
                }
            }
            return Ok(());
        }
        self.bind(edge_slot, Cell::List(Vec::new()), st);
        for n in ends {
            if !self.target_ok(target, n, st)? {
                continue;
            }
            if !target_bound {
                self.bind(target.slot, Cell::Node(n), st);
            }
            self.next(i, st, out)?;
            if !target_bound {
                self.unbind(target.slot, st);
            }
        }
        self.unbind(edge_slot, st);
        Ok(())
    }

    /// Every trail of `min..=max` edges from `a` (iterative DFS, so deep
    /// trails cannot overflow the stack).
    fn expand_trails(
        &self,
        hop: Hop<'_>,
        a: NodeId,
        reversed: bool,
        st: &mut State,
        out: &mut Sink<'_>,
    ) -> Result<(), Diagnostic> {
        let Hop {
            edge, dir, target, ..
        } = hop;
        let (min, max) = edge.quant.unwrap_or((1, Some(1)));
        let edge_bound = st.bound[edge.slot];
        let base_used = st.used.len();
        // Each frame: the node and the list of its candidate steps, with a cursor.
        let mut stack: Vec<(Vec<Step>, usize)> = Vec::new();
        let mut trail: Vec<EdgeId> = Vec::new();
        let emit = |this: &Self,
                    at: NodeId,
                    trail: &[EdgeId],
                    st: &mut State,
                    out: &mut Sink<'_>|
         -> Result<(), Diagnostic> {
            if !this.target_ok(target, at, st)? {
                return Ok(());
            }
            // Copying the trail costs its length.
            this.work
                .charge(trail.len() as u64)
                .map_err(|x| this.interrupt(x))?;
            let mut edges: Vec<Cell> = trail.iter().map(|e| Cell::Edge(*e)).collect();
            if reversed {
                edges.reverse();
            }
            let list = Cell::List(edges);
            if edge_bound && st.row[edge.slot] != list {
                return Ok(());
            }
            this.go_on(hop, list, at, st, out)
        };
        if min == 0 {
            emit(self, a, &trail, st, out)?;
        }
        if max == Some(0) {
            return Ok(());
        }
        stack.push((self.adjacent(a, dir).collect(), 0));
        while let Some((steps, cursor)) = stack.last_mut() {
            let Some(&(e, t, n)) = steps.get(*cursor) else {
                // This node's steps are exhausted: step back over the edge that led here.
                stack.pop();
                if trail.pop().is_some() {
                    st.used.pop();
                }
                continue;
            };
            *cursor += 1;
            self.work.charge(1).map_err(|x| self.interrupt(x))?;
            if st.used.contains(&e) || !self.edge_ok(edge, e, t, n, st)? {
                continue;
            }
            trail.push(e);
            st.used.push(e);
            if trail.len() as u32 >= min {
                emit(self, n, &trail, st, out)?;
            }
            if max.is_none_or(|m| (trail.len() as u32) < m) {
                stack.push((self.adjacent(n, dir).collect(), 0));
            } else {
                trail.pop();
                st.used.pop();
            }
        }
        st.used.truncate(base_used);
        Ok(())
    }

    /// Builds a pattern's path from its bound nodes and edges.
    fn assemble(&self, pat: &CPattern, st: &State) -> Path {
        let node_at = |i: usize| match st.row[pat.nodes[i].slot] {
            Cell::Node(n) => n,
            _ => NodeId::from_index(0),
        };
        let mut path = Path::single(node_at(0));
        for (k, edge) in pat.edges.iter().enumerate() {
            match &st.row[edge.slot] {
                Cell::Edge(e) => path.push(*e, node_at(k + 1)),
                Cell::List(items) => {
                    let mut at = node_at(k);
                    for item in items {
                        if let Cell::Edge(e) = item {
                            let (x, y) = self.g.edge_ends(*e);
                            at = if x == at { y } else { x };
                            path.push(*e, at);
                        }
                    }
                }
                _ => {}
            }
        }
        path
    }
}

mod hop_tally;
mod level;
mod tally;

#[cfg(test)]
mod view_tests;
