//! A spinner on stderr for statements that run longer than a second: the
//! elapsed time and how to stop. It runs on its own thread and is drawn
//! only when stderr is a terminal, so output that is piped stays clean.

use std::io::IsTerminal;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a statement runs before the spinner shows.
const DELAY: Duration = Duration::from_secs(1);

/// A spinner that appears after [`DELAY`] and is cleared when dropped.
pub struct Progress {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Progress {
    /// Starts the timer (a no-op when stderr is not a terminal).
    pub fn start() -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress {
                stop: None,
                thread: None,
            };
        }
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            if stopped.recv_timeout(DELAY) != Err(RecvTimeoutError::Timeout) {
                return;
            }
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            if let Ok(style) =
                ProgressStyle::with_template("{spinner} running {elapsed} (Ctrl-C cancels)")
            {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(120));
            // Until the statement ends (a message or the sender dropped).
            let _ = stopped.recv();
            bar.finish_and_clear();
        });
        Progress {
            stop: Some(stop),
            thread: Some(thread),
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            // The spinner is cleared before the result is printed.
            let _ = thread.join();
        }
    }
}
