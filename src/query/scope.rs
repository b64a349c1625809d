//! Variables of a statement: each gets a slot in the binding row.

use indexmap::IndexMap;

use crate::diag::{Diagnostic, Span};

/// What a variable holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarKind {
    /// A node.
    Node,
    /// One edge.
    Edge,
    /// A list of edges (a variable-length edge).
    EdgeList,
    /// A path.
    Path,
    /// Any value (bound by `unwind`, `with` or a comprehension).
    Value,
    /// A literal, list or map projected by `with`: never a graph element.
    Data,
}

impl VarKind {
    /// The kind in words (`a node`).
    pub fn noun(self) -> &'static str {
        match self {
            VarKind::Node => "a node",
            VarKind::Edge => "an edge",
            VarKind::EdgeList => "a list of edges",
            VarKind::Path => "a path",
            VarKind::Value => "a value",
            VarKind::Data => "a value that is not a node or an edge",
        }
    }
}

/// The statement's variables and hidden slots.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    vars: IndexMap<String, (usize, VarKind)>,
    slots: usize,
}

impl Scope {
    /// A fresh hidden slot (anonymous pattern elements).
    pub fn hidden(&mut self) -> usize {
        self.slots += 1;
        self.slots - 1
    }

    /// Declares (or re-uses, for joins) a named variable.
    pub fn declare(&mut self, name: &str, kind: VarKind, span: Span) -> Result<usize, Diagnostic> {
        if let Some((slot, existing)) = self.vars.get(name) {
            // A value from `with` may hold a node or an edge: checked when
            // matched; a list from `with` may hold the edges of a `[r*]`.
            let list_of_edges = kind == VarKind::EdgeList && *existing == VarKind::Data;
            if *existing != kind && *existing != VarKind::Value && !list_of_edges {
                return Err(Diagnostic::new(
                    "E0302",
                    format!(
                        "variable `{name}` is {} here but {} elsewhere",
                        kind.noun(),
                        existing.noun()
                    ),
                )
                .at(span)
                .expected(format!("{} (or a new variable name)", existing.noun())));
            }
            return Ok(*slot);
        }
        let slot = self.hidden();
        self.vars.insert(name.to_string(), (slot, kind));
        Ok(slot)
    }

    /// Binds `name` to a fresh slot, hiding any variable of that name
    /// (a comprehension's element, a projection's column).
    pub fn shadow(&mut self, name: &str, kind: VarKind) -> usize {
        let slot = self.hidden();
        self.vars.insert(name.to_string(), (slot, kind));
        slot
    }

    /// Looks a variable up.
    pub fn get(&self, name: &str) -> Option<(usize, VarKind)> {
        self.vars.get(name).copied()
    }

    /// The names of all variables, for "did you mean".
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.vars.keys().map(|s| s.as_str())
    }

    /// The number of slots.
    pub fn len(&self) -> usize {
        self.slots
    }

    /// Whether no slot exists.
    pub fn is_empty(&self) -> bool {
        self.slots == 0
    }
}

/// The closest of `candidates` to `name`, for "did you mean" hints.
pub use crate::diag::closest;
