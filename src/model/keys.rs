//! The node id index: every id in one string arena, found through an
//! open-addressing hash table.
//!
//! Loading a million-node graph resolves two ids per edge, tens of millions
//! of lookups, so this is the loader's hottest table. A `HashMap<Box<str>,
//! NodeId>` costs a heap allocation per id and, per lookup, a SipHash and a
//! pointer chase to the key. Here a slot is 16 bytes holding the node, 32
//! bits of the hash (with the key length in its low byte) and the key's first
//! 8 bytes: an id of at most 8 bytes (most are) is confirmed inside the slot,
//! one cache miss per lookup; longer ids are compared in the arena. A slot
//! also carries 16 bits of payload (the node's kind), so resolving an
//! edge's ends yields their kinds without touching another table.

/// A hash of a byte string: a multiply-rotate over 8-byte words, finished
/// with a full avalanche so every bit of the result is usable (the table
/// takes its low bits for the bucket and its high bits for the tag).
#[inline]
pub(crate) fn hash_bytes(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = (bytes.len() as u64).wrapping_mul(K);
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        h = (h ^ word(w)).wrapping_mul(K).rotate_left(31);
    }
    let rest = words.remainder();
    if !rest.is_empty() {
        h = (h ^ word(rest)).wrapping_mul(K);
    }
    // murmur3's 64-bit finalizer.
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    h ^ (h >> 33)
}

/// The first 8 bytes as a little-endian word, zero-padded. Short keys are
/// read as two overlapping halves (no byte-by-byte copy: this runs for
/// every id of every edge).
#[inline]
fn word(bytes: &[u8]) -> u64 {
    let n = bytes.len();
    if n >= 8 {
        let mut w = [0u8; 8];
        w.copy_from_slice(&bytes[..8]);
        u64::from_le_bytes(w)
    } else if n >= 4 {
        let lo = u64::from(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]));
        let hi = u64::from(u32::from_le_bytes([
            bytes[n - 4],
            bytes[n - 3],
            bytes[n - 2],
            bytes[n - 1],
        ]));
        lo | hi << ((n - 4) * 8)
    } else if n > 0 {
        u64::from(bytes[0])
            | u64::from(bytes[n / 2]) << (n / 2 * 8)
            | u64::from(bytes[n - 1]) << ((n - 1) * 8)
    } else {
        0
    }
}

/// One table slot; `node == 0` marks it empty (nodes are stored plus one, so
/// a fresh table is all zeros).
#[derive(Clone, Copy, Debug, Default)]
struct Slot {
    node: u32,
    data: u16,
    tag: u16,
    head: u64,
}

/// What a probe compares: the tag (8 hash bits and the length) and the
/// first word.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Probe {
    hash: u64,
    tag: u16,
    head: u64,
}

impl Probe {
    /// The probe for `key`.
    #[inline]
    pub(crate) fn new(key: &str) -> Probe {
        let bytes = key.as_bytes();
        let hash = hash_bytes(bytes);
        let len = bytes.len().min(255) as u16;
        Probe {
            hash,
            tag: ((hash >> 48) as u16 & 0xFF00) | len,
            head: word(bytes),
        }
    }
}

/// Node ids (the `id` column), interned in load order: key `i` is node `i`.
#[derive(Clone, Debug, Default)]
pub(crate) struct KeyIndex {
    text: String,
    /// `ends[i]` is where key `i` ends in `text` (it starts where `i - 1` ends).
    ends: Vec<usize>,
    slots: Vec<Slot>,
}

/// At most 3/4 of the slots are used, so probe runs stay short.
const MIN_SLOTS: usize = 16;

impl KeyIndex {
    /// The number of keys.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Key `i` (a node's id).
    #[inline]
    pub(crate) fn key(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    /// Makes room for `more` keys of about `bytes` bytes in all.
    pub(crate) fn reserve(&mut self, more: usize, bytes: usize) {
        self.text.reserve(bytes);
        self.ends.reserve(more);
        self.grow_for(self.len() + more);
    }

    /// The node with this id.
    #[inline]
    pub(crate) fn get(&self, key: &str) -> Option<u32> {
        self.get_probed(key, &Probe::new(key)).map(|(n, _)| n)
    }

    /// The node with this id and its payload, the probe already computed.
    #[inline]
    pub(crate) fn get_probed(&self, key: &str, p: &Probe) -> Option<(u32, u16)> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = p.hash as usize & mask;
        loop {
            let s = self.slots[i];
            if s.node == 0 {
                return None;
            }
            if s.tag == p.tag
                && s.head == p.head
                && (key.len() <= 8 || self.key(s.node as usize - 1) == key)
            {
                return Some((s.node - 1, s.data));
            }
            i = (i + 1) & mask;
        }
    }

