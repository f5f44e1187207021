//! The subcommands: each turns its arguments into library calls and writes the files.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use carefund::api::{
    Contents, FileRole, Opt, OutputFile, OutputOptions, PathsFile, Percentiles, RunOptions,
    RunOutcome, RunRequest, Sampling, Scenario, Shard, ShardRequest, Source, Target,
};
use carefund_outdir as outdir;

use crate::args::{
    CheckArgs, InitArgs, MergeArgs, PathsFileArg, PercentilesArg, ReportArgs, RunArgs, SamplingArg,
};
use crate::files::{BadInput, read_text};

/// The scenario in the file `path`: every subcommand loads its scenarios here.
pub(crate) fn load(path: &Path) -> anyhow::Result<Scenario> {
    Ok(load_with_text(path)?.0)
}

/// [`load`], and the file's text (a shard records it).
pub(crate) fn load_with_text(path: &Path) -> anyhow::Result<(Scenario, String)> {
    let origin = path.display().to_string();
    if carefund::api::workbook::is_workbook(&origin) {
        // Read as a workbook, so that later messages (an unknown scheme kind) name a cell.
        let bytes = crate::files::read_bytes(path, crate::files::Kind::Workbook)?;
        return Ok(carefund::api::workbook::read(&bytes, &origin)?);
    }
    let text = read_text(path)?;
    let scenario = Scenario::from_toml(&text, &path.display().to_string())?;
    Ok((scenario, text))
}

