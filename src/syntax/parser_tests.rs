//! Parser tests: exact trees for a representative set, round trips through
//! the printer for the rest, and errors with code, place and words.

use super::*;
use crate::diag::{Diagnostic, Span, line_col};
use crate::syntax::ast::*;
use crate::syntax::{MAX_DEPTH, same_modulo_spans};

/// Parses one statement, which must be of the given kind, and returns
/// its contents: `parsed!(Match, "match (a) return a")`.
macro_rules! parsed {
    ($kind:ident, $src:expr) => {{
        let StatementKind::$kind(s) = one($src).kind else {
            panic!("expected a {} statement", stringify!($kind))
        };
        s
    }};
}

/// Parses a script that must hold exactly one statement.
fn one(src: &str) -> Statement {
    let mut all = parse_script(src).unwrap_or_else(|d| panic!("{}", d.render("<test>", src)));
    assert_eq!(all.len(), 1, "one statement in {src:?}");
    all.remove(0)
}

/// The error a script must fail with.
fn error(src: &str) -> Diagnostic {
    match parse_script(src) {
        Ok(stmts) => panic!("expected an error for {src:?}, parsed {stmts:?}"),
        Err(d) => d,
    }
}

/// Checks an error's code, 1-based line and column, and that its
/// expected-words text contains `expected`.
fn check_error(src: &str, code: &str, at: (usize, usize), expected: &str) -> Diagnostic {
    let d = error(src);
    assert_eq!(d.code, code, "{}", d.render("<test>", src));
    let span = d.span.expect("syntax errors have a span");
    assert_eq!(line_col(src, span.start), at, "{}", d.render("<test>", src));
    let words = d.expected.clone().unwrap_or_default();
    assert!(
        words.contains(expected),
        "expected {expected:?} in {words:?}"
    );
    assert!(
        !words.contains("kw_") && !words.contains("_stmt") && !words.contains("op_"),
        "raw rule names: {words}"
    );
    d
}

/// parse -> print -> parse gives the same tree, and printing is stable.
fn roundtrip(src: &str) -> String {
    let first = one(src);
    let printed = first.to_string();
    let second = one(&printed);
    assert!(
        same_modulo_spans(&first, &second),
        "{src}\nprinted: {printed}\n{first:#?}\n{second:#?}"
    );
    assert_eq!(second.to_string(), printed, "printing is stable");
    printed
}

/// The expression of `match (n) return EXPR`.
fn expr(src: &str) -> Expr {
    match one(&format!("match (n) return {src}")).kind {
        StatementKind::Match(mut m) => m.ret.items.remove(0).expr,
        other => panic!("not a match: {other:?}"),
    }
}

/// An expression as an s-expression: structure without spans.
fn sx(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Literal(Literal::Str(s)) => format!("{s:?}"),
        ExprKind::Literal(l) => l.to_string(),
        ExprKind::List(items) => {
            format!("[{}]", items.iter().map(sx).collect::<Vec<_>>().join(" "))
        }
        ExprKind::Param(p) => format!("${p}"),
        ExprKind::Var(v) => v.clone(),
        ExprKind::Prop(e, k) => format!("(. {} {})", sx(e), k.name),
        ExprKind::Unary(UnaryOp::Not, e) => format!("(not {})", sx(e)),
        ExprKind::Unary(UnaryOp::Neg, e) => format!("(neg {})", sx(e)),
        ExprKind::Binary(op, l, r) => format!("({} {} {})", op.symbol(), sx(l), sx(r)),
        ExprKind::IsNull { expr, negated } => format!(
            "({} {})",
            if *negated { "notnull" } else { "isnull" },
            sx(expr)
        ),
        ExprKind::Call {
            name,
            distinct,
            args,
        } => format!(
            "({}{}{})",
            name.name,
            if *distinct { " distinct" } else { "" },
            args.iter()
                .map(|a| format!(" {}", sx(a)))
                .collect::<String>()
        ),
        ExprKind::CountStar => "(count *)".to_string(),
        // The Cypher forms print as FQL (their own tests compare that).
        _ => e.to_string(),
    }
}

fn ident(name: &str, start: usize, end: usize) -> Ident {
    Ident {
        name: name.to_string(),
        span: Span::new(start, end),
    }
}

// ---------------------------------------------------------------- exact trees

#[test]
fn match_statement_exact_tree_with_spans() {
    let src = "match (n:Firm) return n";
    let n_var = Expr {
        kind: ExprKind::Var("n".into()),
        span: Span::new(22, 23),
    };
    let expected = Statement {
        kind: StatementKind::Match(MatchStmt {
            patterns: vec![Pattern {
                path_var: None,
                start: NodePattern {
                    var: Some(ident("n", 7, 8)),
                    kinds: vec![ident("Firm", 9, 13)],
                    props: vec![],
                    filter: None,
                    span: Span::new(6, 14),
                },
                steps: vec![],
                span: Span::new(6, 14),
            }],
            filter: None,
            ret: Return {
                distinct: false,
                star: false,
                items: vec![ReturnItem {
                    expr: n_var,
                    alias: None,
                }],
                order: vec![],
                skip: None,
                limit: None,
            },
        }),
        span: Span::new(0, 23),
    };
    assert_eq!(one(src), expected);
}

