//! Property tests for the FQL parser and printer: random trees print as
//! FQL that parses back to the same tree; random token soups and arbitrary
//! text never make the parser panic, and whatever parses round-trips.

use faultline::diag::Span;
use faultline::syntax::ast::*;
use faultline::syntax::{is_complete, parse_script, same_modulo_spans, split_statements};
use proptest::prelude::*;
use proptest::sample::select;

// ---------------------------------------------------------------- trees

const ODD_NAMES: [&str; 13] = [
    "match",
    "Path",
    "count",
    "k",
    "with",
    "NULL",
    "odd name",
    "a`b",
    "`",
    "_x1",
    "by",
    "remove",
    "ascending",
];

fn name() -> impl Strategy<Value = String> {
    prop_oneof![3 => "[a-zA-Z_][a-zA-Z0-9_]{0,6}", 1 => select(&ODD_NAMES[..]).prop_map(String::from)]
}

fn plain_name() -> impl Strategy<Value = String> {
    "[a-z_][a-z0-9_]{0,6}"
}

fn ident() -> impl Strategy<Value = Ident> {
    name().prop_map(|name| Ident {
        name,
        span: Span::default(),
    })
}

fn expr_of(kind: ExprKind) -> Expr {
    Expr {
        kind,
        span: Span::default(),
    }
}

fn literal() -> impl Strategy<Value = Literal> {
    prop_oneof![
        Just(Literal::Null),
        any::<bool>().prop_map(Literal::Bool),
        any::<i64>().prop_map(Literal::Int),
        prop_oneof![any::<f64>(), -1e6..1e6f64]
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Literal::Float),
        any::<String>().prop_map(Literal::Str),
    ]
}

const BIN_OPS: [BinOp; 19] = [
    BinOp::Or,
    BinOp::Xor,
    BinOp::And,
    BinOp::Eq,
    BinOp::Ne,
    BinOp::Lt,
    BinOp::Le,
    BinOp::Gt,
    BinOp::Ge,
    BinOp::In,
    BinOp::StartsWith,
    BinOp::EndsWith,
    BinOp::Contains,
    BinOp::Regex,
    BinOp::Add,
    BinOp::Sub,
    BinOp::Mul,
    BinOp::Div,
    BinOp::Mod,
];

fn expr() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        4 => literal().prop_map(ExprKind::Literal),
        1 => plain_name().prop_map(ExprKind::Param),
        4 => name().prop_map(ExprKind::Var),
        1 => Just(ExprKind::CountStar),
    ]
    .prop_map(expr_of);
    leaf.prop_recursive(5, 40, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(ExprKind::List),
            (inner.clone(), ident()).prop_map(|(e, k)| ExprKind::Prop(Box::new(e), k)),
            (select(&[UnaryOp::Not, UnaryOp::Neg][..]), inner.clone())
                .prop_map(|(op, e)| ExprKind::Unary(op, Box::new(e))),
            (select(&BIN_OPS[..]), inner.clone(), inner.clone())
                .prop_map(|(op, l, r)| ExprKind::Binary(op, Box::new(l), Box::new(r))),
            (inner.clone(), any::<bool>()).prop_map(|(e, negated)| ExprKind::IsNull {
                expr: Box::new(e),
                negated
            }),
            (ident(), any::<bool>(), prop::collection::vec(inner, 0..3)).prop_map(
                |(name, distinct, args)| {
                    ExprKind::Call {
                        name,
                        distinct: distinct && !args.is_empty(),
                        args,
                    }
                }
            ),
        ]
        .prop_map(expr_of)
    })
}

fn props() -> impl Strategy<Value = Vec<(Ident, Expr)>> {
    prop::collection::vec((ident(), expr()), 0..3)
}

