//! Ctrl-C for statements that run on Python's main thread itself (Unix).
//!
//! While such a statement runs, Python cannot run its own signal handlers
//! (the thread is busy in Rust), so a process-wide SIGINT handler installed
//! through signal-hook sets the running statement's cancel flag. That
//! handler chains to the one it replaced (Python's C-level handler), so
//! Python still records the signal and raises KeyboardInterrupt when the
//! call returns. [`hooked`] says when this path can be trusted; elsewhere
//! the caller falls back to the polling worker thread (`crate::worker`).
//!
//! The only unsafe code of the extension is here: `sigaction` to read the
//! installed handler, and to put ours back after Python replaced it
//! (`signal.signal(SIGINT, ...)`, which ipykernel calls around every cell).

// Registering a signal action and calling `sigaction` are unsafe APIs; every
// use below says why it is sound.
#![allow(unsafe_code)]

use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use faultline::limits::CancelFlag;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use signal_hook_registry::SigId;

/// The handler addresses that matter: the one signal-hook replaced
/// (Python's, when Python installed one) and signal-hook's own, kept whole
/// to put it back.
struct Handlers {
    previous: libc::sighandler_t,
    ours: libc::sigaction,
}

/// Set up on first use from the main thread; None when our handler could
/// not be installed in front of a real handler (then calls poll instead).
static HANDLERS: OnceLock<Option<Handlers>> = OnceLock::new();

/// The installed SIGINT disposition.
fn installed() -> Option<libc::sigaction> {
    let mut old = MaybeUninit::<libc::sigaction>::zeroed();
    // SAFETY: a null `act` only reads the disposition into `old`, which
    // points to writable memory of the right type.
    let rc = unsafe { libc::sigaction(libc::SIGINT, std::ptr::null(), old.as_mut_ptr()) };
    // SAFETY: zeroed is a valid `sigaction` (plain data), and on success
    // the kernel filled it in.
    (rc == 0).then(|| unsafe { old.assume_init() })
}

/// Installs signal-hook's handler in front of the current one, which must
/// be a function (Python's): in front of SIG_DFL or SIG_IGN, chaining would
/// change what Ctrl-C does when no statement runs.
fn install() -> Option<Handlers> {
    let before = installed()?;
    if before.sa_sigaction == libc::SIG_DFL || before.sa_sigaction == libc::SIG_IGN {
        return None;
    }
    // A no-op action keeps the handler's slot for the life of the process
    // (graphs, and so their actions, come and go).
    // SAFETY: the action does nothing, which is async-signal-safe.
    let _keep = unsafe { signal_hook_registry::register(libc::SIGINT, || {}) }.ok()?;
    let mut ours = installed()?;
    // Equal means the slot existed before ours and we cannot tell the two apart.
    if ours.sa_sigaction == before.sa_sigaction {
        return None;
    }
    // signal-hook asks for SA_RESTART; Python does not, so that Ctrl-C breaks
    // a blocking call (`input()`, `os.read`, `Popen.wait`) with EINTR and
    // raises KeyboardInterrupt there. Keep Python's choice.
    let kept = libc::SA_RESTART | libc::SA_ONSTACK;
    ours.sa_flags = (ours.sa_flags & !kept) | (before.sa_flags & kept);
    // SAFETY: the same handler signal-hook just installed, with Python's
    // restart and stack flags, which its handler does not depend on.
    if unsafe { libc::sigaction(libc::SIGINT, &ours, std::ptr::null_mut()) } != 0 {
        return None;
    }
    Some(Handlers {
        previous: before.sa_sigaction,
        ours,
    })
}

/// Puts our handler in place (installing it on first use) when the
/// installed one is the one it chains to (Python's, put back by
/// `signal.signal`); any other handler is left alone. True when ours is in
/// place.
fn put_in_front() -> bool {
    let Some(handlers) = HANDLERS.get_or_init(install) else {
        return false;
    };
    let Some(now) = installed() else {
        return false;
    };
    if now.sa_sigaction == handlers.ours.sa_sigaction {
        return true;
    }
    if now.sa_sigaction != handlers.previous {
        return false;
    }
    // SAFETY: `ours` is the disposition signal-hook installed, whose handler
    // lives as long as the process (the extension is never unloaded) and
    // still chains to `previous`, the handler found in its place now.
    unsafe { libc::sigaction(libc::SIGINT, &handlers.ours, std::ptr::null_mut()) == 0 }
}

/// `getsignal` and `default_int_handler`, from `_signal`: `signal.getsignal`
/// wraps it in Python that costs 2 µs a call, `_signal`'s 30 ns.
static PY_SIGNAL: PyOnceLock<(Py<PyAny>, Py<PyAny>)> = PyOnceLock::new();

/// Whether Python's SIGINT handler is its default (raise
/// KeyboardInterrupt). A user's own handler may not raise: then a signal
/// must not cancel the statement, so those calls poll as before.
fn python_default(py: Python<'_>) -> PyResult<bool> {
    let (getsignal, default) = PY_SIGNAL.get_or_try_init(py, || -> PyResult<_> {
        let signal = py.import("_signal").or_else(|_| py.import("signal"))?;
        Ok((
            signal.getattr("getsignal")?.unbind(),
            signal.getattr("default_int_handler")?.unbind(),
        ))
    })?;
    Ok(getsignal.call1(py, (libc::SIGINT,))?.is(default))
}

/// Whether a statement started now on this thread (Python's main thread,
/// see `crate::route`) is cancelled by Ctrl-C through its [`Hook`].
pub fn hooked(py: Python<'_>) -> PyResult<bool> {
    // Ours still installed means no `signal.signal` since it was put there
    // (that always installs a handler of its own, Python's or SIG_DFL or
    // SIG_IGN), and it is put there only over Python's default handler: one
    // syscall then answers for both.
    if let (Some(Some(handlers)), Some(now)) = (HANDLERS.get(), installed())
        && now.sa_sigaction == handlers.ours.sa_sigaction
    {
        return Ok(true);
    }
    Ok(python_default(py)? && put_in_front())
}

/// A graph's action on SIGINT: while armed, it sets the graph's cancel flag.
pub struct Hook {
    id: SigId,
    armed: Arc<AtomicBool>,
}

impl Hook {
    /// Registers the action for `cancel` (disarmed); None when signal-hook
    /// refuses.
    pub fn new(cancel: CancelFlag) -> Option<Hook> {
        let armed = Arc::new(AtomicBool::new(false));
        let seen = Arc::clone(&armed);
        let action = move || {
            if seen.load(Ordering::SeqCst) {
                cancel.cancel();
            }
        };
        // SAFETY: the action only loads and stores atomics: no allocation,
        // lock or panic, so it is async-signal-safe.
        let id = unsafe { signal_hook_registry::register(libc::SIGINT, action) }.ok()?;
        Some(Hook { id, armed })
    }

    /// Arms the action until the guard is dropped.
    pub fn arm(&self) -> Armed<'_> {
        self.armed.store(true, Ordering::SeqCst);
        Armed(&self.armed)
    }
}

impl Drop for Hook {
    fn drop(&mut self) {
        signal_hook_registry::unregister(self.id);
    }
}

/// Disarms its hook when dropped (also when the statement unwinds).
pub struct Armed<'a>(&'a AtomicBool);

impl Drop for Armed<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}