#[test]
fn spans_are_offsets_into_the_whole_script() {
    let src = "stats;\n  -- second\n  show \"TSMC\" ;";
    let stmts = parse_script(src).expect("parses");
    assert_eq!(stmts.len(), 2);
    assert_eq!(stmts[0].span, Span::new(0, 5));
    let show = &stmts[1];
    assert_eq!(&src[show.span.start..show.span.end], "show \"TSMC\"");
    let StatementKind::Show(set) = &show.kind else {
        panic!("a show")
    };
    assert_eq!(&src[set.span.start..set.span.end], "\"TSMC\"");
    assert_eq!(
        set.kind,
        NodeSetKind::Name(Expr {
            kind: ExprKind::Literal(Literal::Str("TSMC".into())),
            span: set.span
        })
    );
}

#[test]
fn expression_spans_cover_exactly_their_text() {
    let src = "match (n) return n , a.b + 1 as x, f( x ) , (1 + 2) * 3 , count ( * ), [1, 2] , -x.y is not null ";
    let m = parsed!(Match, src);
    let texts: Vec<&str> = m
        .ret
        .items
        .iter()
        .map(|i| &src[i.expr.span.start..i.expr.span.end])
        .collect();
    assert_eq!(
        texts,
        vec![
            "n",
            "a.b + 1",
            "f( x )",
            "(1 + 2) * 3",
            "count ( * )",
            "[1, 2]",
            "-x.y is not null"
        ]
    );
    let stmt = parse_statement(src, Span::new(0, src.len())).expect("parses");
    assert_eq!(stmt.span, Span::new(0, src.trim_end().len()));
}

#[test]
fn edges_in_all_directions_with_specs() {
    let src = "match p = (a)-[r:X|Y*2..3 {w: 1}]->(b)<-[:Z]-(c)-[s]-(d)-->(e)<--(f)--(g) return p";
    let m = parsed!(Match, src);
    let pat = &m.patterns[0];
    assert_eq!(pat.path_var.as_ref().map(|i| i.name.as_str()), Some("p"));
    let dirs: Vec<EdgeDir> = pat.steps.iter().map(|(e, _)| e.dir).collect();
    use EdgeDir::*;
    assert_eq!(dirs, vec![Out, In, Either, Out, In, Either]);
    let (first, b) = &pat.steps[0];
    assert_eq!(first.var.as_ref().map(|v| v.name.as_str()), Some("r"));
    assert_eq!(
        first
            .types
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>(),
        vec!["X", "Y"]
    );
    assert_eq!(
        first.quant,
        Some(Quant {
            min: 2,
            max: Some(3)
        })
    );
    assert_eq!(first.props.len(), 1);
    assert_eq!(
        &src[first.span.start..first.span.end],
        "-[r:X|Y*2..3 {w: 1}]->"
    );
    assert_eq!(b.var.as_ref().map(|v| v.name.as_str()), Some("b"));
    let names: Vec<_> = pat
        .steps
        .iter()
        .map(|(_, n)| n.var.as_ref().map(|v| v.name.clone()))
        .collect();
    assert_eq!(names.last(), Some(&Some("g".to_string())));
    assert!(pat.steps[3].0.types.is_empty() && pat.steps[3].0.var.is_none());
}

#[test]
fn quantifier_forms() {
    let cases = [
        ("*", 1, None),
        ("*3", 3, Some(3)),
        ("*1..3", 1, Some(3)),
        ("*..4", 1, Some(4)),
        ("*2..", 2, None),
        ("*..", 1, None),
        ("*0..2", 0, Some(2)),
        // Parsed as written: the query compiler warns that it matches nothing.
        ("*3..2", 3, Some(2)),
    ];
    for (q, min, max) in cases {
        let m = parsed!(Match, &format!("match (a)-[:T{q}]->(b) return a"));
        assert_eq!(
            m.patterns[0].steps[0].0.quant,
            Some(Quant { min, max }),
            "{q}"
        );
    }
    check_error(
        "match (a)-[*99999999999]->(b) return a",
        "E0104",
        (1, 12),
        "non-negative integer",
    );
}

