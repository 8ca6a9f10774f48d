//! The crash-safe journal of an import: which rows were sent and what became of each, in SQLite
//! (WAL, synchronous commits). A row is marked sent, durably, before its first request; its
//! result is recorded when it is done. Re-running the same command reads the journal: finished
//! rows are not sent again, rows that were in flight are settled by looking the login up.
//! Passwords never enter it. One run at a time holds a journal: an OS lock on a file beside it,
//! which a crashed run gives up with its process.

use crate::exit::AppError;
use crate::outcome::RowResult;
use ring::digest::{digest, SHA256};
use rusqlite::{params, Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::oneshot;

/// What an earlier run left for one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// Sent at this time (local clock), outcome unknown.
    Sent(SystemTime),
    /// Finished with this result; `sent` is when its first request went, if one did.
    Done {
        result: Box<RowResult>,
        sent: Option<SystemTime>,
    },
}

enum Write {
    Sent(u64, i64, oneshot::Sender<Result<(), String>>),
    Done(u64, String),
    Flush(oneshot::Sender<Result<(), String>>),
    /// A value for the `meta` table, and who waits for its commit (and how it went).
    Meta(&'static str, String, mpsc::Sender<Result<(), String>>),
}

#[derive(Debug)]
pub struct Journal {
    /// Holds the run's lock until the journal is dropped (or the process ends).
    _lock: std::fs::File,
    writer: mpsc::Sender<Write>,
    /// A second connection for reads; WAL lets it read while the writer commits.
    reader: Mutex<Connection>,
}

impl std::fmt::Debug for Write {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("journal write")
    }
}

/// What identifies "the same command": the input, the org, the options that change results.
#[derive(Debug, Clone)]
pub struct JournalKey {
    /// The command (`import`, `update`, `deactivate`...): the journal file's prefix.
    pub command: &'static str,
    pub input: String,
    pub org: String,
    pub options: String,
}

impl JournalKey {
    /// The journal's file name: the command, then a hash of the rest.
    pub fn file_name(&self) -> String {
        let text = format!("{}\n{}\n{}", self.input, self.org, self.options);
        let hash = digest(&SHA256, text.as_bytes());
        let hex: String = hash.as_ref()[..12]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        format!("{}-{hex}.db", self.command)
    }
}

fn sql(e: rusqlite::Error) -> AppError {
    AppError::Journal(e.to_string())
}

/// Opens the journal at `path`, made (owner-only) with its tables when new. A file SQLite
/// cannot read as one is refused as damaged.
fn create(path: &Path) -> Result<Connection, AppError> {
    crate::private::create_file(path)?;
    let conn = Connection::open(path).map_err(sql)?;
    conn.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
         CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
         CREATE TABLE IF NOT EXISTS rows (seq INTEGER PRIMARY KEY, sent_ms INTEGER NOT NULL, result TEXT);",
    )
    .map_err(|e| damaged(path, e))?;
    Ok(conn)
}

/// A journal file SQLite cannot read as a journal: refused, with the way out.
fn damaged(path: &Path, e: impl std::fmt::Display) -> AppError {
    AppError::Config(format!(
        "the journal {} is damaged ({e}); run the same command with --restart to start over (rows already done are then looked up again, not replayed)",
        path.display()
    ))
}

