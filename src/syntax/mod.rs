//! FQL syntax: the typed AST and the parser (the only module that sees pest).
//!
//! [`parse_script`] splits a script on `;` ([`split_statements`]) and parses
//! each statement ([`parse_statement`]); errors are [`Diagnostic`]s with
//! code E0101 (syntax), E0102 (number literal too large), E0103 (nested too
//! deeply) or E0104 (a count that is not a non-negative integer, or a
//! quantifier with min > max). Every AST node prints back as FQL
//! (`print.rs`).
//!
//! [`Diagnostic`]: crate::diag::Diagnostic

pub mod ast;
mod build;
mod grammar;
mod lexer;
mod parser;
mod print;
mod spans;
pub mod vocab;

pub use lexer::{MAX_DEPTH, Piece, pieces, split_statements};
pub use parser::{is_complete, parse_literal, parse_script, parse_statement};
pub use spans::{same_expr_modulo_spans, same_modulo_spans, strip_expr_spans, strip_spans};
