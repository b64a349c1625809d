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
