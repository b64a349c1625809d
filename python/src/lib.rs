//! `faultline._native`: the Rust half of the Python package. It loads a
//! graph into a [`Session`] and runs statements with the GIL released,
//! stoppable by Ctrl-C (`run` says how: inline on the calling thread where a
//! signal handler can cancel them, else on a polled worker); results stay in
//! Rust and go to Python column by column when asked for (numbers as raw
//! buffers that NumPy and pandas take without a copy per value). The Python half (`faultline/__init__.py`)
//! wraps this in `open()`, `Graph`, `Result` and the exceptions.

mod convert;
mod run;
#[cfg(unix)]
mod sigint;
mod worker;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use faultline::diag::line_col;
use faultline::load::{self, LoadFailure, LoadOptions, bundled_data_dir};
use faultline::model::{Date, Graph, Value};
use faultline::session::{Outcome, Session};
use pyo3::exceptions::{PyOSError, PyRuntimeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyTuple};

use convert::{NativeResult, Node, py_to_value};

/// A loaded graph with its parameters, scenarios and settings (one
/// `faultline::session::Session`). `faultline.Graph` subclasses it (made
/// by `faultline.open`); `query` is here so that a call runs no Python code
/// of the package's on its way in or out.
#[pyclass(module = "faultline._native", name = "NativeGraph", subclass)]
struct NativeGraph {
    session: Mutex<Session>,
    /// Ctrl-C's way to the session's cancel flag on the main thread.
    hook: run::GraphHook,
    /// Rows skipped by the load (`skip_bad_rows`), as (file, line, column,
    /// message), at most the loader's sample.
    skipped: Vec<SkippedRow>,
    /// How many rows the load skipped in all.
    skipped_count: usize,
}

/// A skipped row as Python sees it: (file, line, column, message).
type SkippedRow = (String, Option<usize>, Option<usize>, String);

/// `faultline._raise`, which raises a failed call's `QueryError`.
static RAISE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// A statement's location and rendering, as Python sees it.
fn outcome_to_py<'py>(
    py: Python<'py>,
    graph: Arc<Graph>,
    outcome: Outcome,
    origin: &str,
    source: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let text = source
        .get(outcome.span.start..outcome.span.end)
        .unwrap_or("")
        .trim();
    match outcome.result {
        Ok(result) => {
            NativeResult::new(graph, result, outcome.elapsed.as_secs_f64(), text).into_result(py)
        }
        Err(d) => {
            let (line, column) = match d.span {
                Some(span) => {
                    let (l, c) = line_col(source, span.start);
                    (Some(l), Some(c))
                }
                None => (None, None),
            };
            (
                "error",
                d.code,
                d.message.clone(),
                line,
                column,
                d.render(origin, source),
                d.expected.clone(),
                d.help.clone(),
                text,
            )
                .into_pyobject(py)
                .map(Bound::into_any)
        }
    }
}

/// Raises `faultline.LoadError` for a failed load.
fn load_error(py: Python<'_>, failure: &LoadFailure) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let problems = PyList::empty(py);
        for p in &failure.problems {
            problems.append((p.file.as_str(), p.line, p.column, p.message.as_str()))?;
        }
        let class = py.import("faultline._errors")?.getattr("LoadError")?;
        let err = class.call1((failure.to_string(), problems))?;
        Ok(PyErr::from_value(err))
    };
    build().unwrap_or_else(|e| e)
}

/// A date as `--at` takes it.
fn parse_date(text: &str) -> PyResult<Date> {
    Date::parse(text.trim()).ok_or_else(|| {
        PyValueError::new_err(format!(
            "bad date `{text}`: expected YYYY, YYYY-MM or YYYY-MM-DD (a real calendar date)"
        ))
    })
}

/// The paths to load: the bundled graph when none are given.
fn data_paths(paths: Option<Vec<PathBuf>>) -> Vec<PathBuf> {
    match paths {
        Some(p) if !p.is_empty() => p,
        _ => vec![bundled_data_dir()],
    }
}

#[pymethods]
impl NativeGraph {
    /// Loads data sets (directories or files, merged; the bundled graph when
    /// `paths` is empty or None), the graph seen at `at` (`YYYY[-MM[-DD]]`).
    /// Raises `faultline.LoadError` when the data does not load.
    #[new]
    #[pyo3(signature = (paths=None, skip_bad_rows=false, at=None))]
    fn py_new(
        py: Python<'_>,
        paths: Option<Vec<PathBuf>>,
        skip_bad_rows: bool,
        at: Option<&str>,
    ) -> PyResult<NativeGraph> {
        let date = at.map(parse_date).transpose()?;
        let paths = data_paths(paths);
        let opts = LoadOptions {
            skip_bad_rows,
            ..LoadOptions::default()
        };
        let loaded = py
            .detach(|| load::load(&paths, &opts))
            .map_err(|f| load_error(py, &f))?;
        let skipped = loaded
            .skipped
            .iter()
            .map(|p| (p.file.clone(), p.line, p.column, p.message.clone()))
            .collect();
        let mut session = Session::new(loaded.graph);
        // Python callers get every row; slicing is theirs to do.
        session.settings.row_limit = usize::MAX;
        if let Some(d) = date {
            session.set_date(d);
        }
        Ok(NativeGraph {
            session: Mutex::new(session),
            hook: run::GraphHook::new(),
            skipped,
            skipped_count: loaded.skipped_count,
        })
    }

