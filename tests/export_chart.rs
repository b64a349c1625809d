//! `export chart` for each statement kind that has rows of numbers
//! (`exposure`, `impact`, `chokepoints`, `compare` over each of them,
//! `upstream`, `downstream`, `path`, `match` with an aggregate, `stats`):
//! the SVG parses as XML and draws, in the statement's row order, one bar
//! per row (before and after for `compare`) whose tooltip holds the row's
//! number and whose width is proportional to it, labelled with the row's
//! name. The same statement run alone gives the rows to compare with.

#![allow(clippy::panic)] // test helpers fail the test by panicking

use faultline::load::{LoadOptions, bundled_data_dir, load};
use faultline::model::Value;
use faultline::output::{Style, cell_text};
use faultline::result::{Cell, ResultSet};
use faultline::session::Session;

fn result(s: &mut Session, source: &str) -> ResultSet {
    let mut outcomes = s.execute(source, false);
    let last = outcomes.pop().expect("one statement");
    last.result
        .unwrap_or_else(|d| panic!("{}", d.render("<test>", source)))
}

/// A bar as drawn: its series (from the tooltip), value and width.
struct Bar {
    series: String,
    value: f64,
    width: f64,
}

struct Chart {
    labels: Vec<String>,
    bars: Vec<Bar>,
    legend: Vec<String>,
}

fn read_chart(svg: &str) -> Chart {
    let doc = roxmltree::Document::parse(svg).expect("the chart is XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    let labels = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("label"))
        .map(|n| n.text().unwrap_or_default().to_string())
        .collect();
    let bars = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("bar"))
        .map(|n| {
            let title = n
                .children()
                .find(|c| c.has_tag_name("title"))
                .and_then(|t| t.text())
                .expect("a bar has a tooltip");
            let (series, value) = title.split_once(": ").expect("`series: value`");
            Bar {
                series: series.to_string(),
                value: value.parse().expect("a number"),
                width: n
                    .attribute("width")
                    .and_then(|w| w.parse().ok())
                    .expect("a width"),
            }
        })
        .collect();
    // The legend: a swatch followed by the series' name.
    let legend = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("y") == Some("28"))
        .filter_map(|n| n.next_sibling_element())
        .filter_map(|t| t.text().map(str::to_string))
        .collect();
    Chart {
        labels,
        bars,
        legend,
    }
}

fn number(cell: &Cell) -> f64 {
    match cell {
        Cell::Value(Value::Int(v)) => *v as f64,
        Cell::Value(Value::Float(v)) => *v,
        other => panic!("not a number: {other:?}"),
    }
}

/// One statement kind: the statement, the columns drawn, the column(s)
/// naming a bar, the rows expected (0: as many as the statement returns)
/// and a label that must be among them.
struct Case {
    kind: &'static str,
    statement: &'static str,
    series: &'static [&'static str],
    label_columns: &'static [&'static str],
    rows: usize,
    /// A label that must be drawn (the other labels are checked against
    /// the statement's rows); `None` where it depends on the data's numbers.
    must_label: Option<&'static str>,
}

const CASES: &[Case] = &[
    Case {
        kind: "exposure",
        statement: "exposure of (f:Firm) to \"Taiwan\" top 5",
        series: &["loss"],
        label_columns: &["node"],
        rows: 5,
        must_label: None,
    },
    Case {
        kind: "impact",
        statement: "impact of \"Taiwan Strait conflict or blockade\" on (f:Firm where f.id in [\"tsmc\", \"nvidia\", \"intel\", \"sk-hynix\", \"smic\"])",
        series: &["loss"],
        label_columns: &["node"],
        rows: 5,
        must_label: None,
    },
    Case {
        kind: "chokepoints",
        statement: "chokepoints of \"Apple\" kinds Firm top 10",
        series: &["loss"],
        label_columns: &["node"],
        rows: 10,
        must_label: None,
    },
    Case {
        kind: "compare exposure",
        statement: "compare decoupling: exposure of (f:Firm) to \"Taiwan\" top 6",
        series: &["before", "after"],
        label_columns: &["node"],
        rows: 6,
        must_label: None,
    },
    Case {
        kind: "compare impact",
        statement: "compare decoupling: impact of \"Taiwan\" on (f:Firm) top 4",
        series: &["before", "after"],
        label_columns: &["node"],
        rows: 4,
        must_label: None,
    },
    Case {
        kind: "compare chokepoints",
        statement: "compare decoupling: chokepoints of \"NVIDIA\" top 3",
        series: &["before", "after"],
        label_columns: &["node"],
        rows: 3,
        must_label: None,
    },
    Case {
        kind: "upstream",
        statement: "upstream of \"NVIDIA\" depth 2",
        series: &["depth"],
        label_columns: &["node"],
        rows: 0,
        must_label: Some("TSMC"),
    },
    Case {
        kind: "downstream",
        statement: "downstream of \"ASML\" depth 1",
        series: &["depth"],
        label_columns: &["node"],
        rows: 0,
        must_label: Some("EUV lithography"),
    },
    Case {
        kind: "path",
        statement: "path all from \"NVIDIA\" to \"Netherlands\" max 4",
        series: &["cost"],
        label_columns: &["path"],
        rows: 0, // whatever the graph has; checked against the statement
        must_label: Some("NVIDIA -["),
    },
    Case {
        kind: "match",
        statement: "match (f:Firm)-[:LOCATED_IN]->(n:Nation) return n.name, count(*) as firms order by firms desc limit 5",
        series: &["firms"],
        label_columns: &["n.name"],
        rows: 5,
        must_label: Some("China"),
    },
    Case {
        kind: "stats",
        statement: "stats",
        series: &["count"],
        label_columns: &["element", "name"],
        rows: 0,
        must_label: Some("nodes · Firm"),
    },
];

