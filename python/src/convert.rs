//! Values between Faultline and Python: parameters in, result columns out
//! (one at a time, when Python asks).
//! A column of only integers, floats or booleans goes out as one `bytes`
//! buffer in native byte order (NumPy reads it without a per-value copy);
//! a column of only strings as a list of `str`; anything else as a list of
//! Python objects (None, lists, dicts, `datetime.date`, [`Node`], [`Edge`],
//! [`Path`]).

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use faultline::model::{Date, EdgeId, Graph, NodeId, Value};
use faultline::output::path_text;
use faultline::result::{Cell, ResultSet};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};

/// A node in a result: its id, name and kind.
#[pyclass(module = "faultline", frozen, get_all, eq, hash)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Node {
    /// The node's unique id.
    pub id: String,
    /// Its display name.
    pub name: String,
    /// Its kind (`Firm`, `Nation`, ...).
    pub kind: String,
}

impl Node {
    /// The node `n` of `g`.
    pub fn of(g: &Graph, n: NodeId) -> Node {
        Node {
            id: g.node_key(n).to_string(),
            name: g.node_name(n).to_string(),
            kind: g.node_kind_name(n).to_string(),
        }
    }
}

#[pymethods]
impl Node {
    fn __repr__(&self) -> String {
        format!(
            "Node(id={:?}, name={:?}, kind={:?})",
            self.id, self.name, self.kind
        )
    }

    fn __str__(&self) -> String {
        self.name.clone()
    }
}

/// An edge in a result: its type and the ids of its ends.
#[pyclass(module = "faultline", frozen, get_all, eq, hash)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Edge {
    /// The edge type (`SUPPLIES`, ...).
    #[pyo3(name = "type")]
    pub edge_type: String,
    /// The id of the node it starts from.
    pub from_id: String,
    /// The id of the node it points to.
    pub to_id: String,
}

#[pymethods]
impl Edge {
    fn __repr__(&self) -> String {
        format!(
            "Edge(type={:?}, from_id={:?}, to_id={:?})",
            self.edge_type, self.from_id, self.to_id
        )
    }

    fn __str__(&self) -> String {
        format!("{} -[{}]-> {}", self.from_id, self.edge_type, self.to_id)
    }
}

/// A path in a result: nodes in walk order and the edges between them.
#[pyclass(module = "faultline", frozen)]
pub struct Path {
    nodes: Py<PyTuple>,
    edges: Py<PyTuple>,
    text: String,
}

#[pymethods]
impl Path {
    /// The nodes in walk order (a tuple of `Node`).
    #[getter]
    fn nodes(&self, py: Python<'_>) -> Py<PyTuple> {
        self.nodes.clone_ref(py)
    }

    /// The edges between consecutive nodes (a tuple of `Edge`).
    #[getter]
    fn edges(&self, py: Python<'_>) -> Py<PyTuple> {
        self.edges.clone_ref(py)
    }

    /// The number of edges.
    #[getter]
    fn hops(&self, py: Python<'_>) -> usize {
        self.edges.bind(py).len()
    }

    fn __len__(&self, py: Python<'_>) -> usize {
        self.hops(py)
    }

    fn __str__(&self) -> String {
        self.text.clone()
    }

    fn __repr__(&self) -> String {
        format!("Path({:?})", self.text)
    }
}

/// Turns cells into Python objects, making one `Node` object per node.
struct Maker<'py, 'g> {
    py: Python<'py>,
    g: &'g Graph,
    nodes: HashMap<NodeId, Py<Node>>,
    /// Edges made so far: the paths of a column share most of theirs (an
    /// exposure's paths run through the same hubs), and an `Edge` is three
    /// strings.
    edges: HashMap<EdgeId, Py<Edge>>,
    date: Option<Bound<'py, PyAny>>,
}

impl<'py, 'g> Maker<'py, 'g> {
    fn node(&mut self, n: NodeId) -> PyResult<Py<Node>> {
        if let Some(obj) = self.nodes.get(&n) {
            return Ok(obj.clone_ref(self.py));
        }
        let obj = Py::new(self.py, Node::of(self.g, n))?;
        self.nodes.insert(n, obj.clone_ref(self.py));
        Ok(obj)
    }