#[test]
fn node_patterns_with_kinds_props_and_inline_where() {
    let m = parsed!(
        Match,
        "match (f:Firm|Sector {country: \"US\", name: $n} where f.revenue_usd_bn > 10), (g) return f"
    );
    assert_eq!(m.patterns.len(), 2);
    let f = &m.patterns[0].start;
    assert_eq!(
        f.kinds.iter().map(|k| k.name.as_str()).collect::<Vec<_>>(),
        vec!["Firm", "Sector"]
    );
    let keys: Vec<_> = f
        .props
        .iter()
        .map(|(k, v)| (k.name.as_str(), sx(v)))
        .collect();
    assert_eq!(
        keys,
        vec![
            ("country", "\"US\"".to_string()),
            ("name", "$n".to_string())
        ]
    );
    assert_eq!(
        f.filter.as_ref().map(sx).as_deref(),
        Some("(> (. f revenue_usd_bn) 10)")
    );
    let m = parsed!(Match, "match (where n.x = 1) return 1");
    assert!(m.patterns[0].start.var.is_none());
    assert!(m.patterns[0].start.filter.is_some());
}

#[test]
fn return_clause_parts() {
    let src = "match (n) where n.x > 1 return distinct n.name as name, count(*) order by name desc, n.y asc, 3 skip 2 limit $lim";
    let m = parsed!(Match, src);
    assert_eq!(m.filter.as_ref().map(sx).as_deref(), Some("(> (. n x) 1)"));
    let r = m.ret;
    assert!(r.distinct);
    assert_eq!(
        r.items[0].alias.as_ref().map(|a| a.name.as_str()),
        Some("name")
    );
    assert_eq!(r.items[1].expr.kind, ExprKind::CountStar);
    let order: Vec<_> = r
        .order
        .iter()
        .map(|k| (sx(&k.expr), k.descending))
        .collect();
    assert_eq!(
        order,
        vec![
            ("name".into(), true),
            ("(. n y)".into(), false),
            ("3".into(), false)
        ]
    );
    assert_eq!(
        r.skip.map(|e| e.kind),
        Some(ExprKind::Literal(Literal::Int(2)))
    );
    assert_eq!(r.limit.map(|e| e.kind), Some(ExprKind::Param("lim".into())));
}

#[test]
fn expression_precedence() {
    let cases = [
        ("a or b xor c and d", "(or a (xor b (and c d)))"),
        ("a and b or c", "(or (and a b) c)"),
        ("not a = b and c", "(and (not (= a b)) c)"),
        ("not not a", "(not (not a))"),
        ("a = b + c * d", "(= a (+ b (* c d)))"),
        ("a - b - c", "(- (- a b) c)"),
        ("a / b % c * d", "(* (% (/ a b) c) d)"),
        ("-a.b * c", "(* (neg (. a b)) c)"),
        ("- 1", "(neg 1)"),
        ("-1", "-1"),
        ("1 - -1", "(- 1 -1)"),
        ("2-1", "(- 2 1)"),
        ("-x.y.z", "(neg (. (. x y) z))"),
        ("(a + b) * c", "(* (+ a b) c)"),
        ("a + b is null", "(isnull (+ a b))"),
        ("not x is not null", "(not (notnull x))"),
        (
            "x in [1, 2] or y =~ 'a.*'",
            "(or (in x [1 2]) (=~ y \"a.*\"))",
        ),
        (
            "n.name starts with 'T' and n.name ends with 'C'",
            "(and (starts with (. n name) \"T\") (ends with (. n name) \"C\"))",
        ),
        ("n.name contains \"SM\"", "(contains (. n name) \"SM\")"),
        ("a <> b", "(<> a b)"),
        ("a != b", "(<> a b)"),
        ("a <= b", "(<= a b)"),
        ("a >= b", "(>= a b)"),
        ("a < b", "(< a b)"),
        ("a > b", "(> a b)"),
        ("count(*)", "(count *)"),
        ("count(distinct n.x)", "(count distinct (. n x))"),
        ("degree(n, \"DEPENDS_ON\")", "(degree n \"DEPENDS_ON\")"),
        (
            "coalesce(a.x, 0) + size([])",
            "(+ (coalesce (. a x) 0) (size []))",
        ),
        ("f ( x )", "(f x)"),
        ("count", "count"),
        ("$p.x", "(. $p x)"),
        ("(1).x", "(. 1 x)"),
        ("n.`odd key`", "(. n odd key)"),
        ("n.match", "(. n match)"),
        ("matches", "matches"),
        ("`match`", "match"),
    ];
    for (src, want) in cases {
        assert_eq!(sx(&expr(src)), want, "{src}");
    }
}

