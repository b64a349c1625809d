//! Data sets shared by the loader tests (`tests/load.rs`) and the `check`
//! command tests (`tests/cli_check.rs`): a small valid base, and one case per
//! class of bad data, each with what its message must name.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The fixture data set that loads cleanly.
pub fn good_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/load/good")
}

pub const SCHEMA: &str = r#"
[kinds.Firm]
props = { ticker = "string", founded = "int" }

[kinds.Nation]
props = { iso3 = "string" }

[edges.SUPPLIES]
from = ["Firm"]
to   = ["Firm"]
role = "dependency"
direction = "reverse"
props = { share = "float", source = "string" }

[edges.LOCATED_IN]
from = ["Firm"]
to   = ["Nation"]
role = "membership"

[edges.PARTNERS]
from = ["Firm"]
to   = ["Firm"]
multi = true
"#;

pub const NATIONS: &str = "id,kind,name,iso3\nus,Nation,United States,USA\ntw,Nation,Taiwan,TWN\n";
pub const FIRMS: &str =
    "id,kind,name,ticker,founded\ntsmc,Firm,TSMC,TSM,1987\nnvidia,Firm,NVIDIA,NVDA,1993\n";

/// Writes files (relative path, bytes) into a fresh temporary directory.
pub fn write(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (path, bytes) in files {
        let full = dir.path().join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).expect("create the fixture's directories");
        }
        std::fs::write(&full, bytes).expect("write a fixture file");
    }
    dir
}

/// The base files (schema, nations, firms) plus `extra`, written out.
pub fn with_base(extra: &[(&str, &[u8])]) -> tempfile::TempDir {
    let mut files: Vec<(&str, &[u8])> = vec![
        ("schema.toml", SCHEMA.as_bytes()),
        ("nodes/nations.csv", NATIONS.as_bytes()),
        ("nodes/firms.csv", FIRMS.as_bytes()),
    ];
    for (path, bytes) in extra {
        files.retain(|(p, _)| p != path);
        files.push((path, bytes));
    }
    write(&files)
}

/// A data set that must not load, and what the failure must say (each a
/// substring: the file and line, the offending value, what was expected).
pub struct Case {
    pub name: &'static str,
    pub files: Vec<(&'static str, &'static [u8])>,
    pub expect: Vec<&'static str>,
}

fn case(
    name: &'static str,
    files: Vec<(&'static str, &'static [u8])>,
    expect: Vec<&'static str>,
) -> Case {
    Case {
        name,
        files,
        expect,
    }
}