    /// The rows the load skipped, as `(file, line, column, message)`, and
    /// how many it skipped in all.
    #[pyo3(name = "_skipped")]
    fn skipped(&self) -> (Vec<SkippedRow>, usize) {
        (self.skipped.clone(), self.skipped_count)
    }

    /// Merges more data into the graph; returns (nodes added, edges added).
    /// On failure the graph is unchanged and `faultline.LoadError` is raised.
    #[pyo3(name = "_load_more")]
    fn load_more(&self, py: Python<'_>, paths: Vec<PathBuf>) -> PyResult<(usize, usize)> {
        let mut guard = self.lock()?;
        let session: &mut Session = &mut guard;
        py.detach(|| session.load_more(&paths))
            .map_err(|f| load_error(py, &f))
    }

    /// The date statements see the graph at (`YYYY-MM-DD`; today unless
    /// set), and the note about dates the CLI prints first (None when the
    /// data has no validity intervals).
    #[pyo3(name = "_date")]
    fn date(&self) -> PyResult<(String, Option<String>)> {
        let session = self.lock()?;
        Ok((session.date().to_string(), session.date_note()))
    }

    /// Sets the date statements see (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`; a
    /// partial date means its first day), as `--at` and `:at` do.
    #[pyo3(name = "_set_date")]
    fn set_date(&self, at: &str) -> PyResult<()> {
        let date = parse_date(at)?;
        self.lock()?.set_date(date);
        Ok(())
    }

    /// Node and edge counts.
    #[pyo3(name = "_counts")]
    fn counts(&self) -> PyResult<(usize, usize)> {
        let session = self.lock()?;
        let g = session.graph();
        Ok((g.node_count(), g.edge_count()))
    }

    /// The node with exactly this id, or None.
    fn node(&self, py: Python<'_>, id: &str) -> PyResult<Option<Py<Node>>> {
        let session = self.lock()?;
        let g = session.graph();
        match g.node_by_key(id) {
            Some(n) => Ok(Some(Py::new(py, Node::of(g, n))?)),
            None => Ok(None),
        }
    }

    /// Runs the statements of `source` (stopping at the first error) with
    /// `params` set for this call only and the work budget `budget` (the
    /// session's when None). Returns one item per statement run: a
    /// `NativeResult`, or for the statement that failed (the last) a tuple
    /// `("error", code, message, line, column, rendered, expected, help, text)`.
    /// Raises KeyboardInterrupt when interrupted (the statement is cancelled
    /// first, as in the REPL).
    #[pyo3(name = "_statements", signature = (source, origin="<query>", params=None, budget=None))]
    fn statements<'py>(
        &self,
        py: Python<'py>,
        source: &str,
        origin: &str,
        params: Option<&Bound<'py, PyDict>>,
        budget: Option<u64>,
    ) -> PyResult<Vec<Bound<'py, PyAny>>> {
        let mut values = Vec::new();
        if let Some(params) = params {
            merge_params(&mut values, params.as_any())?;
        }
        self.run_source(py, source, origin, values, budget)
    }

    /// Runs one or more statements (separated by ``;``) and returns the
    /// last one's :class:`Result`.
    ///
    /// Keywords are parameters for this call: ``g.query("... to $n", n="Taiwan")``
    /// (values: None, bool, int, float, str, ``datetime.date``, :class:`Node`
    /// or lists of these; ``params={...}`` for names that clash with the
    /// keywords here; both win over ``g.params``). ``budget`` caps the work
    /// in expanded edges and rows (default ``g.budget``).
    ///
    /// Raises :class:`QueryError` (with code, line, column and the caret
    /// rendering) when a statement fails; statements before it have run
    /// (a scenario they defined stays defined). KeyboardInterrupt cancels
    /// the running statement.
    #[pyo3(signature = (statements, *, params=None, budget=None, **kwparams))]
    fn query<'py>(
        slf: &Bound<'py, Self>,
        statements: &str,
        params: Option<&Bound<'py, PyAny>>,
        budget: Option<u64>,
        kwparams: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        // The graph's own parameters, then `params`, then the keywords: a
        // later one wins.
        let mut values = Vec::new();
        if let Some(own) = slf.getattr_opt(intern!(py, "params"))? {
            merge_params(&mut values, &own)?;
        }
        if let Some(params) = params {
            merge_params(&mut values, params)?;
        }
        if let Some(kwparams) = kwparams {
            merge_params(&mut values, kwparams.as_any())?;
        }
        let budget = match budget {
            Some(b) => Some(b),
            None => match slf.getattr_opt(intern!(py, "budget"))? {
                Some(b) => b.extract::<Option<u64>>()?,
                None => None,
            },
        };
        let mut outcomes = slf
            .borrow()
            .run_source(py, statements, "<query>", values, budget)?;
        match outcomes.last() {
            None => Err(PyValueError::new_err(
                "no statement to run: the text is empty or only comments",
            )),
            Some(last) if last.is_instance_of::<PyTuple>() => {
                let raise = RAISE.import(py, "faultline", "_raise")?;
                raise.call1((PyList::new(py, outcomes)?,))?;
                Err(PyRuntimeError::new_err(
                    "faultline._raise returned instead of raising",
                ))
            }
            Some(_) => Ok(outcomes.pop().expect("the match arm saw a last outcome")),
        }
    }
}

