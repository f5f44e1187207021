//! One run split across machines (issue 7): `carefund run … --shard K/N` and
//! `carefund merge`.
//!
//! Shard `K` of `N` runs blocks `⌊K·B/N⌋ .. ⌊(K+1)·B/N⌋` of the run's
//! `B = ⌈paths/1024⌉` blocks (see [`Shard`]): the same path indices, and so the same
//! draws, as the single run. A [`ShardFile`] keeps what the summary needs: per-path
//! summaries, per-block moments of every per-period quantity and a mergeable sketch of
//! each (for the plan's run and for the evidence run), together with the scenario's and
//! the evidence's text, so that [`merge`] needs nothing else.
//!
//! The merged run equals a single run with sketched percentiles
//! ([`Percentiles::Sketch`](crate::columns::Percentiles)): per-path results, means,
//! standard deviations, counts and probabilities bit for bit, per-period percentiles
//! bit for bit too (sketch counts add exactly), and within the sketch's bound of the
//! exact percentiles (see [`crate::columns`]).

use serde::{Deserialize, Serialize};

use crate::engine::{Layout, RunOptions, Shard, ShardParts, Simulation, Watch, simulate_with};
use crate::error::{Error, Result};
use crate::evidence::{Evidence, evidence_scenario};
use crate::scenario::{Sampling, Scenario};

/// The format tag of a shard file (2: log-linear percentile sketches, see
/// [`crate::columns`]).
pub const FORMAT: &str = "carefund-shard/2";

/// Format tags of earlier shard files, which this version cannot merge.
const OLD_FORMATS: &[&str] = &["carefund-shard/1"];

/// Parse the shard file `text` read from `name`, with a clear error for a shard of an
/// earlier format.
///
/// # Errors
/// [`Error::ShardMismatch`] naming `name` for text that is not a shard file, a shard of an
/// earlier format, or a shard whose sketches are inconsistent.
pub fn read(text: &str, name: &str) -> Result<ShardFile> {
    #[derive(Deserialize)]
    struct Tag {
        format: Option<String>,
    }
    let tag: Option<String> = serde_json::from_str::<Tag>(text)
        .ok()
        .and_then(|t| t.format);
    match tag.as_deref() {
        Some(FORMAT) => {}
        Some(old) if OLD_FORMATS.contains(&old) => {
            return Err(Error::ShardMismatch(format!(
                "{name}: a shard file of an earlier carefund (format {old:?}, DDSketch \
                 percentiles) cannot be merged by this version (format {FORMAT:?}); run the \
                 shards again with this version"
            )));
        }
        Some(other) => {
            return Err(Error::ShardMismatch(format!(
                "{name}: not a carefund shard file (format {other:?}, expected {FORMAT:?})"
            )));
        }
        None => {}
    }
    serde_json::from_str(text).map_err(|e| {
        Error::ShardMismatch(format!(
            "{name}: not a carefund shard file ({e}); shard files are written by carefund run --shard K/N"
        ))
    })
}

/// The text of a scenario or evidence file and the name it was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// File name, as given (used in messages).
    pub file: String,
    /// Its full text.
    pub text: String,
}

/// Everything one shard of a run keeps (`shard-K-of-N.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShardFile {
    /// [`FORMAT`].
    pub format: String,
    /// The carefund version that wrote it; shards merge only with the same version.
    pub carefund_version: String,
    /// Which shard.
    pub shard: Shard,
    /// The run's seed.
    pub seed: u64,
    /// The whole run's number of paths (not this shard's).
    pub paths: u64,
    /// Sampling method in force (`monte-carlo` or `latin-hypercube`).
    pub sampling: String,
    /// SHA-256 of the scenario file's bytes.
    pub scenario_hash: String,
    /// The scenario file.
    pub scenario: Source,
    /// The evidence file; `None` for the evidence shipped with carefund.
    pub evidence: Option<Source>,
    /// Worker threads this shard ran on (results do not depend on it).
    pub threads: usize,
    /// The plan's own run.
    pub plan: ShardParts,
    /// The evidence run (docs/model.md §11).
    pub evidence_run: ShardParts,
}

