//! Writing results safely.
//!
//! - [`OutputDir`]: the files of one run (`--out DIR`) are written into a private
//!   staging folder beside `DIR`, then swapped in as a whole with one atomic system
//!   call (Linux `renameat2(RENAME_EXCHANGE)`), so `DIR` always holds the complete set
//!   of one run — never files from two runs, whenever the process is killed. A
//!   manifest (`corridor-manifest.json`) names the run and its files. `DIR` is owned
//!   by corridor: an existing `DIR` is replaced only if it is empty or holds a
//!   corridor manifest, so a folder of other files is never swept away.
//! - [`write_file`]: a single file (`--json PATH`). A regular file (or a symbolic link
//!   to one) is replaced atomically; anything else — a device such as `/dev/null`, a
//!   FIFO — is written through in place and never replaced.
//!
//! No temporary file outlives an error; a staging folder left by a killed process is
//! removed by the next run that writes to the same place.

use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Name of the manifest written last into every output folder.
pub const MANIFEST: &str = "corridor-manifest.json";

/// Why output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// A file-system operation failed.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The path concerned.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The target is not something corridor may write.
    #[error("{path}: {reason}")]
    Refused {
        /// The path concerned.
        path: String,
        /// Why.
        reason: String,
    },
}

fn io(path: &Path, source: std::io::Error) -> OutputError {
    OutputError::Io { path: path.display().to_string(), source }
}

/// The manifest of an output folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always `corridor-output-1`.
    pub format: String,
    /// Identifies the run that wrote the folder.
    pub run: String,
    /// The files of the run, with their BLAKE3 digests (hex).
    pub files: Vec<(String, String)>,
}

/// An output folder being written: files go to a staging folder until
/// [`OutputDir::commit`] swaps it in. Dropped without a commit, the staging folder is
/// removed and `DIR` is left as it was.
#[derive(Debug)]
pub struct OutputDir {
    target: PathBuf,
    staging: PathBuf,
    files: Vec<(String, String)>,
    committed: bool,
}

fn staging_prefix(target: &Path) -> String {
    let name = target.file_name().map_or("out".into(), |n| n.to_string_lossy().to_string());
    format!(".{name}.corridor-staging-")
}

/// Whether process `pid` is running (Linux; elsewhere assume it is).
fn alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") { Path::new(&format!("/proc/{pid}")).exists() } else { true }
}

impl OutputDir {
    /// Prepares to write the folder `target`.
    ///
    /// # Errors
    /// `target` exists and is not a folder, or is a folder holding files that corridor
    /// did not write (no manifest); or the staging folder cannot be created.
    pub fn create(target: &Path) -> Result<OutputDir, OutputError> {
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| io(&parent, e))?;
        Self::check(target)?;
        // Remove staging folders of earlier runs that were killed.
        let prefix = staging_prefix(target);
        if let Ok(entries) = std::fs::read_dir(&parent) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().to_string();
                if let Some(rest) = name.strip_prefix(&prefix)
                    && let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok())
                    && pid != std::process::id()
                    && !alive(pid)
                {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
        }
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let staging = parent.join(format!("{prefix}{}-{nanos}", std::process::id()));
        std::fs::create_dir(&staging).map_err(|e| io(&staging, e))?;
        Ok(OutputDir { target: target.to_path_buf(), staging, files: Vec::new(), committed: false })
    }

    /// Whether `target` may be written as an output folder (before any work is done).
    ///
    /// # Errors
    /// As [`OutputDir::create`].
    pub fn check(target: &Path) -> Result<(), OutputError> {
        match std::fs::symlink_metadata(target) {
            Ok(meta) if meta.is_dir() => {
                let mut entries = std::fs::read_dir(target).map_err(|e| io(target, e))?;
                let ours = target.join(MANIFEST).is_file();
                if !ours && entries.next().is_some() {
                    return Err(OutputError::Refused {
                        path: target.display().to_string(),
                        reason: format!(
                            "the folder holds files corridor did not write (it has no {MANIFEST}); \
                             corridor replaces its output folder as a whole, so choose a new or empty folder"
                        ),
                    });
                }
            }
            Ok(_) => {
                return Err(OutputError::Refused {
                    path: target.display().to_string(),
                    reason: "exists and is not a folder; --out needs a folder".into(),
                });
            }
            Err(_) => {}
        }
        Ok(())
    }

    /// The folder the files will end up in.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Writes one file of the set (into the staging folder).
    ///
    /// # Errors
    /// The file cannot be written (e.g. the disk is full).
    pub fn write(&mut self, name: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let path = self.staging.join(name);
        let mut f = std::fs::File::create(&path).map_err(|e| io(&path, e))?;
        f.write_all(bytes).map_err(|e| io(&path, e))?;
        f.sync_all().map_err(|e| io(&path, e))?;
        self.files.push((name.to_string(), blake3::hash(bytes).to_hex().to_string()));
        Ok(())
    }

    /// Writes the manifest, then swaps the staging folder in place of the target in
    /// one atomic step (or renames it there when there was no target), and removes
    /// the previous contents.
    ///
    /// # Errors
    /// A file-system operation failed; the target is then left as it was.
    pub fn commit(mut self, run: &str) -> Result<(), OutputError> {
        let manifest = Manifest { format: "corridor-output-1".into(), run: run.to_string(), files: self.files.clone() };
        let text = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
        self.write(MANIFEST, &text)?;
        if let Ok(dir) = std::fs::File::open(&self.staging) {
            let _ = dir.sync_all();
        }
        if self.target.exists() {
            swap(&self.staging, &self.target).map_err(|e| io(&self.target, e))?;
            // The staging path now holds the previous contents.
            let _ = std::fs::remove_dir_all(&self.staging);
        } else {
            std::fs::rename(&self.staging, &self.target).map_err(|e| io(&self.target, e))?;
        }
        self.committed = true;
        Ok(())
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// Exchanges two folders atomically.
#[cfg(any(target_os = "linux", target_os = "macos"))]
fn swap(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(()),
        // File systems without the exchange operation: fall back to two renames.
        Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => swap_by_renames(a, b),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "macos")))]
