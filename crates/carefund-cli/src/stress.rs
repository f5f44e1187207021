//! `carefund stress`, `carefund reverse` and `carefund compare`: paired runs on common
//! random numbers (docs/model.md §9). Each turns its arguments into one library call, prints
//! the text table and writes CSV, JSON and charts.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use carefund::chart::Format;
use carefund::stress::{self, Factor, ReverseOptions, report};
use carefund::{RunOptions, Scenario};

use crate::args::{ChartFormat, CompareArgs, PairedRunArgs, ReverseArgs, StressArgs};
use crate::files::{BadInput, Kind, read_input, read_text, write_outputs};

fn load(path: &Path) -> anyhow::Result<Scenario> {
    let text = read_text(path)?;
    Ok(Scenario::from_toml(&text, &path.display().to_string())?)
}

fn options(r: &PairedRunArgs) -> RunOptions {
    RunOptions {
        paths: r.paths,
        seed: r.seed,
        threads: r.threads,
    }
}

fn out_dir(out: Option<&PathBuf>, scenario: &Path, sub: &str) -> PathBuf {
    out.cloned().unwrap_or_else(|| {
        let stem = scenario
            .file_stem()
            .map_or("scenario".into(), |s| s.to_string_lossy().into_owned());
        PathBuf::from("carefund-out").join(stem).join(sub)
    })
}

fn formats(f: ChartFormat) -> &'static [Format] {
    match f {
        ChartFormat::Png => &[Format::Png],
        ChartFormat::Svg => &[Format::Svg],
        ChartFormat::Both => &[Format::Png, Format::Svg],
    }
}