fn node() -> impl Strategy<Value = NodePattern> {
    (
        prop::option::of(ident()),
        prop::collection::vec(ident(), 0..3),
        props(),
        prop::option::of(expr()),
    )
        .prop_map(|(var, kinds, props, filter)| NodePattern {
            var,
            kinds,
            props,
            filter,
            span: Span::default(),
        })
}

fn quant() -> impl Strategy<Value = Quant> {
    (0u32..5, prop::option::of(0u32..4)).prop_map(|(min, extra)| Quant {
        min,
        max: extra.map(|e| min + e),
    })
}

fn edge() -> impl Strategy<Value = EdgePattern> {
    (
        prop::option::of(ident()),
        prop::collection::vec(ident(), 0..3),
        prop::option::of(quant()),
        props(),
        select(&[EdgeDir::Out, EdgeDir::In, EdgeDir::Either][..]),
    )
        .prop_map(|(var, types, quant, props, dir)| EdgePattern {
            var,
            types,
            quant,
            props,
            dir,
            span: Span::default(),
        })
}

fn pattern() -> impl Strategy<Value = Pattern> {
    (
        prop::option::of(ident()),
        node(),
        prop::collection::vec((edge(), node()), 0..3),
    )
        .prop_map(|(path_var, start, steps)| Pattern {
            path_var,
            start,
            steps,
            span: Span::default(),
        })
}

fn row_count() -> impl Strategy<Value = Expr> {
    prop_oneof![
        (0i64..i64::MAX).prop_map(|n| ExprKind::Literal(Literal::Int(n))),
        plain_name().prop_map(ExprKind::Param)
    ]
    .prop_map(expr_of)
}

fn match_stmt() -> impl Strategy<Value = MatchStmt> {
    let items = prop::collection::vec(
        (expr(), prop::option::of(ident())).prop_map(|(expr, alias)| ReturnItem { expr, alias }),
        1..3,
    );
    let order = prop::collection::vec(
        (expr(), any::<bool>()).prop_map(|(expr, descending)| OrderKey { expr, descending }),
        0..3,
    );
    let ret = (
        any::<bool>(),
        items,
        order,
        prop::option::of(row_count()),
        prop::option::of(row_count()),
    )
        .prop_map(|(distinct, items, order, skip, limit)| Return {
            distinct,
            star: false,
            items,
            order,
            skip,
            limit,
        });
    (
        prop::collection::vec(pattern(), 1..3),
        prop::option::of(expr()),
        ret,
    )
        .prop_map(|(patterns, filter, ret)| MatchStmt {
            patterns,
            filter,
            ret,
        })
}

fn nodeset() -> impl Strategy<Value = NodeSet> {
    let leaf = prop_oneof![
        any::<String>()
            .prop_map(|s| NodeSetKind::Name(expr_of(ExprKind::Literal(Literal::Str(s))))),
        plain_name().prop_map(|p| NodeSetKind::Name(expr_of(ExprKind::Param(p)))),
        node().prop_map(NodeSetKind::Pattern),
    ]
    .prop_map(|kind| NodeSet {
        kind,
        span: Span::default(),
    });
    leaf.prop_recursive(3, 4, 1, |inner| {
        inner.prop_map(|s| NodeSet {
            kind: NodeSetKind::MembersOf(Box::new(s)),
            span: Span::default(),
        })
    })
}

fn via() -> impl Strategy<Value = Vec<Ident>> {
    prop::collection::vec(ident(), 0..3)
}

fn stmt_of(kind: StatementKind) -> Statement {
    Statement {
        kind,
        span: Span::default(),
    }
}

