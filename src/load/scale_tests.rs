//! The loader's parallel paths against ground truth: data sets cut into
//! many blocks and pieces (tiny blocks, three threads), good and bad, whose
//! every edge and every problem line is known. Each is also loaded in one
//! block on one thread; both must agree exactly.

use std::path::Path;

use super::blocks::{BLOCK, Tuning};
use super::*;
use crate::model::{Graph, Value};

const FIRMS: usize = 3000;
const NATIONS: usize = 40;

const SCHEMA: &str = r#"
[kinds.Firm]
props = { tier = "int" }
[kinds.Nation]
[edges.SUPPLIES]
from = ["Firm"]
to = ["Firm"]
props = { share = "float" }
[edges.LOCATED_IN]
from = ["Firm"]
to = ["Nation"]
[edges.PARTNERS]
from = ["Firm"]
to = ["Firm"]
multi = true
"#;

/// Tiny blocks, more threads than cores: every cut a large file would see.
const SMALL: Tuning = Tuning {
    block: 2048,
    threads: 3,
};

/// One block, one thread: the sequential reading.
const WHOLE: Tuning = Tuning {
    block: BLOCK,
    threads: 1,
};

/// A text file being written, counting its lines.
#[derive(Default)]
struct File {
    text: String,
    line: usize,
}

impl File {
    fn new(header: &str) -> File {
        let mut f = File::default();
        f.row(header);
        f
    }

    /// Appends a row (ending in `\n`); returns the line it starts on.
    fn row(&mut self, row: &str) -> usize {
        self.raw(&format!("{row}\n"))
    }

    /// Appends text as is; returns the line it starts on.
    fn raw(&mut self, text: &str) -> usize {
        let at = self.line + 1;
        self.text.push_str(text);
        self.line += text.matches('\n').count();
        at
    }

    fn save(&self, dir: &Path, name: &str) {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &self.text).unwrap();
    }
}

