//! Refusing work that would not fit in memory, before anything large is allocated.

use crate::error::{Error, Opt, Result};

/// Bytes of memory available to new work: `MemAvailable` of `/proc/meminfo` on Linux,
/// `None` elsewhere (and then nothing is refused).
pub fn available_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Refuse work of `need` bytes that is more than 80% of the available memory, naming
/// the option `name` whose `value` sets its size. When the size is `paths` paths, the
/// error says how many would fit.
///
/// # Errors
/// [`Error::Memory`] when it does not fit.
///
/// ```
/// use carefund::{Error, Opt, api::check_memory};
///
/// let err = check_memory(Opt::Paths, "huge", u64::MAX, Some(1_000_000));
/// assert!(matches!(err, Err(Error::Memory { .. })) || carefund::api::available_memory().is_none());
/// assert!(check_memory(Opt::Paths, "1", 1, None).is_ok());
/// ```
pub fn check_memory(name: Opt, value: &str, need: u64, paths: Option<u64>) -> Result<()> {
    let Some(available) = available_memory() else {
        return Ok(());
    };
    let budget = available / 10 * 8;
    if need > budget {
        let fits = paths.map(|p| budget / (need / p.max(1)).max(1));
        return Err(Error::Memory {
            name,
            value: value.to_string(),
            need,
            available,
            fits,
        });
    }
    Ok(())
}

/// Bytes a run of `paths` paths of `scenario` holds (the usual layout) when `runs` such
/// runs are alive at once and the per-path summaries of `kept` more runs are kept
/// (`threads`: `None` for one per core).
pub fn runs_memory(
    scenario: &crate::Scenario,
    paths: u64,
    threads: Option<usize>,
    runs: u64,
    kept: u64,
) -> u64 {
    let threads = threads.unwrap_or_else(crate::threads::available_cores);
    let one =
        crate::engine::memory_estimate(scenario, paths, &crate::engine::Layout::default(), threads);
    let summaries = paths.saturating_mul(std::mem::size_of::<crate::PathSummary>() as u64);
    one.saturating_mul(runs)
        .saturating_add(summaries.saturating_mul(kept))
}