    fn edge(&mut self, e: EdgeId) -> PyResult<Py<Edge>> {
        if let Some(obj) = self.edges.get(&e) {
            return Ok(obj.clone_ref(self.py));
        }
        let g = self.g;
        let (a, b) = g.edge_ends(e);
        let obj = Py::new(
            self.py,
            Edge {
                edge_type: g.edge_type_name(g.edge_type(e)).to_string(),
                from_id: g.node_key(a).to_string(),
                to_id: g.node_key(b).to_string(),
            },
        )?;
        self.edges.insert(e, obj.clone_ref(self.py));
        Ok(obj)
    }

    fn date(&mut self, d: &Date) -> PyResult<Bound<'py, PyAny>> {
        if d.month == 0 || d.day == 0 {
            // Year or month precision: no datetime.date for it.
            return Ok(PyString::new(self.py, &d.to_string()).into_any());
        }
        let class = match &self.date {
            Some(c) => c.clone(),
            None => {
                let c = self.py.import("datetime")?.getattr("date")?;
                self.date = Some(c.clone());
                c
            }
        };
        class.call1((d.year, d.month, d.day))
    }

    fn value(&mut self, v: &Value) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        Ok(match v {
            Value::Null => py.None().into_bound(py),
            Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
            Value::Int(i) => i.into_pyobject(py)?.into_any(),
            Value::Float(f) => PyFloat::new(py, *f).into_any(),
            Value::Str(s) => PyString::new(py, s).into_any(),
            Value::Date(d) => self.date(d)?,
            Value::List(items) => {
                let list = PyList::empty(py);
                for item in items.iter() {
                    list.append(self.value(item)?)?;
                }
                list.into_any()
            }
        })
    }

    fn cell(&mut self, c: &Cell) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        Ok(match c {
            Cell::Value(v) => self.value(v)?,
            Cell::Node(n) => self.node(*n)?.into_bound(py).into_any(),
            Cell::Edge(e) => self.edge(*e)?.into_bound(py).into_any(),
            Cell::Path(p) => {
                let nodes = p
                    .nodes
                    .iter()
                    .map(|n| self.node(*n))
                    .collect::<PyResult<Vec<_>>>()?;
                let edges = p
                    .edges
                    .iter()
                    .map(|e| self.edge(*e))
                    .collect::<PyResult<Vec<_>>>()?;
                let path = Path {
                    nodes: PyTuple::new(py, nodes)?.unbind(),
                    edges: PyTuple::new(py, edges)?.unbind(),
                    text: path_text(self.g, p, false),
                };
                Py::new(py, path)?.into_bound(py).into_any()
            }
            Cell::List(items) => {
                let list = PyList::empty(py);
                for item in items {
                    list.append(self.cell(item)?)?;
                }
                list.into_any()
            }
            Cell::Map(entries) => {
                let dict = PyDict::new(py);
                for (k, v) in entries {
                    dict.set_item(&**k, self.cell(v)?)?;
                }
                dict.into_any()
            }
        })
    }
}

/// What one column holds, when it is all of one plain type.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Int,
    Float,
    Bool,
    Str,
    Object,
}

/// How graph elements come out: as objects, or as plain text for a
/// DataFrame (nodes by name or id, paths and edges as their text).
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Objects,
    Names,
    Ids,
}

fn kind_of(c: &Cell, mode: Mode) -> Kind {
    match c {
        Cell::Value(Value::Int(_)) => Kind::Int,
        Cell::Value(Value::Float(_)) => Kind::Float,
        Cell::Value(Value::Bool(_)) => Kind::Bool,
        Cell::Value(Value::Str(_)) => Kind::Str,
        Cell::Node(_) | Cell::Edge(_) | Cell::Path(_) if mode != Mode::Objects => Kind::Str,
        _ => Kind::Object,
    }
}

fn at(r: &[Cell], j: usize) -> &Cell {
    r.get(j).unwrap_or(&Cell::NULL)
}

