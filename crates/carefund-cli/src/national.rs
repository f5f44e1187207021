//! `carefund national`: one template applied to every area of a CSV file.

use std::path::PathBuf;
use std::process::ExitCode;

use carefund::api::{self, RunOptions};
use carefund::api::{Factors, Portfolio};
use carefund_outdir as outdir;

use crate::args::NationalArgs;
use crate::files::{Kind, finish, read_input, read_text};

/// `carefund national`.
pub fn national(a: &NationalArgs) -> anyhow::Result<ExitCode> {
    let out = a.out.clone().unwrap_or_else(|| {
        let stem = a
            .areas
            .file_stem()
            .map_or("areas".into(), |s| s.to_string_lossy().into_owned());
        PathBuf::from("carefund-out").join(format!("national-{stem}"))
    });
    outdir::recover(outdir::parent_of(&out));
    let template = read_text(&a.template)?;
    let areas = read_input(&a.areas, Kind::Areas)?;
    let portfolio = Portfolio::from_text(
        &template,
        &a.template.display().to_string(),
        &areas,
        &a.areas.display().to_string(),
    )?;
    let from_file = portfolio.factors();
    let portfolio = portfolio.with_factors(Factors {
        effect_correlation: a.effect_correlation.unwrap_or(from_file.effect_correlation),
        growth_correlation: a.growth_correlation.unwrap_or(from_file.growth_correlation),
    })?;
    a.reports.check(
        &[
            ("the areas file", a.areas.as_path()),
            ("the template scenario", a.template.as_path()),
        ],
        &out,
    )?;
    crate::files::check_replaceable_dir(&out)?;
    let options = RunOptions {
        paths: a.paths,
        seed: a.seed,
        threads: a.threads,
    };
    let bars = crate::progress::Stages::new(crate::progress::visible(false));
    let outcome = api::national(&portfolio, &options, &bars)?;
    drop(bars);
    let files = outcome.files(&a.reports.output(a.format))?;
    finish(&out, &outcome.text(), &files, &a.reports, Some(a.seed))
}
