//! `carefund sensitivity`: tornado charts and Sobol indices for a scenario.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};

use carefund::RunOptions;
use carefund::chart::Format;
use carefund::sensitivity::{self, Output, SobolOptions, report::Report, sobol_scenario, swing};

use crate::args::{ChartFormat, MethodArg, OutputArg, SensitivityArgs};
use crate::files::write_outputs;
use crate::run::load;

/// `carefund sensitivity`.
pub fn run(a: &SensitivityArgs) -> anyhow::Result<ExitCode> {
    let scenario = load(&a.scenario)?;
    let output = match a.output {
        OutputArg::CumNet => Output::CumNet,
        OutputArg::Npv => Output::Npv,
        OutputArg::Avoided => Output::Avoided,
    };
    let out = a.out.clone().unwrap_or_else(|| {
        let stem = a
            .scenario
            .file_stem()
            .map_or("scenario".into(), |s| s.to_string_lossy().into_owned());
        PathBuf::from("carefund-out").join(stem).join("sensitivity")
    });
    let options = RunOptions {
        paths: a.paths,
        seed: a.seed,
        threads: a.threads,
    };
    carefund::threads::check(a.threads)?;
    let sobol_options = SobolOptions {
        rows: a.sobol_rows,
        seed: a.seed,
        bootstrap: a.bootstrap,
        confidence: 0.95,
        threads: a.threads,
    };
    let (tornado, swing_wanted, sobol) = match a.method {
        MethodArg::Tornado => (true, false, false),
        MethodArg::Swing => (false, true, false),
        MethodArg::Sobol => (false, false, true),
        MethodArg::All => (true, true, true),
    };

    let spinner = if std::io::stderr().is_terminal() {
        ProgressBar::new_spinner()
    } else {
        ProgressBar::hidden()
    };
    spinner.set_style(
        ProgressStyle::with_template("{spinner} {msg} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));

    a.reports.check()?;
    let mut report = Report::new(&scenario, output, a.seed, a.paths);
    let wants_report = a.reports.wanted();
    let mut base_summary = None;
    if tornado || swing_wanted || wants_report {
        spinner.set_message("base run");
        let base = carefund::simulate(&scenario, &options, &|_| {})?;
        if wants_report {
            base_summary = Some(carefund::summarise(&scenario, &base));
        }
        if tornado {
            report.tornado = Some(sensitivity::rank_tornado(&scenario, &base, output));
        }
        if swing_wanted {
            spinner.set_message("swing runs (two per uncertain input)");
            report.swing = Some(swing(&scenario, &base, output)?);
        }
    }
    if sobol {
        spinner.set_message("Sobol indices");
        report.sobol = Some(sobol_scenario(&scenario, output, &sobol_options)?);
    }
    spinner.finish_and_clear();

    let formats: &[Format] = match a.format {
        ChartFormat::Png => &[Format::Png],
        ChartFormat::Svg => &[Format::Svg],
        ChartFormat::Both => &[Format::Png, Format::Svg],
    };
    let files = sensitivity::report::files(&report, formats)?;
    // Reports are built before anything is written, so a failure leaves no output.
    let mut reports = Vec::new();
    if let Some(summary) = &base_summary {
        let mut input = carefund::report::ReportInput::new(&scenario, summary);
        input
            .sections
            .push(carefund::report::sections::sensitivity(&report));
        reports = a.reports.render(&input)?;
    }
    write_outputs(&out, &files)?;
    crate::reports::write(&reports)?;

    let mut stdout = std::io::stdout().lock();
    write!(stdout, "{}", sensitivity::report::render_text(&report))?;
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    writeln!(stdout, "\nwrote {}: {}", out.display(), names.join(", "))?;
    for (path, _) in &reports {
        writeln!(stdout, "wrote {}", path.display())?;
    }
    Ok(ExitCode::SUCCESS)
}