#[test]
fn literals() {
    let cases = [
        ("42", "42"),
        ("-1.5", "-1.5"),
        ("1e3", "1000.0"),
        ("2.5E-3", "0.0025"),
        ("true", "true"),
        ("FALSE", "false"),
        ("Null", "null"),
        ("\"a\\\"b\\\\c\\nd\\te\"", "\"a\\\"b\\\\c\\nd\\te\""),
        ("'it\\'s'", "\"it's\""),
        ("'say \"hi\"'", "\"say \\\"hi\\\"\""),
        ("[1, 2, \"x\"]", "[1 2 \"x\"]"),
        ("[]", "[]"),
        ("$name", "$name"),
        ("-9223372036854775808", "-9223372036854775808"),
        ("9223372036854775807", "9223372036854775807"),
    ];
    for (src, want) in cases {
        assert_eq!(sx(&expr(src)), want, "{src}");
    }
    let long = "x".repeat(200_000);
    assert_eq!(sx(&expr(&format!("\"{long}\""))).len(), long.len() + 2);
}

#[test]
fn node_set_forms() {
    let s = parsed!(
        Show,
        "show members of members of (c:Country {name: 'Taiwan'})"
    );
    let NodeSetKind::MembersOf(inner) = s.kind else {
        panic!("members of")
    };
    let NodeSetKind::MembersOf(inner) = inner.kind else {
        panic!("members of")
    };
    assert!(matches!(inner.kind, NodeSetKind::Pattern(ref p) if p.kinds[0].name == "Country"));
    let s = parsed!(Show, "show $firm");
    assert!(
        matches!(s.kind, NodeSetKind::Name(Expr { kind: ExprKind::Param(ref p), .. }) if p == "firm")
    );
}

#[test]
fn path_statements() {
    let p = parsed!(
        Path,
        "path from \"NVIDIA\" to (c:Country) via DEPENDS_ON|LOCATED_IN max 4 undirected weighted by risk"
    );
    assert_eq!(p.mode, PathMode::Shortest);
    assert_eq!(
        p.via.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(),
        vec!["DEPENDS_ON", "LOCATED_IN"]
    );
    assert_eq!(p.max, Some(4));
    assert!(p.undirected);
    assert_eq!(
        p.weighted
            .as_ref()
            .map(|w| w.as_ref().map(|i| i.name.as_str())),
        Some(Some("risk"))
    );
    let p = parsed!(
        Path,
        "PATH ALL FROM 'a' TO 'b' WEIGHTED UNDIRECTED VIA A, B MAX 3"
    );
    assert_eq!(
        (p.mode, p.max, p.undirected, p.via.len()),
        (PathMode::All, Some(3), true, 2)
    );
    assert_eq!(p.weighted, Some(None));
    let p = parsed!(Path, "path k 3 from 'a' to 'b'");
    assert_eq!(
        (p.mode, p.weighted, p.undirected),
        (PathMode::K(3), None, false)
    );
    let p = parsed!(Path, "path shortest from 'a' to 'b'");
    assert_eq!(p.mode, PathMode::Shortest);
    check_error("path from 'a' to 'b' max 2 max 3", "E0101", (1, 28), "");
    check_error(
        "path k -1 from 'a' to 'b'",
        "E0104",
        (1, 8),
        "non-negative integer",
    );
}

#[test]
fn analysis_statements() {
    let t = parsed!(Upstream, "upstream of \"NVIDIA\" via DEPENDS_ON depth 3");
    assert_eq!((t.via.len(), t.depth), (1, Some(3)));
    let t = parsed!(Downstream, "downstream of 'TSMC' depth 2 via A|B");
    assert_eq!((t.via.len(), t.depth), (2, Some(2)));
    let e = parsed!(
        Exposure,
        "exposure of (f:Firm) to \"Taiwan\" via DEPENDS_ON depth 5 top 10"
    );
    assert_eq!((e.via.len(), e.depth, e.top), (1, Some(5), Some(10)));
    assert!(matches!(e.to.kind, NodeSetKind::Name(_)));
    let c = parsed!(Chokepoints, "chokepoints of members of 'US' top 5");
    assert_eq!((c.via.len(), c.top), (0, Some(5)));
    assert!(matches!(c.of.kind, NodeSetKind::MembersOf(_)));
    check_error(
        "upstream of 'x' depth 1.5",
        "E0104",
        (1, 23),
        "non-negative integer",
    );
    check_error(
        "exposure of 'x' to 'y' top 4294967296",
        "E0104",
        (1, 28),
        "non-negative integer",
    );
}

#[test]
fn scenario_with_compare() {
    let s = parsed!(
        Scenario,
        "scenario both = remove \"TSMC\", cut (c:Country {name: 'China'}) from 'US', decouple 'US' and 'CN', blockade"
    );
    assert_eq!(s.name.name, "both");
    assert!(matches!(s.ops[0], ScenarioOp::Remove(_)));
    assert!(matches!(s.ops[1], ScenarioOp::Cut(_, _, _)));
    assert!(matches!(s.ops[2], ScenarioOp::Decouple(_, _, _)));
    assert!(matches!(s.ops[3], ScenarioOp::Use(ref n) if n.name == "blockade"));
    let StatementKind::With { scenario, body, .. } = one("with both: upstream of 'x'").kind else {
        panic!()
    };
    assert_eq!(scenario.name, "both");
    assert!(matches!(body.kind, StatementKind::Upstream(_)));
    let StatementKind::Compare { scenario, body, .. } =
        one("compare both: exposure of 'a' to 'b'").kind
    else {
        panic!()
    };
    assert_eq!(scenario.name, "both");
    assert!(matches!(body.kind, StatementKind::Exposure(_)));
}

