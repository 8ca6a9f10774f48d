//! The results file: one row per input row, in input order, the classic script's columns first.
//! Rows finish out of order; they wait in a reorder buffer that the engine keeps small. Cells a
//! spreadsheet would run as formulas get a leading `'` (`csv_cell`). The file is written under a temporary
//! name in its directory (readable by the owner only) and renamed into place when the run ends,
//! so an existing file, or a link, is replaced whole and never written through.

use crate::csv_cell::CsvWriter;
use crate::engine::{Event, Reporter, Stop, StopReason};
use crate::exit::AppError;
use crate::outcome::{RowResult, COLUMNS};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::sync::Semaphore;

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
    sink: Option<Sink>,
    /// The temporary file behind `sink`, renamed to `path` by `finish`; `None` for stdout.
    temp: Option<tempfile::TempPath>,
    stop: Arc<Stop>,
    pending: BTreeMap<u64, RowResult>,
    next: u64,
    window: Arc<Semaphore>,
    /// The first write error; rows keep flowing (the journal still records them) and the run
    /// reports it at the end.
    error: Option<AppError>,
}

impl std::fmt::Debug for ResultsFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ResultsFile({})", self.path.display())
    }
}

impl ResultsFile {
    /// Creates the file (`-` for standard output; a device or a pipe is written as it is).
    /// `window` gets a permit back for every row written, which lets the engine start another;
    /// a write that fails stops the run.
    pub fn create(
        path: PathBuf,
        format: Format,
        status_column: &str,
        window: Arc<Semaphore>,
        stop: Arc<Stop>,
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
                let mut header = COLUMNS;
                header[4] = status_column;
                w.row(header).map_err(|e| write_error(&path, e))?;
                Sink::Csv(Box::new(w))
            }
            Format::Jsonl => Sink::Jsonl(out),
        };
        Ok(ResultsFile {
            path,
            sink: Some(sink),
            temp,
            stop,
            pending: BTreeMap::new(),
            next: 0,
            window,
            error: None,
        })
    }

    fn write(&mut self, row: &RowResult) -> Result<(), AppError> {
        match &mut self.sink {
            None => Ok(()),
            Some(Sink::Csv(w)) => w.row(row.cells()).map_err(|e| write_error(&self.path, e)),
            Some(Sink::Jsonl(w)) => {
                let mut value = serde_json::to_value(row).expect("results serialize");
                if let (Some(link), Some(fields)) = (&row.activation, value.as_object_mut()) {
                    fields.insert("activationUrl".into(), link.url.clone().into());
                    fields.insert("activationToken".into(), link.token.clone().into());
                }
                let line = value.to_string();
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
        self.pending.insert(row.seq, (**row).clone());
        let mut wrote = false;
        while let Some(row) = self.pending.remove(&self.next) {
            if self.error.is_none() {
                self.error = self.write(&row).err();
                wrote = true;
            }
            self.next += 1;
            self.window.add_permits(1);
        }
        // Written through to the file as rows come, so that a full disk stops the run now,
        // not at the end.
        if wrote && self.error.is_none() {
            self.error = self.flush().err();
        }
        if let Some(e) = &self.error {
            self.stop.set(StopReason::Unwritable(e.to_string()));
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), AppError> {
        if let Some(e) = self.error.take() {
            return Err(e);
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