/// An edge as the test expects it: from, to, type, share.
type Want = (String, String, &'static str, Option<f64>);

/// A SUPPLIES row: (supplier, customer) and its line.
type Placed = ((usize, usize), usize);

/// The good data set; returns its edges in load order (files in sorted
/// path order, rows in file order) and where each SUPPLIES row is.
fn good(dir: &Path) -> (Vec<Want>, Vec<Placed>) {
    std::fs::write(dir.join("schema.toml"), SCHEMA).unwrap();
    let mut firms = File::new("id,kind,name,tier");
    for i in 0..FIRMS {
        firms.row(&format!("F{i},Firm,Firm {i},{}", i % 4));
    }
    firms.save(dir, "nodes/firms.csv");
    // Quoted names with commas and line breaks: these blocks hold quotes.
    let mut nations = File::new("id,kind,name");
    for j in 0..NATIONS {
        nations.row(&format!("N{j},Nation,\"Nation, {j}\nof the \"\"test\"\"\""));
    }
    nations.save(dir, "nodes/nations.csv");

    let mut edges = Vec::new();
    // edges/a_located.csv: CRLF line ends.
    let mut located = File::new("from,to,type\r");
    for i in 0..FIRMS {
        located.raw(&format!("F{i},N{},LOCATED_IN\r\n", i % NATIONS));
        edges.push((
            format!("F{i}"),
            format!("N{}", i % NATIONS),
            "LOCATED_IN",
            None,
        ));
    }
    located.save(dir, "edges/a_located.csv");
    // edges/b_partners.csv: parallel edges of a multi type, a quoted id
    // with a line break (trimmed away), blank lines.
    let mut partners = File::new("from,to,type");
    for i in 0..200 {
        partners.row(&format!("F{},F{},PARTNERS", i % 7, i % 11));
        edges.push((
            format!("F{}", i % 7),
            format!("F{}", i % 11),
            "PARTNERS",
            None,
        ));
        if i % 50 == 0 {
            partners.raw("\n\r\n");
            partners.row("\"F10\n\",F11,PARTNERS");
            edges.push(("F10".into(), "F11".into(), "PARTNERS", None));
        }
    }
    partners.save(dir, "edges/b_partners.csv");
    // edges/c_supplies.csv: grouped by customer, suppliers spread out.
    let mut supplies = File::new("from,to,type,share");
    let mut at = Vec::new();
    for b in 0..FIRMS {
        for k in 0..4 {
            let a = (b * 7 + k * 13 + 1) % FIRMS;
            let share = (k % 3 != 2).then(|| (1 + (a + b) % 97) as f64 / 100.0);
            let cell = share.map_or(String::new(), |s| s.to_string());
            let line = supplies.row(&format!("F{a},F{b},SUPPLIES,{cell}"));
            at.push(((a, b), line));
            edges.push((format!("F{a}"), format!("F{b}"), "SUPPLIES", share));
        }
    }
    supplies.save(dir, "edges/c_supplies.csv");
    (edges, at)
}

fn load_with(dir: &Path, opts: &LoadOptions, tuning: Tuning) -> Result<Loaded, LoadFailure> {
    run_tuned(None, &[dir.to_path_buf()], opts, tuning)
}

/// Everything observable about a graph's nodes and edges, as text.
fn dump(g: &Graph) -> Vec<String> {
    let mut out = Vec::new();
    for n in g.nodes() {
        out.push(format!(
            "{} {:?} {} {:?} {:?}",
            g.node_key(n),
            g.node_name(n),
            g.node_kind_name(n),
            g.node_aliases(n),
            g.node_props(n)
        ));
    }
    for e in g.edges() {
        let (a, b) = g.edge_ends(e);
        out.push(format!(
            "{} {} {} {:?} {:?}",
            g.node_key(a),
            g.node_key(b),
            g.edge_type_name(g.edge_type(e)),
            g.edge_share(e),
            g.edge_props(e)
        ));
    }
    out
}

fn edges_of(g: &Graph) -> Vec<Want> {
    g.edges()
        .map(|e| {
            let (a, b) = g.edge_ends(e);
            let ty = match g.edge_type_name(g.edge_type(e)) {
                "LOCATED_IN" => "LOCATED_IN",
                "PARTNERS" => "PARTNERS",
                _ => "SUPPLIES",
            };
            (
                g.node_key(a).to_string(),
                g.node_key(b).to_string(),
                ty,
                g.edge_share(e),
            )
        })
        .collect()
}

#[test]
fn a_large_good_data_set_loads_the_same_in_pieces_and_whole() {
    let dir = tempfile::tempdir().unwrap();
    let (want, _) = good(dir.path());
    let opts = LoadOptions::default();
    let small = load_with(dir.path(), &opts, SMALL).unwrap_or_else(|f| panic!("{f}"));
    let whole = load_with(dir.path(), &opts, WHOLE).unwrap_or_else(|f| panic!("{f}"));
    let g = &small.graph;
    assert_eq!(g.node_count(), FIRMS + NATIONS);
    assert_eq!(edges_of(g), want);
    assert_eq!(dump(g), dump(&whole.graph));
    let n7 = g.node_by_key("N7").unwrap();
    assert_eq!(g.node_name(n7), "Nation, 7\nof the \"test\"");
    let f5 = g.node_by_key("F5").unwrap();
    assert_eq!(g.node_prop(f5, "tier"), Some(Value::Int(1)));
    assert_eq!(g.nodes_named("firm 5"), [f5]);
    // Adjacency agrees with the edge list.
    let out: usize = g.nodes().map(|n| g.out_adj().degree(n)).sum();
    assert_eq!(out, g.edge_count());
    for e in g.edges().step_by(97) {
        let (a, b) = g.edge_ends(e);
        assert!(g.out_adj().edges(a).contains(&e) && g.in_adj().edges(b).contains(&e));
    }
}

/// The bad data set: the good one plus `edges/d_bad.csv`, whose problems
/// are returned in order as (line, what the message must contain).
fn bad(dir: &Path) -> Vec<(String, String)> {
    let (_, supplies) = good(dir);
    let mut f = File::new("from,to,type,share");
    let mut want = Vec::new();
    let mut first_dup = 0;
    for i in 0..400 {
        f.row(&format!("F{i},F{},PARTNERS,", i + 1));
        match i {
            50 => {
                let l = f.row("F12345,F1,SUPPLIES,0.5");
                want.push((l, "unknown node `F12345` in `from`".to_string()));
            }
            90 => {
                f.raw("\n\n");
                let l = f.row("F1,F2,SUPPLIES,1.5");
                want.push((l, "share `1.5` is out of range".to_string()));
            }
            130 => {
                let l = f.row("F1,F2");
                want.push((l, "row `F1,F2` has 2 fields, expected 4".to_string()));
            }
            170 => {
                let ((a, b), at) = supplies[123];
                let l = f.row(&format!("F{a},F{b},SUPPLIES,0.25"));
                let first = format!("c_supplies.csv:{at}");
                want.push((
                    l,
                    format!(
                        "duplicate edge `F{a}` -[SUPPLIES]-> `F{b}`; first defined at {}",
                        dir.join("edges").join(first).display()
                    ),
                ));
            }
            200 => first_dup = f.row("F2,F9,SUPPLIES,0.5"),
            260 => {
                let l = f.row("F2,F9,SUPPLIES,0.75");
                let first = dir.join("edges/d_bad.csv").display().to_string();
                want.push((l, format!("duplicate edge `F2` -[SUPPLIES]-> `F9`; first defined at {first}:{first_dup}")));
            }
            300 => {
                let l = f.row("\"F3\",\"F4\nF5\",LOCATED_IN,");
                want.push((l, "unknown node `F4\nF5` in `to`".to_string()));
            }
            340 => {
                let l = f.row("F3,F4,LOCATED_IN,");
                want.push((l, "`to` node `F4` is a Firm; expected Nation".to_string()));
            }
            _ => {}
        }
    }
    f.save(dir, "edges/d_bad.csv");
    let file = dir.join("edges/d_bad.csv").display().to_string();
    want.into_iter()
        .map(|(line, text)| (format!("{file}:{line}: "), text))
        .collect()
}

fn shown(problems: &[crate::diag::Problem]) -> Vec<String> {
    problems.iter().map(|p| p.to_string()).collect()
}

fn check_problems(got: &[String], want: &[(String, String)]) {
    assert_eq!(got.len(), want.len(), "{got:#?}");
    for (g, (at, text)) in got.iter().zip(want) {
        assert!(
            // Messages show control characters escaped (`\n` for a newline).
            g.starts_with(at) && g.contains(&text.replace('\n', "\\n")),
            "expected {at}...{text:?} in {g:?}"
        );
    }
}

#[test]
fn problems_in_pieces_come_in_file_order_with_exact_lines() {
    let dir = tempfile::tempdir().unwrap();
    let want = bad(dir.path());
    let opts = LoadOptions::default();
    let small = load_with(dir.path(), &opts, SMALL).unwrap_err();
    let whole = load_with(dir.path(), &opts, WHOLE).unwrap_err();
    check_problems(&shown(&small.problems), &want);
    assert_eq!(small, whole);
    assert!(
        small.problems[0].message.ends_with("did you mean `F1234`?"),
        "{}",
        small.problems[0]
    );

    let few = LoadOptions {
        max_problems: 3,
        ..LoadOptions::default()
    };
    let small = load_with(dir.path(), &few, SMALL).unwrap_err();
    check_problems(&shown(&small.problems), &want[..3]);
    assert!(small.truncated);
    assert_eq!(small, load_with(dir.path(), &few, WHOLE).unwrap_err());
}

#[test]
fn skipping_bad_rows_in_pieces_drops_exactly_them() {
    let dir = tempfile::tempdir().unwrap();
    let want = bad(dir.path());
    let opts = LoadOptions {
        skip_bad_rows: true,
        ..LoadOptions::default()
    };
    let small = load_with(dir.path(), &opts, SMALL).unwrap_or_else(|f| panic!("{f}"));
    let whole = load_with(dir.path(), &opts, WHOLE).unwrap_or_else(|f| panic!("{f}"));
    check_problems(&shown(&small.skipped), &want);
    assert_eq!(small.skipped_count, want.len());
    assert_eq!(dump(&small.graph), dump(&whole.graph));
    let (good_edges, _) = good(tempfile::tempdir().unwrap().path());
    // The 400 PARTNERS rows and the first F2 -> F9 SUPPLIES are kept.
    assert_eq!(small.graph.edge_count(), good_edges.len() + 401);
    let g = &small.graph;
    let (f2, f9) = (g.node_by_key("F2").unwrap(), g.node_by_key("F9").unwrap());
    let supplies = g.edge_type_id("SUPPLIES").unwrap();
    let kept: Vec<_> = g
        .out_adj()
        .iter(f2)
        .filter(|(_, t, n)| *n == f9 && *t == supplies)
        .collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(g.edge_share(kept[0].0), Some(0.5));
}

#[test]
fn the_one_edge_type_too_many_is_found_across_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let mut nodes = File::new("id,kind");
    nodes.row("a,K");
    nodes.row("b,K");
    nodes.save(dir.path(), "n.csv");
    let mut edges = File::new("from,to,type");
    let mut first_bad = 0;
    for i in 0..MAX_INTERNED + 3 {
        let line = edges.row(&format!("a,b,T{i}"));
        if i == MAX_INTERNED {
            first_bad = line;
        }
    }
    edges.save(dir.path(), "e.csv");
    let opts = LoadOptions::default();
    // Blocks of 64 KiB: enough of them to cut the file many times, few
    // enough that copying 65,535 interned types per block stays quick.
    let tuning = Tuning {
        block: 1 << 16,
        threads: 3,
    };
    let small = load_with(dir.path(), &opts, tuning).unwrap_err();
    assert_eq!(small, load_with(dir.path(), &opts, WHOLE).unwrap_err());
    assert_eq!(small.problems.len(), 3, "{small}");
    let want = format!(
        "{}:{first_bad}: edge type `T{MAX_INTERNED}` is one too many",
        dir.path().join("e.csv").display()
    );
    assert!(small.problems[0].to_string().starts_with(&want), "{small}");
}

