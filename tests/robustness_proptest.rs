//! Property tests in the spirit of the fuzz targets, run on every
//! `cargo test`: statements generated from the grammar with the fixture's
//! own vocabulary, and mutations of the script tests' statements, run
//! through `Session::execute` on `tests/fixtures/mini` under a small
//! budget; mutations of the fixture's data files run through the loader.
//! Nothing may panic, every result must be well formed (rows as wide as
//! the columns, renderable in every format) and every error must be a
//! coded diagnostic or a located one-line problem.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use faultline::diag::Diagnostic;
use faultline::load::{LoadOptions, load};
use faultline::model::Graph;
use faultline::output::{Format, render};
use faultline::session::Session;
use proptest::prelude::*;
use proptest::sample::select;

fn mini_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini")
}

fn mini() -> Graph {
    static GRAPH: OnceLock<Graph> = OnceLock::new();
    GRAPH
        .get_or_init(|| load(&[mini_dir()], &LoadOptions::default()).unwrap().graph)
        .clone()
}

// ------------------------------------------------------------- checking

fn check_diagnostic(d: &Diagnostic, source: &str) -> Result<(), TestCaseError> {
    let code = d.code.as_bytes();
    prop_assert!(
        code.len() == 5 && code[0] == b'E' && code[1..].iter().all(u8::is_ascii_digit),
        "bad code {:?}",
        d.code
    );
    prop_assert!(!d.message.is_empty());
    prop_assert!(!d.message.contains('\n'), "one line: {:?}", d.message);
    if let Some(span) = d.span {
        prop_assert!(
            span.start <= span.end && span.end <= source.len(),
            "{span:?}"
        );
    }
    let rendered = d.render("<q>", source);
    let head = format!("error[{}]", d.code);
    prop_assert!(rendered.starts_with(&head), "{}", rendered);
    Ok(())
}

/// Runs the source on a fresh session over the mini graph; every outcome
/// is a well-formed result or a well-formed diagnostic.
fn run_checked(source: &str) -> Result<(), TestCaseError> {
    if source.to_lowercase().contains("export") {
        return Ok(()); // exports write files; they have their own tests
    }
    let mut session = Session::new(mini());
    session.settings.budget = 20_000;
    for outcome in session.execute(source, true) {
        prop_assert!(outcome.span.end <= source.len());
        match &outcome.result {
            Ok(result) => {
                for row in &result.rows {
                    prop_assert_eq!(row.len(), result.columns.len());
                }
                for format in [Format::Table, Format::Json, Format::Csv] {
                    let _ = render(session.graph(), result, format);
                }
            }
            Err(d) => check_diagnostic(d, source)?,
        }
    }
    Ok(())
}

// --------------------------------------------------- generated statements

const KINDS: &[&str] = &["Firm", "Nation", "Bloc", "Sector", "Policy", "Risk", "Nope"];
const TYPES: &[&str] = &[
    "DEPENDS_ON",
    "SUPPLIES",
    "LOCATED_IN",
    "MEMBER_OF",
    "IN_SECTOR",
    "ENACTS",
    "TARGETS",
    "AFFECTS",
    "NOPE",
];
const NAMES: &[&str] = &[
    "NVIDIA",
    "TSMC",
    "ASML",
    "Taiwan",
    "United States",
    "China",
    "European Union",
    "Mercury",
    "Microsoft",
    "nobody",
];
const PROPS: &[&str] = &[
    "name", "id", "founded", "share", "ticker", "public", "iso3", "year", "nope",
];
const VARS: &[&str] = &["a", "b", "c"];

fn string_lit() -> impl Strategy<Value = String> {
    select(NAMES).prop_map(|n| format!("\"{n}\""))
}

fn atom() -> impl Strategy<Value = String> {
    prop_oneof![
        (select(VARS), select(PROPS)).prop_map(|(v, p)| format!("{v}.{p}")),
        select(VARS).prop_map(String::from),
        string_lit(),
        (-3i64..3000).prop_map(|i| i.to_string()),
        Just("1.5".to_string()),
        Just("null".to_string()),
        Just("true".to_string()),
        Just("[1, 2, 3]".to_string()),
    ]
}

fn expr() -> impl Strategy<Value = String> {
    atom().prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            (
                inner.clone(),
                select(
                    &[
                        "=",
                        "<>",
                        "<",
                        ">=",
                        "+",
                        "-",
                        "*",
                        "/",
                        "%",
                        "and",
                        "or",
                        "xor",
                        "in",
                        "contains",
                        "starts with",
                        "=~",
                    ][..]
                ),
                inner.clone()
            )
                .prop_map(|(l, op, r)| format!("({l} {op} {r})")),
            inner.clone().prop_map(|e| format!("not {e}")),
            inner.clone().prop_map(|e| format!("-{e}")),
            inner.clone().prop_map(|e| format!("{e} is null")),
            (
                select(
                    &[
                        "size", "lower", "upper", "abs", "round", "degree", "kind", "name", "id",
                        "length", "nodes", "coalesce"
                    ][..]
                ),
                inner
            )
                .prop_map(|(f, e)| format!("{f}({e})")),
        ]
    })
}

