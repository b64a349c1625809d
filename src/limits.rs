//! The work budget and the cancel flag every statement runs under (spec:
//! *Limits*). Evaluation and the analyses call [`Work::charge`] as they
//! expand edges and produce rows; it fails once the budget is spent or the
//! user pressed Ctrl-C. [`Work::charge_mem`] meters what a statement holds
//! in memory (materialised rows, collected lists, sort buffers, pattern
//! plans) against a memory budget, so a runaway statement ends with a clear
//! error instead of the allocator aborting the process.

use std::cell::Cell;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The default budget: 10 million units (expanded edges or rows).
pub const DEFAULT_BUDGET: u64 = 10_000_000;

/// The default memory budget: a quarter of the machine's memory (read from
/// `/proc/meminfo` on Linux), 2 GiB where that cannot be read; at least
/// 256 MiB.
pub fn default_memory_budget() -> u64 {
    static BUDGET: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *BUDGET.get_or_init(|| {
        let total = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|text| mem_total(&text));
        total.map_or(2 << 30, |t| (t / 4).max(256 << 20))
    })
}

/// `MemTotal` from `/proc/meminfo` text, in bytes.
fn mem_total(meminfo: &str) -> Option<u64> {
    let line = meminfo.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

/// Parses a memory size: bytes, or a number with `K`, `M`, `G` or `T`
/// (powers of 1024; `KB`, `MiB` and lower case accepted too).
pub fn parse_memory_size(text: &str) -> Result<u64, String> {
    let t = text.trim().replace('_', "");
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(digits);
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => {
            return Err(format!(
                "`{text}` is not a memory size; expected a number of bytes or e.g. `512M`, `4G`"
            ));
        }
    };
    num.parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(1 << shift))
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("`{text}` is not a memory size; expected a positive number of bytes or e.g. `512M`, `4G`"))
}

/// A flag shared with whoever may cancel (the REPL's Ctrl-C handler, or
/// embedding code).
#[derive(Clone, Debug, Default)]
pub struct CancelFlag(Arc<AtomicBool>);

/// Two flags are equal when they are the same flag (shared).
impl PartialEq for CancelFlag {
    fn eq(&self, other: &CancelFlag) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for CancelFlag {}

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
    /// The memory budget was exceeded.
    Memory {
        /// The memory budget that was in force, in bytes.
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
            Interrupt::Memory { limit } => write!(
                f,
                "the statement exceeded its memory budget of {} MiB (rows, lists and buffers it \
                 holds); narrow the query or raise the budget with `--memory-budget SIZE` \
                 (REPL: `:memory-budget SIZE`)",
                limit >> 20
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
    mem_used: Cell<u64>,
    mem_limit: u64,
    cancel: CancelFlag,
}

impl Work {
    /// A meter with `limit` units and a cancel flag.
    pub fn new(limit: u64, cancel: CancelFlag) -> Work {
        Work {
            used: Cell::new(0),
            limit,
            mem_used: Cell::new(0),
            mem_limit: default_memory_budget(),
            cancel,
        }
    }

    /// The same meter with a memory budget of `bytes`.
    pub fn with_memory_budget(mut self, bytes: u64) -> Work {
        self.mem_limit = bytes;
        self
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

    /// Charges `units` per `per` items of work (`n` items), at least one
    /// unit: string bytes, list items, regex steps.
    #[inline]
    pub fn charge_scaled(&self, n: u64, per: u64) -> Result<(), Interrupt> {
        self.charge(1 + n / per.max(1))
    }

    /// Records `bytes` more held in memory; fails once the memory budget is
    /// exceeded. Checks the cancel flag too (holding memory is work).
    #[inline]
    pub fn charge_mem(&self, bytes: u64) -> Result<(), Interrupt> {
        let after = self.mem_used.get().saturating_add(bytes);
        self.mem_used.set(after);
        if after > self.mem_limit {
            return Err(Interrupt::Memory {
                limit: self.mem_limit,
            });
        }
        self.charge(bytes >> 10)
    }

    /// Records `bytes` no longer held.
    #[inline]
    pub fn release_mem(&self, bytes: u64) {
        self.mem_used.set(self.mem_used.get().saturating_sub(bytes));
    }

    /// Bytes held so far (as charged).
    pub fn mem_used(&self) -> u64 {
        self.mem_used.get()
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

/// Runs `main` on this thread and, when `wanted`, `side` beside it on a
/// second one with a meter of its own (charged to `work` when it joins),
/// else `side` after `main` on this thread: two independent systems of a
/// statement (the loss and `unknown`; chokepoints' scores and their mean
/// `unknown`) solved on both cores.
pub fn beside<M, S: Send>(
    work: &Work,
    wanted: bool,
    side: impl FnOnce(&Work) -> Result<S, Interrupt> + Send,
    main: impl FnOnce() -> Result<M, Interrupt>,
) -> (Result<M, Interrupt>, Result<S, Interrupt>) {
    if !wanted {
        let m = main();
        return (m, side(work));
    }
    std::thread::scope(|scope| {
        let meter = work.split();
        let handle = scope.spawn(move || (side(&meter), meter));
        let m = main();
        let (s, meter) = handle
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        (m, s.and_then(|v| work.absorb(&meter).map(|_| v)))
    })
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
    fn memory_stops_at_its_budget() {
        let w = Work::unlimited().with_memory_budget(1000);
        assert!(w.charge_mem(600).is_ok());
        w.release_mem(200);
        assert!(w.charge_mem(600).is_ok());
        assert_eq!(w.charge_mem(1), Err(Interrupt::Memory { limit: 1000 }));
        let msg = Interrupt::Memory { limit: 3 << 20 }.to_string();
        assert!(msg.contains("memory budget of 3 MiB"), "{msg}");
    }

    #[test]
    fn memory_sizes_parse() {
        assert_eq!(parse_memory_size("4096"), Ok(4096));
        assert_eq!(parse_memory_size("512M"), Ok(512 << 20));
        assert_eq!(parse_memory_size("2gib"), Ok(2 << 30));
        assert!(parse_memory_size("0").is_err());
        assert!(parse_memory_size("lots").is_err());
        assert!(parse_memory_size("99999999999T").is_err());
        assert_eq!(
            mem_total("MemTotal:       16000000 kB\nMemFree: 1 kB"),
            Some(16_000_000 * 1024)
        );
        assert!(default_memory_budget() >= 256 << 20);
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
