//! Shocks and scenarios (dependency-model.md, *Shocks and loss*, *Cuts*,
//! *Policies*, *Scenarios*): a scenario stores its operations with their
//! node sets resolved, and becomes a [`Shock`] (hits with severities, cut
//! rules) under the view of each statement that uses it.

use super::build::CutRule;
use super::shock::{By, Hits, Placer};
use crate::analysis::{NodeSet, View};
use crate::limits::{Interrupt, Work};
use crate::model::{Flow, Graph, ModelFacts, NodeId, Role, ShockKind};

/// One scenario operation, node sets resolved.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// `remove SET` (severity 1) or `shock SET by F`: hits the closure.
    Shock {
        /// The named nodes.
        nodes: Vec<NodeId>,
        /// The severity in (0, 1].
        severity: f64,
        /// `by` (default territory).
        by: By,
    },
    /// `cut A from B [by ...]`: consumers on A's side lose B's side.
    Cut {
        /// Consumer side's nodes.
        consumer: Vec<NodeId>,
        /// Provider side's nodes.
        provider: Vec<NodeId>,
        /// `by` (default both).
        by: By,
    },
    /// `policy P`: the restriction a policy defines.
    Policy(Vec<NodeId>),
    /// `risk R`: the hits a risk defines.
    Risk(Vec<NodeId>),
}

/// A scenario: the union of its operations.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scenario {
    /// The operations (earlier scenarios' included).
    pub ops: Vec<Op>,
}

/// A shock: hits and cut rules, with notices for the user.
#[derive(Clone, Debug, Default)]
pub struct Shock {
    /// Hit nodes with severities.
    pub hits: Hits,
    /// Cut rules.
    pub cuts: Vec<CutRule>,
    /// Notices (a policy not in force, ...).
    pub notices: Vec<String>,
}

/// Why a node set is not a shock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShockError {
    /// A policy with no destination: a subsidy or strategy.
    NotAShock(NodeId),
    /// `by` given for a risk.
    ByOnRisk(NodeId),
    /// Stopped.
    Interrupt(Interrupt),
}

impl From<Interrupt> for ShockError {
    fn from(i: Interrupt) -> ShockError {
        ShockError::Interrupt(i)
    }
}

impl Shock {
    /// No hits, no cuts.
    pub fn empty(n: usize) -> Shock {
        Shock {
            hits: Hits::new(n),
            ..Shock::default()
        }
    }

    /// Unites another shock (largest severity, all rules).
    pub fn unite(&mut self, other: &Shock) {
        self.hits.unite(&other.hits);
        self.cuts.extend(other.cuts.iter().cloned());
        self.notices.extend(other.notices.iter().cloned());
    }
}

/// Turns statements' shocks into hits and rules under a view.
pub struct Shocker<'a> {
    g: &'a Graph,
    view: &'a View,
    facts: &'a ModelFacts,
    work: &'a Work,
}

