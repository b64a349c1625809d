//! Export of subgraphs: DOT, JSON (the load format), GraphML; SVG/PNG through Graphviz.
//!
//! The query layer decides *what* to export (a [`Subgraph`]: node and edge
//! ids, path edges to emphasise, a title); this module decides *how*. Every
//! writer is a pure function from graph and subgraph to text, and emits in a
//! deterministic order (nodes by id, edges by from id, to id, type, edge id)
//! whatever order the ids came in, so the same export is byte-identical twice
//! and diffs well. Files are written whole or not at all ([`write_atomic`]).
//!
//! | writer         | for                                   | escaping                         |
//! |----------------|---------------------------------------|----------------------------------|
//! | [`to_dot`]     | Graphviz (`dot -Tsvg`), a picture     | every id and label quoted        |
//! | [`to_json`]    | loading back (`--data out.json`)      | serde_json                       |
//! | [`to_graphml`] | networkx, Gephi, yEd                  | XML entities; see below          |
//!
//! XML 1.0 cannot hold most control characters (U+0000..U+001F other than
//! tab, newline and carriage return, and U+FFFE/U+FFFF), not even as
//! character references, so GraphML replaces them with U+FFFD; DOT labels do
//! the same (Graphviz writes labels into SVG, which is XML). Ids stay
//! distinct: DOT ids spell such characters out (`\u{1}`), GraphML ids that
//! would collide after replacement get a `~2`, `~3`... suffix.

mod chart;
mod dot;
mod error;
mod escape;
mod graphml;
mod html;
mod json;
mod render;
mod style;
mod subgraph;
mod write;

#[cfg(test)]
mod testkit;

pub use chart::{MAX_BARS, to_chart};
pub use dot::{DotOptions, Layout, labels_fit, readability_note, to_dot, to_dot_at};
pub use error::ExportError;
pub use graphml::to_graphml;
pub use html::to_html;
pub use json::to_json;
pub use render::{
    DEFAULT_RENDER_TIMEOUT, ImageFormat, RenderLimits, dot_available, render_limited,
    render_with_graphviz,
};
pub use subgraph::Subgraph;
#[cfg(unix)]
pub use write::install_signal_cleanup;
pub use write::{remove_pending_temps, write_atomic};
