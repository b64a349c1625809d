//! `path` (spec: *Dependency analysis*): paths between two node sets along
//! edges of any type (or the given types) in their direction, or either
//! direction when undirected.
//!
//! - shortest: the least-cost path (cost = hops, or the sum of the weight
//!   property with `weighted`). By hops, a bidirectional breadth-first
//!   search (`paths/hops.rs`) that returns exactly the label search's path; with
//!   weights, Dijkstra from every source at once; with a hop bound and real
//!   weights, label-setting over (cost, hops) so the answer is the cheapest
//!   path of at most `max` hops.
//! - all: every simple path of at most `max` hops (default 6), by a
//!   depth-first search pruned with each node's hop distance to the targets.
//! - k shortest: Yen's algorithm over the same search, with a virtual source
//!   before the sources and a virtual sink after the targets, so several
//!   sources and targets work.
//!
//! Ties are deterministic: among equally cheap paths, fewer hops first,
//! then the one the search meets first, which prefers lower node ids
//! (load order) at each step and edges in load order. Lists are ordered by
//! cost, hops, then node ids and edge ids along the path. A node in both
//! sets gives the 0-hop path. Weights: the property's number, 1 where it is
//! missing; a negative, NaN or non-numeric weight is an error.

use std::collections::HashSet;
use std::fmt;

use super::labels::LabelSearch;
use super::nodeset::NodeSet;
use super::view::View;
use crate::limits::{Interrupt, Work};
use crate::model::{Adjacency, EdgeId, EdgeTypeId, Graph, NodeId, Path, PropKey, TypeSet, Value};

/// `all` paths' default hop bound.
pub const DEFAULT_ALL_MAX: u32 = 6;

/// Which paths to return.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathMode {
    /// One cheapest path.
    Shortest,
    /// Every simple path of at most `max` hops ([`DEFAULT_ALL_MAX`] when
    /// `max` is not given), cheapest first.
    All,
    /// The k cheapest simple paths (Yen's algorithm).
    K(u32),
}

/// A `path` statement, resolved.
#[derive(Clone, Copy, Debug)]
pub struct PathQuery<'a> {
    /// Start nodes.
    pub from: &'a [NodeId],
    /// End nodes.
    pub to: &'a [NodeId],
    /// Only these edge types (`via`); `None`: every type.
    pub types: Option<&'a [EdgeTypeId]>,
    /// Follow edges either way.
    pub undirected: bool,
    /// The weight property (`weighted by PROP`; the statement's default is
    /// `cost`); `None`: every edge costs 1.
    pub weighted: Option<&'a str>,
    /// The hop bound (`max N`); bounds every mode.
    pub max: Option<u32>,
    /// Which paths.
    pub mode: PathMode,
}

/// A path and its cost (hops, or the sum of weights).
#[derive(Clone, Debug, PartialEq)]
pub struct FoundPath {
    /// The nodes and edges in walk order.
    pub path: Path,
    /// Its cost.
    pub cost: f64,
}

/// Why an analysis stopped.
#[derive(Clone, Debug, PartialEq)]
pub enum AnalysisError {
    /// Out of budget or cancelled.
    Interrupt(Interrupt),
    /// A weighted path met an edge whose weight is negative.
    NegativeWeight {
        /// The edge.
        edge: EdgeId,
        /// The weight property.
        prop: String,
        /// Its value.
        value: f64,
    },
    /// A weighted path met an edge whose weight is not a number.
    BadWeight {
        /// The edge.
        edge: EdgeId,
        /// The weight property.
        prop: String,
        /// Its value, as text.
        value: String,
    },
}

impl From<Interrupt> for AnalysisError {
    fn from(i: Interrupt) -> AnalysisError {
        AnalysisError::Interrupt(i)
    }
}

impl fmt::Display for AnalysisError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnalysisError::Interrupt(i) => i.fmt(f),
            AnalysisError::NegativeWeight { edge, prop, value } => write!(
                f,
                "edge {edge:?} has `{prop}` = {value}; weighted paths need weights of 0 or more"
            ),
            AnalysisError::BadWeight { edge, prop, value } => write!(
                f,
                "edge {edge:?} has `{prop}` = {value}; weighted paths need a number (or no value, which counts as 1)"
            ),
        }
    }
}

