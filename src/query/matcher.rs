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
//! enumerating trails.

use std::cell::RefCell;

use super::expr::{CExpr, Ctx, equals};
use super::pattern::{CEdge, CNode, CPattern};
use crate::analysis::View;
use crate::diag::{Diagnostic, Span};
use crate::limits::Work;
use crate::model::{EdgeId, EdgeTypeId, Graph, NodeId, Path, Value};
use crate::result::Cell;
use crate::syntax::ast::EdgeDir;

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
    stamps: RefCell<Stamps>,
    /// Per op: for a BFS expansion whose start node is not read afterwards,
    /// the slots its continuation depends on. Starts that share those slots
    /// share one visited set: a multi-source BFS instead of one per start.
    shared: Vec<Option<Vec<usize>>>,
    memos: Vec<RefCell<BfsMemo>>,
}

/// The visited state shared by BFS runs in one context (see `shared`).
#[derive(Default)]
struct BfsMemo {
    key: Option<String>,
    best: Vec<u32>,
    emitted: Vec<bool>,
    touched: Vec<NodeId>,
}

impl BfsMemo {
    fn enter(&mut self, key: String, n: usize) {
        if self.key.as_ref() == Some(&key) {
            return;
        }
        if self.best.len() < n {
            self.best.resize(n, u32::MAX);
            self.emitted.resize(n, false);
        }
        for t in self.touched.drain(..) {
            self.best[t.index()] = u32::MAX;
            self.emitted[t.index()] = false;
        }
        self.key = Some(key);
    }

    /// Records that `n` was reached at `depth`; true when that is a new best.
    fn improve(&mut self, n: NodeId, depth: u32) -> bool {
        let b = &mut self.best[n.index()];
        if depth >= *b {
            return false;
        }
        if *b == u32::MAX && !self.emitted[n.index()] {
            self.touched.push(n);
        }
        *b = depth;
        true
    }

    /// Marks `n` as an end node; true the first time.
    fn emit(&mut self, n: NodeId) -> bool {
        if self.emitted[n.index()] {
            return false;
        }
        if self.best[n.index()] == u32::MAX {
            self.touched.push(n);
        }
        self.emitted[n.index()] = true;
        true
    }
}

struct State {
    row: Vec<Cell>,
    bound: Vec<bool>,
    used: Used,
}

/// The edges the current match uses, in order, with a mark per edge so
/// that checking an edge costs O(1) however long the trail (a linear scan
/// made an unbounded `*` quadratic in the trail's length, outside the budget).
struct Used {
    order: Vec<EdgeId>,
    marks: Vec<bool>,
}

impl Used {
    fn new(edges: usize) -> Used {
        Used {
            order: Vec::new(),
            marks: vec![false; edges],
        }
    }

    fn contains(&self, e: &EdgeId) -> bool {
        self.marks.get(e.index()).copied().unwrap_or(false)
    }

    fn push(&mut self, e: EdgeId) {
        if let Some(m) = self.marks.get_mut(e.index()) {
            *m = true;
        }
        self.order.push(e);
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
        }
    }
    row.iter().map(weight).sum()
}

/// A visited set reused across BFS runs without clearing (generation stamps).
#[derive(Default)]
struct Stamps {
    marks: Vec<u32>,
    generation: u32,
}

impl Stamps {
    fn start(&mut self, n: usize) {
        if self.marks.len() < n {
            self.marks.resize(n, 0);
        }
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.marks.iter_mut().for_each(|m| *m = 0);
            self.generation = 1;
        }
    }

    /// Marks a node; returns whether it was unmarked.
    fn mark(&mut self, n: NodeId) -> bool {
        let m = &mut self.marks[n.index()];
        if *m == self.generation {
            false
        } else {
            *m = self.generation;
            true
        }
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
    bound_after: &[Vec<bool>],
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
            for (j, op) in ops.iter().enumerate().skip(i + 1) {
                op_reads(patterns, *op, &mut used);
                let _ = j;
            }
            for fs in filters_at.iter().skip(i + 1) {
                for f in fs {
                    f.slots(&mut used);
                }
            }
            let from_slot = patterns[p].nodes[from].slot;
            if used.contains(&from_slot) {
                return None;
            }
            let before: &[bool] = if i == 0 { &[] } else { &bound_after[i - 1] };
            let mut ctx: Vec<usize> = (0..before.len())
                .filter(|s| before[*s] && used.contains(s))
                .collect();
            ctx.sort();
            ctx.dedup();
            Some(ctx)
        })
        .collect()
}

