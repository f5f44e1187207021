//! The subcommands: each turns its arguments into library calls and writes the files.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use carefund::convergence::{Target, TargetMetric, simulate_to_target};
use carefund::scenario::Sampling;
use carefund::{RunOptions, Scenario, export, summarise};

use crate::args::{ChartFormat, CheckArgs, InitArgs, RunArgs, SamplingArg, TargetMetricArg};
use crate::files::{BadInput, read_text, write_outputs};

pub(crate) fn load(path: &Path) -> anyhow::Result<Scenario> {
    let text = read_text(path)?;
    Ok(Scenario::from_toml(&text, &path.display().to_string())?)
}

/// `carefund run`.
pub fn run(a: &RunArgs) -> anyhow::Result<ExitCode> {
    let mut scenario = load(&a.scenario)?;
    match a.sampling {
        Some(SamplingArg::Lhs) => scenario.set_sampling(Sampling::LatinHypercube),
        Some(SamplingArg::MonteCarlo) => scenario.set_sampling(Sampling::MonteCarlo),
        None => {}
    }
    let evidence = crate::evidence::load(a.evidence.as_deref(), &scenario)?;
    let options = RunOptions {
        paths: a.paths,
        seed: a.seed,
        threads: a.threads,
    };
    let out = a.out.clone().unwrap_or_else(|| {
        let stem = a
            .scenario
            .file_stem()
            .map_or("scenario".into(), |s| s.to_string_lossy().into_owned());
        PathBuf::from("carefund-out").join(stem)
    });
    a.reports.check()?;
    options.check()?;
    crate::files::check_output_dir(&out)?;
    let evpi_value = carefund::voi::Value::parse(&a.evpi_value).map_err(|e| match e {
        carefund::Error::Options(m) => {
            anyhow::Error::from(BadInput(m.replacen("--value", "--evpi-value", 1)))
        }
        other => other.into(),
    })?;
    let most = if a.target_se.is_some() {
        a.max_paths.max(a.paths)
    } else {
        a.paths
    };
    let need = carefund::engine::memory_estimate(&scenario, most);
    check_memory(need, most)?;

    let bar = if std::io::stderr().is_terminal() && !a.json {
        ProgressBar::new(a.paths)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} simulating {pos}/{len} paths [{bar:40}] {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let (sim, convergence) = match a.target_se {
        None => (
            carefund::simulate(&scenario, &options, &|done| bar.set_position(done))?,
            None,
        ),
        Some(se) => {
            let target = Target {
                metric: match a.target_metric {
                    TargetMetricArg::PBreakEven => TargetMetric::PBreakEven,
                    TargetMetricArg::MeanCumNet => TargetMetric::MeanCumNet,
                },
                se,
                max_paths: a.max_paths,
            };
            let (sim, c) = simulate_to_target(&scenario, &options, &target, &|done| {
                bar.set_position(done);
            })?;
            (sim, Some(c))
        }
    };
    let mut summary = summarise(&scenario, &sim);
    summary.meta.convergence = convergence;
    // The evidence run (MODEL.md §11): same seed and paths, paired with the plan's run.
    bar.reset();
    let evidence_run =
        carefund::evidence::evaluate(&scenario, &evidence, &sim, &summary, &|done| {
            bar.set_position(done);
        })?;
    bar.finish_and_clear();
    evidence_run.attach(&mut summary);
    if a.evpi {
        summary.headline.evpi = Some(carefund::voi::against_do_nothing_by(
            &scenario, &sim, evpi_value,
        )?);
    }

    let formats: &[carefund::chart::Format] = match a.format {
        ChartFormat::Png => &[carefund::chart::Format::Png],
        ChartFormat::Svg => &[carefund::chart::Format::Svg],
        ChartFormat::Both => &[carefund::chart::Format::Png, carefund::chart::Format::Svg],
    };
    let mut files = vec![
        ("summary.json".to_string(), export::summary_json(&summary)?),
        (
            "percentiles.csv".to_string(),
            export::percentiles_csv(&summary)?,
        ),
        ("paths.csv".to_string(), export::paths_csv(&scenario, &sim)?),
        (
            "evidence.csv".to_string(),
            carefund::evidence::csv(&evidence_run.block.comparison)?,
        ),
    ];
    for &format in formats {
        files.extend(carefund::figures::run_charts(&summary, &sim, format)?);
        files.extend(carefund::figures::evidence_charts(
            &summary,
            &evidence_run.summary,
            format,
        )?);
    }
    // Reports are built before anything is written, so a failure leaves no output.
    let mut report = carefund::report::ReportInput::new(&scenario, &summary).with_simulation(&sim);
    if let Some(block) = &summary.evidence {
        report
            .sections
            .push(carefund::report::sections::evidence(block, &summary));
    }
    let reports = a.reports.render(&report)?;
    write_outputs(&out, &files)?;
    crate::reports::write(&reports)?;

    let mut stdout = std::io::stdout().lock();
    if a.json {
        stdout.write_all(&files[0].1)?;
    } else {
        write!(stdout, "{}", carefund::text::render(&summary))?;
        if let Some(e) = &summary.headline.evpi {
            writeln!(
                stdout,
                "\nEVPI, fund vs do nothing ({}): {} (SE {}); best on average: {}",
                evpi_value.words(),
                carefund::summary::money(e.evpi),
                carefund::summary::money(e.se),
                if e.best == 0 {
                    "fund the plan"
                } else {
                    "do nothing"
                }
            )?;
        }
        if let Some(c) = &summary.meta.convergence {
            writeln!(
                stdout,
                "\n{} {} paths (rounds: {}): SE of {} = {} against a target of {}",
                if c.reached {
                    "target SE reached with"
                } else {
                    "target SE NOT reached; stopped at --max-paths,"
                },
                c.paths,
                c.rounds
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(" → "),
                c.metric.name(),
                show_se(c.metric, c.achieved_se),
                show_se(c.metric, c.target_se)
            )?;
        }
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        writeln!(
            stdout,
            "\nseed {} · wrote {}: {}",
            summary.meta.seed,
            out.display(),
            names.join(", ")
        )?;
        for (path, _) in &reports {
            writeln!(stdout, "wrote {}", path.display())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A standard error in the metric's unit: percentage points or £.
fn show_se(metric: TargetMetric, se: f64) -> String {
    match metric {
        TargetMetric::PBreakEven => format!("{:.2} percentage points", 100.0 * se),
        TargetMetric::MeanCumNet => carefund::summary::money(se),
    }
}

/// Refuse runs that would not fit in memory, saying how many paths would.
fn check_memory(need: u64, paths: u64) -> anyhow::Result<()> {
    let Some(available) = available_memory() else {
        return Ok(());
    };
    let budget = available / 10 * 8;
    if need > budget {
        let per_path = (need / paths.max(1)).max(1);
        return Err(BadInput(format!(
            "--paths {paths} needs about {:.1} GB but only {:.1} GB is available; at most about {} paths would fit",
            need as f64 / 1e9,
            available as f64 / 1e9,
            budget / per_path
        ))
        .into());
    }
    Ok(())
}

/// Available memory from /proc/meminfo (Linux); `None` elsewhere.
fn available_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// `carefund check`.
pub fn check(a: &CheckArgs) -> anyhow::Result<ExitCode> {
    let scenario = load(&a.scenario)?;
    let evidence = crate::evidence::load(a.evidence.as_deref(), &scenario)?;
    let comparison = carefund::evidence::compare(&scenario, &evidence);
    let mut warnings = carefund::summary::plan_warnings(&scenario);
    warnings.extend(scenario.notes().iter().cloned());
    let tl = scenario.timeline();
    println!(
        "{}: OK — {} scheme{}, {} years from {} in {} periods, {} uncertain inputs",
        a.scenario.display(),
        scenario.schemes().len(),
        if scenario.schemes().len() == 1 {
            ""
        } else {
            "s"
        },
        tl.horizon_years(),
        tl.year_label(0),
        tl.periods(),
        scenario
            .inputs()
            .iter()
            .filter(|i| !i.dist().is_fixed())
            .count()
    );
    if warnings.is_empty() {
        println!("no plan-level warnings");
    } else {
        println!("warnings:");
        for w in warnings {
            println!("  ! {w}");
        }
    }
    print!("{}", carefund::evidence::comparison_text(&comparison));
    Ok(ExitCode::SUCCESS)
}

/// `carefund init`.
pub fn init(a: &InitArgs) -> anyhow::Result<ExitCode> {
    // Read and rewrite the plan first, so a bad plan leaves nothing written.
    let text = match &a.do_nothing {
        Some(plan) => {
            carefund::voi::do_nothing_toml(&read_text(plan)?, &plan.display().to_string())?
        }
        None => carefund::EXAMPLE_SCENARIO.to_string(),
    };
    if a.path.is_dir() {
        return Err(BadInput(format!(
            "{} is a directory; give a file name such as {}",
            a.path.display(),
            a.path.join("scenario.toml").display()
        ))
        .into());
    }
    if a.path.exists() && !a.force {
        return Err(BadInput(format!(
            "{} already exists; choose another path or pass --force to overwrite it",
            a.path.display()
        ))
        .into());
    }
    let parent = a
        .path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !parent.is_dir() {
        return Err(BadInput(format!(
            "cannot write {}: {} is not an existing directory",
            a.path.display(),
            parent.display()
        ))
        .into());
    }
    std::fs::write(&a.path, text).with_context(|| format!("cannot write {}", a.path.display()))?;
    match &a.do_nothing {
        Some(plan) => println!(
            "wrote {} (do nothing for {}); compare them: carefund compare {} {} --voi",
            a.path.display(),
            plan.display(),
            plan.display(),
            a.path.display()
        ),
        None => println!(
            "wrote {}; edit it, then run: carefund run {}",
            a.path.display(),
            a.path.display()
        ),
    }
    Ok(ExitCode::SUCCESS)
}
