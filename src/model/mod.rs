//! The in-memory graph model: typed ids, values, the schema and the store.
//! Everything above this module reads the graph through [`Graph`].

mod adjacency;
mod facts;
mod fold;
mod graph;
mod ids;
mod keys;
mod path;
mod props;
mod schema;
mod store;
#[cfg(test)]
pub(crate) mod testing;
mod validity;
mod value;
mod visit;

pub use adjacency::{Adjacency, TypeSet};
pub use facts::ModelFacts;
pub use fold::fold;
pub use graph::{EdgeTypeInfo, Graph, GraphBuilder, Lookup};
pub use ids::{EdgeId, EdgeTypeId, KindId, NodeId, PropKey, StrId};
pub use path::Path;
pub use schema::{
    Direction, EdgeTypeDef, Flow, KindDef, Mode, NeedsSupply, Role, Schema, Scope, ShockKind,
};
pub use validity::Interval;
pub use value::{Date, PropType, Value};
pub use visit::{EdgeRef, NodeSet};

pub(crate) use graph::{EdgeSide, NodeView};
pub(crate) use keys::Probe;
