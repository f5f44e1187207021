//! `carefund sensitivity`: tornado charts and Sobol indices for a scenario.

use std::path::PathBuf;
use std::process::ExitCode;

use carefund::api::Output;
use carefund::api::{self, Method, RunOptions, SensitivityRequest};
use carefund_outdir as outdir;

use crate::args::{MethodArg, OutputArg, SensitivityArgs};
use crate::files::finish;
use crate::run::load;

/// `carefund sensitivity`.
pub fn run(a: &SensitivityArgs) -> anyhow::Result<ExitCode> {
    let out = a.out.clone().unwrap_or_else(|| {
        let stem = a
            .scenario
            .file_stem()
            .map_or("scenario".into(), |s| s.to_string_lossy().into_owned());
        PathBuf::from("carefund-out").join(stem).join("sensitivity")
    });
    outdir::recover(outdir::parent_of(&out));
    crate::files::check_replaceable_dir(&out)?;
    let scenario = load(&a.scenario)?;
    a.reports
        .check(&[("the scenario file", a.scenario.as_path())], &out)?;
    let request = SensitivityRequest {
        options: RunOptions {
            paths: a.paths,
            seed: a.seed,
            threads: a.threads,
        },
        output: match a.output {
            OutputArg::CumNet => Output::CumNet,
            OutputArg::Npv => Output::Npv,
            OutputArg::Avoided => Output::Avoided,
        },
        method: match a.method {
            MethodArg::Tornado => Method::Tornado,
            MethodArg::Swing => Method::Swing,
            MethodArg::Sobol => Method::Sobol,
            MethodArg::All => Method::All,
        },
        sobol_rows: a.sobol_rows,
        bootstrap: a.bootstrap,
        report: a.reports.wanted(),
    };
    let bars = crate::progress::Stages::new(crate::progress::visible(false));
    let outcome = api::sensitivity(&scenario, &request, &bars)?;
    drop(bars);
    let files = outcome.files(&a.reports.output(a.format))?;
    finish(&out, &outcome.text(), &files, &a.reports, None)
}
