//! The command line (the only module that sees clap).
