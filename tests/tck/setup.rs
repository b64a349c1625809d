//! Builds a scenario's graph from its `CREATE` text, in the harness (FQL
//! never writes). The mapping to Faultline's model:
//!
//! - a node's one label is its kind; a node without a label gets the kind
//!   `""` (which `labels(n)` reports as no label); several labels cannot be
//!   mapped (a Faultline node has one kind) and skip the scenario;
//! - a node's id is `n0`, `n1`, ... in creation order; a `name` property that
//!   is a string becomes the node's name (Faultline nodes have a name of their
//!   own); a node without one has the empty name, which reads as null;
//! - other properties are node properties; a `null` property is not stored;
//! - a relationship's type is its edge type, its properties edge properties.
//!
//! Only `CREATE` clauses of patterns with literal properties are read; a
//! setup that needs more (`UNWIND`, `WITH`, `MATCH ... CREATE`, expressions)
//! skips the scenario with that reason.

use std::collections::{BTreeMap, HashMap};

use faultline::model::{Graph, GraphBuilder, NodeId, PropKey, Value};

use super::values::{Parser, Val};

/// Converts a TCK value to a Faultline value, or says why it cannot.
pub fn to_value(v: &Val) -> Result<Value, String> {
    Ok(match v {
        Val::Null => Value::Null,
        Val::Bool(b) => Value::Bool(*b),
        Val::Int(i) => Value::Int(*i),
        Val::Float(f) => Value::Float(*f),
        Val::Str(s) => Value::str(s),
        Val::List(items) => Value::List(
            items
                .iter()
                .map(to_value)
                .collect::<Result<Vec<_>, _>>()?
                .into(),
        ),
        Val::Map(_) => return Err("a map value".into()),
        Val::Node(_) | Val::Rel(_) | Val::Path(..) => return Err("a graph element value".into()),
    })
}

struct PendingNode {
    kind: String,
    props: BTreeMap<String, Val>,
}

struct PendingEdge {
    from: usize,
    to: usize,
    ty: String,
    props: BTreeMap<String, Val>,
}

/// The graph being built by a scenario's `having executed` steps.
#[derive(Default)]
pub struct Setup {
    nodes: Vec<PendingNode>,
    edges: Vec<PendingEdge>,
    vars: HashMap<String, usize>,
}

impl Setup {
    /// Reads one `having executed` text: `CREATE` clauses only.
    pub fn run(&mut self, text: &str) -> Result<(), String> {
        let mut p = Parser {
            s: text.as_bytes(),
            text,
            i: 0,
        };
        // Variables are scoped to one query.
        self.vars.clear();
        loop {
            p.ws();
            if p.i >= p.s.len() {
                return Ok(());
            }
            if !p.word_is("create") {
                let word: String = text[p.i..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphabetic())
                    .collect();
                return Err(format!("setup uses `{}`", word.to_uppercase()));
            }
            p.i += "create".len();
            loop {
                self.pattern(&mut p)?;
                if p.peek() == Some(b',') {
                    p.i += 1;
                } else {
                    break;
                }
            }
        }
    }

    fn node(&mut self, p: &mut Parser) -> Result<usize, String> {
        p.eat(b'(')?;
        let var = match p.peek() {
            Some(c) if c.is_ascii_alphabetic() || c == b'_' || c == b'`' => Some(p.name()?),
            _ => None,
        };
        let mut labels = Vec::new();
        while p.peek() == Some(b':') {
            p.i += 1;
            labels.push(p.name()?);
        }
        let props = if p.peek() == Some(b'{') {
            p.map()?
        } else {
            BTreeMap::new()
        };
        p.eat(b')')?;
        if let Some(v) = &var
            && let Some(&n) = self.vars.get(v)
        {
            if !labels.is_empty() || !props.is_empty() {
                return Err("setup rebinds a node variable".into());
            }
            return Ok(n);
        }
        if labels.len() > 1 {
            return Err("needs several labels".into());
        }
        self.nodes.push(PendingNode {
            kind: labels.pop().unwrap_or_default(),
            props,
        });
        let n = self.nodes.len() - 1;
        if let Some(v) = var {
            self.vars.insert(v, n);
        }
        Ok(n)
    }

    fn pattern(&mut self, p: &mut Parser) -> Result<(), String> {
        if p.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
            return Err("setup names a path".into());
        }
        let mut from = self.node(p)?;
        loop {
            let back = match p.peek() {
                Some(b'<') => {
                    p.i += 1;
                    true
                }
                Some(b'-') => false,
                _ => return Ok(()),
            };
            p.eat(b'-')?;
            p.eat(b'[')?;
            if p.peek()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
            {
                p.name()?;
            }
            p.eat(b':')?;
            let ty = p.name()?;
            let props = if p.peek() == Some(b'{') {
                p.map()?
            } else {
                BTreeMap::new()
            };
            p.eat(b']')?;
            p.eat(b'-')?;
            if !back {
                p.eat(b'>')?;
            }
            let to = self.node(p)?;
            let (a, b) = if back { (to, from) } else { (from, to) };
            self.edges.push(PendingEdge {
                from: a,
                to: b,
                ty,
                props,
            });
            from = to;
        }
    }

    /// The graph.
    pub fn finish(self) -> Result<Graph, String> {
        let mut b = GraphBuilder::new();
        let mut ids = Vec::new();
        for (i, n) in self.nodes.iter().enumerate() {
            let kind = b.kind(&n.kind);
            let mut name = String::new();
            let mut props: Vec<(PropKey, Value)> = Vec::new();
            for (k, v) in &n.props {
                match (k.as_str(), v) {
                    ("name", Val::Str(s)) => name = s.clone(),
                    ("name", Val::Null) => {}
                    ("name", _) => return Err("a `name` that is not a string".into()),
                    ("id", _) => {
                        return Err("a property `id` (every node has an id of its own)".into());
                    }
                    (_, Val::Null) => {}
                    _ => {
                        let value = to_value(v)?;
                        props.push((b.prop_key(k), value));
                    }
                }
            }
            let id: NodeId = b
                .add_node(&format!("n{i}"), kind, &name, Vec::new(), props)
                .map_err(|_| "duplicate node id".to_string())?;
            ids.push(id);
        }
        for e in &self.edges {
            let ty = b.edge_type(&e.ty);
            let mut props = Vec::new();
            for (k, v) in &e.props {
                if !matches!(v, Val::Null) {
                    let value = to_value(v)?;
                    props.push((b.prop_key(k), value));
                }
            }
            b.add_edge(ids[e.from], ids[e.to], ty, props);
        }
        Ok(b.finish())
    }
}
