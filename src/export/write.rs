//! Writing a file whole or not at all: the bytes go to a temporary file in
//! the target's directory (same file system, so the rename is atomic), which
//! is flushed and then renamed over the target. A reader never sees half an
//! export, an existing file is replaced only by a complete one, and an error
//! removes the temporary file.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::error::ExportError;

/// Writes `bytes` to `path` atomically (temporary file + rename).
///
/// A missing directory, a path that is a directory, and an unwritable
/// location are errors naming `path`; on any error no partial file is left
/// and an existing file is untouched. An existing file keeps its permissions;
/// a symbolic link is written through (its target is replaced).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    let target = check_target(path)?;
    let dir = parent_dir(&target);
    let (tmp, file) = create_temp(&dir, &target).map_err(|e| io_error(path, e))?;
    match finish(file, bytes, &tmp, &target) {
        Ok(()) => Ok(()),
        Err(e) => {
            // Best effort: the error that matters is the one above.
            let _ = fs::remove_file(&tmp);
            Err(io_error(path, e))
        }
    }
}

/// Checks that `path` can name a file to write, before any work is done
/// (the renderer calls this before running Graphviz). Returns the path to
/// replace: `path` itself, or a symbolic link's target.
pub(crate) fn check_target(path: &Path) -> Result<PathBuf, ExportError> {
    if path.file_name().is_none() {
        return Err(ExportError::NoFileName {
            path: path.to_path_buf(),
        });
    }
    let target = match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            // A dangling link is replaced itself; a live one is written through.
            fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
        }
        _ => path.to_path_buf(),
    };
    if target.is_dir() {
        return Err(ExportError::IsDirectory {
            path: path.to_path_buf(),
        });
    }
    let dir = parent_dir(&target);
    match fs::metadata(&dir) {
        Ok(m) if m.is_dir() => Ok(target),
        Ok(_) => Err(io_error(
            path,
            io::Error::from(io::ErrorKind::NotADirectory),
        )),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(ExportError::MissingDirectory {
            path: path.to_path_buf(),
            dir,
        }),
        Err(e) => Err(io_error(path, e)),
    }
}

fn io_error(path: &Path, source: io::Error) -> ExportError {
    ExportError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The directory a file goes in; `.` for a bare file name.
fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Creates a fresh temporary file next to the target: `.NAME.PID.N.tmp`.
/// `create_new` makes two writers (threads or processes) never share one.
fn create_temp(dir: &Path, target: &Path) -> io::Result<(PathBuf, File)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = target
        .file_name()
        .map_or_else(|| "export".into(), |n| n.to_string_lossy());
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Writes, flushes to disk, keeps an existing file's permissions, renames.
fn finish(mut file: File, bytes: &[u8], tmp: &Path, target: &Path) -> io::Result<()> {
    file.write_all(bytes)?;
    file.sync_all()?;
    if let Ok(m) = fs::metadata(target) {
        file.set_permissions(m.permissions())?;
    }
    drop(file);
    fs::rename(tmp, target)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .expect("the temp dir is readable")
            .map(|e| {
                e.expect("a dir entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        names.sort();
        names
    }

    #[test]
    fn writes_a_new_file() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("out.dot");
        write_atomic(&path, b"digraph {}").expect("the write succeeds");
        assert_eq!(fs::read(&path).expect("written"), b"digraph {}");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn replaces_an_existing_file_whole() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("out.json");
        fs::write(&path, "x".repeat(10_000)).expect("seeded");
        write_atomic(&path, b"short").expect("the write succeeds");
        assert_eq!(fs::read(&path).expect("written"), b"short");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn missing_directory_is_a_clear_error() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("no-such-dir").join("out.dot");
        let err = write_atomic(&path, b"x").expect_err("the directory is missing");
        assert!(
            matches!(err, ExportError::MissingDirectory { .. }),
            "{err:?}"
        );
        let msg = err.to_string();
        assert!(msg.contains(&path.display().to_string()), "{msg}");
        assert!(msg.contains("does not exist"), "{msg}");
        assert!(!path.exists());
    }

    #[test]
    fn a_parent_that_is_a_file_is_a_clear_error() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let file = dir.path().join("plain.txt");
        fs::write(&file, "keep").expect("seeded");
        let path = file.join("out.dot");
        let err = write_atomic(&path, b"x").expect_err("the parent is a file");
        let msg = err.to_string();
        assert!(msg.contains(&path.display().to_string()), "{msg}");
        assert!(msg.contains("not a directory"), "{msg}");
        assert_eq!(fs::read(&file).expect("untouched"), b"keep");
    }

    #[test]
    fn a_directory_or_empty_path_is_not_a_file() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let err = write_atomic(dir.path(), b"x").expect_err("a directory");
        assert!(matches!(err, ExportError::IsDirectory { .. }), "{err:?}");
        assert!(err.to_string().contains("is a directory"));
        let err = write_atomic(Path::new(""), b"x").expect_err("no file name");
        assert!(matches!(err, ExportError::NoFileName { .. }), "{err:?}");
    }

    #[cfg(unix)]
    #[test]
    fn unwritable_directory_is_a_clear_error_and_leaves_nothing() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("a temp dir");
        let locked = dir.path().join("locked");
        fs::create_dir(&locked).expect("created");
        let path = locked.join("out.dot");
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o555)).expect("chmod");
        // Root (and some CI sandboxes) ignore directory permissions: then the
        // error cannot happen, and the test checks nothing rather than lying.
        let probe = locked.join("probe");
        if fs::write(&probe, b"").is_ok() {
            let _ = fs::remove_file(&probe);
            fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).expect("chmod");
            return;
        }
        let err = write_atomic(&path, b"x").expect_err("the directory is read-only");
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).expect("chmod");
        let msg = err.to_string();
        assert!(msg.contains(&path.display().to_string()), "{msg}");
        assert!(msg.contains("permission denied"), "{msg}");
        assert!(leftovers(&locked).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn existing_file_keeps_its_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("out.svg");
        fs::write(&path, "old").expect("seeded");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).expect("chmod");
        write_atomic(&path, b"new").expect("the write succeeds");
        let mode = fs::metadata(&path).expect("exists").permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_is_written_through() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let real = dir.path().join("real.dot");
        let link = dir.path().join("link.dot");
        fs::write(&real, "old").expect("seeded");
        std::os::unix::fs::symlink(&real, &link).expect("symlink");
        write_atomic(&link, b"new").expect("the write succeeds");
        assert_eq!(fs::read(&real).expect("written"), b"new");
        assert!(
            fs::symlink_metadata(&link)
                .expect("exists")
                .file_type()
                .is_symlink()
        );
    }
}
