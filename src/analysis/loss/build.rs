//! Builds the dependency model's `F` (dependency-model.md) as a
//! [`System`]: one variable per node reached from the rows along visible
//! arcs (per cut context for free nodes), one per virtual node r° (r
//! without its general sources) where an `input` sourcing reads it.
//!
//! A node's choices: its severity (a hit); its general sources' weighted
//! sum; per requirement r, `essential · loss(r)`, or with `input` sourcing
//! of r the two choices `essential · R(r)` and `essential · Σ w·loss(v)`
//! over those sources (the maximum distributes over the sum's max). For
//! `unknown` the hits and cuts are dropped and the silent parts become
//! constants.

use super::shock::Hits;
use super::system::{End, System};
use crate::analysis::{ArcSpec, NodeSet, View};
use crate::hash::FxMap;
use crate::limits::{Interrupt, Work};
use crate::model::{EdgeId, Graph, Mode, ModelFacts, NeedsSupply, NodeId};

/// A cut rule (dependency-model.md, *Cuts*, *Policies*): in a context that
/// holds the consumer side, arcs into the provider side are cut
/// (a policy's: only for targeted items).
#[derive(Clone, Debug)]
pub struct CutRule {
    /// Consumers on this side lose supply.
    pub consumer: NodeSet,
    /// From providers on this side.
    pub provider: NodeSet,
    /// A policy's targeted items G* (`None`: every item).
    pub targets: Option<NodeSet>,
    /// Who the consumer side is, in words (`scenario` prints contexts
    /// with it).
    pub label: String,
}

/// What to build.
pub(crate) struct Build<'a> {
    pub g: &'a Graph,
    pub view: &'a View,
    pub facts: &'a ModelFacts,
    pub spec: &'a ArcSpec,
    /// `by share`: every arc a source in one group, `input` ignored.
    pub by_share: bool,
    /// The hits (`None`: the unknown system: silent parts, no hits).
    pub hits: Option<&'a Hits>,
    pub cuts: &'a [CutRule],
    /// Whether each node is free (for cut contexts); only read with cuts.
    pub free: &'a dyn Fn(NodeId) -> bool,
    /// Under `with NAME substituting:`, the view before the substituting
    /// scenarios (`view` is the one after): a source group that lost arcs
    /// weighs its survivors up, in proportion, to its former weight.
    pub substituted_from: Option<&'a View>,
}

/// A context: the rules whose consumer side holds the consumer (low 32
/// bits), and the policy rules whose target a free node on the chain was
/// (high 32 bits).
type Ctx = u64;

/// A variable's key: its node, whether it is virtual (a requirement
/// group's), its context.
type Key = (NodeId, bool, Ctx);

/// Where each variable is. A node's own variable in the empty context (all
/// of them when nothing is cut) sits in a table by node index: the build
/// looks one up per arc, millions of times on a large graph, and a table
/// read is a fraction of a hash probe. The others are in a map.
struct Vars {
    plain: Vec<u32>,
    other: FxMap<Key, u32>,
}

/// No variable in `Vars::plain`.
const NO_VAR: u32 = u32::MAX;

impl Vars {
    fn new(nodes: usize) -> Vars {
        Vars {
            plain: vec![NO_VAR; nodes],
            other: FxMap::default(),
        }
    }

    fn plain_slot(&self, key: Key) -> Option<usize> {
        let (n, virt, c) = key;
        (!virt && c == 0 && n.index() < self.plain.len()).then_some(n.index())
    }

    fn get(&self, key: Key) -> Option<u32> {
        match self.plain_slot(key) {
            Some(i) => Some(self.plain[i]).filter(|v| *v != NO_VAR),
            None => self.other.get(&key).copied(),
        }
    }

    /// The variable of `key`, made by `make` when there is none yet.
    fn get_or_make(&mut self, key: Key, make: impl FnOnce() -> u32) -> u32 {
        match self.plain_slot(key) {
            Some(i) => {
                if self.plain[i] == NO_VAR {
                    self.plain[i] = make();
                }
                self.plain[i]
            }
            None => *self.other.entry(key).or_insert_with(make),
        }
    }

    /// Every variable with its key, table first.
    fn iter(&self) -> impl Iterator<Item = (Key, u32)> + '_ {
        let plain = self
            .plain
            .iter()
            .enumerate()
            .filter(|(_, v)| **v != NO_VAR)
            .map(|(i, v)| ((NodeId::from_index(i), false, 0), *v));
        plain.chain(self.other.iter().map(|(k, v)| (*k, *v)))
    }
}

/// A built system and where its variables are.
pub(crate) struct Built {
    pub sys: System,
    vars: Vars,
    /// Providers of `input` arcs whose requirement was not visible (ignored).
    pub ignored_inputs: usize,
}

impl Built {
    /// The variable of row node `n` (its own context; a free row in ∅).
    pub fn row(&self, n: NodeId, ctx: Ctx) -> Option<u32> {
        self.vars.get((n, false, ctx))
    }

