//! Reading a CSV file in blocks and parsing each block on every core.
//!
//! A file is read 16 MiB at a time (memory stays bounded whatever its
//! size). A block is cut into one piece per thread at line breaks and the
//! pieces are parsed by scoped threads; their results come back in file
//! order, so everything downstream (problems, node and edge order) is the
//! same as a sequential read. Cutting at a line break is only safe outside
//! quotes: a block containing a `"` anywhere is parsed as one piece (on the
//! calling thread), which keeps quoted fields with line breaks exact and
//! costs only parallelism. Line numbers stay exact: each piece counts lines
//! from its first byte and the results are rebased in order.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::Barrier;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use super::records::{find_byte, has_byte};

/// How much of a file is read at a time.
pub(crate) const BLOCK: usize = 16 << 20;

/// The longest record read (a block grows to hold one record at most this
/// long): far above what a row of fields of at most
/// [`super::MAX_FIELD_BYTES`] needs, it bounds the memory a quote left open
/// can take, and keeps every offset within a piece in 32 bits.
pub(crate) const MAX_RECORD: usize = 64 << 20;

/// How a load reads and splits files: the block size and the number of
/// threads (tests shrink both to exercise every cut).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tuning {
    pub block: usize,
    pub threads: usize,
}

impl Default for Tuning {
    fn default() -> Tuning {
        Tuning {
            block: BLOCK,
            threads: threads(),
        }
    }
}

impl Tuning {
    /// Below this, a block is not worth splitting between threads.
    fn min_split(&self) -> usize {
        self.block / 64
    }
}

/// The UTF-8 byte order mark some spreadsheet programs write.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A file read in blocks: the bytes not yet parsed, and where they are.
#[derive(Debug)]
pub(crate) struct Blocks {
    file: File,
    buf: Vec<u8>,
    /// Where the unread bytes start in `buf`.
    start: usize,
    /// The line of `buf[start]`.
    line: usize,
    eof: bool,
    /// How much the next read asks for (doubles while a record spans blocks).
    want: usize,
    /// The usual read.
    block: usize,
    /// The file's size when opened.
    size: u64,
    /// The next block, read ahead while the current one was parsed: it
    /// starts at `GAP` in `spare`, with what was read and asked for.
    spare: Vec<u8>,
    ahead: Option<(io::Result<usize>, usize)>,
}

/// The two read buffers of a [`Blocks`], kept from one file to the next.
#[derive(Debug, Default)]
pub(crate) struct Buffers(Vec<u8>, Vec<u8>);

/// Room kept before a block read ahead, for the record cut at the end of
/// the block before (moved there instead of moving the block).
const GAP: usize = 1 << 16;

impl Blocks {
    /// Opens a file and reads its first `first` bytes (a leading BOM is
    /// dropped); later blocks are `block` bytes.
    pub(crate) fn open(path: &Path, first: usize, block: usize) -> io::Result<Blocks> {
        Blocks::open_in(path, first, block, Buffers::default())
    }

    /// [`Blocks::open`] reading into `bufs` (those of a file read before:
    /// fresh memory costs a page fault per 4 KiB on its first write).
    pub(crate) fn open_in(
        path: &Path,
        first: usize,
        block: usize,
        bufs: Buffers,
    ) -> io::Result<Blocks> {
        let file = File::open(path)?;
        let size = file.metadata()?.len();
        let Buffers(mut buf, spare) = bufs;
        buf.clear();
        let mut b = Blocks {
            file,
            size,
            buf,
            start: 0,
            line: 1,
            eof: false,
            want: first.max(BOM.len()),
            block: block.max(1),
            spare,
            ahead: None,
        };
        b.fill()?;
        if b.buf.starts_with(BOM) {
            b.start = BOM.len();
        }
        Ok(b)
    }

    /// The buffers, for the next file.
    pub(crate) fn into_buffers(self) -> Buffers {
        Buffers(self.buf, self.spare)
    }

    /// About how many records the file holds, judging by `records` found
    /// in its first `bytes` bytes.
    pub(crate) fn estimate(&self, records: usize, bytes: usize) -> usize {
        let est = self.size as f64 * records as f64 / bytes.max(1) as f64;
        (est * 1.05) as usize + 16
    }

    /// The unread bytes, the line of their first byte, and whether they
    /// run to the end of the file.
    pub(crate) fn unread(&self) -> (&[u8], usize, bool) {
        (&self.buf[self.start..], self.line, self.eof)
    }

    /// Marks `n` unread bytes as parsed; `line` is the line after them.
    pub(crate) fn consume(&mut self, n: usize, line: usize) {
        self.want = if n == 0 {
            self.want.saturating_mul(2)
        } else {
            self.block
        };
        self.start += n;
        self.line = line;
    }

