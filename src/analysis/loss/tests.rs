//! The spec's worked example and its cases that pin the meaning
//! (dependency-model.md), with its numbers; property tests against naive
//! iteration of `F`; `loss` = v1's `total` on source-only graphs.

use indexmap::IndexMap;

use super::*;
use crate::analysis::NodeSet;
use crate::model::{
    Direction, EdgeTypeDef, GraphBuilder, KindDef, KindId, Mode, NeedsSupply, PropKey, Role,
    Schema, Scope, Value,
};

/// A small graph over the model's schema: `SOURCES` (source), `REQUIRES`
/// (requirement), `LOCATED_IN` (jurisdiction), `SITED_IN` (territory),
/// `AFFECTS` (impact); kinds Nation (polity), Technology (needs sources),
/// Firm.
pub(crate) struct Model {
    b: GraphBuilder,
    pub firm: KindId,
    pub nation: KindId,
    pub tech: KindId,
    share: PropKey,
    essential: PropKey,
    input: PropKey,
    severity: PropKey,
}

impl Model {
    pub fn new() -> Model {
        let mut kinds = IndexMap::new();
        kinds.insert(
            "Nation".to_string(),
            KindDef {
                polity: true,
                ..KindDef::default()
            },
        );
        kinds.insert(
            "Technology".to_string(),
            KindDef {
                needs_supply: Some(NeedsSupply::Sources),
                ..KindDef::default()
            },
        );
        kinds.insert("Firm".to_string(), KindDef::default());
        let mut edges = IndexMap::new();
        let def = |role, mode, scope| EdgeTypeDef {
            role,
            direction: Direction::Forward,
            mode,
            scope,
            ..EdgeTypeDef::default()
        };
        edges.insert(
            "SOURCES".into(),
            def(Role::Dependency, Some(Mode::Source), None),
        );
        edges.insert(
            "REQUIRES".into(),
            def(Role::Dependency, Some(Mode::Requirement), None),
        );
        edges.insert(
            "LOCATED_IN".into(),
            def(Role::Membership, None, Some(Scope::Jurisdiction)),
        );
        edges.insert(
            "SITED_IN".into(),
            def(Role::Membership, None, Some(Scope::Territory)),
        );
        edges.insert("AFFECTS".into(), def(Role::Impact, None, None));
        let mut b = GraphBuilder::new();
        b.set_schema(Schema { kinds, edges });
        Model {
            firm: b.kind("Firm"),
            nation: b.kind("Nation"),
            tech: b.kind("Technology"),
            share: b.prop_key("share"),
            essential: b.prop_key("essential"),
            input: b.prop_key("input"),
            severity: b.prop_key("severity"),
            b,
        }
    }

    pub fn node(&mut self, id: &str, kind: KindId) -> NodeId {
        self.b.add_node(id, kind, id, Vec::new(), []).unwrap()
    }

    /// An edge of type `ty` with an optional float property.
    fn edge(&mut self, a: NodeId, b: NodeId, ty: &str, prop: Option<(PropKey, f64)>) -> EdgeId {
        let t = self.b.edge_type(ty);
        let props: Vec<_> = prop
            .map(|(k, v)| (k, Value::Float(v)))
            .into_iter()
            .collect();
        self.b.add_edge(a, b, t, props)
    }

    /// `a ← b share` (a sources from b).
    pub fn source(&mut self, a: NodeId, b: NodeId, share: Option<f64>) -> EdgeId {
        let k = self.share;
        self.edge(a, b, "SOURCES", share.map(|s| (k, s)))
    }

    /// `a ← b share [input = r]`.
    pub fn source_for(&mut self, a: NodeId, b: NodeId, share: Option<f64>, r: &str) -> EdgeId {
        let t = self.b.edge_type("SOURCES");
        let mut props = vec![(self.input, Value::str(r))];
        props.extend(share.map(|s| (self.share, Value::Float(s))));
        self.b.add_edge(a, b, t, props)
    }

    /// `a ⇒ b` with `essential`.
    pub fn require(&mut self, a: NodeId, b: NodeId, essential: Option<f64>) -> EdgeId {
        let k = self.essential;
        self.edge(a, b, "REQUIRES", essential.map(|s| (k, s)))
    }

