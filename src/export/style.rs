//! How each kind of node looks in a picture: a Graphviz shape and a fill
//! colour. The well-known kinds have fixed styles; any other kind gets a
//! colour from a small palette chosen by a hash of its name, so a kind looks
//! the same in every export and on every machine.

/// A node kind's look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct KindStyle {
    /// Graphviz shape name.
    pub shape: &'static str,
    /// Extra style flags besides `filled` (`rounded` for firms).
    pub extra: &'static str,
    /// Fill colour, `#rrggbb`.
    pub fill: &'static str,
}

/// The well-known kinds of the bundled data set.
const KNOWN: &[(&str, KindStyle)] = &[
    (
        "Nation",
        KindStyle {
            shape: "ellipse",
            extra: "",
            fill: "#9fc5e8",
        },
    ),
    (
        "Bloc",
        KindStyle {
            shape: "doubleoctagon",
            extra: "",
            fill: "#b4a7d6",
        },
    ),
    (
        "Policy",
        KindStyle {
            shape: "note",
            extra: "",
            fill: "#ffe599",
        },
    ),
    (
        "Firm",
        KindStyle {
            shape: "box",
            extra: "rounded",
            fill: "#b6d7a8",
        },
    ),
    (
        "Sector",
        KindStyle {
            shape: "folder",
            extra: "",
            fill: "#f9cb9c",
        },
    ),
    (
        "Technology",
        KindStyle {
            shape: "component",
            extra: "",
            fill: "#a2c4c9",
        },
    ),
    (
        "Risk",
        KindStyle {
            shape: "hexagon",
            extra: "",
            fill: "#ea9999",
        },
    ),
];

/// Fills for other kinds: light, distinct from the known ones and from the
/// red of highlighted paths.
const PALETTE: &[&str] = &[
    "#d5a6bd", "#c9daf8", "#fff2cc", "#d9d2e9", "#d0e0e3", "#fce5cd", "#e6b8af", "#d9d9d9",
];

/// The style of a kind: the known kinds by name (ignoring ASCII case), any
/// other kind a dashed box with a palette colour.
pub(crate) fn kind_style(kind: &str) -> KindStyle {
    for (name, style) in KNOWN {
        if name.eq_ignore_ascii_case(kind) {
            return *style;
        }
    }
    let fill = PALETTE[(fnv1a(kind.as_bytes()) % PALETTE.len() as u64) as usize];
    KindStyle {
        shape: "box",
        extra: "dashed",
        fill,
    }
}

/// FNV-1a: a fixed, tiny hash (std's hashers may change between releases,
/// and colours must not).
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_kinds_have_their_shapes() {
        assert_eq!(kind_style("Nation").shape, "ellipse");
        assert_eq!(kind_style("firm").shape, "box");
        assert_eq!(kind_style("Firm").extra, "rounded");
        assert_eq!(kind_style("Risk").fill, "#ea9999");
    }

    #[test]
    fn unknown_kinds_are_stable_and_spread() {
        // Fixed expectations: a change of hash or palette shows up here.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(kind_style("Port"), kind_style("Port"));
        let fills: std::collections::BTreeSet<&str> = [
            "Port", "Mine", "Ship", "Lab", "Fab", "City", "Cable", "Canal",
        ]
        .iter()
        .map(|k| kind_style(k).fill)
        .collect();
        assert!(fills.len() >= 3, "{fills:?}");
        assert_eq!(kind_style("Port").extra, "dashed");
    }
}
