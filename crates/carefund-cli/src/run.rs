//! The subcommands: each turns its arguments into library calls and writes the files.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use carefund::columns::Percentiles;
use carefund::convergence::{Target, TargetMetric, simulate_to_target};
use carefund::engine::{Layout, Shard};
use carefund::scenario::Sampling;
use carefund::shard::Source;
use carefund::{RunOptions, Scenario, Simulation, export, summarise};

use crate::args::{
    ChartFormat, CheckArgs, InitArgs, MergeArgs, PathsFileArg, PercentilesArg, ReportArgs, RunArgs,
    SamplingArg,
};
use crate::files::{BadInput, read_text, write_outputs_streamed};

pub(crate) fn load(path: &Path) -> anyhow::Result<Scenario> {
    let text = read_text(path)?;
    Ok(Scenario::from_toml(&text, &path.display().to_string())?)
}

/// `carefund run`.
pub fn run(a: &RunArgs) -> anyhow::Result<ExitCode> {
    let out = a.out.clone().unwrap_or_else(|| default_out(&a.scenario));
    // Repair what a killed run left beside OUT first, even if this run fails.
    crate::outdir::recover(crate::outdir::parent_of(&out));
    let text = read_text(&a.scenario)?;
    let mut scenario = Scenario::from_toml(&text, &a.scenario.display().to_string())?;
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
    let mut inputs = vec![("the scenario file", a.scenario.as_path())];
    inputs.extend(a.evidence.as_deref().map(|e| ("the evidence file", e)));
    a.reports.check(&inputs, &out)?;
    options.check()?;
    crate::files::check_output_dir(&out)?;
    let evpi_value = carefund::voi::Value::parse(&a.evpi_value).map_err(|e| match e {
        carefund::Error::Options(m) => {
            anyhow::Error::from(BadInput(m.replacen("--value", "--evpi-value", 1)))
        }
        other => other.into(),
    })?;
    let layout = Layout {
        percentiles: match a.percentiles {
            PercentilesArg::Auto => Percentiles::Auto,
            PercentilesArg::Exact => Percentiles::Exact,
            PercentilesArg::Sketch => Percentiles::Sketch,
        },
        shard: a.shard,
    };
    if let Some(shard) = a.shard {
        return run_shard(a, &scenario, &text, &evidence, &options, shard, &out);
    }
    crate::files::check_replaceable_dir(&out)?;
    if a.target_se.is_some() && !(1..=carefund::engine::MAX_PATHS).contains(&a.max_paths) {
        return Err(BadInput(format!(
            "--max-paths must be between 1 and {} (got {})",
            carefund::engine::MAX_PATHS,
            a.max_paths
        ))
        .into());
    }
    let most = if a.target_se.is_some() {
        a.max_paths.max(a.paths)
    } else {
        a.paths
    };
    let threads = a
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
    // Two runs are held at once (the plan's and the evidence run).
    let need = 2 * carefund::engine::memory_estimate(&scenario, most, &layout, threads);
    check_memory(need, most)?;

    let bar = crate::progress::bar(
        "plan run",
        a.paths,
        "paths",
        crate::progress::visible(a.json),
    );
    let (sim, convergence) = match a.target_se {
        None => (
            carefund::engine::simulate_with(&scenario, &options, &layout, &|done| {
                bar.set_position(done);
            })?,
            None,
        ),
        Some(se) => {
            let target = Target {
                metric: a.target_metric.0,
                se,
                max_paths: a.max_paths,
            };
            let (sim, c) = simulate_to_target(&scenario, &options, &target, &|done| {
                // Each round re-runs from path 0 with more paths than the last.
                if bar.length().is_some_and(|len| done > len) {
                    bar.set_length(done);
                }
                bar.set_position(done);
            })?;
            (sim, Some(c))
        }
    };
    let mut summary = summarise(&scenario, &sim);
    summary.meta.convergence = convergence;
    // The evidence run (docs/model.md §11): same seed and paths, paired with the plan's run.
    crate::progress::next_stage(&bar, "evidence run", options.paths, "paths");
    let evidence_run =
        carefund::evidence::evaluate(&scenario, &evidence, &sim, &summary, &|done| {
            bar.set_position(done);
        })?;
    bar.finish_and_clear();
    if a.evpi {
        summary.headline.evpi = Some(carefund::voi::against_do_nothing_by(
            &scenario, &sim, evpi_value,
        )?);
    }
    write_run(
        &scenario,
        &sim,
        summary,
        &evidence_run,
        &out,
        a.format,
        a.paths_file,
        a.json,
        &a.reports,
        evpi_value,
    )
}