impl Journal {
    /// Opens the journal of this command. An unfinished run's journal (rows not done, or done
    /// with an outcome the same command settles again) is resumed; one over a different file
    /// content is refused unless `restart`. A finished run's journal is put aside under its own
    /// name, still readable by `oktabulk report`, and described in the answer: this run is a
    /// new one and reads the org again.
    pub fn open(
        dir: &Path,
        key: &JournalKey,
        input_digest: &str,
        rows: u64,
        restart: bool,
    ) -> Result<(Journal, Option<EarlierRun>), AppError> {
        crate::private::create_dir_all(dir)?;
        let path = dir.join(key.file_name());
        let lock = lock(&path)?;
        if restart {
            remove(&path)?;
        }
        let mut conn = create(&path)?;
        let mut earlier = None;
        if let Some(state) = State::read(&conn).map_err(|e| damaged(&path, e))? {
            if state.finished() {
                let same_input = state.digest == input_digest;
                earlier = Some(put_aside(&conn, &path, key, state, same_input)?);
                drop(conn);
                remove(&path)?;
                conn = create(&path)?;
            } else if state.digest != input_digest {
                return Err(AppError::Config(format!(
                    "{} changed since the interrupted run of this command ({} of {} done, journal {}); run it with --restart to start over, or restore the file to resume",
                    key.input,
                    state.done,
                    crate::report::words::count(state.total, "row", "rows"),
                    path.display()
                )));
            }
        }
        conn.execute(
            "INSERT OR REPLACE INTO meta VALUES ('digest', ?1), ('rows', ?2)",
            params![input_digest, rows.to_string()],
        )
        .map_err(sql)?;
        conn.execute("DELETE FROM meta WHERE key = 'finished'", [])
            .map_err(sql)?;
        let reader = Connection::open(&path).map_err(sql)?;
        let (tx, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("oktabulk-journal".into())
            .spawn(move || writer(conn, rx))
            .map_err(|e| AppError::Journal(e.to_string()))?;
        let journal = Journal {
            _lock: lock,
            writer: tx,
            reader: Mutex::new(reader),
        };
        Ok((journal, earlier))
    }

    /// Records that the run settled every row, and when: the next run of the same command is
    /// a new one.
    pub fn finished(&self) {
        let (done, wait) = mpsc::channel();
        if self
            .writer
            .send(Write::Meta("finished", crate::outcome::now(), done))
            .is_ok()
        {
            let _ = tokio::task::block_in_place(|| wait.recv_timeout(Duration::from_secs(10)));
        }
    }

    /// Keeps `value` under `key` in the `meta` table, durably, before the run sends anything
    /// that depends on it (`groups sync`'s removals): a resumed run reads it back with
    /// `resumable_meta`.
    pub fn keep_meta(&self, key: &'static str, value: String) -> Result<(), AppError> {
        let (done, wait) = mpsc::channel();
        self.writer
            .send(Write::Meta(key, value, done))
            .map_err(|_| AppError::Journal("the journal writer stopped".into()))?;
        tokio::task::block_in_place(|| wait.recv_timeout(Duration::from_secs(30)))
            .map_err(|_| AppError::Journal(format!("{key}: not committed in 30 s")))?
            .map_err(AppError::Journal)
    }

    /// What an earlier run recorded for row `seq`.
    pub fn entry(&self, seq: u64) -> Result<Option<Entry>, AppError> {
        let conn = self.reader.lock().unwrap_or_else(|e| e.into_inner());
        // Read whatever the columns hold: a value damaged on disk makes the row unknown (settled
        // by a lookup, as a row in flight), never a failed row.
        let row: Option<(i64, Option<Vec<u8>>)> =
            conn.prepare_cached("SELECT sent_ms, result FROM rows WHERE seq = ?1")
                .and_then(|mut s| {
                    s.query_row([seq as i64], |r| {
                        let sent = r.get_ref(0)?.as_i64().unwrap_or(0);
                        let result = match r.get_ref(1)? {
                            rusqlite::types::ValueRef::Null => None,
                            rusqlite::types::ValueRef::Text(t)
                            | rusqlite::types::ValueRef::Blob(t) => Some(t.to_vec()),
                            _ => Some(Vec::new()),
                        };
                        Ok((sent, result))
                    })
                    .optional()
                })
                .map_err(sql)?;
        Ok(row.map(|(sent_ms, result)| {
            let sent = UNIX_EPOCH + Duration::from_millis(sent_ms.max(0) as u64);
            match result.and_then(|r| serde_json::from_slice::<RowResult>(&r).ok()) {
                Some(result) => Entry::Done {
                    result: Box::new(RowResult { seq, ..result }),
                    sent: (sent_ms > 0).then_some(sent),
                },
                None => Entry::Sent(sent),
            }
        }))
    }

    /// Records, durably, that row `seq` is about to be sent.
    pub async fn sent(&self, seq: u64) -> Result<(), AppError> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        let (done, wait) = oneshot::channel();
        self.writer
            .send(Write::Sent(seq, now, done))
            .map_err(|_| AppError::Journal("the journal writer stopped".into()))?;
        wait.await
            .map_err(|_| AppError::Journal("the journal writer stopped".into()))?
            .map_err(AppError::Journal)
    }

