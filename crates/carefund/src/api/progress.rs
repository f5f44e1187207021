//! How a use case reports what it is doing, and learns that it should stop.

use crate::engine::Watch;

/// What a long use case reports: the stage it is in, how far it is, and whether the
/// caller wants it to stop.
///
/// Every method has a default that does nothing, and `()` implements the trait, so a
/// caller that does not care passes `&()`. Positions are reported from worker threads
/// (hence `Sync`), in no particular order of blocks.
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use carefund::api::Progress;
///
/// /// Remembers the furthest position of any stage.
/// struct Furthest(AtomicU64);
/// impl Progress for Furthest {
///     fn position(&self, done: u64) {
///         self.0.fetch_max(done, Ordering::Relaxed);
///     }
/// }
///
/// let scenario = carefund::Scenario::from_toml(carefund::EXAMPLE_SCENARIO, "example.toml")?;
/// let seen = Furthest(AtomicU64::new(0));
/// carefund::run(&scenario, &carefund::RunRequest::new(300, 1).threads(1), &seen)?;
/// assert_eq!(seen.0.load(Ordering::Relaxed), 300);
/// # Ok::<(), carefund::Error>(())
/// ```
pub trait Progress: Sync {
    /// A stage starts (e.g. `"plan run"`), counting `total` `unit`s (e.g. `"paths"`);
    /// its position starts at zero.
    fn stage(&self, name: &str, total: u64, unit: &str) {
        let _ = (name, total, unit);
    }
    /// The current stage's total changed (a run to a target standard error adds paths;
    /// a Sobol analysis knows its total once it starts).
    fn total(&self, total: u64) {
        let _ = total;
    }
    /// How many units of the current stage are done.
    fn position(&self, done: u64) {
        let _ = done;
    }
    /// Whether the caller wants the work stopped. Polled between stages, and by the
    /// engine before each block of [`BLOCK`](crate::columns::BLOCK) paths of a run (so
    /// a run stops within a block per worker thread); a use case that finds it true
    /// returns [`crate::Error::Cancelled`]. Called from worker threads: keep it cheap
    /// (a relaxed atomic load).
    ///
    /// ```
    /// struct Stop;
    /// impl carefund::Progress for Stop {
    ///     fn cancelled(&self) -> bool {
    ///         true
    ///     }
    /// }
    /// let scenario = carefund::Scenario::from_toml(carefund::EXAMPLE_SCENARIO, "example.toml")?;
    /// let stopped = carefund::run(&scenario, &carefund::RunRequest::new(100, 1), &Stop);
    /// assert!(matches!(stopped, Err(carefund::Error::Cancelled)));
    /// # Ok::<(), carefund::Error>(())
    /// ```
    fn cancelled(&self) -> bool {
        false
    }
}

/// No progress shown, never cancelled.
impl Progress for () {}

/// Return [`crate::Error::Cancelled`] when `progress` asks to stop.
pub(crate) fn checkpoint(progress: &dyn Progress) -> crate::Result<()> {
    if progress.cancelled() {
        Err(crate::Error::Cancelled)
    } else {
        Ok(())
    }
}

/// The engine's [`Watch`] for a use case: positions through `report`, cancellation
/// asked of `progress`.
pub(crate) struct Watched<'a, F> {
    /// Whom to ask whether to stop.
    pub(crate) progress: &'a dyn Progress,
    /// What to do with a position.
    pub(crate) report: F,
}

impl<F: Fn(u64) + Sync> Watch for Watched<'_, F> {
    fn done(&self, paths: u64) {
        (self.report)(paths);
    }
    fn cancelled(&self) -> bool {
        self.progress.cancelled()
    }
}

/// The engine's [`Watch`] reporting positions straight to `progress`.
pub(crate) fn watch(progress: &dyn Progress) -> Watched<'_, impl Fn(u64) + Sync + '_> {
    Watched {
        progress,
        report: move |done| progress.position(done),
    }
}
