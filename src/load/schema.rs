//! Parsing `schema.toml` into a [`Schema`]. The TOML is read with spans
//! (`toml::de::DeTable`), so every problem names its line and column: a
//! syntax error, an unknown role, direction or property type, a key that
//! does not belong.

use std::ops::Range;

use indexmap::IndexMap;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diag::{Problem, line_col};
use crate::model::{
    Direction, EdgeTypeDef, Flow, KindDef, Mode, NeedsSupply, PropType, Role, Schema, Scope,
    ShockKind,
};

const TYPES: &str = "string, int, float, bool, date or list<T>";
const ROLES: &str = "dependency, membership, impact, destination, enactor or other";
const DIRECTIONS: &str = "forward or reverse";
const EDGE_KEYS: &str = "from, to, role, direction, props, multi, mode, scope or flow";
const KIND_KEYS: &str = "props, polity, needs_supply or shock";

/// Parses a schema. `file` names it in problems. Every problem found is
/// returned, not just the first.
///
/// Kinds named in an edge type's `from` or `to` but not declared under
/// `[kinds]` are declared implicitly (with no properties), so a schema that
/// only constrains edges still works.
pub fn parse_schema(text: &str, file: &str) -> Result<Schema, Vec<Problem>> {
    let doc = match DeTable::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            let at = e.span().map(|s| s.start).unwrap_or(0);
            let message = format!("invalid TOML: {}", e.message().trim_end());
            return Err(vec![locate(Problem::new(file, message), text, at)]);
        }
    };
    let mut p = Parser {
        text,
        file,
        problems: Vec::new(),
    };
    let mut schema = Schema::default();
    for (key, value) in in_order(doc.get_ref()) {
        match key.get_ref().as_ref() {
            "kinds" => {
                if let Some(table) = p.table(value, "a table of kinds, like [kinds.Firm]") {
                    for (name, def) in in_order(table) {
                        if let Some(kind) = p.kind(name.get_ref(), def) {
                            schema.kinds.insert(name.get_ref().to_string(), kind);
                        }
                    }
                }
            }
            "edges" => {
                if let Some(table) = p.table(value, "a table of edge types, like [edges.SUPPLIES]")
                {
                    for (name, def) in in_order(table) {
                        if let Some(edge) = p.edge(name.get_ref(), def) {
                            schema.edges.insert(name.get_ref().to_string(), edge);
                        }
                    }
                }
            }
            other => p.error(
                key.span(),
                format!("unknown section `{other}`; expected `kinds` or `edges`"),
            ),
        }
    }
    if !p.problems.is_empty() {
        return Err(p.problems);
    }
    let named: Vec<String> = schema
        .edges
        .values()
        .flat_map(|e| e.from.iter().chain(&e.to).cloned())
        .collect();
    for kind in named {
        schema.kinds.entry(kind).or_default();
    }
    Ok(schema)
}

/// A table's entries in the order they were written (the TOML map is sorted
/// by key; spans give the source order back).
fn in_order<'a, 'i>(
    table: &'a DeTable<'i>,
) -> Vec<(
    &'a Spanned<std::borrow::Cow<'i, str>>,
    &'a Spanned<DeValue<'i>>,
)> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    entries
}

/// Sets a problem's line and column from a byte offset.
fn locate(mut p: Problem, text: &str, offset: usize) -> Problem {
    let (line, col) = line_col(text, offset);
    p.line = Some(line);
    p.column = Some(col);
    p
}

struct Parser<'t> {
    text: &'t str,
    file: &'t str,
    problems: Vec<Problem>,
}

