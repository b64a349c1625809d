//! Validity intervals (spec: time.md): `valid_from` / `valid_to` of nodes
//! and edges, kept in two sparse columns beside the graph.
//!
//! Only the items that carry an interval have an entry, in id order, so a
//! graph without validity pays two empty vectors, and "what is hidden at a
//! date" is one pass over the entries, not over the graph.

use super::ids::{EdgeId, NodeId};
use super::value::Date;

/// When a fact holds: from its first day to its last, both included;
/// `None` is unbounded. Dates are kept as written (`2020`, `2020-09`), a
/// partial `from` meaning its first day and a partial `to` its last.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Interval {
    /// The first day the fact holds (as written).
    pub from: Option<Date>,
    /// The last day the fact holds (as written).
    pub to: Option<Date>,
}

impl Interval {
    /// The first day, or `None` when unbounded.
    pub fn first_day(&self) -> Option<Date> {
        self.from.map(|d| d.first_day())
    }

    /// The last day, or `None` when unbounded.
    pub fn last_day(&self) -> Option<Date> {
        self.to.map(|d| d.last_day())
    }

    /// Whether the fact holds on `day` (a full date).
    #[inline]
    pub fn contains(&self, day: Date) -> bool {
        self.first_day().is_none_or(|f| f <= day) && self.last_day().is_none_or(|l| day <= l)
    }

    /// Whether the last day comes before the first (a load error).
    pub fn is_reversed(&self) -> bool {
        matches!((self.first_day(), self.last_day()), (Some(f), Some(l)) if l < f)
    }

    /// Whether both intervals share a day.
    pub fn overlaps(&self, other: &Interval) -> bool {
        let starts_before_other_ends = match (self.first_day(), other.last_day()) {
            (Some(f), Some(l)) => f <= l,
            _ => true,
        };
        let other_starts_before_end = match (other.first_day(), self.last_day()) {
            (Some(f), Some(l)) => f <= l,
            _ => true,
        };
        starts_before_other_ends && other_starts_before_end
    }

    /// Whether this interval reaches beyond `outer` at either end.
    pub fn reaches_beyond(&self, outer: &Interval) -> bool {
        let early = match (outer.first_day(), self.first_day()) {
            (Some(o), Some(s)) => s < o,
            (Some(_), None) => true,
            _ => false,
        };
        let late = match (outer.last_day(), self.last_day()) {
            (Some(o), Some(s)) => s > o,
            (Some(_), None) => true,
            _ => false,
        };
        early || late
    }

    /// `ended 2020-09-15` (the first day it no longer holds) or `starts
    /// 2030-01-01` when the fact does not hold on `day`; `None` when it does.
    pub fn mark(&self, day: Date) -> Option<String> {
        if self.contains(day) {
            None
        } else if let Some(last) = self.last_day().filter(|l| *l < day) {
            Some(format!("ended {}", last.next_day()))
        } else {
            self.first_day().map(|f| format!("starts {f}"))
        }
    }

    /// `2020-01 .. 2020-09-14`, `.. 2020`, `2022-10-07 ..`.
    pub fn describe(&self) -> String {
        let side = |d: Option<Date>| d.map_or(String::new(), |d| d.to_string());
        match (self.from, self.to) {
            (Some(_), Some(_)) => format!("{} .. {}", side(self.from), side(self.to)),
            (Some(_), None) => format!("{} ..", side(self.from)),
            (None, _) => format!(".. {}", side(self.to)),
        }
    }
}

/// The intervals of the nodes and edges that have one, in id order.
#[derive(Clone, Debug, Default)]
pub(crate) struct Validity {
    pub(crate) nodes: Vec<(NodeId, Interval)>,
    pub(crate) edges: Vec<(EdgeId, Interval)>,
}

impl Validity {
    /// Whether no item has an interval.
    pub(crate) fn is_empty(&self) -> bool {
        self.nodes.is_empty() && self.edges.is_empty()
    }

    pub(crate) fn node(&self, n: NodeId) -> Option<&Interval> {
        find(&self.nodes, n)
    }