#[test]
fn a_chart_for_each_statement_kind_draws_its_rows() {
    let dir = tempfile::tempdir().expect("temp dir");
    let g = load(&[bundled_data_dir()], &LoadOptions::default())
        .expect("the bundled graph loads")
        .graph;
    let mut s = Session::new(g);
    result(
        &mut s,
        "scenario decoupling = decouple \"United States\" and \"China\"",
    );
    for case in CASES {
        let kind = case.kind;
        let rows = result(&mut s, case.statement);
        if case.rows > 0 {
            assert_eq!(rows.rows.len(), case.rows, "{kind}: rows of the statement");
        }
        let drawn = rows.rows.len().min(faultline::export::MAX_BARS);
        assert!(drawn > 0, "{kind}: nothing to draw");
        let file = dir.path().join(format!("{}.svg", kind.replace(' ', "-")));
        let said = result(
            &mut s,
            &format!("export chart {file:?} from {}", case.statement),
        );
        let message = said.message.unwrap_or_default();
        assert!(
            message.contains(&format!("chart of {drawn} row")),
            "{kind}: {message}"
        );
        let svg = std::fs::read_to_string(&file).expect("the chart was written");
        let chart = read_chart(&svg);
        assert_eq!(chart.legend, case.series, "{kind}: the legend");
        assert_eq!(chart.labels.len(), drawn, "{kind}: a label per row");
        assert_eq!(
            chart.bars.len(),
            drawn * case.series.len(),
            "{kind}: bars per row"
        );
        let col = |name: &str| {
            rows.columns
                .iter()
                .position(|c| c == name)
                .unwrap_or_else(|| panic!("{kind}: no column {name} in {:?}", rows.columns))
        };
        let series: Vec<usize> = case.series.iter().map(|c| col(c)).collect();
        let label_cols: Vec<usize> = case.label_columns.iter().map(|c| col(c)).collect();
        let max = rows
            .rows
            .iter()
            .take(drawn)
            .flat_map(|r| series.iter().map(|&i| number(&r[i]).abs()))
            .fold(0.0f64, f64::max);
        for (k, row) in rows.rows.iter().take(drawn).enumerate() {
            let label: Vec<String> = label_cols
                .iter()
                .map(|&i| cell_text(s.graph(), &row[i], Style::Table))
                .collect();
            let label = label.join(" · ");
            let shown = &chart.labels[k];
            let prefix = shown.trim_end_matches('…');
            assert!(
                label == *shown || (shown.ends_with('…') && label.starts_with(prefix)),
                "{kind}: row {k} is labelled {shown:?}, expected {label:?}"
            );
            for (j, &i) in series.iter().enumerate() {
                let bar = &chart.bars[k * series.len() + j];
                let value = number(&row[i]);
                assert_eq!(bar.series, case.series[j], "{kind}: row {k}");
                assert!(
                    (bar.value - value).abs() < 1e-9,
                    "{kind}: row {k} {} drawn as {}, is {value}",
                    bar.series,
                    bar.value
                );
                // Widths are proportional to the values (420 px for the largest).
                let expected = if max > 0.0 {
                    (value.abs() / max * 420.0).max(0.5)
                } else {
                    0.5
                };
                assert!(
                    (bar.width - expected).abs() < 0.01,
                    "{kind}: row {k} width {} for {value} (max {max})",
                    bar.width
                );
            }
        }
        if let Some(must) = case.must_label {
            assert!(
                chart.labels.iter().any(|l| l.starts_with(must)),
                "{kind}: {:?}",
                chart.labels
            );
        }
        // The title is the statement.
        assert!(svg.contains("font-weight=\"bold\">"), "{kind}");
    }
}

#[test]
fn a_chart_needs_a_number_and_a_statement() {
    let g = load(&[bundled_data_dir()], &LoadOptions::default())
        .expect("the bundled graph loads")
        .graph;
    let mut s = Session::new(g);
    let err = s
        .execute(
            "export chart \"x.svg\" from match (n:Nation) return n.name",
            false,
        )
        .remove(0)
        .result
        .expect_err("no numbers to draw");
    assert!(err.message.contains("numeric column"), "{}", err.message);
    let err = s
        .execute("export chart \"x.svg\"", false)
        .remove(0)
        .result
        .expect_err("no rows to draw");
    assert!(err.message.contains("needs rows"), "{}", err.message);
    let err = s
        .execute(
            "export chart \"x.svg\" from upstream of \"United States\" via LOCATED_IN",
            false,
        )
        .remove(0)
        .result
        .expect_err("no rows to draw");
    assert!(err.message.contains("no rows"), "{}", err.message);
    assert!(!std::path::Path::new("x.svg").exists());
}
