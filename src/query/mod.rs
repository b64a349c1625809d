//! Query resolution and evaluation: AST -> checked plan -> ResultSet, under a work budget and cancel flag.
