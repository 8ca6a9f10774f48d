//! Files and directories that hold names, logins and ids: created readable by the owner only
//! where the platform has Unix permissions (elsewhere they inherit the directory's access list).

use crate::exit::AppError;
use std::path::Path;

/// Creates `dir` and its parents; a directory this creates is the owner's alone.
pub fn create_dir_all(dir: &Path) -> Result<(), AppError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|source| AppError::Write {
        path: dir.to_owned(),
        source,
    })
}

/// Creates `path` empty if it does not exist, readable and writable by the owner only, so that
/// a database opened on it next (and SQLite's `-wal` and `-shm` files, which copy its mode)
/// starts private.
pub fn create_file(path: &Path) -> Result<(), AppError> {
    // A link (or a device, a directory) in its place would be written through: refused, so
    // that a link planted where a journal or its lock goes cannot redirect oktabulk's writes.
    match std::fs::symlink_metadata(path) {
        Ok(meta) if !meta.file_type().is_file() => {
            return Err(AppError::Config(format!(
                "{} is {}, not a file oktabulk made: remove it and run the command again",
                path.display(),
                if meta.file_type().is_symlink() {
                    "a link"
                } else {
                    "not a regular file"
                }
            )))
        }
        _ => {}
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .map(drop)
        .map_err(|source| AppError::Write {
            path: path.to_owned(),
            source,
        })
}

/// Takes the lock of `path` (`<path>.lock`, holding the owner's process id) for as long as the
/// answered file is open, or refuses with `busy(who)`, who being the process that holds it.
pub fn lock(path: &Path, busy: impl FnOnce(String) -> AppError) -> Result<std::fs::File, AppError> {
    use std::io::{Read, Seek, Write};
    let lock_path = std::path::PathBuf::from(format!("{}.lock", path.display()));
    create_file(&lock_path)?;
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&lock_path)
        .map_err(|source| AppError::Write {
            path: lock_path.clone(),
            source,
        })?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            let mut owner = String::new();
            let _ = file.read_to_string(&mut owner);
            let owner = owner.trim();
            let who = if owner.is_empty() {
                "another oktabulk process".to_owned()
            } else {
                format!("another oktabulk process (pid {owner})")
            };
            return Err(busy(who));
        }
        Err(std::fs::TryLockError::Error(source)) => {
            return Err(AppError::Write {
                path: lock_path,
                source,
            })
        }
    }
    let written = file
        .set_len(0)
        .and_then(|()| file.rewind())
        .and_then(|()| write!(file, "{}", std::process::id()))
        .and_then(|()| file.flush());
    written.map_err(|source| AppError::Write {
        path: lock_path,
        source,
    })?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::lock;
    use crate::exit::AppError;

    /// One holder at a time: a second taker is refused with who holds it, and takes it once
    /// the first lets go.
    #[test]
    fn a_lock_has_one_holder() {
        let dir = tempfile::tempdir().expect("a directory");
        let path = dir.path().join("sandbox.db");
        let busy = |who: String| AppError::Config(who);
        let first = lock(&path, busy).expect("taken");
        match lock(&path, busy) {
            Err(AppError::Config(who)) => {
                assert!(who.contains(&std::process::id().to_string()), "{who}")
            }
            other => panic!("{other:?}"),
        }
        drop(first);
        lock(&path, busy).expect("taken again");
    }
}
