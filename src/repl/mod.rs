//! The interactive shell (the only module that sees rustyline).
