//! Finding the data files of a data set: directories are walked
//! recursively in sorted path order (so a load is deterministic), and each
//! file is classified by its name or, for CSV, by its header.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::diag::Problem;

use super::MAX_FIELD_BYTES;
use super::blocks::Blocks;
use super::records::{Record, RecordBuf, Scanner};
use super::report::Sink;

/// What a data file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    /// `schema.toml`.
    Schema,
    /// A CSV file whose header starts with `id,kind`.
    Nodes,
    /// A CSV file whose header starts with `from,to,type`.
    Edges,
    /// A JSON document with `nodes` and/or `edges`.
    Json,
}

/// One file to read, with the name problems will use.
#[derive(Clone, Debug)]
pub(crate) struct DataFile {
    /// Where to read it.
    pub path: PathBuf,
    /// How to name it in messages (the path as given or found).
    pub display: String,
    /// What it holds.
    pub class: Class,
}

/// What a node file's header must look like, for messages.
pub(crate) const NODE_HEADER: &str = "id,kind,name[,aliases][,property...]";
/// What an edge file's header must look like, for messages.
pub(crate) const EDGE_HEADER: &str = "from,to,type[,property...]";

/// Finds and classifies every data file under `paths`, in order: the paths
/// in the order given, each directory's files in sorted path order. A file
/// reached twice (the same directory given twice) is read once.
pub(crate) fn discover(paths: &[PathBuf], sink: &mut Sink) -> Vec<DataFile> {
    let mut out = Vec::new();
    let mut seen: HashSet<PathBuf> = HashSet::new();
    for path in paths {
        let display = path.display().to_string();
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) => {
                sink.fatal(Problem::new(
                    display,
                    io_message(&e, "a data file or directory"),
                ));
                continue;
            }
        };
        if !meta.is_dir() && !meta.is_file() {
            // A FIFO or device would block the load or never end.
            sink.fatal(Problem::new(display, not_regular(&meta)));
            continue;
        }
        if meta.is_dir() {
            let mut found = Vec::new();
            let mut visited = HashSet::new();
            walk(path, &mut found, &mut visited, sink);
            found.sort();
            for file in found {
                if let Some(class) = class_by_name(&file, false) {
                    push(&mut out, &mut seen, file, class, sink);
                }
            }
        } else {
            match class_by_name(path, true) {
                Some(class) => push(&mut out, &mut seen, path.clone(), class, sink),
                None => sink.fatal(Problem::new(
                    display,
                    "not a data file; expected a directory, a .csv file, a .json file or a .toml schema",
                )),
            }
        }
    }
    out
}

/// Adds a file unless already added; CSV files are classified by header.
fn push(
    out: &mut Vec<DataFile>,
    seen: &mut HashSet<PathBuf>,
    path: PathBuf,
    class: Class,
    sink: &mut Sink,
) {
    let key = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
    if !seen.insert(key) {
        return;
    }
    let display = path.display().to_string();
    let class = if class == Class::Nodes {
        match classify_csv(&path) {
            Ok(c) => c,
            Err(message) => {
                let mut p = Problem::new(display, message);
                p.line = Some(1);
                sink.fatal(p);
                return;
            }
        }
    } else {
        class
    };
    out.push(DataFile {
        path,
        display,
        class,
    });
}

/// The marker file that keeps a directory out of a data set (the bundled
/// graph keeps the raw files its imports are made from that way).
pub const IGNORE_MARKER: &str = ".faultline-ignore";

/// Collects every regular file under `dir`. Hidden entries (`.git`, editor
/// files) are skipped, and so is a directory holding [`IGNORE_MARKER`];
/// symlinked directories are followed once.
fn walk(dir: &Path, out: &mut Vec<PathBuf>, visited: &mut HashSet<PathBuf>, sink: &mut Sink) {
    if dir.join(IGNORE_MARKER).exists() {
        return;
    }
    let real = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    if !visited.insert(real) {
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => return unreadable(sink, dir, &e),
    };
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                unreadable(sink, dir, &e);
                continue;
            }
        };
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        match std::fs::metadata(&path) {
            Ok(m) if m.is_dir() => walk(&path, out, visited, sink),
            Ok(m) if m.is_file() => out.push(path),
            // A data file's name on something that is not one (a dangling
            // link, a FIFO) is reported: silently missing data is worse.
            // Other names hold no data.
            found if class_by_name(&path, false).is_some() => {
                let message = match found {
                    Ok(m) => not_regular(&m),
                    Err(e) => match std::fs::read_link(&path) {
                        Ok(target) => format!(
                            "a symbolic link to `{}`, which {}; expected a data file",
                            target.display(),
                            if e.kind() == std::io::ErrorKind::NotFound {
                                "does not exist".to_string()
                            } else {
                                format!("cannot be read ({e})")
                            }
                        ),
                        Err(_) => io_message(&e, "a readable data file"),
                    },
                };
                sink.fatal(Problem::new(path.display().to_string(), message));
            }
            _ => {}
        }
    }
}

