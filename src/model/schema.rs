//! The schema: declared kinds and edge types, their properties, and the
//! roles and directions that tell the analyses which edges are dependencies.

use indexmap::IndexMap;

use super::value::PropType;

/// What an edge type means to the analyses (spec: *Dependency analysis*).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Role {
    /// A dependency arc between a consumer and its provider.
    Dependency,
    /// `from` belongs to `to` (a firm to its nation).
    Membership,
    /// `from` acts on `to` (a policy on a nation).
    Impact,
    /// Anything else; ignored by the analyses unless named in `via`.
    #[default]
    Other,
}

impl Role {
    /// Parses a schema role name.
    pub fn parse(text: &str) -> Option<Role> {
        Some(match text {
            "dependency" => Role::Dependency,
            "membership" => Role::Membership,
            "impact" => Role::Impact,
            "other" => Role::Other,
            _ => return None,
        })
    }

    /// The role's schema name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Dependency => "dependency",
            Role::Membership => "membership",
            Role::Impact => "impact",
            Role::Other => "other",
        }
    }
}

/// Which endpoint of a dependency edge is the dependent (consumer).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Direction {
    /// `from` depends on `to`.
    #[default]
    Forward,
    /// `to` depends on `from` (e.g. `SUPPLIES`).
    Reverse,
}

impl Direction {
    /// Parses a schema direction name.
    pub fn parse(text: &str) -> Option<Direction> {
        Some(match text {
            "forward" => Direction::Forward,
            "reverse" => Direction::Reverse,
            _ => return None,
        })
    }

    /// The direction's schema name.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Forward => "forward",
            Direction::Reverse => "reverse",
        }
    }
}

/// A declared node kind.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KindDef {
    /// Declared property types.
    pub props: IndexMap<String, PropType>,
}

/// A declared edge type.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EdgeTypeDef {
    /// Kinds allowed at `from` (empty: any).
    pub from: Vec<String>,
    /// Kinds allowed at `to` (empty: any).
    pub to: Vec<String>,
    /// The role for the analyses.
    pub role: Role,
    /// Which end is the dependent.
    pub direction: Direction,
    /// Declared property types.
    pub props: IndexMap<String, PropType>,
    /// Whether two edges with the same `from`, `to` and type are allowed.
    pub multi: bool,
}

/// A parsed `schema.toml`. With a schema, loading is strict.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Schema {
    /// Kinds by name, in declaration order.
    pub kinds: IndexMap<String, KindDef>,
    /// Edge types by name, in declaration order.
    pub edges: IndexMap<String, EdgeTypeDef>,
}

impl Schema {
    /// The declared type of a node property, if any.
    pub fn node_prop_type(&self, kind: &str, prop: &str) -> Option<&PropType> {
        self.kinds.get(kind)?.props.get(prop)
    }

    /// The declared type of an edge property, if any.
    pub fn edge_prop_type(&self, edge_type: &str, prop: &str) -> Option<&PropType> {
        self.edges.get(edge_type)?.props.get(prop)
    }

    /// Merges another schema into this one (several `--data` sets). A kind or
    /// edge type declared twice must agree; the error names it.
    pub fn merge(&mut self, other: Schema) -> Result<(), String> {
        for (name, def) in other.kinds {
            match self.kinds.get_mut(&name) {
                None => {
                    self.kinds.insert(name, def);
                }
                Some(existing) => {
                    for (p, t) in def.props {
                        if let Some(old) = existing.props.get(&p)
                            && *old != t
                        {
                            return Err(format!(
                                "kind {name}: property {p} declared as {old} and as {t}"
                            ));
                        }
                        existing.props.insert(p, t);
                    }
                }
            }
        }
        for (name, def) in other.edges {
            match self.edges.get(&name) {
                Some(existing) if *existing != def => {
                    return Err(format!("edge type {name} is declared twice, differently"));
                }
                Some(_) => {}
                None => {
                    self.edges.insert(name, def);
                }
            }
        }
        Ok(())
    }
}
