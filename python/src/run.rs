//! Running statements from Python: per-call parameters and budget, and the
//! choice of how a statement runs so that Ctrl-C can stop it:
//!
//! - on Python's main thread, when its SIGINT handler is the default and
//!   ours sits in front of it (Unix, `crate::sigint`): inline on the calling
//!   thread with the GIL released; the signal sets the statement's cancel
//!   flag, and Python raises KeyboardInterrupt when the call returns;
//! - on any other thread: inline too; Python delivers signals to the main
//!   thread only, so no path could stop these (as before);
//! - otherwise (a handler of the user's, a handler that is not Python's in
//!   front of ours, Windows): on a worker thread while the calling thread
//!   polls for KeyboardInterrupt (`crate::worker`).
//!
//! Inline saves the thread's 10 to 15 µs a call, and the milliseconds the
//! waiting caller lost on a loaded machine getting a core back (issue 21:
//! Python's own cost on sub-millisecond queries; BENCHMARKS.md).

use std::cell::Cell;
use std::sync::OnceLock;

use faultline::model::Value;
use faultline::session::{Outcome, Session};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

#[cfg(unix)]
use crate::sigint::{self, Hook};

/// A graph's SIGINT action, made on its first call from the main thread
/// (None when signal-hook refused it; calls then poll).
#[cfg(unix)]
pub type GraphHook = OnceLock<Option<Hook>>;
/// No signal actions outside Unix.
#[cfg(not(unix))]
pub type GraphHook = OnceLock<()>;

/// How a statement runs (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// Inline; Ctrl-C sets the cancel flag through the graph's hook.
    Hooked,
    /// Inline, off the main thread: signals never reach it.
    Unwatched,
    /// On a worker thread while this one polls for KeyboardInterrupt.
    Polled,
}

impl Route {
    /// The route's name, for tests and diagnostics.
    pub fn name(self) -> &'static str {
        match self {
            Route::Hooked => "hooked",
            Route::Unwatched => "unwatched",
            Route::Polled => "polled",
        }
    }
}

/// How a statement started now on this thread would run. Puts the
/// extension's SIGINT handler back in front of Python's when Python
/// replaced it.
pub fn route(py: Python<'_>) -> PyResult<Route> {
    if !on_main_thread(py)? {
        return Ok(Route::Unwatched);
    }
    #[cfg(unix)]
    if sigint::hooked(py)? {
        return Ok(Route::Hooked);
    }
    Ok(Route::Polled)
}

/// Runs `source` on `session`, stoppable by Ctrl-C as described above.
/// Raises KeyboardInterrupt (or whatever the signal handler raises) after
/// cancelling the statement.
pub fn execute(
    py: Python<'_>,
    session: &mut Session,
    hook: &GraphHook,
    source: &str,
) -> PyResult<Vec<Outcome>> {
    match route(py)? {
        Route::Unwatched => return Ok(py.detach(|| session.execute(source, false))),
        #[cfg(unix)]
        Route::Hooked => {
            if let Some(hook) = hook.get_or_init(|| Hook::new(session.cancel_flag())) {
                let outcomes = {
                    let _armed = hook.arm();
                    py.detach(|| session.execute(source, false))
                };
                // The signal, if any, was recorded by Python's handler too:
                // this raises it (the statement stopped on its cancel flag).
                py.check_signals()?;
                return Ok(outcomes);
            }
        }
        _ => {}
    }
    #[cfg(not(unix))]
    let _ = hook;
    crate::worker::execute_interruptibly(py, session, source)
}

thread_local! {
    /// Whether this thread is Python's main thread, once asked.
    static MAIN: Cell<Option<bool>> = const { Cell::new(None) };
}

/// `threading.main_thread` and `threading.get_ident`.
static THREADING: PyOnceLock<(Py<PyAny>, Py<PyAny>)> = PyOnceLock::new();

/// Whether the calling thread is the one Python runs signal handlers on.
fn on_main_thread(py: Python<'_>) -> PyResult<bool> {
    if let Some(main) = MAIN.get() {
        return Ok(main);
    }
    let (main_thread, get_ident) = THREADING.get_or_try_init(py, || -> PyResult<_> {
        let threading = py.import("threading")?;
        Ok((
            threading.getattr("main_thread")?.unbind(),
            threading.getattr("get_ident")?.unbind(),
        ))
    })?;
    let main = main_thread
        .call0(py)?
        .getattr(py, "ident")?
        .bind(py)
        .eq(get_ident.call0(py)?)?;
    MAIN.set(Some(main));
    Ok(main)
}

/// Sets `params` and `budget` for the duration of `f`, then restores the
/// session's own parameters (a call's keywords never leak into the next).
pub fn with_call_settings<T>(
    session: &mut Session,
    params: Vec<(String, Value)>,
    budget: Option<u64>,
    f: impl FnOnce(&mut Session) -> T,
) -> PyResult<T> {
    if budget == Some(0) {
        return Err(PyValueError::new_err(
            "budget must be a positive number of expanded edges and rows",
        ));
    }
    let mut saved = Vec::with_capacity(params.len());
    for (name, value) in params {
        let old = session.remove_param(&name);
        if let Err(e) = session.set_param(&name, value) {
            restore(session, saved, None);
            if let Some(old) = old {
                let _ = session.set_param(&name, old);
            }
            return Err(PyValueError::new_err(e));
        }
        saved.push((name, old));
    }
    let old_budget = session.settings.budget;
    if let Some(b) = budget {
        session.settings.budget = b;
    }
    let out = f(session);
    restore(session, saved, Some(old_budget));
    Ok(out)
}

fn restore(session: &mut Session, saved: Vec<(String, Option<Value>)>, budget: Option<u64>) {
    for (name, old) in saved.into_iter().rev() {
        session.remove_param(&name);
        if let Some(old) = old {
            // The name was accepted before, so it is accepted again.
            let _ = session.set_param(&name, old);
        }
    }
    if let Some(b) = budget {
        session.settings.budget = b;
    }
}
