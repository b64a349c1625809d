//! Hits of a shock (dependency-model.md, *Places*, *Shocks and loss*):
//! closures by territory (severity spreading down memberships, partial with
//! `share`, falling back to jurisdiction for nodes not placed by
//! territory) and by jurisdiction (control by a majority of shares), risks
//! through their impact edges, and the membership chain that explains why
//! a node is hit.

use crate::analysis::View;
use crate::limits::{Interrupt, Work};
use crate::model::{EdgeId, Graph, ModelFacts, NodeId, Role, Scope};

/// A closure's seed: a node, its severity, and the edge that explains it
/// (a risk's impact edge and the risk).
pub type Seed = (NodeId, f64, Option<(EdgeId, NodeId)>);

/// Which placement a closure follows (`by territory|jurisdiction`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum By {
    /// Where production happens (the default for a node set).
    #[default]
    Territory,
    /// Who controls it.
    Jurisdiction,
    /// Both, united (sides of cuts by default).
    Both,
}

/// The longest membership chain followed when checking a new link for a
/// loop (see [`Hits::raise`]).
const MAX_CHAIN: usize = 256;

/// The hit nodes of a shock with their severities, and per hit node the
/// edge that brought it in (towards the node the shock named).
#[derive(Clone, Debug, Default)]
pub struct Hits {
    sev: Vec<f64>,
    frac: Vec<f64>,
    /// Hit nodes in the order they were reached.
    pub nodes: Vec<NodeId>,
    tail: crate::hash::FxMap<NodeId, (EdgeId, NodeId)>,
}

impl Hits {
    /// No hits, over a graph of `n` nodes.
    pub fn new(n: usize) -> Hits {
        Hits {
            sev: vec![0.0; n],
            frac: vec![0.0; n],
            ..Hits::default()
        }
    }

    /// The severity of `u` (0: not hit).
    #[inline]
    pub fn severity(&self, u: NodeId) -> f64 {
        self.sev.get(u.index()).copied().unwrap_or(0.0)
    }

    /// Whether `u` is wholly inside a hit closure (`excluding members`).
    pub fn wholly_inside(&self, u: NodeId) -> bool {
        self.frac.get(u.index()).is_some_and(|f| *f >= 1.0 - 1e-12)
    }

    /// Whether every hit has severity 1 (then hits absorb: v1's target set).
    pub fn all_full(&self) -> bool {
        self.nodes.iter().all(|n| self.severity(*n) >= 1.0)
    }

    /// Raises `u`'s severity (and membership fraction) to at least these;
    /// returns whether anything grew.
    fn raise(&mut self, u: NodeId, s: f64, frac: f64, via: Option<(EdgeId, NodeId)>) -> bool {
        let i = u.index();
        let grew = s > self.sev[i] + 1e-15;
        if self.sev[i] == 0.0 && s > 0.0 {
            self.nodes.push(u);
        }
        if grew {
            self.sev[i] = s.min(1.0);
            match via {
                // A link whose chain comes back to `u` would make the
                // explaining path a loop that never reaches the shock:
                // keep the link `u` had (its chain is acyclic).
                Some(t) if self.chain_reaches(t.1, u) => {}
                Some(t) => {
                    self.tail.insert(u, t);
                }
                None => {
                    self.tail.remove(&u);
                }
            }
        }
        let fgrew = frac > self.frac[i] + 1e-15;
        if fgrew {
            self.frac[i] = frac.min(1.0);
        }
        grew || fgrew
    }

    /// Whether the chain from `from` passes through `u` (or is too long to
    /// tell: [`MAX_CHAIN`] links, far beyond any real membership nesting).
    fn chain_reaches(&self, from: NodeId, u: NodeId) -> bool {
        let mut at = from;
        for _ in 0..MAX_CHAIN {
            if at == u {
                return true;
            }
            match self.tail.get(&at) {
                Some(&(_, next)) => at = next,
                None => return false,
            }
        }
        true
    }

