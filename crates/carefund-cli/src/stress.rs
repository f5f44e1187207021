//! `carefund stress`, `carefund reverse` and `carefund compare`: paired runs on common
//! random numbers (docs/model.md §9). Each turns its arguments into one library call, prints
//! the text table and writes CSV, JSON and charts.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use carefund::api::{self, Factor, Overlay, ReverseOptions, RunOptions, Scenario, stress_sheet};
use carefund_outdir as outdir;

use crate::args::{ChartFormat, CompareArgs, PairedRunArgs, ReportArgs, ReverseArgs, StressArgs};
use crate::files::{BadInput, Kind, finish, read_bytes, read_input};
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
    let (overlays, from) = overlays(a)?;
    let request = api::StressRequest {
        options: options(&a.run),
        overlays,
    };
    let outcome = api::stress(&scenario, &request, &Stages::new(visible(false)))?;
    let files = outcome.files(&a.reports.output(a.format))?;
    let text = match from {
        Some(from) => format!("stresses: {from}\n{}", outcome.text()),
        None => outcome.text(),
    };
    finish(&out, &text, &files, &a.reports, None)
}

/// The stresses `carefund stress` runs: `--pack` and `--with`; without either, those of
/// the scenario workbook's Stresses sheet, else the sceptical pack. With the words that
/// say where they came from, when the scenario is a workbook and they were not asked for.
fn overlays(a: &StressArgs) -> anyhow::Result<(Vec<Overlay>, Option<String>)> {
    let mut overlays = Vec::new();
    if let Some(name) = &a.pack {
        overlays.extend(api::stress_pack(name)?);
    }
    for path in &a.with {
        overlays.extend(stress_file(path)?.1);
    }
    if a.pack.is_some() || !a.with.is_empty() {
        return Ok((overlays, None));
    }
    let shown = a.scenario.display();
    if !api::workbook::is_workbook(&shown.to_string()) {
        return Ok((api::stress_pack("sceptical")?, None));
    }
    Ok(match sheet(&a.scenario)? {
        Some(s) => {
            let n = s.overlays.len();
            let from = format!(
                "the Stresses sheet of {shown} ({n} stress{})",
                if n == 1 { "" } else { "es" }
            );
            (s.overlays, Some(from))
        }
        None => (
            api::stress_pack("sceptical")?,
            Some(format!(
                "the built-in sceptical pack ({shown} has none on its Stresses sheet)"
            )),
        ),
    })
}

/// The Stresses sheet of the workbook at `path`, read and checked on its own.
fn sheet(path: &Path) -> anyhow::Result<Option<stress_sheet::StressSheet>> {
    let bytes = read_bytes(path, Kind::Workbook)?;
    Ok(stress_sheet::read(&bytes, &path.display().to_string())?)
}

/// The Stresses sheet of the scenario workbook at `path`, checked against its scenario
/// (every selector matches an input): `carefund check` and `convert` refuse a workbook
/// whose stresses would fail.
pub fn workbook_stresses(
    path: &Path,
    scenario: &Scenario,
) -> anyhow::Result<Option<stress_sheet::StressSheet>> {
    let sheet = sheet(path)?;
    if let Some(s) = &sheet {
        stress_sheet::check(&s.overlays, scenario)?;
    }
    Ok(sheet)
}

/// A stress file's text and stresses: a TOML stress file, or the Stresses sheet of a
/// workbook (`--with plan.xlsx`, `convert --stresses plan.xlsx`).
pub fn stress_file(path: &Path) -> anyhow::Result<(String, Vec<Overlay>)> {
    let shown = path.display().to_string();
    if !api::workbook::is_workbook(&shown) {
        let text = read_input(path, Kind::Stress)?;
        let overlays = api::parse_stress(&text, &shown)?;
        return Ok((text, overlays));
    }
    match sheet(path)? {
        Some(s) => Ok((s.toml, s.overlays)),
        None => Err(BadInput(format!(
            "{shown}: the workbook has no stresses on a Stresses sheet; allowed: a stress file (.toml), or a workbook with one row per operation on its Stresses sheet (carefund init --xlsx writes one)"
        ))
        .into()),
    }
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
