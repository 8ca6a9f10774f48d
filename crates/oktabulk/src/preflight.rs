//! The preflight pass: the whole file is read and checked by the command's `RowChecker` before
//! anything is written. Problems are printed as they are found, all of them (warnings too, which
//! do not count); the pass also takes the file's digest for the journal, and the users its rows
//! name, so that one user named twice in two forms is found before anything is sent.

use crate::exit::AppError;
use crate::input::{InputFile, Problem, RowChecker, RowInput};
use crate::report::words::count;
use futures_util::{stream, StreamExt};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug)]
pub struct PreflightReport {
    /// The input as messages name it.
    pub file: String,
    pub rows: u64,
    pub invalid_rows: u64,
    pub problems: u64,
    /// Problems of the file as a whole (unreadable, no header, the header's columns, no
    /// rows), not of a row; counted in `problems`.
    pub file_problems: u64,
    /// Problems that no option can skip: encoding, header, ragged rows.
    pub structural: bool,
    pub digest: String,
    /// The users the valid rows name, to find one named twice in two forms.
    pub named: NamedUsers,
    /// Rows the command runs after the file's, which no line names (`groups sync`'s
    /// removals); counted in `rows`.
    pub appended: Vec<crate::input::RowOp>,
    /// What the journal keeps, before any row is sent, of how the command decided them.
    pub journal_meta: Vec<(&'static str, String)>,
    /// Every row as the preflight decided it (`RowInput`, as JSON, in chunks), sealed: what
    /// the run sends, without reading or checking the file again. `None` for `validate`.
    pub checked: Option<crate::input::SealedFile>,
}

/// The users a file's rows name: by id, and by login (lower-cased, first line), each within its
/// scope (the group, for memberships). The checkers find a key given twice in one form; a user
/// named once by id and once by login is found only by asking the org (`same_users`).
#[derive(Debug, Default)]
pub struct NamedUsers {
    ids: Vec<(u64, String, String)>,
    logins: HashMap<(String, String), u64>,
}

impl NamedUsers {
    fn add(&mut self, line: u64, scope: &str, key: &str) {
        if okta_model::UserId::looks_like(key) {
            self.ids.push((line, scope.to_owned(), key.to_owned()));
        } else {
            self.logins
                .entry((scope.to_lowercase(), key.to_lowercase()))
                .or_insert(line);
        }
    }
}

/// Rows that name one user twice, once by id and once by login (in the same group, for
/// memberships): sending both would race (which one fails varies), so they are problems before
/// anything is sent. Asks the org for the login of each id, only when the file names users in
/// both forms; an id the org does not know is left to the run. Prints each problem; answers how
/// many.
pub async fn same_users(
    input: &InputFile,
    named: &NamedUsers,
    client: &okta_client::Client,
    mut print: impl FnMut(String),
) -> Result<u64, AppError> {
    if named.ids.is_empty() || named.logins.is_empty() {
        return Ok(0);
    }
    let in_flight = client.in_flight_limit().max(1);
    let mut found = stream::iter(&named.ids)
        .map(|(line, scope, id)| async move {
            let user = client.users().get(id).await;
            (line, scope, id, user)
        })
        .buffered(in_flight);
    let mut problems = 0;
    while let Some((line, scope, id, user)) = found.next().await {
        let login = match user {
            Ok(user) => user.profile.login().unwrap_or_default().to_lowercase(),
            Err(e) if e.status() == Some(404) => continue,
            Err(e) => return Err(e.into()),
        };
        if let Some(other) = named.logins.get(&(scope.to_lowercase(), login.clone())) {
            problems += 1;
            // Named at the later of the two lines, as the checkers name a repeated key.
            let (first, later) = ((*line).min(*other), (*line).max(*other));
            let problem = Problem::at(
                later,
                None,
                None,
                format!(
                    "the same user as line {first} ({id} is {login}); keep one of the two rows"
                ),
            );
            print(problem.render(&input.display));
        }
    }
    Ok(problems)
}

/// Checks the file with `checker`; `print` gets every problem and warning, already rendered
/// with the file name, and whether it is a problem (not a note or a warning, which `-q` does
/// not print). With `keep`, each row's decision (`RowInput`) is written to it, in order.
pub fn check(
    input: &InputFile,
    delimiter: u8,
    checker: &mut dyn RowChecker,
    mut print: impl FnMut(String, bool),
    mut keep: Option<&mut Keeper>,
) -> PreflightReport {
    let mut report = PreflightReport {
        file: input.display.clone(),
        rows: 0,
        invalid_rows: 0,
        problems: 0,
        file_problems: 0,
        structural: false,
        digest: String::new(),
        named: NamedUsers::default(),
        appended: Vec::new(),
        journal_meta: Vec::new(),
        checked: None,
    };
    // Problems of one column (or of whole rows) beyond the cap are counted, not printed.
    let per_column: RefCell<BTreeMap<String, u64>> = RefCell::new(BTreeMap::new());
    let mut print_all = |report: &mut PreflightReport, problems: Vec<Problem>, count: bool| {
        if count {
            report.problems += problems.len() as u64;
        }
        for p in problems {
            if count && p.line.is_some() {
                let mut counts = per_column.borrow_mut();
                let seen = counts
                    .entry(p.column.clone().unwrap_or_default())
                    .or_default();
                *seen += 1;
                if *seen > SHOWN_PER_COLUMN {
                    continue;
                }
            }
            print(p.render(&input.display), count);
        }
    };
    let mut rows = match input.rows(delimiter) {
        Ok(rows) => rows,
        Err(p) => {
            report.structural = true;
            report.file_problems += 1;
            print_all(&mut report, vec![p], true);
            return report;
        }
    };
    // A mapped column is named by its source column too: the one the admin's file has.
    let mut emit = |report: &mut PreflightReport,
                    rows: &crate::input::source::Rows,
                    mut problems: Vec<Problem>,
                    count: bool| {
        for p in &mut problems {
            let source = p.column.as_deref().and_then(|c| rows.source_of(c));
            if let (Some(source), Some(column)) = (source, &p.column) {
                p.column = Some(format!("{source} (as {column})"));
            }
        }
        print_all(report, problems, count);
    };
    if let Some(note) = rows.mapping_note() {
        emit(&mut report, &rows, vec![Problem::file(note)], false);
    }
    if let Some((column, holds)) = crate::input::source::headerless(&rows.source_header) {
        report.structural = true;
        report.file_problems += 1;
        let problem = Problem::at(
            rows.header_line,
            None,
            None,
            format!(
                "the first row holds values, not column names (column {} holds {holds}): the file has no header row; add one that names each column ({})",
                column + 1,
                checker.example_header()
            ),
        );
        emit(&mut report, &rows, vec![problem], true);
        return report;
    }
    checker.mapped(&rows.mapped_places());
    if let Err(mut problems) = checker.header(&rows.header) {
        // The checkers name the header line 1; a sheet's header may start lower.
        for p in &mut problems {
            if p.line == Some(1) {
                p.line = Some(rows.header_line);
            }
        }
        report.structural = true;
        report.file_problems += problems.len() as u64;
        emit(&mut report, &rows, problems, true);
        // The rows' own problems too, in the same pass, when the columns allow it.
        if !checker.rows_readable() {
            return report;
        }
    }
    // A command that reads only keys given a file of new users: most of it goes unread, which
    // the admin may not mean (deactivating the file just imported is meant; a wrong file not).
    if checker.reads_only_keys() {
        if let (crate::input::FileKind::UsersImport, why) =
            crate::input::FileKind::detect(&rows.header)
        {
            let note = format!(
                "note: it looks like a file for `users import` ({why}); this command reads only its columns {} and leaves the others unread",
                checker.example_header()
            );
            emit(&mut report, &rows, vec![Problem::file(note)], false);
        }
    }
    while let Some(row) = rows.next_row() {
        report.rows += 1;
        let problems = match row {
            Err(mut problems) => {
                report.structural = true;
                // What can be read of the row is checked too: its other problems show now,
                // not after the shape is fixed. A cell it lacks is no second problem.
                if let Some((raw, missing)) = rows.refused() {
                    if let Err(more) = checker.check(&raw) {
                        problems
                            .extend(more.into_iter().filter(|p| {
                                p.column.as_ref().is_none_or(|c| !missing.contains(c))
                            }));
                    }
                }
                problems
            }
            Ok(raw) if raw.left_out.is_some() => {
                if let Some(keep) = keep.as_deref_mut() {
                    keep.keep(RowInput::LeftOut {
                        seq: raw.seq,
                        line: raw.line,
                        login: checker.label(&raw),
                        why: raw.left_out.clone().unwrap_or_default(),
                    });
                }
                Vec::new()
            }
            Ok(raw) => match checker.check(&raw) {
                Ok(op) => {
                    if let Some((scope, key)) = op.user_key() {
                        report.named.add(raw.line, scope, key);
                    }
                    if let Some(keep) = keep.as_deref_mut() {
                        keep.keep(RowInput::Valid(Box::new(op)));
                    }
                    Vec::new()
                }
                Err(problems) => {
                    if let Some(keep) = keep.as_deref_mut() {
                        keep.keep(RowInput::Invalid {
                            seq: raw.seq,
                            line: raw.line,
                            login: checker.label(&raw),
                            problems: problems.clone(),
                        });
                    }
                    problems
                }
            },
        };
        emit(&mut report, &rows, checker.warnings(), false);
        if !problems.is_empty() {
            report.invalid_rows += 1;
            emit(&mut report, &rows, problems, true);
        }
    }
    let beyond: Vec<Problem> = per_column
        .borrow()
        .iter()
        .filter(|(_, seen)| **seen > SHOWN_PER_COLUMN)
        .map(|(column, seen)| {
            let of = if column.is_empty() {
                "of whole rows".to_owned()
            } else {
                format!("in column {column}")
            };
            Problem::file(format!(
                "and {} more problems {of} ({seen} in all; the first {SHOWN_PER_COLUMN} are shown)",
                seen - SHOWN_PER_COLUMN
            ))
        })
        .collect();
    emit(&mut report, &rows, beyond, false);
    if rows.blank_rows > 0 {
        let note = Problem::file(format!(
            "note: {} ignored (rows of empty cells, as spreadsheets leave them)",
            count(rows.blank_rows, "empty row", "empty rows")
        ));
        emit(&mut report, &rows, vec![note], false);
    }
    if report.rows == 0 {
        emit(
            &mut report,
            &rows,
            vec![Problem::file("the file has a header but no rows")],
            true,
        );
        report.structural = true;
        report.file_problems += 1;
    }
    report.digest = rows.digest();
    report
}

impl PreflightReport {
    /// The rows as the preflight decided them, in the file's order (`PreflightReport::checked`):
    /// the file is not read again. A thread of their own unseals and reads them, at most
    /// `BATCHES_AHEAD` batches of `BATCH` rows ahead of the run.
    pub fn checked_rows(
        &self,
    ) -> Result<impl Iterator<Item = Result<RowInput, AppError>>, AppError> {
        let unreadable = |e: String| {
            AppError::Runtime(format!(
                "the checked rows cannot be read back from their sealed temporary file: {e}"
            ))
        };
        let records = self
            .checked
            .as_ref()
            .ok_or_else(|| AppError::Runtime("the preflight kept no rows to send".into()))?
            .records()
            .map_err(|e| unreadable(e.to_string()))?;
        let (tx, rx) = std::sync::mpsc::sync_channel(BATCHES_AHEAD);
        std::thread::Builder::new()
            .name("oktabulk-rows".into())
            .spawn(move || read_rows(records, &tx))
            .map_err(|e| unreadable(e.to_string()))?;
        let mut batch = Vec::new().into_iter();
        Ok(std::iter::from_fn(move || loop {
            if let Some(row) = batch.next() {
                return Some(Ok(row));
            }
            // The thread ends after the last batch or an error: the channel closes.
            match rx.recv().ok()? {
                Ok(next) => batch = next.into_iter(),
                Err(e) => return Some(Err(unreadable(e))),
            }
        }))
    }
}

/// Rows handed between the checking, the thread that keeps them and the thread that reads them
/// back, at once.
const BATCH: usize = 256;

/// Batches a thread holds ahead of its reader, at most: memory stays flat.
const BATCHES_AHEAD: usize = 8;

/// Bytes of rows sealed together, at least (rows are sealed in chunks, not one by one).
const CHUNK: usize = 64 * 1024;

/// Reads every record of the sealed rows and sends them on in batches; after an error, only it.
/// Ends when the reader goes away (a run that stops reading).
fn read_rows(
    records: crate::input::Records,
    tx: &std::sync::mpsc::SyncSender<Result<Vec<RowInput>, String>>,
) {
    let mut batch = Vec::with_capacity(BATCH);
    for chunk in records {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(e) => {
                let _ = tx.send(Ok(batch));
                let _ = tx.send(Err(e.to_string()));
                return;
            }
        };
        let mut at = 0;
        while at < chunk.len() {
            match read_row(&chunk, &mut at) {
                Ok(row) => batch.push(row),
                Err(e) => {
                    let _ = tx.send(Ok(batch));
                    let _ = tx.send(Err(e));
                    return;
                }
            }
            if batch.len() == BATCH
                && tx
                    .send(Ok(std::mem::replace(&mut batch, Vec::with_capacity(BATCH))))
                    .is_err()
            {
                return;
            }
        }
    }
    let _ = tx.send(Ok(batch));
}