    pub(crate) fn edge(&self, e: EdgeId) -> Option<&Interval> {
        find(&self.edges, e)
    }

    /// Records a node's interval (nodes come in id order).
    pub(crate) fn push_node(&mut self, n: NodeId, i: Interval) {
        push(&mut self.nodes, n, i);
    }

    /// Records an edge's interval (edges come in id order).
    pub(crate) fn push_edge(&mut self, e: EdgeId, i: Interval) {
        push(&mut self.edges, e, i);
    }

    /// Keeps the edges for which `keep` holds, renumbered as
    /// `GraphBuilder::retain_edges` renumbers them.
    pub(crate) fn retain_edges(&mut self, edge_count: usize, keep: impl Fn(EdgeId) -> bool) {
        if self.edges.is_empty() {
            return;
        }
        let mut dropped_before = vec![0u32; edge_count + 1];
        for i in 0..edge_count {
            dropped_before[i + 1] = dropped_before[i] + u32::from(!keep(EdgeId::from_index(i)));
        }
        self.edges.retain(|(e, _)| keep(*e));
        for (e, _) in &mut self.edges {
            *e = EdgeId::from_index(e.index() - dropped_before[e.index()] as usize);
        }
    }

    pub(crate) fn shrink_to_fit(&mut self) {
        self.nodes.shrink_to_fit();
        self.edges.shrink_to_fit();
    }
}

fn find<I: Ord + Copy>(list: &[(I, Interval)], id: I) -> Option<&Interval> {
    if list.is_empty() {
        return None;
    }
    list.binary_search_by_key(&id, |(i, _)| *i)
        .ok()
        .map(|k| &list[k].1)
}

fn push<I: Ord + Copy>(list: &mut Vec<(I, Interval)>, id: I, i: Interval) {
    match list.last_mut() {
        Some((last, iv)) if *last == id => *iv = i,
        _ => {
            debug_assert!(list.last().is_none_or(|(l, _)| *l < id));
            list.push((id, i));
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn iv(from: &str, to: &str) -> Interval {
        Interval {
            from: Date::parse(from),
            to: Date::parse(to),
        }
    }

    fn day(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn partial_dates_cover_whole_years_and_months() {
        let i = iv("2020", "2021-02");
        assert!(!i.contains(day("2019-12-31")));
        assert!(i.contains(day("2020-01-01")));
        assert!(i.contains(day("2021-02-28")));
        assert!(!i.contains(day("2021-03-01")));
        let open = iv("", "2020-09-14");
        assert!(open.contains(day("1900-01-01")) && !open.contains(day("2020-09-15")));
    }

    #[test]
    fn reversal_overlap_and_reach() {
        assert!(iv("2021", "2020").is_reversed());
        assert!(!iv("2020-05", "2020").is_reversed());
        assert!(iv("2020", "2021").overlaps(&iv("2021-12-31", "")));
        assert!(!iv("2020", "2020").overlaps(&iv("2021", "")));
        assert!(iv("", "").overlaps(&iv("2021", "2021")));
        assert!(iv("2019", "").reaches_beyond(&iv("2020", "")));
        assert!(iv("2020", "").reaches_beyond(&iv("", "2022")));
        assert!(!iv("2020-03", "2020-04").reaches_beyond(&iv("2020", "2020")));
    }

    #[test]
    fn retained_edges_are_renumbered() {
        let mut v = Validity::default();
        v.push_edge(EdgeId::from_index(1), iv("2020", ""));
        v.push_edge(EdgeId::from_index(3), iv("2021", ""));
        v.retain_edges(4, |e| e.index() != 0 && e.index() != 2);
        assert_eq!(v.edges[0].0, EdgeId::from_index(0));
        assert_eq!(v.edges[1].0, EdgeId::from_index(1));
        v.retain_edges(2, |e| e.index() != 0);
        assert_eq!(v.edges.len(), 1);
        assert_eq!(v.edges[0].0, EdgeId::from_index(0));
    }
}