impl<'a> Shocker<'a> {
    /// Over `g` under `view`.
    pub fn new(g: &'a Graph, view: &'a View, facts: &'a ModelFacts, work: &'a Work) -> Shocker<'a> {
        Shocker {
            g,
            view,
            facts,
            work,
        }
    }

    /// The side of a node set: T_territory ∪ T_jurisdiction (or one of
    /// them), nodes wholly inside.
    pub fn side(&self, nodes: &[NodeId], by: By) -> Result<NodeSet, Interrupt> {
        let mut hits = Hits::new(self.g.node_count());
        let seeds: Vec<_> = nodes.iter().map(|&n| (n, 1.0, None)).collect();
        Placer::new(self.g, self.view, self.facts).closure(&seeds, by, &mut hits, self.work)?;
        let mut s = NodeSet::new(self.g.node_count());
        for &n in &hits.nodes {
            if hits.wholly_inside(n) {
                s.insert(n);
            }
        }
        Ok(s)
    }

    /// A NODESET written as a shock: risks by their impact edges, policies
    /// as restrictions, any other node by its closure under `by`.
    pub fn nodeset(&self, nodes: &[NodeId], by: Option<By>) -> Result<Shock, ShockError> {
        let mut shock = Shock::empty(self.g.node_count());
        let mut plain = Vec::new();
        let mut placer = Placer::new(self.g, self.view, self.facts);
        for &n in nodes {
            match self.facts.shock(self.g, n) {
                Some(ShockKind::Risk) => {
                    if by.is_some() {
                        return Err(ShockError::ByOnRisk(n));
                    }
                    placer.risk(n, &mut shock.hits, self.work)?;
                }
                Some(ShockKind::Policy) => {
                    let p = self.policy(n)?;
                    shock.unite(&p);
                }
                None => plain.push((n, 1.0, None)),
            }
        }
        placer.closure(&plain, by.unwrap_or_default(), &mut shock.hits, self.work)?;
        Ok(shock)
    }

    /// The restriction policy `p` defines.
    pub fn policy(&self, p: NodeId) -> Result<Shock, ShockError> {
        let g = self.g;
        let mut enactors = Vec::new();
        for (e, t, n) in g.in_adj().iter(p) {
            if g.edge_type_info(t).role == Role::Enactor
                && self.view.node(n)
                && !self.view.edge_hidden(e)
            {
                enactors.push(n);
            }
        }
        let mut dest = Vec::new();
        let mut ever = false;
        let mut import = false;
        let mut targets = Vec::new();
        for (e, t, n) in g.out_adj().iter(p) {
            match g.edge_type_info(t).role {
                Role::Destination => {
                    ever = true;
                    if self.view.node(n) && !self.view.edge_hidden(e) {
                        dest.push(n);
                        import |= self.facts.flow(t) == Flow::Import;
                    }
                }
                Role::Impact if self.view.node(n) && !self.view.edge_hidden(e) => targets.push(n),
                _ => {}
            }
        }
        let worldwide = self.facts.worldwide(g, p);
        if !ever && !worldwide {
            return Err(ShockError::NotAShock(p));
        }
        let mut shock = Shock::empty(g.node_count());
        if dest.is_empty() && !worldwide {
            shock.notices.push(format!(
                "policy {} is not in force here (no visible destination)",
                g.node_name(p)
            ));
            return Ok(shock);
        }
        let enactor_side = self.side(&enactors, By::Both)?;
        let dest_side = if worldwide {
            let mut s = NodeSet::new(g.node_count());
            for n in g.nodes() {
                if !enactor_side.contains(n) {
                    s.insert(n);
                }
            }
            s
        } else {
            self.side(&dest, By::Both)?
        };
        let targets = if targets.is_empty() {
            None
        } else {
            Some(self.side(&targets, By::Both)?)
        };
        let (consumer, provider) = if import {
            (enactor_side, dest_side)
        } else {
            (dest_side, enactor_side)
        };
        let label = if import {
            format!("the enactors of {}", g.node_name(p))
        } else {
            format!("the destinations of {}", g.node_name(p))
        };
        shock.cuts.push(CutRule {
            consumer,
            provider,
            targets,
            label,
        });
        Ok(shock)
    }

    /// The shock a scenario defines here.
    pub fn scenario(&self, s: &Scenario) -> Result<Shock, ShockError> {
        let mut shock = Shock::empty(self.g.node_count());
        let mut placer = Placer::new(self.g, self.view, self.facts);
        for op in &s.ops {
            match op {
                Op::Shock {
                    nodes,
                    severity,
                    by,
                } => {
                    let seeds: Vec<_> = nodes.iter().map(|&n| (n, *severity, None)).collect();
                    placer.closure(&seeds, *by, &mut shock.hits, self.work)?;
                }
                Op::Cut {
                    consumer,
                    provider,
                    by,
                } => {
                    shock.cuts.push(CutRule {
                        consumer: self.side(consumer, *by)?,
                        provider: self.side(provider, *by)?,
                        targets: None,
                        label: names(self.g, consumer),
                    });
                }
                Op::Policy(ps) => {
                    for &p in ps {
                        let x = self.policy(p)?;
                        shock.unite(&x);
                    }
                }
                Op::Risk(rs) => {
                    for &r in rs {
                        placer.risk(r, &mut shock.hits, self.work)?;
                    }
                }
            }
        }
        Ok(shock)
    }
}

/// What a scenario does under a view, for `scenario` and for the
/// statements that do not read shocks (`match`, `path`, `export`): its
/// shock, and a view hiding its severity-1 hits and directly cut arcs.
pub struct ModelView {
    /// The shock.
    pub shock: Shock,
    /// The view with the removed nodes and directly cut arcs hidden.
    pub view: View,
    /// Directly cut arcs with their weights, heaviest first.
    pub cut: Vec<(crate::model::EdgeId, NodeId, NodeId, f64)>,
}

