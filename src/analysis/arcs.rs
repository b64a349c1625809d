//! Dependency arcs (spec: *Dependency analysis*): which edges are arcs, which
//! end is the consumer, and how much each arc weighs.
//!
//! An arc goes from the dependent (consumer) to the provider. Without `via`,
//! every edge type with role `dependency` is an arc type, in its declared
//! direction. With `via`, exactly the named types are arc types: a named type
//! with role `dependency` keeps its declared direction, any other named type
//! is read in its written direction (`from` depends on `to`), which is what
//! the spec asks for data without a schema.
//!
//! Weights are computed over the arcs visible in the [`View`]: a scenario is
//! a view, so an arc it hides simply does not exist and the consumer's
//! remaining arcs are weighed by the same rule (`max(0, 1 - S) / |M|` over
//! the visible arcs without a share, visible shares scaled by `1/S` when they
//! sum over 1).

use super::view::View;
use crate::model::{Direction, EdgeId, EdgeTypeId, Graph, NodeId, Role};

const NONE: u8 = 0;
const FORWARD: u8 = 1;
const REVERSE: u8 = 2;

/// Which edge types are dependency arcs, and in which direction.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArcSpec {
    /// By edge type index: `NONE`, `FORWARD` or `REVERSE`.
    dir: Vec<u8>,
    any_forward: bool,
    any_reverse: bool,
}

impl ArcSpec {
    /// The arc types of `g`: every `dependency` type when `via` is `None`,
    /// else exactly the `via` types (a `dependency` type in its declared
    /// direction, any other type forward).
    pub fn new(g: &Graph, via: Option<&[EdgeTypeId]>) -> ArcSpec {
        let mut spec = ArcSpec {
            dir: vec![NONE; g.edge_types().count()],
            ..ArcSpec::default()
        };
        let mut set = |t: EdgeTypeId, d: Direction| {
            if spec.dir.len() <= t.index() {
                spec.dir.resize(t.index() + 1, NONE);
            }
            spec.dir[t.index()] = match d {
                Direction::Forward => FORWARD,
                Direction::Reverse => REVERSE,
            };
        };
        match via {
            None => {
                for (t, info) in g.edge_types() {
                    if info.role == Role::Dependency {
                        set(t, info.direction);
                    }
                }
            }
            Some(types) => {
                for &t in types {
                    let info = g.edge_type_info(t);
                    let d = if info.role == Role::Dependency {
                        info.direction
                    } else {
                        Direction::Forward
                    };
                    set(t, d);
                }
            }
        }
        spec.any_forward = spec.dir.contains(&FORWARD);
        spec.any_reverse = spec.dir.contains(&REVERSE);
        spec
    }

    /// Whether no edge type is an arc type (e.g. no schema and no `via`).
    pub fn is_empty(&self) -> bool {
        !self.any_forward && !self.any_reverse
    }

    /// The direction in which edges of type `t` are arcs, or `None` when they
    /// are not arcs.
    pub fn direction(&self, t: EdgeTypeId) -> Option<Direction> {
        match self.dir.get(t.index()).copied().unwrap_or(NONE) {
            FORWARD => Some(Direction::Forward),
            REVERSE => Some(Direction::Reverse),
            _ => None,
        }
    }

    /// Whether edges of type `t` are arcs.
    #[inline]
    pub fn contains(&self, t: EdgeTypeId) -> bool {
        self.dir.get(t.index()).is_some_and(|d| *d != NONE)
    }

    /// The consumer and provider of edge `e`, if it is an arc type (the view
    /// is not consulted).
    pub fn arc_ends(&self, g: &Graph, e: EdgeId) -> Option<(NodeId, NodeId)> {
        let (from, to) = g.edge_ends(e);
        match self.direction(g.edge_type(e))? {
            Direction::Forward => Some((from, to)),
            Direction::Reverse => Some((to, from)),
        }
    }

