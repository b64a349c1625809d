//! `export chart` for each statement kind that has rows of numbers: the
//! SVG parses as XML, has one bar per row (two for `compare`), and labels
//! each bar with the row's node.

#![allow(clippy::panic)] // test helpers fail the test by panicking

use faultline::load::{LoadOptions, bundled_data_dir, load};
use faultline::session::Session;

fn run(s: &mut Session, source: &str) -> String {
    let mut said = String::new();
    for o in s.execute(source, false) {
        let r = o
            .result
            .unwrap_or_else(|d| panic!("{}", d.render("<test>", source)));
        said.push_str(&r.message.unwrap_or_default());
    }
    said
}

#[test]
fn a_chart_for_exposure_chokepoints_and_compare() {
    let dir = tempfile::tempdir().expect("temp dir");
    let g = load(&[bundled_data_dir()], &LoadOptions::default())
        .expect("the bundled graph loads")
        .graph;
    let mut s = Session::new(g);
    run(
        &mut s,
        "scenario decoupling = decouple \"United States\" and \"China\"",
    );
    let cases = [
        (
            "exposure",
            "exposure of (f:Firm) to \"Taiwan\" top 5",
            5,
            1,
            "NVIDIA",
        ),
        (
            "chokepoints",
            "chokepoints of \"NVIDIA\" top 4",
            4,
            1,
            "ASML",
        ),
        (
            "compare",
            "compare decoupling: exposure of (f:Firm) to \"Taiwan\" top 3",
            3,
            2,
            "SMIC",
        ),
    ];
    for (name, statement, rows, bars_per_row, label) in cases {
        let file = dir.path().join(format!("{name}.svg"));
        let said = run(&mut s, &format!("export chart {file:?} from {statement}"));
        assert!(said.contains(&format!("chart of {rows} rows")), "{said}");
        let svg = std::fs::read_to_string(&file).expect("the chart was written");
        let doc = roxmltree::Document::parse(&svg).expect("the chart is XML");
        let bars = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("bar"))
            .count();
        assert_eq!(bars, rows * bars_per_row, "{name}");
        let labels: Vec<&str> = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("label"))
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(labels.len(), rows, "{name}");
        if name != "exposure" {
            assert!(labels.contains(&label), "{name}: {labels:?}");
        }
    }
    let err = s
        .execute(
            "export chart \"x.svg\" from match (n:Nation) return n.name",
            false,
        )
        .remove(0)
        .result
        .expect_err("no numbers to draw");
    assert!(err.message.contains("numeric column"), "{}", err.message);
}