    /// Records a row's result (written with the next commit).
    pub fn done(&self, result: &RowResult) {
        let json = serde_json::to_string(result).expect("results serialize");
        let _ = self.writer.send(Write::Done(result.seq, json));
    }

    /// Keeps the run's record (facts and timeline, for `oktabulk report`) and waits for it to be
    /// committed. A journal that cannot keep it loses only the later report's timeline.
    pub fn keep_record(&self, record: &crate::record::RunRecord) {
        let json = serde_json::to_string(record).expect("records serialize");
        let (done, wait) = mpsc::channel();
        if self.writer.send(Write::Meta("record", json, done)).is_ok() {
            let _ = tokio::task::block_in_place(|| wait.recv_timeout(Duration::from_secs(10)));
        }
    }

    /// The record of the journal's last run and its rows' results, counted: what
    /// `oktabulk report` draws. Read without taking the run's lock (a run may be going on).
    pub fn read_report(
        path: &Path,
    ) -> Result<(crate::record::RunRecord, crate::outcome::RowTally), AppError> {
        let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(sql)?;
        let record: Option<String> = conn
            .query_row("SELECT value FROM meta WHERE key = 'record'", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(sql)?;
        let record = match record {
            Some(json) => serde_json::from_str(&json).map_err(|e| {
                AppError::Journal(format!("{}: its run record: {e}", path.display()))
            })?,
            None => crate::record::RunRecord::default(),
        };
        let mut tally = crate::outcome::RowTally::default();
        let mut stmt = conn
            .prepare("SELECT result FROM rows WHERE result IS NOT NULL ORDER BY seq")
            .map_err(sql)?;
        let results = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(sql)?;
        for json in results {
            let json = json.map_err(sql)?;
            if let Ok(result) = serde_json::from_str::<RowResult>(&json) {
                tally.add(&result);
            }
        }
        Ok((record, tally))
    }

    /// Waits until everything recorded is on disk.
    pub async fn flush(&self) -> Result<(), AppError> {
        let (done, wait) = oneshot::channel();
        self.writer
            .send(Write::Flush(done))
            .map_err(|_| AppError::Journal("the journal writer stopped".into()))?;
        wait.await
            .map_err(|_| AppError::Journal("the journal writer stopped".into()))?
            .map_err(AppError::Journal)
    }
}

/// A finished run of the same command over the same file, put aside when a new run starts.
#[derive(Debug)]
pub struct EarlierRun {
    /// When it finished (UTC, RFC 3339); for a journal of an earlier version, when it was last
    /// written.
    pub finished: String,
    /// Its rows by status.
    pub tally: crate::outcome::RowTally,
    /// Where its journal is kept now (`oktabulk report` draws it).
    pub journal: PathBuf,
    /// Its file was this run's file, byte for byte.
    pub same_input: bool,
}

/// What a journal on disk holds, for `oktabulk journal list|prune`.
#[derive(Debug)]
pub struct Inspected {
    /// The run's facts (command, file, org, options), when the run lived to keep them.
    pub record: Option<crate::record::RunRecord>,
    pub done: u64,
    pub total: u64,
    /// Rows done whose outcome the same command settles again.
    pub open: u64,
    /// Every row has an outcome a rerun would not settle again.
    pub finished: bool,
    /// When the run ended (UTC, RFC 3339), as it kept it; not the file's time, which a copy
    /// (a finished journal put aside) changes.
    pub ended: Option<String>,
}

/// Reads a journal without taking its lock (a run may hold it).
pub fn inspect(path: &Path) -> Result<Inspected, AppError> {
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| damaged(path, e))?;
    let state = State::read(&conn).map_err(|e| damaged(path, e))?;
    let record: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'record'", [], |r| {
            r.get(0)
        })
        .optional()
        .map_err(|e| damaged(path, e))?;
    Ok(Inspected {
        record: record.and_then(|json| serde_json::from_str(&json).ok()),
        done: state.as_ref().map_or(0, |s| s.done),
        total: state.as_ref().map_or(0, |s| s.total),
        open: state.as_ref().map_or(0, |s| s.open),
        finished: state.as_ref().is_some_and(State::finished),
        ended: state.and_then(|s| s.finished),
    })
}

