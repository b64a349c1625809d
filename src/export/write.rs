//! Writing a file whole or not at all, and never over something that is not
//! a plain file: the bytes go to a temporary file in the target's directory
//! (same file system, so the rename is atomic), which is flushed and then
//! renamed over the target. A reader never sees half an export, an existing
//! file is replaced only by a complete one, and every way out (an error, a
//! panic, SIGINT/SIGTERM/SIGHUP through [`remove_pending_temps`]) removes the
//! temporary file.
//!
//! Refused, with the path and the reason: devices (`/dev/null`), FIFOs,
//! sockets, symbolic links (live, dangling or looping: write to the link's
//! target by name instead), directories, and read-only files. The target is
//! checked before any work and again just before the rename.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use super::error::ExportError;

/// Writes `bytes` to `path` atomically (temporary file + rename).
///
/// A missing directory, a path that is a directory, and an unwritable
/// location are errors naming `path`; so are targets that are not regular
/// files (devices, FIFOs, sockets, symbolic links) and read-only files. On
/// any error no partial file is left and an existing file is untouched. An
/// existing file keeps its permissions.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    check_target(path)?;
    let dir = parent_dir(path);
    let tmp = TempFile::create(&dir).map_err(|e| io_error(path, e))?;
    tmp.finish(bytes, path)
}

