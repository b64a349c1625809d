//! Export errors: writing files and running Graphviz. Each names the file
//! (or program) and says what to do about it.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// Why an export could not be written or rendered.
#[derive(Debug)]
pub enum ExportError {
    /// The directory the file would go in does not exist.
    MissingDirectory {
        /// The file asked for.
        path: PathBuf,
        /// Its directory.
        dir: PathBuf,
    },
    /// The path names a directory, not a file.
    IsDirectory {
        /// The path asked for.
        path: PathBuf,
    },
    /// The path has no file name (empty, or ending in `..`).
    NoFileName {
        /// The path asked for.
        path: PathBuf,
    },
    /// The path exists and is not something an export may replace (a
    /// device, FIFO, socket, symbolic link or read-only file).
    Refused {
        /// The path asked for.
        path: PathBuf,
        /// Why, and what to do instead.
        reason: String,
    },
    /// Creating, writing or renaming the file failed (permissions, a parent
    /// that is a file, a full disk, ...).
    Io {
        /// The file asked for.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// Graphviz's `dot` program is not installed (not on `PATH`).
    GraphvizMissing {
        /// The program looked for.
        program: String,
    },
    /// `dot` ran and failed.
    GraphvizFailed {
        /// The image asked for.
        path: PathBuf,
        /// The exit status, as the system prints it.
        status: String,
        /// The start of what `dot` wrote on stderr.
        stderr: String,
    },
    /// `dot` could not be started or talked to.
    GraphvizIo {
        /// The program run.
        program: String,
        /// What the system said.
        source: io::Error,
    },
    /// `dot` ran past its time limit and was stopped.
    GraphvizTimeout {
        /// The image asked for.
        path: PathBuf,
        /// The limit, in seconds.
        seconds: u64,
    },
    /// The user pressed Ctrl-C while `dot` ran; it was stopped.
    GraphvizCancelled,
}

/// How to install Graphviz, said whenever `dot` is missing.
pub(crate) const INSTALL_HINT: &str = "install Graphviz (`apt-get install graphviz` on \
Debian/Ubuntu, `brew install graphviz` on macOS, or see https://graphviz.org/download/), \
or export DOT and render it yourself with `dot -Tsvg FILE.dot -o FILE.svg`";

/// A short reason for an I/O error, without the `(os error N)` noise for
/// the common cases.
fn reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        io::ErrorKind::NotADirectory => "a parent of the path is not a directory".to_string(),
        io::ErrorKind::ReadOnlyFilesystem => "the file system is read-only".to_string(),
        io::ErrorKind::StorageFull => "no space left on the device".to_string(),
        _ => e.to_string(),
    }
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportError::MissingDirectory { path, dir } => write!(
                f,
                "cannot write `{}`: directory `{}` does not exist",
                path.display(),
                dir.display()
            ),
            ExportError::IsDirectory { path } => {
                write!(
                    f,
                    "cannot write `{}`: it is a directory, expected a file name",
                    path.display()
                )
            }
            ExportError::NoFileName { path } => {
                write!(f, "cannot write `{}`: expected a file name", path.display())
            }
            ExportError::Refused { path, reason } => {
                write!(f, "refusing to write `{}`: {reason}", path.display())
            }
            ExportError::Io { path, source } => {
                write!(f, "cannot write `{}`: {}", path.display(), reason(source))
            }
            ExportError::GraphvizMissing { program } => write!(
                f,
                "cannot render: Graphviz's `{program}` program was not found on PATH; {INSTALL_HINT}"
            ),
            ExportError::GraphvizFailed {
                path,
                status,
                stderr,
            } => {
                write!(
                    f,
                    "Graphviz `dot` failed ({status}) rendering `{}`",
                    path.display()
                )?;
                if !stderr.is_empty() {
                    write!(f, ": {stderr}")?;
                }
                Ok(())
            }
            ExportError::GraphvizIo { program, source } => {
                write!(f, "cannot run Graphviz `{program}`: {}", reason(source))
            }
            ExportError::GraphvizTimeout { path, seconds } => write!(
                f,
                "Graphviz did not finish `{}` within {seconds} s and was stopped; export fewer \
                 nodes (`depth 1`, `top 10`, a `where` clause), choose a faster layout \
                 (`layout sfdp`) or drop edge labels (`labels off`), or export `dot` and run \
                 Graphviz yourself (`sfdp -Tsvg FILE.dot -o FILE.svg`)",
                path.display()
            ),
            ExportError::GraphvizCancelled => {
                f.write_str("rendering cancelled; nothing was written")
            }
        }
    }
}

impl std::error::Error for ExportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ExportError::Io { source, .. } | ExportError::GraphvizIo { source, .. } => Some(source),
            _ => None,
        }
    }
}
