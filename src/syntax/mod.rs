//! FQL syntax: the typed AST and the parser (the only module that sees pest).

pub mod ast;
