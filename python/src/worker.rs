//! The polling path: the statement runs on a worker thread while the
//! calling thread (which receives Python's signals) waits with the GIL
//! released and checks for KeyboardInterrupt every [`POLL`]. It costs a
//! thread per call (~10 µs), so it is used only where the inline path
//! cannot be interrupted safely (`crate::run`).

use std::sync::{Condvar, Mutex, PoisonError};
use std::time::Duration;

use faultline::session::{Outcome, Session};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

/// How often the waiting thread looks for a pending signal.
const POLL: Duration = Duration::from_millis(50);

/// A flag the worker raises when it is done (also when it unwinds).
struct Done {
    done: Mutex<bool>,
    signal: Condvar,
}

impl Done {
    fn set(&self) {
        *self.done.lock().unwrap_or_else(PoisonError::into_inner) = true;
        self.signal.notify_all();
    }

    /// Waits up to `timeout`; true once the worker is done.
    fn wait(&self, timeout: Duration) -> bool {
        let guard = self.done.lock().unwrap_or_else(PoisonError::into_inner);
        let (guard, _) = self
            .signal
            .wait_timeout_while(guard, timeout, |done| !*done)
            .unwrap_or_else(PoisonError::into_inner);
        *guard
    }
}

struct SetOnDrop<'a>(&'a Done);

impl Drop for SetOnDrop<'_> {
    fn drop(&mut self) {
        self.0.set();
    }
}

/// Runs `source` on a worker thread. On a pending signal whose handler
/// raises (KeyboardInterrupt), cancels the statement through the session's
/// cancel flag, waits for the worker and returns that exception.
pub fn execute_interruptibly(
    py: Python<'_>,
    session: &mut Session,
    source: &str,
) -> PyResult<Vec<Outcome>> {
    let cancel = session.cancel_flag();
    let done = Done {
        done: Mutex::new(false),
        signal: Condvar::new(),
    };
    let (joined, interrupted) = std::thread::scope(|scope| {
        let worker = scope.spawn(|| {
            let _done = SetOnDrop(&done);
            session.execute(source, false)
        });
        let mut interrupted: Option<PyErr> = None;
        while !py.detach(|| done.wait(POLL)) {
            if interrupted.is_some() {
                // Keep it raised: a statement starting now resets the flag.
                cancel.cancel();
            } else if let Err(e) = py.check_signals() {
                cancel.cancel();
                interrupted = Some(e);
            }
        }
        (worker.join(), interrupted)
    });
    if let Some(e) = interrupted {
        return Err(e);
    }
    joined.map_err(|_| {
        PyRuntimeError::new_err("internal error: the statement's thread panicked (a bug)")
    })
}
