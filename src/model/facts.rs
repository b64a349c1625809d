//! What the dependency model (v2) reads from the schema and from edge and
//! node properties, resolved once per graph into tables by type and kind:
//! the `mode` of dependency arcs (an edge's `mode` property overrides its
//! type's), `essential`, `input` and `severity` on edges, `scope` and `flow`
//! on types, `polity`, `needs_supply` and `shock` on kinds, `worldwide` on
//! nodes.

use super::graph::Graph;
use super::ids::{EdgeId, EdgeTypeId, NodeId, PropKey};
use super::schema::{Flow, Mode, NeedsSupply, Role, Scope, ShockKind};
use super::value::Value;

/// The dependency model's facts about one graph (cheap: a few entries per
/// kind and edge type).
#[derive(Clone, Debug)]
pub struct ModelFacts {
    type_mode: Vec<Mode>,
    type_scope: Vec<Scope>,
    type_flow: Vec<Flow>,
    kind_polity: Vec<bool>,
    kind_needs: Vec<Option<NeedsSupply>>,
    kind_shock: Vec<Option<ShockKind>>,
    mode_key: Option<PropKey>,
    essential_key: Option<PropKey>,
    input_key: Option<PropKey>,
    severity_key: Option<PropKey>,
    worldwide_key: Option<PropKey>,
    /// Whether some edge's `mode` property says `requirement`.
    any_required_edge: bool,
    /// Whether some edge carries `input`.
    any_input_edge: bool,
}

impl ModelFacts {
    /// Reads the schema (none: every arc a source, no polity) and interns
    /// the property keys the model reads.
    pub fn new(g: &Graph) -> ModelFacts {
        let schema = g.schema();
        let mut f = ModelFacts {
            type_mode: Vec::new(),
            type_scope: Vec::new(),
            type_flow: Vec::new(),
            kind_polity: Vec::new(),
            kind_needs: Vec::new(),
            kind_shock: Vec::new(),
            mode_key: g.prop_key("mode"),
            essential_key: g.prop_key("essential"),
            input_key: g.prop_key("input"),
            severity_key: g.prop_key("severity"),
            worldwide_key: g.prop_key("worldwide"),
            any_required_edge: false,
            any_input_edge: false,
        };
        // A declared key is interned whether or not an edge uses it: look.
        if f.mode_key.is_some() || f.input_key.is_some() {
            for e in g.edges() {
                if g.edge_type_info(g.edge_type(e)).role != Role::Dependency {
                    continue;
                }
                f.any_required_edge |=
                    matches!(f.edge_mode_prop(g, e), Ok(Some(Mode::Requirement)));
                f.any_input_edge |= f.input_prop(g, e).is_some();
            }
        }
        for (_, info) in g.edge_types() {
            let def = schema.and_then(|s| s.edges.get(&*info.name));
            f.type_mode.push(def.map_or(Mode::Source, |d| d.mode()));
            f.type_scope.push(def.map_or(
                if info.role == Role::Impact {
                    Scope::Territory
                } else {
                    Scope::Both
                },
                |d| d.scope(),
            ));
            f.type_flow
                .push(def.and_then(|d| d.flow).unwrap_or(Flow::Export));
        }
        for (_, name) in g.kinds() {
            let def = schema.and_then(|s| s.kinds.get(name));
            f.kind_polity.push(def.is_some_and(|d| d.polity));
            f.kind_needs.push(def.and_then(|d| d.needs_supply));
            f.kind_shock.push(def.and_then(|d| d.shock));
        }
        f
    }

    /// The mode of a type's arcs.
    pub fn type_mode(&self, t: EdgeTypeId) -> Mode {
        self.type_mode
            .get(t.index())
            .copied()
            .unwrap_or(Mode::Source)
    }

    /// Whether any edge type is of mode `requirement` or any edge carries
    /// a `mode` property (else every arc is a source: v1's fast path).
    pub fn may_require(&self) -> bool {
        self.any_required_edge || self.type_mode.contains(&Mode::Requirement)
    }

    /// Whether any edge may carry a property the model reads, or a risk
    /// kind exists (else the loader's checks have nothing to look at).
    pub fn has_edge_props(&self) -> bool {
        self.mode_key.is_some()
            || self.essential_key.is_some()
            || self.input_key.is_some()
            || self.severity_key.is_some()
            || self.kind_shock.contains(&Some(ShockKind::Risk))
    }

