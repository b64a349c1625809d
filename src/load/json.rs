//! JSON documents: `{"nodes": [...], "edges": [...]}`, either list optional.
//!
//! The document is first checked whole without building it (syntax errors
//! and duplicate keys come with line and column); a small scanner over the
//! validated text then finds where each item of `nodes` and `edges` starts
//! and ends, and each item is parsed to a `serde_json::Value` on its own and
//! walked, so a wrong shape is a clear problem rather than a deserializer's
//! guess. Memory stays near the file's size (the text, an offset pair per
//! edge and one item at a time) rather than a tree of the whole document;
//! problems name the item's line and column and the item (`nodes[3]`).

use std::path::Path;

use serde_json::{Map, Value as Json};

use crate::model::{PropKey, PropType, Value};

use super::rules::{Rules, check_share};
use super::{Ctx, EdgeRow, Loc, MAX_FIELD_BYTES, NodeRow};

/// A 1-based (line, column).
type LineCol = (usize, usize);
/// A byte range (start, end) in a document's text.
type Range = (usize, usize);

const NODE_KEYS: &str = "id, kind, name, aliases or props";
const EDGE_KEYS: &str = "from, to, type or props";

/// A document whose nodes are loaded and whose edges wait for the edge
/// phase (edges may name nodes of files read later).
#[derive(Debug)]
pub(crate) struct Doc {
    /// The document's text (without a BOM).
    text: Vec<u8>,
    /// Each edge item's byte range in `text`.
    edges: Vec<(usize, usize)>,
    /// Where each edge item starts.
    at: Vec<LineCol>,
}

/// A whole-document check that builds nothing: syntax (via serde_json) and
/// keys repeated within one object, which serde_json would silently
/// resolve to the last (a second `"nodes"` array dropping the first).
struct DupCheck;

impl<'de> serde::Deserialize<'de> for DupCheck {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<DupCheck, D::Error> {
        d.deserialize_any(DupCheck)
    }
}

