//! Faultline: a knowledge-graph query engine for supply-chain and
//! geopolitical dependencies.
//!
//! See `ARCHITECTURE.md` for the module map and data flow.
#![doc = include_str!("../ARCHITECTURE.md")]
#![forbid(unsafe_code)]

pub mod diag;
pub mod limits;
pub mod analysis;
pub mod model;
pub mod syntax;
