//! CSV node and edge files (RFC 4180 quoting, CRLF or LF, a leading BOM
//! ignored). Records are read as bytes into one reused buffer, so invalid
//! UTF-8 is reported with its line and a row costs no allocation beyond its
//! string values. Column names are resolved to interned property keys once
//! per file; the row parsers are pure functions of the record, the columns
//! and the rules, so a file can later be split into chunks parsed in
//! parallel.

use std::path::Path;

use csv::ByteRecord;

use crate::model::{GraphBuilder, PropKey, Value};

use super::files::{CsvReader, EDGE_HEADER, NODE_HEADER, csv_reader, header_names, io_message};
use super::rules::{Rules, cell_value, check_share};
use super::{Ctx, EdgeRow, Loc, MAX_FIELD_BYTES, NodeRow};

/// A property column: its position, interned key and name.
#[derive(Debug)]
pub(crate) struct PropCol {
    index: usize,
    key: PropKey,
    name: Box<str>,
}

/// The columns of a node file.
#[derive(Debug)]
pub(crate) struct NodeCols {
    width: usize,
    name: Option<usize>,
    aliases: Option<usize>,
    props: Vec<PropCol>,
}

/// The columns of an edge file.
#[derive(Debug)]
pub(crate) struct EdgeCols {
    width: usize,
    props: Vec<PropCol>,
}

/// Every column must be named, and named once.
fn check_names(names: &[String], expected: &str) -> Result<(), String> {
    for (i, name) in names.iter().enumerate() {
        if name.is_empty() {
            return Err(format!(
                "header column {} has no name; expected {expected}",
                i + 1
            ));
        }
        if names[..i].contains(name) {
            return Err(format!(
                "header names column `{name}` twice; expected {expected}"
            ));
        }
    }
    Ok(())
}

/// Resolves a node file's header (`id,kind` first; `name` and `aliases`
/// anywhere after; everything else a property).
pub(crate) fn node_cols(names: &[String], b: &mut GraphBuilder) -> Result<NodeCols, String> {
    check_names(names, NODE_HEADER)?;
    let mut cols = NodeCols {
        width: names.len(),
        name: None,
        aliases: None,
        props: Vec::new(),
    };
    for (index, name) in names.iter().enumerate().skip(2) {
        match name.as_str() {
            "name" => cols.name = Some(index),
            "aliases" => cols.aliases = Some(index),
            _ => cols.props.push(PropCol {
                index,
                key: b.prop_key(name),
                name: name.as_str().into(),
            }),
        }
    }
    Ok(cols)
}

/// Resolves an edge file's header (`from,to,type`, then properties).
pub(crate) fn edge_cols(names: &[String], b: &mut GraphBuilder) -> Result<EdgeCols, String> {
    check_names(names, EDGE_HEADER)?;
    let props = names
        .iter()
        .enumerate()
        .skip(3)
        .map(|(index, name)| PropCol {
            index,
            key: b.prop_key(name),
            name: name.as_str().into(),
        })
        .collect();
    Ok(EdgeCols {
        width: names.len(),
        props,
    })
}

/// A field as trimmed text; invalid UTF-8 is a fault naming the column.
fn field<'r>(
    rec: &'r ByteRecord,
    i: usize,
    column: &str,
    faults: &mut Vec<String>,
) -> Option<&'r str> {
    let bytes = rec.get(i)?;
    match std::str::from_utf8(bytes) {
        Ok(s) => Some(s.trim()),
        Err(_) => {
            let shown = String::from_utf8_lossy(bytes);
            faults.push(format!(
                "column `{column}` is not valid UTF-8 (`{shown}`); expected UTF-8 text"
            ));
            None
        }
    }
}

fn check_width(rec: &ByteRecord, width: usize, faults: &mut Vec<String>) -> bool {
    if rec.len() == width {
        return true;
    }
    let found = rec.len();
    let s = if found == 1 { "" } else { "s" };
    faults.push(format!(
        "row `{}` has {found} field{s}, expected {width} (as in the header)",
        preview(rec)
    ));
    false
}