    /// Runs `f` on the unread bytes (as [`Blocks::unread`] gives them)
    /// while another thread reads the next block, so reading the file
    /// overlaps parsing it.
    pub(crate) fn with_unread<R>(&mut self, f: impl FnOnce(&[u8], usize, bool) -> R) -> R {
        if self.eof || self.ahead.is_some() {
            return f(&self.buf[self.start..], self.line, self.eof);
        }
        let want = self.want;
        let Blocks {
            file,
            buf,
            spare,
            start,
            line,
            ..
        } = self;
        let (r, read) = std::thread::scope(|s| {
            let reader = s.spawn(move || {
                spare.clear();
                spare.resize(GAP, 0);
                file.take(want as u64).read_to_end(spare)
            });
            let r = f(&buf[*start..], *line, false);
            (
                r,
                reader
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e)),
            )
        });
        self.ahead = Some((read, want));
        r
    }

    /// Reads the next block after the unread bytes (which move to the front).
    pub(crate) fn fill(&mut self) -> io::Result<()> {
        let carry = self.buf.len() - self.start;
        if carry > MAX_RECORD {
            // Told apart from other errors by its kind (see `csv::read_on`).
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "a record longer than the longest read",
            ));
        }
        if let Some((read, want)) = self.ahead.take() {
            let got = read?;
            if got < want {
                self.eof = true;
            }
            if carry <= GAP {
                let at = GAP - carry;
                self.spare[at..GAP].copy_from_slice(&self.buf[self.start..]);
                std::mem::swap(&mut self.buf, &mut self.spare);
                self.start = at;
            } else {
                let mut joined = Vec::with_capacity(carry + got);
                joined.extend_from_slice(&self.buf[self.start..]);
                joined.extend_from_slice(&self.spare[GAP..]);
                self.buf = joined;
                self.start = 0;
            }
            return Ok(());
        }
        self.buf.drain(..self.start);
        self.start = 0;
        let want = self.want as u64;
        let got = (&mut self.file).take(want).read_to_end(&mut self.buf)?;
        if (got as u64) < want {
            self.eof = true;
        }
        Ok(())
    }
}

/// How many threads parse a block: the machine's parallelism, at most 8.
pub(crate) fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
}

/// What a piece's parse reports besides its result.
#[derive(Debug)]
pub(crate) struct Parsed<T> {
    /// The piece's result.
    pub out: T,
    /// How many of its bytes were parsed (less than all only for the last
    /// piece of a block that cuts a record short).
    pub used: usize,
    /// The line after the parsed bytes, counting from the piece's first line.
    pub end_line: usize,
    /// A problem that ends the file (its line counting from the piece's
    /// first line): rows after it are not read.
    pub stop: Option<Stop>,
}

/// A problem that ends the reading of a file: a field over the size limit,
/// a quote never closed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Stop {
    pub line: usize,
    pub col: Option<usize>,
    pub message: String,
}

/// A result in file order, with the line its piece starts on.
#[derive(Debug)]
pub(crate) struct Piece<T> {
    /// The piece's result.
    pub out: T,
    /// The line of the piece's first byte (add it to piece-relative lines).
    pub first_line: usize,
    /// A problem that ends the file, its line rebased (later pieces are
    /// dropped).
    pub stop: Option<Stop>,
}

/// How many pieces a block is cut into per thread: the threads take the
/// next piece as they finish one, so a thread slowed down (by the loading
/// thread adding the block before, or by another process) parses fewer
/// pieces instead of holding the others up at the end of the block.
const PIECES_PER_THREAD: usize = 4;

/// Parses `bytes` (whole records from line `line`; a cut record at the end
/// unless `last`) in pieces, on `tuning.threads` threads, with
/// `parse(piece, last)`. Returns the results in order, how many bytes were
/// parsed and the line after them. Pieces are parsed with line numbers
/// counting from 0; each [`Piece`] says what to add.
pub(crate) fn parse_pieces<T: Send>(
    bytes: &[u8],
    line: usize,
    last: bool,
    tuning: Tuning,
    parse: impl Fn(&[u8], bool) -> Parsed<T> + Sync,
) -> (Vec<Piece<T>>, usize, usize) {
    let count = match tuning.threads {
        0 | 1 => 1,
        t => t.saturating_mul(PIECES_PER_THREAD),
    };
    let cuts = cut_points(bytes, count, tuning.min_split());
    let parsed = if cuts.len() == 1 {
        None
    } else {
        let mut from = 0;
        let slices: Vec<&[u8]> = cuts
            .iter()
            .map(|&to| {
                let piece = &bytes[from..to];
                from = to;
                piece
            })
            .collect();
        parse_shared(&slices, last, tuning.threads.min(slices.len()), &parse)
    };
    let (parsed, cuts) = match parsed {
        Some(p) => (p, cuts),
        None => (vec![parse(bytes, last)], vec![bytes.len()]),
    };
    let mut pieces = Vec::with_capacity(parsed.len());
    let (mut used, mut first_line) = (0, line);
    let mut from = 0;
    for (p, to) in parsed.into_iter().zip(cuts) {
        used = from + p.used;
        from = to;
        let stop = p.stop.map(|s| Stop {
            line: first_line + s.line,
            ..s
        });
        let stops = stop.is_some();
        pieces.push(Piece {
            out: p.out,
            first_line,
            stop,
        });
        first_line += p.end_line;
        if stops {
            break;
        }
    }
    (pieces, used, first_line)
}