#[test]
fn exploring_and_export() {
    assert_eq!(one("schema").kind, StatementKind::Schema);
    assert_eq!(one("STATS").kind, StatementKind::Stats);
    let e = parsed!(Export, "export dot \"out/g.dot\"");
    assert_eq!(
        (e.format, e.file.as_str(), e.clusters, e.from.is_none()),
        (ExportFormat::Dot, "out/g.dot", false, true)
    );
    let e = parsed!(
        Export,
        "export png 'g.png' with clusters from with s: upstream of 'x'"
    );
    assert_eq!((e.format, e.clusters), (ExportFormat::Png, true));
    assert!(matches!(
        e.from.map(|s| s.kind),
        Some(StatementKind::With { .. })
    ));
    for (word, format) in [
        ("json", ExportFormat::Json),
        ("graphml", ExportFormat::Graphml),
        ("svg", ExportFormat::Svg),
    ] {
        let e = parsed!(Export, &format!("export {word} 'f' from stats"));
        assert_eq!(e.format, format);
    }
}

// ---------------------------------------------------------------- lexical

#[test]
fn keywords_are_case_insensitive_and_not_prefixes() {
    let a = one("MaTcH (n:Firm) WhErE n.x > 1 ReTuRn DiStInCt n OrDeR bY n DeSc LiMiT 3");
    let b = one("match (n:Firm) where n.x > 1 return distinct n order by n desc limit 3");
    assert!(same_modulo_spans(&a, &b));
    // Kinds and names keep their case.
    let m = parsed!(Match, "match (N:firm) return N");
    assert_eq!(
        (
            m.patterns[0].start.var.as_ref().map(|v| v.name.as_str()),
            m.patterns[0].start.kinds[0].name.as_str()
        ),
        (Some("N"), "firm")
    );
    // `matches`, `orders`, `index` are names, not keywords plus letters.
    assert_eq!(
        sx(&expr("orders and index or notes")),
        "(or (and orders index) notes)"
    );
    check_error("matchx (n) return n", "E0101", (1, 1), "a statement");
}

#[test]
fn comments_and_whitespace() {
    let src =
        "-- leading comment\nmatch (a) // trailing\n  -->(b) -- after edge\n\treturn a -- end";
    let m = parsed!(Match, src);
    assert_eq!(m.patterns[0].steps[0].0.dir, EdgeDir::Out);
    let m = parsed!(
        Match,
        "match (a) -- (b) // `--` then `(` is an edge\n return a"
    );
    assert_eq!(m.patterns[0].steps.len(), 1, "`--` before `(` is an edge");
    assert_eq!(
        parse_script("-- only a comment\n// and another").map(|v| v.len()),
        Ok(0)
    );
    assert_eq!(parse_script("").map(|v| v.len()), Ok(0));
    let d = check_error(
        "stats -- (a note)",
        "E0101",
        (1, 7),
        "the end of the statement",
    );
    assert!(d.help.is_some_and(|h| h.contains("write `//`")));
}

#[test]
fn backquoted_names() {
    let m = parsed!(
        Match,
        "match (`odd name`:`Weird Kind`) return `odd name`.`a``b` as `as`"
    );
    let start = &m.patterns[0].start;
    assert_eq!(
        start.var.as_ref().map(|v| v.name.as_str()),
        Some("odd name")
    );
    assert_eq!(start.kinds[0].name, "Weird Kind");
    assert_eq!(sx(&m.ret.items[0].expr), "(. odd name a`b)");
    assert_eq!(
        m.ret.items[0].alias.as_ref().map(|a| a.name.as_str()),
        Some("as")
    );
}

#[test]
fn statement_list_parses_in_order() {
    let src = "stats; schema;\nshow 'x'\n;upstream of 'y';";
    let kinds: Vec<_> = parse_script(src)
        .expect("parses")
        .into_iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(
        kinds,
        vec!["stats", "schema", "show \"x\"", "upstream of \"y\""]
    );
}

// ---------------------------------------------------------------- errors

#[test]
fn error_unclosed_node_pattern() {
    let d = check_error("match (f:Firm return f", "E0101", (1, 15), "`)`");
    assert_eq!(d.message, "unexpected `return`");
    assert_eq!(d.span, Some(Span::new(14, 20)));
}

