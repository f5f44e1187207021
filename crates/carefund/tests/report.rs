//! The Excel workbook read back (calamine, and the zip for the charts) against
//! `summary.json`, and an extra section plugged in as a stress branch would.

use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use carefund::report::{
    Cell, NativeChart, NativeKind, ReportInput, Section, SectionChart, Table, xlsx,
};
use carefund::{RunOptions, Scenario, Summary, simulate, summarise};
use serde_json::Value;

fn run(paths: u64) -> (Scenario, carefund::Simulation, Summary) {
    let sc = Scenario::from_toml(carefund::EXAMPLE_SCENARIO, "example.toml").unwrap();
    let opts = RunOptions {
        paths,
        seed: 42,
        threads: Some(1),
    };
    let sim = simulate(&sc, &opts, &|_| {}).unwrap();
    let summary = summarise(&sc, &sim);
    (sc, sim, summary)
}

fn workbook(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("the workbook opens")
}

fn zip_entry(bytes: &[u8], name: &str) -> Option<String> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut f = z.by_name(name).ok()?;
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    Some(s)
}

/// The Summary sheet's value (column B) and standard error (column C) on the first row
/// whose key (column D) is `key`.
fn summary_row(range: &calamine::Range<Data>, key: &str) -> (Data, Data) {
    for row in range.rows() {
        if row.get(3).is_some_and(|k| *k == *key) {
            return (row[1].clone(), row[2].clone());
        }
    }
    panic!("no row with key {key}");
}

fn float(d: &Data) -> f64 {
    match d {
        Data::Float(x) => *x,
        Data::Int(i) => *i as f64,
        other => panic!("expected a number, got {other:?}"),
    }
}

/// Equal up to the last bits: a number goes to the workbook as decimal text and comes
/// back through calamine's parser, which may round the last binary digit differently
/// from serde_json's. 1e-14 relative is about 50 ulps, far below any displayed digit.
fn assert_same(got: f64, expected: f64, what: &str) {
    assert!(
        (got - expected).abs() <= 1e-14 * expected.abs(),
        "{what}: workbook {got}, expected {expected}"
    );
}

fn json_at<'a>(v: &'a Value, path: &str) -> &'a Value {
    path.split('.').fold(v, |v, k| &v[k])
}

