//! Rendering DOT to an image with Graphviz's `dot`, run as a child process:
//! the DOT goes to its stdin, the image comes from its stdout and is written
//! with [`write_atomic`], so a failed render never leaves a partial image.
//! Graphviz is optional: without it, the error says how to install it.

use std::io::{self, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::error::ExportError;
use super::write::{check_target, write_atomic};
use crate::limits::CancelFlag;

/// How long Graphviz may run by default before it is stopped.
pub const DEFAULT_RENDER_TIMEOUT: Duration = Duration::from_secs(60);

/// What stops a render: a time limit and a cancel flag (Ctrl-C).
#[derive(Clone, Debug)]
pub struct RenderLimits {
    /// Graphviz is killed after this long.
    pub timeout: Duration,
    /// Graphviz is killed soon after this is set.
    pub cancel: CancelFlag,
}

impl Default for RenderLimits {
    fn default() -> RenderLimits {
        RenderLimits {
            timeout: DEFAULT_RENDER_TIMEOUT,
            cancel: CancelFlag::new(),
        }
    }
}

/// An image format Graphviz can render to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageFormat {
    /// Scalable vector graphics (`dot -Tsvg`).
    Svg,
    /// A PNG bitmap (`dot -Tpng`).
    Png,
}

impl ImageFormat {
    /// The format a file name asks for, by extension (`.svg`, `.png`,
    /// ignoring case).
    pub fn from_path(path: &Path) -> Option<ImageFormat> {
        let ext = path.extension()?.to_str()?;
        if ext.eq_ignore_ascii_case("svg") {
            Some(ImageFormat::Svg)
        } else if ext.eq_ignore_ascii_case("png") {
            Some(ImageFormat::Png)
        } else {
            None
        }
    }

    /// The format's file extension (and Graphviz `-T` name).
    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Svg => "svg",
            ImageFormat::Png => "png",
        }
    }
}

/// Whether Graphviz's `dot` program can be run.
pub fn dot_available() -> bool {
    Command::new("dot")
        .arg("-V")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Renders DOT text to an image file with `dot -T<format>`, under the
/// default [`RenderLimits`].
///
/// The target is checked before Graphviz runs (a missing directory fails
/// fast); the image is written whole or not at all. When `dot` is not
/// installed the error says so and how to install it.
pub fn render_with_graphviz(
    dot: &str,
    format: ImageFormat,
    path: &Path,
) -> Result<(), ExportError> {
    render_limited(dot, format, path, &RenderLimits::default())
}

/// [`render_with_graphviz`] with a time limit and a cancel flag: Graphviz
/// is killed when either trips, and nothing is written.
pub fn render_limited(
    dot: &str,
    format: ImageFormat,
    path: &Path,
    limits: &RenderLimits,
) -> Result<(), ExportError> {
    render_with_program("dot", dot, format, path, limits)
}

/// [`render_limited`] with the program named (tests use a missing one).
fn render_with_program(
    program: &str,
    dot: &str,
    format: ImageFormat,
    path: &Path,
    limits: &RenderLimits,
) -> Result<(), ExportError> {
    check_target(path)?;
    let image = run(program, dot, format, path, limits)?;
    write_atomic(path, &image)
}

/// Runs the program with the DOT on stdin and returns its stdout.
fn run(
    program: &str,
    dot: &str,
    format: ImageFormat,
    path: &Path,
    limits: &RenderLimits,
) -> Result<Vec<u8>, ExportError> {
    let spawned = Command::new(program)
        .arg(format!("-T{}", format.extension()))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(ExportError::GraphvizMissing {
                program: program.to_string(),
            });
        }
        Err(source) => {
            return Err(ExportError::GraphvizIo {
                program: program.to_string(),
                source,
            });
        }
    };
    let io_err = |source| ExportError::GraphvizIo {
        program: program.to_string(),
        source,
    };
    let pipes = (child.stdin.take(), child.stdout.take(), child.stderr.take());
    let (Some(mut stdin), Some(mut stdout), Some(mut stderr)) = pipes else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(io_err(io::Error::other("no pipe to Graphviz")));
    };
    // Feed stdin and drain stdout and stderr on their own threads (with the
    // pipes full, writing then reading would deadlock) while this one
    // watches the clock and the cancel flag.
    let (written, status, image, messages) = std::thread::scope(|s| {
        let writer = s.spawn(move || {
            let r = stdin.write_all(dot.as_bytes());
            drop(stdin); // EOF: dot starts laying out
            r
        });
        let reader = s.spawn(move || {
            let mut image = Vec::new();
            stdout.read_to_end(&mut image).map(|_| image)
        });
        let errors = s.spawn(move || {
            let mut text = Vec::new();
            let _ = stderr.read_to_end(&mut text);
            text
        });
        let status = watch(&mut child, path, limits);
        let joined = |r: Result<io::Result<()>, _>| {
            r.unwrap_or_else(|_| Err(io::Error::other("writer thread panicked")))
        };
        let written = joined(writer.join());
        let image = reader
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("reader thread panicked")));
        let messages = errors.join().unwrap_or_default();
        (written, status, image, messages)
    });
    let status = status.map_err(|e| match e {
        Stop::Io(source) => io_err(source),
        Stop::Export(e) => e,
    })?;
    if !status.success() {
        return Err(ExportError::GraphvizFailed {
            path: path.to_path_buf(),
            status: status.to_string(),
            stderr: first_lines(&String::from_utf8_lossy(&messages), 5),
        });
    }
    // dot succeeded on input it did not fully read: do not trust the image.
    written.map_err(io_err)?;
    image.map_err(io_err)
}

