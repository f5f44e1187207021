//! A run stops within a block of its [`Progress`] asking it to: the engine polls
//! `cancelled` before each block of [`BLOCK`] paths, not only between stages (issue 17).
//! Counted by the progress position, not by time.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use carefund::api::{Percentiles, Progress, RunRequest, run};
use carefund::columns::BLOCK;
use carefund::{Error, Scenario};

/// Blocks of a run: far more than the run may do once it is asked to stop.
const BLOCKS: u64 = 40;

/// Asks to stop once `after` blocks of the stage `stage` are done; remembers the
/// furthest position of that stage.
struct StopAfter {
    stage: &'static str,
    after: u64,
    current: Mutex<String>,
    furthest: AtomicU64,
}

impl StopAfter {
    fn new(stage: &'static str, after: u64) -> Self {
        Self {
            stage,
            after,
            current: Mutex::new(String::new()),
            furthest: AtomicU64::new(0),
        }
    }

    fn in_stage(&self) -> bool {
        *self.current.lock().unwrap() == self.stage
    }
}

impl Progress for StopAfter {
    fn stage(&self, name: &str, _total: u64, _unit: &str) {
        *self.current.lock().unwrap() = name.to_string();
    }
    fn position(&self, done: u64) {
        if self.in_stage() {
            self.furthest.fetch_max(done, Ordering::Relaxed);
        }
    }
    fn cancelled(&self) -> bool {
        self.in_stage() && self.furthest.load(Ordering::Relaxed) >= self.after * BLOCK as u64
    }
}

fn request(threads: usize) -> RunRequest {
    let mut request = RunRequest::new(BLOCKS * BLOCK as u64, 5).threads(threads);
    // Sketched percentiles: the run's memory does not grow with its paths.
    request.percentiles = Percentiles::Sketch;
    request
}

/// Run until `stage` has done `after` blocks; return how many paths of it were done.
fn stopped_at(stage: &'static str, after: u64, threads: usize) -> u64 {
    let scenario = Scenario::from_toml(carefund::EXAMPLE_SCENARIO, "example.toml").unwrap();
    let progress = StopAfter::new(stage, after);
    let outcome = run(&scenario, &request(threads), &progress);
    assert!(
        matches!(outcome, Err(Error::Cancelled)),
        "{stage}: expected Cancelled, got {:?}",
        outcome.map(|_| "a finished run")
    );
    progress.furthest.load(Ordering::Relaxed)
}

#[test]
fn a_plan_run_stops_within_a_block_per_thread_of_being_cancelled() {
    for threads in [1, 2] {
        let done = stopped_at("plan run", 3, threads);
        // Three blocks asked for; each thread may finish the block it was in.
        let most = (3 + threads as u64) * BLOCK as u64;
        assert!(
            (3 * BLOCK as u64..=most).contains(&done),
            "{threads} threads: {done} paths done of {}, expected at most {most}",
            BLOCKS * BLOCK as u64
        );
    }
}

#[test]
fn an_evidence_run_stops_within_a_block_per_thread_of_being_cancelled() {
    let done = stopped_at("evidence run", 2, 2);
    let most = (2 + 2) * BLOCK as u64;
    assert!(
        (2 * BLOCK as u64..=most).contains(&done),
        "{done} paths of the evidence run done, expected at most {most}"
    );
}
