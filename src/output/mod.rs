//! Output formats for results: table, JSON, CSV.