    /// `u`'s visible arcs as `(edge, provider)`, out-edges of forward types
    /// first, then in-edges of reverse types, each in load order. Parallel
    /// edges are separate arcs. A hidden `u` has none.
    pub fn arcs<'a>(&'a self, g: &'a Graph, view: &'a View, u: NodeId) -> Arcs<'a> {
        self.walk(g, view, u, true)
    }

    /// The visible arcs into provider `v`, as `(edge, consumer)`.
    pub fn consumers<'a>(&'a self, g: &'a Graph, view: &'a View, v: NodeId) -> Arcs<'a> {
        self.walk(g, view, v, false)
    }

    fn walk<'a>(&'a self, g: &'a Graph, view: &'a View, u: NodeId, along: bool) -> Arcs<'a> {
        let (first_adj, second_adj) = if along {
            (g.out_adj(), g.in_adj())
        } else {
            (g.in_adj(), g.out_adj())
        };
        let visible = view.node(u);
        let part = |adj: &'a crate::model::Adjacency, want: u8, any: bool| {
            if visible && any {
                Part {
                    edges: adj.edges(u),
                    types: adj.types(u),
                    nbrs: adj.neighbors(u),
                    want,
                    i: 0,
                }
            } else {
                Part::default()
            }
        };
        Arcs {
            view,
            check: !view.is_full(),
            dir: &self.dir,
            first: part(first_adj, FORWARD, self.any_forward),
            second: part(second_adj, REVERSE, self.any_reverse),
        }
    }

    /// How `u`'s visible arcs are weighed.
    pub fn norm(&self, g: &Graph, view: &View, u: NodeId) -> Norm {
        let mut sum = 0.0;
        let mut without = 0u32;
        for (e, _) in self.arcs(g, view, u) {
            match valid_share(g.edge_share(e)) {
                Some(s) => sum += s,
                None => without += 1,
            }
        }
        Norm {
            share_scale: if sum > 1.0 { 1.0 / sum } else { 1.0 },
            rest: if without > 0 {
                (1.0 - sum).max(0.0) / f64::from(without)
            } else {
                0.0
            },
        }
    }

    /// `u`'s visible arcs with their weights: `(edge, provider, weight)`.
    pub fn weighted_arcs(&self, g: &Graph, view: &View, u: NodeId) -> Vec<(EdgeId, NodeId, f64)> {
        let norm = self.norm(g, view, u);
        self.arcs(g, view, u)
            .map(|(e, v)| (e, v, norm.weight(g, e)))
            .collect()
    }
}

/// A `share` the weighing uses: finite and not negative. Anything else (the
/// loader should have rejected it) counts as no share.
#[inline]
fn valid_share(s: Option<f64>) -> Option<f64> {
    s.filter(|s| s.is_finite() && *s >= 0.0)
}

/// The weighing of one consumer's arcs: shares scaled by `share_scale`,
/// arcs without a share weighing `rest` each.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Norm {
    /// `1/S` when the shares sum over 1, else 1.
    pub share_scale: f64,
    /// `max(0, 1 - S) / |M|`, the weight of each arc without a share.
    pub rest: f64,
}

impl Norm {
    /// The weight of arc `e` of this consumer.
    #[inline]
    pub fn weight(&self, g: &Graph, e: EdgeId) -> f64 {
        match valid_share(g.edge_share(e)) {
            Some(s) => s * self.share_scale,
            None => self.rest,
        }
    }
}

#[derive(Clone, Copy, Debug, Default)]
struct Part<'a> {
    edges: &'a [EdgeId],
    types: &'a [EdgeTypeId],
    nbrs: &'a [NodeId],
    want: u8,
    i: usize,
}

/// An iterator over one node's visible arcs (see [`ArcSpec::arcs`]).
#[derive(Clone, Debug)]
pub struct Arcs<'a> {
    view: &'a View,
    check: bool,
    dir: &'a [u8],
    first: Part<'a>,
    second: Part<'a>,
}

