//! `carefund stress`, `carefund reverse` and `carefund compare`: paired runs on common
//! random numbers (docs/model.md §9). Each turns its arguments into one library call, prints
//! the text table and writes CSV, JSON and charts.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use carefund::api::{self, Factor, ReverseOptions, RunOptions, outdir};

use crate::args::{ChartFormat, CompareArgs, PairedRunArgs, ReportArgs, ReverseArgs, StressArgs};
use crate::files::{BadInput, Kind, finish, read_input};
use crate::progress::{Stages, visible};
use crate::run::load;

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

/// `carefund stress`.
pub fn stress(a: &StressArgs) -> anyhow::Result<ExitCode> {
    let out = out_dir(a.out.as_ref(), &a.scenario, "stress");
    outdir::recover(outdir::parent_of(&out));
    crate::files::check_replaceable_dir(&out)?;
    let scenario = load(&a.scenario)?;
    let mut inputs = vec![("the scenario file", a.scenario.as_path())];
    inputs.extend(a.with.iter().map(|w| ("a stress file", w.as_path())));
    a.reports.check(&inputs, &out)?;
    let mut overlays = Vec::new();
    if let Some(name) = &a.pack {
        overlays.extend(api::stress_pack(name)?);
    }
    for path in &a.with {
        let text = read_input(path, Kind::Stress)?;
        overlays.extend(api::parse_stress(&text, &path.display().to_string())?);
    }
    if a.pack.is_none() && a.with.is_empty() {
        overlays.extend(api::stress_pack("sceptical")?);
    }
    let request = api::StressRequest {
        options: options(&a.run),
        overlays,
    };
    let outcome = api::stress(&scenario, &request, &Stages::new(visible(false)))?;
    let files = outcome.files(&a.reports.output(a.format))?;
    finish(&out, &outcome.text(), &files, &a.reports, None)
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
    outdir::recover(outdir::parent_of(&out));
    crate::files::check_replaceable_dir(&out)?;
    let scenario = load(&a.scenario)?;
    let factor = Factor::parse(&a.factor)?;
    let range = match &a.range {
        Some(r) => parse_range(r)?,
        None => factor.default_range(),
    };
    let search = ReverseOptions {
        metric: a.metric.0,
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
    let request = api::ReverseRequest {
        options: options(&a.run),
        factor,
        search,
    };
    let outcome = api::reverse(&scenario, &request, &Stages::new(visible(false)))?;
    let files = outcome.files(&ReportArgs::default().output(ChartFormat::Png))?;
    finish(&out, &outcome.text(), &files, &ReportArgs::default(), None)
}

/// `carefund compare`.
pub fn compare(a: &CompareArgs) -> anyhow::Result<ExitCode> {
    let out = out_dir(a.out.as_ref(), &a.scenarios[0], "compare");
    outdir::recover(outdir::parent_of(&out));
    crate::files::check_replaceable_dir(&out)?;
    let scenarios = a
        .scenarios
        .iter()
        .map(|p| load(p))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let inputs: Vec<(&str, &Path)> = a
        .scenarios
        .iter()
        .map(|s| ("a scenario file", s.as_path()))
        .collect();
    a.reports.check(&inputs, &out)?;
    let request = api::CompareRequest {
        options: options(&a.run),
        voi: if a.voi.voi {
            Some(crate::voi::options(&a.voi)?)
        } else {
            None
        },
    };
    let outcome = api::compare(&scenarios, &request, &Stages::new(visible(false)))?;
    let files = outcome.files(&a.reports.output(a.format))?;
    finish(&out, &outcome.text(), &files, &a.reports, None)
}