/// The `meta` value under `key` of the journal at `path`, when `Journal::open` would resume it
/// (its run did not finish, over a file with this digest); read without its lock. `None` for
/// a new run, a finished one, or another file.
pub fn resumable_meta(path: &Path, digest: &str, key: &str) -> Result<Option<String>, AppError> {
    if !path.exists() {
        return Ok(None);
    }
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| damaged(path, e))?;
    match State::read(&conn).map_err(|e| damaged(path, e))? {
        Some(state) if !state.finished() && state.digest == digest => conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| damaged(path, e)),
        _ => Ok(None),
    }
}

/// Whether a run holds the journal at `path` now.
pub fn in_use(path: &Path) -> bool {
    let lock_path = PathBuf::from(format!("{}.lock", path.display()));
    let Ok(file) = std::fs::OpenOptions::new().read(true).open(&lock_path) else {
        return false;
    };
    match file.try_lock() {
        Ok(()) => false,
        Err(std::fs::TryLockError::WouldBlock) => true,
        Err(std::fs::TryLockError::Error(_)) => false,
    }
}

/// Removes a journal and the files SQLite and its lock keep beside it.
pub fn remove_all(path: &Path) -> Result<(), AppError> {
    remove(path)?;
    let lock = PathBuf::from(format!("{}.lock", path.display()));
    match std::fs::remove_file(&lock) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(AppError::Write { path: lock, source }),
    }
}

/// A finished run's results, read from its journal (put aside) by the run that follows it over
/// the same file: rows are the same rows, seq for seq.
#[derive(Debug)]
pub struct Previous {
    /// When it finished (UTC, RFC 3339).
    pub finished: String,
    conn: Mutex<Connection>,
}

impl Previous {
    /// Opens the journal of `earlier` read-only, when its file was this run's file.
    pub fn open(earlier: &EarlierRun) -> Result<Option<Previous>, AppError> {
        if !earlier.same_input {
            return Ok(None);
        }
        let conn = Connection::open_with_flags(
            &earlier.journal,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .map_err(sql)?;
        Ok(Some(Previous {
            finished: earlier.finished.clone(),
            conn: Mutex::new(conn),
        }))
    }

    /// Row `seq`'s result in that run, if it could be read.
    pub fn result(&self, seq: u64) -> Option<RowResult> {
        let conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        let json: String = conn
            .query_row(
                "SELECT result FROM rows WHERE seq = ?1 AND result IS NOT NULL",
                [seq as i64],
                |r| r.get(0),
            )
            .ok()?;
        serde_json::from_str(&json).ok()
    }
}

/// What a journal holds of its last run.
struct State {
    digest: String,
    total: u64,
    /// Rows with a result.
    done: u64,
    /// Rows whose result the same command settles again (unsettled failures, interruptions).
    open: u64,
    tally: crate::outcome::RowTally,
    finished: Option<String>,
}

impl State {
    /// `None` for a new journal.
    fn read(conn: &Connection) -> Result<Option<State>, AppError> {
        let meta = |key: &str| -> Result<Option<String>, AppError> {
            conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
                .optional()
                .map_err(sql)
        };
        let Some(digest) = meta("digest")? else {
            return Ok(None);
        };
        let total = meta("rows")?.and_then(|r| r.parse().ok()).unwrap_or(0);
        let mut state = State {
            digest,
            total,
            done: 0,
            open: 0,
            tally: crate::outcome::RowTally::default(),
            finished: meta("finished")?,
        };
        let mut stmt = conn
            .prepare("SELECT result FROM rows WHERE result IS NOT NULL")
            .map_err(sql)?;
        let results = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(sql)?;
        for json in results {
            state.done += 1;
            match json.map(|j| serde_json::from_str::<RowResult>(&j)) {
                Ok(Ok(result)) => {
                    state.open += u64::from(result.needs_another_try(false));
                    state.tally.add(&result);
                }
                // Unreadable: the row is settled again, as an unfinished one.
                Ok(Err(_)) | Err(_) => state.open += 1,
            }
        }
        Ok(Some(state))
    }