/// A record as text for messages, cut after 60 characters.
fn preview(rec: &ByteRecord) -> String {
    let joined = rec
        .iter()
        .map(String::from_utf8_lossy)
        .collect::<Vec<_>>()
        .join(",");
    match joined.char_indices().nth(60) {
        Some((cut, _)) => format!("{}...", &joined[..cut]),
        None => joined,
    }
}

/// Parses a node row. Property values are typed by the schema when it
/// declares them for the row's kind, else inferred. On a fault, returns
/// `None` with the faults pushed.
pub(crate) fn parse_node_row<'r>(
    rec: &'r ByteRecord,
    cols: &NodeCols,
    rules: &Rules,
    props: &mut Vec<(PropKey, Value)>,
    faults: &mut Vec<String>,
) -> Option<NodeRow<'r>> {
    if !check_width(rec, cols.width, faults) {
        return None;
    }
    let id = field(rec, 0, "id", faults);
    let kind = field(rec, 1, "kind", faults);
    let name = cols
        .name
        .and_then(|i| field(rec, i, "name", faults))
        .unwrap_or("");
    let aliases = cols
        .aliases
        .and_then(|i| field(rec, i, "aliases", faults))
        .unwrap_or("");
    if id == Some("") {
        faults.push("`id` is empty; expected a node id".to_string());
    }
    if kind == Some("") {
        faults.push("`kind` is empty; expected a kind".to_string());
    }
    let typed_kind = kind.and_then(|k| rules.kind(k));
    for col in &cols.props {
        let Some(cell) = field(rec, col.index, &col.name, faults) else {
            continue;
        };
        if cell.is_empty() {
            continue;
        }
        let ty = typed_kind.and_then(|k| rules.node_prop(k, col.key));
        match cell_value(cell, ty) {
            Ok(v) => props.push((col.key, v)),
            Err(e) => faults.push(format!("property `{}`: {e}", col.name)),
        }
    }
    let (Some(id), Some(kind)) = (id, kind) else {
        return None;
    };
    if !faults.is_empty() {
        return None;
    }
    let aliases = aliases
        .split('|')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(Box::from)
        .collect();
    Some(NodeRow {
        id,
        kind,
        name,
        aliases,
    })
}

/// Parses an edge row. With a schema, the type must be declared and
/// property values are typed by it; a `share` must lie in (0, 1].
pub(crate) fn parse_edge_row<'r>(
    rec: &'r ByteRecord,
    cols: &EdgeCols,
    rules: &Rules,
    props: &mut Vec<(PropKey, Value)>,
    faults: &mut Vec<String>,
) -> Option<EdgeRow<'r>> {
    if !check_width(rec, cols.width, faults) {
        return None;
    }
    let from = field(rec, 0, "from", faults);
    let to = field(rec, 1, "to", faults);
    let ty = field(rec, 2, "type", faults);
    for (text, column, expected) in [
        (from, "from", "a node id"),
        (to, "to", "a node id"),
        (ty, "type", "an edge type"),
    ] {
        if text == Some("") {
            faults.push(format!("`{column}` is empty; expected {expected}"));
        }
    }
    let known = ty.and_then(|t| rules.edge_type(t));
    if let Some(t) = ty
        && rules.strict()
        && known.is_none()
        && !t.is_empty()
    {
        faults.push(rules.unknown_edge_type(t));
    }
    for col in &cols.props {
        let Some(cell) = field(rec, col.index, &col.name, faults) else {
            continue;
        };
        if cell.is_empty() {
            continue;
        }
        let declared = known.and_then(|t| rules.edge_prop(t, col.key));
        match cell_value(cell, declared) {
            Ok(v) => {
                if col.key == rules.share
                    && let Err(e) = check_share(&v)
                {
                    faults.push(e);
                    continue;
                }
                props.push((col.key, v));
            }
            Err(e) => faults.push(format!("property `{}`: {e}", col.name)),
        }
    }
    let (Some(from), Some(to), Some(ty)) = (from, to, ty) else {
        return None;
    };
    if !faults.is_empty() {
        return None;
    }
    Some(EdgeRow {
        from,
        to,
        ty,
        known,
    })
}