fn node_pat(var: &'static str) -> impl Strategy<Value = String> {
    (
        prop::option::of(select(KINDS)),
        prop::option::of((select(&["name", "id", "iso3"][..]), string_lit())),
    )
        .prop_map(move |(kind, prop)| {
            let kind = kind.map_or(String::new(), |k| format!(":{k}"));
            let prop = prop.map_or(String::new(), |(k, v)| format!(" {{{k}: {v}}}"));
            format!("({var}{kind}{prop})")
        })
}

fn edge_pat() -> impl Strategy<Value = String> {
    (
        prop::option::of(select(TYPES)),
        prop::option::of((0u32..3, prop::option::of(0u32..4))),
        select(&[("-", "->"), ("<-", "-"), ("-", "-")][..]),
    )
        .prop_map(|(ty, quant, (l, r))| {
            let ty = ty.map_or(String::new(), |t| format!(":{t}"));
            let quant = match quant {
                None => String::new(),
                Some((min, None)) => format!("*{min}.."),
                Some((min, Some(extra))) => format!("*{min}..{}", min + extra),
            };
            format!("{l}[{ty}{quant}]{r}")
        })
}

fn match_stmt() -> impl Strategy<Value = String> {
    (
        node_pat("a"),
        prop::option::of((edge_pat(), node_pat("b"))),
        prop::option::of(node_pat("c")),
        prop::option::of(expr()),
        prop::collection::vec(
            prop_oneof![
                expr(),
                Just("count(*)".to_string()),
                expr().prop_map(|e| format!("collect({e})")),
                expr().prop_map(|e| format!("count(distinct {e})")),
                expr().prop_map(|e| format!("sum({e})")),
                expr().prop_map(|e| format!("min({e})")),
            ],
            1..3,
        ),
        any::<bool>(),
        prop::option::of(0u32..5),
    )
        .prop_map(|(a, step, c, filter, items, distinct, limit)| {
            let mut s = format!("match {a}");
            if let Some((e, b)) = step {
                s.push_str(&format!("{e}{b}"));
            }
            if let Some(c) = c {
                s.push_str(&format!(", {c}"));
            }
            if let Some(f) = filter {
                s.push_str(&format!(" where {f}"));
            }
            s.push_str(" return ");
            if distinct {
                s.push_str("distinct ");
            }
            s.push_str(&items.join(", "));
            s.push_str(" order by 1");
            if let Some(l) = limit {
                s.push_str(&format!(" limit {l}"));
            }
            s
        })
}

fn nodeset() -> impl Strategy<Value = String> {
    prop_oneof![
        string_lit(),
        select(KINDS).prop_map(|k| format!("(x:{k})")),
        string_lit().prop_map(|n| format!("members of {n}")),
    ]
}

fn analysis_stmt() -> impl Strategy<Value = String> {
    let via = prop::option::of(select(TYPES))
        .prop_map(|t| t.map_or(String::new(), |t| format!(" via {t}")));
    prop_oneof![
        (
            select(
                &[
                    "path",
                    "path all",
                    "path k 3",
                    "path shortest",
                    "path undirected"
                ][..]
            ),
            nodeset(),
            nodeset(),
            via.clone(),
            prop::option::of(0u32..8)
        )
            .prop_map(|(p, a, b, v, max)| {
                let max = max.map_or(String::new(), |m| format!(" max {m}"));
                format!("{p} from {a} to {b}{v}{max}")
            }),
        (
            select(&["upstream", "downstream"][..]),
            nodeset(),
            via.clone(),
            prop::option::of(0u32..5)
        )
            .prop_map(|(d, a, v, depth)| {
                let depth = depth.map_or(String::new(), |d| format!(" depth {d}"));
                format!("{d} of {a}{v}{depth}")
            }),
        (nodeset(), nodeset(), via.clone(), prop::option::of(0u32..5)).prop_map(
            |(a, b, v, top)| {
                let top = top.map_or(String::new(), |t| format!(" top {t}"));
                format!("exposure of {a} to {b}{v}{top}")
            }
        ),
        (nodeset(), via).prop_map(|(a, v)| format!("chokepoints of {a}{v}")),
        (
            select(&["remove", "cut"][..]),
            string_lit(),
            prop::option::of(string_lit())
        )
            .prop_map(|(op, a, b)| match (op, b) {
                ("cut", Some(b)) => format!("scenario s = cut {a} -> {b}"),
                (_, Some(b)) => format!("scenario s = decouple {a} and {b}"),
                (op, None) => format!("scenario s = {op} {a}"),
            }),
        nodeset().prop_map(|a| format!("show {a}")),
        Just("schema".to_string()),
        Just("stats".to_string()),
    ]
}

fn script() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => match_stmt(),
            2 => analysis_stmt(),
            1 => analysis_stmt().prop_map(|s| format!("scenario s = remove \"Taiwan\"; with s: {s}")),
            1 => analysis_stmt().prop_map(|s| format!("scenario s = remove \"TSMC\"; compare s: {s}")),
        ],
        1..3,
    )
    .prop_map(|s| s.join(";\n"))
}