/// Parses `pieces` (in order; the last ends the input when `last`) on
/// `threads` threads, each taking the next piece not taken; `None` when a
/// piece holds a quote (a cut may then have fallen inside a quoted field).
/// The threads first make sure no piece does, in parallel, and parse only
/// then, so a quote wastes nothing but the scan.
fn parse_shared<T: Send>(
    pieces: &[&[u8]],
    last: bool,
    threads: usize,
    parse: &(impl Fn(&[u8], bool) -> Parsed<T> + Sync),
) -> Option<Vec<Parsed<T>>> {
    let quoted = AtomicBool::new(false);
    let scanned = Barrier::new(threads);
    let next = AtomicUsize::new(0);
    let work = |first: usize| {
        let scan = pieces.iter().skip(first).step_by(threads);
        if scan.into_iter().any(|p| has_byte(p, b'"')) {
            quoted.store(true, Ordering::Relaxed);
        }
        scanned.wait();
        if quoted.load(Ordering::Relaxed) {
            return Vec::new();
        }
        let mut done = Vec::new();
        loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            let Some(piece) = pieces.get(k) else {
                return done;
            };
            done.push((k, parse(piece, last && k + 1 == pieces.len())));
        }
    };
    let mut all: Vec<(usize, Parsed<T>)> = std::thread::scope(|s| {
        let work = &work;
        let handles: Vec<_> = (1..threads).map(|t| s.spawn(move || work(t))).collect();
        let mut all = work(0);
        for h in handles {
            all.extend(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        all
    });
    if quoted.load(Ordering::Relaxed) {
        return None;
    }
    all.sort_unstable_by_key(|(k, _)| *k);
    Some(all.into_iter().map(|(_, p)| p).collect())
}

/// Where to cut `bytes` into pieces: just after line breaks near equal
/// shares; one piece when it is small.
fn cut_points(bytes: &[u8], threads: usize, min: usize) -> Vec<usize> {
    if threads < 2 || bytes.len() < min {
        return vec![bytes.len()];
    }
    let mut cuts = Vec::with_capacity(threads);
    let mut from = 0;
    for k in 1..threads {
        let target = (bytes.len() * k / threads).max(from);
        match find_byte(bytes, b'\n', target) {
            Some(at) if at + 1 < bytes.len() => {
                cuts.push(at + 1);
                from = at + 1;
            }
            _ => break,
        }
    }
    cuts.push(bytes.len());
    cuts.dedup();
    cuts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_fall_after_line_breaks() {
        let bytes: Vec<u8> = b"a,b,c\n".repeat(100_000);
        let cuts = cut_points(&bytes, 3, 1 << 18);
        assert_eq!(cuts.len(), 3);
        for c in &cuts[..2] {
            assert_eq!(bytes[c - 1], b'\n');
        }
        assert_eq!(cuts[2], bytes.len());
        assert_eq!(cut_points(&bytes, 3, bytes.len() + 1), [bytes.len()]);
    }

    #[test]
    fn a_block_with_a_quote_is_parsed_whole() {
        let mut bytes: Vec<u8> = b"a,b\n".repeat(1000);
        bytes[2001] = b'"';
        let tuning = Tuning {
            block: 64,
            threads: 3,
        };
        let (pieces, used, _) = parse_pieces(&bytes, 1, true, tuning, |piece, _| Parsed {
            out: piece.len(),
            used: piece.len(),
            end_line: 0,
            stop: None,
        });
        assert_eq!(
            pieces.iter().map(|p| p.out).collect::<Vec<_>>(),
            [bytes.len()]
        );
        assert_eq!(used, bytes.len());
    }

    #[test]
    fn pieces_come_back_in_order_with_their_lines() {
        let bytes: Vec<u8> = (0..100_000)
            .flat_map(|i| format!("{i}\n").into_bytes())
            .collect();
        let tuning = Tuning {
            block: 1 << 20,
            threads: 4,
        };
        let (pieces, used, end) = parse_pieces(&bytes, 1, true, tuning, |piece, _| Parsed {
            out: piece.to_vec(),
            used: piece.len(),
            end_line: piece.iter().filter(|b| **b == b'\n').count(),
            stop: None,
        });
        assert_eq!((used, end), (bytes.len(), 100_001));
        let joined: Vec<u8> = pieces.iter().flat_map(|p| p.out.clone()).collect();
        assert_eq!(joined, bytes);
        for p in &pieces {
            let first: String = String::from_utf8_lossy(&p.out)
                .lines()
                .next()
                .unwrap()
                .into();
            assert_eq!(first.parse::<usize>().unwrap() + 1, p.first_line);
        }
    }
}