#[test]
fn error_misspelt_statement() {
    let d = check_error(
        "mtch (n) return n",
        "E0101",
        (1, 1),
        "a statement (match, path, upstream",
    );
    assert_eq!(d.help.as_deref(), Some("did you mean `match`?"));
    let d = check_error("upstrem of 'x'", "E0101", (1, 1), "a statement");
    assert_eq!(d.help.as_deref(), Some("did you mean `upstream`?"));
}

#[test]
fn error_missing_return_items() {
    let d = check_error("match (n) return", "E0101", (1, 17), "an expression");
    assert_eq!(d.message, "unexpected end of input");
}

#[test]
fn error_in_a_later_line_and_statement() {
    let src = "stats;\nmatch (n)\n  where n.x = \n  return n";
    check_error(src, "E0101", (4, 3), "an expression");
}

#[test]
fn error_unterminated_string() {
    let d = check_error(
        "match (n {name: \"TSMC}) return n",
        "E0101",
        (1, 17),
        "a closing `\"`",
    );
    assert_eq!(d.message, "unterminated string");
    check_error("show 'abc", "E0101", (1, 6), "a closing `'`");
    check_error(
        "match (`abc) return 1",
        "E0101",
        (1, 8),
        "a closing backquote",
    );
}

#[test]
fn error_bad_counts() {
    check_error("upstream \"x\" depth -1", "E0101", (1, 10), "`of`");
    let d = check_error(
        "upstream of \"x\" depth -1",
        "E0104",
        (1, 23),
        "a non-negative integer",
    );
    assert!(
        d.message.contains("`depth`") && d.message.contains("-1"),
        "{}",
        d.message
    );
    check_error(
        "match (n) return n skip -1",
        "E0104",
        (1, 25),
        "a non-negative integer",
    );
    check_error(
        "match (n) return n limit 2.5",
        "E0104",
        (1, 26),
        "a non-negative integer",
    );
    check_error(
        "upstream of 'x' depth many",
        "E0101",
        (1, 23),
        "a non-negative integer",
    );
}

#[test]
fn error_path_without_to() {
    let d = check_error("path from \"a\"", "E0101", (1, 14), "`to`");
    assert_eq!(d.message, "unexpected end of input");
    check_error("path from \"a\" \"b\"", "E0101", (1, 15), "`to`");
}

#[test]
fn error_numbers_too_large() {
    let d = check_error(
        "match (n) return 1 + 99999999999999999999",
        "E0102",
        (1, 22),
        "",
    );
    assert_eq!(d.message, "integer literal too large");
    assert_eq!(d.span, Some(Span::new(21, 41)));
    check_error("match (n) return 1e999", "E0102", (1, 18), "");
}

#[test]
fn error_bad_escape_points_at_it() {
    let d = check_error("show \"a\\qb\"", "E0101", (1, 8), "`\\n`");
    assert_eq!(d.span, Some(Span::new(7, 9)));
}

#[test]
fn error_duplicate_clause() {
    let d = check_error("upstream of 'x' depth 1 depth 2", "E0101", (1, 25), "");
    assert_eq!(d.message, "`depth` given twice");
}

#[test]
fn error_trailing_garbage_and_misc() {
    check_error("stats stats", "E0101", (1, 7), "the end of the statement");
    check_error("match (n) return n foo", "E0101", (1, 20), "an operator");
    check_error("match (n) return n,", "E0101", (1, 20), "an expression");
    check_error("match (a)-[r]>(b) return a", "E0101", (1, 14), "`-`");
    check_error("scenario s = ", "E0101", (1, 13), "a scenario operation");
    check_error("scenario s = remove", "E0101", (1, 20), "a node set");
    check_error("with s upstream of 'x'", "E0101", (1, 8), "`:`");
    check_error("export pdf 'x'", "E0101", (1, 8), "an export format");
    check_error("show x", "E0101", (1, 6), "a node set");
    check_error(
        "match (n) return count(distinct)",
        "E0101",
        (1, 32),
        "an expression",
    );
}

#[test]
fn errors_never_show_rule_names() {
    let inputs = [
        "match",
        "match (",
        "match (n",
        "match (n:",
        "match (n {",
        "match (n {a",
        "match (n {a:",
        "match (n)-",
        "match (n)-[",
        "match (n)-[r",
        "match (n)-[r:",
        "match (n) return n order",
        "match (n) return n order by",
        "path",
        "path k",
        "path from",
        "exposure of 'a'",
        "export",
        "export dot",
        "compare s:",
        "match (n) return [1,",
        "match (n) return n is",
        "match (n) return n.",
        "match (n) return n starts",
    ];
    for src in inputs {
        let d = error(src);
        assert_eq!(d.code, "E0101", "{src}");
        let text = format!("{} {}", d.message, d.expected.clone().unwrap_or_default());
        assert!(
            !text.contains('_') || text.contains("`_"),
            "rule name in {text:?} for {src:?}"
        );
        assert!(d.expected.is_some(), "{src}: {text}");
    }
}