impl ModelView {
    /// Resolves `s` under `base`.
    pub fn of(
        g: &Graph,
        base: &View,
        facts: &ModelFacts,
        s: &Scenario,
        work: &Work,
    ) -> Result<ModelView, ShockError> {
        let shock = Shocker::new(g, base, facts, work).scenario(s)?;
        let mut view = View::full();
        for &n in &shock.hits.nodes {
            if shock.hits.severity(n) >= 1.0 {
                view.hide_node(n);
            }
        }
        let spec = crate::analysis::ArcSpec::new(g, None);
        let mut cut = Vec::new();
        for rule in &shock.cuts {
            for &u in rule.consumer.nodes() {
                let arcs = spec.weighted_arcs(g, base, u);
                work.charge(1 + arcs.len() as u64)?;
                for (e, v, w) in arcs {
                    let targeted = match &rule.targets {
                        None => true,
                        Some(t) => {
                            t.contains(v) || facts.input(g, e).is_some_and(|i| t.contains(i))
                        }
                    };
                    if rule.provider.contains(v) && targeted && view.hide_edge(e) {
                        cut.push((e, u, v, w));
                    }
                }
            }
        }
        cut.sort_by(|a, b| {
            b.3.total_cmp(&a.3)
                .then_with(|| g.node_name(a.1).cmp(g.node_name(b.1)))
                .then_with(|| a.0.cmp(&b.0))
        });
        Ok(ModelView { shock, view, cut })
    }

    /// One line: nodes hit, rules, arcs cut directly.
    pub fn summary(&self, g: &Graph) -> String {
        let hits = &self.shock.hits;
        let full = hits
            .nodes
            .iter()
            .filter(|n| hits.severity(**n) >= 1.0)
            .count();
        let _ = g;
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        format!(
            "{} hit ({full} at severity 1), {}, {} directly",
            plural(hits.nodes.len(), "node", "nodes"),
            plural(self.shock.cuts.len(), "cut rule", "cut rules"),
            plural(self.cut.len(), "arc cut", "arcs cut"),
        )
    }

    /// Further lines: the nodes hit (by severity), the largest cuts, notices.
    pub fn details(&self, g: &Graph) -> Vec<String> {
        let hits = &self.shock.hits;
        let mut out = Vec::new();
        let mut hit: Vec<NodeId> = hits.nodes.clone();
        hit.sort_by(|a, b| {
            hits.severity(*b)
                .total_cmp(&hits.severity(*a))
                .then_with(|| g.node_name(*a).cmp(g.node_name(*b)))
        });
        if !hit.is_empty() {
            let shown: Vec<String> = hit
                .iter()
                .take(10)
                .map(|n| format!("{} {:.2}", g.node_name(*n), hits.severity(*n)))
                .collect();
            let more = hit.len().saturating_sub(10);
            let tail = if more > 0 {
                format!(", and {more} more")
            } else {
                String::new()
            };
            out.push(format!("hit: {}{tail}", shown.join(", ")));
        }
        if !self.cut.is_empty() {
            let shown: Vec<String> = self
                .cut
                .iter()
                .take(5)
                .map(|(_, u, v, w)| format!("{} <- {} {:.2}", g.node_name(*u), g.node_name(*v), w))
                .collect();
            out.push(format!("largest cuts: {}", shown.join(", ")));
        }
        out.extend(self.shock.notices.iter().cloned());
        out
    }
}

impl Scenario {
    /// Its operations in words (`:scenarios`).
    pub fn describe(&self) -> String {
        let words: Vec<String> = self
            .ops
            .iter()
            .map(|op| match op {
                Op::Shock {
                    nodes, severity, ..
                } if *severity >= 1.0 => {
                    format!("remove {} node(s)", nodes.len())
                }
                Op::Shock {
                    nodes, severity, ..
                } => {
                    format!("shock {} node(s) by {severity}", nodes.len())
                }
                Op::Cut { .. } => "a cut rule".to_string(),
                Op::Policy(p) => format!("{} policy(ies)", p.len()),
                Op::Risk(r) => format!("{} risk(s)", r.len()),
            })
            .collect();
        words.join(", ")
    }
}

/// A few nodes' names, for a label ("China", "A, B and 3 more").
fn names(g: &Graph, nodes: &[NodeId]) -> String {
    let shown: Vec<&str> = nodes.iter().take(3).map(|n| g.node_name(*n)).collect();
    match nodes.len().saturating_sub(3) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}
