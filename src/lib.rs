//! Faultline: a knowledge-graph query engine for supply-chain and
//! geopolitical dependencies.
//!
//! See `ARCHITECTURE.md` for the module map and data flow.
#![doc = include_str!("../ARCHITECTURE.md")]
#![forbid(unsafe_code)]
// The library's own code: `expect` only on invariants, said so in an
// `#[allow]` with its reason (clippy.toml lets tests use it freely). Scoped to
// the library so the integration tests, which pin behaviour, stay unchanged.
#![warn(clippy::expect_used, clippy::allow_attributes_without_reason)]

pub mod analysis;
pub mod cli;
pub mod diag;
pub mod export;
pub mod hash;
pub mod import;
pub mod limits;
pub mod load;
pub mod model;
pub mod output;
pub mod par;
pub mod query;
pub mod repl;
pub mod result;
pub mod session;
pub mod syntax;