/// Adds a mapping's parameters to `values`, replacing those of the same
/// name (so each is set once per call and restored once after it).
fn merge_params(values: &mut Vec<(String, Value)>, mapping: &Bound<'_, PyAny>) -> PyResult<()> {
    let mut put = |name: String, value: Value| match values.iter_mut().find(|(n, _)| *n == name) {
        Some(slot) => slot.1 = value,
        None => values.push((name, value)),
    };
    if let Ok(dict) = mapping.cast::<PyDict>() {
        for (k, v) in dict.iter() {
            put(k.extract::<String>()?, py_to_value(&v)?);
        }
    } else {
        for item in mapping
            .call_method0(intern!(mapping.py(), "items"))?
            .try_iter()?
        {
            let (k, v) = item?.extract::<(String, Bound<'_, PyAny>)>()?;
            put(k, py_to_value(&v)?);
        }
    }
    Ok(())
}

impl NativeGraph {
    /// Runs `source` with `values` set for the call and `budget` (the
    /// session's when None): one `faultline.Result` per statement run, or for
    /// the statement that failed (the last) its error tuple.
    fn run_source<'py>(
        &self,
        py: Python<'py>,
        source: &str,
        origin: &str,
        values: Vec<(String, Value)>,
        budget: Option<u64>,
    ) -> PyResult<Vec<Bound<'py, PyAny>>> {
        let mut session = self.lock()?;
        let outcomes = run::with_call_settings(&mut session, values, budget, |s| {
            run::execute(py, s, &self.hook, source)
        })??;
        let graph = session.shared_graph();
        outcomes
            .into_iter()
            .map(|o| outcome_to_py(py, Arc::clone(&graph), o, origin, source))
            .collect()
    }

    /// The session, or an error when another thread is running a query on
    /// this graph (waiting would hold the GIL the other thread needs).
    fn lock(&self) -> PyResult<std::sync::MutexGuard<'_, Session>> {
        match self.session.try_lock() {
            Ok(guard) => Ok(guard),
            Err(std::sync::TryLockError::Poisoned(p)) => Ok(p.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) => Err(PyRuntimeError::new_err(
                "this graph is running a statement in another thread; \
                 open a second graph or wait for it",
            )),
        }
    }
}

/// Where the bundled graph is read from (`$FAULTLINE_DATA` when set).
#[pyfunction]
fn bundled_data() -> PyResult<PathBuf> {
    let dir = bundled_data_dir();
    if dir.is_dir() {
        Ok(dir)
    } else {
        Err(PyOSError::new_err(format!(
            "the bundled graph is not at {} (the package reads it from the repository it was \
             built from); set FAULTLINE_DATA to a graph-data directory or pass paths to open()",
            dir.display()
        )))
    }
}

/// How a statement started now on the calling thread would run, so that
/// Ctrl-C can stop it: "hooked" (inline, the extension's SIGINT handler
/// cancels it), "unwatched" (inline, off the main thread) or "polled" (on
/// a worker thread). For tests and diagnostics.
#[pyfunction]
fn interrupt_route(py: Python<'_>) -> PyResult<&'static str> {
    Ok(run::route(py)?.name())
}

/// Faultline's native extension: graph loading and statement execution.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<NativeGraph>()?;
    m.add_class::<NativeResult>()?;
    m.add_class::<convert::Node>()?;
    m.add_class::<convert::Edge>()?;
    m.add_class::<convert::Path>()?;
    m.add_function(wrap_pyfunction!(bundled_data, m)?)?;
    m.add_function(wrap_pyfunction!(interrupt_route, m)?)?;
    Ok(())
}