fn statement() -> impl Strategy<Value = Statement> {
    let path = (
        prop_oneof![
            Just(PathMode::Shortest),
            Just(PathMode::All),
            any::<u32>().prop_map(PathMode::K)
        ],
        nodeset(),
        nodeset(),
        via(),
        prop::option::of(any::<u32>()),
        any::<bool>(),
        prop::option::of(prop::option::of(ident())),
    )
        .prop_map(|(mode, from, to, via, max, undirected, weighted)| {
            StatementKind::Path(PathStmt {
                mode,
                from,
                to,
                via,
                max,
                undirected,
                weighted,
            })
        });
    let trace = (
        nodeset(),
        via(),
        prop::option::of(any::<u32>()),
        any::<bool>(),
    )
        .prop_map(|(of, via, depth, up)| {
            let t = TraceStmt { of, via, depth };
            if up {
                StatementKind::Upstream(t)
            } else {
                StatementKind::Downstream(t)
            }
        });
    let scope = || prop::option::of(select(vec![ByScope::Territory, ByScope::Jurisdiction]));
    let exposure = (
        nodeset(),
        nodeset(),
        via(),
        prop::option::of(any::<u32>()),
        prop::option::of(any::<u32>()),
        (scope(), any::<bool>(), any::<bool>(), any::<bool>()),
    )
        .prop_map(
            |(of, to, via, depth, top, (by, by_share, excluding_members, impact))| {
                let x = ExposureStmt {
                    of,
                    to,
                    via,
                    depth,
                    top,
                    by,
                    by_share,
                    excluding_members,
                };
                if impact {
                    StatementKind::Impact(x)
                } else {
                    StatementKind::Exposure(x)
                }
            },
        );
    let plain = |name: &str| Ident {
        name: name.to_string(),
        span: Span::default(),
    };
    let choke = (
        nodeset(),
        via(),
        prop::option::of(any::<u32>()),
        scope(),
        prop::collection::vec(select(vec!["Firm", "Nation"]), 0..3),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(move |(of, via, top, by, kinds, weighted, excluding)| {
            StatementKind::Chokepoints(ChokepointsStmt {
                of,
                via,
                top,
                by,
                kinds: kinds.into_iter().map(plain).collect(),
                weighted: weighted.then(|| plain("revenue")),
                excluding_members: excluding,
            })
        });
    let op = prop_oneof![
        nodeset().prop_map(ScenarioOp::Remove),
        (nodeset(), nodeset(), scope()).prop_map(|(a, b, s)| ScenarioOp::Cut(a, b, s)),
        (nodeset(), nodeset(), scope()).prop_map(|(a, b, s)| ScenarioOp::Decouple(a, b, s)),
        (nodeset(), select(vec![0.5, 1.0, 0.25])).prop_map(|(a, f)| ScenarioOp::Shock(a, f)),
        nodeset().prop_map(ScenarioOp::Policy),
        nodeset().prop_map(ScenarioOp::Risk),
        ident().prop_map(ScenarioOp::Use),
    ];
    let scenario = (ident(), prop::collection::vec(op, 1..4))
        .prop_map(|(name, ops)| StatementKind::Scenario(ScenarioStmt { name, ops }));
    let leaf = prop_oneof![
        match_stmt().prop_map(StatementKind::Match),
        path,
        trace,
        exposure,
        choke,
        scenario,
        nodeset().prop_map(StatementKind::Show),
        Just(StatementKind::Schema),
        Just(StatementKind::Stats),
    ]
    .prop_map(stmt_of);
    let formats = [
        ExportFormat::Dot,
        ExportFormat::Json,
        ExportFormat::Graphml,
        ExportFormat::Svg,
        ExportFormat::Png,
        ExportFormat::Html,
        ExportFormat::Chart,
    ];
    leaf.prop_recursive(3, 6, 1, move |inner| {
        prop_oneof![
            (ident(), any::<bool>(), inner.clone()).prop_map(|(scenario, substituting, body)| {
                StatementKind::With {
                    scenario,
                    substituting,
                    body: Box::new(body),
                }
            }),
            (ident(), any::<bool>(), inner.clone()).prop_map(|(scenario, substituting, body)| {
                StatementKind::Compare {
                    scenario,
                    substituting,
                    body: Box::new(body),
                }
            }),
            (
                select(formats.to_vec()),
                any::<String>(),
                any::<bool>(),
                prop::option::of(select(vec![
                    GraphLayout::Dot,
                    GraphLayout::Sfdp,
                    GraphLayout::Neato
                ])),
                prop::option::of(any::<bool>()),
                prop::option::of(inner)
            )
                .prop_map(|(format, file, clusters, layout, labels, from)| {
                    StatementKind::Export(ExportStmt {
                        format,
                        file,
                        clusters,
                        layout,
                        labels,
                        ended: !clusters,
                        from: from.map(Box::new),
                    })
                }),
        ]
        .prop_map(stmt_of)
    })
}

// ---------------------------------------------------------------- token soups

const TOKENS: [&str; 96] = [
    "match",
    "where",
    "return",
    "distinct",
    "as",
    "order",
    "by",
    "asc",
    "desc",
    "skip",
    "limit",
    "and",
    "or",
    "xor",
    "not",
    "in",
    "is",
    "null",
    "true",
    "false",
    "starts",
    "ends",
    "with",
    "contains",
    "count",
    "path",
    "shortest",
    "all",
    "k",
    "from",
    "to",
    "via",
    "max",
    "undirected",
    "weighted",
    "upstream",
    "downstream",
    "of",
    "depth",
    "exposure",
    "top",
    "chokepoints",
    "scenario",
    "remove",
    "cut",
    "decouple",
    "compare",
    "show",
    "schema",
    "stats",
    "export",
    "dot",
    "json",
    "graphml",
    "clusters",
    "members",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "|",
    ".",
    "=",
    "<>",
    "<",
    "<=",
    ">",
    ">=",
    "=~",
    "+",
    "-",
    "*",
    "/",
    "%",
    "-->",
    "<--",
    "--",
    "-[",
    "]->",
    "<-[",
    "]-",
    "*1..3",
    "..",
    ";",
    "$p",
    "\"TSMC\"",
    "'x'",
    "42",
    "-1.5",
    "1e3",
    "n",
    "f",
];

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(select(&TOKENS[..]), 0..30).prop_map(|t| t.join(" "))
}