/// Why a path that is neither a file nor a directory is not read.
/// A directory (or one of its entries) that cannot be read.
fn unreadable(sink: &mut Sink, dir: &Path, e: &std::io::Error) {
    sink.fatal(Problem::new(
        dir.display().to_string(),
        io_message(e, "a readable directory"),
    ));
}

fn not_regular(meta: &std::fs::Metadata) -> String {
    let kind = meta.file_type();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe), not a file; expected a data file or directory \
                    (copy the data to a file first)"
                .to_string();
        }
        if kind.is_char_device() || kind.is_block_device() || kind.is_socket() {
            return "a device or socket, not a file; expected a data file or directory".to_string();
        }
    }
    let _ = kind;
    "not a regular file; expected a data file or directory".to_string()
}

/// Classifies by file name. Inside a directory only `schema.toml` is a
/// schema; a `.toml` file given by itself is read as one too. CSV files are
/// provisionally `Nodes` until their header is read.
fn class_by_name(path: &Path, given: bool) -> Option<Class> {
    let name = path.file_name()?.to_string_lossy();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("csv") => Some(Class::Nodes),
        Some("json") => Some(Class::Json),
        Some("toml") if given || name == "schema.toml" => Some(Class::Schema),
        _ => None,
    }
}

/// Reads a CSV file's header and says whether it is a node or an edge file.
fn classify_csv(path: &Path) -> Result<Class, String> {
    let names = read_header(path)?;
    let starts =
        |want: &[&str]| names.len() >= want.len() && names.iter().zip(want).all(|(a, b)| a == b);
    if starts(&["id", "kind"]) {
        Ok(Class::Nodes)
    } else if starts(&["from", "to", "type"]) {
        Ok(Class::Edges)
    } else {
        Err(format!(
            "unrecognized CSV header `{}`; expected a node file ({NODE_HEADER}) or an edge file ({EDGE_HEADER})",
            names.join(",")
        ))
    }
}

/// A CSV file's column names, reading no more of it than the header needs.
fn read_header(path: &Path) -> Result<Vec<String>, String> {
    let mut blocks =
        Blocks::open(path, 1 << 12, 1 << 12).map_err(|e| io_message(&e, "a readable CSV file"))?;
    let mut buf = RecordBuf::default();
    loop {
        let (bytes, line, last) = blocks.unread();
        let mut s = Scanner::new(bytes, line, last);
        if s.next(&mut buf) {
            let rec = Record::new(bytes, &buf);
            if let Some((i, len)) = rec.longer_than(MAX_FIELD_BYTES) {
                return Err(format!(
                    "header field {} is {len} bytes long; expected at most {MAX_FIELD_BYTES} bytes per field",
                    i + 1
                ));
            }
            return header_names(rec.iter());
        }
        if s.unclosed().is_some() {
            return Err(
                "a quote in the header is never closed; expected a closing `\"` before the end of the file"
                    .to_string(),
            );
        }
        if last {
            return Err(format!(
                "empty CSV file; expected a header: {NODE_HEADER} or {EDGE_HEADER}"
            ));
        }
        // A header longer than what was read: read on.
        blocks.consume(0, line);
        blocks
            .fill()
            .map_err(|e| format!("cannot read the CSV header: {e}"))?;
    }
}

/// A header's column names, trimmed. Invalid UTF-8 is an error.
pub(crate) fn header_names<'r>(
    fields: impl Iterator<Item = &'r [u8]>,
) -> Result<Vec<String>, String> {
    fields
        .enumerate()
        .map(|(i, field)| match std::str::from_utf8(field) {
            Ok(s) => Ok(s.trim().to_string()),
            Err(_) => Err(format!(
                "header column {} `{}` is not valid UTF-8; expected UTF-8 text",
                i + 1,
                String::from_utf8_lossy(field)
            )),
        })
        .collect()
}

/// An I/O error in words, with what was expected.
pub(crate) fn io_message(e: &std::io::Error, expected: &str) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => format!("no such file or directory; expected {expected}"),
        std::io::ErrorKind::PermissionDenied => format!("permission denied; expected {expected}"),
        _ => format!("cannot read: {e}; expected {expected}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_name() {
        assert_eq!(
            class_by_name(Path::new("a/b.CSV"), false),
            Some(Class::Nodes)
        );
        assert_eq!(
            class_by_name(Path::new("a/b.json"), false),
            Some(Class::Json)
        );
        assert_eq!(
            class_by_name(Path::new("a/schema.toml"), false),
            Some(Class::Schema)
        );
        assert_eq!(class_by_name(Path::new("a/Cargo.toml"), false), None);
        assert_eq!(
            class_by_name(Path::new("a/my-schema.toml"), true),
            Some(Class::Schema)
        );
        assert_eq!(class_by_name(Path::new("a/readme.md"), false), None);
    }
}