    /// Every row has an outcome that a rerun would not settle again.
    fn finished(&self) -> bool {
        self.done >= self.total && self.open == 0
    }
}

/// Copies a finished run's journal to `<name>.<finished>.db` beside it (readable by the owner
/// only) and describes the run.
fn put_aside(
    conn: &Connection,
    path: &Path,
    key: &JournalKey,
    state: State,
    same_input: bool,
) -> Result<EarlierRun, AppError> {
    let finished = match state.finished {
        Some(at) => at,
        None => {
            let wal = PathBuf::from(format!("{}-wal", path.display()));
            let modified = [path, wal.as_path()]
                .iter()
                .filter_map(|f| f.metadata().and_then(|m| m.modified()).ok())
                .max()
                .unwrap_or_else(SystemTime::now);
            chrono::DateTime::<chrono::Utc>::from(modified)
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        }
    };
    let stamp: String = finished
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let stem = key.file_name();
    let stem = stem.trim_end_matches(".db");
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut aside = dir.join(format!("{stem}.{stamp}.db"));
    let mut n = 1;
    while aside.exists() {
        n += 1;
        aside = dir.join(format!("{stem}.{stamp}-{n}.db"));
    }
    crate::private::create_file(&aside)?;
    conn.execute("VACUUM INTO ?1", [aside.to_string_lossy()])
        .map_err(sql)?;
    Ok(EarlierRun {
        finished,
        tally: state.tally,
        journal: aside,
        same_input,
    })
}

/// Takes the lock of the journal at `path`, or refuses naming the process that holds it.
fn lock(path: &Path) -> Result<std::fs::File, AppError> {
    crate::private::lock(path, |who| {
        AppError::Config(format!(
            "{who} is running this command now; wait for it to finish or stop it (its journal: {})",
            path.display()
        ))
    })
}

fn remove(path: &Path) -> Result<(), AppError> {
    for suffix in ["", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", path.display()));
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(AppError::Write { path: p, source }),
        }
    }
    Ok(())
}

/// Commits whatever has queued up in one transaction, then answers every waiter.
fn writer(mut conn: Connection, rx: mpsc::Receiver<Write>) {
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while let Ok(more) = rx.try_recv() {
            batch.push(more);
            if batch.len() >= 4096 {
                break;
            }
        }
        let result = commit(&mut conn, &batch).map_err(|e| e.to_string());
        for write in batch {
            match write {
                Write::Sent(_, _, done) | Write::Flush(done) => {
                    let _ = done.send(result.clone());
                }
                Write::Meta(_, _, done) => {
                    let _ = done.send(result.clone());
                }
                Write::Done(..) => {}
            }
        }
    }
}

fn commit(conn: &mut Connection, batch: &[Write]) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    {
        // A row keeps the time of its first send, which a later settling lookup compares the
        // user's creation with; a row finished without a send (0) takes this one.
        let mut sent = tx.prepare_cached(
            "INSERT INTO rows (seq, sent_ms) VALUES (?1, ?2)
             ON CONFLICT(seq) DO UPDATE SET sent_ms = excluded.sent_ms WHERE rows.sent_ms = 0",
        )?;
        let mut done = tx.prepare_cached(
            "INSERT INTO rows (seq, sent_ms, result) VALUES (?1, 0, ?2)
             ON CONFLICT(seq) DO UPDATE SET result = excluded.result",
        )?;
        for write in batch {
            match write {
                Write::Sent(seq, ms, _) => {
                    sent.execute(params![*seq as i64, ms])?;
                }
                Write::Done(seq, json) => {
                    done.execute(params![*seq as i64, json])?;
                }
                Write::Flush(_) => {}
                Write::Meta(key, value, _) => {
                    tx.execute(
                        "INSERT OR REPLACE INTO meta VALUES (?1, ?2)",
                        params![key, value],
                    )?;
                }
            }
        }
    }
    tx.commit()
}