/// One case per class of bad data. Each is written over the base files.
pub fn bad_cases() -> Vec<Case> {
    vec![
        case(
            "dangling edge",
            vec![("edges/e.csv", b"from,to,type\ntsmc,nvidia,SUPPLIES\ntsmc,nope,SUPPLIES\n")],
            vec!["edges/e.csv:3:", "unknown node `nope` in `to`", "expected the id of a node"],
        ),
        case(
            "unknown kind",
            vec![("nodes/x.csv", b"id,kind,name\nintel,Frim,Intel\n")],
            vec!["nodes/x.csv:2:", "unknown kind `Frim`", "expected a kind declared in the schema", "did you mean `Firm`?"],
        ),
        case(
            "unknown edge type",
            vec![("edges/e.csv", b"from,to,type\ntsmc,nvidia,SUPPLEIS\n")],
            vec!["edges/e.csv:2:", "unknown edge type `SUPPLEIS`", "did you mean `SUPPLIES`?"],
        ),
        case(
            "endpoint of a kind the schema forbids",
            vec![("edges/e.csv", b"from,to,type\nus,tsmc,SUPPLIES\n")],
            vec!["edges/e.csv:2:", "`from` node `us` is a Nation", "expected Firm"],
        ),
        case(
            "value not of its declared type",
            vec![("nodes/firms.csv", b"id,kind,name,founded\ntsmc,Firm,TSMC,1987\nasml,Firm,ASML,nineteen84\n")],
            vec!["nodes/firms.csv:3:", "property `founded`", "`nineteen84` is not an int", "expected an integer"],
        ),
        case(
            "duplicate node id",
            vec![("nodes/more.csv", b"id,kind,name\nasml,Firm,ASML\ntsmc,Firm,TSMC again\n")],
            vec!["nodes/more.csv:3:", "duplicate node id `tsmc`", "first defined at ", "nodes/firms.csv:2"],
        ),
        case(
            "duplicate edge",
            vec![("edges/e.csv", b"from,to,type\ntsmc,nvidia,SUPPLIES\ntsmc,tw,LOCATED_IN\ntsmc,nvidia,SUPPLIES\n")],
            vec!["edges/e.csv:4:", "duplicate edge `tsmc` -[SUPPLIES]-> `nvidia`", "edges/e.csv:2", "multi = true"],
        ),
        case(
            "ragged row",
            vec![("nodes/firms.csv", b"id,kind,name,ticker\ntsmc,Firm,TSMC,TSM\nnvidia,Firm\n")],
            vec!["nodes/firms.csv:3:", "row `nvidia,Firm` has 2 fields, expected 4"],
        ),
        case(
            "broken TOML",
            vec![("schema.toml", b"[kinds.Firm]\nprops = { ticker = \"string\" }\nfounded = \n")],
            vec!["schema.toml:3:11:", "invalid TOML"],
        ),
        case(
            "unknown role in the schema",
            vec![("schema.toml", b"[edges.SUPPLIES]\nfrom = [\"Firm\"]\nrole = \"dependancy\"\n")],
            vec!["schema.toml:3:8:", "unknown role `dependancy`", "expected dependency, membership, impact, destination, enactor or other"],
        ),
        case(
            "broken JSON",
            vec![("more.json", b"{\"nodes\": [\n  {\"id\": \"asml\", \"kind\": \"Firm\",}\n]}\n")],
            vec!["more.json:2:", "invalid JSON", "trailing comma"],
        ),
        case(
            "JSON nodes not an array",
            vec![("more.json", b"{\n  \"nodes\": {\"id\": \"asml\"}\n}\n")],
            vec!["more.json:2:12:", "`nodes` is an object; expected an array of node objects"],
        ),
        case(
            "JSON item without an id",
            vec![("more.json", b"{\"nodes\": [\n  {\"id\": \"asml\", \"kind\": \"Firm\"},\n  {\"kind\": \"Firm\", \"name\": \"Intel\"}\n]}\n")],
            vec!["more.json:3:3:", "nodes[1]", "`id` is missing; expected a string"],
        ),
        case(
            "JSON value of the wrong type",
            vec![("more.json", b"{\"nodes\": [{\"id\": \"asml\", \"kind\": \"Firm\", \"props\": {\"founded\": \"1984\"}}]}")],
            vec!["more.json:1:12:", "nodes[0]", "property `founded`", "`\"1984\"` is a string", "int"],
        ),
        case(
            "invalid UTF-8",
            vec![("nodes/firms.csv", b"id,kind,name\ntsmc,Firm,TSMC\nasml,Firm,AS\xffML\n")],
            vec!["nodes/firms.csv:3:", "column `name` is not valid UTF-8", "`AS\u{FFFD}ML`", "expected UTF-8 text"],
        ),
        case(
            "binary garbage as CSV",
            vec![("nodes/garbage.csv", b"\x00\x9f\x92\x96\xff,\x01\x02\n\xfe\xfe\n")],
            vec!["nodes/garbage.csv:1:", "not valid UTF-8"],
        ),
        case(
            "binary garbage as JSON",
            vec![("garbage.json", b"\x00\x9f\x92\x96\xff\x01\x02\n")],
            vec!["garbage.json:1:", "invalid JSON"],
        ),
        case(
            "share out of range",
            vec![("edges/e.csv", b"from,to,type,share\ntsmc,nvidia,SUPPLIES,1.5\n")],
            vec!["edges/e.csv:2:", "share `1.5` is out of range; expected a number in (0, 1]"],
        ),
        case(
            "unrecognized CSV header",
            vec![("nodes/odd.csv", b"name,id,kind\nIntel,intel,Firm\n")],
            vec!["nodes/odd.csv:1:", "unrecognized CSV header `name,id,kind`", "id,kind,name", "from,to,type"],
        ),
        case(
            "empty id",
            vec![("nodes/x.csv", b"id,kind,name\n,Firm,Nameless\n")],
            vec!["nodes/x.csv:2:", "`id` is empty; expected a node id"],
        ),
    ]
}
