//! `carefund twoway`: a metric over a grid of two inputs, as a heatmap, CSV and JSON.

use std::path::PathBuf;
use std::process::ExitCode;

use carefund::api::{self, Opt, RunOptions};
use carefund_outdir as outdir;

use crate::args::{ReportArgs, TwowayArgs};
use crate::files::finish;
use crate::run::load;

/// `carefund twoway`.
pub fn run(a: &TwowayArgs) -> anyhow::Result<ExitCode> {
    let out = a.out.clone().unwrap_or_else(|| {
        let stem = a
            .scenario
            .file_stem()
            .map_or("scenario".into(), |s| s.to_string_lossy().into_owned());
        PathBuf::from("carefund-out").join(stem).join("twoway")
    });
    outdir::recover(outdir::parent_of(&out));
    crate::files::check_replaceable_dir(&out)?;
    let scenario = load(&a.scenario)?;
    let request = api::TwowayRequest {
        options: RunOptions {
            paths: a.paths,
            seed: a.seed,
            threads: a.threads,
        },
        x: api::parse_axis(Opt::AxisX, &a.x, &scenario)?,
        y: api::parse_axis(Opt::AxisY, &a.y, &scenario)?,
        metric: a.metric.0,
    };
    let bars = crate::progress::Stages::new(crate::progress::visible(false));
    let outcome = api::twoway(&scenario, &request, &bars)?;
    drop(bars);
    let none = ReportArgs::default();
    let files = outcome.files(&none.output(a.format))?;
    finish(&out, &outcome.text(), &files, &none, None)
}
