//! The work budget and the cancel flag every statement runs under (spec:
//! *Limits*). Evaluation and the analyses call [`Work::charge`] as they
//! expand edges and produce rows; it fails once the budget is spent or the
//! user pressed Ctrl-C.

use std::cell::Cell;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The default budget: 10 million units (expanded edges or rows).
pub const DEFAULT_BUDGET: u64 = 10_000_000;

/// A flag shared with whoever may cancel (the REPL's Ctrl-C handler, or
/// embedding code).
#[derive(Clone, Debug, Default)]
pub struct CancelFlag(Arc<AtomicBool>);

impl CancelFlag {
    /// A new, unset flag.
    pub fn new() -> CancelFlag {
        CancelFlag::default()
    }

    /// Asks the running statement to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Clears the flag before the next statement.
    pub fn reset(&self) {
        self.0.store(false, Ordering::Relaxed);
    }

    /// Whether cancellation was requested.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Why a statement was stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Interrupt {
    /// The work budget was exceeded.
    Budget {
        /// The budget that was in force.
        limit: u64,
    },
    /// The user cancelled.
    Cancelled,
}

impl fmt::Display for Interrupt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Interrupt::Budget { limit } => write!(
                f,
                "the statement exceeded its work budget of {limit} expanded edges and rows; \
                 narrow the query or raise the budget with `--budget N` (REPL: `:budget N`)"
            ),
            Interrupt::Cancelled => f.write_str("cancelled"),
        }
    }
}

impl std::error::Error for Interrupt {}

/// The budget meter for one statement. Not `Sync`: one statement, one thread.
#[derive(Debug)]
pub struct Work {
    used: Cell<u64>,
    limit: u64,
    cancel: CancelFlag,
}

impl Work {
    /// A meter with `limit` units and a cancel flag.
    pub fn new(limit: u64, cancel: CancelFlag) -> Work {
        Work {
            used: Cell::new(0),
            limit,
            cancel,
        }
    }

    /// A meter with no practical limit and its own flag (tests, benchmarks).
    pub fn unlimited() -> Work {
        Work::new(u64::MAX, CancelFlag::new())
    }

    /// Spends `units`; fails when the budget is exceeded or cancelled.
    /// The cancel flag is read every 4096 units, so polling stays cheap.
    #[inline]
    pub fn charge(&self, units: u64) -> Result<(), Interrupt> {
        let before = self.used.get();
        let after = before.saturating_add(units);
        self.used.set(after);
        if after > self.limit {
            return Err(Interrupt::Budget { limit: self.limit });
        }
        if (before >> 12) != (after >> 12) && self.cancel.is_cancelled() {
            return Err(Interrupt::Cancelled);
        }
        Ok(())
    }

    /// Units spent so far.
    pub fn used(&self) -> u64 {
        self.used.get()
    }

    /// A meter for a helper thread: what is left of this budget, the same
    /// cancel flag. Charge its use back with [`Work::absorb`].
    pub fn split(&self) -> Work {
        Work::new(self.limit.saturating_sub(self.used()), self.cancel.clone())
    }

    /// Charges what a [`Work::split`] meter spent.
    pub fn absorb(&self, other: &Work) -> Result<(), Interrupt> {
        self.charge(other.used())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_stops_at_the_limit() {
        let w = Work::new(10, CancelFlag::new());
        assert!(w.charge(10).is_ok());
        assert_eq!(w.charge(1), Err(Interrupt::Budget { limit: 10 }));
    }

    #[test]
    fn cancel_is_seen_within_4096_units() {
        let flag = CancelFlag::new();
        let w = Work::new(u64::MAX, flag.clone());
        flag.cancel();
        let stopped = (0..5000)
            .map(|_| w.charge(1))
            .any(|r| r == Err(Interrupt::Cancelled));
        assert!(stopped);
    }
}