    /// Hits `v` alone with severity 1 (no closure: a chokepoint candidate).
    pub fn hit_alone(&mut self, v: NodeId) {
        self.raise(v, 1.0, 1.0, None);
    }

    /// Unites another shock's hits (largest severity per node).
    pub fn unite(&mut self, other: &Hits) {
        for &n in &other.nodes {
            let t = other.tail.get(&n).copied();
            self.raise(n, other.severity(n), other.frac[n.index()], t);
        }
    }

    /// The chain from hit node `u` to the node the shock named: `(edge,
    /// next node)` hops (memberships, then a risk's impact edge).
    pub fn tail(&self, u: NodeId) -> Vec<(EdgeId, NodeId)> {
        let mut out = Vec::new();
        let mut at = u;
        while let Some(&(e, next)) = self.tail.get(&at) {
            if out.len() > self.nodes.len() {
                break;
            }
            out.push((e, next));
            at = next;
        }
        out
    }

    /// Appends `u`'s chain (see [`Hits::tail`]) to a path ending at `u`,
    /// without an allocation when the chain is empty.
    pub fn extend_path(&self, p: &mut crate::model::Path) {
        let Some(&last) = p.nodes.last() else {
            return;
        };
        let mut at = last;
        let mut steps = 0;
        while let Some(&(e, next)) = self.tail.get(&at) {
            steps += 1;
            if steps > self.nodes.len() {
                break;
            }
            p.push(e, next);
            at = next;
        }
    }

    /// Every node with severity 1, as a set (the v1 target set).
    pub fn full_set(&self, n: usize) -> crate::analysis::NodeSet {
        let mut t = crate::analysis::NodeSet::new(n);
        for &u in &self.nodes {
            if self.severity(u) >= 1.0 {
                t.insert(u);
            }
        }
        t
    }
}

/// Membership edges out of `u` (visible), as `(edge, to, share, scope)`.
fn memberships(
    g: &Graph,
    view: &View,
    facts: &ModelFacts,
    u: NodeId,
) -> Vec<(EdgeId, NodeId, Option<f64>, Scope)> {
    let mut out = Vec::new();
    for (e, t, v) in g.out_adj().iter(u) {
        // A node listed as a member of itself says nothing about where it is.
        if g.edge_type_info(t).role == Role::Membership
            && v != u
            && view.node(v)
            && !view.edge_hidden(e)
        {
            out.push((
                e,
                v,
                g.edge_share(e).filter(|s| s.is_finite() && *s > 0.0),
                facts.scope(t),
            ));
        }
    }
    out
}

fn territorial(s: Scope) -> bool {
    matches!(s, Scope::Territory | Scope::Both)
}

fn jurisdictional(s: Scope) -> bool {
    matches!(s, Scope::Jurisdiction | Scope::Both)
}

/// Places and closures over one graph and view.
pub struct Placer<'a> {
    g: &'a Graph,
    view: &'a View,
    facts: &'a ModelFacts,
    placed: Vec<u8>,
}

