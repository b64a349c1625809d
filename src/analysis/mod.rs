//! The dependency analyses (spec: *Dependency analysis*, *Scenarios*): one
//! algorithm per file, each over a read-only graph and a [`View`].
//!
//! - [`arcs`](ArcSpec): which edges are dependency arcs, and their weights
//! - [`target_closure`], [`members_of`]: membership and impact closure
//! - [`upstream`], [`downstream`]: reachability along and against arcs
//! - [`exposure`]: probability of reaching a target closure, with the
//!   explaining path
//! - [`chokepoints`]: nodes the set's exposure concentrates on
//! - [`paths`]: shortest, all and k shortest paths
//! - [`apply`]: scenario operations narrowing a view
//!
//! Every function charges the statement's [`Work`](crate::limits::Work)
//! budget about once per arc or edge it follows (and per solver sweep), so
//! it can be stopped by the budget or Ctrl-C.

mod arcs;
mod block;
mod chokepoints;
mod closure;
mod exposure;
mod krylov;
mod labels;
mod local;
mod loss;
mod nodeset;
mod order;
mod paths;
mod radix;
mod scc;
mod scenario;
mod solve;
mod traverse;
mod view;

#[cfg(test)]
pub(crate) mod testing;

pub use arcs::{ArcSpec, Arcs, Norm};
pub use chokepoints::{Chokepoint, Found, chokepoints};
pub use closure::{members_of, target_closure};
pub use exposure::{ExposureRow, exposure};
pub use loss::{
    By, CutRule, FreeContexts, Hits, Loss, LossQuery, LossRow, ModelView, Op, Pins, Placer,
    Scenario, Shock, ShockError, Shocker, UnknownCache, chokepoints_and_unknown, free_contexts,
    loss, systemic_scores, unknowns,
};
pub use nodeset::NodeSet;
pub use paths::{AnalysisError, DEFAULT_ALL_MAX, FoundPath, PathMode, PathQuery, paths};
pub use scenario::{Applied, ScenarioOp, apply};
pub use traverse::{Along, reach, upstream};
pub use view::{HiddenSlots, View};