/// `carefund run`.
pub fn run(a: &RunArgs) -> anyhow::Result<ExitCode> {
    let out = a.out.clone().unwrap_or_else(|| default_out(&a.scenario));
    // Repair what a killed run left beside OUT first, even if this run fails.
    outdir::recover(outdir::parent_of(&out));
    let (mut scenario, text) = load_with_text(&a.scenario)?;
    let sampling = a.sampling.map(|s| match s {
        SamplingArg::Lhs => Sampling::LatinHypercube,
        SamplingArg::MonteCarlo => Sampling::MonteCarlo,
    });
    if let Some(s) = sampling {
        scenario.set_sampling(s);
    }
    let evidence = crate::evidence::load(a.evidence.as_deref(), &scenario)?;
    let mut inputs = vec![("the scenario file", a.scenario.as_path())];
    inputs.extend(a.evidence.as_deref().map(|e| ("the evidence file", e)));
    a.reports.check(&inputs, &out)?;
    let options = RunOptions {
        paths: a.paths,
        seed: a.seed,
        threads: a.threads,
    };
    options.check()?;
    crate::files::check_output_dir(&out)?;
    let evpi_value = carefund::api::Value::parse(&a.evpi_value)
        .map_err(|e| crate::failure::with_flag(e, Opt::Value, "--evpi-value"))?;
    if let Some(shard) = a.shard {
        return run_shard(a, &scenario, &text, evidence, &options, shard, &out);
    }
    crate::files::check_replaceable_dir(&out)?;
    let request = RunRequest {
        paths: a.paths,
        seed: a.seed,
        threads: a.threads,
        sampling,
        percentiles: match a.percentiles {
            PercentilesArg::Auto => Percentiles::Auto,
            PercentilesArg::Exact => Percentiles::Exact,
            PercentilesArg::Sketch => Percentiles::Sketch,
        },
        target: a.target_se.map(|se| Target {
            metric: a.target_metric.0,
            se,
            max_paths: a.max_paths,
        }),
        evidence: Some(evidence),
        evpi: a.evpi.then_some(evpi_value),
    };
    let outcome = {
        let bars = crate::progress::Stages::new(crate::progress::visible(a.json));
        carefund::api::run(&scenario, &request, &bars)?
    };
    let output = OutputOptions {
        paths_file: match a.paths_file {
            PathsFileArg::Csv => PathsFile::Csv,
            PathsFileArg::None => PathsFile::None,
        },
        ..a.reports.output(a.format)
    };
    write_run(&outcome, &out, &output, a.json, &a.reports)
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
fn write_run(
    outcome: &RunOutcome,
    out: &Path,
    output: &OutputOptions,
    json: bool,
    reports: &ReportArgs,
) -> anyhow::Result<ExitCode> {
    let files = outcome.files(output)?;
    let written = crate::files::write_outcome(out, &files, reports)?;
    let mut stdout = std::io::stdout().lock();
    if json {
        stdout.write_all(outcome.json()?.as_bytes())?;
    } else {
        write!(stdout, "{}", outcome.text())?;
        writeln!(
            stdout,
            "\nseed {} · wrote {}: {}",
            outcome.summary.meta.seed,
            out.display(),
            written.names.join(", ")
        )?;
        for path in &written.reports {
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
    evidence: carefund::api::Evidence,
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
    let mut request = ShardRequest::new(
        options.paths,
        options.seed,
        shard,
        Source {
            file: a.scenario.display().to_string(),
            text: text.to_string(),
        },
    );
    request.threads = options.threads;
    if let Some(p) = &a.evidence {
        let source = Source {
            file: p.display().to_string(),
            text: crate::files::read_input(p, crate::files::Kind::Evidence)?,
        };
        request.evidence = Some((evidence, source));
    }
    let outcome = {
        let bars = crate::progress::Stages::new(crate::progress::visible(false));
        carefund::api::shard(scenario, &request, &bars)?
    };
    let path = out.join(outcome.file_name());
    let file = OutputFile {
        name: outcome.file_name(),
        role: FileRole::Output,
        contents: Contents::Stream(Box::new(|w| outcome.write(w))),
    };
    outdir::commit_file(&path, &file)?;
    writeln!(
        std::io::stdout(),
        "{} · wrote {}",
        outcome.text(),
        path.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `carefund merge`.
pub fn merge(a: &MergeArgs) -> anyhow::Result<ExitCode> {
    if let Some(out) = &a.out {
        outdir::recover(outdir::parent_of(out));
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
        let shard = carefund::api::read_shard(&text, &name)?;
        shards.push((name, shard));
    }
    let outcome = carefund::api::merge(shards, &())?;
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| default_out(Path::new(outcome.scenario.origin())));
    outdir::recover(outdir::parent_of(&out));
    let inputs: Vec<(&str, &Path)> = a
        .shards
        .iter()
        .map(|p| ("a shard file", p.as_path()))
        .collect();
    a.reports.check(&inputs, &out)?;
    crate::files::check_replaceable_dir(&out)?;
    let output = a.reports.output(a.format);
    write_run(&outcome, &out, &output, a.json, &a.reports)
}

/// `carefund check`.
pub fn check(a: &CheckArgs) -> anyhow::Result<ExitCode> {
    let scenario = load(&a.scenario)?;
    if carefund::api::workbook::is_workbook(&a.scenario.display().to_string()) {
        crate::stress::workbook_stresses(&a.scenario, &scenario)?;
    }
    let evidence = crate::evidence::load(a.evidence.as_deref(), &scenario)?;
    let outcome = carefund::api::check(
        &scenario,
        &a.scenario.display().to_string(),
        Some(&evidence),
    )?;
    write!(std::io::stdout().lock(), "{}", outcome.text())?;
    Ok(ExitCode::SUCCESS)
}

/// `carefund init`.
pub fn init(a: &InitArgs) -> anyhow::Result<ExitCode> {
    // Read and rewrite the plan first, so a bad plan leaves nothing written.
    let text = match &a.do_nothing {
        Some(plan) => {
            carefund::api::do_nothing_toml(&read_text(plan)?, &plan.display().to_string())?
        }
        None => carefund::api::EXAMPLE_SCENARIO.to_string(),
    };
    let path = a.xlsx.as_ref().unwrap_or(&a.path);
    // A workbook is laid out before anything is written; the example's comments explain
    // TOML, so its Source cells are left for the user (the notes explain each input).
    let bytes = match &a.xlsx {
        Some(x) => carefund::api::stress_sheet::to_workbook(
            &text,
            &x.display().to_string(),
            a.do_nothing.is_some(),
            Some((carefund::api::SCEPTICAL, "sceptical (built-in pack)")),
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