/// Every statement of a script that parsed prints and parses back the same.
fn assert_round_trips(src: &str) -> Result<(), TestCaseError> {
    if let Ok(stmts) = parse_script(src) {
        for stmt in stmts {
            let printed = stmt.to_string();
            let again = parse_script(&printed)
                .map_err(|d| TestCaseError::fail(format!("{printed}: {d}")))?;
            prop_assert_eq!(again.len(), 1);
            prop_assert!(
                same_modulo_spans(&stmt, &again[0]),
                "{} -> {}",
                src,
                printed
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn printed_trees_parse_back(stmt in statement()) {
        let printed = stmt.to_string();
        let parsed = parse_script(&printed).map_err(|d| TestCaseError::fail(d.render("<printed>", &printed)))?;
        prop_assert_eq!(parsed.len(), 1, "{}", printed);
        prop_assert!(same_modulo_spans(&stmt, &parsed[0]), "printed: {}\nwant: {:?}\ngot:  {:?}", printed, stmt, parsed[0]);
    }

    #[test]
    fn token_soups_never_panic_and_round_trip(src in soup()) {
        let _ = is_complete(&src);
        let _ = split_statements(&src);
        assert_round_trips(&src)?;
    }

    #[test]
    fn arbitrary_text_never_panics(src in any::<String>()) {
        let _ = is_complete(&src);
        for span in split_statements(&src) {
            prop_assert!(src.get(span.start..span.end).is_some());
        }
        assert_round_trips(&src)?;
    }

    #[test]
    fn arbitrary_fql_like_text_never_panics(src in "[a-z()\\[\\]{}<>=:,;.|*$'\"`\\\\ \n-]{0,60}") {
        let _ = is_complete(&src);
        assert_round_trips(&src)?;
    }
}