    /// Reads the first slot of each probe (returning a value only so the
    /// reads are not optimized away): independent loads, so the processor
    /// overlaps their cache misses; the lookups that follow then hit the cache.
    #[inline]
    pub(crate) fn touch<'p>(&self, probes: impl Iterator<Item = &'p Probe>) -> u16 {
        if self.slots.is_empty() {
            return 0;
        }
        let mask = self.slots.len() - 1;
        probes.fold(0, |acc, p| acc ^ self.slots[p.hash as usize & mask].tag)
    }

    /// Adds `key` as the next node, or returns the node that already has it.
    #[cfg(test)]
    pub(crate) fn insert(&mut self, key: &str) -> Result<u32, u32> {
        self.insert_probed(key, &Probe::new(key), 0)
    }

    /// [`KeyIndex::insert`] with the probe already computed and a payload.
    #[allow(
        clippy::expect_used,
        reason = "an invariant, named in the expect message"
    )]
    pub(crate) fn insert_probed(&mut self, key: &str, p: &Probe, data: u16) -> Result<u32, u32> {
        self.grow_for(self.len() + 1);
        let mask = self.slots.len() - 1;
        let mut i = p.hash as usize & mask;
        loop {
            let s = self.slots[i];
            if s.node == 0 {
                break;
            }
            if s.tag == p.tag
                && s.head == p.head
                && (key.len() <= 8 || self.key(s.node as usize - 1) == key)
            {
                return Err(s.node - 1);
            }
            i = (i + 1) & mask;
        }
        let node = u32::try_from(self.len()).expect("node ids are u32: fewer than 2^32 nodes");
        self.slots[i] = Slot {
            node: node + 1,
            data,
            tag: p.tag,
            head: p.head,
        };
        self.text.push_str(key);
        self.ends.push(self.text.len());
        Ok(node)
    }

    /// Grows the table (rehashing from the arena) to hold `want` keys.
    fn grow_for(&mut self, want: usize) {
        if want * 4 <= self.slots.len() * 3 {
            return;
        }
        let size = (want * 4 / 3 + 1).next_power_of_two().max(MIN_SLOTS);
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); size]);
        let mask = size - 1;
        for s in old.into_iter().filter(|s| s.node != 0) {
            let p = Probe::new(self.key(s.node as usize - 1));
            let mut i = p.hash as usize & mask;
            while self.slots[i].node != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = s;
        }
    }

    /// Every key with its node, in node order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u32, &str)> {
        (0..self.len()).map(|i| (i as u32, self.key(i)))
    }

    /// Frees spare capacity (after loading).
    pub(crate) fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_found_and_duplicates_refused() {
        let mut k = KeyIndex::default();
        let ids: Vec<String> = (0..5000).map(|i| format!("node-{i}")).collect();
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(k.insert(id), Ok(i as u32));
        }
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(k.get(id), Some(i as u32));
            assert_eq!(k.key(i), id);
            assert_eq!(k.insert(id), Err(i as u32));
        }
        assert_eq!(k.get("node-5000"), None);
        assert_eq!(k.len(), 5000);
    }

    #[test]
    fn short_keys_differing_only_in_length_or_padding_are_distinct() {
        let mut k = KeyIndex::default();
        for id in ["a", "a\0", "", "abcdefgh", "abcdefghi", "abcdefgh\0"] {
            assert!(k.insert(id).is_ok(), "{id:?}");
        }
        assert_eq!(k.get("a\0"), Some(1));
        assert_eq!(k.get(""), Some(2));
        assert_eq!(k.get("abcdefghi"), Some(4));
        assert_eq!(k.get("abcdefgh\0\0"), None);
    }

    #[test]
    fn words_are_zero_padded_prefixes() {
        let text = b"abcdefghijk";
        for n in 0..=text.len() {
            let mut w = [0u8; 8];
            w[..n.min(8)].copy_from_slice(&text[..n.min(8)]);
            assert_eq!(word(&text[..n]), u64::from_le_bytes(w), "length {n}");
        }
    }

    #[test]
    fn payloads_survive_growth() {
        let mut k = KeyIndex::default();
        for i in 0..1000u16 {
            let id = format!("a-rather-long-node-id-{i}");
            assert_eq!(k.insert_probed(&id, &Probe::new(&id), i), Ok(u32::from(i)));
        }
        let id = "a-rather-long-node-id-777";
        assert_eq!(k.get_probed(id, &Probe::new(id)), Some((777, 777)));
    }

    #[test]
    fn hashing_spreads_sequential_ids() {
        // Synthetic ids (`F1`, `F2`, ...) must not pile into a few buckets.
        let mut buckets = vec![0u32; 1024];
        for i in 0..100_000 {
            buckets[hash_bytes(format!("F{i}").as_bytes()) as usize & 1023] += 1;
        }
        let max = buckets.iter().max().copied().unwrap_or(0);
        assert!(max < 200, "fullest bucket has {max} of ~98");
    }
}