impl<'de> serde::de::Visitor<'de> for DupCheck {
    type Value = DupCheck;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<DupCheck, E> {
        Ok(DupCheck)
    }
    fn visit_i64<E>(self, _: i64) -> Result<DupCheck, E> {
        Ok(DupCheck)
    }
    fn visit_u64<E>(self, _: u64) -> Result<DupCheck, E> {
        Ok(DupCheck)
    }
    fn visit_f64<E>(self, _: f64) -> Result<DupCheck, E> {
        Ok(DupCheck)
    }
    fn visit_str<E>(self, _: &str) -> Result<DupCheck, E> {
        Ok(DupCheck)
    }
    fn visit_unit<E>(self) -> Result<DupCheck, E> {
        Ok(DupCheck)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<DupCheck, A::Error> {
        while seq.next_element::<DupCheck>()?.is_some() {}
        Ok(DupCheck)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<DupCheck, A::Error> {
        use serde::de::Error;
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if seen.contains(&key) {
                return Err(A::Error::custom(format!(
                    "duplicate key `{key}`; expected each key once per object"
                )));
            }
            map.next_value::<DupCheck>()?;
            seen.insert(key);
        }
        Ok(DupCheck)
    }
}

/// An integer literal in `raw` (JSON text) beyond 64 bits, which serde_json
/// would silently turn into a float.
fn big_integer(raw: &[u8]) -> Option<&str> {
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'"' => i = skip_value(raw, i).unwrap_or(raw.len()),
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < raw.len()
                    && matches!(raw[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    i += 1;
                }
                let token = std::str::from_utf8(&raw[start..i]).unwrap_or("");
                let integral = !token.contains(['.', 'e', 'E']);
                if integral && token.parse::<i64>().is_err() {
                    return Some(token);
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// The fault for an integer beyond 64 bits.
fn big_integer_fault(token: &str) -> String {
    format!(
        "`{token}` is an integer beyond 64 bits; expected an integer from {} to {} (or a float such as `1.5e20`)",
        i64::MIN,
        i64::MAX
    )
}

/// "an array", "a string", ... for a value by its first byte.
fn describe_raw(first: Option<&u8>) -> &'static str {
    match first {
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

/// Parses one item (its text was validated by [`DupCheck`]).
fn parse_item(text: &[u8], (start, end): (usize, usize)) -> Json {
    let raw = text.get(start..end).unwrap_or(b"null");
    serde_json::from_slice(raw).unwrap_or(Json::Null)
}

/// Reads a JSON document, loads its nodes and returns its edges for later.
/// Syntax errors and a wrong top-level shape fail the load.
pub(crate) fn read(cx: &mut Ctx, file: usize, path: &Path) -> Option<Doc> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            cx.fatal(
                file,
                None,
                None,
                super::files::io_message(&e, "a readable JSON file"),
            );
            return None;
        }
    };
    let mut text = bytes;
    if text.starts_with(b"\xEF\xBB\xBF") {
        text.drain(..3);
    }
    match serde_json::from_slice::<DupCheck>(&text) {
        Ok(DupCheck) => {}
        Err(e) => {
            let message = e.to_string();
            let message = message
                .rfind(" at line ")
                .map_or(&*message, |i| &message[..i]);
            cx.fatal(
                file,
                Some(e.line().max(1)),
                Some(e.column().max(1)),
                format!("invalid JSON: {message}"),
            );
            return None;
        }
    };
    let Some(sections) = scan_sections(&text) else {
        let first = first_token(&text);
        fatal_at(
            cx,
            file,
            &text,
            first,
            format!(
                "found {}; expected an object with `nodes` and/or `edges` arrays",
                describe_raw(text.get(first))
            ),
        );
        return None;
    };
    let at = |key: &str| sections.iter().find(|s| s.key == key.as_bytes());
    let mut ok = true;
    for section in &sections {
        let key = String::from_utf8_lossy(&section.key);
        if key != "nodes" && key != "edges" {
            fatal_at(
                cx,
                file,
                &text,
                section.key_at,
                format!("unknown key `{key}`; expected `nodes` or `edges`"),
            );
            ok = false;
        }
    }
    let mut take = |key: &str, what: &str| -> Option<(Vec<Range>, Vec<LineCol>)> {
        let Some(section) = at(key) else {
            return Some((Vec::new(), Vec::new()));
        };
        match text.get(section.value_at) {
            Some(b'n') => Some((Vec::new(), Vec::new())),
            Some(b'[') => {
                let starts: Vec<usize> = section.items.iter().map(|(s, _)| *s).collect();
                Some((section.items.clone(), positions(&text, &starts)))
            }
            other => {
                fatal_at(
                    cx,
                    file,
                    &text,
                    section.value_at,
                    format!(
                        "`{key}` is {}; expected an array of {what} objects",
                        describe_raw(other)
                    ),
                );
                None
            }
        }
    };
    let nodes = take("nodes", "node");
    let edges = take("edges", "edge");
    let (Some((nodes, node_at)), Some((edges, at)), true) = (nodes, edges, ok) else {
        return None;
    };
    load_nodes(cx, file, &text, &nodes, &node_at);
    Some(Doc { text, edges, at })
}

fn load_nodes(
    cx: &mut Ctx,
    file: usize,
    text: &[u8],
    nodes: &[(usize, usize)],
    at: &[(usize, usize)],
) {
    let mut props = Vec::new();
    let mut faults = Vec::new();
    for (i, range) in nodes.iter().enumerate() {
        let (line, col) = at.get(i).copied().unwrap_or((0, 0));
        let loc = Loc {
            file,
            line,
            col: Some(col),
            item: Some(("nodes", i)),
        };
        // Item by item: `named` borrows from this item only.
        let item = &parse_item(text, *range);
        let mut named = Vec::new();
        if let Some(big) = text.get(range.0..range.1).and_then(big_integer) {
            faults.push(big_integer_fault(big));
        }
        if !faults.is_empty() || too_long(item, &mut faults) {
            if let Some(id) = item.get("id").and_then(Json::as_str) {
                cx.reject(id.trim());
            }
            cx.report(&loc, &mut faults);
            continue;
        }
        match parse_node(item, &cx.rules, &mut named, &mut faults) {
            Some(row) => {
                intern(cx, &mut named, &mut props);
                cx.add_node(&loc, row, &mut props, &mut faults);
            }
            None => {
                if let Some(id) = item.get("id").and_then(Json::as_str) {
                    cx.reject(id.trim());
                }
            }
        }
        cx.report(&loc, &mut faults);
        if cx.full() {
            return;
        }
    }
}

impl Doc {
    /// Loads the document's edges (after every file's nodes).
    pub(crate) fn load_edges(self, cx: &mut Ctx, file: usize) {
        let mut props = Vec::new();
        let mut faults = Vec::new();
        cx.begin_edges(file, Some(self.at.clone()));
        for (i, range) in self.edges.iter().enumerate() {
            let (line, col) = self.at.get(i).copied().unwrap_or((0, 0));
            let loc = Loc {
                file,
                line,
                col: Some(col),
                item: Some(("edges", i)),
            };
            let item = &parse_item(&self.text, *range);
            let mut named = Vec::new();
            if let Some(big) = self.text.get(range.0..range.1).and_then(big_integer) {
                faults.push(big_integer_fault(big));
            }
            if !faults.is_empty() || too_long(item, &mut faults) {
                // Edge problems are held and reported in file order.
                cx.report_edge(&loc, &mut faults);
                continue;
            }
            if let Some(row) = parse_edge(item, &cx.rules, &mut named, &mut faults) {
                intern(cx, &mut named, &mut props);
                cx.add_edge(&loc, row, &mut props, &mut faults);
            }
            cx.report_edge(&loc, &mut faults);
            if cx.full() {
                return;
            }
        }
    }
}

/// Whether the item holds a string (or key) longer than
/// [`MAX_FIELD_BYTES`]; if so the fault says how long.
fn too_long(item: &Json, faults: &mut Vec<String>) -> bool {
    fn longest(v: &Json) -> usize {
        match v {
            Json::String(s) => s.len(),
            Json::Array(items) => items.iter().map(longest).max().unwrap_or(0),
            Json::Object(map) => map
                .iter()
                .map(|(k, v)| k.len().max(longest(v)))
                .max()
                .unwrap_or(0),
            _ => 0,
        }
    }
    let n = longest(item);
    if n > MAX_FIELD_BYTES {
        faults.push(format!(
            "a string of {n} bytes; expected at most {MAX_FIELD_BYTES} bytes per value"
        ));
    }
    n > MAX_FIELD_BYTES
}

/// Interns parsed property names into keys.
fn intern(cx: &mut Ctx, named: &mut Vec<(&str, Value)>, props: &mut Vec<(PropKey, Value)>) {
    props.clear();
    props.extend(named.drain(..).map(|(k, v)| (cx.b.prop_key(k), v)));
}

/// "a string", "an array", ... for messages.
fn describe(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

/// A required or optional string member; a wrong type is a fault.
fn string<'r>(
    obj: &'r Map<String, Json>,
    key: &str,
    required: bool,
    faults: &mut Vec<String>,
) -> Option<&'r str> {
    match obj.get(key) {
        Some(Json::String(s)) if !s.trim().is_empty() => Some(s.trim()),
        Some(Json::String(_)) if !required => Some(""),
        None | Some(Json::Null) if !required => None,
        Some(Json::String(_)) => {
            faults.push(format!("`{key}` is empty; expected a non-empty string"));
            None
        }
        None | Some(Json::Null) => {
            faults.push(format!("`{key}` is missing; expected a string"));
            None
        }
        Some(other) => {
            faults.push(format!(
                "`{key}` is {} ({other}); expected a string",
                describe(other)
            ));
            None
        }
    }
}

/// The members of an item, which must be an object with known keys.
fn object<'r>(
    item: &'r Json,
    keys: &[&str],
    expected: &str,
    faults: &mut Vec<String>,
) -> Option<&'r Map<String, Json>> {
    let Json::Object(obj) = item else {
        faults.push(format!(
            "found {}; expected an object with {expected}",
            describe(item)
        ));
        return None;
    };
    for key in obj.keys() {
        if !keys.contains(&key.as_str()) {
            faults.push(format!("unknown key `{key}`; expected {expected}"));
        }
    }
    Some(obj)
}

