//! A session: graph, parameters, scenarios and settings; executes statements for the REPL, `run` and `query`.