#[test]
fn summary_sheet_equals_summary_json() {
    let (sc, sim, summary) = run(500);
    let json: Value =
        serde_json::from_slice(&carefund::export::summary_json(&summary).unwrap()).unwrap();
    let bytes = xlsx(&ReportInput::new(&sc, &summary).with_simulation(&sim)).unwrap();
    let mut wb = workbook(&bytes);
    let range = wb.worksheet_range("Summary").unwrap();

    for key in [
        "headline.p_break_even",
        "headline.p_target_met_year1",
        "headline.p_meets_claim",
        "headline.claim_gap",
        "headline.expected_shortfall_5",
        "headline.cum_net_horizon.mean",
        "headline.cum_net_horizon.p50",
        "headline.cum_net_horizon.p5",
        "headline.cum_net_horizon.p95",
        "headline.npv.mean",
        "headline.plan_claim.cum_net_horizon",
        "headline.avoided_total.mean",
        "meta.seed",
        "meta.paths",
    ] {
        let (value, _) = summary_row(&range, key);
        let expected = json_at(&json, key).as_f64().unwrap();
        assert_same(float(&value), expected, key);
    }
    for (key, se) in [
        ("headline.p_break_even", "headline.p_break_even_se"),
        (
            "headline.p_target_met_year1",
            "headline.p_target_met_year1_se",
        ),
        ("headline.p_meets_claim", "headline.p_meets_claim_se"),
        (
            "headline.cum_net_horizon.mean",
            "headline.cum_net_horizon.se",
        ),
        ("headline.npv.mean", "headline.npv.se"),
    ] {
        let (_, got) = summary_row(&range, key);
        let expected = json_at(&json, se).as_f64().unwrap();
        assert_same(float(&got), expected, se);
    }
    for key in [
        "rating",
        "meta.scenario_name",
        "meta.scenario_hash",
        "meta.carefund_version",
        "meta.generator",
    ] {
        let (value, _) = summary_row(&range, key);
        assert_eq!(
            value.to_string(),
            json_at(&json, key).as_str().unwrap(),
            "{key}"
        );
    }
    // Every reason is on the sheet, in order.
    let reasons: Vec<String> = range
        .rows()
        .filter(|r| r.get(3).is_some_and(|k| *k == *"reasons"))
        .map(|r| r[1].to_string())
        .collect();
    let expected: Vec<&str> = json["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert_eq!(reasons, expected);
}

#[test]
fn sheets_and_the_native_fan_chart_exist() {
    let (sc, sim, summary) = run(200);
    let bytes = xlsx(&ReportInput::new(&sc, &summary).with_simulation(&sim)).unwrap();
    let wb = workbook(&bytes);
    assert_eq!(
        wb.sheet_names(),
        [
            "Summary",
            "Fan chart",
            "By year",
            "By period",
            "Assumptions",
            "Paths"
        ]
    );
    // The fan is a native chart: stacked areas (the bands) combined with lines (the
    // median and the plan's own case), drawn from the Fan chart sheet.
    let chart = zip_entry(&bytes, "xl/charts/chart1.xml").expect("xl/charts/chart1.xml");
    assert!(chart.contains("<c:areaChart>"), "no area chart");
    assert!(
        chart.contains("<c:grouping val=\"stacked\"/>"),
        "bands not stacked"
    );
    assert!(chart.contains("<c:lineChart>"), "no median line");
    assert!(
        chart.contains("'Fan chart'!$E$2"),
        "median not from the sheet"
    );
    assert_eq!(chart.matches("<c:ser>").count(), 8, "6 bands + 2 lines");

    // Without the simulation there is no Paths sheet.
    let bytes = xlsx(&ReportInput::new(&sc, &summary)).unwrap();
    assert!(
        !workbook(&bytes)
            .sheet_names()
            .contains(&"Paths".to_string())
    );
}

#[test]
fn by_period_and_fan_data_equal_the_summary() {
    let (sc, _, summary) = run(300);
    let bytes = xlsx(&ReportInput::new(&sc, &summary)).unwrap();
    let mut wb = workbook(&bytes);
    let fan = wb.worksheet_range("Fan chart").unwrap();
    for (i, p) in summary.periods.iter().enumerate() {
        let row = i as u32 + 1;
        assert_eq!(
            fan.get_value((row, 0)).unwrap().to_string(),
            p.label,
            "period label"
        );
        let q = p.quantities[carefund::Quantity::CumNet];
        assert_same(float(fan.get_value((row, 4)).unwrap()), q.p50, "median");
        // The stacked bands add back up to P95.
        let stacked: f64 = (9..15)
            .map(|c| float(fan.get_value((row, c)).unwrap()))
            .sum();
        assert!(
            (stacked - q.p95).abs() <= 1e-6 * q.p95.abs().max(1.0),
            "bands stack to {stacked}, P95 is {}",
            q.p95
        );
    }
    let long = wb.worksheet_range("By period").unwrap();
    let last = summary.periods.last().unwrap();
    let row = long
        .rows()
        .find(|r| r[0] == *"cum_net" && r[2] == *last.label.as_str())
        .expect("cum_net row of the last period");
    let s = last.quantities[carefund::Quantity::CumNet];
    let expected = [
        s.mean, s.sd, s.se, s.p1, s.p5, s.p10, s.p25, s.p50, s.p75, s.p90, s.p95, s.p99,
    ];
    for (k, e) in expected.iter().enumerate() {
        assert_same(float(&row[4 + k]), *e, &format!("column {k}"));
    }
}

#[test]
fn an_extra_section_becomes_a_sheet_with_a_native_chart() {
    let (sc, _, summary) = run(100);
    let mut input = ReportInput::new(&sc, &summary);
    input.sections.push(Section {
        title: "Stress".into(),
        paragraphs: vec!["Each stress is paired with the base run path by path.".into()],
        tables: vec![Table::new(
            "P(break even) under each stress",
            &["Stress", "P(break even)", "Paired difference"],
            vec![
                vec![
                    Cell::text("effects halved"),
                    Cell::Percent(0.04),
                    Cell::Percent(-0.2),
                ],
                vec![
                    Cell::text("ramps doubled"),
                    Cell::Percent(0.11),
                    Cell::Percent(-0.13),
                ],
            ],
        )],
        charts: vec![SectionChart {
            title: "P(break even) per stress".into(),
            alt: "Bars: effects halved 4%, ramps doubled 11%.".into(),
            svg: None,
            native: Some(NativeChart {
                kind: NativeKind::Bar,
                table: 0,
                categories: 0,
                series: vec![1],
                value_axis: "P(break even)".into(),
            }),
        }],
    });
    let bytes = xlsx(&input).unwrap();
    let mut wb = workbook(&bytes);
    assert_eq!(wb.sheet_names().last().map(String::as_str), Some("Stress"));
    let sheet = wb.worksheet_range("Stress").unwrap();
    let row = sheet.rows().find(|r| r[0] == *"ramps doubled").unwrap();
    assert_same(float(&row[1]), 0.11, "ramps doubled");
    let chart = zip_entry(&bytes, "xl/charts/chart3.xml").expect("the section's chart");
    assert!(chart.contains("<c:barChart>"));
    assert!(chart.contains("<c:barDir val=\"bar\"/>"));
    assert!(chart.contains("Stress!$B$"), "values from the Stress sheet");
}

#[test]
fn stress_and_evidence_sections_become_sheets_and_html_sections() {
    let sc = Scenario::from_toml(carefund::EXAMPLE_SCENARIO, "example.toml").unwrap();
    let options = RunOptions {
        paths: 300,
        seed: 5,
        threads: Some(1),
    };
    let stress = carefund::stress::stress_test(
        &sc,
        &carefund::stress::pack("sceptical").unwrap(),
        &options,
        &|_, _| {},
    )
    .unwrap();
    let mut input = ReportInput::new(&sc, &stress.base.summary);
    input
        .sections
        .push(carefund::stress::section::stress(&stress));
    let evidence = carefund::evidence::Evidence::from_toml(
        carefund::evidence::SHIPPED,
        carefund::evidence::SHIPPED_NAME,
    )
    .unwrap();
    let sim = simulate(&sc, &options, &|_| {}).unwrap();
    let mut summary = summarise(&sc, &sim);
    let outcome = carefund::evidence::evaluate(&sc, &evidence, &sim, &summary, &|_| {}).unwrap();
    outcome.attach(&mut summary);
    let block = summary.evidence.clone().expect("evidence attached");
    input
        .sections
        .push(carefund::evidence::section::evidence(&block, &summary));

    let book = xlsx(&input).unwrap();
    let names = workbook(&book).sheet_names();
    assert!(names.iter().any(|n| n == "Stress"), "{names:?}");
    assert!(names.iter().any(|n| n == "Evidence"), "{names:?}");
    let stress_sheet = workbook(&book).worksheet_range("Stress").unwrap();
    let rows: Vec<String> = stress_sheet
        .rows()
        .filter_map(|r| r.first().map(|c| c.to_string()))
        .collect();
    for s in std::iter::once(&stress.base).chain(&stress.stresses) {
        assert!(
            rows.contains(&s.name),
            "stress `{}` missing from the sheet",
            s.name
        );
    }
    let html = String::from_utf8(carefund::report::html(&input).unwrap()).unwrap();
    assert!(html.contains("id=\"stress\""));
    assert!(html.contains("id=\"evidence\""));
    assert!(html.contains("All together"));
}