/// The parsed inputs of a run, as a shard file records them.
fn inputs(
    scenario: &Source,
    sampling: &str,
    evidence: Option<&Source>,
) -> Result<(Scenario, Evidence)> {
    let mut s = Scenario::from_toml(&scenario.text, &scenario.file)?;
    s.set_sampling(match sampling {
        "latin-hypercube" => Sampling::LatinHypercube,
        "monte-carlo" => Sampling::MonteCarlo,
        other => {
            return Err(Error::ShardMismatch(format!(
                "unknown sampling method {other:?} (allowed: monte-carlo, latin-hypercube)"
            )));
        }
    });
    let ev = match evidence {
        Some(e) => Evidence::from_toml(&e.text, &e.file)?,
        None => Evidence::shipped()?,
    };
    Ok((s, ev))
}

/// Run shard `shard` of `scenario` (whose file is `source`; its sampling method may
/// have been overridden) and its evidence run. `progress` counts the paths of both runs
/// (up to twice the shard's).
///
/// # Errors
/// [`Error::InvalidOption`] for a bad shard or options, [`Error::Invalid`] for a `source` that is not the
/// scenario's file; errors of the evidence check as [`crate::evidence::evaluate`].
pub fn run(
    scenario: &Scenario,
    source: &Source,
    evidence: &Evidence,
    evidence_source: Option<&Source>,
    options: &RunOptions,
    shard: Shard,
    progress: &dyn Watch,
) -> Result<ShardFile> {
    let (check, _) = inputs(source, scenario.sampling().name(), evidence_source)?;
    if check.hash() != scenario.hash() {
        return Err(Error::Invalid(format!(
            "{}: the text given is not the scenario that was loaded",
            source.file
        )));
    }
    let layout = Layout {
        percentiles: crate::columns::Percentiles::Sketch,
        shard: Some(shard),
    };
    let plan = simulate_with(scenario, options, &layout, progress)?;
    let ev = evidence_scenario(scenario, evidence)?;
    // One progress count over both runs.
    let done = plan.paths() as u64;
    let evidence_run = simulate_with(&ev, options, &layout, &After { progress, done })?;
    let parts = |s: &Simulation| {
        s.shard_parts()
            .ok_or_else(|| Error::Invalid("a shard must keep sketched percentiles".into()))
    };
    Ok(ShardFile {
        format: FORMAT.into(),
        carefund_version: env!("CARGO_PKG_VERSION").into(),
        shard,
        seed: options.seed,
        paths: options.paths,
        sampling: scenario.sampling().name().into(),
        scenario_hash: scenario.hash().into(),
        scenario: source.clone(),
        evidence: evidence_source.cloned(),
        threads: plan.threads_used(),
        plan: parts(&plan)?,
        evidence_run: parts(&evidence_run)?,
    })
}

/// A run put back together from its shards.
#[derive(Debug)]
pub struct Merged {
    /// The scenario (as recorded in the shards).
    pub scenario: Scenario,
    /// The evidence the shards used.
    pub evidence: Evidence,
    /// The plan's own run.
    pub plan: Simulation,
    /// The evidence run.
    pub evidence_run: Simulation,
}