/// A property value: a scalar or an array of scalars (`null`: absent).
fn value(v: &Json) -> Result<Value, String> {
    Ok(match v {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Value::Int(i),
            (None, Some(f)) if f.is_finite() => Value::Float(f),
            _ => return Err(format!("`{n}` is out of range; expected a finite number")),
        },
        Json::String(s) => Value::str(s),
        Json::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Json::Array(_) | Json::Object(_) => {
                        return Err(format!(
                            "a list holds {}; expected a list of scalars",
                            describe(item)
                        ));
                    }
                    Json::Null => {
                        return Err(
                            "a list holds null; expected a list of scalars without nulls"
                                .to_string(),
                        );
                    }
                    scalar => out.push(value(scalar)?),
                }
            }
            Value::List(out.into())
        }
        Json::Object(_) => {
            return Err("found an object; expected a scalar or an array of scalars".to_string());
        }
    })
}

/// Converts an item's `props` into named values, typed by `declared`.
fn props<'r, 'q>(
    obj: &'r Map<String, Json>,
    declared: impl Fn(&str) -> Option<&'q PropType>,
    share: bool,
    named: &mut Vec<(&'r str, Value)>,
    faults: &mut Vec<String>,
) {
    let map = match obj.get("props") {
        None | Some(Json::Null) => return,
        Some(Json::Object(map)) => map,
        Some(other) => {
            faults.push(format!(
                "`props` is {}; expected an object of properties",
                describe(other)
            ));
            return;
        }
    };
    for (key, raw) in map {
        let v = match value(raw) {
            Ok(Value::Null) => continue,
            Ok(v) => v,
            Err(e) => {
                faults.push(format!("property `{key}`: {e}"));
                continue;
            }
        };
        let v = match declared(key) {
            Some(t) => match t.check_value(v) {
                Ok(v) => v,
                Err(expected) => {
                    faults.push(format!(
                        "property `{key}`: `{raw}` is {}; expected {expected}",
                        describe(raw)
                    ));
                    continue;
                }
            },
            None => v,
        };
        if share
            && key == "share"
            && let Err(e) = check_share(&v)
        {
            faults.push(e);
            continue;
        }
        named.push((key, v));
    }
    let get = |k: &str| named.iter().find(|(n, _)| *n == k).map(|(_, v)| v);
    faults.extend(super::rules::reversed_interval(
        get("valid_from"),
        get("valid_to"),
    ));
}

/// Parses a node item. On a fault, returns `None` with the faults pushed.
pub(crate) fn parse_node<'r>(
    item: &'r Json,
    rules: &Rules,
    named: &mut Vec<(&'r str, Value)>,
    faults: &mut Vec<String>,
) -> Option<NodeRow<'r>> {
    let obj = object(
        item,
        &["id", "kind", "name", "aliases", "props"],
        NODE_KEYS,
        faults,
    )?;
    let id = string(obj, "id", true, faults);
    let kind = string(obj, "kind", true, faults);
    let name = string(obj, "name", false, faults).unwrap_or("");
    let mut aliases = Vec::new();
    match obj.get("aliases") {
        None | Some(Json::Null) => {}
        Some(Json::Array(items)) => {
            for a in items {
                match a.as_str() {
                    Some(s) if !s.trim().is_empty() => aliases.push(Box::from(s.trim())),
                    Some(_) => {}
                    None => faults.push(format!(
                        "an alias is {} ({a}); expected a string",
                        describe(a)
                    )),
                }
            }
        }
        Some(other) => faults.push(format!(
            "`aliases` is {}; expected an array of strings",
            describe(other)
        )),
    }
    let kind_name = kind.unwrap_or("");
    props(
        obj,
        |p| rules.node_prop_by_name(kind_name, p),
        false,
        named,
        faults,
    );
    let (Some(id), Some(kind)) = (id, kind) else {
        return None;
    };
    if !faults.is_empty() {
        return None;
    }
    Some(NodeRow {
        id,
        kind,
        name,
        aliases,
    })
}

