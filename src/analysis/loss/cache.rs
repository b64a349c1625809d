//! `unknown` kept across statements. dependency-model.md: `unknown`
//! "depends on the view (date, `via`, `depth`, `substituting`), not on the
//! shock", so an analyst's second question about another shock (exposure
//! to Taiwan, then to China) needs no new solve of `unknown`'s system: on a
//! million-node graph that system is half of `exposure`'s work.
//!
//! An entry holds `unknown` of every node of an upstream-closed set (the
//! subgraph a solve grew from its rows): a node's `unknown` reads only its
//! own upstream, so it is the same whichever rows the solve started from.
//! A later query whose rows all lie in an entry reads them from it; one
//! that does not solves its own system and adds what it found.
//!
//! Only solves without `depth` and without substitution are kept: under
//! `depth N` a node k arcs from the rows has only N - k rounds, so the
//! values of the nodes beyond the rows are not theirs; under substitution
//! a value also depends on the view before the substituting scenarios,
//! which the key does not hold.
//!
//! A kept value equals a fresh solve's up to rounding: a cyclic
//! component's sweep order follows the subgraph's numbering, which follows
//! the rows it grew from, so the last bits may differ (far below the
//! solver's 1e-13). Reading costs no work, and the entries (one `f64` per
//! graph node each) are not charged to a statement's memory budget.

use std::sync::Mutex;

use super::super::{ArcSpec, View};
use crate::model::NodeId;

/// How many (view, `via`, `by share`) combinations are kept: each entry is
/// one `f64` per graph node (80 MB on a 10M-node graph). Two cover the
/// two dates of `compare at`, or today and one `at DATE`.
const ENTRIES: usize = 2;

/// `unknown` per node, kept across the statements of a session for one
/// graph (clear it when the graph changes). Safe to share between threads.
#[derive(Debug, Default)]
pub struct UnknownCache {
    entries: Mutex<Vec<Entry>>,
}

/// What `unknown` was computed under, and its values.
#[derive(Debug)]
struct Entry {
    view: View,
    arcs: ArcSpec,
    by_share: bool,
    /// By node index; NaN where not computed.
    values: Vec<f64>,
}

impl Entry {
    fn is_for(&self, view: &View, arcs: &ArcSpec, by_share: bool) -> bool {
        self.by_share == by_share && self.arcs == *arcs && self.view.same_items(view)
    }
}

impl UnknownCache {
    /// An empty cache.
    pub fn new() -> UnknownCache {
        UnknownCache::default()
    }

    /// Forgets everything (the graph changed).
    pub fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Entry>> {
        // A panic while holding the lock leaves whole entries only.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `unknown` of each of `rows`, when every one of them is kept under
    /// this view, `via` and mode.
    pub(crate) fn get(
        &self,
        view: &View,
        arcs: &ArcSpec,
        by_share: bool,
        rows: &[NodeId],
    ) -> Option<Vec<f64>> {
        let mut entries = self.lock();
        let i = entries
            .iter()
            .position(|e| e.is_for(view, arcs, by_share))?;
        let e = &entries[i];
        let found: Option<Vec<f64>> = rows
            .iter()
            .map(|n| e.values.get(n.index()).copied().filter(|v| !v.is_nan()))
            .collect();
        if found.is_some() {
            // Most recently used last.
            let hit = entries.remove(i);
            entries.push(hit);
        }
        found
    }

    /// Keeps `values` (by node index, NaN where not computed) under this
    /// view, `via` and mode, beside what was kept before.
    pub(crate) fn put(&self, view: &View, arcs: &ArcSpec, by_share: bool, values: Vec<f64>) {
        let mut entries = self.lock();
        if let Some(i) = entries.iter().position(|e| e.is_for(view, arcs, by_share)) {
            let mut e = entries.remove(i);
            if e.values.len() < values.len() {
                e.values.resize(values.len(), f64::NAN);
            }
            for (kept, new) in e.values.iter_mut().zip(&values) {
                if !new.is_nan() {
                    *kept = *new;
                }
            }
            entries.push(e);
            return;
        }
        if entries.len() == ENTRIES {
            entries.remove(0);
        }
        entries.push(Entry {
            view: view.clone(),
            arcs: arcs.clone(),
            by_share,
            values,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> ArcSpec {
        ArcSpec::default()
    }

    #[test]
    fn rows_are_read_only_when_all_are_kept() {
        let c = UnknownCache::new();
        let (a, b, x) = (NodeId(0), NodeId(1), NodeId(2));
        assert_eq!(c.get(&View::full(), &spec(), false, &[a]), None);
        c.put(&View::full(), &spec(), false, vec![0.25, 0.5, f64::NAN]);
        assert_eq!(
            c.get(&View::full(), &spec(), false, &[b, a]),
            Some(vec![0.5, 0.25])
        );
        assert_eq!(c.get(&View::full(), &spec(), false, &[a, x]), None);
        // Another solve adds its nodes beside the kept ones.
        c.put(
            &View::full(),
            &spec(),
            false,
            vec![f64::NAN, f64::NAN, 0.75],
        );
        assert_eq!(
            c.get(&View::full(), &spec(), false, &[a, x]),
            Some(vec![0.25, 0.75])
        );
    }

    #[test]
    fn another_view_or_mode_is_another_entry() {
        let c = UnknownCache::new();
        c.put(&View::full(), &spec(), false, vec![0.25]);
        let mut hiding = View::full();
        hiding.hide_node(NodeId(5));
        assert_eq!(c.get(&hiding, &spec(), false, &[NodeId(0)]), None);
        assert_eq!(c.get(&View::full(), &spec(), true, &[NodeId(0)]), None);
        c.clear();
        assert_eq!(c.get(&View::full(), &spec(), false, &[NodeId(0)]), None);
    }

    #[test]
    fn the_oldest_entry_goes_first() {
        let c = UnknownCache::new();
        let views: Vec<View> = (0..=ENTRIES)
            .map(|i| {
                let mut v = View::full();
                v.hide_node(NodeId(10 + i as u32));
                v
            })
            .collect();
        for v in &views {
            c.put(v, &spec(), false, vec![0.5]);
        }
        assert_eq!(c.get(&views[0], &spec(), false, &[NodeId(0)]), None);
        assert_eq!(
            c.get(&views[ENTRIES], &spec(), false, &[NodeId(0)]),
            Some(vec![0.5])
        );
    }
}