/// Merge the shards of one run. `shards` pairs each shard with the name of its file
/// (for messages); the order does not matter.
///
/// # Errors
/// [`Error::ShardMismatch`], naming the files, when the shards are not all of one run (format,
/// carefund version, scenario, evidence, seed, paths, sampling or shard count differ), a
/// shard appears twice, or shards are missing (naming their indices); and, naming the
/// file and the field, when a shard's embedded scenario text does not have its recorded
/// hash ([`check_header`]) or its parts hold impossible values ([`check_parts`]).
pub fn merge(shards: Vec<(String, ShardFile)>) -> Result<Merged> {
    let Some((first_name, first)) = shards.first() else {
        return Err(Error::ShardMismatch(
            "merging needs at least one shard file".into(),
        ));
    };
    let first_name = first_name.clone();
    for (name, s) in &shards {
        if s.format != FORMAT {
            return Err(Error::ShardMismatch(format!(
                "{name}: not a carefund shard file (format {:?}, expected {FORMAT:?})",
                s.format
            )));
        }
        check_header(name, s)?;
        let differs = |what: &str, a: &dyn std::fmt::Display, b: &dyn std::fmt::Display| {
            Error::ShardMismatch(format!(
                "{name} and {first_name} are shards of different runs: {what} {a} vs {b}"
            ))
        };
        if s.carefund_version != first.carefund_version {
            return Err(differs(
                "carefund version",
                &s.carefund_version,
                &first.carefund_version,
            ));
        }
        if s.scenario_hash != first.scenario_hash {
            return Err(differs(
                "scenario file hash",
                &s.scenario_hash,
                &first.scenario_hash,
            ));
        }
        if s.evidence != first.evidence {
            return Err(differs(
                "evidence file",
                &s.evidence.as_ref().map_or("shipped", |e| e.file.as_str()),
                &first
                    .evidence
                    .as_ref()
                    .map_or("shipped", |e| e.file.as_str()),
            ));
        }
        if s.seed != first.seed {
            return Err(differs("seed", &s.seed, &first.seed));
        }
        if s.paths != first.paths {
            return Err(differs("paths", &s.paths, &first.paths));
        }
        if s.sampling != first.sampling {
            return Err(differs("sampling", &s.sampling, &first.sampling));
        }
        if s.shard.count != first.shard.count {
            return Err(differs("shard count", &s.shard.count, &first.shard.count));
        }
    }
    let count = first.shard.count;
    let mut seen: Vec<Option<&str>> = vec![None; usize::try_from(count).unwrap_or(0)];
    for (name, s) in &shards {
        let Some(slot) = seen.get_mut(usize::try_from(s.shard.index).unwrap_or(usize::MAX)) else {
            return Err(Error::ShardMismatch(format!(
                "{name}: shard {}/{} is out of range",
                s.shard.index, s.shard.count
            )));
        };
        if let Some(other) = slot {
            return Err(Error::ShardMismatch(format!(
                "{name} and {other} are both shard {}/{count}",
                s.shard.index
            )));
        }
        *slot = Some(name.as_str());
    }
    let missing: Vec<u64> = seen
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_none())
        .map(|(k, _)| k as u64)
        .collect();
    if !missing.is_empty() {
        return Err(Error::ShardMismatch(missing_message(&missing, count)));
    }
    let (scenario, evidence) = inputs(&first.scenario, &first.sampling, first.evidence.as_ref())?;
    let options = RunOptions {
        paths: first.paths,
        seed: first.seed,
        threads: None,
    };
    let width = crate::model::Quantity::COUNT * scenario.timeline().periods();
    for (name, s) in &shards {
        check_parts(name, "plan", s, &s.plan, width)?;
        check_parts(name, "evidence_run", s, &s.evidence_run, width)?;
    }
    let ev = evidence_scenario(&scenario, &evidence)?;
    let threads = shards.iter().map(|(_, s)| s.threads).max().unwrap_or(1);
    let (plan, evidence_run): (Vec<ShardParts>, Vec<ShardParts>) = shards
        .into_iter()
        .map(|(_, s)| (s.plan, s.evidence_run))
        .unzip();
    let plan = Simulation::merge(&scenario, &options, plan, threads)?;
    let evidence_run = Simulation::merge(&ev, &options, evidence_run, threads)?;
    Ok(Merged {
        scenario,
        evidence,
        plan,
        evidence_run,
    })
}

/// The largest magnitude a shard's value may have: beyond it, the merged run's sums of
/// squares over up to [`crate::engine::MAX_PATHS`] paths would overflow (no valid
/// scenario comes near: amounts are capped at £10¹² a year).
pub const MAX_MAGNITUDE: f64 = 1e150;