/// Opens a CSV file and reads its header; problems are fatal.
fn open(cx: &mut Ctx<'_>, file: usize, path: &Path) -> Option<(CsvReader, Vec<String>)> {
    let mut reader = match csv_reader(path) {
        Ok(r) => r,
        Err(e) => {
            cx.fatal(file, None, None, io_message(&e, "a readable CSV file"));
            return None;
        }
    };
    let mut header = ByteRecord::new();
    let names = match reader.read_byte_record(&mut header) {
        Ok(true) => header_names(&header),
        Ok(false) => Err("empty CSV file; expected a header".to_string()),
        Err(e) => Err(format!("cannot read the CSV header: {e}")),
    };
    match names {
        Ok(n) => Some((reader, n)),
        Err(message) => {
            cx.fatal(file, Some(1), None, message);
            None
        }
    }
}

/// Reads the next record; `None` at the end or on a read error (reported).
fn next(
    cx: &mut Ctx<'_>,
    file: usize,
    reader: &mut CsvReader,
    rec: &mut ByteRecord,
) -> Option<usize> {
    let unclosed = |cx: &mut Ctx<'_>, reader: &CsvReader| match reader.get_ref().unclosed_quote() {
        Some((line, col)) => {
            cx.fatal(
                file,
                Some(line),
                Some(col),
                "this quote is never closed; expected a closing `\"` before the end of the file \
                 (everything after it was read as one field)"
                    .to_string(),
            );
            true
        }
        None => false,
    };
    match reader.read_byte_record(rec) {
        Ok(true) => {
            let line = rec.position().map_or(0, |p| p.line() as usize);
            let Some((i, long)) = rec
                .iter()
                .enumerate()
                .find(|(_, f)| f.len() > MAX_FIELD_BYTES)
            else {
                return Some(line);
            };
            if !unclosed(cx, reader) {
                cx.fatal(
                    file,
                    Some(line),
                    None,
                    format!(
                        "field {} is {} bytes long; expected at most {MAX_FIELD_BYTES} bytes per field",
                        i + 1,
                        long.len()
                    ),
                );
            }
            None
        }
        Ok(false) => {
            unclosed(cx, reader);
            None
        }
        Err(e) => {
            let line = e.position().map(|p| p.line() as usize);
            cx.fatal(file, line, None, format!("cannot read the file: {e}"));
            None
        }
    }
}

/// Loads the nodes of a node file.
pub(crate) fn load_nodes(cx: &mut Ctx<'_>, file: usize, path: &Path) {
    let Some((mut reader, names)) = open(cx, file, path) else {
        return;
    };
    let cols = match node_cols(&names, &mut cx.b) {
        Ok(c) => c,
        Err(message) => return cx.fatal(file, Some(1), None, message),
    };
    let mut rec = ByteRecord::new();
    let mut props = Vec::new();
    let mut faults = Vec::new();
    while let Some(line) = next(cx, file, &mut reader, &mut rec) {
        let loc = Loc {
            file,
            line,
            col: None,
            item: None,
        };
        props.clear();
        match parse_node_row(&rec, &cols, &cx.rules, &mut props, &mut faults) {
            Some(row) => cx.add_node(&loc, row, &mut props, &mut faults),
            None => {
                if let Some(id) = rec.get(0).and_then(|b| std::str::from_utf8(b).ok()) {
                    cx.reject(id.trim());
                }
            }
        }
        cx.report(&loc, &mut faults);
        if cx.sink.full() {
            return;
        }
    }
}

