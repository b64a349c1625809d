//! "Did you mean": the one place a near miss is scored.
//!
//! One metric (Jaro-Winkler on case-folded text), one threshold
//! ([`THRESHOLD`]) and a bounded cost whatever the input: a name and each
//! candidate are compared on their first [`MAX_CHARS`] characters only, a
//! candidate that shares too few distinct characters with the name is
//! skipped by a cheap test, and only the [`MAX_COMPARED`] candidates that
//! look most alike by a cheap sketch are scored. So a 2 MB unknown name costs no more than a 64-character one,
//! and a million-node graph no more than a few hundred comparisons.

/// The lowest Jaro-Winkler similarity (0 to 1, case ignored) a suggestion
/// may have.
pub const THRESHOLD: f64 = 0.75;

/// How far below the best suggestion another may score and still be listed
/// (`TSMCC` suggests `TSMC`, not also `SMIC`).
pub const MARGIN: f64 = 0.1;

/// How many characters of the name and of each candidate are compared.
pub const MAX_CHARS: usize = 64;

/// How many candidates are scored at most (those past the cheap test).
pub const MAX_COMPARED: usize = 400;

/// The text a comparison sees: the first [`MAX_CHARS`] characters, lower case.
fn fold(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars().take(MAX_CHARS).flat_map(char::to_lowercase)
}

/// A cheap summary of a folded text: its distinct characters and character
/// pairs (hashed into buckets) and its length, computed without allocating.
#[derive(Clone, Copy)]
struct Sketch {
    chars: u64,
    pairs: u128,
    len: u32,
}

impl Sketch {
    fn new(text: &str) -> Sketch {
        let mut s = Sketch {
            chars: 0,
            pairs: 0,
            len: 0,
        };
        let mut prev: Option<u32> = None;
        for c in fold(text) {
            let c = u32::from(c);
            s.chars |= 1 << (c % 64);
            if let Some(p) = prev {
                s.pairs |= 1 << (p.wrapping_mul(31).wrapping_add(c) % 128);
            }
            prev = Some(c);
            s.len += 1;
        }
        s
    }

    /// Whether the two share at least a third of their distinct characters:
    /// no pair of real names scoring above the threshold fails this.
    fn may_match(self, other: Sketch) -> bool {
        (self.chars & other.chars).count_ones() * 3 >= (self.chars | other.chars).count_ones()
    }

    /// How alike the two look, cheaply: shared pairs count double, shared
    /// characters once, a difference in length against.
    fn likeness(self, other: Sketch) -> i64 {
        let pairs = i64::from((self.pairs & other.pairs).count_ones());
        let chars = i64::from((self.chars & other.chars).count_ones());
        2 * pairs + chars - i64::from(self.len.abs_diff(other.len))
    }
}

/// A candidate waiting to be scored, ordered by likeness, then by earliness.
struct Pending<S, T> {
    likeness: i64,
    index: usize,
    text: S,
    payload: T,
}

impl<S, T> Pending<S, T> {
    fn key(&self) -> (i64, std::cmp::Reverse<usize>) {
        (self.likeness, std::cmp::Reverse(self.index))
    }
}

impl<S, T> PartialEq for Pending<S, T> {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}
impl<S, T> Eq for Pending<S, T> {}
impl<S, T> PartialOrd for Pending<S, T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<S, T> Ord for Pending<S, T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