/// Parses an edge item. On a fault, returns `None` with the faults pushed.
pub(crate) fn parse_edge<'r>(
    item: &'r Json,
    rules: &Rules,
    named: &mut Vec<(&'r str, Value)>,
    faults: &mut Vec<String>,
) -> Option<EdgeRow<'r>> {
    let obj = object(item, &["from", "to", "type", "props"], EDGE_KEYS, faults)?;
    let from = string(obj, "from", true, faults);
    let to = string(obj, "to", true, faults);
    let ty = string(obj, "type", true, faults);
    let known = ty.and_then(|t| rules.edge_type(t));
    if let Some(t) = ty
        && rules.strict()
        && known.is_none()
    {
        faults.push(rules.unknown_edge_type(t));
    }
    let ty_name = ty.unwrap_or("");
    props(
        obj,
        |p| rules.edge_prop_by_name(ty_name, p),
        true,
        named,
        faults,
    );
    EdgeRow::checked([from, to, ty], known, faults)
}

/// Where a top-level member and, for arrays, each of its items start.
#[derive(Debug, Default)]
struct Section {
    key: Vec<u8>,
    key_at: usize,
    value_at: usize,
    /// Each array item's byte range.
    items: Vec<(usize, usize)>,
}

/// Finds the top-level members of a valid JSON object. `None` when the text
/// is not shaped as expected (then problems go without positions).
fn scan_sections(s: &[u8]) -> Option<Vec<Section>> {
    let mut i = skip_ws(s, 0);
    if s.get(i) != Some(&b'{') {
        return None;
    }
    i += 1;
    let mut out = Vec::new();
    loop {
        i = skip_ws(s, i);
        match s.get(i)? {
            b'}' => return Some(out),
            b',' => {
                i += 1;
                continue;
            }
            b'"' => {}
            _ => return None,
        }
        let key_at = i;
        let end = skip_value(s, i)?;
        let key = s.get(key_at + 1..end - 1)?.to_vec();
        i = skip_ws(s, end);
        if s.get(i) != Some(&b':') {
            return None;
        }
        i = skip_ws(s, i + 1);
        let mut section = Section {
            key,
            key_at,
            value_at: i,
            items: Vec::new(),
        };
        if s.get(i) == Some(&b'[') {
            i += 1;
            loop {
                i = skip_ws(s, i);
                match s.get(i)? {
                    b']' => {
                        i += 1;
                        break;
                    }
                    b',' => i += 1,
                    _ => {
                        let start = i;
                        i = skip_value(s, i)?;
                        section.items.push((start, i));
                    }
                }
            }
        } else {
            i = skip_value(s, i)?;
        }
        out.push(section);
    }
}