// ----------------------------------------------------------- mutations

/// Every statement of the script tests (the valid and the wrong ones).
fn corpus() -> &'static [String] {
    static CORPUS: OnceLock<Vec<String>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let mut files = Vec::new();
        let mut dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scripts")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "fql") {
                    files.push(path);
                }
            }
        }
        files.sort();
        let mut out = Vec::new();
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for span in faultline::syntax::split_statements(&text) {
                out.push(text[span.start..span.end].to_string());
            }
        }
        assert!(out.len() > 50, "the script tests hold statements");
        out
    })
}

const TOKENS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    ";",
    "|",
    ".",
    "*",
    "..",
    "-",
    "->",
    "<-",
    "\"",
    "'",
    "`",
    "$x",
    "not ",
    " and ",
    " or ",
    "match ",
    " return ",
    " where ",
    "count(*)",
    "*0..",
    "999999999999999999999",
    "-1",
    "1e308",
    "\"\\u{0}\"",
    "null",
    "\u{1b}",
    "é",
    "\n",
    "--",
];

/// One edit of a text: delete, insert a token, duplicate or flip a byte.
#[derive(Clone, Debug)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, &'static str),
    Duplicate(usize, usize),
    Byte(usize, u8),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    prop::collection::vec(
        prop_oneof![
            (any::<usize>(), 1usize..8).prop_map(|(at, n)| Edit::Delete(at, n)),
            (any::<usize>(), select(TOKENS)).prop_map(|(at, t)| Edit::Insert(at, t)),
            (any::<usize>(), 1usize..40).prop_map(|(at, n)| Edit::Duplicate(at, n)),
            (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Edit::Byte(at, b)),
        ],
        1..5,
    )
}

/// Applies the edits to bytes (positions wrap around the length).
fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        let len = bytes.len();
        let at = |i: usize| if len == 0 { 0 } else { i % (len + 1) };
        match *e {
            Edit::Delete(i, n) => {
                let s = at(i);
                bytes.drain(s..(s + n).min(len));
            }
            Edit::Insert(i, t) => {
                let s = at(i);
                bytes.splice(s..s, t.bytes());
            }
            Edit::Duplicate(i, n) => {
                let s = at(i);
                let piece = bytes[s..(s + n).min(len)].to_vec();
                bytes.splice(s..s, piece);
            }
            Edit::Byte(i, b) => {
                if len > 0 {
                    bytes[i % len] = b;
                }
            }
        }
    }
    bytes
}

// ------------------------------------------------------------ data files

/// The fixture's files, relative path and bytes.
fn fixture_files() -> &'static [(String, Vec<u8>)] {
    static FILES: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    FILES.get_or_init(|| {
        let root = mini_dir();
        let mut out = Vec::new();
        for sub in ["", "nodes", "edges"] {
            for entry in std::fs::read_dir(root.join(sub)).unwrap() {
                let path = entry.unwrap().path();
                if path.is_file() {
                    let rel = path
                        .strip_prefix(&root)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned();
                    out.push((rel, std::fs::read(&path).unwrap()));
                }
            }
        }
        out.sort();
        out
    })
}

fn check_load(dir: &Path, skip_bad_rows: bool) -> Result<(), TestCaseError> {
    let opts = LoadOptions {
        skip_bad_rows,
        ..LoadOptions::default()
    };
    match load(&[dir.to_path_buf()], &opts) {
        Ok(loaded) => {
            let g = &loaded.graph;
            for n in g.nodes() {
                prop_assert!(!g.node_key(n).is_empty());
            }
            for p in &loaded.skipped {
                prop_assert!(p.line.is_some(), "a skipped row has its line: {p}");
            }
        }
        Err(failure) => {
            prop_assert!(!failure.problems.is_empty());
            for p in &failure.problems {
                prop_assert!(!p.file.is_empty() && !p.message.is_empty());
                let shown = p.to_string();
                prop_assert!(
                    !shown.chars().any(char::is_control),
                    "one printable line: {shown:?}"
                );
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn generated_statements_run_or_fail_cleanly(src in script()) {
        run_checked(&src)?;
    }

    #[test]
    fn mutated_statements_run_or_fail_cleanly(pick in any::<prop::sample::Index>(), edits in edits()) {
        let corpus = corpus();
        let original = &corpus[pick.index(corpus.len())];
        let bytes = apply(original.clone().into_bytes(), &edits);
        let src = String::from_utf8_lossy(&bytes);
        run_checked(&src)?;
    }

    #[test]
    fn mutated_data_files_load_or_fail_with_located_problems(
        pick in any::<prop::sample::Index>(),
        edits in edits(),
        skip_bad_rows in any::<bool>(),
    ) {
        let files = fixture_files();
        let target = pick.index(files.len());
        let dir = tempfile::tempdir().unwrap();
        for (i, (rel, bytes)) in files.iter().enumerate() {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            let bytes = if i == target { apply(bytes.clone(), &edits) } else { bytes.clone() };
            std::fs::write(path, bytes).unwrap();
        }
        check_load(dir.path(), skip_bad_rows)?;
    }
}