    /// `a` headquartered in `n` (jurisdiction).
    pub fn located(&mut self, a: NodeId, n: NodeId, share: Option<f64>) -> EdgeId {
        let k = self.share;
        self.edge(a, n, "LOCATED_IN", share.map(|s| (k, s)))
    }

    /// `a` producing in `n` (territory).
    pub fn sited(&mut self, a: NodeId, n: NodeId, share: Option<f64>) -> EdgeId {
        let k = self.share;
        self.edge(a, n, "SITED_IN", share.map(|s| (k, s)))
    }

    /// A risk hitting `on` with `severity`.
    pub fn affects(&mut self, risk: NodeId, on: NodeId, severity: f64) -> EdgeId {
        let k = self.severity;
        self.edge(risk, on, "AFFECTS", Some((k, severity)))
    }

    pub fn finish(self) -> Graph {
        self.b.finish()
    }
}

pub(crate) struct Run<'g> {
    pub g: &'g Graph,
    pub facts: ModelFacts,
    pub spec: ArcSpec,
}

impl<'g> Run<'g> {
    pub fn new(g: &'g Graph) -> Run<'g> {
        Run {
            g,
            facts: ModelFacts::new(g),
            spec: ArcSpec::new(g, None),
        }
    }

    /// Hits of node set `to` by `by`, severity `s`.
    pub fn hits(&self, to: &[NodeId], by: By, s: f64) -> Hits {
        let view = View::full();
        let mut hits = Hits::new(self.g.node_count());
        let seeds: Vec<_> = to.iter().map(|&n| (n, s, None)).collect();
        Placer::new(self.g, &view, &self.facts)
            .closure(&seeds, by, &mut hits, &Work::unlimited())
            .unwrap();
        hits
    }

    pub fn rows(
        &self,
        of: &[NodeId],
        hits: &Hits,
        depth: Option<u32>,
        cuts: &[CutRule],
    ) -> Vec<LossRow> {
        self.rows_with_paths(of, hits, depth, cuts, usize::MAX)
    }

    /// [`Run::rows`], the first `paths` rows with their paths.
    pub fn rows_with_paths(
        &self,
        of: &[NodeId],
        hits: &Hits,
        depth: Option<u32>,
        cuts: &[CutRule],
        paths: usize,
    ) -> Vec<LossRow> {
        let q = LossQuery {
            arcs: &self.spec,
            depth,
            by_share: false,
            cuts,
            unknown: true,
            unknown_cache: None,
            paths,
            substituted_from: None,
        };
        loss(
            self.g,
            &View::full(),
            &self.facts,
            &q,
            of,
            hits,
            &Work::unlimited(),
        )
        .unwrap()
        .rows
    }

    pub fn one(&self, of: NodeId, to: &[NodeId], depth: Option<u32>) -> LossRow {
        let hits = self.hits(to, By::Territory, 1.0);
        self.rows(&[of], &hits, depth, &[]).remove(0)
    }

    pub fn names(&self, p: &Option<Path>) -> Vec<&str> {
        p.as_ref()
            .map(|p| p.nodes.iter().map(|n| self.g.node_key(*n)).collect())
            .unwrap_or_default()
    }
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-9, "{a} vs {b}");
}

struct Example {
    g: Graph,
    lel: NodeId,
    nvidia: NodeId,
    tw: NodeId,
    kr: NodeId,
    nl: NodeId,
}