// ---------------------------------------------------------------- depth

/// Runs `f` on a thread with the default 2 MB stack (like a test thread).
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("no stack overflow")
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let results = on_small_stack(|| {
        let n = 100_000;
        // Flat chains pass the lexical check and are stopped while the tree
        // is built; pest in a debug build needs seconds for 100,000 of them.
        let chain = 3_000;
        let cases = [
            format!("match (n) return {}1{}", "(".repeat(n), ")".repeat(n)),
            format!("match (n) return {}1", "not ".repeat(n)),
            format!("match (n) return {}1", "- ".repeat(n)),
            format!("match (n) return {}1{}", "[".repeat(n), "]".repeat(n)),
            format!("match (n) return {}1{}", "f(".repeat(n), ")".repeat(n)),
            format!("match (n) return 1{}", " + 1".repeat(chain)),
            format!("match (n) return n{}", ".a".repeat(chain)),
            format!("match (n) return n{}", " is null".repeat(chain)),
            format!("show {}'x'", "members of ".repeat(n)),
            format!("{}stats", "with s: ".repeat(n)),
            format!("{}stats", "export dot 'f' from ".repeat(n)),
        ];
        cases
            .iter()
            .map(|src| parse_script(src).map(|_| ()).map_err(|d| d.code))
            .collect::<Vec<_>>()
    });
    for (i, r) in results.into_iter().enumerate() {
        assert_eq!(r, Err("E0103"), "case {i}");
    }
}

#[test]
fn nesting_up_to_the_limit_parses_on_a_small_stack() {
    let results = on_small_stack(|| {
        let n = MAX_DEPTH as usize;
        let cases = [
            format!(
                "match (n) return {}1{}",
                "(".repeat(n - 1),
                ")".repeat(n - 1)
            ),
            format!("match (n) return {}1", "not ".repeat(n)),
            format!("match (n) return {}1{}", "[".repeat(n), "]".repeat(n)),
            format!("match (n) return {}1{}", "f(".repeat(n), ")".repeat(n)),
            format!("match (n) return 1{}", " + 1".repeat(n)),
            format!("show {}'x'", "members of ".repeat(n)),
            format!("{}stats", "with s: ".repeat(n)),
        ];
        cases
            .iter()
            .map(|src| {
                let stmts = parse_script(src).map_err(|d| d.message)?;
                // Printing and dropping the deep tree must fit the stack too.
                Ok::<usize, String>(stmts[0].to_string().len())
            })
            .collect::<Vec<_>>()
    });
    for (i, r) in results.into_iter().enumerate() {
        assert!(r.is_ok(), "case {i}: {r:?}");
    }
    let too_deep = format!(
        "match (n) return {}1{}",
        "(".repeat(MAX_DEPTH as usize + 1),
        ")".repeat(MAX_DEPTH as usize + 1)
    );
    let d = error(&too_deep);
    assert_eq!(d.code, "E0103");
    assert_eq!(d.message, "nested too deeply (more than 256 levels)");
}

// ---------------------------------------------------------------- is_complete

#[test]
fn is_complete_cases() {
    let complete = [
        "",
        "   ",
        "-- just a comment",
        "stats",
        "stats;",
        "match (n) return n",
        "match (n) return n;\nstats",
        "mtch (n) return n",
        "match (n) retrun n",
        "match (n; stats",
        "stats stats",
        "upstream of 'x' depth -1",
    ];
    for src in complete {
        assert!(is_complete(src), "complete: {src:?}");
    }
    let incomplete = [
        "match",
        "match (n)",
        "match (n) return",
        "match (n) return n +",
        "match (n) return n order by",
        "match (n) return [1, 2",
        "match (n) return f(1,",
        "match (n {name: \"TS",
        "show 'abc",
        "match (`odd",
        "stats; match (n)\n  -- more to come\n",
        "path from 'a'",
        "with s:",
    ];
    for src in incomplete {
        assert!(!is_complete(src), "incomplete: {src:?}");
    }
}

#[test]
fn split_statements_spans() {
    let src = "stats ; show \"a;b\" -- ; not here\n; match (n) // ;\n return n";
    let spans = split_statements(src);
    let texts: Vec<&str> = spans.iter().map(|s| &src[s.start..s.end]).collect();
    assert_eq!(
        texts,
        vec!["stats", "show \"a;b\"", "match (n) // ;\n return n"]
    );
    let stmt = parse_statement(src, spans[2]).expect("parses");
    assert_eq!(stmt.span, spans[2]);
    let d = parse_statement(src, Span::new(0, src.len() + 5)).expect_err("out of range");
    assert_eq!(d.code, "E0101");
}

// ---------------------------------------------------------------- round trips

