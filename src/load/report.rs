//! Where problems go while loading: collected up to a limit, and either
//! failing the load or, with `skip_bad_rows`, set aside as skipped rows.

use crate::diag::Problem;

/// Collects problems. Row problems (a bad row or item) fail the load unless
/// rows may be skipped; file problems (a missing file, broken JSON or TOML)
/// always fail it.
#[derive(Debug)]
pub(crate) struct Sink {
    skip_rows: bool,
    max: usize,
    /// Problems that fail the load, at most `max`.
    pub problems: Vec<Problem>,
    /// Whether problems were dropped after `max`.
    pub truncated: bool,
    /// Skipped rows, at most `max` kept.
    pub skipped: Vec<Problem>,
    /// How many rows were skipped in all.
    pub skipped_count: usize,
}

impl Sink {
    /// A sink keeping at most `max` problems (at least one).
    pub fn new(skip_rows: bool, max: usize) -> Sink {
        Sink {
            skip_rows,
            max: max.max(1),
            problems: Vec::new(),
            truncated: false,
            skipped: Vec::new(),
            skipped_count: 0,
        }
    }

    /// Whether bad rows are skipped instead of failing the load.
    pub fn skips_rows(&self) -> bool {
        self.skip_rows
    }

    /// A problem with a whole file: it always fails the load.
    pub fn fatal(&mut self, p: Problem) {
        if self.problems.len() < self.max {
            self.problems.push(p);
        } else {
            self.truncated = true;
        }
    }

    /// A problem with one row or item.
    pub fn row(&mut self, p: Problem) {
        if self.skip_rows {
            self.skipped_count += 1;
            if self.skipped.len() < self.max {
                self.skipped.push(p);
            }
        } else {
            self.fatal(p);
        }
    }

    /// Whether the load has failed.
    pub fn failed(&self) -> bool {
        !self.problems.is_empty()
    }

    /// Whether it is no use going on: the limit is reached, or `more`
    /// further problems that fail the load would pass it.
    pub fn full_with(&self, more: usize) -> bool {
        self.truncated || self.problems.len() + more > self.max
    }

    /// Whether a problem (one that fails the load, or a skipped row) would
    /// be kept rather than only counted.
    pub fn keeps(&self, fails: bool) -> bool {
        if fails || !self.skip_rows {
            self.problems.len() < self.max
        } else {
            self.skipped.len() < self.max
        }
    }
}

/// Where a node or edge came from: a file (by index into the load's file
/// list) and line; [`Origin::BASE`] for the graph loaded before.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Origin {
    /// Index into the load's file names, or `u32::MAX` for the base graph.
    pub file: u32,
    /// 1-based line.
    pub line: u32,
}

impl Origin {
    /// The graph that was loaded before this load (`:load` merges into it).
    pub const BASE: Origin = Origin {
        file: u32::MAX,
        line: 0,
    };

    /// An origin in a file.
    pub fn new(file: usize, line: usize) -> Origin {
        Origin {
            file: u32::try_from(file).unwrap_or(u32::MAX - 1),
            line: u32::try_from(line).unwrap_or(u32::MAX),
        }
    }

    /// `file:line`, or a phrase for the base graph.
    pub fn describe(self, files: &[String]) -> String {
        match files.get(self.file as usize) {
            Some(f) => format!("{f}:{}", self.line),
            None => "the graph loaded before".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_at_most_max_and_marks_truncation() {
        let mut s = Sink::new(false, 2);
        for i in 0..3 {
            s.row(Problem::new("f", format!("p{i}")));
        }
        assert_eq!(s.problems.len(), 2);
        assert!(s.truncated && s.full_with(0) && s.failed());
    }

    #[test]
    fn skipping_counts_every_row_but_keeps_max() {
        let mut s = Sink::new(true, 2);
        for i in 0..5 {
            s.row(Problem::new("f", format!("p{i}")));
        }
        assert_eq!((s.skipped.len(), s.skipped_count), (2, 5));
        assert!(!s.failed());
        s.fatal(Problem::new("f", "broken"));
        assert!(s.failed());
    }

    #[test]
    fn origins_describe_themselves() {
        let files = vec!["a.csv".to_string()];
        assert_eq!(Origin::new(0, 7).describe(&files), "a.csv:7");
        assert_eq!(Origin::BASE.describe(&files), "the graph loaded before");
    }
}