impl std::error::Error for AnalysisError {}

impl AnalysisError {
    /// The message with the edge named by its ends and type, for users.
    pub fn describe(&self, g: &Graph) -> String {
        let edge = match self {
            AnalysisError::Interrupt(_) => return self.to_string(),
            AnalysisError::NegativeWeight { edge, .. } | AnalysisError::BadWeight { edge, .. } => {
                *edge
            }
        };
        let (a, b) = g.edge_ends(edge);
        let name = format!(
            "{} -[{}]-> {}",
            g.node_key(a),
            g.edge_type_name(g.edge_type(edge)),
            g.node_key(b)
        );
        self.to_string().replacen(&format!("{edge:?}"), &name, 1)
    }
}

/// How edges are followed and weighed.
struct Walker<'a> {
    g: &'a Graph,
    view: &'a View,
    check: bool,
    types: Option<TypeSet>,
    undirected: bool,
    weight: Option<(&'a str, Option<PropKey>)>,
}

impl<'a> Walker<'a> {
    fn new(g: &'a Graph, view: &'a View, q: &PathQuery<'a>) -> Walker<'a> {
        Walker {
            g,
            view,
            check: !view.is_full(),
            types: q.types.map(|t| t.iter().copied().collect()),
            undirected: q.undirected,
            weight: q.weighted.map(|p| (p, g.prop_key(p))),
        }
    }

    /// The steps out of `u`: `(edge, next node)`, out-edges first, then (when
    /// undirected) in-edges; self-loops never help a simple path.
    fn steps(
        &self,
        u: NodeId,
        f: impl FnMut(EdgeId, NodeId) -> Result<(), AnalysisError>,
    ) -> Result<u64, AnalysisError> {
        self.scan(u, [self.g.out_adj(), self.g.in_adj()], f)
    }

    /// The steps into `u` (the reverse of [`Walker::steps`]): `(edge,
    /// previous node)`, in-edges first, then (when undirected) out-edges,
    /// each in load order.
    fn steps_back(&self, u: NodeId, mut f: impl FnMut(EdgeId, NodeId)) -> u64 {
        let scanned = self.scan(u, [self.g.in_adj(), self.g.out_adj()], |e, n| {
            f(e, n);
            Ok::<(), std::convert::Infallible>(())
        });
        match scanned {
            Ok(scanned) => scanned,
            Err(never) => match never {},
        }
    }

    /// Calls `f` for each usable edge of `u` in `sides[0]` (and, when
    /// undirected, `sides[1]`); the number of edges scanned, plus one.
    fn scan<E>(
        &self,
        u: NodeId,
        sides: [&Adjacency; 2],
        mut f: impl FnMut(EdgeId, NodeId) -> Result<(), E>,
    ) -> Result<u64, E> {
        let mut scanned = 1;
        let sides = if self.undirected {
            &sides[..]
        } else {
            &sides[..1]
        };
        for adj in sides {
            for (e, t, n) in adj.iter(u) {
                scanned += 1;
                if n == u || self.types.as_ref().is_some_and(|s| !s.contains(t)) {
                    continue;
                }
                if self.check && (self.view.edge_hidden(e) || !self.view.node(n)) {
                    continue;
                }
                f(e, n)?;
            }
        }
        Ok(scanned)
    }

    fn weighted(&self) -> bool {
        self.weight.is_some()
    }

    fn weight(&self, e: EdgeId) -> Result<f64, AnalysisError> {
        let Some((prop, Some(key))) = self.weight else {
            return Ok(1.0);
        };
        let bad = |value: String| AnalysisError::BadWeight {
            edge: e,
            prop: prop.to_string(),
            value,
        };
        let w = match self.g.edge_prop_by_key(e, key) {
            None | Some(Value::Null) => return Ok(1.0),
            Some(Value::Int(i)) => i as f64,
            Some(Value::Float(f)) => f,
            Some(other) => return Err(bad(other.to_string())),
        };
        if w.is_nan() {
            return Err(bad(w.to_string()));
        }
        if w < 0.0 {
            return Err(AnalysisError::NegativeWeight {
                edge: e,
                prop: prop.to_string(),
                value: w,
            });
        }
        Ok(w)
    }

    fn cost_of(&self, p: &Path) -> Result<f64, AnalysisError> {
        let mut c = 0.0;
        for &e in &p.edges {
            c += self.weight(e)?;
        }
        Ok(c)
    }
}

/// Paths per the query, under `view`. Hidden nodes and edges do not exist.
pub fn paths(
    g: &Graph,
    view: &View,
    q: &PathQuery,
    work: &Work,
) -> Result<Vec<FoundPath>, AnalysisError> {
    let walker = Walker::new(g, view, q);
    let from = view.visible(q.from);
    if from.is_empty() {
        return Ok(Vec::new());
    }
    if q.mode == PathMode::Shortest && !walker.weighted() {
        // Fewest hops: a bidirectional breadth-first search finds the same
        // path as the label search without expanding a hub's whole fan-out
        // (nor allocating per-node arrays for each statement).
        let to: Vec<NodeId> = q.to.iter().copied().filter(|n| view.node(*n)).collect();
        return Ok(hops::fewest_hops(&walker, &from, &to, q.max, work)?
            .into_iter()
            .collect());
    }
    let to = visible_set(g, view, q.to);
    if to.is_empty() {
        return Ok(Vec::new());
    }
    match q.mode {
        PathMode::Shortest => {
            if walker.weighted() {
                check_reachable_weights(&walker, &from, work)?;
            }
            let mut s = Spur::new(g.node_count(), walker.weighted() && q.max.is_some());
            Ok(s.search(&walker, &from, &to, q.max, work)?
                .into_iter()
                .collect())
        }
        PathMode::All => all(&walker, &from, &to, q.max.unwrap_or(DEFAULT_ALL_MAX), work),
        PathMode::K(k) => yen(&walker, &from, &to, q.max, k as usize, work),
    }
}

/// Reads the weight of every edge reachable from `sources` (charged per
/// edge): a cheapest-path search stops at the target and could miss a
/// negative weight beyond it, returning a wrong answer where `path all`
/// and `path k`, which see every edge, reject the data.
fn check_reachable_weights(
    w: &Walker,
    sources: &[NodeId],
    work: &Work,
) -> Result<(), AnalysisError> {
    let mut seen = NodeSet::new(w.g.node_count());
    let mut stack: Vec<NodeId> = Vec::new();
    for &s in sources {
        if seen.insert(s) {
            stack.push(s);
        }
    }
    while let Some(u) = stack.pop() {
        let scanned = w.steps(u, |e, n| {
            w.weight(e)?;
            if seen.insert(n) {
                stack.push(n);
            }
            Ok(())
        })?;
        work.charge(scanned)?;
    }
    Ok(())
}

/// One cheapest-path search with Yen's bans.
struct Spur {
    search: LabelSearch,
    banned: Vec<bool>,
    banned_edges: Vec<EdgeId>,
    banned_end: Option<NodeId>,
}

impl Spur {
    fn new(n: usize, bounded: bool) -> Spur {
        Spur {
            search: LabelSearch::new(n, bounded),
            banned: vec![false; n],
            banned_edges: Vec::new(),
            banned_end: None,
        }
    }

