//! The input file and its rows. Standard input is spooled to a temporary file so that the whole
//! input can be validated before the first write and then read again to send. Rows are streamed;
//! the file is never held in memory.

use crate::exit::AppError;
use crate::input::problem::Problem;
use csv::ByteRecord;
use ring::digest::{Context, SHA256};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// The most characters a cell may hold: well above Okta's longest base attribute (4096).
pub const MAX_CELL_CHARS: usize = 10_000;

#[derive(Debug)]
pub struct InputFile {
    /// The name to show in messages (`-` shows as `<stdin>`).
    pub display: String,
    /// The input as the user named it (for the default results path and the journal key).
    pub named: PathBuf,
    path: PathBuf,
    _spool: Option<tempfile::TempPath>,
}

/// One data row: its order among rows, the line it starts on, and its cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow {
    pub seq: u64,
    pub line: u64,
    pub cells: Vec<String>,
}

impl InputFile {
    pub fn open(named: &Path) -> Result<InputFile, AppError> {
        if named == Path::new("-") {
            let mut spool = tempfile::NamedTempFile::new().map_err(|source| AppError::Write {
                path: std::env::temp_dir(),
                source,
            })?;
            std::io::copy(&mut std::io::stdin().lock(), &mut spool).map_err(|source| {
                AppError::Read {
                    path: named.to_owned(),
                    source,
                }
            })?;
            let path = spool.into_temp_path();
            return Ok(InputFile {
                display: "<stdin>".into(),
                named: named.to_owned(),
                path: path.to_path_buf(),
                _spool: Some(path),
            });
        }
        File::open(named).map_err(|source| AppError::Read {
            path: named.to_owned(),
            source,
        })?;
        Ok(InputFile {
            display: named.display().to_string(),
            named: named.to_owned(),
            path: named.to_owned(),
            _spool: None,
        })
    }

    /// Starts a read of the whole file: the header, then rows. `digest` receives the SHA-256 of
    /// the file's bytes once the rows are read to the end.
    pub fn rows(&self, delimiter: u8) -> Result<Rows, Problem> {
        let file =
            File::open(&self.path).map_err(|e| Problem::file(format!("cannot read: {e}")))?;
        let hashing = Hashing {
            inner: file,
            digest: Context::new(&SHA256),
        };
        let mut reader = BufReader::with_capacity(64 * 1024, hashing);
        let start = reader
            .fill_buf()
            .map_err(|e| Problem::file(format!("cannot read: {e}")))?;
        if start.starts_with(&[0xFF, 0xFE]) || start.starts_with(&[0xFE, 0xFF]) {
            return Err(Problem::file(
                "the file is UTF-16 (Excel's \"Unicode Text\"); save it as \"CSV UTF-8 (Comma delimited)\"",
            ));
        }
        if start.starts_with(&[0xEF, 0xBB, 0xBF]) {
            reader.consume(3);
        }
        let mut csv = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .has_headers(false)
            .from_reader(reader);
        let mut record = ByteRecord::new();
        let read = csv
            .read_byte_record(&mut record)
            .map_err(|e| Problem::file(format!("cannot read the header: {e}")))?;
        if !read {
            return Err(Problem::file("the file is empty: it needs a header row"));
        }
        let header = decode_header(&record)?;
        if header.len() == 1 && delimiter == b',' && header[0].contains(';') {
            return Err(Problem::at(
                1,
                None,
                None,
                "the header has ';' but no ',': the file uses ';' as its delimiter (Excel in some locales); save it as \"CSV UTF-8 (Comma delimited)\" or pass --delimiter ';'",
            ));
        }
        Ok(Rows {
            csv,
            header,
            record,
            seq: 0,
        })
    }
}

fn decode_header(record: &ByteRecord) -> Result<Vec<String>, Problem> {
    record
        .iter()
        .enumerate()
        .map(|(i, field)| {
            std::str::from_utf8(field)
                .map(|s| s.trim().to_owned())
                .map_err(|_| Problem::at(1, Some(&format!("#{}", i + 1)), None, not_utf8()))
        })
        .collect()
}

fn not_utf8() -> &'static str {
    "not UTF-8 text: save the file as \"CSV UTF-8 (Comma delimited)\" (Excel's plain \"CSV\" uses your Windows code page)"
}

/// The rows of one read of the file.
pub struct Rows {
    csv: csv::Reader<BufReader<Hashing>>,
    pub header: Vec<String>,
    record: ByteRecord,
    seq: u64,
}

impl std::fmt::Debug for Rows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Rows(seq {})", self.seq)
    }
}