/// The spec's worked example. `market`: LEL's general sources as
/// (provider, share) by name (`tsmc`, `samsung`).
fn example(market: &[(&str, f64)]) -> Example {
    let mut m = Model::new();
    let lel = m.node("lel", m.tech);
    let euv = m.node("euv", m.tech);
    let tsmc = m.node("tsmc", m.firm);
    let samsung = m.node("samsung", m.firm);
    let asml = m.node("asml", m.firm);
    let nvidia = m.node("nvidia", m.firm);
    let tw = m.node("tw", m.nation);
    let kr = m.node("kr", m.nation);
    let nl = m.node("nl", m.nation);
    let us = m.node("us", m.nation);
    for &(p, s) in market {
        let p = if p == "tsmc" { tsmc } else { samsung };
        m.source(lel, p, Some(s));
    }
    m.require(lel, euv, None);
    m.source(euv, asml, Some(1.0));
    m.require(nvidia, lel, None);
    m.source_for(nvidia, tsmc, Some(1.0), "lel");
    m.located(tsmc, tw, None);
    m.located(samsung, kr, None);
    m.located(asml, nl, None);
    m.located(nvidia, us, None);
    Example {
        g: m.finish(),
        lel,
        nvidia,
        tw,
        kr,
        nl,
    }
}

#[test]
fn worked_example_leading_edge_logic() {
    let x = example(&[("tsmc", 0.9), ("samsung", 0.1)]);
    let r = Run::new(&x.g);
    let nl = r.one(x.lel, &[x.nl], None);
    close(nl.loss, 1.0);
    close(nl.direct, 0.0);
    assert_eq!(r.names(&nl.path), ["lel", "euv", "asml", "nl"]);
    let tw = r.one(x.lel, &[x.tw], None);
    close(tw.loss, 0.9);
    close(tw.direct, 0.9);
    close(r.one(x.lel, &[x.kr], None).loss, 0.1);
    close(tw.unknown, 0.0);
}

#[test]
fn worked_example_nvidia() {
    let x = example(&[("tsmc", 0.9), ("samsung", 0.1)]);
    let r = Run::new(&x.g);
    let tw = r.one(x.nvidia, &[x.tw], None);
    close(tw.loss, 1.0);
    close(tw.direct, 1.0);
    assert_eq!(r.names(&tw.path), ["nvidia", "tsmc", "tw"]);
    close(r.one(x.nvidia, &[x.kr], None).loss, 0.0);
    close(r.one(x.nvidia, &[x.nl], None).loss, 1.0);
    close(r.one(x.nvidia, &[x.nl], Some(2)).loss, 0.0);
    close(r.one(x.nvidia, &[x.nl], Some(3)).loss, 1.0);
    let p = r.one(x.nvidia, &[x.nl], Some(3)).path;
    assert_eq!(r.names(&p), ["nvidia", "lel", "euv", "asml", "nl"]);
    // shock "LEL" by 0.5: NVIDIA loses half.
    let hits = r.hits(&[x.lel], By::Territory, 0.5);
    close(r.rows(&[x.nvidia], &hits, None, &[])[0].loss, 0.5);
}

#[test]
fn worked_example_silent_markets() {
    let x = example(&[]);
    let r = Run::new(&x.g);
    let lel = r.one(x.lel, &[x.tw], None);
    close(lel.loss, 0.0);
    close(lel.unknown, 1.0);
    let nv = r.one(x.nvidia, &[x.tw], None);
    close(nv.loss, 1.0);
    close(nv.unknown, 0.0);
    let x = example(&[("samsung", 0.1)]);
    let r = Run::new(&x.g);
    let lel = r.one(x.lel, &[x.kr], None);
    close(lel.loss, 0.1);
    close(lel.unknown, 0.9);
}

#[test]
fn cycles_of_requirements_take_the_least_fixed_point() {
    let mut m = Model::new();
    let a = m.node("a", m.firm);
    let b = m.node("b", m.firm);
    let x = m.node("x", m.firm);
    m.require(a, b, None);
    m.require(b, a, None);
    m.source(a, x, Some(0.3));
    let g = m.finish();
    let r = Run::new(&g);
    let ra = r.one(a, &[x], None);
    let rb = r.one(b, &[x], None);
    close(ra.loss, 0.3);
    close(rb.loss, 0.3);
    close(ra.unknown, 0.7);
    close(rb.unknown, 0.7);
    assert_eq!(r.names(&ra.path), ["a", "x"]);
    assert_eq!(r.names(&rb.path), ["b", "a", "x"]);
}