    /// Node `n`'s variables in the empty context: its own and its virtual
    /// one r° (where an `input` sourcing reads it).
    pub fn vars_of(&self, n: NodeId) -> impl Iterator<Item = u32> + '_ {
        [false, true]
            .into_iter()
            .filter_map(move |virt| self.vars.get((n, virt, 0)))
    }

    /// Every node's variables, with their contexts (virtual ones aside).
    pub fn contexts(&self) -> impl Iterator<Item = (NodeId, Ctx, u32)> + '_ {
        self.vars
            .iter()
            .filter(|(k, _)| !k.1)
            .map(|(k, v)| (k.0, k.2, v))
    }
}

struct Arc {
    e: EdgeId,
    v: NodeId,
    share: Option<f64>,
    /// Gone in a substituting scenario (weighed, then left out).
    lost: bool,
}

impl Build<'_> {
    fn home_ctx(&self, u: NodeId) -> Ctx {
        let mut c = 0;
        for (k, r) in self.cuts.iter().enumerate().take(32) {
            if r.consumer.contains(u) {
                c |= 1 << k;
            }
        }
        c
    }

    /// The context a row node is evaluated in.
    pub fn row_ctx(&self, n: NodeId) -> Ctx {
        if self.cuts.is_empty() || (self.free)(n) {
            0
        } else {
            self.home_ctx(n)
        }
    }

    /// The context provider `v` is evaluated in, reached in `c`.
    fn enter(&self, v: NodeId, c: Ctx) -> Ctx {
        if self.cuts.is_empty() {
            return 0;
        }
        if !(self.free)(v) {
            return self.home_ctx(v);
        }
        let mut c = c;
        for (k, r) in self.cuts.iter().enumerate().take(32) {
            if c & (1 << k) != 0 && r.targets.as_ref().is_some_and(|t| t.contains(v)) {
                c |= 1 << (32 + k);
            }
        }
        c
    }

    /// Whether arc u → v (serving `input`) is cut in context `c`.
    fn cut(&self, u: NodeId, v: NodeId, input: Option<NodeId>, c: Ctx) -> bool {
        if c == 0 || self.hits.is_none() {
            return false;
        }
        self.cuts.iter().enumerate().take(32).any(|(k, r)| {
            c & (1 << k) != 0
                && r.provider.contains(v)
                && match &r.targets {
                    None => true,
                    Some(t) => {
                        input.is_some_and(|i| t.contains(i))
                            || t.contains(v)
                            || ((self.free)(u) && (t.contains(u) || c & (1 << (32 + k)) != 0))
                    }
                }
        })
    }

    /// Builds the system reachable from `rows`.
    pub fn build(&self, rows: &[NodeId], work: &Work) -> Result<Built, Interrupt> {
        let mut b = Built {
            sys: System::default(),
            vars: Vars::new(self.g.node_count()),
            ignored_inputs: 0,
        };
        let mut keys: Vec<Key> = Vec::new();
        let mut var = |b: &mut Built, keys: &mut Vec<Key>, key: Key| {
            let Built { sys, vars, .. } = b;
            vars.get_or_make(key, || {
                keys.push(key);
                sys.push_var(key.0)
            })
        };
        for &n in rows {
            if self.view.node(n) {
                let c = self.row_ctx(n);
                var(&mut b, &mut keys, (n, false, c));
            }
        }
        let mut i = 0;
        while i < keys.len() {
            let (u, virt, c) = keys[i];
            i += 1;
            b.sys.begin();
            let s = self.hits.map_or(0.0, |h| h.severity(u));
            if s >= 1.0 {
                b.sys.choice(1.0, End::Hit(1.0));
                continue;
            }
            if s > 0.0 {
                b.sys.choice(s, End::Hit(s));
            }
            // Classify u's arcs.
            let mut general: Vec<Arc> = Vec::new();
            let mut reqs: Vec<(EdgeId, NodeId, f64)> = Vec::new();
            let mut inputs: Vec<(NodeId, Arc)> = Vec::new();
            let mut followed = 1u64;
            // Under substitution the arcs of the view before it, those the
            // substituting scenarios took marked lost.
            let seen = self.substituted_from.unwrap_or(self.view);
            for (e, v) in self.spec.arcs(self.g, seen, u) {
                followed += 1;
                let share = self.g.edge_share(e).filter(|s| s.is_finite() && *s >= 0.0);
                let lost = self.substituted_from.is_some() && !self.view.edge(self.g, e);
                if self.by_share {
                    general.push(Arc { e, v, share, lost });
                    continue;
                }
                match self.facts.mode(self.g, e) {
                    // A lost requirement stays lost (never substituted).
                    Mode::Requirement if lost => {}
                    Mode::Requirement => reqs.push((e, v, self.facts.essential(self.g, e))),
                    Mode::Source => match self.facts.input(self.g, e) {
                        Some(r) => inputs.push((r, Arc { e, v, share, lost })),
                        None => general.push(Arc { e, v, share, lost }),
                    },
                }
            }
            work.charge(followed)?;
            let alive = |a: &Arc| !a.lost;
            let any_arc =
                general.iter().any(alive) || !reqs.is_empty() || inputs.iter().any(|i| alive(&i.1));
            let unknown = self.hits.is_none();
            if !virt {
                if !general.iter().any(alive) {
                    let silent = match self.facts.needs_supply(self.g, u) {
                        Some(NeedsSupply::Sources) => true,
                        Some(NeedsSupply::Any) => !any_arc,
                        None => false,
                    };
                    if unknown && silent {
                        b.sys.choice(1.0, End::Quiet);
                    }
                } else {
                    b.sys.choice(0.0, End::None);
                    self.group(&mut b, &mut keys, &mut var, u, c, &general, None, 1.0);
                }
            }
            for (e, r, ess) in reqs {
                if self.cut(u, r, None, c) {
                    b.sys.choice(ess, End::Cut(e, r, ess));
                    continue;
                }
                let own: Vec<&Arc> = inputs
                    .iter()
                    .filter(|(x, _)| *x == r)
                    .map(|(_, a)| a)
                    .collect();
                if own.is_empty() {
                    b.sys.choice(0.0, End::None);
                    let k = var(&mut b, &mut keys, (r, false, self.enter(r, c)));
                    b.sys.term(k, ess, e);
                } else {
                    b.sys.choice(0.0, End::None);
                    let k = var(&mut b, &mut keys, (r, true, self.enter(r, c)));
                    b.sys.term(k, ess, e);
                    b.sys.choice(0.0, End::None);
                    let arcs: Vec<Arc> = own
                        .iter()
                        .map(|a| Arc {
                            e: a.e,
                            v: a.v,
                            share: a.share,
                            lost: a.lost,
                        })
                        .collect();
                    self.group(&mut b, &mut keys, &mut var, u, c, &arcs, Some(r), ess);
                }
            }
            // `input` arcs whose requirement is not visible: ignored.
            let reqs_seen: Vec<NodeId> = self
                .spec
                .arcs(self.g, self.view, u)
                .filter(|(e, _)| !self.by_share && self.facts.mode(self.g, *e) == Mode::Requirement)
                .map(|(_, v)| v)
                .collect();
            b.ignored_inputs += inputs
                .iter()
                .filter(|(r, _)| !reqs_seen.contains(r))
                .count();
        }
        b.sys.finish();
        Ok(b)
    }

    /// One group's weighted sum into the open choice, times `scale`.
    #[allow(
        clippy::too_many_arguments,
        reason = "the arguments are the algorithm's state, passed flat on a hot path"
    )]
    fn group(
        &self,
        b: &mut Built,
        keys: &mut Vec<Key>,
        var: &mut impl FnMut(&mut Built, &mut Vec<Key>, Key) -> u32,
        u: NodeId,
        c: Ctx,
        arcs: &[Arc],
        input: Option<NodeId>,
        scale: f64,
    ) {
        let sum: f64 = arcs.iter().filter_map(|a| a.share).sum();
        let without = arcs.iter().filter(|a| a.share.is_none()).count();
        let share_scale = if sum > 1.0 { 1.0 / sum } else { 1.0 };
        let rest = if without > 0 {
            (1.0 - sum).max(0.0) / without as f64
        } else {
            0.0
        };
        if self.hits.is_none() && without == 0 && sum < 1.0 {
            b.sys.add_const(scale * (1.0 - sum), End::None);
        }
        let weight = |a: &Arc| scale * a.share.map_or(rest, |s| s * share_scale);
        // Substitution: the survivors carry what the group weighed before
        // (dependency-model.md, *Scenarios*); the caller skips a group
        // with no survivor.
        let former: f64 = arcs.iter().map(weight).sum();
        let surviving: f64 = arcs.iter().filter(|a| !a.lost).map(weight).sum();
        let up = if surviving > 0.0 {
            former / surviving
        } else {
            0.0
        };
        for a in arcs {
            if a.lost {
                continue;
            }
            let w = weight(a) * up;
            if w <= 0.0 {
                continue;
            }
            if self.cut(u, a.v, input, c) {
                b.sys.add_const(w, End::Cut(a.e, a.v, w));
                continue;
            }
            let k = var(b, keys, (a.v, false, self.enter(a.v, c)));
            b.sys.term(k, w, a.e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vars_keep_every_key_once_in_the_table_or_the_map() {
        let mut vars = Vars::new(4);
        let mut made = 0;
        let n = NodeId::from_index;
        let keys = [
            (n(1), false, 0),
            (n(1), true, 0),
            (n(1), false, 5),
            (n(3), false, 0),
            (n(9), false, 0),
        ];
        for key in keys {
            let v = vars.get_or_make(key, || {
                made += 1;
                made - 1
            });
            assert_eq!(vars.get(key), Some(v), "{key:?}");
        }
        // Asked again, each key keeps its variable.
        for (i, key) in keys.into_iter().enumerate() {
            assert_eq!(
                vars.get_or_make(key, || unreachable!("made twice")),
                i as u32
            );
        }
        assert_eq!(made, 5);
        assert_eq!(vars.get((n(2), false, 0)), None);
        let mut listed: Vec<(Key, u32)> = vars.iter().collect();
        listed.sort_by_key(|(_, v)| *v);
        assert_eq!(listed, keys.into_iter().zip(0..).collect::<Vec<_>>());
    }
}
