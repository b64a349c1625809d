//! A fast, non-cryptographic hasher shared by the loader and the query
//! engine.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A fast hasher for integer-keyed maps (the loader's duplicate-edge check,
/// the query engine's groups and distinct sets); a multiply-rotate in the
/// style of rustc's FxHash.
/// Not DoS-resistant, which does not matter for data the user loads.
#[derive(Clone, Copy, Debug, Default)]
pub struct Fx(u64);

impl Fx {
    #[inline]
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// The integer writes of [`Hasher`]: each integer is one word.
macro_rules! widen {
    ($($name:ident: $t:ty),*) => {
        $(
            #[inline]
            fn $name(&mut self, i: $t) {
                self.add(i as u64);
            }
        )*
    };
}

impl Hasher for Fx {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }
    widen!(write_u8: u8, write_u16: u16, write_u32: u32, write_u64: u64, write_usize: usize);
    #[inline]
    fn finish(&self) -> u64 {
        // The high bits pick hashbrown's control byte; rotating mixes the
        // well-spread high product bits into the low ones that pick buckets.
        self.0.rotate_left(26)
    }
}

/// A `HashMap` with [`Fx`].
pub type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

/// A `HashSet` with [`Fx`].
pub type FxSet<T> = HashSet<T, BuildHasherDefault<Fx>>;