/// Check what one shard says about itself: a known shard index of a possible count, a
/// possible number of paths, and the scenario text that its hash was computed from
/// (an edited text with the hash kept is refused).
///
/// # Errors
/// [`Error::ShardMismatch`] naming the file `name` and the field.
pub fn check_header(name: &str, s: &ShardFile) -> Result<()> {
    let bad = |field: &str, problem: String| {
        Err(Error::ShardMismatch(format!(
            "{name}: `{field}`: {problem}"
        )))
    };
    if s.paths == 0 || s.paths > crate::engine::MAX_PATHS {
        return bad(
            "paths",
            format!(
                "{} paths is impossible; a run has 1 to {} paths",
                s.paths,
                crate::engine::MAX_PATHS
            ),
        );
    }
    let blocks = s.paths.div_ceil(crate::engine::BLOCK as u64);
    if s.shard.count == 0 || s.shard.count > blocks || s.shard.index >= s.shard.count {
        return bad(
            "shard",
            format!(
                "shard {}/{} is impossible for a run of {} paths: the count must be 1 to {blocks} and the index 0 to count − 1",
                s.shard.index, s.shard.count, s.paths
            ),
        );
    }
    let hash = sha256_hex(s.scenario.text.as_bytes());
    if hash != s.scenario_hash {
        return bad(
            "scenario.text",
            format!(
                "the embedded scenario's SHA-256 is {hash}, not the recorded scenario_hash {}; the shard file was edited",
                s.scenario_hash
            ),
        );
    }
    Ok(())
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Check one run's parts in a shard (`part` is `plan` or `evidence_run`): the blocks the
/// shard owns, one moment per column and block counting that block's paths, one sketch
/// per column, and finite per-path summaries of at most [`MAX_MAGNITUDE`].
///
/// # Errors
/// [`Error::ShardMismatch`] naming the file `name`, the field and the value.
pub fn check_parts(
    name: &str,
    part: &str,
    s: &ShardFile,
    p: &ShardParts,
    width: usize,
) -> Result<()> {
    let bad = |field: String, problem: String| {
        Err(Error::ShardMismatch(format!(
            "{name}: `{part}.{field}`: {problem}"
        )))
    };
    let block = crate::engine::BLOCK;
    let blocks = usize::try_from(s.paths.div_ceil(block as u64)).unwrap_or(usize::MAX);
    let (first, end) = s.shard.blocks(blocks);
    let range = s.shard.paths(s.paths);
    let held = usize::try_from(range.end - range.start).unwrap_or(usize::MAX);
    if p.first_block != first {
        return bad(
            "first_block".into(),
            format!(
                "shard {}/{} of {} paths starts at block {first}, not {} (blocks would overlap or be missing)",
                s.shard.index, s.shard.count, s.paths, p.first_block
            ),
        );
    }
    if p.summaries.len() != held {
        return bad(
            "summaries".into(),
            format!(
                "{} path summaries; this shard holds {held} paths",
                p.summaries.len()
            ),
        );
    }
    if p.moments.len() != (end - first) * width {
        return bad(
            "moments".into(),
            format!(
                "{} entries; expected {} ({} blocks × {width} columns)",
                p.moments.len(),
                (end - first) * width,
                end - first
            ),
        );
    }
    for (b, chunk) in p.moments.chunks(width.max(1)).enumerate() {
        let in_block = (held - b * block).min(block) as u64;
        for (c, m) in chunk.iter().enumerate() {
            let at = b * width + c;
            if m.n != in_block || m.non_negative > m.n {
                return bad(
                    format!("moments[{at}]"),
                    format!(
                        "counts n = {}, non_negative = {}; block {} holds {in_block} paths",
                        m.n,
                        m.non_negative,
                        first + b
                    ),
                );
            }
            if !(m.mean.is_finite()
                && m.mean.abs() <= MAX_MAGNITUDE
                && m.m2.is_finite()
                && m.m2 >= 0.0)
            {
                return bad(
                    format!("moments[{at}]"),
                    format!(
                        "mean {:e} and m2 {:e}; allowed: finite, |mean| ≤ {MAX_MAGNITUDE:e}, m2 ≥ 0",
                        m.mean, m.m2
                    ),
                );
            }
        }
    }
    check_sketches(name, part, p, width, held)?;
    for (k, x) in p.summaries.iter().enumerate() {
        if let Some((field, value)) = bad_summary_value(x) {
            return bad(
                format!("summaries[{k}].{field}"),
                format!(
                    "{value:e}; allowed: a finite number of magnitude at most {MAX_MAGNITUDE:e}"
                ),
            );
        }
        let periods = width / crate::model::Quantity::COUNT;
        if let Some(be) = x.break_even
            && be as usize >= periods
        {
            return bad(
                format!("summaries[{k}].break_even"),
                format!(
                    "period {be}; the scenario has periods 0 to {}",
                    periods.saturating_sub(1)
                ),
            );
        }
    }
    Ok(())
}

/// Check a shard's sketches: one per column, each counting every path the shard holds.
fn check_sketches(name: &str, part: &str, p: &ShardParts, width: usize, held: usize) -> Result<()> {
    if p.sketches.len() != width {
        return Err(Error::ShardMismatch(format!(
            "{name}: `{part}.sketches`: {} sketches; expected one per column ({width})",
            p.sketches.len()
        )));
    }
    if let Some((c, sk)) = p
        .sketches
        .iter()
        .enumerate()
        .find(|(_, sk)| sk.count() != held)
    {
        return Err(Error::ShardMismatch(format!(
            "{name}: `{part}.sketches[{c}]`: counts {} values; this shard holds {held} paths",
            sk.count()
        )));
    }
    Ok(())
}

/// The first field of a path summary that is not finite or exceeds [`MAX_MAGNITUDE`].
fn bad_summary_value(x: &crate::model::PathSummary) -> Option<(&'static str, f64)> {
    let fields = [
        ("npv", x.npv),
        ("cum_net", x.cum_net),
        ("avoided", x.avoided),
        ("investment", x.investment),
        ("cashable", x.cashable),
        ("roi", x.roi.unwrap_or(0.0)),
        ("avoided_year1", x.avoided_year1),
        ("commissioner", x.commissioner),
        ("provider", x.provider),
        ("council", x.council),
        ("released", x.released),
        ("withheld", x.withheld),
        ("contingency", x.contingency),
    ];
    fields
        .into_iter()
        .find(|(_, v)| !(v.is_finite() && v.abs() <= MAX_MAGNITUDE))
}

/// "Shards 1, 2 of 3 are missing", naming the indices (at most ten) and their files.
fn missing_message(missing: &[u64], count: u64) -> String {
    let shown: Vec<String> = missing
        .iter()
        .take(10)
        .map(|k| format!("shard-{k}-of-{count}.json"))
        .collect();
    let more = if missing.len() > 10 {
        format!(" and {} more", missing.len() - 10)
    } else {
        String::new()
    };
    let indices: Vec<String> = missing.iter().take(10).map(u64::to_string).collect();
    format!(
        "{} of the {count} shards {} missing: index {}{more} ({}{more}); shards are numbered 0 to {}, one file each from carefund run --shard K/{count}",
        missing.len(),
        if missing.len() == 1 { "is" } else { "are" },
        indices.join(", "),
        shown.join(", "),
        count - 1
    )
}

/// `progress` for a second run that follows `done` paths of a first: positions counted
/// on from there, and the same cancellation.
struct After<'a> {
    progress: &'a dyn Watch,
    done: u64,
}

impl Watch for After<'_> {
    fn done(&self, paths: u64) {
        self.progress.done(self.done + paths);
    }
    fn cancelled(&self) -> bool {
        self.progress.cancelled()
    }
}
