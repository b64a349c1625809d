//! What the schema allows, resolved to interned ids once per load so the
//! per-row checks are integer comparisons, and the typing of cell values.
//! Without a schema every kind and edge type is accepted and values are
//! inferred.

use crate::model::{EdgeTypeId, GraphBuilder, KindId, PropKey, PropType, Schema, Value};

/// The checks for one declared edge type.
#[derive(Debug, Default)]
pub(crate) struct EdgeRule {
    /// Kinds allowed at `from` (empty: any).
    pub from: Vec<KindId>,
    /// Kinds allowed at `to` (empty: any).
    pub to: Vec<KindId>,
    /// Their names, for messages.
    pub from_names: Vec<String>,
    /// Their names, for messages.
    pub to_names: Vec<String>,
    /// Whether parallel edges of this type are allowed.
    pub multi: bool,
    /// Declared property types.
    pub props: Vec<(PropKey, PropType)>,
}

/// The schema's rules (strict loading), or none (everything accepted).
#[derive(Debug)]
pub(crate) struct Rules {
    schema: Option<Schema>,
    /// Schema kind index -> interned kind.
    kind_ids: Vec<KindId>,
    /// Declared node property types by kind id.
    node_props: Vec<Vec<(PropKey, PropType)>>,
    /// Schema edge type index -> interned type.
    edge_ids: Vec<EdgeTypeId>,
    /// Rules by edge type id.
    edges: Vec<Option<EdgeRule>>,
    /// The interned `share` key, range-checked on edges.
    pub share: PropKey,
    /// The interned `valid_from` and `valid_to` keys: dates on any node or
    /// edge, whatever the schema says.
    pub valid: (PropKey, PropKey),
}

/// The type of `valid_from` and `valid_to`.
static DATE: PropType = PropType::Date;

/// Whether a property is `valid_from` or `valid_to` (by name).
pub(crate) fn is_validity(name: &str) -> bool {
    name == "valid_from" || name == "valid_to"
}

/// The fault of an interval whose last day comes before its first.
pub(crate) fn reversed_interval(from: Option<&Value>, to: Option<&Value>) -> Option<String> {
    let (Some(Value::Date(f)), Some(Value::Date(t))) = (from, to) else {
        return None;
    };
    let interval = crate::model::Interval {
        from: Some(*f),
        to: Some(*t),
    };
    interval.is_reversed().then(|| {
        format!("`valid_to` {t} is before `valid_from` {f}; expected an interval whose end is not before its start")
    })
}

impl Rules {
    /// The fault of a row whose interval is reversed (interned keys).
    pub fn interval_fault(&self, props: &[(PropKey, Value)]) -> Option<String> {
        let get = |k: PropKey| props.iter().find(|(p, _)| *p == k).map(|(_, v)| v);
        reversed_interval(get(self.valid.0), get(self.valid.1))
    }
}

impl Rules {
    /// Resolves the schema (if any) against the builder, which must already
    /// hold it (`GraphBuilder::set_schema` interns its kinds and types).
    pub fn new(b: &mut GraphBuilder, schema: Option<Schema>) -> Rules {
        let share = b.prop_key("share");
        let valid = (b.prop_key("valid_from"), b.prop_key("valid_to"));
        let mut rules = Rules {
            schema: None,
            kind_ids: Vec::new(),
            node_props: Vec::new(),
            edge_ids: Vec::new(),
            edges: Vec::new(),
            share,
            valid,
        };
        let Some(schema) = schema else {
            return rules;
        };
        for (name, def) in &schema.kinds {
            let k = b.kind(name);
            rules.kind_ids.push(k);
            if rules.node_props.len() <= k.index() {
                rules.node_props.resize_with(k.index() + 1, Vec::new);
            }
            rules.node_props[k.index()] = def
                .props
                .iter()
                .map(|(p, t)| (b.prop_key(p), t.clone()))
                .collect();
        }
        for (name, def) in &schema.edges {
            let t = b.edge_type(name);
            rules.edge_ids.push(t);
            if rules.edges.len() <= t.index() {
                rules.edges.resize_with(t.index() + 1, || None);
            }
            let kinds =
                |names: &[String], b: &mut GraphBuilder| names.iter().map(|n| b.kind(n)).collect();
            rules.edges[t.index()] = Some(EdgeRule {
                from: kinds(&def.from, b),
                to: kinds(&def.to, b),
                from_names: def.from.clone(),
                to_names: def.to.clone(),
                multi: def.multi,
                props: def
                    .props
                    .iter()
                    .map(|(p, t)| (b.prop_key(p), t.clone()))
                    .collect(),
            });
        }
        rules.schema = Some(schema);
        rules
    }

    /// Whether a schema makes loading strict.
    pub fn strict(&self) -> bool {
        self.schema.is_some()
    }

    /// The declared kind of this name (strict mode); `None` when unknown or
    /// when there is no schema.
    pub fn kind(&self, name: &str) -> Option<KindId> {
        let i = self.schema.as_ref()?.kinds.get_index_of(name)?;
        self.kind_ids.get(i).copied()
    }

    /// The declared edge type of this name (strict mode).
    pub fn edge_type(&self, name: &str) -> Option<EdgeTypeId> {
        let i = self.schema.as_ref()?.edges.get_index_of(name)?;
        self.edge_ids.get(i).copied()
    }

    /// The rule for an edge type, if the schema declares it.
    pub fn edge_rule(&self, t: EdgeTypeId) -> Option<&EdgeRule> {
        self.edges.get(t.index())?.as_ref()
    }

    /// The declared type of a node property.
    pub fn node_prop(&self, kind: KindId, key: PropKey) -> Option<&PropType> {
        if key == self.valid.0 || key == self.valid.1 {
            return Some(&DATE);
        }
        let props = self.node_props.get(kind.index())?;
        props.iter().find(|(k, _)| *k == key).map(|(_, t)| t)
    }