#[test]
fn a_source_cycle_through_a_requirement_reaches_one() {
    let mut m = Model::new();
    let d = m.node("d", m.firm);
    let e = m.node("e", m.firm);
    let x = m.node("x", m.firm);
    m.source(d, e, Some(0.9));
    m.source(d, x, Some(0.1));
    m.require(e, d, None);
    let g = m.finish();
    let r = Run::new(&g);
    close(r.one(d, &[x], None).loss, 1.0);
    close(r.one(e, &[x], None).loss, 1.0);
    close(r.one(d, &[x], Some(3)).loss, 0.19);
    close(r.one(e, &[x], Some(3)).loss, 0.1);
    assert_eq!(r.names(&r.one(d, &[x], None).path), ["d", "x"]);
}

#[test]
fn partial_territory_spreads_severity_and_jurisdiction_needs_a_majority() {
    let mut m = Model::new();
    let hynix = m.node("hynix", m.firm);
    let arizona = m.node("arizona", m.firm);
    let tsmc = m.node("tsmc", m.firm);
    let kr = m.node("kr", m.nation);
    let cn = m.node("cn", m.nation);
    let us = m.node("us", m.nation);
    let tw = m.node("tw", m.nation);
    let jv = m.node("jv", m.firm);
    m.sited(hynix, cn, Some(0.4));
    m.sited(hynix, kr, Some(0.6));
    m.located(hynix, kr, None);
    m.located(tsmc, tw, None);
    m.located(arizona, us, None);
    m.located(arizona, tsmc, None);
    m.located(jv, tw, Some(0.4));
    m.located(jv, us, Some(0.6));
    let g = m.finish();
    let r = Run::new(&g);
    let h = r.hits(&[cn], By::Territory, 1.0);
    close(h.severity(hynix), 0.4);
    assert!(!h.wholly_inside(hynix));
    // Arizona: placed by territory nowhere, so its headquarters count.
    let h = r.hits(&[us], By::Territory, 1.0);
    close(h.severity(arizona), 1.0);
    let h = r.hits(&[tw], By::Territory, 1.0);
    close(h.severity(arizona), 0.0);
    // By jurisdiction, Arizona is Taiwan's (through TSMC); the joint
    // venture only where its shares make a majority.
    let h = r.hits(&[tw], By::Jurisdiction, 1.0);
    close(h.severity(arizona), 1.0);
    close(h.severity(jv), 0.0);
    let h = r.hits(&[us], By::Jurisdiction, 1.0);
    close(h.severity(jv), 1.0);
}

/// Walks of equal product and length: the smaller sequence of names wins
/// (dependency-model.md, *The explaining path*), whatever the arcs' order.
#[test]
fn tied_walks_go_to_the_smaller_names() {
    let mut m = Model::new();
    let u = m.node("u", m.firm);
    let zeta = m.node("zeta", m.firm);
    let alpha = m.node("alpha", m.firm);
    let mid_z = m.node("m-z", m.firm);
    let mid_a = m.node("m-a", m.firm);
    let tw = m.node("tw", m.nation);
    // Requirements (max): both reach Taiwan with weight 1, two arcs each.
    m.require(u, zeta, None);
    m.require(u, alpha, None);
    m.require(zeta, mid_a, None);
    m.require(alpha, mid_z, None);
    m.require(alpha, mid_a, None);
    m.located(mid_z, tw, None);
    m.located(mid_a, tw, None);
    let g = m.finish();
    let r = Run::new(&g);
    let row = r.one(u, &[tw], None);
    close(row.loss, 1.0);
    assert_eq!(r.names(&row.path), ["u", "alpha", "m-a", "tw"]);
}

/// Found by the property test: a node listed as a member of itself (and
/// partly of the shocked nation) ended its explaining path at itself.
#[test]
fn self_membership_is_ignored_and_chains_reach_the_shock() {
    let mut m = Model::new();
    let a = m.node("a", m.firm);
    let b = m.node("b", m.firm);
    let tw = m.node("tw", m.nation);
    m.sited(a, tw, Some(0.2));
    m.sited(a, a, Some(1.3));
    // A membership cycle: each is half in the other, `b` also in Taiwan.
    m.sited(b, tw, Some(0.5));
    m.sited(b, a, Some(0.5));
    m.sited(a, b, Some(0.5));
    let g = m.finish();
    let r = Run::new(&g);
    let h = r.hits(&[tw], By::Territory, 1.0);
    assert!(h.severity(a) > 0.0 && h.severity(b) > 0.0);
    for u in [a, b] {
        let row = r.rows(&[u], &h, None, &[]).remove(0);
        assert_eq!(r.names(&row.path).last(), Some(&"tw"), "{:?}", row.path);
    }
}

