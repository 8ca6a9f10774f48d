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