/// Keeps the rows the preflight judged, in order, sealed in chunks of `CHUNK` bytes (each row
/// its JSON with its length before it), on a thread of its own beside the checking.
#[derive(Debug)]
pub struct Keeper {
    batch: Vec<RowInput>,
    tx: Option<std::sync::mpsc::SyncSender<Vec<RowInput>>>,
    thread: Option<std::thread::JoinHandle<std::io::Result<crate::input::SealedFile>>>,
}

impl Keeper {
    /// A new sealed file and the thread that writes it. Errors: the system's random source, the
    /// temporary directory, or a thread that cannot start.
    pub fn new() -> std::io::Result<Keeper> {
        let mut out = crate::input::SealedWriter::new()?;
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<RowInput>>(BATCHES_AHEAD);
        let thread = std::thread::Builder::new()
            .name("oktabulk-keep".into())
            .spawn(move || {
                let mut chunk = Vec::with_capacity(CHUNK + 4096);
                for batch in rx {
                    for row in &batch {
                        let start = chunk.len();
                        chunk.extend_from_slice(&[0; 4]);
                        serde_json::to_writer(&mut chunk, row)
                            .expect("rows serialize: plain data, string keys");
                        let len = u32::try_from(chunk.len() - start - 4).unwrap_or(u32::MAX);
                        chunk[start..start + 4].copy_from_slice(&len.to_le_bytes());
                        if chunk.len() >= CHUNK {
                            out.record(&chunk);
                            chunk.clear();
                        }
                    }
                }
                if !chunk.is_empty() {
                    out.record(&chunk);
                }
                out.finish()
            })?;
        Ok(Keeper {
            batch: Vec::with_capacity(BATCH),
            tx: Some(tx),
            thread: Some(thread),
        })
    }