impl<'a> Placer<'a> {
    /// A placer over `g` under `view`.
    pub fn new(g: &'a Graph, view: &'a View, facts: &'a ModelFacts) -> Placer<'a> {
        Placer {
            g,
            view,
            facts,
            placed: vec![0; g.node_count()],
        }
    }

    /// Whether `u` is placed by territory: a territory membership path
    /// leads from it to a polity node.
    fn placed_by_territory(&mut self, u: NodeId, depth: u32) -> bool {
        match self.placed[u.index()] {
            1 => return true,
            2 | 3 => return false,
            _ => {}
        }
        if depth > 64 {
            return false;
        }
        self.placed[u.index()] = 3;
        let mut yes = false;
        for (_, v, _, s) in memberships(self.g, self.view, self.facts, u) {
            if territorial(s)
                && (self.facts.polity(self.g, v) || self.placed_by_territory(v, depth + 1))
            {
                yes = true;
                break;
            }
        }
        self.placed[u.index()] = if yes { 1 } else { 2 };
        yes
    }

    /// `u`'s memberships that count for territory: its territory ones, and
    /// when it is not placed by territory its jurisdiction edges straight
    /// into polity nodes (headquarters), or without those all of them.
    fn territory_edges(&mut self, u: NodeId) -> Vec<(EdgeId, NodeId, Option<f64>)> {
        let all = memberships(self.g, self.view, self.facts, u);
        let mut out: Vec<_> = all
            .iter()
            .filter(|m| territorial(m.3))
            .map(|m| (m.0, m.1, m.2))
            .collect();
        if !self.placed_by_territory(u, 0) {
            let juris: Vec<_> = all.iter().filter(|m| m.3 == Scope::Jurisdiction).collect();
            let to_polity: Vec<_> = juris
                .iter()
                .filter(|m| self.facts.polity(self.g, m.1))
                .collect();
            let pick: Vec<_> = if to_polity.is_empty() {
                juris.iter().collect()
            } else {
                to_polity
            };
            out.extend(pick.iter().map(|m| (m.0, m.1, m.2)));
        }
        out
    }

    /// Spreads severities `seeds` down territory memberships into `hits`.
    pub fn territory(
        &mut self,
        seeds: &[Seed],
        hits: &mut Hits,
        work: &Work,
    ) -> Result<(), Interrupt> {
        let mut s0: crate::hash::FxMap<NodeId, f64> = Default::default();
        let mut queue = std::collections::VecDeque::new();
        for &(y, s, via) in seeds {
            if !self.view.node(y) {
                continue;
            }
            let e = s0.entry(y).or_insert(0.0);
            *e = e.max(s);
            hits.raise(y, s, 1.0, via);
            queue.push_back(y);
        }
        let mut steps = 0usize;
        while let Some(x) = queue.pop_front() {
            steps += 1;
            if steps > 64 * (self.g.node_count() + 16) {
                break;
            }
            work.charge(1 + self.g.in_adj().degree(x) as u64)?;
            let members: Vec<NodeId> = self
                .g
                .in_adj()
                .iter(x)
                .filter(|(e, t, u)| {
                    self.g.edge_type_info(*t).role == Role::Membership
                        && *u != x
                        && self.view.node(*u)
                        && !self.view.edge_hidden(*e)
                })
                .map(|(_, _, u)| u)
                .collect();
            for u in members {
                let edges = self.territory_edges(u);
                let (mut s, mut f, mut via) = (s0.get(&u).copied().unwrap_or(0.0), 0.0f64, None);
                if s > 0.0 {
                    f = 1.0;
                }
                let total: f64 = edges.iter().filter_map(|m| m.2).sum();
                let scale = if total > 1.0 { 1.0 / total } else { 1.0 };
                let (mut shared, mut shared_f) = (0.0, 0.0);
                let mut best_shared: Option<(f64, (EdgeId, NodeId))> = None;
                for &(e, v, share) in &edges {
                    let (sv, fv) = (hits.severity(v), hits.frac[v.index()]);
                    match share {
                        None => {
                            if sv > s {
                                s = sv;
                                via = Some((e, v));
                            }
                            f = f.max(fv);
                        }
                        Some(sh) => {
                            let w = sh * scale;
                            shared += w * sv;
                            shared_f += w * fv;
                            if w * sv > 0.0 && best_shared.is_none_or(|b| w * sv > b.0) {
                                best_shared = Some((w * sv, (e, v)));
                            }
                        }
                    }
                }
                if shared > s {
                    s = shared;
                    via = best_shared.map(|b| b.1);
                }
                f = f.max(shared_f);
                if s > 0.0 && hits.raise(u, s, f, via) {
                    queue.push_back(u);
                }
            }
        }
        Ok(())
    }

    /// Adds the jurisdiction closure of `seeds` (control by shares summing
    /// to at least 0.5) to `hits`, each with severity `sev`.
    pub fn jurisdiction(
        &mut self,
        seeds: &[Seed],
        hits: &mut Hits,
        work: &Work,
    ) -> Result<(), Interrupt> {
        let mut inside = crate::analysis::NodeSet::new(self.g.node_count());
        let mut sev: crate::hash::FxMap<NodeId, f64> = Default::default();
        for &(y, s, via) in seeds {
            if self.view.node(y) {
                inside.insert(y);
                let e = sev.entry(y).or_insert(0.0);
                *e = e.max(s);
                hits.raise(y, s, 1.0, via);
            }
        }
        let mut i = 0;
        while let Some(&x) = inside.nodes().get(i) {
            i += 1;
            work.charge(1 + self.g.in_adj().degree(x) as u64)?;
            let sx = sev.get(&x).copied().unwrap_or(0.0);
            let members: Vec<(EdgeId, NodeId)> = self
                .g
                .in_adj()
                .iter(x)
                .filter(|(e, t, u)| {
                    self.g.edge_type_info(*t).role == Role::Membership
                        && jurisdictional(self.facts.scope(*t))
                        && self.view.node(*u)
                        && !self.view.edge_hidden(*e)
                })
                .map(|(e, _, u)| (e, u))
                .collect();
            for (e, u) in members {
                if inside.contains(u) {
                    continue;
                }
                let control: f64 = memberships(self.g, self.view, self.facts, u)
                    .iter()
                    .filter(|m| jurisdictional(m.3) && inside.contains(m.1))
                    .map(|m| m.2.unwrap_or(1.0))
                    .sum();
                if control >= 0.5 {
                    inside.insert(u);
                    sev.insert(u, sx);
                    hits.raise(u, sx, 1.0, Some((e, x)));
                }
            }
        }
        Ok(())
    }

    /// The closure of `seeds` under `by`.
    pub fn closure(
        &mut self,
        seeds: &[Seed],
        by: By,
        hits: &mut Hits,
        work: &Work,
    ) -> Result<(), Interrupt> {
        match by {
            By::Territory => self.territory(seeds, hits, work),
            By::Jurisdiction => self.jurisdiction(seeds, hits, work),
            By::Both => {
                self.territory(seeds, hits, work)?;
                self.jurisdiction(seeds, hits, work)
            }
        }
    }

    /// A risk's hits: each visible impact edge hits its target's closure
    /// by the impact type's scope, with the edge's severity (default 1).
    pub fn risk(&mut self, risk: NodeId, hits: &mut Hits, work: &Work) -> Result<(), Interrupt> {
        let impacts: Vec<(EdgeId, NodeId, Scope)> = self
            .g
            .out_adj()
            .iter(risk)
            .filter(|(e, t, v)| {
                self.g.edge_type_info(*t).role == Role::Impact
                    && self.view.node(*v)
                    && !self.view.edge_hidden(*e)
            })
            .map(|(e, t, v)| (e, v, self.facts.scope(t)))
            .collect();
        for (e, v, scope) in impacts {
            let s = self
                .facts
                .severity(self.g, e)
                .unwrap_or(1.0)
                .clamp(0.0, 1.0);
            let by = match scope {
                Scope::Territory => By::Territory,
                Scope::Jurisdiction => By::Jurisdiction,
                Scope::Both => By::Both,
            };
            self.closure(&[(v, s, Some((e, risk)))], by, hits, work)?;
        }
        Ok(())
    }

    /// Whether `u` is free: placed in no polity by either scope.
    pub fn is_free(&self, u: NodeId) -> bool {
        !self.facts.polity(self.g, u)
            && !self.placed_by(u, territorial, 0)
            && !self.placed_by(u, jurisdictional, 0)
    }

    fn placed_by(&self, u: NodeId, scope: fn(Scope) -> bool, depth: u32) -> bool {
        if depth > 32 {
            return false;
        }
        memberships(self.g, self.view, self.facts, u)
            .iter()
            .any(|m| {
                scope(m.3)
                    && (self.facts.polity(self.g, m.1) || self.placed_by(m.1, scope, depth + 1))
            })
    }
}