impl Part<'_> {
    #[inline]
    fn next(&mut self, dir: &[u8], view: &View, check: bool) -> Option<(EdgeId, NodeId)> {
        while self.i < self.edges.len() {
            let i = self.i;
            self.i += 1;
            if dir.get(self.types[i].index()).copied() != Some(self.want) {
                continue;
            }
            let (e, n) = (self.edges[i], self.nbrs[i]);
            if check && (view.edge_hidden(e) || !view.node(n)) {
                continue;
            }
            return Some((e, n));
        }
        None
    }
}

impl Iterator for Arcs<'_> {
    type Item = (EdgeId, NodeId);

    #[inline]
    fn next(&mut self) -> Option<(EdgeId, NodeId)> {
        if let Some(x) = self.first.next(self.dir, self.view, self.check) {
            return Some(x);
        }
        self.second.next(self.dir, self.view, self.check)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testing::Fixture;

    #[test]
    fn shares_missing_over_and_under_one() {
        let mut f = Fixture::new();
        let [a, b, c, d] = f.nodes(["a", "b", "c", "d"]);
        // a: shares 0.5 + 0.2, one arc without: it gets 0.3.
        f.link("a -> b 0.5, a -> c 0.2, a -> d");
        // b: shares sum to 2: each scaled by 1/2; the arc without weighs 0.
        f.link("b -> c 1.5, b -> d 0.5, b -> a");
        // c: only shares, under 1: the rest is unknown.
        f.dep(c, d, Some(0.25));
        // d: two arcs without shares split evenly.
        f.link("d -> a, d -> b");
        let g = f.finish();
        let spec = ArcSpec::new(&g, None);
        let w = |u| {
            spec.weighted_arcs(&g, &View::full(), u)
                .iter()
                .map(|x| x.2)
                .collect::<Vec<_>>()
        };
        close(&w(a), &[0.5, 0.2, 0.3]);
        close(&w(b), &[0.75, 0.25, 0.0]);
        close(&w(c), &[0.25]);
        close(&w(d), &[0.5, 0.5]);
    }

    #[test]
    fn reverse_types_and_views_renormalise() {
        let mut f = Fixture::new();
        let [a, b, c] = f.nodes(["a", "b", "c"]);
        // SUPPLIES is reverse: b supplies a, so a depends on b.
        let e1 = f.supplies(b, a, None);
        let e2 = f.dep(a, c, None);
        let g = f.finish();
        let spec = ArcSpec::new(&g, None);
        let full = View::full();
        let arcs: Vec<_> = spec.weighted_arcs(&g, &full, a);
        assert_eq!(arcs, vec![(e2, c, 0.5), (e1, b, 0.5)]);
        assert_eq!(
            spec.consumers(&g, &full, b).collect::<Vec<_>>(),
            vec![(e1, a)]
        );
        assert_eq!(spec.arc_ends(&g, e1), Some((a, b)));
        let mut view = View::full();
        view.hide_edge(e2);
        assert_eq!(spec.weighted_arcs(&g, &view, a), vec![(e1, b, 1.0)]);
        view.hide_node(a);
        assert!(spec.weighted_arcs(&g, &view, a).is_empty());
    }

    #[test]
    fn via_picks_types_and_directions() {
        let mut f = Fixture::new();
        let [a, b, n] = f.nodes(["a", "b", "n"]);
        let sup = f.supplies(b, a, None);
        let loc = f.located(a, n);
        let dep = f.dep(a, b, None);
        let g = f.finish();
        let supplies = g.edge_type(sup);
        let located = g.edge_type(loc);
        let full = View::full();
        let spec = ArcSpec::new(&g, Some(&[supplies, located]));
        assert!(!spec.contains(g.edge_type(dep)));
        let arcs: Vec<_> = spec.arcs(&g, &full, a).collect();
        assert_eq!(arcs, vec![(loc, n), (sup, b)]);
        assert!(!ArcSpec::new(&g, None).is_empty());
        assert!(ArcSpec::new(&g, Some(&[])).is_empty());
    }

    fn close(got: &[f64], want: &[f64]) {
        assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-12, "{got:?} vs {want:?}");
        }
    }
}
