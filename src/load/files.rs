//! Finding the data files of a data set: directories are walked
//! recursively in sorted path order (so a load is deterministic), and each
//! file is classified by its name or, for CSV, by its header.

use std::collections::HashSet;
use std::fs::File;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use crate::diag::Problem;

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
        Err(e) => {
            sink.fatal(Problem::new(
                dir.display().to_string(),
                io_message(&e, "a readable directory"),
            ));
            return;
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                sink.fatal(Problem::new(
                    dir.display().to_string(),
                    io_message(&e, "a readable directory"),
                ));
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
            // Broken symlinks, sockets and the like hold no data.
            _ => {}
        }
    }
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
    let mut reader = csv_reader(path).map_err(|e| io_message(&e, "a readable CSV file"))?;
    let mut header = csv::ByteRecord::new();
    match reader.read_byte_record(&mut header) {
        Ok(true) => {}
        Ok(false) => {
            return Err(format!(
                "empty CSV file; expected a header: {NODE_HEADER} or {EDGE_HEADER}"
            ));
        }
        Err(e) => return Err(format!("cannot read the CSV header: {e}")),
    }
    let names = header_names(&header)?;
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

/// A header's column names, trimmed. Invalid UTF-8 is an error.
pub(crate) fn header_names(header: &csv::ByteRecord) -> Result<Vec<String>, String> {
    header
        .iter()
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

/// A CSV reader over a file (with its first bytes put back).
pub(crate) type CsvReader = csv::Reader<Crlf<std::io::Chain<Cursor<Vec<u8>>, File>>>;

/// The UTF-8 byte order mark some spreadsheet programs write.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A CSV reader over a file, with a leading byte order mark removed, no
/// header handling (the caller reads the header as the first record, so
/// line numbers stay the file's) and ragged rows let through (the caller
/// reports them with both counts).
pub(crate) fn csv_reader(path: &Path) -> std::io::Result<CsvReader> {
    let mut file = File::open(path)?;
    let mut head = [0u8; 3];
    let mut n = 0;
    while n < head.len() {
        match file.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let prefix = if head[..n] == *BOM {
        Vec::new()
    } else {
        head[..n].to_vec()
    };
    Ok(csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(Crlf::new(Cursor::new(prefix).chain(file))))
}

/// Turns `\r\n` into `\n` while streaming. The csv crate takes a record's
/// position before it consumes the `\n` of the previous record's `\r\n`,
/// so with CRLF files every line number after the header would be one
/// short; with plain `\n` they are exact. (A `\r\n` inside a quoted field
/// becomes `\n` too, which is what a name wants anyway.)
///
/// It also follows the quoting as the bytes pass (see [`Quotes`]): the csv
/// crate reads a quote that is never closed as a field running to the end
/// of the file, silently, so the loader asks this reader instead.
pub(crate) struct Crlf<R> {
    inner: R,
    /// A `\r` that ended the last chunk, held until we know what follows.
    pending_cr: bool,
    quotes: Quotes,
    at_end: bool,
}

impl<R: Read> Crlf<R> {
    pub(crate) fn new(inner: R) -> Crlf<R> {
        Crlf {
            inner,
            pending_cr: false,
            quotes: Quotes::default(),
            at_end: false,
        }
    }

    /// Once the whole file has been read: where a quoted field was opened
    /// and never closed, as (line, column).
    pub(crate) fn unclosed_quote(&self) -> Option<(usize, usize)> {
        // A quote just read at the very end closes its field.
        if !self.at_end || self.quotes.state != QuoteState::Quoted {
            return None;
        }
        self.quotes.open
    }
}

/// Where the quoting of a CSV stream stands (RFC 4180 as the csv crate
/// reads it: a `"` opens a quoted field only at the start of a field, `""`
/// inside one is a quote, and a quote inside an unquoted field is text).
#[derive(Debug)]
struct Quotes {
    state: QuoteState,
    line: usize,
    col: usize,
    /// The (line, column) of the quote that opened the current quoted field.
    open: Option<(usize, usize)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum QuoteState {
    FieldStart,
    Unquoted,
    Quoted,
    /// A `"` inside a quoted field: a closing quote, or the first of `""`.
    QuoteInQuoted,
}

impl Default for Quotes {
    fn default() -> Quotes {
        Quotes {
            state: QuoteState::FieldStart,
            line: 1,
            col: 0,
            open: None,
        }
    }
}

impl Quotes {
    #[inline]
    fn feed(&mut self, bytes: &[u8]) {
        use QuoteState::*;
        for &b in bytes {
            // Columns count characters: UTF-8 continuation bytes do not.
            if b & 0xC0 != 0x80 {
                self.col += 1;
            }
            self.state = match (self.state, b) {
                (Quoted, b'"') => QuoteInQuoted,
                (Quoted, _) => Quoted,
                (FieldStart, b'"') => {
                    self.open = Some((self.line, self.col));
                    Quoted
                }
                (QuoteInQuoted, b'"') => Quoted,
                (_, b',' | b'\n' | b'\r') => FieldStart,
                _ => Unquoted,
            };
            if self.state != Quoted && self.state != QuoteInQuoted {
                self.open = None;
            }
            if b == b'\n' {
                self.line += 1;
                self.col = 0;
            }
        }
    }
}

impl<R: Read> Read for Crlf<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if out.len() < 2 {
            // Too small to look ahead; never the case for the csv reader.
            if self.pending_cr && !out.is_empty() {
                self.pending_cr = false;
                out[0] = b'\r';
                self.quotes.feed(&out[..1]);
                return Ok(1);
            }
            let n = self.inner.read(out)?;
            if n == 0 && !out.is_empty() {
                self.at_end = true;
            }
            self.quotes.feed(&out[..n]);
            return Ok(n);
        }
        loop {
            let start = usize::from(self.pending_cr);
            if self.pending_cr {
                out[0] = b'\r';
            }
            let n = match self.inner.read(&mut out[start..]) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if n == 0 {
                // End of input: a held `\r` is just a byte.
                self.pending_cr = false;
                self.at_end = true;
                self.quotes.feed(&out[..start]);
                return Ok(start);
            }
            let end = start + n;
            self.pending_cr = false;
            let mut w = 0;
            for r in 0..end {
                let b = out[r];
                if b == b'\r' {
                    if r + 1 == end {
                        self.pending_cr = true;
                        continue;
                    }
                    if out[r + 1] == b'\n' {
                        continue;
                    }
                }
                out[w] = b;
                w += 1;
            }
            if w > 0 {
                self.quotes.feed(&out[..w]);
                return Ok(w);
            }
        }
    }
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

    /// Reads through `Crlf` in chunks of `size` bytes.
    fn through(input: &[u8], size: usize) -> Vec<u8> {
        let mut r = Crlf::new(input);
        let mut out = Vec::new();
        let mut buf = vec![0u8; size];
        loop {
            let n = r.read(&mut buf).expect("reading a slice cannot fail");
            if n == 0 {
                return out;
            }
            out.extend_from_slice(&buf[..n]);
        }
    }

    #[test]
    fn crlf_becomes_lf_across_chunk_boundaries() {
        let input = b"a,b\r\nc\r\r\n\rd\r";
        for size in 2..8 {
            assert_eq!(
                through(input, size),
                b"a,b\nc\r\n\rd\r",
                "chunk size {size}"
            );
        }
    }

    /// Where `Crlf` says a quote was left open, reading in chunks of `size`.
    fn unclosed(input: &[u8], size: usize) -> Option<(usize, usize)> {
        let mut r = Crlf::new(input);
        let mut buf = vec![0u8; size];
        while r.read(&mut buf).expect("reading a slice cannot fail") > 0 {}
        r.unclosed_quote()
    }

    #[test]
    fn a_quote_left_open_is_found_where_it_opens() {
        for size in [1, 2, 3, 7, 64] {
            let closed: &[&[u8]] = &[
                b"a,\"b\"\n",
                b"a,\"multi\r\nline \"\"q\"\"\"\n",
                b"a,5\" wafer\n",
                b"a, \"x\n",
                b"\"\"",
                b"a,\"b\"",
                b"a,\"b\"c\"\n",
            ];
            for input in closed {
                assert_eq!(unclosed(input, size), None, "{input:?} in chunks of {size}");
            }
            assert_eq!(unclosed(b"id\na,\"open\nb,c\n", size), Some((2, 3)));
            assert_eq!(unclosed(b"\"", size), Some((1, 1)));
            assert_eq!(unclosed("é,\"x".as_bytes(), size), Some((1, 3)));
        }
    }

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
