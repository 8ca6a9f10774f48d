//! The results file: one row per input row, in input order, in the command's `ResultsTable`
//! (CSV, or one JSON object of the same columns per line).
//! Rows finish out of order; they wait in a reorder buffer that the engine keeps small. Cells a
//! spreadsheet would run as formulas get a leading `'` (`csv_cell`). The file is written under a temporary
//! name in its directory (readable by the owner only) and renamed into place when the run ends,
//! so an existing file, or a link, is replaced whole and never written through.

use crate::csv_cell::CsvWriter;
use crate::engine::{Event, Reporter};
use crate::exit::AppError;
use crate::outcome::{ResultsTable, RowResult};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// The results file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Jsonl,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
        }
    }
}

enum Sink {
    Csv(Box<CsvWriter<Box<dyn Write + Send>>>),
    Jsonl(Box<dyn Write + Send>),
}

pub struct ResultsFile {
    path: PathBuf,
    table: &'static ResultsTable,
    sink: Option<Sink>,
    /// The temporary file behind `sink`, renamed to `path` by `finish`; `None` for stdout.
    temp: Option<tempfile::TempPath>,
    pending: BTreeMap<u64, RowResult>,
    next: u64,
    /// A write failed: told to the engine once (which stops the run); nothing more is written
    /// and the file is not put in place (the journal still holds every row).
    failed: bool,
}

impl std::fmt::Debug for ResultsFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ResultsFile({})", self.path.display())
    }
}

impl ResultsFile {
    /// Creates the file (`-` for standard output; a device or a pipe is written as it is).
    /// Rows are written in input order as they come; the engine keeps the distance between
    /// the oldest unfinished row and the newest started one bounded, which bounds what waits
    /// here. A write that fails is answered as an error, once: the engine stops the run.
    pub fn create(
        path: PathBuf,
        format: Format,
        table: &'static ResultsTable,
    ) -> Result<ResultsFile, AppError> {
        let (out, temp): (Box<dyn Write + Send>, _) = if path.as_os_str() == "-" {
            (Box::new(std::io::stdout()), None)
        } else if std::fs::metadata(&path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(&path)
                .map_err(|source| AppError::Write {
                    path: path.clone(),
                    source,
                })?;
            (Box::new(file), None)
        } else {
            let (file, temp) = temporary_beside(&path)?;
            (Box::new(BufWriter::new(file)), Some(temp))
        };
        let sink = match format {
            Format::Csv => {
                let mut w = CsvWriter::new(out);
                w.row(table.header()).map_err(|e| write_error(&path, e))?;
                Sink::Csv(Box::new(w))
            }
            Format::Jsonl => Sink::Jsonl(out),
        };
        Ok(ResultsFile {
            path,
            table,
            sink: Some(sink),
            temp,
            pending: BTreeMap::new(),
            next: 0,
            failed: false,
        })
    }

    fn write(&mut self, row: &RowResult) -> Result<(), AppError> {
        match &mut self.sink {
            None => Ok(()),
            Some(Sink::Csv(w)) => w
                .row(self.table.cells(row))
                .map_err(|e| write_error(&self.path, e)),
            Some(Sink::Jsonl(w)) => {
                let line = self.table.json_line(row);
                writeln!(w, "{line}").map_err(|source| AppError::Write {
                    path: self.path.clone(),
                    source,
                })
            }
        }
    }
}

/// A new file in `path`'s directory, readable by the owner only where the platform allows it,
/// removed again unless it is renamed into place.
pub(crate) fn temporary_beside(path: &Path) -> Result<(File, tempfile::TempPath), AppError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map_or_else(|| "results".into(), |n| n.to_string_lossy().into_owned());
    let named = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".partial")
        .tempfile_in(dir)
        .map_err(|source| AppError::Write {
            path: path.to_owned(),
            source,
        })?;
    Ok(named.into_parts())
}

/// Refuses a results file that is the input itself (the same path, or a link to it): writing
/// it would destroy the rows before they are read again.
pub fn guard_input(input: &Path, results: &Path) -> Result<(), AppError> {
    if input.as_os_str() == "-" || results.as_os_str() == "-" {
        return Ok(());
    }
    if same_file::is_same_file(input, results).unwrap_or(false) {
        return Err(AppError::Config(format!(
            "the results file {} is the input file {} (or a link to it); choose another with -o",
            results.display(),
            input.display()
        )));
    }
    Ok(())
}

impl ResultsFile {
    fn flush(&mut self) -> Result<(), AppError> {
        let flushed = match &mut self.sink {
            Some(Sink::Csv(w)) => w.flush(),
            Some(Sink::Jsonl(w)) => w.flush(),
            None => Ok(()),
        };
        flushed.map_err(|source| AppError::Write {
            path: self.path.clone(),
            source,
        })
    }
}

fn write_error(path: &std::path::Path, e: csv::Error) -> AppError {
    AppError::Write {
        path: path.to_owned(),
        source: std::io::Error::other(e.to_string()),
    }
}

impl Reporter for ResultsFile {
    fn event(&mut self, event: &Event) -> Result<(), AppError> {
        let Event::RowDone { result: row, .. } = event else {
            return Ok(());
        };
        if self.failed {
            return Ok(());
        }
        self.pending.insert(row.seq, (**row).clone());
        let mut written = Ok(false);
        while let Some(row) = self.pending.remove(&self.next) {
            self.next += 1;
            if written.is_ok() {
                written = self.write(&row).map(|()| true);
            }
        }
        // Written through to the file as rows come, so that a full disk stops the run now,
        // not at the end.
        let written = match written {
            Ok(true) => self.flush(),
            Ok(false) => Ok(()),
            Err(e) => Err(e),
        };
        if written.is_err() {
            self.failed = true;
            self.pending.clear();
        }
        written
    }

    fn finish(&mut self) -> Result<(), AppError> {
        if self.failed {
            // Reported when it happened; the partial file is not put in place.
            return Ok(());
        }
        self.flush()?;
        self.sink = None;
        match self.temp.take() {
            Some(temp) => temp.persist(&self.path).map_err(|e| AppError::Write {
                path: self.path.clone(),
                source: e.error,
            }),
            None => Ok(()),
        }
    }
}