/// Why watching the child ended without a status.
enum Stop {
    Io(io::Error),
    Export(ExportError),
}

/// Waits for the child, killing it at the time limit or on cancel.
fn watch(
    child: &mut Child,
    path: &Path,
    limits: &RenderLimits,
) -> Result<std::process::ExitStatus, Stop> {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().map_err(Stop::Io)? {
            return Ok(status);
        }
        let stop = if limits.cancel.is_cancelled() {
            Some(ExportError::GraphvizCancelled)
        } else if started.elapsed() >= limits.timeout {
            Some(ExportError::GraphvizTimeout {
                path: path.to_path_buf(),
                seconds: limits.timeout.as_secs().max(1),
            })
        } else {
            None
        };
        if let Some(e) = stop {
            let _ = child.kill();
            let _ = child.wait();
            return Err(Stop::Export(e));
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// The first `n` non-empty lines of a message, joined with `; `.
fn first_lines(text: &str, n: usize) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(n)
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn formats_from_paths() {
        assert_eq!(
            ImageFormat::from_path(Path::new("a/b.SVG")),
            Some(ImageFormat::Svg)
        );
        assert_eq!(
            ImageFormat::from_path(Path::new("b.png")),
            Some(ImageFormat::Png)
        );
        assert_eq!(ImageFormat::from_path(Path::new("b.dot")), None);
        assert_eq!(ImageFormat::from_path(Path::new("b")), None);
    }

    /// Renders an empty graph with a program that does not exist.
    fn render_without_graphviz(path: &Path) -> Result<(), ExportError> {
        render_with_program(
            "faultline-no-such-dot-program",
            "digraph {}",
            ImageFormat::Svg,
            path,
            &RenderLimits::default(),
        )
    }

    #[test]
    fn missing_graphviz_says_how_to_install_it() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("out.svg");
        let err = render_without_graphviz(&path).expect_err("the program does not exist");
        assert!(
            matches!(err, ExportError::GraphvizMissing { .. }),
            "{err:?}"
        );
        let msg = err.to_string();
        assert!(msg.contains("apt-get install graphviz"), "{msg}");
        assert!(msg.contains("brew install graphviz"), "{msg}");
        assert!(!path.exists());
    }

    #[test]
    fn missing_directory_fails_before_rendering() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("nope").join("out.svg");
        // A missing program would be reported if it ran: the directory wins.
        let err = render_without_graphviz(&path).expect_err("the directory is missing");
        assert!(
            matches!(err, ExportError::MissingDirectory { .. }),
            "{err:?}"
        );
    }

    #[test]
    fn renders_svg_and_png_when_graphviz_is_installed() {
        if !dot_available() {
            return;
        }
        let dir = tempfile::tempdir().expect("a temp dir");
        let svg = dir.path().join("g.svg");
        render_with_graphviz("digraph { \"a\" -> \"b\" }", ImageFormat::Svg, &svg)
            .expect("renders");
        let text = fs::read_to_string(&svg).expect("written");
        assert!(text.contains("<svg"), "{text}");
        let png = dir.path().join("g.png");
        render_with_graphviz("digraph { \"a\" -> \"b\" }", ImageFormat::Png, &png)
            .expect("renders");
        assert!(fs::read(&png).expect("written").starts_with(b"\x89PNG"));
    }

    #[test]
    fn a_render_past_its_time_limit_is_stopped_and_writes_nothing() {
        if !dot_available() {
            return;
        }
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("slow.svg");
        // A large layered graph with labels: far more than a millisecond.
        let mut dot = String::from("digraph { graph [layout=dot];\n");
        for i in 0..400 {
            dot.push_str(&format!(
                "n{i} -> n{} [label=\"e{i}\"];\n",
                (i * 7 + 3) % 400
            ));
        }
        dot.push('}');
        let limits = RenderLimits {
            timeout: Duration::from_millis(1),
            cancel: CancelFlag::new(),
        };
        let err = render_limited(&dot, ImageFormat::Svg, &path, &limits).expect_err("too slow");
        assert!(
            matches!(err, ExportError::GraphvizTimeout { .. }),
            "{err:?}"
        );
        let msg = err.to_string();
        assert!(
            msg.contains("depth 1") && msg.contains("layout sfdp"),
            "{msg}"
        );
        assert!(!path.exists());

        let cancel = CancelFlag::new();
        cancel.cancel();
        let limits = RenderLimits {
            timeout: DEFAULT_RENDER_TIMEOUT,
            cancel,
        };
        let err = render_limited(&dot, ImageFormat::Svg, &path, &limits).expect_err("cancelled");
        assert!(matches!(err, ExportError::GraphvizCancelled), "{err:?}");
        assert!(!path.exists());
    }

    #[test]
    fn bad_dot_is_graphvizs_error_and_leaves_the_old_file() {
        if !dot_available() {
            return;
        }
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("g.svg");
        fs::write(&path, "old").expect("seeded");
        let err =
            render_with_graphviz("digraph { a -> }", ImageFormat::Svg, &path).expect_err("bad DOT");
        assert!(matches!(err, ExportError::GraphvizFailed { .. }), "{err:?}");
        let msg = err.to_string();
        assert!(msg.contains(&path.display().to_string()), "{msg}");
        assert!(msg.to_lowercase().contains("syntax error"), "{msg}");
        assert_eq!(fs::read_to_string(&path).expect("kept"), "old");
    }
}