/// Loads `files` (with a minimal schema-free node file) in pieces and
/// whole; both must fail alike. Returns the problems as text.
fn fails_alike(files: &[(&str, &[u8])]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    let opts = LoadOptions::default();
    let small = load_with(dir.path(), &opts, SMALL).unwrap_err();
    assert_eq!(small, load_with(dir.path(), &opts, WHOLE).unwrap_err());
    let root = format!("{}/", dir.path().display());
    shown(&small.problems)
        .iter()
        .map(|p| p.replace(&root, ""))
        .collect()
}

#[test]
fn enormous_fields_are_rejected_not_loaded() {
    let mut csv = b"id,kind,name\na,Firm,A\nb,Firm,".to_vec();
    csv.extend(std::iter::repeat_n(b'x', 3_000_000));
    csv.extend_from_slice(b"\nc,Firm,C\n");
    let got = fails_alike(&[("big.csv", &csv)]);
    assert_eq!(
        got,
        ["big.csv:3: field 3 is 3000000 bytes long; expected at most 1048576 bytes per field"]
    );
    let mut edges = b"from,to,type\n".to_vec();
    edges.extend(std::iter::repeat_n(b'y', 2_000_000));
    edges.extend_from_slice(b",a,T\n");
    let got = fails_alike(&[("n.csv", b"id,kind\na,K\n"), ("e.csv", &edges)]);
    assert_eq!(
        got,
        ["e.csv:2: field 1 is 2000000 bytes long; expected at most 1048576 bytes per field"]
    );
    let mut json = br#"{"nodes": [{"id": "b", "kind": "Firm", "name": ""#.to_vec();
    json.extend(std::iter::repeat_n(b'x', 3_000_000));
    json.extend_from_slice(br#""}]}"#);
    let got = fails_alike(&[("big.json", &json)]);
    assert_eq!(got.len(), 1);
    assert!(
        got[0].starts_with("big.json:1:") && got[0].contains("nodes[0]: a string of 3000000 bytes"),
        "{got:?}"
    );
}

#[test]
fn a_quote_left_open_is_rejected_where_it_opens() {
    let mut csv = b"id,kind,name\nb,Firm,\"Unclosed\n".to_vec();
    for i in 0..500 {
        csv.extend_from_slice(format!("c{i},Firm,C{i}\n").as_bytes());
    }
    let got = fails_alike(&[("q.csv", &csv)]);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].starts_with("q.csv:2:8: this quote is never closed"),
        "{got:?}"
    );
    // In an edge file, after rows with problems of their own.
    let edges = b"from,to,type\na,zz,T\n\n\"a,b,T\nb,a,T\n";
    let got = fails_alike(&[("n.csv", b"id,kind\na,K\nb,K\n"), ("e.csv", edges)]);
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got[0].starts_with("e.csv:2: unknown node `zz`"), "{got:?}");
    assert!(
        got[1].starts_with("e.csv:4:1: this quote is never closed"),
        "{got:?}"
    );
    // Quoted line breaks and doubled quotes, and a bare quote inside a
    // field, are fine.
    let dir = tempfile::tempdir().unwrap();
    let ok = b"id,kind,name\nb,Firm,\"multi\nline \"\"quoted\"\"\"\nc,Firm,5\" wafer\nd,Firm,\"x\"";
    std::fs::write(dir.path().join("ok.csv"), ok).unwrap();
    let g = load_with(dir.path(), &LoadOptions::default(), SMALL)
        .unwrap_or_else(|f| panic!("{f}"))
        .graph;
    assert_eq!(g.node_count(), 3);
    assert_eq!(g.node_name(g.node_by_key("c").unwrap()), "5\" wafer");
}
