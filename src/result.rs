//! Results: columns and rows, the one thing evaluation returns. Cells hold
//! graph elements by id; the output formats decide how to show them.

use crate::model::{EdgeId, NodeId, Path, Value};

/// One value in a result (and in expression evaluation).
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// A data value (null, bool, number, string, date, list of data).
    Value(Value),
    /// A node.
    Node(NodeId),
    /// An edge.
    Edge(EdgeId),
    /// A path.
    Path(Path),
    /// A list that holds graph elements (`collect(n)`, `nodes(p)`).
    List(Vec<Cell>),
    /// A map (`{k: v}`, `properties(n)`), keys in written order.
    Map(Vec<(std::sync::Arc<str>, Cell)>),
}

impl Cell {
    /// The null cell.
    pub const NULL: Cell = Cell::Value(Value::Null);

    /// About how many bytes the cell holds (itself and what it owns), for
    /// the memory budget: strings by length, lists by their items, paths by
    /// their nodes and edges.
    pub fn approx_bytes(&self) -> u64 {
        const CELL: u64 = std::mem::size_of::<Cell>() as u64;
        fn value_bytes(v: &Value) -> u64 {
            match v {
                Value::Str(s) => s.len() as u64,
                Value::List(items) => items.iter().map(|i| 32 + value_bytes(i)).sum(),
                _ => 0,
            }
        }
        CELL + match self {
            Cell::Value(v) => value_bytes(v),
            Cell::Path(p) => 4 * (p.nodes.len() + p.edges.len()) as u64,
            Cell::List(items) => items.iter().map(Cell::approx_bytes).sum(),
            Cell::Map(entries) => entries
                .iter()
                .map(|(k, v)| 16 + k.len() as u64 + v.approx_bytes())
                .sum(),
            Cell::Node(_) | Cell::Edge(_) => 0,
        }
    }

    /// About how many bytes a row of cells holds.
    pub fn row_bytes(row: &[Cell]) -> u64 {
        24 + row.iter().map(Cell::approx_bytes).sum::<u64>()
    }

    /// Whether the cell is null.
    pub fn is_null(&self) -> bool {
        matches!(self, Cell::Value(Value::Null))
    }
}

impl From<Value> for Cell {
    fn from(v: Value) -> Cell {
        Cell::Value(v)
    }
}

/// The result of one statement.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResultSet {
    /// Column names.
    pub columns: Vec<String>,
    /// Rows, each as long as `columns`.
    pub rows: Vec<Vec<Cell>>,
    /// A message (statements with nothing to return, notices such as a cut).
    pub message: Option<String>,
}

/// What a result cut short at the row limit says: `shown` of `total` rows.
pub fn row_limit_notice(shown: usize, total: usize) -> String {
    format!(
        "showing the first {shown} of {total} rows (change with --limit N, or :limit N in the REPL)"
    )
}

impl ResultSet {
    /// A result with columns and rows.
    pub fn new(columns: Vec<String>, rows: Vec<Vec<Cell>>) -> ResultSet {
        ResultSet {
            columns,
            rows,
            message: None,
        }
    }

    /// A result with only a message.
    pub fn message(text: impl Into<String>) -> ResultSet {
        ResultSet {
            columns: Vec::new(),
            rows: Vec::new(),
            message: Some(text.into()),
        }
    }

    /// Whether there is a table to show.
    pub fn has_table(&self) -> bool {
        !self.columns.is_empty()
    }
}
