//! Results: columns and rows, the one thing evaluation returns.
