//! The journals kept on disk, which hold names, logins and ids (never passwords or tokens):
//! `oktabulk journal list` shows each run, `oktabulk journal prune` removes finished runs older
//! than an age, and every bulk run first prunes finished runs older than `KEEP_DAYS`. A journal
//! of a run that did not finish is pruned only when asked with `--force`, and never while a run
//! holds it.

use crate::exit::AppError;
use crate::journal::{in_use, inspect, remove_all, Inspected};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How long a finished run's journal is kept before a later run prunes it, in days.
pub const KEEP_DAYS: u64 = 30;

/// One journal on disk.
#[derive(Debug)]
pub struct Kept {
    pub path: PathBuf,
    /// When it was last written.
    pub modified: SystemTime,
    pub bytes: u64,
    /// `None` when SQLite cannot read it.
    pub inspected: Option<Inspected>,
}

impl Kept {
    fn finished(&self) -> bool {
        self.inspected.as_ref().is_some_and(|i| i.finished)
    }
}

/// Every journal in `dir`, oldest first, each read.
pub fn list(dir: &Path) -> Result<Vec<Kept>, AppError> {
    let mut kept = scan(dir)?;
    for k in &mut kept {
        k.inspected = inspect(&k.path).ok();
    }
    Ok(kept)
}

/// Every journal in `dir`, oldest first, by its files only (none is opened).
fn scan(dir: &Path) -> Result<Vec<Kept>, AppError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(AppError::Write {
                path: dir.to_owned(),
                source,
            })
        }
    };
    let mut kept = Vec::new();
    for path in entries.filter_map(Result::ok).map(|e| e.path()) {
        if path.extension().is_none_or(|x| x != "db") {
            continue;
        }
        // A journal's last writes may sit in its WAL until a checkpoint; an empty WAL is only
        // a reader's (listing opens each journal to read it).
        let wal = PathBuf::from(format!("{}-wal", path.display()));
        let metas: Vec<_> = [&path, &wal]
            .iter()
            .filter_map(|p| p.metadata().ok())
            .filter(|m| m.len() > 0)
            .collect();
        let Some(modified) = metas.iter().filter_map(|m| m.modified().ok()).max() else {
            continue;
        };
        kept.push(Kept {
            bytes: metas.iter().map(|m| m.len()).sum(),
            modified,
            inspected: None,
            path,
        });
    }
    kept.sort_by_key(|k| k.modified);
    Ok(kept)
}

/// Removes the journals in `dir` last written more than `older_than` ago: finished runs, and
/// with `force` unfinished or unreadable ones too, never one a run holds now. Answers those
/// removed.
pub fn prune(dir: &Path, older_than: Duration, force: bool) -> Result<Vec<Kept>, AppError> {
    let now = SystemTime::now();
    let mut pruned = Vec::new();
    // Only the old ones are opened: every bulk run prunes first, and a journal holds every row.
    for mut kept in scan(dir)? {
        let old = now
            .duration_since(kept.modified)
            .is_ok_and(|age| age > older_than);
        if !old {
            continue;
        }
        kept.inspected = inspect(&kept.path).ok();
        if (!kept.finished() && !force) || in_use(&kept.path) {
            continue;
        }
        remove_all(&kept.path)?;
        pruned.push(kept);
    }
    Ok(pruned)
}

/// The header line of `journal list`, over `render`'s columns.
pub fn header() -> String {
    format!(
        "{:<20}  {:<10}  {:>24}  {:>12}  {}  {}",
        "ended (UTC)", "state", "rows done/all", "size", "command file on org", "journal"
    )
}

/// A line of `journal list`: when the run ended (an unfinished run: when its journal was last
/// written), state, rows, size, command, file, org, path.
pub fn render(kept: &Kept) -> String {
    let ended = kept.inspected.as_ref().and_then(|i| i.ended.clone());
    let when = ended.unwrap_or_else(|| {
        chrono::DateTime::<chrono::Utc>::from(kept.modified)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    });
    let (state, rows, what) = match &kept.inspected {
        None => ("damaged", String::from("?"), String::new()),
        Some(i) => {
            let state = if i.finished { "finished" } else { "unfinished" };
            let what = i.record.as_ref().map_or_else(String::new, |r| {
                format!("{} {} on {}", r.facts.command, r.facts.file, r.facts.org)
            });
            let mut rows = format!("{}/{}", i.done, i.total);
            if i.open > 0 {
                rows.push_str(&format!(", {} to settle", i.open));
            }
            (state, rows, what)
        }
    };
    format!(
        "{when}  {state:<10}  {rows:>24}  {:>8} KiB  {}  {}",
        kept.bytes.div_ceil(1024),
        crate::report::printable(&what),
        kept.path.display()
    )
}
