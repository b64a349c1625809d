//! Property lists of nodes or edges in one flat arena: owner `i`'s
//! properties are `items[start[i]..start[i + 1]]`, in the order given.
//!
//! The offsets exist only once some owner has a property: a graph whose
//! edges carry nothing but a `share` (kept in its own column) pays nothing
//! here per edge.

use super::ids::PropKey;
use super::value::Stored;

/// Per-owner property lists (owners are node or edge indexes).
#[derive(Clone, Debug, Default)]
pub(crate) struct PropLists {
    /// Empty while no owner has a property; then one offset per owner plus one.
    start: Vec<u32>,
    items: Vec<(PropKey, Stored)>,
}

impl PropLists {
    /// Appends the list of the next owner, `owner` being its index (the
    /// number of owners before it).
    pub(crate) fn push(&mut self, owner: usize, props: &[(PropKey, Stored)]) {
        if self.start.is_empty() {
            if props.is_empty() {
                return;
            }
            self.start = vec![0; owner + 1];
        }
        // Owners added before any property have empty lists.
        if self.start.len() < owner + 1 {
            let end = self.end();
            self.start.resize(owner + 1, end);
        }
        self.items.extend_from_slice(props);
        let end = self.end();
        self.start.push(end);
    }

    #[allow(
        clippy::expect_used,
        reason = "an invariant, named in the expect message"
    )]
    fn end(&self) -> u32 {
        u32::try_from(self.items.len())
            .expect("fewer than 2^32 properties (their 24 bytes each would exhaust memory first)")
    }

    /// The properties of owner `i` (empty when it has none).
    #[inline]
    pub(crate) fn get(&self, i: usize) -> &[(PropKey, Stored)] {
        let (Some(lo), Some(hi)) = (self.start.get(i), self.start.get(i + 1)) else {
            return &[];
        };
        self.items.get(*lo as usize..*hi as usize).unwrap_or(&[])
    }

    /// Keeps the lists of the owners for which `keep(i)` holds, renumbered
    /// in order; `owners` is the number of owners.
    pub(crate) fn retain(&mut self, owners: usize, keep: impl Fn(usize) -> bool) {
        if self.start.is_empty() {
            return;
        }
        let old = std::mem::take(self);
        let mut kept = 0;
        for i in 0..owners {
            if keep(i) {
                self.push(kept, old.get(i));
                kept += 1;
            }
        }
    }

    /// Frees spare capacity (after loading).
    pub(crate) fn shrink_to_fit(&mut self) {
        self.start.shrink_to_fit();
        self.items.shrink_to_fit();
    }

    /// Makes room for `owners` more owners when lists are being kept.
    pub(crate) fn reserve(&mut self, owners: usize) {
        if !self.start.is_empty() {
            self.start.reserve(owners);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_start_late_and_stay_aligned() {
        let mut p = PropLists::default();
        let a = [(PropKey(1), Stored::Int(1))];
        let b = [
            (PropKey(2), Stored::Bool(true)),
            (PropKey(3), Stored::Int(7)),
        ];
        p.push(0, &[]);
        p.push(1, &[]);
        assert!(p.start.is_empty(), "no offsets until a property arrives");
        p.push(2, &a);
        p.push(3, &[]);
        p.push(4, &b);
        assert_eq!(p.get(0), &[]);
        assert_eq!(p.get(2), &a);
        assert_eq!(p.get(3), &[]);
        assert_eq!(p.get(4), &b);
        assert_eq!(p.get(9), &[]);
        p.retain(5, |i| i != 2);
        assert_eq!(p.get(2), &[]);
        assert_eq!(p.get(3), &b);
    }
}