fn finish(
    out: &Path,
    text: &str,
    files: &[(String, Vec<u8>)],
    reports: &[(PathBuf, Vec<u8>)],
) -> anyhow::Result<ExitCode> {
    write_outputs(out, files, reports)?;
    let mut stdout = std::io::stdout().lock();
    write!(stdout, "{text}")?;
    let mut names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    names.push(crate::outdir::MANIFEST);
    writeln!(stdout, "\nwrote {}: {}", out.display(), names.join(", "))?;
    for (path, _) in reports {
        writeln!(stdout, "wrote {}", path.display())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `carefund stress`.
pub fn stress(a: &StressArgs) -> anyhow::Result<ExitCode> {
    let out = out_dir(a.out.as_ref(), &a.scenario, "stress");
    crate::outdir::recover(crate::outdir::parent_of(&out));
    crate::files::check_replaceable_dir(&out)?;
    let scenario = load(&a.scenario)?;
    let mut inputs = vec![("the scenario file", a.scenario.as_path())];
    inputs.extend(a.with.iter().map(|w| ("a stress file", w.as_path())));
    a.reports.check(&inputs, &out)?;
    let mut overlays = Vec::new();
    if let Some(name) = &a.pack {
        overlays.extend(stress::pack(name)?);
    }
    for path in &a.with {
        let text = read_input(path, Kind::Stress)?;
        overlays.extend(stress::parse(&text, &path.display().to_string())?);
    }
    if a.pack.is_none() && a.with.is_empty() {
        overlays.extend(stress::pack("sceptical")?);
    }
    // The base run and one stressed run at a time, and every run's path summaries.
    check_memory(&scenario, &a.run, 2, overlays.len() as u64 + 1)?;
    let bar = crate::progress::bar(
        "stress runs",
        overlays.len() as u64 + 1,
        "runs (base first)",
        crate::progress::visible(false),
    );
    let report = stress::stress_test(&scenario, &overlays, &options(&a.run), &|done, _| {
        bar.set_position(done as u64);
    })?;
    bar.finish_and_clear();
    let mut files = vec![
        ("stress.json".to_string(), report::stress_json(&report)?),
        ("stress.csv".to_string(), report::stress_csv(&report)?),
    ];
    for &f in formats(a.format) {
        files.extend(stress::figures::stress_charts(&report, f)?);
    }
    // Reports are built before anything is written, so a failure leaves no output.
    let mut input = carefund::report::ReportInput::new(&scenario, &report.base.summary);
    input
        .sections
        .push(carefund::report::sections::stress(&report));
    let reports = a.reports.render(&input)?;
    finish(&out, &report::stress_text(&report), &files, &reports)
}

/// Check the options, then refuse runs that would not fit in memory: `runs` runs alive
/// at once and the per-path summaries of `kept` runs.
fn check_memory(
    scenario: &Scenario,
    r: &PairedRunArgs,
    runs: u64,
    kept: u64,
) -> anyhow::Result<()> {
    options(r).check()?;
    crate::run::check_memory_for(
        &format!("--paths {}", r.paths),
        carefund::api::runs_memory(scenario, r.paths, r.threads, runs, kept),
    )
}

fn parse_range(s: &str) -> anyhow::Result<(f64, f64)> {
    let bad = || {
        BadInput(format!(
            "--range {s}: expected LO:HI with two finite numbers, e.g. 0:10 or -0.5:0.5"
        ))
    };
    let (lo, hi) = s.split_once(':').ok_or_else(bad)?;
    let lo: f64 = lo.trim().parse().map_err(|_| bad())?;
    let hi: f64 = hi.trim().parse().map_err(|_| bad())?;
    if !(lo.is_finite() && hi.is_finite()) {
        return Err(bad().into());
    }
    Ok((lo, hi))
}

/// `carefund reverse`.
pub fn reverse(a: &ReverseArgs) -> anyhow::Result<ExitCode> {
    let out = out_dir(a.out.as_ref(), &a.scenario, "reverse");
    crate::outdir::recover(crate::outdir::parent_of(&out));
    crate::files::check_replaceable_dir(&out)?;
    let scenario = load(&a.scenario)?;
    let factor = Factor::parse(&a.factor)?;
    let metric = a.metric.0;
    let range = match &a.range {
        Some(r) => parse_range(r)?,
        None => factor.default_range(),
    };
    let ro = ReverseOptions {
        metric,
        level: a.level,
        range,
        tolerance: a.tolerance.unwrap_or((range.1 - range.0).abs() / 1000.0),
    };
    if !a.level.is_finite() {
        return Err(BadInput(format!("--level {}: expected a finite number", a.level)).into());
    }
    if let Some(t) = a.tolerance
        && !(t.is_finite() && t > 0.0)
    {
        return Err(BadInput(format!(
            "--tolerance {t}: expected a positive finite number"
        ))
        .into());
    }
    check_memory(&scenario, &a.run, 2, 1)?;
    let opts = options(&a.run);
    let bar = crate::progress::bar(
        "reverse search",
        stress::reverse_evaluations(&ro) as u64,
        "runs at most",
        crate::progress::visible(false),
    );
    let result = stress::reverse_stress_with(&scenario, &factor, &ro, &opts, &|done| {
        bar.set_position(done as u64);
    })?;
    bar.finish_and_clear();
    let files = vec![
        ("reverse.json".to_string(), report::reverse_json(&result)?),
        ("reverse.csv".to_string(), report::reverse_csv(&result)?),
    ];
    let text = report::reverse_text(scenario.name(), &result, opts.paths, opts.seed);
    finish(&out, &text, &files, &[])
}

/// `carefund compare`.
pub fn compare(a: &CompareArgs) -> anyhow::Result<ExitCode> {
    let out = out_dir(a.out.as_ref(), &a.scenarios[0], "compare");
    crate::outdir::recover(crate::outdir::parent_of(&out));
    crate::files::check_replaceable_dir(&out)?;
    let scenarios = a
        .scenarios
        .iter()
        .map(|p| load(p))
        .collect::<anyhow::Result<Vec<_>>>()?;
    check_memory(&scenarios[0], &a.run, 1, scenarios.len() as u64)?;
    let inputs: Vec<(&str, &Path)> = a
        .scenarios
        .iter()
        .map(|s| ("a scenario file", s.as_path()))
        .collect();
    a.reports.check(&inputs, &out)?;
    let bar = crate::progress::bar(
        "scenario runs",
        scenarios.len() as u64,
        "scenarios",
        crate::progress::visible(false),
    );
    let c = stress::compare(&scenarios, &options(&a.run), &|done, _| {
        bar.set_position(done as u64);
    })?;
    bar.finish_and_clear();
    let mut files = vec![
        ("compare.json".to_string(), report::compare_json(&c)?),
        ("compare.csv".to_string(), report::compare_csv(&c)?),
    ];
    for &f in formats(a.format) {
        files.extend(stress::figures::compare_charts(&c, f)?);
    }
    let mut text = report::compare_text(&c);
    let mut voi_report = None;
    if a.voi.voi {
        let (voi_files, voi_text, r) =
            crate::voi::analyse(&a.voi, &scenarios, &options(&a.run), formats(a.format))?;
        files.extend(voi_files);
        text.push_str(&voi_text);
        voi_report = Some(r);
    }
    // Reports are built before anything is written, so a failure leaves no output. The
    // report's main sheets describe scenario A; the comparison is its own section.
    let mut reports = Vec::new();
    if let (Some(first), Some(scenario)) = (c.scenarios.first(), scenarios.first()) {
        let mut input = carefund::report::ReportInput::new(scenario, &first.summary);
        input.sections.push(carefund::report::sections::compare(&c));
        if let Some(r) = &voi_report {
            input.sections.push(carefund::report::sections::voi(r));
        }
        reports = a.reports.render(&input)?;
    }
    finish(&out, &text, &files, &reports)
}
