//! Case-insensitive indexes (names, aliases, ids that are not lower case):
//! lower-cased text to the nodes that carry it.
//!
//! A map from lower-cased `Box<str>` to a list of nodes costs a hundred
//! bytes or so per entry; with a million nodes and three such maps that was
//! a third of a gigabyte. Here an entry is 12 bytes: the hash of the
//! lower-cased text and the node, sorted by hash, so the nodes sharing a
//! text are one contiguous slice. The text is not stored: a lookup confirms
//! candidates by lower-casing the node's own text, which also makes the
//! index immune to hash collisions.

use super::ids::NodeId;
use super::keys::hash_bytes;

/// The case-insensitive form under which names, aliases and ids are
/// looked up (spec: *Node sets*): [`str::to_lowercase`]. Everything that
/// matches text to nodes uses this one normalisation.
pub fn fold(text: &str) -> String {
    text.to_lowercase()
}

/// Lower-cases `text` into `buf` (ASCII without allocating; otherwise the
/// full Unicode rules of [`str::to_lowercase`]), returning the result.
pub(crate) fn fold_into<'b>(text: &str, buf: &'b mut String) -> &'b str {
    buf.clear();
    if text.is_ascii() {
        buf.push_str(text);
        buf.make_ascii_lowercase();
    } else {
        buf.push_str(&text.to_lowercase());
    }
    buf
}

/// A case-insensitive multi-map from text to nodes.
#[derive(Clone, Debug, Default)]
pub(crate) struct FoldIndex {
    hashes: Vec<u64>,
    nodes: Vec<NodeId>,
}

impl FoldIndex {
    /// Builds the index from `(node, text)` pairs, in any order;
    /// `texts(node)` gives every text a node was indexed under (to order
    /// the rare run of equal hashes from different texts).
    pub(crate) fn build<'t, I>(
        pairs: impl Iterator<Item = (NodeId, &'t str)>,
        texts: impl Fn(NodeId) -> I,
    ) -> FoldIndex
    where
        I: Iterator<Item = &'t str>,
    {
        FoldIndex::build_by(pairs, texts, hash_bytes)
    }

    /// [`FoldIndex::build`] with the hash function given (tests collide it).
    fn build_by<'t, I>(
        pairs: impl Iterator<Item = (NodeId, &'t str)>,
        texts: impl Fn(NodeId) -> I,
        hash_bytes: impl Fn(&[u8]) -> u64,
    ) -> FoldIndex
    where
        I: Iterator<Item = &'t str>,
    {
        let mut buf = String::new();
        let mut entries: Vec<(u64, NodeId)> = pairs
            .map(|(n, text)| (hash_bytes(fold_into(text, &mut buf).as_bytes()), n))
            .collect();
        entries.sort_unstable();
        // A node filed twice under one hash (a name repeated as an alias,
        // two aliases differing in case) is one hit.
        entries.dedup();
        // Within a run of equal hashes, the nodes of two different texts (a
        // hash collision) must not interleave, or a text's nodes would not
        // be one slice: such a run is ordered by text, then node.
        let mut i = 0;
        while i < entries.len() {
            let h = entries[i].0;
            let j = i + entries[i..].partition_point(|e| e.0 == h);
            if j - i > 1 {
                let text_of = |n: NodeId| {
                    let mut b = String::new();
                    texts(n)
                        .map(|t| fold_into(t, &mut b).to_string())
                        .find(|t| hash_bytes(t.as_bytes()) == h)
                        .unwrap_or_default()
                };
                let first = text_of(entries[i].1);
                if entries[i + 1..j].iter().any(|e| text_of(e.1) != first) {
                    entries[i..j].sort_by_cached_key(|e| (text_of(e.1), e.1));
                }
            }
            i = j;
        }
        let hashes = entries.iter().map(|e| e.0).collect();
        let nodes = entries.iter().map(|e| e.1).collect();
        FoldIndex { hashes, nodes }
    }

    /// The nodes indexed under `lower` (already lower-cased), in node order.
    /// `matches(node, lower)` confirms a candidate.
    pub(crate) fn get(&self, lower: &str, matches: impl Fn(NodeId, &str) -> bool) -> &[NodeId] {
        self.get_by(lower, matches, hash_bytes)
    }

    fn get_by(
        &self,
        lower: &str,
        matches: impl Fn(NodeId, &str) -> bool,
        hash_bytes: impl Fn(&[u8]) -> u64,
    ) -> &[NodeId] {
        let h = hash_bytes(lower.as_bytes());
        let lo = self.hashes.partition_point(|x| *x < h);
        let hi = lo + self.hashes[lo..].partition_point(|x| *x == h);
        let run = &self.nodes[lo..hi];
        let Some(first) = run.iter().position(|n| matches(*n, lower)) else {
            return &[];
        };
        let len = run[first..]
            .iter()
            .position(|n| !matches(*n, lower))
            .unwrap_or(run.len() - first);
        &run[first..first + len]
    }

    /// The number of entries.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.nodes.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(texts: &[&str]) -> FoldIndex {
        FoldIndex::build(
            texts
                .iter()
                .enumerate()
                .map(|(i, t)| (NodeId(i as u32), *t)),
            |n| std::iter::once(texts[n.index()]),
        )
    }

    #[test]
    fn finds_every_node_of_a_text_case_insensitively() {
        let texts = ["Taiwan", "TAIWAN", "Korea", "taiwan", "Straße"];
        let idx = index(&texts);
        let matches = |n: NodeId, lower: &str| texts[n.index()].to_lowercase() == lower;
        let ids = |s: &[NodeId]| s.iter().map(|n| n.index()).collect::<Vec<_>>();
        assert_eq!(ids(idx.get("taiwan", matches)), [0, 1, 3]);
        assert_eq!(ids(idx.get("korea", matches)), [2]);
        assert_eq!(ids(idx.get("straße", matches)), [4]);
        assert!(idx.get("japan", matches).is_empty());
        assert_eq!(idx.len(), 5);
    }

    #[test]
    fn colliding_hashes_keep_each_text_one_slice() {
        let texts = ["b", "A", "c", "a", "B", "a"];
        let same = |_: &[u8]| 7;
        let idx = FoldIndex::build_by(
            texts
                .iter()
                .enumerate()
                .map(|(i, t)| (NodeId(i as u32), *t)),
            |n| std::iter::once(texts[n.index()]),
            same,
        );
        let matches = |n: NodeId, lower: &str| texts[n.index()].to_lowercase() == lower;
        let ids = |s: &[NodeId]| s.iter().map(|n| n.index()).collect::<Vec<_>>();
        assert_eq!(ids(idx.get_by("a", matches, same)), [1, 3, 5]);
        assert_eq!(ids(idx.get_by("b", matches, same)), [0, 4]);
        assert_eq!(ids(idx.get_by("c", matches, same)), [2]);
        assert!(idx.get_by("d", matches, same).is_empty());
    }

    #[test]
    fn folding_matches_to_lowercase() {
        let mut buf = String::new();
        for t in ["ABC def", "ΣΑΣ", "İstanbul", ""] {
            assert_eq!(fold_into(t, &mut buf), t.to_lowercase());
        }
    }
}