impl<'py> Maker<'py, '_> {
    /// A cell as plain data: graph elements as text.
    fn plain(&mut self, c: &Cell, by_id: bool) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        let g = self.g;
        Ok(match c {
            Cell::Value(v) => self.value(v)?,
            Cell::Node(n) => PyString::new(
                py,
                if by_id {
                    g.node_key(*n)
                } else {
                    g.node_name(*n)
                },
            )
            .into_any(),
            Cell::Edge(e) => {
                let (a, b) = g.edge_ends(*e);
                let ty = g.edge_type_name(g.edge_type(*e));
                let text = if by_id {
                    format!("{} -[{ty}]-> {}", g.node_key(a), g.node_key(b))
                } else {
                    format!("{} -[{ty}]-> {}", g.node_name(a), g.node_name(b))
                };
                PyString::new(py, &text).into_any()
            }
            Cell::Path(p) => PyString::new(py, &path_text(g, p, by_id)).into_any(),
            Cell::List(items) => {
                let list = PyList::empty(py);
                for item in items {
                    list.append(self.plain(item, by_id)?)?;
                }
                list.into_any()
            }
            Cell::Map(entries) => {
                let dict = PyDict::new(py);
                for (k, v) in entries {
                    dict.set_item(&**k, self.plain(v, by_id)?)?;
                }
                dict.into_any()
            }
        })
    }
}

/// One statement's rows, kept in Rust until Python asks for a column
/// (so a query returns without building a Python object per cell).
/// It carries the statement's message, time and text too, so that a call
/// hands Python one object per statement and nothing else. The package's
/// `faultline.Result` subclasses it (adding rows, DataFrames and the
/// notebook view in Python); [`NativeResult::into_result`] makes one without
/// running any Python code, as a query's fixed cost is paid on every call.
#[pyclass(module = "faultline._native", frozen, subclass)]
pub struct NativeResult {
    graph: Arc<Graph>,
    result: ResultSet,
    elapsed: f64,
    statement: String,
}

thread_local! {
    /// The result `NativeResult.__new__` takes: set by
    /// [`NativeResult::into_result`] just before it calls the class.
    static PENDING: RefCell<Option<NativeResult>> = const { RefCell::new(None) };
}

/// `faultline.Result`, the Python subclass results are made as.
static RESULT_CLASS: PyOnceLock<Py<PyType>> = PyOnceLock::new();

impl NativeResult {
    /// This result as a `faultline.Result`: the class is called with the
    /// result waiting in `PENDING`, so that its `__new__` (this type's, as
    /// the subclass defines none) takes it; no Python code runs.
    pub fn into_result(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        let class = RESULT_CLASS.import(py, "faultline._result", "Result")?;
        PENDING.with_borrow_mut(|p| *p = Some(self));
        let made = class.call0();
        // Taken by `__new__` unless the call failed before it.
        PENDING.with_borrow_mut(Option::take);
        made
    }

    /// Keeps `result`, whose cells refer to `graph`, with the statement's
    /// time in seconds and its text.
    pub fn new(
        graph: Arc<Graph>,
        result: ResultSet,
        elapsed: f64,
        statement: &str,
    ) -> NativeResult {
        NativeResult {
            graph,
            result,
            elapsed,
            statement: statement.to_string(),
        }
    }
}

#[pymethods]
impl NativeResult {
    /// Results come from `Graph.query` and `Graph.run` only.
    #[new]
    fn py_new() -> PyResult<NativeResult> {
        PENDING.with_borrow_mut(Option::take).ok_or_else(|| {
            PyTypeError::new_err(
                "faultline.Result objects are made by Graph.query and Graph.run, not directly",
            )
        })
    }

    /// The number of rows (0 when the statement returns no columns).
    fn __len__(&self) -> usize {
        if self.result.columns.is_empty() {
            0
        } else {
            self.result.rows.len()
        }
    }

    /// The column names.
    #[getter]
    fn columns(&self) -> Vec<String> {
        self.result.columns.clone()
    }

    /// The statement's message (notices, statements without rows), if any.
    #[getter]
    fn message(&self) -> Option<&str> {
        self.result.message.as_deref()
    }

    /// Seconds the statement took (parse and evaluation).
    #[getter]
    fn elapsed(&self) -> f64 {
        self.elapsed
    }

    /// The statement's text.
    #[getter]
    fn statement(&self) -> &str {
        &self.statement
    }