impl Parser<'_> {
    fn error(&mut self, span: Range<usize>, message: String) {
        self.problems.push(locate(
            Problem::new(self.file, message),
            self.text,
            span.start,
        ));
    }

    fn table<'a, 'i>(
        &mut self,
        value: &'a Spanned<DeValue<'i>>,
        expected: &str,
    ) -> Option<&'a DeTable<'i>> {
        match value.get_ref() {
            DeValue::Table(t) => Some(t),
            other => {
                self.error(
                    value.span(),
                    format!("found a {}; expected {expected}", other.type_str()),
                );
                None
            }
        }
    }

    fn string<'a>(&mut self, value: &'a Spanned<DeValue<'_>>, what: &str) -> Option<&'a str> {
        match value.get_ref() {
            DeValue::String(s) => Some(s),
            other => {
                self.error(
                    value.span(),
                    format!("{what}: found a {}; expected a string", other.type_str()),
                );
                None
            }
        }
    }

    fn kind(&mut self, name: &str, def: &Spanned<DeValue<'_>>) -> Option<KindDef> {
        let table = self.table(
            def,
            &format!("a table for kind {name}, like props = {{ iso3 = \"string\" }}"),
        )?;
        let mut kind = KindDef::default();
        for (key, value) in in_order(table) {
            match key.get_ref().as_ref() {
                "props" => kind.props = self.props(&format!("kind {name}"), value)?,
                "polity" => {
                    if let Some(b) = self.boolean(value, &format!("{name}.polity")) {
                        kind.polity = b;
                    }
                }
                "needs_supply" => {
                    kind.needs_supply = self.word(
                        value,
                        name,
                        "needs_supply",
                        NeedsSupply::parse,
                        NeedsSupply::NAMES,
                    );
                }
                "shock" => {
                    kind.shock =
                        self.word(value, name, "shock", ShockKind::parse, ShockKind::NAMES);
                }
                other => self.error(
                    key.span(),
                    format!("unknown key `{other}` in kind {name}; expected {KIND_KEYS}"),
                ),
            }
        }
        Some(kind)
    }

    fn props(
        &mut self,
        owner: &str,
        value: &Spanned<DeValue<'_>>,
    ) -> Option<IndexMap<String, PropType>> {
        let table = self.table(
            value,
            &format!("a table of property types for {owner}, like {{ share = \"float\" }}"),
        )?;
        let mut props = IndexMap::new();
        for (key, ty) in in_order(table) {
            let prop = key.get_ref();
            let Some(text) = self.string(ty, &format!("type of property {prop} of {owner}")) else {
                continue;
            };
            match PropType::parse(text) {
                Some(t) => {
                    props.insert(prop.to_string(), t);
                }
                None => self.error(
                    ty.span(),
                    format!("unknown property type `{text}` for property {prop} of {owner}; expected {TYPES}"),
                ),
            }
        }
        Some(props)
    }

    fn kinds(&mut self, owner: &str, value: &Spanned<DeValue<'_>>) -> Vec<String> {
        match value.get_ref() {
            DeValue::String(s) => vec![s.to_string()],
            DeValue::Array(items) => items
                .iter()
                .filter_map(|item| {
                    self.string(item, &format!("{owner}: kind"))
                        .map(str::to_string)
                })
                .collect(),
            other => {
                self.error(
                    value.span(),
                    format!("{owner}: found a {}; expected a list of kinds, like [\"Firm\", \"Sector\"]", other.type_str()),
                );
                Vec::new()
            }
        }
    }

    fn edge(&mut self, name: &str, def: &Spanned<DeValue<'_>>) -> Option<EdgeTypeDef> {
        let table = self.table(
            def,
            &format!("a table for edge type {name}, like from = [\"Firm\"]"),
        )?;
        let mut edge = EdgeTypeDef::default();
        // Keys that only mean something for one role: checked once the
        // role is known (it may come after them).
        let mut modal: Vec<(&str, Range<usize>, Role)> = Vec::new();
        for (key, value) in in_order(table) {
            match key.get_ref().as_ref() {
                "from" => edge.from = self.kinds(&format!("{name}.from"), value),
                "to" => edge.to = self.kinds(&format!("{name}.to"), value),
                "role" => {
                    if let Some(text) = self.string(value, &format!("{name}.role")) {
                        match Role::parse(text) {
                            Some(r) => edge.role = r,
                            None => self.error(
                                value.span(),
                                format!(
                                    "unknown role `{text}` for edge type {name}; expected {ROLES}"
                                ),
                            ),
                        }
                    }
                }
                "direction" => {
                    if let Some(text) = self.string(value, &format!("{name}.direction")) {
                        match Direction::parse(text) {
                            Some(d) => edge.direction = d,
                            None => self.error(
                                value.span(),
                                format!("unknown direction `{text}` for edge type {name}; expected {DIRECTIONS}"),
                            ),
                        }
                    }
                }
                "props" => {
                    if let Some(props) = self.props(&format!("edge type {name}"), value) {
                        edge.props = props;
                    }
                }
                "multi" => {
                    if let Some(b) = self.boolean(value, &format!("{name}.multi")) {
                        edge.multi = b;
                    }
                }
                "mode" => {
                    edge.mode = self.word(value, name, "mode", Mode::parse, Mode::NAMES);
                    modal.push(("mode", key.span(), Role::Dependency));
                }
                "scope" => {
                    edge.scope = self.word(value, name, "scope", Scope::parse, Scope::NAMES);
                    modal.push(("scope", key.span(), Role::Membership));
                }
                "flow" => {
                    edge.flow = self.word(value, name, "flow", Flow::parse, Flow::NAMES);
                    modal.push(("flow", key.span(), Role::Destination));
                }
                other => self.error(
                    key.span(),
                    format!("unknown key `{other}` in edge type {name}; expected {EDGE_KEYS}"),
                ),
            }
        }
        for (key, span, role) in modal {
            let fits = edge.role == role || (key == "scope" && edge.role == Role::Impact);
            if !fits {
                let roles = if key == "scope" {
                    "membership or impact".to_string()
                } else {
                    role.as_str().to_string()
                };
                self.error(
                    span,
                    format!(
                        "`{key}` on edge type {name} of role {}; expected it only on a type of role {roles}",
                        edge.role.as_str()
                    ),
                );
            }
        }
        Some(edge)
    }

    fn boolean(&mut self, value: &Spanned<DeValue<'_>>, what: &str) -> Option<bool> {
        match value.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            other => {
                self.error(
                    value.span(),
                    format!(
                        "{what}: found a {}; expected true or false",
                        other.type_str()
                    ),
                );
                None
            }
        }
    }

    /// One of a closed set of schema words (`mode`, `scope`, ...).
    fn word<T>(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        owner: &str,
        key: &str,
        parse: fn(&str) -> Option<T>,
        names: &[&str],
    ) -> Option<T> {
        let text = self.string(value, &format!("{owner}.{key}"))?;
        let found = parse(text);
        if found.is_none() {
            let expected = match names {
                [init @ .., last] => format!("{} or {last}", init.join(", ")),
                [] => String::new(),
            };
            self.error(
                value.span(),
                format!("unknown {key} `{text}` for {owner}; expected {expected}"),
            );
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r#"
[kinds.Firm]
props = { ticker = "string", founded = "int", revenue_usd_bn = "float" }

[kinds.Nation]
props = { iso3 = "string" }

[edges.DEPENDS_ON]            # the dependent depends on the provider
from = ["Firm", "Sector"]
to   = ["Firm", "Technology", "Nation"]
role = "dependency"
direction = "forward"
props = { share = "float", source = "string", as_of = "string" }

[edges.SUPPLIES]
from = ["Firm"]
to   = ["Firm"]
role = "dependency"
direction = "reverse"
multi = true
"#;

    #[test]
    fn parses_the_spec_example_in_declaration_order() {
        let s = parse_schema(SPEC, "schema.toml").expect("the spec's schema parses");
        let kinds: Vec<&str> = s.kinds.keys().map(String::as_str).collect();
        assert_eq!(kinds, ["Firm", "Nation", "Sector", "Technology"]);
        let founded = s.node_prop_type("Firm", "founded");
        assert_eq!(founded, Some(&PropType::Int));
        let props: Vec<&str> = s.kinds["Firm"].props.keys().map(String::as_str).collect();
        assert_eq!(props, ["ticker", "founded", "revenue_usd_bn"]);
        let sup = &s.edges["SUPPLIES"];
        assert_eq!(
            (sup.role, sup.direction, sup.multi),
            (Role::Dependency, Direction::Reverse, true)
        );
        assert_eq!(s.edges["DEPENDS_ON"].to, ["Firm", "Technology", "Nation"]);
        assert!(!s.edges["DEPENDS_ON"].multi);
    }

    #[test]
    fn bad_names_are_located() {
        let text = "[edges.X]\nrole = \"dependancy\"\ndirection = \"backward\"\nprops = { a = \"integer\" }\nwhat = 1\n";
        let problems = parse_schema(text, "s.toml").unwrap_err();
        let shown: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(shown.len(), 4, "{shown:#?}");
        let want = [
            "s.toml:2:8: unknown role `dependancy`",
            "s.toml:3:13: unknown direction `backward`",
            "s.toml:4:15: unknown property type `integer`",
            "s.toml:5:1: unknown key `what`",
        ];
        for (got, want) in shown.iter().zip(want) {
            assert!(got.starts_with(want), "{got}");
        }
    }

    #[test]
    fn syntax_errors_have_line_and_column() {
        let problems =
            parse_schema("[kinds.Firm]\nprops = { a = \"int\" \n", "s.toml").unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, Some(2));
        assert!(
            problems[0].message.starts_with("invalid TOML"),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn wrong_shapes_are_errors_not_panics() {
        for text in [
            "kinds = 1",
            "[kinds]\nFirm = 2",
            "[edges.X]\nfrom = 3",
            "[edges.X]\nmulti = \"yes\"",
            "x = 1",
        ] {
            assert!(parse_schema(text, "s.toml").is_err(), "{text}");
        }
    }
}