/// Loads the edges of an edge file.
pub(crate) fn load_edges(cx: &mut Ctx<'_>, file: usize, path: &Path) {
    let Some((mut reader, names)) = open(cx, file, path) else {
        return;
    };
    let cols = match edge_cols(&names, &mut cx.b) {
        Ok(c) => c,
        Err(message) => return cx.fatal(file, Some(1), None, message),
    };
    let mut rec = ByteRecord::new();
    let mut props = Vec::new();
    let mut faults = Vec::new();
    while let Some(line) = next(cx, file, &mut reader, &mut rec) {
        let loc = Loc {
            file,
            line,
            col: None,
            item: None,
        };
        props.clear();
        if let Some(row) = parse_edge_row(&rec, &cols, &cx.rules, &mut props, &mut faults) {
            cx.add_edge(&loc, row, &mut props, &mut faults);
        }
        cx.report(&loc, &mut faults);
        if cx.sink.full() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::GraphBuilder;

    fn rec(fields: &[&str]) -> ByteRecord {
        ByteRecord::from(fields.to_vec())
    }

    fn names(text: &str) -> Vec<String> {
        text.split(',').map(String::from).collect()
    }

    #[test]
    fn node_rows_parse_without_a_schema() {
        let mut b = GraphBuilder::new();
        let rules = Rules::new(&mut b, None);
        let cols = node_cols(&names("id,kind,name,aliases,founded"), &mut b).unwrap();
        let (mut props, mut faults) = (Vec::new(), Vec::new());
        let r = rec(&["tsmc", "Firm", "TSMC", "Taiwan Semi| TSM |", "1987"]);
        let row = parse_node_row(&r, &cols, &rules, &mut props, &mut faults).unwrap();
        assert_eq!((row.id, row.kind, row.name), ("tsmc", "Firm", "TSMC"));
        assert_eq!(
            row.aliases,
            vec![Box::from("Taiwan Semi"), Box::from("TSM")]
        );
        assert_eq!(props, vec![(b.prop_key("founded"), Value::Int(1987))]);
    }

    #[test]
    fn ragged_and_empty_fields_are_faults() {
        let mut b = GraphBuilder::new();
        let rules = Rules::new(&mut b, None);
        let cols = node_cols(&names("id,kind,name"), &mut b).unwrap();
        let (mut props, mut faults) = (Vec::new(), Vec::new());
        assert!(
            parse_node_row(&rec(&["a", "Firm"]), &cols, &rules, &mut props, &mut faults).is_none()
        );
        assert_eq!(
            faults,
            ["row `a,Firm` has 2 fields, expected 3 (as in the header)"]
        );
        faults.clear();
        assert!(
            parse_node_row(&rec(&["", "", "x"]), &cols, &rules, &mut props, &mut faults).is_none()
        );
        assert_eq!(faults.len(), 2, "{faults:?}");
    }

    #[test]
    fn edge_shares_are_range_checked() {
        let mut b = GraphBuilder::new();
        let rules = Rules::new(&mut b, None);
        let cols = edge_cols(&names("from,to,type,share"), &mut b).unwrap();
        let (mut props, mut faults) = (Vec::new(), Vec::new());
        assert!(
            parse_edge_row(
                &rec(&["a", "b", "T", "1.5"]),
                &cols,
                &rules,
                &mut props,
                &mut faults
            )
            .is_none()
        );
        assert_eq!(
            faults,
            ["share `1.5` is out of range; expected a number in (0, 1]"]
        );
    }

    #[test]
    fn headers_need_distinct_names() {
        let mut b = GraphBuilder::new();
        assert!(
            node_cols(&names("id,kind,name,"), &mut b)
                .unwrap_err()
                .contains("column 4 has no name")
        );
        assert!(
            edge_cols(&names("from,to,type,x,x"), &mut b)
                .unwrap_err()
                .contains("`x` twice")
        );
    }
}