    /// Column `j` as `(kind, data)`: `("int64" | "float64" | "bool", bytes)`
    /// for plain number columns (native byte order), `("str", list)` and
    /// `("object", list)` otherwise. `mode` is `"object"` (graph elements as
    /// Node, Edge and Path objects), `"name"` or `"id"` (as text).
    #[pyo3(name = "_native_column")]
    fn column<'py>(
        &self,
        py: Python<'py>,
        j: usize,
        mode: &str,
    ) -> PyResult<(&'static str, Bound<'py, PyAny>)> {
        let mode = match mode {
            "object" => Mode::Objects,
            "name" => Mode::Names,
            "id" => Mode::Ids,
            _ => {
                return Err(PyValueError::new_err(format!(
                    "mode {mode:?}: expected object, name or id"
                )));
            }
        };
        if j >= self.result.columns.len() {
            return Err(PyValueError::new_err(format!(
                "no column {j}: the result has {}",
                self.result.columns.len()
            )));
        }
        let mut maker = Maker {
            py,
            g: &self.graph,
            nodes: HashMap::new(),
            edges: HashMap::new(),
            date: None,
        };
        let rows = &self.result.rows;
        let kind = rows
            .first()
            .map_or(Kind::Object, |r| kind_of(at(r, j), mode));
        let kind = if rows.iter().all(|r| kind_of(at(r, j), mode) == kind) {
            kind
        } else {
            Kind::Object
        };
        let (name, size) = match kind {
            Kind::Int => ("int64", 8),
            Kind::Float => ("float64", 8),
            Kind::Bool => ("bool", 1),
            Kind::Str | Kind::Object => {
                let list = PyList::empty(py);
                for r in rows {
                    let c = at(r, j);
                    list.append(match mode {
                        Mode::Objects => maker.cell(c)?,
                        Mode::Names => maker.plain(c, false)?,
                        Mode::Ids => maker.plain(c, true)?,
                    })?;
                }
                let name = if kind == Kind::Str { "str" } else { "object" };
                return Ok((name, list.into_any()));
            }
        };
        let mut bytes: Vec<u8> = Vec::with_capacity(rows.len() * size);
        for r in rows {
            match at(r, j) {
                Cell::Value(Value::Int(i)) => bytes.extend_from_slice(&i.to_ne_bytes()),
                Cell::Value(Value::Float(f)) => bytes.extend_from_slice(&f.to_ne_bytes()),
                Cell::Value(Value::Bool(b)) => bytes.push(u8::from(*b)),
                _ => {}
            }
        }
        Ok((name, PyBytes::new(py, &bytes).into_any()))
    }
}

/// A Python value as an FQL parameter: None, bool, int, float, str,
/// `datetime.date`, a `Node` (its id), or a list or tuple of these.
pub fn py_to_value(v: &Bound<'_, PyAny>) -> PyResult<Value> {
    if v.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = v.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if v.is_instance_of::<PyInt>() {
        let i: i64 = v.extract().map_err(|_| {
            PyValueError::new_err(format!("parameter value {v} does not fit a 64-bit integer"))
        })?;
        return Ok(Value::Int(i));
    }
    if let Ok(f) = v.cast::<PyFloat>() {
        return Ok(Value::Float(f.value()));
    }
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(Value::str(&s.to_cow()?));
    }
    if let Ok(n) = v.cast::<Node>() {
        return Ok(Value::str(&n.get().id));
    }
    if let Ok(list) = v.cast::<PyList>() {
        let items = list
            .iter()
            .map(|i| py_to_value(&i))
            .collect::<PyResult<Vec<_>>>()?;
        return Ok(Value::List(items.into()));
    }
    if let Ok(tuple) = v.cast::<PyTuple>() {
        let items = tuple
            .iter()
            .map(|i| py_to_value(&i))
            .collect::<PyResult<Vec<_>>>()?;
        return Ok(Value::List(items.into()));
    }
    let date = v.py().import("datetime")?;
    if v.is_instance(&date.getattr("date")?)? && !v.is_instance(&date.getattr("datetime")?)? {
        let text: String = v.call_method0("isoformat")?.extract()?;
        if let Some(d) = Date::parse(&text) {
            return Ok(Value::Date(d));
        }
    }
    Err(PyTypeError::new_err(format!(
        "cannot pass a {} as a parameter: expected None, bool, int, float, str, \
         datetime.date, faultline.Node or a list of these",
        v.get_type().name()?
    )))
}
