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

use crate::engine::{Layout, RunOptions, Shard, ShardParts, Simulation, simulate_with};
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
/// [`Error::Options`] naming `name` for text that is not a shard file, a shard of an
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
            return Err(Error::Options(format!(
                "{name}: a shard file of an earlier carefund (format {old:?}, DDSketch \
                 percentiles) cannot be merged by this version (format {FORMAT:?}); run the \
                 shards again with this version"
            )));
        }
        Some(other) => {
            return Err(Error::Options(format!(
                "{name}: not a carefund shard file (format {other:?}, expected {FORMAT:?})"
            )));
        }
        None => {}
    }
    serde_json::from_str(text).map_err(|e| {
        Error::Options(format!(
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
    /// The evidence run (MODEL.md §11).
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
            return Err(Error::Options(format!(
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
/// [`Error::Options`] for a bad shard or options, or a `source` that is not the
/// scenario's file; errors of the evidence check as [`crate::evidence::evaluate`].
pub fn run(
    scenario: &Scenario,
    source: &Source,
    evidence: &Evidence,
    evidence_source: Option<&Source>,
    options: &RunOptions,
    shard: Shard,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<ShardFile> {
    let (check, _) = inputs(source, scenario.sampling().name(), evidence_source)?;
    if check.hash() != scenario.hash() {
        return Err(Error::Options(format!(
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
    let evidence_run = simulate_with(&ev, options, &layout, &|d| progress(done + d))?;
    let parts = |s: &Simulation| {
        s.shard_parts()
            .ok_or_else(|| Error::Options("a shard must keep sketched percentiles".into()))
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
/// [`Error::Options`], naming the files, when the shards are not all of one run (format,
/// carefund version, scenario, evidence, seed, paths, sampling or shard count differ), a
/// shard appears twice, or shards are missing.
pub fn merge(shards: Vec<(String, ShardFile)>) -> Result<Merged> {
    let Some((first_name, first)) = shards.first() else {
        return Err(Error::Options(
            "carefund merge needs at least one shard file".into(),
        ));
    };
    let first_name = first_name.clone();
    for (name, s) in &shards {
        if s.format != FORMAT {
            return Err(Error::Options(format!(
                "{name}: not a carefund shard file (format {:?}, expected {FORMAT:?})",
                s.format
            )));
        }
        let differs = |what: &str, a: &dyn std::fmt::Display, b: &dyn std::fmt::Display| {
            Error::Options(format!(
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
            return Err(Error::Options(format!(
                "{name}: shard {}/{} is out of range",
                s.shard.index, s.shard.count
            )));
        };
        if let Some(other) = slot {
            return Err(Error::Options(format!(
                "{name} and {other} are both shard {}/{count}",
                s.shard.index
            )));
        }
        *slot = Some(name.as_str());
    }
    let missing: Vec<String> = seen
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_none())
        .map(|(k, _)| k.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(Error::Options(format!(
            "shards {} of {count} are missing (shards are numbered from 0)",
            missing.join(", ")
        )));
    }
    let (scenario, evidence) = inputs(&first.scenario, &first.sampling, first.evidence.as_ref())?;
    let options = RunOptions {
        paths: first.paths,
        seed: first.seed,
        threads: None,
    };
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