    /// The cheapest path from any of `sources` to a node of `to` with at
    /// most `max` hops, avoiding the bans.
    fn search(
        &mut self,
        w: &Walker,
        sources: &[NodeId],
        to: &NodeSet,
        max: Option<u32>,
        work: &Work,
    ) -> Result<Option<FoundPath>, AnalysisError> {
        let s = &mut self.search;
        s.clear();
        work.charge(1 + sources.len() as u64)?;
        for &src in sources {
            if !self.banned[src.index()] {
                s.offer(src, 0.0, 0, None, None);
            }
        }
        while let Some(i) = s.pop() {
            let label = *s.label(i);
            if to.contains(label.node) && Some(label.node) != self.banned_end {
                return Ok(Some(FoundPath {
                    path: s.walk_from_root(i),
                    cost: label.cost,
                }));
            }
            if max.is_some_and(|m| label.hops >= m) {
                continue;
            }
            let (banned, banned_edges) = (&self.banned, &self.banned_edges);
            let scanned = w.steps(label.node, |e, y| {
                if !banned[y.index()] && banned_edges.binary_search(&e).is_err() {
                    let c = w.weight(e)?;
                    s.relax(i, e, y, c);
                }
                Ok(())
            })?;
            work.charge(scanned)?;
        }
        Ok(None)
    }
}

fn order(a: &FoundPath, b: &FoundPath) -> std::cmp::Ordering {
    a.cost
        .total_cmp(&b.cost)
        .then(a.path.len().cmp(&b.path.len()))
        .then_with(|| a.path.cmp(&b.path))
}

/// Every simple path of at most `max` hops from a source to a target.
fn all(
    w: &Walker,
    from: &[NodeId],
    to: &NodeSet,
    max: u32,
    work: &Work,
) -> Result<Vec<FoundPath>, AnalysisError> {
    // Hops from each node to the nearest target, up to `max`: the pruning.
    let n = w.g.node_count();
    let mut to_go = vec![u32::MAX; n];
    let mut frontier: Vec<NodeId> = to.nodes().to_vec();
    for &t in &frontier {
        to_go[t.index()] = 0;
    }
    for d in 1..=max {
        // A huge `max` must not spin once every node is placed.
        if frontier.is_empty() {
            break;
        }
        let mut next = Vec::new();
        for &u in &frontier {
            let scanned = w.steps_back(u, |_, p| {
                if to_go[p.index()] == u32::MAX {
                    to_go[p.index()] = d;
                    next.push(p);
                }
            });
            work.charge(scanned)?;
        }
        frontier = next;
    }
    let mut found = Vec::new();
    let mut on_path = vec![false; n];
    for &s in from {
        if to_go[s.index()] > max {
            continue;
        }
        // Explicit stack: (node, its steps, next step to try).
        let mut path = Path::single(s);
        let mut costs = vec![0.0];
        on_path[s.index()] = true;
        let mut stack: Vec<(Vec<(EdgeId, NodeId)>, usize)> = Vec::new();
        let enter = |u: NodeId,
                     path: &Path,
                     cost: f64,
                     found: &mut Vec<FoundPath>|
         -> Result<Vec<(EdgeId, NodeId)>, AnalysisError> {
            if to.contains(u) {
                // Keeping a path costs its length (memory, not just time).
                work.charge(1 + path.len() as u64)?;
                found.push(FoundPath {
                    path: path.clone(),
                    cost,
                });
            }
            let mut steps = Vec::new();
            if (path.len() as u32) < max {
                let scanned = w.steps(u, |e, y| {
                    steps.push((e, y));
                    Ok(())
                })?;
                work.charge(scanned)?;
            }
            Ok(steps)
        };
        let first = enter(s, &path, 0.0, &mut found)?;
        stack.push((first, 0));
        while let Some((steps, next)) = stack.last_mut() {
            let depth = path.len() as u32;
            let Some(&(e, y)) = steps.get(*next) else {
                stack.pop();
                if let Some(u) = path.nodes.pop() {
                    on_path[u.index()] = false;
                }
                path.edges.pop();
                costs.pop();
                continue;
            };
            *next += 1;
            if on_path[y.index()]
                || to_go[y.index()] == u32::MAX
                || depth + 1 + to_go[y.index()] > max
            {
                continue;
            }
            let cost = costs[costs.len() - 1] + w.weight(e)?;
            path.push(e, y);
            costs.push(cost);
            on_path[y.index()] = true;
            let steps = enter(y, &path, cost, &mut found)?;
            stack.push((steps, 0));
        }
    }
    found.sort_by(order);
    Ok(found)
}

/// Yen's k shortest simple paths.
fn yen(
    w: &Walker,
    from: &[NodeId],
    to: &NodeSet,
    max: Option<u32>,
    k: usize,
    work: &Work,
) -> Result<Vec<FoundPath>, AnalysisError> {
    if k == 0 {
        return Ok(Vec::new());
    }
    let mut spur = Spur::new(w.g.node_count(), w.weighted() && max.is_some());
    let Some(first) = spur.search(w, from, to, max, work)? else {
        return Ok(Vec::new());
    };
    let mut seen: HashSet<Path> = HashSet::from([first.path.clone()]);
    let mut started: HashSet<NodeId> = HashSet::from([first.path.nodes[0]]);
    let mut a = vec![first];
    let mut b: Vec<FoundPath> = Vec::new();
    while a.len() < k {
        let prev = a[a.len() - 1].path.clone();
        // The virtual source's spur: start anywhere no chosen path starts.
        work.charge(1 + from.len() as u64)?;
        let starts: Vec<NodeId> = from
            .iter()
            .copied()
            .filter(|s| !started.contains(s))
            .collect();
        if let Some(p) = spur.search(w, &starts, to, max, work)?
            && seen.insert(p.path.clone())
        {
            b.push(p);
        }
        for i in 0..prev.nodes.len() {
            let node = prev.nodes[i];
            let (root_nodes, root_edges) = (&prev.nodes[..=i], &prev.edges[..i]);
            let shares_root = |p: &Path| {
                p.nodes.len() > i && &p.nodes[..=i] == root_nodes && &p.edges[..i] == root_edges
            };
            spur.banned_edges = a
                .iter()
                .filter(|p| shares_root(&p.path))
                .filter_map(|p| p.path.edges.get(i).copied())
                .collect();
            // Sorted for the search's binary lookups; finding them cost a
            // pass over the paths chosen so far.
            spur.banned_edges.sort_unstable();
            work.charge(1 + (a.len() + i) as u64)?;
            spur.banned_end = a
                .iter()
                .any(|p| p.path.nodes.len() == i + 1 && shares_root(&p.path))
                .then_some(node);
            for r in &root_nodes[..i] {
                spur.banned[r.index()] = true;
            }
            let found = spur.search(
                w,
                &[node],
                to,
                max.map(|m| m.saturating_sub(i as u32)),
                work,
            );
            for r in &root_nodes[..i] {
                spur.banned[r.index()] = false;
            }
            if let Some(tail) = found? {
                let mut path = Path {
                    nodes: root_nodes[..i].to_vec(),
                    edges: root_edges.to_vec(),
                };
                path.nodes.extend(tail.path.nodes);
                path.edges.extend(tail.path.edges);
                if seen.insert(path.clone()) {
                    let cost = w.cost_of(&path)?;
                    b.push(FoundPath { path, cost });
                }
            }
        }
        spur.banned_edges.clear();
        spur.banned_end = None;
        let Some(best) = (0..b.len()).min_by(|&x, &y| order(&b[x], &b[y])) else {
            break;
        };
        // Picking the best candidate scanned them all.
        work.charge(1 + b.len() as u64)?;
        let chosen = b.swap_remove(best);
        started.insert(chosen.path.nodes[0]);
        a.push(chosen);
    }
    Ok(a)
}

/// The label search's shortest path whatever the weighting: the reference
/// the fewest-hops search is tested against.
#[cfg(test)]
fn shortest_by_labels(
    w: &Walker,
    q: &PathQuery,
    work: &Work,
) -> Result<Option<FoundPath>, AnalysisError> {
    let from = w.view.visible(q.from);
    let to = visible_set(w.g, w.view, q.to);
    if from.is_empty() || to.is_empty() {
        return Ok(None);
    }
    let mut s = Spur::new(w.g.node_count(), w.weighted() && q.max.is_some());
    s.search(w, &from, &to, q.max, work)
}

/// The visible nodes of `nodes`, as a set.
fn visible_set(g: &Graph, view: &View, nodes: &[NodeId]) -> NodeSet {
    let mut set = NodeSet::new(g.node_count());
    for &n in nodes {
        if view.node(n) {
            set.insert(n);
        }
    }
    set
}

mod hops;
#[cfg(test)]
mod tests;