/// The default output directory of a scenario file: `carefund-out/<file stem>`.
fn default_out(scenario: &Path) -> PathBuf {
    let stem = scenario
        .file_stem()
        .map_or("scenario".into(), |s| s.to_string_lossy().into_owned());
    PathBuf::from("carefund-out").join(stem)
}

/// Write a run's outputs (summary.json, CSV tables, charts, reports) and print its
/// verdict: shared by `carefund run` and `carefund merge`.
#[allow(clippy::too_many_arguments)]
fn write_run(
    scenario: &Scenario,
    sim: &Simulation,
    mut summary: carefund::Summary,
    evidence_run: &carefund::evidence::EvidenceOutcome,
    out: &Path,
    format: ChartFormat,
    paths_file: PathsFileArg,
    json: bool,
    reports_args: &ReportArgs,
    evpi_value: carefund::voi::Value,
) -> anyhow::Result<ExitCode> {
    evidence_run.attach(&mut summary);
    let formats: &[carefund::chart::Format] = match format {
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
        (
            "evidence.csv".to_string(),
            carefund::evidence::csv(&evidence_run.block.comparison)?,
        ),
    ];
    for &format in formats {
        files.extend(carefund::figures::run_charts(&summary, sim, format)?);
        files.extend(carefund::figures::evidence_charts(
            &summary,
            &evidence_run.summary,
            format,
        )?);
    }
    // Reports are built before anything is written, so a failure leaves no output.
    let mut report = carefund::report::ReportInput::new(scenario, &summary).with_simulation(sim);
    if let Some(block) = &summary.evidence {
        report
            .sections
            .push(carefund::report::sections::evidence(block, &summary));
    }
    let reports = reports_args.render(&report)?;
    // The paths table is written as it is made: a run of millions of paths never holds it.
    let paths_csv = |w: &mut dyn Write| -> anyhow::Result<()> {
        Ok(export::write_paths_csv(scenario, sim, w)?)
    };
    let streamed: Vec<crate::files::Stream<'_>> = match paths_file {
        PathsFileArg::Csv => vec![("paths.csv", &paths_csv)],
        PathsFileArg::None => Vec::new(),
    };
    write_outputs_streamed(out, &files, &streamed, &reports)?;

    let mut stdout = std::io::stdout().lock();
    if json {
        stdout.write_all(&files[0].1)?;
    } else {
        write!(stdout, "{}", carefund::text::render(&summary))?;
        if let Some(e) = &summary.headline.evpi {
            writeln!(
                stdout,
                "\nEVPI, fund vs do nothing ({}): {} (SE {}); best on average: {}",
                evpi_value.words(),
                summary.meta.currency.money(e.evpi),
                summary.meta.currency.money(e.se),
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
                show_se(c.metric, c.achieved_se, summary.meta.currency),
                show_se(c.metric, c.target_se, summary.meta.currency)
            )?;
        }
        if summary.meta.per_period_percentiles == "sketch" {
            writeln!(
                stdout,
                "\nper-period percentiles are sketched (within 0.1% of the exact order statistic; --percentiles exact keeps every value)"
            )?;
        }
        let mut names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        for (name, _) in &streamed {
            names.insert(2, name);
        }
        names.push(crate::outdir::MANIFEST);
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

/// `carefund run --shard K/N`: run one shard and write its file.
fn run_shard(
    a: &RunArgs,
    scenario: &Scenario,
    text: &str,
    evidence: &carefund::Evidence,
    options: &RunOptions,
    shard: Shard,
    out: &Path,
) -> anyhow::Result<ExitCode> {
    let refuse = |what: &str| -> anyhow::Result<ExitCode> {
        Err(BadInput(format!(
            "--shard cannot be combined with {what}: a shard writes only its shard file; run `carefund merge` on all shards for the outputs"
        ))
        .into())
    };
    if a.target_se.is_some() {
        return refuse("--target-se (each shard would choose its own number of paths)");
    }
    if a.evpi {
        return refuse("--evpi");
    }
    if a.reports.wanted() {
        return refuse("--xlsx or --report (pass them to carefund merge)");
    }
    if a.json {
        return refuse("--json");
    }
    if a.percentiles == PercentilesArg::Exact {
        return refuse("--percentiles exact (shards keep mergeable sketches)");
    }
    shard.check(options.paths)?;
    let threads = a
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
    let layout = Layout {
        percentiles: Percentiles::Sketch,
        shard: Some(shard),
    };
    let need = 2 * carefund::engine::memory_estimate(scenario, options.paths, &layout, threads);
    check_memory(need, options.paths)?;
    let source = Source {
        file: a.scenario.display().to_string(),
        text: text.to_string(),
    };
    let evidence_source = match &a.evidence {
        Some(p) => Some(Source {
            file: p.display().to_string(),
            text: crate::files::read_input(p, crate::files::Kind::Evidence)?,
        }),
        None => None,
    };
    let range = shard.paths(options.paths);
    let bar = crate::progress::bar(
        "shard runs",
        2 * (range.end - range.start),
        "paths (plan and evidence)",
        crate::progress::visible(false),
    );
    let file = carefund::shard::run(
        scenario,
        &source,
        evidence,
        evidence_source.as_ref(),
        options,
        shard,
        &|done| bar.set_position(done),
    )?;
    bar.finish_and_clear();
    let name = format!("shard-{}-of-{}.json", shard.index, shard.count);
    let write = |w: &mut dyn Write| -> anyhow::Result<()> {
        serde_json::to_writer(w, &file).context("cannot write the shard file")?;
        Ok(())
    };
    crate::outdir::commit_file(&out.join(&name), &write)?;
    writeln!(
        std::io::stdout(),
        "seed {} · shard {}/{}: paths {}..{} of {} · wrote {}",
        options.seed,
        shard.index,
        shard.count,
        range.start,
        range.end,
        options.paths,
        out.join(&name).display()
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `carefund merge`.
pub fn merge(a: &MergeArgs) -> anyhow::Result<ExitCode> {
    if let Some(out) = &a.out {
        crate::outdir::recover(crate::outdir::parent_of(out));
    }
    let mut shards = Vec::with_capacity(a.shards.len());
    for path in &a.shards {
        let name = path.display().to_string();
        let mut text = String::new();
        std::io::Read::read_to_string(
            &mut crate::files::open_input(path, crate::files::Kind::Shard)?,
            &mut text,
        )
        .map_err(|e| BadInput(format!("{name}: cannot read this shard file: {e}")))?;
        let shard = carefund::shard::read(&text, &name)?;
        shards.push((name, shard));
    }
    // The shards' problems are the user's input: exit 2, the message as is.
    let merged = carefund::shard::merge(shards).map_err(|e| match e {
        carefund::Error::Options(m) => anyhow::Error::from(BadInput(m)),
        other => other.into(),
    })?;
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| default_out(Path::new(merged.scenario.origin())));
    crate::outdir::recover(crate::outdir::parent_of(&out));
    let inputs: Vec<(&str, &Path)> = a
        .shards
        .iter()
        .map(|p| ("a shard file", p.as_path()))
        .collect();
    a.reports.check(&inputs, &out)?;
    crate::files::check_replaceable_dir(&out)?;
    let summary = summarise(&merged.scenario, &merged.plan);
    let evidence_run = carefund::evidence::outcome(
        &merged.scenario,
        &merged.evidence,
        &merged.plan,
        &summary,
        merged.evidence_run,
    )?;
    write_run(
        &merged.scenario,
        &merged.plan,
        summary,
        &evidence_run,
        &out,
        a.format,
        PathsFileArg::Csv,
        a.json,
        &a.reports,
        carefund::voi::Value::Npv,
    )
}

/// A standard error in the metric's unit: percentage points or money.
fn show_se(metric: TargetMetric, se: f64, currency: carefund::Currency) -> String {
    match metric {
        TargetMetric::PBreakEven => format!("{:.2} percentage points", 100.0 * se),
        TargetMetric::MeanCumNet => currency.money(se),
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

/// Refuse work that would not fit in memory: `what` (e.g. "--sobol-rows 1000000") needs
/// `need` bytes. Called before anything large is allocated.
pub(crate) fn check_memory_for(what: &str, need: u64) -> anyhow::Result<()> {
    let Some(available) = available_memory() else {
        return Ok(());
    };
    let budget = available / 10 * 8;
    if need > budget {
        return Err(BadInput(format!(
            "{what} needs about {:.1} GB but only {:.1} GB is available; ask for less",
            need as f64 / 1e9,
            available as f64 / 1e9
        ))
        .into());
    }
    Ok(())
}

/// Bytes a run of `paths` paths of `scenario` holds (the usual layout) when `runs` such
/// runs are alive at once and the per-path summaries of `kept` more runs are kept.
pub(crate) fn runs_memory(
    scenario: &Scenario,
    paths: u64,
    threads: Option<usize>,
    runs: u64,
    kept: u64,
) -> u64 {
    let threads =
        threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
    let one = carefund::engine::memory_estimate(scenario, paths, &Layout::default(), threads);
    let summaries =
        paths.saturating_mul(std::mem::size_of::<carefund::model::PathSummary>() as u64);
    one.saturating_mul(runs)
        .saturating_add(summaries.saturating_mul(kept))
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
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
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
    )?;
    let cur = scenario.currency();
    let model = carefund::Model::new(&scenario);
    let spending = carefund::summary::spending(&scenario, &model);
    writeln!(
        out,
        "schemes cost {} a year, of which {} is new money, against a {} pool; the plan claims savings of {} a year; rated on {}",
        cur.money(spending.scheme_cost),
        cur.money(spending.new_money),
        cur.money(spending.pooled),
        cur.money(spending.claimed_savings),
        scenario.credibility().basis.name()
    )?;
    if warnings.is_empty() {
        writeln!(
            out,
            "no plan-level warnings{}",
            match comparison.warnings.len() {
                0 => String::new(),
                1 => " (the evidence check below has one)".to_string(),
                n => format!(" (the evidence check below has {n})"),
            }
        )?;
    } else {
        writeln!(out, "warnings:")?;
        for w in warnings {
            writeln!(out, "  ! {w}")?;
        }
    }
    write!(out, "{}", carefund::evidence::comparison_text(&comparison))?;
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
    let path = a.xlsx.as_ref().unwrap_or(&a.path);
    // A workbook is laid out before anything is written; the example's comments explain
    // TOML, so its Source cells are left for the user (the notes explain each input).
    let bytes = match &a.xlsx {
        Some(x) => carefund::scenario::workbook::from_toml(
            &text,
            &x.display().to_string(),
            a.do_nothing.is_some(),
        )?,
        None => text.into_bytes(),
    };
    if path.is_dir() {
        return Err(BadInput(format!(
            "{} is a directory; give a file name such as {}",
            path.display(),
            path.join("scenario.toml").display()
        ))
        .into());
    }
    if path.exists() && !a.force {
        return Err(BadInput(format!(
            "{} already exists; choose another path or pass --force to overwrite it",
            path.display()
        ))
        .into());
    }
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !parent.is_dir() {
        return Err(BadInput(format!(
            "cannot write {}: {} is not an existing directory",
            path.display(),
            parent.display()
        ))
        .into());
    }
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    let mut out = std::io::stdout();
    match &a.do_nothing {
        Some(plan) => writeln!(
            out,
            "wrote {} (do nothing for {}); compare them: carefund compare {} {} --voi",
            path.display(),
            plan.display(),
            plan.display(),
            path.display()
        )?,
        None => writeln!(
            out,
            "wrote {}; edit it, then run: carefund run {}",
            path.display(),
            path.display()
        )?,
    }
    Ok(ExitCode::SUCCESS)
}
