//! The one rule for worker threads (issues 19 and 20): how many a command may ask for,
//! and how many it actually starts.
//!
//! # The rule
//! `--threads N` (every command that has it) must satisfy `1 ≤ N ≤ `[`max_threads`]`()`,
//! where
//!
//! `max_threads() = min(`[`MAX_THREADS`]`, max(`[`MIN_CAP`]`, 4 × available cores))`
//!
//! (1,024 at most; 16 on a machine of up to 4 cores, so that a command line that works
//! on a laptop works on a small CI machine too). Beyond four threads per core the
//! threads only wait for each other: results never depend on the thread count (see
//! [`crate::rng`]), so more threads can only cost time and memory. Without `--threads`,
//! one thread per core.
//!
//! A pool never has more threads than there are pieces of work (blocks of
//! [`BLOCK`](crate::engine::BLOCK) paths, Sobol rows): [`pool`] takes the number of
//! pieces and starts `min(N, pieces)` threads.
//!
//! A thread pool that the operating system cannot start is a runtime failure,
//! [`Error::Threads`], not bad input.

use crate::error::{Error, Opt, Result};

/// The most worker threads any machine accepts.
pub const MAX_THREADS: usize = 1024;

/// The smallest cap: [`max_threads`] is never below this, however few cores.
pub const MIN_CAP: usize = 16;

/// Threads allowed per available core.
pub const PER_CORE: usize = 4;

/// Cores available to this process (1 if unknown).
pub fn available_cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// The most worker threads a command accepts on this machine (see the module
/// documentation).
pub fn max_threads() -> usize {
    cap_for(available_cores())
}

/// [`max_threads`] on a machine of `cores` cores.
pub fn cap_for(cores: usize) -> usize {
    cores.saturating_mul(PER_CORE).clamp(MIN_CAP, MAX_THREADS)
}

/// Check a requested thread count against the rule.
///
/// # Errors
/// [`Error::InvalidOption`] for `Some(0)` or more than [`max_threads`], stating the bound.
pub fn check(requested: Option<usize>) -> Result<()> {
    let Some(n) = requested else {
        return Ok(());
    };
    let rule = format!("max({MIN_CAP}, {PER_CORE} × available cores), at most {MAX_THREADS}");
    if n == 0 {
        return Err(Error::InvalidOption {
            name: Opt::Threads,
            value: "0".into(),
            allowed: format!("between 1 and {rule}"),
        });
    }
    let cap = max_threads();
    if n > cap {
        return Err(Error::InvalidOption {
            name: Opt::Threads,
            value: n.to_string(),
            allowed: format!(
                "between 1 and {cap} on this machine ({rule}; {} cores here)",
                available_cores()
            ),
        });
    }
    Ok(())
}

/// How many threads a pool for `pieces` pieces of work starts when `requested` are
/// asked for (`None`: one per core): never more than the pieces, at least one.
pub fn count(requested: Option<usize>, pieces: usize) -> usize {
    requested.unwrap_or_else(available_cores).min(pieces).max(1)
}

/// A thread pool for `pieces` pieces of work: [`check`]s `requested`, then starts
/// [`count`]`(requested, pieces)` threads.
///
/// # Errors
/// [`Error::InvalidOption`] from [`check`]; [`Error::Threads`] if the threads cannot be
/// started.
pub fn pool(requested: Option<usize>, pieces: usize) -> Result<rayon::ThreadPool> {
    check(requested)?;
    let n = count(requested, pieces);
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build()
        .map_err(|e| Error::Threads(format!("could not start {n} worker threads: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_follows_the_rule() {
        assert_eq!(cap_for(1), MIN_CAP);
        assert_eq!(cap_for(4), MIN_CAP);
        assert_eq!(cap_for(5), 20);
        assert_eq!(cap_for(256), MAX_THREADS);
        assert_eq!(cap_for(10_000), MAX_THREADS);
        assert_eq!(max_threads(), cap_for(available_cores()));
    }

    #[test]
    fn zero_and_above_the_cap_are_refused_with_the_bound() {
        let cap = max_threads();
        assert!(check(None).is_ok());
        assert!(check(Some(1)).is_ok());
        assert!(check(Some(cap)).is_ok());
        match check(Some(0)) {
            Err(Error::InvalidOption {
                name: Opt::Threads,
                allowed,
                ..
            }) => assert!(allowed.contains("between 1 and max(16, 4 ×"), "{allowed}"),
            other => panic!("--threads 0: {other:?}"),
        }
        for bad in [cap + 1, usize::MAX] {
            match check(Some(bad)) {
                Err(Error::InvalidOption {
                    name: Opt::Threads,
                    allowed,
                    ..
                }) => {
                    assert!(
                        allowed.contains(&format!("between 1 and {cap} on this machine")),
                        "{allowed}"
                    );
                }
                other => panic!("--threads {bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_pool_never_has_more_threads_than_pieces_of_work() {
        for (requested, pieces, expected) in [
            (Some(8), 3, 3),
            (Some(2), 3, 2),
            (Some(16), 1, 1),
            (Some(4), 0, 1),
        ] {
            let p = pool(requested, pieces).expect("pool");
            assert_eq!(p.current_num_threads(), expected, "{requested:?}, {pieces}");
        }
        let p = pool(None, 1).expect("pool");
        assert_eq!(p.current_num_threads(), 1);
    }
}
