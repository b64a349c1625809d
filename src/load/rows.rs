//! Where each edge of a load came from: its line (CSV) or item (JSON),
//! kept as runs of consecutive values.
//!
//! The rows of a file mostly follow one another (a row that is bad, blank
//! or spans lines breaks a run), so ten million edges take a run per piece
//! of a block instead of 40 MB of per-edge lines. The rows are only read
//! to report the few edges found bad after they were added (duplicates,
//! model rules).

/// The row of each edge, in edge order.
#[derive(Debug, Default)]
pub(crate) struct EdgeRows {
    /// `(first, row)`: edge `first + i` has row `row + i`, up to the next run.
    runs: Vec<(usize, usize)>,
    len: usize,
}

impl EdgeRows {
    /// The number of edges.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.len
    }

    /// Adds an edge from `row`.
    pub(crate) fn push(&mut self, row: usize) {
        self.push_run(row, 1);
    }

    /// Adds `count` edges from rows `row`, `row + 1`, ...
    pub(crate) fn push_run(&mut self, row: usize, count: usize) {
        if count == 0 {
            return;
        }
        let continues = self
            .runs
            .last()
            .is_some_and(|&(first, r)| r.checked_add(self.len - first) == Some(row));
        if !continues {
            self.runs.push((self.len, row));
        }
        self.len += count;
    }

    /// Adds the edges of `other` (in order), their rows shifted by `by`.
    pub(crate) fn extend_shifted(&mut self, other: &EdgeRows, by: usize) {
        for (k, &(first, row)) in other.runs.iter().enumerate() {
            let end = other.runs.get(k + 1).map_or(other.len, |r| r.0);
            self.push_run(row.saturating_add(by), end - first);
        }
    }

    /// The row of edge `i`.
    pub(crate) fn get(&self, i: usize) -> Option<usize> {
        if i >= self.len {
            return None;
        }
        let k = self.runs.partition_point(|r| r.0 <= i).checked_sub(1)?;
        let (first, row) = self.runs[k];
        Some(row.saturating_add(i - first))
    }

    /// Empties the rows, keeping their memory.
    pub(crate) fn clear(&mut self) {
        self.runs.clear();
        self.len = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Runs give back exactly the rows pushed one by one, pieces
        /// shifted included.
        #[test]
        fn runs_give_back_every_row(
            pieces in proptest::collection::vec(
                (0usize..1000, proptest::collection::vec(0usize..4, 0..40)),
                0..8,
            ),
        ) {
            let mut plain: Vec<usize> = Vec::new();
            let mut rows = EdgeRows::default();
            for (shift, steps) in &pieces {
                let mut piece = EdgeRows::default();
                let mut line = 0;
                for step in steps {
                    // 0: the same line again (a JSON item list never does
                    // this, but nothing forbids it), 1: the next line, more:
                    // lines skipped.
                    line += step;
                    piece.push(line);
                    plain.push(line + shift);
                }
                rows.extend_shifted(&piece, *shift);
            }
            prop_assert_eq!(rows.len(), plain.len());
            for (i, want) in plain.iter().enumerate() {
                prop_assert_eq!(rows.get(i), Some(*want));
            }
            prop_assert_eq!(rows.get(plain.len()), None);
        }
    }

    #[test]
    fn consecutive_rows_are_one_run() {
        let mut rows = EdgeRows::default();
        for line in 2..1000 {
            rows.push(line);
        }
        rows.push(1005);
        assert_eq!(rows.runs.len(), 2);
        assert_eq!(rows.get(0), Some(2));
        assert_eq!(rows.get(997), Some(999));
        assert_eq!(rows.get(998), Some(1005));
        rows.clear();
        assert_eq!((rows.len(), rows.get(0)), (0, None));
    }
}