fn skip_ws(s: &[u8], mut i: usize) -> usize {
    while matches!(s.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// The offset just past the value starting at `i` (no recursion: nesting
/// is tracked with a counter).
fn skip_value(s: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 0usize;
    loop {
        match *s.get(i)? {
            b'"' => {
                i += 1;
                loop {
                    match *s.get(i)? {
                        b'\\' => i += 2,
                        b'"' => break,
                        _ => i += 1,
                    }
                }
                i += 1;
            }
            b'{' | b'[' => {
                depth += 1;
                i += 1;
                continue;
            }
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                i += 1;
            }
            _ if depth == 0 => {
                while !matches!(
                    s.get(i),
                    None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                ) {
                    i += 1;
                }
                return Some(i);
            }
            _ => i += 1,
        }
        if depth == 0 {
            return Some(i);
        }
    }
}

fn first_token(s: &[u8]) -> usize {
    skip_ws(s, 0)
}

/// A fatal problem of `file` at byte `offset` of its `text`.
fn fatal_at(cx: &mut Ctx, file: usize, text: &[u8], offset: usize, message: String) {
    let (line, col) = positions(text, &[offset])
        .first()
        .copied()
        .unwrap_or((1, 1));
    cx.fatal(file, Some(line), Some(col), message);
}

/// 1-based (line, column in characters) of ascending offsets, in one pass.
fn positions(s: &[u8], offsets: &[usize]) -> Vec<(usize, usize)> {
    let (mut pos, mut line, mut col) = (0usize, 1usize, 1usize);
    let mut out = Vec::with_capacity(offsets.len());
    for &target in offsets {
        if target < pos {
            // Not ascending: start over (only happens for single lookups).
            (pos, line, col) = (0, 1, 1);
        }
        while pos < target.min(s.len()) {
            let b = s[pos];
            if b == b'\n' {
                line += 1;
                col = 1;
            } else if b & 0xC0 != 0x80 {
                col += 1;
            }
            pos += 1;
        }
        out.push((line, col));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_and_items_are_found() {
        let text = br#" {"meta": {"a": [1, "]"]}, "nodes": [ {"id": "a\"b"},
  {"id": "c"} ], "edges": [] }"#;
        let s = scan_sections(text).expect("valid JSON scans");
        let keys: Vec<&[u8]> = s.iter().map(|s| &s.key[..]).collect();
        assert_eq!(keys, [&b"meta"[..], b"nodes", b"edges"]);
        let starts: Vec<usize> = s[1].items.iter().map(|r| r.0).collect();
        assert_eq!(positions(text, &starts), [(1, 39), (2, 3)]);
        assert!(s[2].items.is_empty());
    }

    #[test]
    fn values_are_scalars_or_lists_of_them() {
        assert_eq!(value(&serde_json::json!(3)).unwrap(), Value::Int(3));
        assert_eq!(
            value(&serde_json::json!(["a", 1])).unwrap().to_string(),
            "[a, 1]"
        );
        assert!(value(&serde_json::json!({"a": 1})).is_err());
        assert!(value(&serde_json::json!([[1]])).is_err());
    }

    #[test]
    fn columns_count_characters() {
        assert_eq!(positions("é{x".as_bytes(), &[2, 3]), [(1, 2), (1, 3)]);
    }
}