#[test]
fn risks_hit_with_their_severity_and_paths_end_at_the_risk() {
    let mut m = Model::new();
    let war = m.node("war", m.firm);
    let tw = m.node("tw", m.nation);
    let tsmc = m.node("tsmc", m.firm);
    let apple = m.node("apple", m.firm);
    m.located(tsmc, tw, None);
    m.source(apple, tsmc, Some(0.5));
    m.affects(war, tw, 0.6);
    let g = m.finish();
    let r = Run::new(&g);
    let mut hits = Hits::new(g.node_count());
    Placer::new(&g, &View::full(), &r.facts)
        .risk(war, &mut hits, &Work::unlimited())
        .unwrap();
    close(hits.severity(tsmc), 0.6);
    let row = r.rows(&[apple], &hits, None, &[]).remove(0);
    close(row.loss, 0.3);
    assert_eq!(r.names(&row.path), ["apple", "tsmc", "tw", "war"]);
}

#[test]
fn cuts_follow_paths_through_free_nodes_only() {
    // USF ⇒ Ga; Ga ← CNF 0.8, JPF 0.2; JPF ← CNF 1.
    let mut m = Model::new();
    let usf = m.node("usf", m.firm);
    let ga = m.node("ga", m.tech);
    let cnf = m.node("cnf", m.firm);
    let jpf = m.node("jpf", m.firm);
    let us = m.node("us", m.nation);
    let cn = m.node("cn", m.nation);
    let jp = m.node("jp", m.nation);
    m.require(usf, ga, None);
    m.source(ga, cnf, Some(0.8));
    m.source(ga, jpf, Some(0.2));
    m.source(jpf, cnf, Some(1.0));
    m.located(usf, us, None);
    m.located(cnf, cn, None);
    m.located(jpf, jp, None);
    let g = m.finish();
    let r = Run::new(&g);
    let side = |y: NodeId| {
        let h = r.hits(&[y], By::Both, 1.0);
        let mut s = NodeSet::new(g.node_count());
        for &n in &h.nodes {
            s.insert(n);
        }
        s
    };
    let cuts = vec![CutRule {
        consumer: side(us),
        provider: side(cn),
        targets: None,
        label: "us".into(),
    }];
    let none = Hits::new(g.node_count());
    let rows = r.rows(&[usf, jpf], &none, None, &cuts);
    let get = |n: NodeId| rows.iter().find(|x| x.node == n).unwrap().clone();
    close(get(usf).loss, 0.8);
    close(get(jpf).loss, 0.0);
    assert_eq!(get(usf).cut.map(|e| g.edge_ends(e)), Some((ga, cnf)));
    assert_eq!(r.names(&get(usf).path), ["usf", "ga", "cnf"]);
}

/// `F` iterated from 0 by its definition, for the property tests.
mod naive;

#[test]
fn source_only_loss_equals_v1_total() {
    use crate::analysis::exposure::exposure;
    use crate::analysis::testing::{Fixture, random_graph};
    use proptest::prelude::*;
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(64));
    runner
        .run(
            &(
                crate::analysis::testing::random_edges(10, 30),
                0usize..10,
                proptest::option::of(1u32..5),
            ),
            |(edges, target, depth)| {
                let g = random_graph(10, &edges);
                let _ = Fixture::new;
                let r = Run::new(&g);
                let t = NodeId::from_index(target);
                let all: Vec<NodeId> = g.nodes().collect();
                let v1 = exposure(
                    &g,
                    &View::full(),
                    &r.spec,
                    &all,
                    &[t],
                    depth,
                    &Work::unlimited(),
                )
                .unwrap();
                let hits = r.hits(&[t], By::Territory, 1.0);
                let v2 = r.rows(&all, &hits, depth, &[]);
                prop_assert_eq!(v1.len(), v2.len());
                for (a, b) in v1.iter().zip(&v2) {
                    prop_assert_eq!(a.node, b.node);
                    prop_assert_eq!(a.total, b.loss);
                    prop_assert_eq!(a.direct, b.direct);
                    prop_assert_eq!(&a.path, &b.path);
                }
                Ok(())
            },
        )
        .unwrap();
}