impl Rows {
    /// The next row, or the structural problems of the next record (ragged, not UTF-8, a cell
    /// too long). `None` at the end of the file.
    pub fn next_row(&mut self) -> Option<Result<RawRow, Vec<Problem>>> {
        loop {
            match self.csv.read_byte_record(&mut self.record) {
                Ok(false) => return None,
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    return Some(Err(vec![Problem::at(
                        line,
                        None,
                        None,
                        format!("cannot read: {e}"),
                    )]));
                }
                // A blank line (Excel leaves them at the end of files) is not a row.
                Ok(true) if self.is_blank() => continue,
                Ok(true) => {
                    let line = self.record.position().map_or(0, |p| p.line());
                    let seq = self.seq;
                    self.seq += 1;
                    return Some(self.decode(seq, line));
                }
            }
        }
    }

    fn is_blank(&self) -> bool {
        self.record.len() == 1
            && self
                .record
                .get(0)
                .is_some_and(|f| f.iter().all(u8::is_ascii_whitespace))
    }

    fn decode(&self, seq: u64, line: u64) -> Result<RawRow, Vec<Problem>> {
        let mut problems = Vec::new();
        if self.record.len() != self.header.len() {
            if self.record.len() == 1
                && self
                    .record
                    .get(0)
                    .is_some_and(|f| f.iter().all(u8::is_ascii_whitespace))
            {
                // A blank line: Excel leaves them at the end of files.
                return Ok(RawRow {
                    seq,
                    line,
                    cells: vec![String::new(); self.header.len()],
                });
            }
            problems.push(Problem::at(
                line,
                None,
                None,
                format!(
                    "the row has {} fields but the header has {}",
                    self.record.len(),
                    self.header.len()
                ),
            ));
        }
        let mut cells = Vec::with_capacity(self.record.len());
        for (i, field) in self.record.iter().enumerate() {
            let column = self.header.get(i).map_or("(extra)", String::as_str);
            match std::str::from_utf8(field) {
                Ok(text) if text.chars().count() > MAX_CELL_CHARS => {
                    problems.push(Problem::at(
                        line,
                        Some(column),
                        None,
                        format!(
                            "the cell has {} characters; at most {MAX_CELL_CHARS} are accepted",
                            text.chars().count()
                        ),
                    ));
                    cells.push(String::new());
                }
                Ok(text) => cells.push(text.to_owned()),
                Err(_) => {
                    problems.push(Problem::at(line, Some(column), None, not_utf8()));
                    cells.push(String::new());
                }
            }
        }
        if problems.is_empty() {
            Ok(RawRow { seq, line, cells })
        } else {
            Err(problems)
        }
    }

    /// The SHA-256 of every byte read, in hex; call after the last row.
    pub fn digest(&self) -> String {
        let hashing = self.csv.get_ref().get_ref();
        hashing
            .digest
            .clone()
            .finish()
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// Hashes whatever passes through it.
struct Hashing {
    inner: File,
    digest: Context,
}

impl Read for Hashing {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.digest.update(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn input_with(bytes: &[u8]) -> (tempfile::TempDir, InputFile) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("in.csv");
        std::fs::write(&path, bytes).expect("written");
        let input = InputFile::open(&path).expect("opens");
        (dir, input)
    }

    /// Every row and problem of a file, read to the end.
    fn read_all(input: &InputFile) -> (Vec<RawRow>, usize) {
        let Ok(mut rows) = input.rows(b',') else {
            return (Vec::new(), 1);
        };
        let (mut ok, mut problems) = (Vec::new(), 0);
        while let Some(row) = rows.next_row() {
            match row {
                Ok(r) => ok.push(r),
                Err(p) => problems += p.len(),
            }
        }
        (ok, problems)
    }

    proptest! {
        /// Whatever the cells hold (quotes, commas, line breaks, any Unicode), a file written by
        /// a CSV writer reads back cell for cell, in order, with line numbers that grow.
        #[test]
        fn cells_round_trip(rows in prop::collection::vec(prop::collection::vec(".{0,12}", 3), 1..20)) {
            let mut writer = csv::Writer::from_writer(Vec::new());
            writer.write_record(["a", "b", "c"]).expect("header");
            let written = rows;
            for r in &written {
                writer.write_record(r).expect("row");
            }
            let bytes = writer.into_inner().expect("bytes");
            let (_dir, input) = input_with(&bytes);
            let (read, problems) = read_all(&input);
            prop_assert_eq!(problems, 0);
            let cells: Vec<Vec<String>> = read.iter().map(|r| r.cells.clone()).collect();
            prop_assert_eq!(&cells, &written);
            prop_assert!(read.windows(2).all(|w| w[0].line < w[1].line && w[0].seq + 1 == w[1].seq));
        }

        /// Any bytes at all: the reader answers rows or problems, never panics.
        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            let (_dir, input) = input_with(&bytes);
            let _ = read_all(&input);
        }
    }
}
