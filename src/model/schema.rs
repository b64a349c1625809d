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
    /// A restriction policy (`from`) applies to a destination (`to`).
    Destination,
    /// A nation or bloc (`from`) enacts a policy (`to`).
    Enactor,
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
            "destination" => Role::Destination,
            "enactor" => Role::Enactor,
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
            Role::Destination => "destination",
            Role::Enactor => "enactor",
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

/// Declares a small closed set of schema words: the enum, its parser and
/// its names (for messages and printing).
macro_rules! schema_words {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $var:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $var),+
        }

        impl $name {
            /// Every value's schema name, for messages.
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            /// Parses a schema name.
            pub fn parse(text: &str) -> Option<$name> {
                match text {
                    $($text => Some($name::$var),)+
                    _ => None,
                }
            }

            /// The schema name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$var => $text),+
                }
            }
        }
    };
}

schema_words! {
    /// How a dependency arc combines with the consumer's others
    /// (dependency-model.md, *Arcs and their modes*).
    Mode {
        /// One of the consumer's sources of supply: share-weighted sum.
        Source = "source",
        /// Needed to produce: the worst requirement decides (maximum).
        Requirement = "requirement",
    }
}

schema_words! {
    /// Which placement a membership type expresses (dependency-model.md,
    /// *Places*); on an impact type, what the impact hits.
    Scope {
        /// Where production physically happens.
        Territory = "territory",
        /// Who controls it.
        Jurisdiction = "jurisdiction",
        /// Both.
        Both = "both",
    }
}

schema_words! {
    /// Which silence counts as unknown for a kind (`needs_supply`).
    NeedsSupply {
        /// A node without general sources is silent (markets, technologies).
        Sources = "sources",
        /// A node without any dependency arc is silent (firms).
        Any = "any",
    }
}

schema_words! {
    /// What a node of a kind means as a shock (`shock`).
    ShockKind {
        /// Hits through its impact edges, with their severities.
        Risk = "risk",
        /// A restriction policy: a cut rule (enactor, destinations, targets).
        Policy = "policy",
    }
}

schema_words! {
    /// The direction of trade a `destination` type restricts (`flow`).
    Flow {
        /// Export controls: the destination may not buy from the enactor.
        Export = "export",
        /// An import ban: the enactor may not buy from the destination.
        Import = "import",
    }
}

/// A declared node kind.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KindDef {
    /// Declared property types.
    pub props: IndexMap<String, PropType>,
    /// Whether nodes of this kind are places (`polity = true`: Nation, Bloc).
    pub polity: bool,
    /// Which silence counts as unknown (`needs_supply`).
    pub needs_supply: Option<NeedsSupply>,
    /// What a node of this kind means as a shock (`shock`).
    pub shock: Option<ShockKind>,
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
    /// On a dependency type: its arcs' mode (`None`: `source`).
    pub mode: Option<Mode>,
    /// On a membership type (`None`: `both`) or an impact type (`None`:
    /// `territory`).
    pub scope: Option<Scope>,
    /// On a destination type: the flow it restricts (`None`: `export`).
    pub flow: Option<Flow>,
}

impl EdgeTypeDef {
    /// The mode of this type's arcs (default `source`).
    pub fn mode(&self) -> Mode {
        self.mode.unwrap_or(Mode::Source)
    }

    /// The scope of a membership (default `both`) or impact (default
    /// `territory`) type.
    pub fn scope(&self) -> Scope {
        self.scope.unwrap_or(if self.role == Role::Impact {
            Scope::Territory
        } else {
            Scope::Both
        })
    }
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
                    let flags = |k: &KindDef| (k.polity, k.needs_supply, k.shock);
                    let declares =
                        |k: &KindDef| k.polity || k.needs_supply.is_some() || k.shock.is_some();
                    if declares(existing) && declares(&def) && flags(existing) != flags(&def) {
                        return Err(format!(
                            "kind {name}: polity, needs_supply or shock declared twice, differently"
                        ));
                    }
                    if !declares(existing) {
                        (existing.polity, existing.needs_supply, existing.shock) = flags(&def);
                    }
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
