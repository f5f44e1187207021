//! Running a use case off the Python thread: the GIL is released while it works, the
//! caller's progress callback and Ctrl-C are served from the calling thread.
//!
//! The use case runs on a thread of its own. The calling thread waits for it with the GIL
//! released and wakes every [`TICK`] to check for signals (Python delivers Ctrl-C to the
//! main thread only, and only while it holds the GIL) and to call the progress callback
//! with the stage and position the library reported. Ctrl-C, or a callback that raises,
//! asks the library to stop and raises at once; the abandoned run stops within a block
//! of paths (the engine polls [`Progress::cancelled`] before each block, and the use
//! cases between stages).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

use carefund::api::Progress;

use crate::error::to_py;

/// How often the waiting thread wakes for signals and progress.
const TICK: Duration = Duration::from_millis(100);

/// What the library reports, read by the calling thread.
#[derive(Default)]
struct Shared {
    stage: Mutex<String>,
    /// Stages that ended since the caller last looked: (name, done, total) at their end,
    /// so that every stage is reported to its end however short.
    ended: Mutex<Vec<(String, u64, u64)>>,
    total: AtomicU64,
    done: AtomicU64,
    cancel: AtomicBool,
}

impl Progress for Shared {
    fn stage(&self, name: &str, total: u64, _unit: &str) {
        let mut stage = self.stage.lock().unwrap_or_else(PoisonError::into_inner);
        if !stage.is_empty() {
            let ended = (
                std::mem::take(&mut *stage),
                self.done.load(Ordering::Relaxed),
                self.total.load(Ordering::Relaxed),
            );
            self.ended
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(ended);
        }
        *stage = name.to_string();
        self.total.store(total, Ordering::Relaxed);
        self.done.store(0, Ordering::Relaxed);
    }
    fn total(&self, total: u64) {
        self.total.store(total, Ordering::Relaxed);
    }
    fn position(&self, done: u64) {
        self.done.fetch_max(done, Ordering::Relaxed);
    }
    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

impl Shared {
    /// Call `callback(stage, done, total)` with the end of every stage that ended since
    /// the last call, then with where the current stage is.
    fn report(&self, callback: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        let Some(callback) = callback else {
            return Ok(());
        };
        // Under the stage's lock, so that a stage cannot end between the two reads.
        let (ended, stage, done, total) = {
            let stage = self.stage.lock().unwrap_or_else(PoisonError::into_inner);
            let ended =
                std::mem::take(&mut *self.ended.lock().unwrap_or_else(PoisonError::into_inner));
            let done = self.done.load(Ordering::Relaxed);
            let total = self.total.load(Ordering::Relaxed);
            (ended, stage.clone(), done, total)
        };
        for (name, done, total) in ended {
            callback.call1((name, done, total))?;
        }
        if stage.is_empty() {
            return Ok(());
        }
        callback.call1((stage, done, total)).map(drop)
    }
}

/// Run `work` on its own thread with the GIL released; see the module documentation.
pub fn drive<T, F>(py: Python<'_>, progress: Option<&Bound<'_, PyAny>>, work: F) -> PyResult<T>
where
    T: Send + 'static,
    F: FnOnce(&dyn Progress) -> carefund::Result<T> + Send + 'static,
{
    let shared = Arc::new(Shared::default());
    let (tx, rx) = channel();
    let worker = Arc::clone(&shared);
    std::thread::Builder::new()
        .name("carefund".into())
        .spawn(move || {
            let outcome = work(worker.as_ref());
            // The caller may have stopped waiting (Ctrl-C): nobody to tell then.
            let _ = tx.send(outcome);
        })
        .map_err(|e| PyRuntimeError::new_err(format!("could not start a thread: {e}")))?;
    let rx: Mutex<Receiver<carefund::Result<T>>> = Mutex::new(rx);
    let wait = || {
        rx.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .recv_timeout(TICK)
    };
    loop {
        match py.detach(wait) {
            Ok(outcome) => {
                shared.report(progress)?;
                return outcome.map_err(|e| to_py(py, e));
            }
            Err(RecvTimeoutError::Timeout) => {
                let checked = py.check_signals().and_then(|()| shared.report(progress));
                if let Err(e) = checked {
                    shared.cancel.store(true, Ordering::Relaxed);
                    return Err(e);
                }
            }
            Err(RecvTimeoutError::Disconnected) => {
                return Err(PyRuntimeError::new_err(
                    "carefund's worker thread stopped without a result (it panicked)",
                ));
            }
        }
    }
}