    fn keep(&mut self, row: RowInput) {
        self.batch.push(row);
        if self.batch.len() == BATCH {
            self.hand_over();
        }
    }

    fn hand_over(&mut self) {
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        // A thread gone has kept its error for `finish`.
        if self.tx.as_ref().is_some_and(|tx| tx.send(batch).is_err()) {
            self.tx = None;
        }
    }

    /// Every row kept: the sealed file, or why it could not be written.
    pub fn finish(mut self) -> std::io::Result<crate::input::SealedFile> {
        if !self.batch.is_empty() {
            self.hand_over();
        }
        drop(self.tx.take());
        self.thread
            .take()
            .ok_or_else(|| std::io::Error::other("the rows were kept already"))?
            .join()
            .map_err(|_| std::io::Error::other("the thread that kept the rows failed"))?
    }
}

impl Drop for Keeper {
    /// Not finished (a file refused): the thread is waited for, and the sealed file it answers
    /// is removed here; left to itself, it could outlive the process and leave the file behind.
    fn drop(&mut self) {
        drop(self.tx.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The row at `at` of a chunk, and `at` moved past it.
fn read_row(chunk: &[u8], at: &mut usize) -> Result<RowInput, String> {
    let len = chunk
        .get(*at..*at + 4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
        .ok_or("a chunk ends inside a row's length")?;
    let start = *at + 4;
    let bytes = chunk
        .get(start..start + len)
        .ok_or("a chunk ends inside a row")?;
    *at = start + len;
    serde_json::from_slice(bytes).map_err(|e| e.to_string())
}

/// Problems shown per column (and of whole rows); the rest are counted in one line.
const SHOWN_PER_COLUMN: u64 = 100;

/// The message that stops a run with problems.
pub fn refusal(report: &PreflightReport) -> AppError {
    crate::input::InputError::Refused {
        file: report.file.clone(),
        rows: report.rows,
        invalid_rows: report.invalid_rows,
        problems: report.problems,
        file_problems: report.file_problems,
        skippable: !report.structural,
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{GroupDirectory, Mode, RowOp, UserChecker};

    /// The preflight of `users import` over `path`, its rows kept as a run keeps them.
    fn checked_and_kept(path: &std::path::Path) -> PreflightReport {
        let input = InputFile::open(path).expect("opens");
        let mut checker = UserChecker::new(
            Mode::Create,
            crate::connect::default_schema(),
            GroupDirectory::default(),
            false,
            false,
        );
        let mut keep = Keeper::new().expect("a sealed file");
        let mut report = check(&input, b',', &mut checker, |_, _| {}, Some(&mut keep));
        report.checked = Some(keep.finish().expect("sealed"));
        report
    }

    /// The run sends what the preflight decided, in the file's order, without reading the file
    /// again: the rows come back whole after the file is gone, the invalid ones with their
    /// problems, and no password is in the sealed file's bytes.
    #[test]
    fn the_run_gets_the_rows_as_the_preflight_judged_them() {
        let dir = tempfile::tempdir().expect("a directory");
        let path = dir.path().join("users.csv");
        std::fs::write(
            &path,
            "login,email,firstName,lastName,password\n\
             a@example.com,a@example.com,A,One,Correct-Horse-42\n\
             not-a-login,nope,B,Two,\n\
             c@example.com,c@example.com,C,Three,\n",
        )
        .expect("written");
        let report = checked_and_kept(&path);
        std::fs::remove_file(&path).expect("the input is gone");
        let rows: Vec<RowInput> = report
            .checked_rows()
            .expect("opens")
            .collect::<Result<_, _>>()
            .expect("reads");
        assert_eq!(rows.len(), 3);
        match &rows[0] {
            RowInput::Valid(op) => match op.as_ref() {
                RowOp::Create(row) => {
                    assert_eq!((row.seq, row.line, row.login()), (0, 2, "a@example.com"));
                    let password = row
                        .request
                        .credentials
                        .as_ref()
                        .and_then(|c| c.password.as_ref())
                        .and_then(|p| p.value.as_ref())
                        .expect("the password travels to the run");
                    assert_eq!(password.expose(), "Correct-Horse-42");
                }
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
        match &rows[1] {
            RowInput::Invalid { line, problems, .. } => {
                assert_eq!(*line, 3);
                assert!(!problems.is_empty());
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(&rows[2], RowInput::Valid(_)));
        let on_disk = std::fs::read(report.checked.as_ref().expect("kept").path()).expect("read");
        assert!(!on_disk.windows(16).any(|w| w == b"Correct-Horse-42"));
    }

    /// Rows are sealed in chunks: thousands of rows come back whole and in order across them.
    #[test]
    fn many_rows_come_back_in_order_across_chunks() {
        let dir = tempfile::tempdir().expect("a directory");
        let path = dir.path().join("users.csv");
        let mut csv = String::from("login,email,firstName,lastName,title\n");
        for i in 0..3000 {
            csv.push_str(&format!(
                "u{i}@example.com,u{i}@example.com,First{i},Last{i},{}\n",
                "t".repeat(i % 200)
            ));
        }
        std::fs::write(&path, csv).expect("written");
        let report = checked_and_kept(&path);
        let logins: Vec<String> = report
            .checked_rows()
            .expect("opens")
            .map(|row| match row.expect("reads") {
                RowInput::Valid(op) => match *op {
                    RowOp::Create(row) => row.login().to_owned(),
                    other => panic!("{other:?}"),
                },
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(logins.len(), 3000);
        assert!(logins
            .iter()
            .enumerate()
            .all(|(i, l)| *l == format!("u{i}@example.com")));
    }
}
