//! The dependency analyses (spec: *Dependency analysis*, *Scenarios*): one
//! algorithm per file, each over a read-only graph and a [`View`].

mod view;

pub use view::View;
