//! The graph an importer builds before it is written: nodes and edges with
//! typed properties, each assigned to an output file, plus the schema the
//! data set declares. Keyed by id and by (from, to, type), so iteration order
//! — and therefore the written files — is deterministic.

use std::collections::BTreeMap;

/// A property value as it will be written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Prop {
    /// Text.
    Str(String),
    /// A finite float.
    Float(f64),
    /// An integer.
    Int(i64),
    /// A flag.
    Bool(bool),
}

impl Prop {
    /// The cell text: floats in Rust's shortest round-trip form, which uses an
    /// exponent for very large or small values (`6.875e20`), so no float is
    /// ever written as a digit string that looks like an oversized integer.
    pub fn to_cell(&self) -> String {
        match self {
            Prop::Str(s) => s.clone(),
            Prop::Float(f) => format!("{f:?}"),
            Prop::Int(i) => i.to_string(),
            Prop::Bool(b) => b.to_string(),
        }
    }
}

impl From<&str> for Prop {
    fn from(s: &str) -> Prop {
        Prop::Str(s.to_string())
    }
}

impl From<String> for Prop {
    fn from(s: String) -> Prop {
        Prop::Str(s)
    }
}

impl From<f64> for Prop {
    fn from(f: f64) -> Prop {
        Prop::Float(f)
    }
}

impl From<bool> for Prop {
    fn from(b: bool) -> Prop {
        Prop::Bool(b)
    }
}

/// A node to write.
#[derive(Debug, Clone)]
pub(crate) struct OutNode {
    pub id: String,
    pub kind: &'static str,
    pub name: String,
    pub aliases: Vec<String>,
    pub props: BTreeMap<String, Prop>,
    /// Output file under `nodes/`, without extension.
    pub file: &'static str,
}

impl OutNode {
    /// A node with no aliases or properties yet.
    pub fn new(
        id: impl Into<String>,
        kind: &'static str,
        name: impl Into<String>,
        file: &'static str,
    ) -> OutNode {
        OutNode {
            id: id.into(),
            kind,
            name: name.into(),
            aliases: Vec::new(),
            props: BTreeMap::new(),
            file,
        }
    }

    /// Sets a property (an empty string is no value and is not set).
    pub fn set(&mut self, key: &str, value: impl Into<Prop>) -> &mut OutNode {
        set_prop(&mut self.props, key, value.into());
        self
    }

    /// Adds an alias unless it is empty, the name, or already there (case-insensitively).
    pub fn add_alias(&mut self, alias: &str) {
        let a = alias.trim();
        let key = super::cells::name_key(a);
        if a.is_empty()
            || key == super::cells::name_key(&self.name)
            || self
                .aliases
                .iter()
                .any(|x| super::cells::name_key(x) == key)
        {
            return;
        }
        self.aliases.push(a.to_string());
    }
}

/// An edge to write.
#[derive(Debug, Clone)]
pub(crate) struct OutEdge {
    pub from: String,
    pub to: String,
    pub ty: &'static str,
    pub props: BTreeMap<String, Prop>,
    /// Output file under `edges/`, without extension.
    pub file: &'static str,
}

impl OutEdge {
    /// An edge with no properties yet.
    pub fn new(
        from: impl Into<String>,
        to: impl Into<String>,
        ty: &'static str,
        file: &'static str,
    ) -> OutEdge {
        OutEdge {
            from: from.into(),
            to: to.into(),
            ty,
            props: BTreeMap::new(),
            file,
        }
    }

    /// Sets a property (an empty string is no value and is not set).
    pub fn set(&mut self, key: &str, value: impl Into<Prop>) -> &mut OutEdge {
        set_prop(&mut self.props, key, value.into());
        self
    }

    /// The edge's `share`, if it has one.
    pub fn share(&self) -> Option<f64> {
        match self.props.get("share") {
            Some(Prop::Float(f)) => Some(*f),
            _ => None,
        }
    }
}

fn set_prop(props: &mut BTreeMap<String, Prop>, key: &str, value: Prop) {
    if matches!(&value, Prop::Str(s) if s.trim().is_empty()) {
        return;
    }
    props.insert(key.to_string(), value);
}

/// The (from, to, type) key that must be unique.
pub(crate) type EdgeKey = (String, String, &'static str);

/// Nodes and edges of one imported data set.
#[derive(Debug, Default)]
pub(crate) struct OutGraph {
    pub nodes: BTreeMap<String, OutNode>,
    pub edges: BTreeMap<EdgeKey, OutEdge>,
}

impl OutGraph {
    /// Adds a node; `false` (and no change) when the id is taken.
    pub fn add_node(&mut self, node: OutNode) -> bool {
        if self.nodes.contains_key(&node.id) {
            return false;
        }
        self.nodes.insert(node.id.clone(), node);
        true
    }

    /// Whether a node id is taken in this graph.
    pub fn has_node(&self, id: &str) -> bool {
        self.nodes.contains_key(id)
    }

    /// The edge with this key, if present.
    pub fn edge_mut(&mut self, from: &str, to: &str, ty: &'static str) -> Option<&mut OutEdge> {
        self.edges.get_mut(&(from.to_string(), to.to_string(), ty))
    }

    /// Adds an edge; returns it back when one with the same key exists, so
    /// the caller decides how to merge.
    pub fn add_edge(&mut self, edge: OutEdge) -> Result<(), OutEdge> {
        let key = (edge.from.clone(), edge.to.clone(), edge.ty);
        if self.edges.contains_key(&key) {
            return Err(edge);
        }
        self.edges.insert(key, edge);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_never_look_like_oversized_integers() {
        assert_eq!(Prop::Float(6.875e20).to_cell(), "6.875e20");
        assert_eq!(Prop::Float(1.0).to_cell(), "1.0");
        assert_eq!(Prop::Float(0.603).to_cell(), "0.603");
        assert_eq!(
            Prop::Float(33114941199151700000.0).to_cell(),
            "3.31149411991517e19"
        );
    }

    #[test]
    fn empty_strings_are_not_set_and_aliases_are_deduplicated() {
        let mut n = OutNode::new("x", "Firm", "Canon", "firms");
        n.set("note", "  ");
        assert!(n.props.is_empty());
        n.add_alias("Canon ANELVA");
        n.add_alias("canon anelva");
        n.add_alias("CANON");
        n.add_alias("");
        assert_eq!(n.aliases, vec!["Canon ANELVA"]);
    }

    #[test]
    fn duplicate_edges_are_handed_back() {
        let mut g = OutGraph::default();
        assert!(g.add_edge(OutEdge::new("a", "b", "T", "e")).is_ok());
        assert!(g.add_edge(OutEdge::new("a", "b", "T", "e")).is_err());
        assert!(g.add_edge(OutEdge::new("a", "b", "U", "e")).is_ok());
        assert!(g.add_node(OutNode::new("a", "K", "A", "n")));
        assert!(!g.add_node(OutNode::new("a", "K", "A2", "n")));
    }
}