impl<'a> Matcher<'a> {
    /// Plans the match. `bfs_ok`: the result ignores multiplicity, so
    /// unobservable variable-length edges may use BFS.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        g: &'a Graph,
        view: &'a View,
        work: &'a Work,
        patterns: &'a [CPattern],
        filters: &'a [CExpr],
        slots: usize,
        bfs_ok: bool,
        live_out: &[usize],
        span: Span,
    ) -> Matcher<'a> {
        let mut bound = vec![false; slots];
        let mut ops = Vec::new();
        let mut bound_after: Vec<Vec<bool>> = Vec::new();
        for (p, pat) in patterns.iter().enumerate() {
            let anchor = (0..pat.nodes.len())
                .min_by_key(|i| selectivity(g, &pat.nodes[*i], &bound))
                .unwrap_or(0);
            let mut push = |op: Op, newly: &[usize], bound: &mut Vec<bool>| {
                for s in newly {
                    bound[*s] = true;
                }
                ops.push(op);
                bound_after.push(bound.clone());
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
        for f in filters {
            let mut needs = Vec::new();
            f.slots(&mut needs);
            let at = if needs.is_empty() {
                0
            } else {
                bound_after
                    .iter()
                    .position(|b| needs.iter().all(|s| b[*s]))
                    .map_or(ops.len(), |i| i + 1)
            };
            filters_at[at].push(f);
        }
        let shared = plan_shared(patterns, &ops, &filters_at, &bound_after, live_out);
        let memos = ops
            .iter()
            .map(|_| RefCell::new(BfsMemo::default()))
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
            stamps: RefCell::new(Stamps::default()),
            shared,
            memos,
        }
    }

    /// Runs the match; each row holds every slot (unbound slots are null).
    pub fn run(&self) -> Result<Vec<Vec<Cell>>, Diagnostic> {
        let mut st = State {
            row: vec![Cell::NULL; self.slots],
            bound: vec![false; self.slots],
            used: Used::new(
                if self.ops.iter().any(|op| matches!(op, Op::Expand { .. })) {
                    self.g.edge_count()
                } else {
                    0
                },
            ),
        };
        let mut out = Vec::new();
        if self.filters_pass(0, &st)? {
            self.step(0, &mut st, &mut out)?;
        }
        Ok(out)
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
    fn step(&self, i: usize, st: &mut State, out: &mut Vec<Vec<Cell>>) -> Result<(), Diagnostic> {
        let Some(op) = self.ops.get(i).copied() else {
            self.work
                .charge(row_weight(&st.row))
                .map_err(|e| self.interrupt(e))?;
            out.push(st.row.clone());
            return Ok(());
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
                for v in self.candidates(node, st)? {
                    self.work.charge(1).map_err(|e| self.interrupt(e))?;
                    if self.node_ok(node, v, st)? {
                        self.bind(node.slot, Cell::Node(v), st);
                        self.next(i, st, out)?;
                        self.unbind(node.slot, st);
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
                let dir = match (edge.dir, reversed) {
                    (EdgeDir::Out, true) => EdgeDir::In,
                    (EdgeDir::In, true) => EdgeDir::Out,
                    (d, _) => d,
                };
                let target = &pat.nodes[to];
                match edge.quant {
                    None => self.expand_one(i, a, edge, dir, target, st, out),
                    Some(_) if bfs => self.expand_bfs(i, a, edge, dir, target, st, out),
                    Some(_) => self.expand_trails(i, a, edge, dir, target, reversed, st, out),
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

    fn next(&self, i: usize, st: &mut State, out: &mut Vec<Vec<Cell>>) -> Result<(), Diagnostic> {
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
        for (key, expected) in &node.props {
            let actual = Cell::Value(self.g.node_prop(v, key).unwrap_or(Value::Null));
            if equals(&actual, &expected.eval(&cx)?) != Some(true) {
                return Ok(false);
            }
        }
        Ok(true)
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
        if !edge.props.is_empty() {
            let cx = self.ctx(st);
            for (key, expected) in &edge.props {
                let actual = Cell::Value(self.g.edge_prop(e, key).unwrap_or(Value::Null));
                if equals(&actual, &expected.eval(&cx)?) != Some(true) {
                    return Ok(false);
                }
            }
        }
        Ok(true)
    }

    /// The edges of `a` in direction `dir` as `(edge, type, neighbour)`;
    /// a self-loop is listed once for `Either`.
    fn adjacent(
        &self,
        a: NodeId,
        dir: EdgeDir,
    ) -> impl Iterator<Item = (EdgeId, EdgeTypeId, NodeId)> + 'a {
        let g = self.g;
        let outs = matches!(dir, EdgeDir::Out | EdgeDir::Either).then(|| g.out_adj().iter(a));
        let ins = matches!(dir, EdgeDir::In | EdgeDir::Either).then(|| g.in_adj().iter(a));
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

    #[allow(clippy::too_many_arguments)]
    fn expand_one(
        &self,
        i: usize,
        a: NodeId,
        edge: &CEdge,
        dir: EdgeDir,
        target: &CNode,
        st: &mut State,
        out: &mut Vec<Vec<Cell>>,
    ) -> Result<(), Diagnostic> {
        let edge_bound = st.bound[edge.slot];
        let target_bound = st.bound[target.slot];
        for (e, t, n) in self.adjacent(a, dir) {
            self.work.charge(1).map_err(|x| self.interrupt(x))?;
            if (edge_bound && st.row[edge.slot] != Cell::Edge(e)) || st.used.contains(&e) {
                continue;
            }
            if !self.edge_ok(edge, e, t, n, st)? || !self.target_ok(target, n, st)? {
                continue;
            }
            st.used.push(e);
            if !edge_bound {
                self.bind(edge.slot, Cell::Edge(e), st);
            }
            if !target_bound {
                self.bind(target.slot, Cell::Node(n), st);
            }
            self.next(i, st, out)?;
            if !target_bound {
                self.unbind(target.slot, st);
            }
            if !edge_bound {
                self.unbind(edge.slot, st);
            }
            st.used.pop();
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

    /// Reachability by BFS: each end node once, at its fewest hops.
    #[allow(clippy::too_many_arguments)]
    fn expand_bfs(
        &self,
        i: usize,
        a: NodeId,
        edge: &CEdge,
        dir: EdgeDir,
        target: &CNode,
        st: &mut State,
        out: &mut Vec<Vec<Cell>>,
    ) -> Result<(), Diagnostic> {
        let (min, max) = edge.quant.unwrap_or((1, Some(1)));
        let mut ends: Vec<NodeId> = Vec::new();
        if let Some(ctx) = &self.shared[i] {
            let key = format!("{:?}", ctx.iter().map(|s| &st.row[*s]).collect::<Vec<_>>());
            let mut memo = self.memos[i].borrow_mut();
            memo.enter(key, self.g.node_count());
            if !memo.improve(a, 0) {
                return Ok(()); // explored from here already, with as much depth left
            }
            if min == 0 && memo.emit(a) {
                ends.push(a);
            }
            let mut frontier = vec![a];
            let mut depth = 0u32;
            while !frontier.is_empty() && max.is_none_or(|m| depth < m) {
                depth += 1;
                let mut next = Vec::new();
                for &u in &frontier {
                    self.work
                        .charge(self.degree(u, dir) as u64 + 1)
                        .map_err(|x| self.interrupt(x))?;
                    for (e, t, n) in self.adjacent(u, dir) {
                        if !self.edge_ok(edge, e, t, n, st)? {
                            continue;
                        }
                        if memo.emit(n) {
                            ends.push(n);
                        }
                        if memo.improve(n, depth) {
                            next.push(n);
                        }
                    }
                }
                frontier = next;
            }
        } else {
            if min == 0 {
                ends.push(a);
            }
            let mut stamps = self.stamps.borrow_mut();
            stamps.start(self.g.node_count());
            stamps.mark(a);
            let mut frontier = vec![a];
            let mut depth = 0u32;
            let mut start_reached = min == 0;
            while !frontier.is_empty() && max.is_none_or(|m| depth < m) {
                depth += 1;
                let mut next = Vec::new();
                for &u in &frontier {
                    self.work
                        .charge(self.degree(u, dir) as u64 + 1)
                        .map_err(|x| self.interrupt(x))?;
                    for (e, t, n) in self.adjacent(u, dir) {
                        if !self.edge_ok(edge, e, t, n, st)? {
                            continue;
                        }
                        if n == a && !start_reached {
                            start_reached = true;
                            ends.push(a);
                        }
                        if stamps.mark(n) {
                            next.push(n);
                            ends.push(n);
                        }
                    }
                }
                frontier = next;
            }
        }
        let target_bound = st.bound[target.slot];
        self.bind(edge.slot, Cell::List(Vec::new()), st);
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
        self.unbind(edge.slot, st);
        Ok(())
    }

    /// Every trail of `min..=max` edges from `a` (iterative DFS, so deep
    /// trails cannot overflow the stack).
    #[allow(clippy::too_many_arguments)]
    fn expand_trails(
        &self,
        i: usize,
        a: NodeId,
        edge: &CEdge,
        dir: EdgeDir,
        target: &CNode,
        reversed: bool,
        st: &mut State,
        out: &mut Vec<Vec<Cell>>,
    ) -> Result<(), Diagnostic> {
        let (min, max) = edge.quant.unwrap_or((1, Some(1)));
        let target_bound = st.bound[target.slot];
        let edge_bound = st.bound[edge.slot];
        let base_used = st.used.len();
        // Each frame: the node and the list of its candidate steps, with a cursor.
        let mut stack: Vec<(Vec<Step>, usize)> = Vec::new();
        let mut trail: Vec<EdgeId> = Vec::new();
        let emit = |this: &Self,
                    at: NodeId,
                    trail: &[EdgeId],
                    st: &mut State,
                    out: &mut Vec<Vec<Cell>>|
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
            if !edge_bound {
                this.bind(edge.slot, list, st);
            }
            if !target_bound {
                this.bind(target.slot, Cell::Node(at), st);
            }
            this.next(i, st, out)?;
            if !target_bound {
                this.unbind(target.slot, st);
            }
            if !edge_bound {
                this.unbind(edge.slot, st);
            }
            Ok(())
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
