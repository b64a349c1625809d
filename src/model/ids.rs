//! Typed ids. Every index into the graph is one of these newtypes, so a node
//! id can never be passed where an edge id is expected. petgraph's own
//! indices stay private to `model::graph`.

use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $repr:ty, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub(crate) $repr);

        impl $name {
            /// The id as a dense index (0-based), for indexing side tables.
            #[inline]
            pub fn index(self) -> usize {
                self.0 as usize
            }

            /// Builds the id from a dense index. The caller guarantees the index
            /// came from the same graph.
            #[inline]
            pub fn from_index(index: usize) -> Self {
                Self(index as $repr)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }
    };
}

id_type!(
    /// A node of the graph.
    NodeId, u32, "n"
);
id_type!(
    /// An edge of the graph.
    EdgeId, u32, "e"
);
id_type!(
    /// An interned node kind (`Firm`, `Nation`, ...).
    KindId, u16, "k"
);
id_type!(
    /// An interned edge type (`SUPPLIES`, `LOCATED_IN`, ...).
    EdgeTypeId, u16, "t"
);
id_type!(
    /// An interned property key (`share`, `source`, ...).
    PropKey, u32, "p"
);
id_type!(
    /// An interned string value stored in the graph.
    StrId, u32, "s"
);