/// Checks that `path` can name a file to write, before any work is done
/// (the renderer calls this before running Graphviz): a new name in an
/// existing directory, or an existing regular file that is writable.
pub(crate) fn check_target(path: &Path) -> Result<PathBuf, ExportError> {
    if path.file_name().is_none() {
        return Err(ExportError::NoFileName {
            path: path.to_path_buf(),
        });
    }
    match fs::symlink_metadata(path) {
        Ok(m) => {
            let kind = m.file_type();
            if kind.is_dir() {
                return Err(ExportError::IsDirectory {
                    path: path.to_path_buf(),
                });
            }
            if kind.is_symlink() {
                return Err(ExportError::Refused {
                    path: path.to_path_buf(),
                    reason: symlink_reason(path),
                });
            }
            if !kind.is_file() {
                return Err(ExportError::Refused {
                    path: path.to_path_buf(),
                    reason: format!(
                        "it is {}, not a regular file; exports only create or replace regular files",
                        special_kind(&kind)
                    ),
                });
            }
            if m.permissions().readonly() {
                return Err(ExportError::Refused {
                    path: path.to_path_buf(),
                    reason: "it is read-only; make it writable (chmod u+w) or choose another name"
                        .to_string(),
                });
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_error(path, e)),
    }
    let dir = parent_dir(path);
    match fs::metadata(&dir) {
        Ok(m) if m.is_dir() => Ok(path.to_path_buf()),
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

/// Why a symbolic link is not written through, with where it points.
fn symlink_reason(path: &Path) -> String {
    let target = fs::read_link(path)
        .map(|t| t.display().to_string())
        .unwrap_or_else(|_| "?".to_string());
    let state = match fs::metadata(path) {
        Ok(_) => "",
        Err(e) if e.raw_os_error() == Some(40) => " (a loop)",
        Err(_) => " (dangling)",
    };
    format!(
        "it is a symbolic link to `{target}`{state}; exports do not follow or replace links, \
         write to the file by its own name instead"
    )
}

/// "a character device", "a FIFO", ... for a file type that is not a
/// regular file, directory or link.
fn special_kind(kind: &fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    let _ = kind;
    "a special file"
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

/// Temporary files being written, removed by [`remove_pending_temps`] when
/// the process is told to stop.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Removes every temporary export file still being written. Called from the
/// signal handler ([`install_signal_cleanup`]) before the process exits; a
/// finished or failed write has already removed (or renamed) its own.
pub fn remove_pending_temps() {
    remove_pending_under(Path::new(""));
}

/// Removes the pending temporary files under `dir` (all for `""`).
fn remove_pending_under(dir: &Path) {
    for tmp in lock_pending().iter().filter(|t| t.starts_with(dir)) {
        let _ = fs::remove_file(tmp);
    }
}

/// Installs a handler for `signals` (for example SIGTERM and SIGHUP, plus
/// SIGINT where Ctrl-C is not a cancel key) that removes pending temporary
/// export files and exits with 128 + the signal number. Returns an error
/// when the handler cannot be registered.
#[cfg(unix)]
pub fn install_signal_cleanup(signals: &[i32]) -> io::Result<()> {
    let mut iter = signal_hook::iterator::Signals::new(signals)?;
    std::thread::Builder::new()
        .name("export-cleanup".into())
        .spawn(move || {
            if let Some(sig) = iter.forever().next() {
                remove_pending_temps();
                std::process::exit(128 + sig);
            }
        })?;
    Ok(())
}

/// A temporary file next to the target, registered in [`PENDING`] until it
/// is renamed; dropped unrenamed (an error, a panic), it is removed.
struct TempFile {
    path: PathBuf,
    file: Option<File>,
    renamed: bool,
}

impl TempFile {
    /// Creates `.faultline-PID-N.tmp` in `dir`: short, whatever the target's
    /// name (a 250-byte name stays within the file system's 255), and
    /// `create_new` makes two writers (threads or processes) never share one.
    fn create(dir: &Path) -> io::Result<TempFile> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        loop {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path = dir.join(format!(".faultline-{}-{n}.tmp", std::process::id()));
            // Registered before it exists, so a signal between create and
            // register cannot leave it behind.
            lock_pending().push(path.clone());
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(file) => {
                    return Ok(TempFile {
                        path,
                        file: Some(file),
                        renamed: false,
                    });
                }
                Err(e) => {
                    unregister(&path);
                    if e.kind() != io::ErrorKind::AlreadyExists {
                        return Err(e);
                    }
                }
            }
        }
    }

    /// Writes, flushes to disk, keeps an existing file's permissions,
    /// checks the target again and renames.
    fn finish(mut self, bytes: &[u8], target: &Path) -> Result<(), ExportError> {
        let mut file = self
            .file
            .take()
            .expect("finish is called once, on a freshly created temp file");
        let written = file.write_all(bytes).and_then(|()| file.sync_all());
        written.map_err(|e| io_error(target, e))?;
        if let Ok(m) = fs::metadata(target) {
            file.set_permissions(m.permissions())
                .map_err(|e| io_error(target, e))?;
        }
        drop(file);
        // The target may have changed while the export was being built.
        check_target(target)?;
        fs::rename(&self.path, target).map_err(|e| io_error(target, e))?;
        self.renamed = true;
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.renamed {
            // Best effort: the error that matters is the one being returned.
            let _ = fs::remove_file(&self.path);
        }
        unregister(&self.path);
    }
}

fn lock_pending() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    match PENDING.lock() {
        Ok(p) => p,
        Err(poisoned) => poisoned.into_inner(),
    }
}

fn unregister(path: &Path) {
    let mut pending = lock_pending();
    if let Some(i) = pending.iter().position(|p| p == path) {
        pending.swap_remove(i);
    }
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
    fn symlinks_are_refused_and_left_alone() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let real = dir.path().join("real.dot");
        let link = dir.path().join("link.dot");
        let dangling = dir.path().join("dangling.dot");
        let looping = dir.path().join("loop.dot");
        fs::write(&real, "old").expect("seeded");
        std::os::unix::fs::symlink(&real, &link).expect("symlink");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).expect("symlink");
        std::os::unix::fs::symlink(&looping, &looping).expect("symlink");
        for (path, word) in [
            (&link, "symbolic link"),
            (&dangling, "dangling"),
            (&looping, "loop"),
        ] {
            let err = write_atomic(path, b"new").expect_err("a link is refused");
            let msg = err.to_string();
            assert!(msg.contains(&path.display().to_string()), "{msg}");
            assert!(msg.contains(word), "{msg}");
            assert!(
                fs::symlink_metadata(path)
                    .expect("still there")
                    .file_type()
                    .is_symlink()
            );
        }
        assert_eq!(fs::read(&real).expect("untouched"), b"old");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_fifos_are_refused() {
        use std::os::unix::fs::FileTypeExt;
        let err = write_atomic(Path::new("/dev/null"), b"x").expect_err("a device");
        assert!(err.to_string().contains("character device"), "{err}");
        let m = fs::symlink_metadata("/dev/null").expect("/dev/null exists");
        assert!(
            m.file_type().is_char_device(),
            "/dev/null must stay a device"
        );
        let dir = tempfile::tempdir().expect("a temp dir");
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let err = write_atomic(&fifo, b"x").expect_err("a FIFO");
            assert!(err.to_string().contains("FIFO"), "{err}");
            let m = fs::symlink_metadata(&fifo).expect("still there");
            assert!(m.file_type().is_fifo());
        }
        assert!(leftovers(dir.path()).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn a_read_only_file_is_not_replaced() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("keep.json");
        fs::write(&path, "old").expect("seeded");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).expect("chmod");
        let err = write_atomic(&path, b"new").expect_err("read-only");
        assert!(err.to_string().contains("read-only"), "{err}");
        assert_eq!(fs::read(&path).expect("untouched"), b"old");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn a_250_byte_file_name_can_be_written() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let name = format!("{}.dot", "n".repeat(246));
        assert_eq!(name.len(), 250);
        let path = dir.path().join(name);
        write_atomic(&path, b"digraph {}").expect("the write succeeds");
        assert_eq!(fs::read(&path).expect("written"), b"digraph {}");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn pending_temps_are_removed_on_request_and_on_drop() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let tmp = TempFile::create(dir.path()).expect("created");
        assert_eq!(leftovers(dir.path()).len(), 1);
        // Only this test's directory: other tests write in parallel.
        remove_pending_under(dir.path());
        assert!(leftovers(dir.path()).is_empty());
        drop(tmp);
        let tmp = TempFile::create(dir.path()).expect("created");
        assert_eq!(leftovers(dir.path()).len(), 1);
        drop(tmp);
        assert!(leftovers(dir.path()).is_empty());
        assert!(!lock_pending().iter().any(|p| p.starts_with(dir.path())));
    }
}
