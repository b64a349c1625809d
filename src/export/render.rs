//! Rendering DOT to an image with Graphviz's `dot`, run as a child process:
//! the DOT goes to its stdin, the image comes from its stdout and is written
//! with [`write_atomic`], so a failed render never leaves a partial image.
//! Graphviz is optional: without it, the error says how to install it.

use std::io::{self, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use super::error::ExportError;
use super::write::{check_target, write_atomic};

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

/// Renders DOT text to an image file with `dot -T<format>`.
///
/// The target is checked before Graphviz runs (a missing directory fails
/// fast); the image is written whole or not at all. When `dot` is not
/// installed the error says so and how to install it.
pub fn render_with_graphviz(
    dot: &str,
    format: ImageFormat,
    path: &Path,
) -> Result<(), ExportError> {
    render_with_program("dot", dot, format, path)
}

/// [`render_with_graphviz`] with the program named (tests use a missing one).
fn render_with_program(
    program: &str,
    dot: &str,
    format: ImageFormat,
    path: &Path,
) -> Result<(), ExportError> {
    check_target(path)?;
    let image = run(program, dot, format, path)?;
    write_atomic(path, &image)
}

/// Runs the program with the DOT on stdin and returns its stdout.
fn run(program: &str, dot: &str, format: ImageFormat, path: &Path) -> Result<Vec<u8>, ExportError> {
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
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| io_err(io::Error::other("no stdin pipe")))?;
    // Feed stdin from another thread while this one drains stdout and
    // stderr: with both pipes full, writing and then reading would deadlock.
    let (written, output) = std::thread::scope(|s| {
        let writer = s.spawn(move || {
            let r = stdin.write_all(dot.as_bytes());
            drop(stdin); // EOF: dot starts laying out
            r
        });
        let output = child.wait_with_output();
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("writer thread panicked")));
        (written, output)
    });
    let output = output.map_err(io_err)?;
    if !output.status.success() {
        return Err(ExportError::GraphvizFailed {
            path: path.to_path_buf(),
            status: output.status.to_string(),
            stderr: first_lines(&String::from_utf8_lossy(&output.stderr), 5),
        });
    }
    // dot succeeded on input it did not fully read: do not trust the image.
    written.map_err(io_err)?;
    Ok(output.stdout)
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

    #[test]
    fn missing_graphviz_says_how_to_install_it() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("out.svg");
        let err = render_with_program(
            "faultline-no-such-dot-program",
            "digraph {}",
            ImageFormat::Svg,
            &path,
        )
        .expect_err("the program does not exist");
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
        let err = render_with_program(
            "faultline-no-such-dot-program",
            "digraph {}",
            ImageFormat::Svg,
            &path,
        )
        .expect_err("the directory is missing");
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