    /// The declared type of an edge property.
    pub fn edge_prop(&self, t: EdgeTypeId, key: PropKey) -> Option<&PropType> {
        if key == self.valid.0 || key == self.valid.1 {
            return Some(&DATE);
        }
        let rule = self.edge_rule(t)?;
        rule.props.iter().find(|(k, _)| *k == key).map(|(_, t)| t)
    }

    /// The declared type of a node property, by names (JSON rows, whose
    /// property keys are interned after parsing).
    pub fn node_prop_by_name(&self, kind: &str, prop: &str) -> Option<&PropType> {
        if is_validity(prop) {
            return Some(&DATE);
        }
        self.schema.as_ref()?.node_prop_type(kind, prop)
    }

    /// The declared type of an edge property, by names.
    pub fn edge_prop_by_name(&self, edge_type: &str, prop: &str) -> Option<&PropType> {
        if is_validity(prop) {
            return Some(&DATE);
        }
        self.schema.as_ref()?.edge_prop_type(edge_type, prop)
    }

    /// "unknown kind" in words, with the declared kinds and a suggestion.
    pub fn unknown_kind(&self, name: &str) -> String {
        let names = self.declared(|s| s.kinds.keys().map(String::as_str).collect());
        format!(
            "unknown kind `{name}`; expected a kind declared in the schema{}",
            choices(name, names)
        )
    }

    /// "unknown edge type" in words, with the declared types and a suggestion.
    pub fn unknown_edge_type(&self, name: &str) -> String {
        let names = self.declared(|s| s.edges.keys().map(String::as_str).collect());
        format!(
            "unknown edge type `{name}`; expected a type declared in the schema{}",
            choices(name, names)
        )
    }

    /// Names the schema declares (none without a schema).
    fn declared<'s>(&'s self, names: impl FnOnce(&'s Schema) -> Vec<&'s str>) -> Vec<&'s str> {
        self.schema.as_ref().map(names).unwrap_or_default()
    }
}

/// Remembers the last name resolved and what it resolved to: the rows of
/// a file usually repeat one kind or edge type, and a repeat then costs a
/// string compare instead of a hash lookup.
#[derive(Debug)]
pub(crate) struct LastName<T> {
    name: String,
    value: Option<Option<T>>,
}

impl<T> Default for LastName<T> {
    fn default() -> LastName<T> {
        LastName {
            name: String::new(),
            value: None,
        }
    }
}

impl<T: Copy> LastName<T> {
    /// What `name` resolves to, by `resolve` unless it was the last name.
    #[inline]
    pub fn get_or(&mut self, name: &str, resolve: impl FnOnce(&str) -> Option<T>) -> Option<T> {
        if let Some(v) = self.value
            && self.name == name
        {
            return v;
        }
        let v = resolve(name);
        self.name.clear();
        self.name.push_str(name);
        self.value = Some(v);
        v
    }
}

/// ` (A, B, C); did you mean `B`?` — at most 8 names listed.
fn choices(name: &str, names: Vec<&str>) -> String {
    let mut out = String::new();
    if !names.is_empty() {
        let shown: Vec<&str> = names.iter().take(8).copied().collect();
        let more = if names.len() > 8 { ", ..." } else { "" };
        out = format!(" ({}{more})", shown.join(", "));
    }
    let best = crate::diag::closest(name, names.iter().copied());
    if let Some(n) = best {
        out.push_str(&format!("; did you mean `{n}`?"));
    }
    out
}

/// A cell's value: parsed as its declared type, else inferred. The error
/// names the text and what was expected.
pub(crate) fn cell_value(text: &str, ty: Option<&PropType>) -> Result<Value, String> {
    match ty {
        Some(t) => t.parse_text(text).map_err(|expected| {
            let a = if matches!(t, PropType::Int) {
                "an"
            } else {
                "a"
            };
            format!("`{text}` is not {a} {t}; expected {expected}")
        }),
        None => Ok(PropType::infer_text(text)),
    }
}

/// Checks a `share`: a number in (0, 1].
pub(crate) fn check_share(v: &Value) -> Result<(), String> {
    match v.as_f64() {
        Some(x) if x > 0.0 && x <= 1.0 => Ok(()),
        Some(_) => Err(format!(
            "share `{v}` is out of range; expected a number in (0, 1]"
        )),
        None => Err(format!(
            "share `{v}` is not a number; expected a number in (0, 1]"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_must_be_in_the_unit_interval() {
        assert!(check_share(&Value::Float(0.5)).is_ok());
        assert!(check_share(&Value::Int(1)).is_ok());
        for bad in [
            Value::Float(0.0),
            Value::Float(1.5),
            Value::Int(-1),
            Value::str("high"),
        ] {
            let e = check_share(&bad).unwrap_err();
            assert!(
                e.contains(&format!("`{bad}`")) && e.contains("(0, 1]"),
                "{e}"
            );
        }
    }

    #[test]
    fn cells_parse_as_declared_or_inferred() {
        assert_eq!(cell_value("7", None).unwrap(), Value::Int(7));
        assert_eq!(
            cell_value("7", Some(&PropType::String)).unwrap(),
            Value::str("7")
        );
        let e = cell_value("seven", Some(&PropType::Int)).unwrap_err();
        assert_eq!(e, "`seven` is not an int; expected an integer (64-bit)");
    }

    #[test]
    fn unknown_names_get_suggestions() {
        assert_eq!(
            choices("Frim", vec!["Firm", "Nation"]),
            " (Firm, Nation); did you mean `Firm`?"
        );
        assert_eq!(choices("Zzz", vec!["Firm"]), " (Firm)");
    }
}
