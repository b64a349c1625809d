//! Loading graphs from files (spec: data-format.md): CSV, JSON and `schema.toml`, problems collected, never first-error-only.