    /// Whether any edge carries an `input` property.
    pub fn has_inputs(&self) -> bool {
        self.any_input_edge
    }

    /// The `mode` an edge's own property names, `Err(text)` when it names
    /// none (the loader reports it), `Ok(None)` when it has none.
    pub fn edge_mode_prop(&self, g: &Graph, e: EdgeId) -> Result<Option<Mode>, String> {
        match self.mode_key.and_then(|k| g.edge_prop_by_key(e, k)) {
            None => Ok(None),
            Some(Value::Str(s)) => Mode::parse(&s).map(Some).ok_or_else(|| s.to_string()),
            Some(other) => Err(other.to_string()),
        }
    }

    /// The mode of arc `e`: its `mode` property, else its type's.
    #[inline]
    pub fn mode(&self, g: &Graph, e: EdgeId) -> Mode {
        let t = self.type_mode(g.edge_type(e));
        if self.mode_key.is_none() {
            return t;
        }
        self.edge_mode_prop(g, e).ok().flatten().unwrap_or(t)
    }

    /// A float property of an edge, if present and numeric.
    fn edge_float(g: &Graph, e: EdgeId, key: Option<PropKey>) -> Option<f64> {
        key.and_then(|k| g.edge_prop_by_key(e, k))
            .and_then(|v| v.as_f64())
    }

    /// `essential` of a requirement arc, in (0, 1] (default 1).
    pub fn essential(&self, g: &Graph, e: EdgeId) -> f64 {
        match Self::edge_float(g, e, self.essential_key) {
            Some(x) if x > 0.0 && x <= 1.0 => x,
            _ => 1.0,
        }
    }

    /// The raw `essential` property, if any.
    pub fn essential_prop(&self, g: &Graph, e: EdgeId) -> Option<Value> {
        self.essential_key.and_then(|k| g.edge_prop_by_key(e, k))
    }

    /// The `severity` of an impact edge, if it has one.
    pub fn severity(&self, g: &Graph, e: EdgeId) -> Option<f64> {
        Self::edge_float(g, e, self.severity_key)
    }

    /// The raw `severity` property, if any.
    pub fn severity_prop(&self, g: &Graph, e: EdgeId) -> Option<Value> {
        self.severity_key.and_then(|k| g.edge_prop_by_key(e, k))
    }

    /// The raw `input` property of an edge, if any.
    pub fn input_prop(&self, g: &Graph, e: EdgeId) -> Option<Value> {
        self.input_key.and_then(|k| g.edge_prop_by_key(e, k))
    }

    /// The requirement a source arc serves (`input`), if it names a node.
    pub fn input(&self, g: &Graph, e: EdgeId) -> Option<NodeId> {
        match self.input_prop(g, e)? {
            Value::Str(s) => g.node_by_key(&s),
            _ => None,
        }
    }

    /// The scope of a membership or impact type.
    pub fn scope(&self, t: EdgeTypeId) -> Scope {
        self.type_scope
            .get(t.index())
            .copied()
            .unwrap_or(Scope::Both)
    }

    /// The flow a destination type restricts.
    pub fn flow(&self, t: EdgeTypeId) -> Flow {
        self.type_flow
            .get(t.index())
            .copied()
            .unwrap_or(Flow::Export)
    }

    /// Whether `n` is a place (its kind has `polity = true`).
    #[inline]
    pub fn polity(&self, g: &Graph, n: NodeId) -> bool {
        self.kind_polity
            .get(g.node_kind(n).index())
            .copied()
            .unwrap_or(false)
    }

    /// `needs_supply` of `n`'s kind.
    #[inline]
    pub fn needs_supply(&self, g: &Graph, n: NodeId) -> Option<NeedsSupply> {
        self.kind_needs
            .get(g.node_kind(n).index())
            .copied()
            .flatten()
    }

    /// `shock` of `n`'s kind.
    pub fn shock(&self, g: &Graph, n: NodeId) -> Option<ShockKind> {
        self.kind_shock
            .get(g.node_kind(n).index())
            .copied()
            .flatten()
    }

    /// Whether a policy node says `worldwide = true`.
    pub fn worldwide(&self, g: &Graph, n: NodeId) -> bool {
        matches!(
            self.worldwide_key.and_then(|k| g.node_prop_by_key(n, k)),
            Some(Value::Bool(true))
        )
    }
}