/// The candidates closest to `name`, best first, at most `n` (each at
/// least [`THRESHOLD`] and within [`MARGIN`] of the best), with their scores. Equal scores keep the
/// candidates' order. Candidates are `(text, payload)`; several texts may
/// carry the same payload (a node's id, name and aliases): a payload is
/// listed once, at its best score.
///
/// Every candidate gets a cheap look (a sketch of its first [`MAX_CHARS`]
/// characters); the [`MAX_COMPARED`] that look most alike are scored.
pub fn ranked<S: AsRef<str>, T: PartialEq>(
    name: &str,
    candidates: impl IntoIterator<Item = (S, T)>,
    n: usize,
) -> Vec<(f64, T)> {
    let shortlist = shortlist(name, candidates);
    let name: String = fold(name).collect();
    let mut scored: Vec<(f64, usize, T)> = Vec::new();
    for p in shortlist {
        let score = strsim::jaro_winkler(&name, &fold(p.text.as_ref()).collect::<String>());
        if score < THRESHOLD {
            continue;
        }
        match scored.iter_mut().find(|s| s.2 == p.payload) {
            Some(s) => {
                if (score, std::cmp::Reverse(p.index)) > (s.0, std::cmp::Reverse(s.1)) {
                    *s = (score, p.index, p.payload);
                }
            }
            None => scored.push((score, p.index, p.payload)),
        }
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let floor = scored.first().map_or(THRESHOLD, |best| best.0 - MARGIN);
    scored.retain(|s| s.0 >= floor);
    scored.truncate(n);
    scored.into_iter().map(|(s, _, p)| (s, p)).collect()
}

/// The at most [`MAX_COMPARED`] candidates that look most like `name`.
fn shortlist<S: AsRef<str>, T>(
    name: &str,
    candidates: impl IntoIterator<Item = (S, T)>,
) -> Vec<Pending<S, T>> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let sketch = Sketch::new(name);
    let mut best: BinaryHeap<Reverse<Pending<S, T>>> = BinaryHeap::new();
    for (index, (text, payload)) in candidates.into_iter().enumerate() {
        let other = Sketch::new(text.as_ref());
        if !sketch.may_match(other) {
            continue;
        }
        let p = Pending {
            likeness: sketch.likeness(other),
            index,
            text,
            payload,
        };
        if best.len() < MAX_COMPARED {
            best.push(Reverse(p));
        } else if best.peek().is_some_and(|worst| p > worst.0) {
            best.pop();
            best.push(Reverse(p));
        }
    }
    best.into_iter().map(|Reverse(p)| p).collect()
}

/// The candidate closest to `name`, if any scores at least [`THRESHOLD`].
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    ranked(name, candidates.into_iter().map(|c| (c, c)), 1)
        .pop()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_misses_only() {
        let kinds = ["Firm", "Nation", "Technology"];
        assert_eq!(closest("Frim", kinds), Some("Firm"));
        assert_eq!(closest("nation", kinds), Some("Nation"));
        assert_eq!(closest("Zebra", kinds), None);
        assert_eq!(
            closest("SUPPLEIS", ["SUPPLIES", "LOCATED_IN"]),
            Some("SUPPLIES")
        );
        assert_eq!(closest("mtch", ["match", "path", "show"]), Some("match"));
        assert_eq!(closest("nosuch", ["nodes", "count", "sum"]), Some("nodes"));
    }

    #[test]
    fn ranks_payloads_once_at_their_best() {
        let c = [("TSMC", 1), ("tsmc", 1), ("Taiwan", 2), ("TSMC Arizona", 3)];
        let r = ranked("TSMCC", c, 3);
        assert_eq!(r.first().map(|x| x.1), Some(1));
        assert_eq!(r.iter().filter(|x| x.1 == 1).count(), 1);
        assert!(
            ranked("TSMCC", [("TSMC", 1), ("SMIC", 2)], 3).len() == 1,
            "SMIC is above the threshold but far below TSMC"
        );
    }

    #[test]
    fn cost_is_bounded_by_the_caps_not_the_input() {
        // A 2 MB name is folded to its first MAX_CHARS characters.
        let huge = "x".repeat(2 << 20);
        assert_eq!(fold(&huge).count(), MAX_CHARS);
        // However many candidates, at most MAX_COMPARED are scored: those
        // that look most alike, so a match among thousands is still found.
        let many: Vec<String> = (0..10 * MAX_COMPARED).map(|i| format!("x{i}")).collect();
        let texts = many
            .iter()
            .map(String::as_str)
            .chain(std::iter::once(huge.as_str()));
        assert_eq!(closest(&huge, texts.clone()), Some(huge.as_str()));
        assert_eq!(shortlist(&huge, texts.map(|t| (t, ()))).len(), MAX_COMPARED);
        let near: Vec<String> = (0..10 * MAX_COMPARED).map(|i| format!("F{i}")).collect();
        assert_eq!(
            closest("F12345", near.iter().map(String::as_str)),
            Some("F1234")
        );
    }
}