#[test]
fn every_statement_form_round_trips() {
    let cases = [
        "match (n) return n",
        "match p = (a:Firm|Sector {country: \"US\", `odd key`: [1, 2.5, null]} where a.x > 1)-[r:DEPENDS_ON|SUPPLIES*1..3 {share: 0.5}]->(b)<-[:X*]-(c)-[*2]-(d)-->(e)<--(f)--(g), (h) where not a.y is null return distinct a.name as name, count(distinct b) as n order by name desc, n skip 1 limit 10",
        "match (n) return n skip $s limit $l",
        "match (n) return (a or b) and c, a - (b - c), -(a + b), not (a and b), (a = b) is null, (1).x, - -x, - 5, -5, a * -b",
        "match (n) return a = (not b), (not a) = b, a + (b is null), [[1], []], `match`, `odd name`.`key``s`",
        "match (n) return 1.0, 1e300, 1e-7, -0.0, 123456789.125, \"tab\\there\\nnewline \\\"q\\\" \\\\\"",
        "path from \"a\" to \"b\"",
        "path all from (f:Firm) to members of \"c\" via A|B max 3 undirected weighted",
        "path k 4 from $a to $b weighted by cost",
        "upstream of \"NVIDIA\" via DEPENDS_ON depth 3",
        "downstream of (s:Sector where s.name starts with \"Semi\")",
        "exposure of (f:Firm) to \"Taiwan\" via DEPENDS_ON|SUPPLIES depth 5 top 10",
        "chokepoints of members of \"US\" via DEPENDS_ON top 5",
        "scenario both = remove \"TSMC\", cut \"a\" from \"b\", decouple \"US\" and \"CN\", blockade, `with`",
        "with both: exposure of \"a\" to \"b\"",
        "compare both: exposure of \"a\" to \"b\" top 3",
        "show members of \"EU\"",
        "schema",
        "stats",
        "export graphml \"g.graphml\"",
        "export dot \"g.dot\" with clusters from path from \"a\" to \"b\"",
        "export svg \"g.svg\" from with s: upstream of \"x\"",
    ];
    for src in cases {
        roundtrip(src);
    }
}

#[test]
fn printing_is_canonical() {
    assert_eq!(
        roundtrip("MATCH (a)-[:T*..3]-(b) WHERE a.x <> 1 AND b.y != 2 RETURN a ORDER BY a ASC"),
        "match (a)-[:T*1..3]-(b) where a.x <> 1 and b.y <> 2 return a order by a"
    );
    assert_eq!(
        roundtrip("path shortest from 'a' to 'b' via A, B"),
        "path from \"a\" to \"b\" via A|B"
    );
    assert_eq!(
        roundtrip("match (n) return ((a + b)) * (c)"),
        "match (n) return (a + b) * c"
    );
}

#[test]
fn export_layout_and_labels_options() {
    let e = parsed!(
        Export,
        "export svg 'g.svg' with clusters LAYOUT sfdp labels Off from stats"
    );
    assert_eq!(
        (e.clusters, e.layout, e.labels, e.from.is_some()),
        (true, Some(GraphLayout::Sfdp), Some(false), true)
    );
    let e = parsed!(Export, "export png 'g.png' labels on layout neato");
    assert_eq!((e.layout, e.labels), (Some(GraphLayout::Neato), Some(true)));
    roundtrip("export svg \"g.svg\" with clusters layout dot labels on from stats");
    check_error(
        "export svg 'g' layout circo",
        "E0104",
        (1, 23),
        "dot (layered)",
    );
    check_error("export svg 'g' labels maybe", "E0104", (1, 23), "on or off");
}

#[test]
fn time_statements_round_trip() {
    assert_eq!(
        roundtrip("AT 2022-01-01 : with s: exposure of \"NVIDIA\" to \"China\""),
        "at 2022-01-01: with s: exposure of \"NVIDIA\" to \"China\""
    );
    assert_eq!(
        roundtrip("compare at 2020 and '2021-03': chokepoints of \"Huawei\" top 3"),
        "compare at 2020 and 2021-03: chokepoints of \"Huawei\" top 3"
    );
    assert_eq!(
        roundtrip("changes between $from and 2026-12-01 of members of \"China\""),
        "changes between $from and 2026-12-01 of members of \"China\""
    );
    assert_eq!(
        roundtrip("changes between 2022 and 2026"),
        "changes between 2022 and 2026"
    );
    let StatementKind::At { date, body } = one("at 2020-09-14: stats").kind else {
        panic!("not an at statement")
    };
    assert!(matches!(date, DateLit::Text(ref t, _) if t == "2020-09-14"));
    assert!(matches!(body.kind, StatementKind::Stats));
    // A scenario may still be called `at`.
    assert!(matches!(
        one("compare at: exposure of \"a\" to \"b\"").kind,
        StatementKind::Compare { .. }
    ));
    // Not a date's shape: a syntax error that names dates.
    let d = error("at 20-01: stats");
    assert!(d.to_string().contains("a date"), "{d}");
}
