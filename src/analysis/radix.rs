//! A monotone priority queue for the explaining-path searches (Dijkstra):
//! a radix heap over `u128` keys.
//!
//! A binary heap of a million entries spends most of a search in its
//! sift-down (each level a cache miss: `perf annotate` put 50% of the
//! exposure's walk search there). A radix heap keeps its entries in 129
//! buckets by the highest bit in which they differ from the last key
//! popped; a push is an append, a pop scans one bucket and spreads it over
//! the lower ones. Each entry moves down a few buckets at most, through
//! memory read in order.
//!
//! Dijkstra's keys only grow (a relaxed node's cost is at least the popped
//! one's), but a search keyed on `(cost, id)` can push a key below the last
//! one popped: an arc of cost 0 to a lower id. Such keys go to a small
//! binary heap popped first; every key in it is below the last key the
//! radix part popped, hence below all of that part's keys, so pops still
//! come in exact key order.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Bits of a key; bucket `i` (1..=128) holds keys whose highest bit
/// differing from `last` is bit `i - 1`; bucket 0 holds keys equal to it.
const BUCKETS: usize = 129;

/// A min-priority queue of `u128` keys for searches whose keys (mostly)
/// only grow. See the module docs.
pub(crate) struct RadixHeap {
    /// The last key popped from the buckets (0 before any).
    last: u128,
    buckets: Vec<Vec<u128>>,
    /// Keys pushed below `last`.
    early: BinaryHeap<Reverse<u128>>,
}

impl Default for RadixHeap {
    fn default() -> RadixHeap {
        RadixHeap {
            last: 0,
            buckets: (0..BUCKETS).map(|_| Vec::new()).collect(),
            early: BinaryHeap::new(),
        }
    }
}

impl RadixHeap {
    /// Empties the queue, keeping its memory.
    pub fn clear(&mut self) {
        self.last = 0;
        for b in &mut self.buckets {
            b.clear();
        }
        self.early.clear();
    }

    /// Adds a key.
    pub fn push(&mut self, key: u128) {
        if key < self.last {
            self.early.push(Reverse(key));
        } else {
            self.buckets[bucket(key, self.last)].push(key);
        }
    }

    /// Removes and returns the least key.
    pub fn pop(&mut self) -> Option<u128> {
        if let Some(Reverse(k)) = self.early.pop() {
            return Some(k);
        }
        if self.buckets[0].is_empty() {
            let i = (1..BUCKETS).find(|&i| !self.buckets[i].is_empty())?;
            let mut spill = std::mem::take(&mut self.buckets[i]);
            let min = spill.iter().copied().min()?;
            self.last = min;
            // Every key of bucket i differs from the new `last` below bit
            // i - 1: they all land in lower buckets.
            for &k in &spill {
                self.buckets[bucket(k, min)].push(k);
            }
            spill.clear();
            self.buckets[i] = spill;
        }
        self.buckets[0].pop()
    }
}

/// The bucket of `key` when the last key popped is `last` (`key >= last`).
fn bucket(key: u128, last: u128) -> usize {
    (128 - (key ^ last).leading_zeros()) as usize
}

/// An `f64` as 64 bits that order as [`f64::total_cmp`] orders the floats.
pub(crate) fn ordered_bits(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 { !b } else { b | 1 << 63 }
}

/// The float of [`ordered_bits`].
pub(crate) fn from_ordered_bits(b: u64) -> f64 {
    f64::from_bits(if b >> 63 == 1 { b & !(1 << 63) } else { !b })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ordered_bits_order_as_total_cmp_and_round_trip() {
        let xs = [
            f64::NEG_INFINITY,
            -2.5,
            -0.0,
            0.0,
            1e-300,
            0.75,
            3.0,
            f64::INFINITY,
        ];
        for a in xs {
            assert_eq!(from_ordered_bits(ordered_bits(a)).to_bits(), a.to_bits());
            for b in xs {
                assert_eq!(ordered_bits(a).cmp(&ordered_bits(b)), a.total_cmp(&b));
            }
        }
    }

    #[test]
    fn a_key_below_the_last_popped_comes_out_next() {
        let mut h = RadixHeap::default();
        h.push(10);
        h.push(20);
        assert_eq!(h.pop(), Some(10));
        h.push(5);
        h.push(15);
        assert_eq!(h.pop(), Some(5));
        assert_eq!(h.pop(), Some(15));
        assert_eq!(h.pop(), Some(20));
        assert_eq!(h.pop(), None);
    }

    /// A key a step of a search pushes after popping one: mostly above
    /// it (near or far), sometimes equal or just below (a zero-cost arc).
    fn step() -> impl Strategy<Value = i128> {
        prop_oneof![
            -3i128..=3,
            0i128..1 << 20,
            (0i128..1 << 30).prop_map(|x| x << 40)
        ]
    }

    proptest! {
        /// A search-like sequence (each step pops, then pushes keys near
        /// the popped one) comes out in a binary heap's order.
        #[test]
        fn pops_in_the_order_of_a_binary_heap(
            start in proptest::collection::vec(0u128..1 << 70, 0..40),
            steps in proptest::collection::vec(proptest::collection::vec(step(), 0..4), 0..200),
        ) {
            let mut radix = RadixHeap::default();
            let mut binary = BinaryHeap::new();
            for &k in &start {
                radix.push(k);
                binary.push(Reverse(k));
            }
            for pushes in steps {
                let got = radix.pop();
                prop_assert_eq!(got, binary.pop().map(|r| r.0));
                let Some(k) = got else { break };
                for d in pushes {
                    let key = k.saturating_add_signed(d);
                    radix.push(key);
                    binary.push(Reverse(key));
                }
            }
            while let Some(Reverse(k)) = binary.pop() {
                prop_assert_eq!(radix.pop(), Some(k));
            }
            prop_assert_eq!(radix.pop(), None);
        }
    }
}