fn swap(a: &Path, b: &Path) -> std::io::Result<()> {
    swap_by_renames(a, b)
}

/// Two renames: between them the target briefly does not exist (never a mix).
fn swap_by_renames(a: &Path, b: &Path) -> std::io::Result<()> {
    let aside = a.with_extension("previous");
    std::fs::rename(b, &aside)?;
    std::fs::rename(a, b)?;
    std::fs::rename(&aside, a)
}

/// Whether `path` may be written by [`write_file`] (before any work is done).
///
/// # Errors
/// `path` is a folder.
pub fn check_file(path: &Path) -> Result<(), OutputError> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(OutputError::Refused {
            path: path.display().to_string(),
            reason: "is a folder; give a file name (or - for standard output)".into(),
        }),
        _ => Ok(()),
    }
}

/// Writes `bytes` to `path` (see the module docs): a regular file, or a symbolic link
/// to one, is replaced atomically; a device, FIFO or other special file is written
/// in place; a folder is refused.
///
/// # Errors
/// `path` is a folder, or the file cannot be written.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    check_file(path)?;
    let target = match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() => {
            // A device, FIFO or socket: write through, never replace.
            let mut f = std::fs::OpenOptions::new().write(true).open(path).map_err(|e| io(path, e))?;
            return f.write_all(bytes).and_then(|()| f.flush()).map_err(|e| io(path, e));
        }
        // A regular file: replace the file itself, not a symbolic link to it.
        Ok(_) => std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()),
        Err(_) => path.to_path_buf(),
    };
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target.file_name().map_or("out".into(), |n| n.to_string_lossy().to_string());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let mut f = std::fs::File::create(&tmp).map_err(|e| OutputError::Refused {
        path: path.display().to_string(),
        reason: format!(
            "cannot create a file in {} to replace it with ({e}); corridor writes regular files in folders it may write to",
            dir.display()
        ),
    })?;
    let result = (|| {
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, &target)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(path, e));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("corridor-output-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn a_committed_set_replaces_the_previous_one_whole() {
        let d = scratch("swap");
        let out = d.join("out");
        let mut a = OutputDir::create(&out).unwrap();
        a.write("x.txt", b"first").unwrap();
        a.write("only-in-first.txt", b"1").unwrap();
        a.commit("run-a").unwrap();
        let mut b = OutputDir::create(&out).unwrap();
        b.write("x.txt", b"second").unwrap();
        // Until the commit, the first set is untouched.
        assert_eq!(std::fs::read(out.join("x.txt")).unwrap(), b"first");
        b.commit("run-b").unwrap();
        assert_eq!(std::fs::read(out.join("x.txt")).unwrap(), b"second");
        assert!(!out.join("only-in-first.txt").exists());
        let leftovers: Vec<_> = std::fs::read_dir(&d).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "staging folders left behind");
        std::fs::remove_dir_all(d).ok();
    }

    #[test]
    fn a_folder_of_other_files_is_never_replaced() {
        let d = scratch("foreign");
        std::fs::write(d.join("thesis.tex"), b"precious").unwrap();
        let e = OutputDir::create(&d).unwrap_err().to_string();
        assert!(e.contains("did not write"), "{e}");
        assert_eq!(std::fs::read(d.join("thesis.tex")).unwrap(), b"precious");
        std::fs::remove_dir_all(d).ok();
    }

    #[test]
    fn an_uncommitted_set_leaves_nothing_behind() {
        let d = scratch("drop");
        {
            let mut a = OutputDir::create(&d.join("out")).unwrap();
            a.write("x", b"1").unwrap();
        }
        assert_eq!(std::fs::read_dir(&d).unwrap().count(), 0);
        std::fs::remove_dir_all(d).ok();
    }

    #[test]
    fn special_files_are_written_through_and_folders_refused() {
        let d = scratch("special");
        write_file(Path::new("/dev/null"), b"nothing").unwrap();
        assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device_like());
        let e = write_file(&d, b"x").unwrap_err().to_string();
        assert!(e.contains("is a folder"), "{e}");
        assert_eq!(std::fs::read_dir(&d).unwrap().count(), 0, "a temporary file survived");
        // A symbolic link to a regular file: the file is replaced, the link stays.
        std::fs::write(d.join("real.json"), b"old").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(d.join("real.json"), d.join("link.json")).unwrap();
        #[cfg(unix)]
        {
            write_file(&d.join("link.json"), b"new").unwrap();
            assert!(std::fs::symlink_metadata(d.join("link.json")).unwrap().file_type().is_symlink());
            assert_eq!(std::fs::read(d.join("real.json")).unwrap(), b"new");
        }
        std::fs::remove_dir_all(d).ok();
    }

    trait CharDevice {
        fn is_char_device_like(&self) -> bool;
    }
    impl CharDevice for std::fs::FileType {
        fn is_char_device_like(&self) -> bool {
            #[cfg(unix)]
            {
                use std::os::unix::fs::FileTypeExt;
                self.is_char_device()
            }
            #[cfg(not(unix))]
            {
                true
            }
        }
    }
}