/// `unknown` of `rows` with the session's cache, under `work`.
fn cached_unknowns(
    g: &Graph,
    cache: &UnknownCache,
    view: &View,
    rows: &[NodeId],
    work: &Work,
) -> Result<Vec<f64>, Interrupt> {
    let r = Run::new(g);
    let q = LossQuery {
        arcs: &r.spec,
        depth: None,
        by_share: false,
        cuts: &[],
        unknown: true,
        unknown_cache: Some(cache),
        paths: usize::MAX,
        substituted_from: None,
    };
    unknowns(g, view, &r.facts, &q, rows, work)
}

#[test]
fn kept_unknowns_are_the_ones_a_fresh_solve_gives() {
    use crate::analysis::testing::{random_edges, random_graph};
    use proptest::prelude::*;
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(64));
    runner
        .run(
            &(random_edges(12, 40), 0usize..12, 0usize..12),
            |(edges, first, second)| {
                let g = random_graph(12, &edges);
                let view = View::full();
                let cache = UnknownCache::new();
                let (a, b) = (NodeId::from_index(first), NodeId::from_index(second));
                // The first statement keeps a's upstream; the second asks
                // for b, then for all.
                cached_unknowns(&g, &cache, &view, &[a], &Work::unlimited()).unwrap();
                for rows in [vec![b], g.nodes().collect::<Vec<_>>()] {
                    let kept =
                        cached_unknowns(&g, &cache, &view, &rows, &Work::unlimited()).unwrap();
                    let fresh =
                        cached_unknowns(&g, &UnknownCache::new(), &view, &rows, &Work::unlimited())
                            .unwrap();
                    for (k, f) in kept.iter().zip(&fresh) {
                        prop_assert!((k - f).abs() < 1e-12, "{k} vs {f}");
                    }
                }
                // Everything is kept now: no work at all.
                let all: Vec<NodeId> = g.nodes().collect();
                let nothing = Work::new(0, crate::limits::CancelFlag::new());
                prop_assert!(cached_unknowns(&g, &cache, &view, &all, &nothing).is_ok());
                Ok(())
            },
        )
        .unwrap();
}

#[test]
fn kept_unknowns_with_requirements_and_views() {
    let x = example(&[("samsung", 0.1)]);
    let cache = UnknownCache::new();
    let full = View::full();
    let all: Vec<NodeId> = x.g.nodes().collect();
    let fresh = cached_unknowns(&x.g, &cache, &full, &all, &Work::unlimited()).unwrap();
    let nothing = Work::new(0, crate::limits::CancelFlag::new());
    let kept = cached_unknowns(&x.g, &cache, &full, &[x.lel, x.nvidia], &nothing).unwrap();
    let at = |n: NodeId| fresh[all.iter().position(|m| *m == n).unwrap()];
    assert_eq!(kept, vec![at(x.lel), at(x.nvidia)]);
    close(kept[0], 0.9);
    // Another view is not read from the full view's entry: hiding
    // Samsung's sourcing arc leaves LEL's market silent.
    let mut hiding = View::full();
    for e in x.g.edges() {
        if x.g.edge_ends(e).1 == x.g.node_by_key("samsung").unwrap() {
            let _ = hiding.hide_edge(e);
        }
    }
    assert!(cached_unknowns(&x.g, &cache, &hiding, &[x.lel], &nothing).is_err());
    let hidden = cached_unknowns(&x.g, &cache, &hiding, &[x.lel], &Work::unlimited()).unwrap();
    close(hidden[0], 1.0);
}
