//! The input file and its rows. Standard input is spooled to a temporary file, sealed under a
//! key only this process holds (`sealed`: it may hold passwords), so that the whole input can be
//! read more than once (a mapping's lookups read it before its rows). A CSV file's rows
//! are streamed, never held in memory; a workbook (.xlsx, .xls, .ods, told by its first bytes)
//! is read by `sheet`.

use crate::csv_cell;
use crate::exit::AppError;
use crate::input::mapping::{Disabled, Mapping, Projection, Source};
use crate::input::preview::Pass;
use crate::input::problem::Problem;
use crate::input::sealed::{SealedFile, Spooling};
use crate::input::sheet;
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
    /// The sheet to read when the file is a workbook (`--sheet`); the first one otherwise.
    sheet: Option<String>,
    /// How the file's columns become Okta's (`--map`).
    mapping: Option<Mapping>,
    /// Standard input, sealed: read from here instead of `path`.
    spool: Option<SealedFile>,
}

/// One data row: its order among rows, the line it starts on, and its cells as the file holds
/// them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow {
    pub seq: u64,
    pub line: u64,
    pub cells: Vec<String>,
    /// The source marks the user disabled and the mapping creates such users STAGED.
    pub staged: bool,
    /// What the mapping's templates could not read in this row (a country it does not know),
    /// for the command's checker to report with its own.
    pub problems: Vec<Problem>,
    /// The mapping leaves the row out (its source marks the user disabled), and why: it is
    /// sent nothing, and its result says so.
    pub left_out: Option<String>,
}

impl RawRow {
    /// The cell at `i` as data: the `'` oktabulk's CSV writer puts before a cell a spreadsheet
    /// would run is taken off (`csv_cell::read`). Every value but a secret is read this way.
    pub fn cell(&self, i: usize) -> Option<csv_cell::Cell<'_>> {
        self.cells.get(i).map(|c| csv_cell::read(c))
    }
}

impl InputFile {
    /// The file cannot be read as rows: these problems say where.
    pub fn unreadable(&self, problems: Vec<Problem>) -> crate::exit::AppError {
        crate::input::InputError::Unreadable {
            file: self.display.clone(),
            problems,
        }
        .into()
    }

    pub fn open(named: &Path) -> Result<InputFile, AppError> {
        if named == Path::new("-") {
            let spool = SealedFile::from_reader(std::io::stdin().lock()).map_err(|e| match e {
                Spooling::Read(source) => AppError::Read {
                    path: named.to_owned(),
                    source,
                },
                Spooling::Write(source) => AppError::Write {
                    path: std::env::temp_dir(),
                    source,
                },
            })?;
            return Ok(InputFile {
                display: "<stdin>".into(),
                named: named.to_owned(),
                path: spool.path().to_owned(),
                sheet: None,
                mapping: None,
                spool: Some(spool),
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
            sheet: None,
            mapping: None,
            spool: None,
        })
    }

    /// Reads the file's columns through a mapping.
    pub fn with_mapping(mut self, mapping: Option<Mapping>) -> InputFile {
        self.mapping = mapping;
        self
    }

    /// Reads the sheet of that name when the file is a workbook.
    pub fn with_sheet(mut self, sheet: Option<String>) -> InputFile {
        self.sheet = sheet;
        self
    }

    /// Starts a read of the whole file: the header, then rows. `digest` receives the SHA-256 of
    /// the file's bytes once the rows are read to the end.
    pub fn rows(&self, delimiter: u8) -> Result<Rows, Problem> {
        self.read(delimiter, true)
    }

    /// A read of the file, through its mapping when `mapped` (a mapping's first pass reads
    /// the file's own columns).
    fn read(&self, delimiter: u8, mapped: bool) -> Result<Rows, Problem> {
        let file = self
            .bytes()
            .map_err(|e| Problem::file(format!("cannot read: {e}")))?;
        let hashing = Hashing {
            inner: file,
            digest: Context::new(&SHA256),
            lines: LineCounter::default(),
        };
        let mut reader = BufReader::with_capacity(64 * 1024, hashing);
        let start = reader
            .fill_buf()
            .map_err(|e| Problem::file(format!("cannot read: {e}")))?;
        if sheet::is_workbook(start) {
            return self.sheet_rows(delimiter, mapped);
        }
        if let Some(name) = &self.sheet {
            return Err(Problem::file(format!(
                "--sheet {name:?} names a sheet of a workbook, but the file is not one (.xlsx, .xls, .ods)"
            )));
        }
        if start.starts_with(&[0xFF, 0xFE])
            || start.starts_with(&[0xFE, 0xFF])
            || looks_utf16(start)
        {
            return Err(Problem::file(
                "the file is UTF-16 (Excel's \"Unicode Text\"); save it as \"CSV UTF-8 (Comma delimited)\"",
            ));
        }
        let bom = start.starts_with(&[0xEF, 0xBB, 0xBF]);
        if bom {
            reader.consume(3);
        }
        reader.get_mut().lines.base = if bom { 3 } else { 0 };
        reader.get_mut().lines.delimiter = delimiter;
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
        let mut header = decode_header(&record, 1)?;
        let mut header_line = 1;
        // Windows PowerShell's Export-Csv writes its object type first, unless told
        // -NoTypeInformation: the header is the line after it.
        if header.len() == 1 && header[0].starts_with("#TYPE ") {
            let read = csv
                .read_byte_record(&mut record)
                .map_err(|e| Problem::file(format!("cannot read the header: {e}")))?;
            if !read {
                return Err(Problem::file("the file is empty: it needs a header row"));
            }
            let byte = record.position().map_or(0, |p| p.byte());
            header_line = csv.get_mut().get_mut().lines.line_at(byte);
            header = decode_header(&record, header_line)?;
        }
        if header.len() == 1 && delimiter == b',' && header[0].contains(';') {
            return Err(Problem::at(
                header_line,
                None,
                None,
                "the header has ';' but no ',': the file uses ';' as its delimiter (Excel in some locales); save it as \"CSV UTF-8 (Comma delimited)\" or pass --delimiter ';'",
            ));
        }
        self.start(
            Reader::Csv {
                csv: Box::new(csv),
                record,
            },
            header,
            header_line,
            delimiter,
            mapped,
        )
    }

    /// Rows from the first data row, with the header mapped when there is a mapping (and
    /// `mapped`). A mapping's first pass reads the file to the end when its templates look
    /// values up in it or it has a disabled flag, else its first rows only (the preview).
    fn start(
        &self,
        reader: Reader,
        header: Vec<String>,
        header_line: u64,
        delimiter: u8,
        mapped: bool,
    ) -> Result<Rows, Problem> {
        let mapping = match &self.mapping {
            _ if !mapped => None,
            Some(mapping) => Some((mapping.clone(), false)),
            None => Mapping::detect(&header).map(|m| (m, true)),
        };
        let mut projection = match &mapping {
            Some((mapping, _)) => Some(mapping.apply(&header, header_line)?),
            None => None,
        };
        let pass = match projection.as_mut() {
            Some(projection) => Some(Pass::read(projection, self.read(delimiter, false)?)),
            None => None,
        };
        Ok(Rows {
            reader,
            header: projection
                .as_ref()
                .map_or_else(|| header.clone(), |p| p.header.clone()),
            projection,
            pass,
            mapping: mapping.map(|(m, detected)| (m.name, detected)),
            source_header: header,
            header_line,
            seq: 0,
            blank_rows: 0,
            refused: None,
        })
    }

    /// The input's bytes from the start: the file, or standard input unsealed.
    fn bytes(&self) -> std::io::Result<Box<dyn Read + Send>> {
        Ok(match &self.spool {
            Some(spool) => Box::new(spool.open()?),
            None => Box::new(File::open(&self.path)?),
        })
    }

    /// The rows of a workbook's sheet; the digest is of the file's bytes, as for a CSV file.
    fn sheet_rows(&self, delimiter: u8, mapped: bool) -> Result<Rows, Problem> {
        let mut bytes = Vec::new();
        self.bytes()
            .and_then(|mut b| b.read_to_end(&mut bytes))
            .map_err(|e| Problem::file(format!("cannot read: {e}")))?;
        let digest = hex(ring::digest::digest(&SHA256, &bytes).as_ref());
        let sheet = sheet::read(bytes, self.sheet.as_deref())?;
        self.start(
            Reader::Sheet {
                rows: sheet.rows.into_iter(),
                digest,
            },
            sheet.header,
            sheet.header_line,
            delimiter,
            mapped,
        )
    }
}

/// Bytes as lower-case hex (a SHA-256 as the journal keeps it).
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A header row that is data (a file saved without one): the first cell holding an email
/// address or a user's id, which no column name does, and what it holds. No cell of it is ever
/// shown: it may be anything, a password included.
pub fn headerless(header: &[String]) -> Option<(usize, &'static str)> {
    header.iter().enumerate().find_map(|(i, cell)| {
        if okta_model::login::is_email(cell) {
            Some((i, "an email address"))
        } else if okta_model::UserId::looks_like(cell) {
            Some((i, "a user's id"))
        } else {
            None
        }
    })
}

fn decode_header(record: &ByteRecord, line: u64) -> Result<Vec<String>, Problem> {
    record
        .iter()
        .enumerate()
        .map(|(i, field)| {
            std::str::from_utf8(field)
                .map(|s| s.trim().to_owned())
                .map_err(|_| Problem::at(line, Some(&format!("#{}", i + 1)), None, not_utf8()))
        })
        .collect()
}

fn not_utf8() -> &'static str {
    "not UTF-8 text: save the file as \"CSV UTF-8 (Comma delimited)\" (Excel's plain \"CSV\" uses your Windows code page)"
}

/// The rows of one read of the file.
pub struct Rows {
    reader: Reader,
    /// The columns the command reads: the file's header, mapped when there is a mapping.
    pub header: Vec<String>,
    /// The file's own header.
    pub source_header: Vec<String>,
    /// The mapping's name, and whether it was told from the header (no `--map`).
    mapping: Option<(String, bool)>,
    /// With a mapping, how each row becomes what the command reads.
    projection: Option<Projection>,
    /// With a mapping, what its first pass saw.
    pass: Option<Pass>,
    /// The header's line (its row number in a sheet).
    pub header_line: u64,
    seq: u64,
    /// Rows of empty cells skipped so far.
    pub blank_rows: u64,
    /// The last row refused for its shape or a cell: what can be read of it (see `refused`).
    refused: Option<(RawRow, Vec<String>)>,
}

enum Reader {
    Csv {
        csv: Box<csv::Reader<BufReader<Hashing>>>,
        record: ByteRecord,
    },
    Sheet {
        rows: std::vec::IntoIter<sheet::SheetRow>,
        digest: String,
    },
}

impl std::fmt::Debug for Rows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Rows(seq {})", self.seq)
    }
}

impl Rows {
    /// The next row, or the structural problems of the next record (ragged, not UTF-8, a cell
    /// too long). `None` at the end of the file. With a mapping, the row as the command reads
    /// it; a row the mapping leaves out (a disabled user) comes with why (`left_out`).
    pub fn next_row(&mut self) -> Option<Result<RawRow, Vec<Problem>>> {
        let row = self.next_record()?;
        let seq = self.seq;
        self.seq += 1;
        Some(match (row, &self.projection) {
            (Ok(row), Some(p)) if p.disabled(&row) == Some(Disabled::Skip) => {
                let why = match p.disabled_rule(&self.source_header) {
                    Some((column, _)) => format!(
                        "left out: the source marks the user disabled (column {column}), and the mapping leaves such rows out"
                    ),
                    None => "left out by the mapping".to_owned(),
                };
                Ok(RawRow {
                    seq,
                    left_out: Some(why),
                    ..p.row(row)
                })
            }
            (Ok(row), Some(p)) => Ok(RawRow { seq, ..p.row(row) }),
            (Ok(row), None) => Ok(RawRow { seq, ..row }),
            (Err((problems, row)), _) => {
                if let Some(row) = row {
                    self.keep_refused(RawRow { seq, ..row }, &problems);
                }
                Err(problems)
            }
        })
    }

    /// The row just refused by `next_row`, as far as it can be read: its cells in the header's
    /// columns (a cell it lacks is empty, one it has past the header is left out, a bad cell is
    /// empty), and the columns it lacks. The preflight checks it too, so that a ragged row does
    /// not hide the other problems of its cells.
    pub fn refused(&mut self) -> Option<(RawRow, Vec<String>)> {
        self.refused.take()
    }

    fn keep_refused(&mut self, mut row: RawRow, problems: &[Problem]) {
        let had = row.cells.len();
        row.cells.resize(self.source_header.len(), String::new());
        // A column the row lacks, or whose cell was refused (and reads as empty): its problem is
        // said already, and the checker's ("required, but empty") would be a second one.
        let said = |i: usize| {
            i >= had
                || problems
                    .iter()
                    .any(|p| p.column.as_deref() == self.source_header.get(i).map(String::as_str))
        };
        let (row, missing) = match &self.projection {
            Some(p) => {
                let missing = p
                    .sources
                    .iter()
                    .zip(&self.header)
                    .filter(|(source, _)| matches!(source, Source::Column(i) if said(*i)))
                    .map(|(_, name)| name.clone())
                    .collect();
                (p.row(row), missing)
            }
            None => (
                row,
                self.header
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| said(*i))
                    .map(|(_, name)| name.clone())
                    .collect(),
            ),
        };
        self.refused = Some((row, missing));
    }

    /// The file's next record that is not blank, with its own cells (and seq 0); a refused one
    /// with its problems and what can be read of it.
    fn next_record(&mut self) -> Option<Result<RawRow, Refused>> {
        match &mut self.reader {
            Reader::Csv { csv, record } => loop {
                match csv.read_byte_record(record) {
                    Ok(false) => {
                        // A quote never closed swallowed every line after it into one cell:
                        // the file ends in the middle of that cell.
                        let counter = &mut csv.get_mut().get_mut().lines;
                        let line = counter.unclosed_quote()?;
                        counter.quote = Quote::FieldStart;
                        return Some(Err((
                            vec![Problem::at(
                                line,
                                None,
                                None,
                                "a quote (\") opened on this line is never closed, so every line after it was read into one cell; close it, or write a quote inside a cell twice (\"\")",
                            )],
                            None,
                        )));
                    }
                    Err(e) => {
                        let line = e
                            .position()
                            .map_or(0, |p| csv.get_mut().get_mut().lines.line_at(p.byte()));
                        return Some(Err((
                            vec![Problem::at(line, None, None, format!("cannot read: {e}"))],
                            None,
                        )));
                    }
                    // A blank line or a row of empty cells is not a row.
                    Ok(true) if is_blank(record.iter()) => {
                        if record.len() > 1 {
                            self.blank_rows += 1;
                        }
                    }
                    Ok(true) => {
                        let byte = record.position().map_or(0, |p| p.byte());
                        let line = csv.get_mut().get_mut().lines.line_at(byte);
                        let fields = record
                            .iter()
                            .map(|f| std::str::from_utf8(f).map_err(|_| not_utf8().to_owned()))
                            .collect();
                        return Some(
                            decode(&self.source_header, line, fields)
                                .map_err(|(p, r)| (p, Some(r))),
                        );
                    }
                }
            },
            Reader::Sheet { rows, .. } => loop {
                let row = rows.next()?;
                let texts = row.cells.iter().map(|c| match c {
                    Ok(t) => t.as_bytes(),
                    Err(_) => b"#",
                });
                if is_blank(texts) {
                    self.blank_rows += 1;
                    continue;
                }
                let width = self.source_header.len();
                let mut fields: Vec<Result<&str, String>> = row
                    .cells
                    .iter()
                    .take(width)
                    .map(|c| c.as_deref().map_err(Clone::clone))
                    .collect();
                fields.resize(width, Ok(""));
                if let Some(past) = sheet::beyond_header(&row.cells, width) {
                    return Some(Err((
                        vec![Problem::at(
                        row.line,
                        None,
                        None,
                        format!(
                            "the row has a value in column {}, past the header's last column ({width})",
                            past + 1
                        ),
                    )],
                        None,
                    )));
                }
                return Some(
                    decode(&self.source_header, row.line, fields).map_err(|(p, r)| (p, Some(r))),
                );
            },
        }
    }

    /// With a mapping, what it does to this file: each source column and the columns it
    /// became, the templates, the columns it left out, its disabled rows, and the first rows as
    /// the command reads them.
    pub fn mapping_note(&self) -> Option<String> {
        let (name, detected) = self.mapping.as_ref()?;
        Some(crate::input::preview::note(
            name,
            *detected,
            &self.source_header,
            self.projection.as_ref()?,
            self.pass.as_ref()?,
        ))
    }

    /// For each column of the header, the place (1 the first) of the file's column it comes
    /// from when a mapping makes it (a template's first column), or `None`.
    pub fn mapped_places(&self) -> Vec<Option<u64>> {
        let Some(projection) = &self.projection else {
            return vec![None; self.header.len()];
        };
        projection
            .sources
            .iter()
            .map(|source| {
                let i = match source {
                    Source::Column(i) if projection.reads(*i) => *i,
                    Source::Column(_) => return None,
                    Source::Template(t) => t.first_index(),
                };
                Some(i as u64 + 1)
            })
            .collect()
    }

    /// What a column of the mapped header comes from, when it has another name: its source
    /// column, or its template.
    pub fn source_of(&self, column: &str) -> Option<&str> {
        let projection = self.projection.as_ref()?;
        let at = self.header.iter().position(|h| h == column)?;
        match projection.sources.get(at)? {
            Source::Column(i) => {
                let source = self.source_header.get(*i)?;
                (source != column).then_some(source.as_str())
            }
            Source::Template(t) => Some(t.text.as_str()),
        }
    }

    /// The SHA-256 of every byte read, in hex; call after the last row.
    pub fn digest(&self) -> String {
        match &self.reader {
            Reader::Csv { csv, .. } => {
                hex(csv.get_ref().get_ref().digest.clone().finish().as_ref())
            }
            Reader::Sheet { digest, .. } => digest.clone(),
        }
    }
}

/// A record refused: its problems, and what can be read of it (none when it cannot be read).
type Refused = (Vec<Problem>, Option<RawRow>);

/// A blank line, or a row of empty cells (`,,,,,`: spreadsheets leave them at the end of
/// files).
fn is_blank<'a>(mut fields: impl Iterator<Item = &'a [u8]>) -> bool {
    fields.all(|f| f.iter().all(u8::is_ascii_whitespace))
}

/// A row's cells checked: as many as the header has, each text of at most `MAX_CELL_CHARS`
/// characters and without NUL. A refused row comes with its cells (a bad one empty).
fn decode(
    header: &[String],
    line: u64,
    fields: Vec<Result<&str, String>>,
) -> Result<RawRow, (Vec<Problem>, RawRow)> {
    let mut problems = Vec::new();
    if fields.len() != header.len() {
        // (Blank lines never get here: `next_row` skips them.)
        problems.push(Problem::at(
            line,
            None,
            None,
            format!(
                "the row has {} fields but the header has {}{}",
                fields.len(),
                header.len(),
                // A quote closed only on a later line reads those lines into one cell.
                if fields
                    .iter()
                    .any(|f| f.as_ref().is_ok_and(|t| t.contains(['\n', '\r'])))
                {
                    "; a quoted cell of it runs over several lines: check for a quote (\") left open"
                } else {
                    ""
                }
            ),
        ));
    }
    let mut cells = Vec::with_capacity(fields.len());
    for (i, field) in fields.into_iter().enumerate() {
        let column = header.get(i).map_or("(extra)", String::as_str);
        match field {
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
            Ok(text) if text.contains('\0') => {
                problems.push(Problem::at(
                    line,
                    Some(column),
                    None,
                    "has a NUL byte: the file is binary or damaged, or UTF-16 without its byte-order mark",
                ));
                cells.push(String::new());
            }
            Ok(text) => cells.push(text.to_owned()),
            Err(reason) => {
                problems.push(Problem::at(line, Some(column), None, reason));
                cells.push(String::new());
            }
        }
    }
    let row = RawRow {
        seq: 0,
        line,
        cells,
        staged: false,
        problems: Vec::new(),
        left_out: None,
    };
    if problems.is_empty() {
        Ok(row)
    } else {
        Err((problems, row))
    }
}

/// Hashes whatever passes through it, and notes where its lines start.
struct Hashing {
    inner: Box<dyn Read + Send>,
    digest: Context,
    lines: LineCounter,
}

/// Where lines start, read ahead of the CSV parser, so that a record can be given the line an
/// editor shows: `\r\n`, `\n` and a lone `\r` each end a line, and line breaks inside quoted
/// cells count. Only lines not yet passed by a record are kept: a few buffers' worth, whatever
/// the file's size.
#[derive(Debug)]
struct LineCounter {
    /// Bytes before the parser's offset 0 (a BOM).
    base: u64,
    /// Bytes seen so far.
    offset: u64,
    /// The line of the next byte.
    line: u64,
    at_line_start: bool,
    /// The last byte seen was `\r` (a `\n` right after it ends the same line).
    after_cr: bool,
    /// The first byte that is not a line break of each line, and the line's number.
    starts: std::collections::VecDeque<(u64, u64)>,
    /// The delimiter, for `quote` (as the parser reads it).
    delimiter: u8,
    /// Where the parser is in a field, as far as quotes go.
    quote: Quote,
    /// The line on which the quote now open was opened.
    quote_line: u64,
}

/// A CSV field's quoting, byte by byte: a quote opens a field only at its start, a doubled
/// quote inside is a quote, and a field still quoted at the end of the file was never closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quote {
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote inside a quoted field: it closes the field, unless another follows.
    ClosingOrEscaped,
}

impl Default for LineCounter {
    fn default() -> Self {
        LineCounter {
            base: 0,
            offset: 0,
            line: 1,
            at_line_start: true,
            after_cr: false,
            starts: std::collections::VecDeque::new(),
            delimiter: b',',
            quote: Quote::FieldStart,
            quote_line: 0,
        }
    }
}

impl LineCounter {
    fn feed(&mut self, bytes: &[u8]) {
        for (i, b) in bytes.iter().enumerate() {
            let ends_field = *b == self.delimiter || *b == b'\n' || *b == b'\r';
            self.quote = match (self.quote, *b) {
                (Quote::FieldStart, b'"') => {
                    self.quote_line = self.line;
                    Quote::Quoted
                }
                (Quote::Quoted, b'"') => Quote::ClosingOrEscaped,
                (Quote::Quoted, _) => Quote::Quoted,
                (Quote::ClosingOrEscaped, b'"') => Quote::Quoted,
                (_, _) if ends_field => Quote::FieldStart,
                (_, _) => Quote::Unquoted,
            };
            match b {
                b'\n' if self.after_cr => {}
                b'\n' | b'\r' => {
                    self.line += 1;
                    self.at_line_start = true;
                }
                _ if self.at_line_start => {
                    self.starts.push_back((self.offset + i as u64, self.line));
                    self.at_line_start = false;
                }
                _ => {}
            }
            self.after_cr = *b == b'\r';
        }
        self.offset += bytes.len() as u64;
    }

    /// The line of a quote opened and never closed, once the whole file is read.
    fn unclosed_quote(&self) -> Option<u64> {
        (self.quote == Quote::Quoted).then_some(self.quote_line)
    }

    /// The line of a record the parser started reading at `byte` (just after the previous
    /// record's end, so before any blank lines it skips): the first line after it that holds
    /// something. Offsets must not go backwards.
    fn line_at(&mut self, byte: u64) -> u64 {
        let at = byte + self.base;
        while self.starts.front().is_some_and(|(start, _)| *start < at) {
            self.starts.pop_front();
        }
        self.starts.front().map_or(self.line, |(_, line)| *line)
    }
}

/// A file without a byte-order mark whose first characters are ASCII in UTF-16: every other
/// byte is NUL.
fn looks_utf16(start: &[u8]) -> bool {
    let sample = &start[..start.len().min(64) & !1];
    if sample.len() < 4 {
        return false;
    }
    let pairs = sample.len() / 2;
    let le = sample.chunks(2).filter(|p| p[0] != 0 && p[1] == 0).count();
    let be = sample.chunks(2).filter(|p| p[0] == 0 && p[1] != 0).count();
    le * 10 >= pairs * 9 || be * 10 >= pairs * 9
}

impl Read for Hashing {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.digest.update(&buf[..n]);
        self.lines.feed(&buf[..n]);
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

    /// A quote never closed swallows the rest of the file into one cell: that is a problem at
    /// the line where it opened; quotes closed, doubled inside, or inside an unquoted cell are
    /// none.
    #[test]
    fn a_quote_never_closed_is_a_problem_where_it_opened() {
        let swallowed = b"login,email,department\nq1@x.example,q1@x.example,\"Unclosed\nq2@x.example,q2@x.example,Sales\n";
        let (_dir, input) = input_with(swallowed);
        let mut rows = input.rows(b',').expect("header");
        let mut problems = Vec::new();
        while let Some(row) = rows.next_row() {
            if let Err(p) = row {
                problems.extend(p);
            }
        }
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].line, Some(2));
        assert!(problems[0].reason.contains("never closed"));
        for fine in [
            &b"login,department\na@x.example,\"A \"\"quoted\"\" dept\nline two\"\nb@x.example,Sales\n"[..],
            b"login,title\na@x.example,5\" disk\nb@x.example,\"\"\n",
            b"login;department\na@x.example;\"R&D; Labs\"\n",
        ] {
            let (_dir, input) = input_with(fine);
            let delimiter = if fine.contains(&b';') && !fine.contains(&b',') { b';' } else { b',' };
            let mut rows = input.rows(delimiter).expect("header");
            while let Some(row) = rows.next_row() {
                assert!(row.is_ok(), "{:?}: {row:?}", String::from_utf8_lossy(fine));
            }
        }
    }

    /// A quote closed only lines later makes a ragged row whose problem says so.
    #[test]
    fn a_quote_closed_lines_later_is_named() {
        let (_dir, input) = input_with(
            b"login,email,firstName,lastName\nq1@x.example,q1@x.example,\"Qa,Lee\nq2@x.example,q2@x.example,Qb,\"Lee\"\n",
        );
        let mut rows = input.rows(b',').expect("header");
        let problems = rows.next_row().expect("a row").expect_err("ragged");
        assert!(
            problems[0].reason.contains("runs over several lines"),
            "{problems:?}"
        );
    }

    #[test]
    fn lines_are_those_an_editor_shows() {
        let cases: [(&[u8], [u64; 3]); 6] = [
            (b"a,b\nx,1\ny,2\nz,3\n", [2, 3, 4]),
            (b"a,b\r\nx,1\r\ny,2\r\nz,3\r\n", [2, 3, 4]),
            (b"a,b\rx,1\ry,2\rz,3\r", [2, 3, 4]),
            (b"\xEF\xBB\xBFa,b\r\nx,1\r\n\r\ny,2\r\nz,3", [2, 4, 5]),
            (b"a,b\n\nx,1\n\n\ny,2\nz,3", [3, 6, 7]),
            (b"a,b\r\nx,\"two\r\nlines\"\r\ny,2\r\nz,3\r\n", [2, 4, 5]),
        ];
        for (bytes, want) in cases {
            let (_dir, input) = input_with(bytes);
            let (rows, problems) = read_all(&input);
            assert_eq!(problems, 0, "{bytes:?}");
            let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
            assert_eq!(lines, want, "{:?}", String::from_utf8_lossy(bytes));
        }
    }

    #[test]
    fn utf16_without_a_bom_and_nul_bytes_are_named() {
        let utf16: Vec<u8> = "login,email\nx@y.z,x@y.z\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let (_dir, input) = input_with(&utf16);
        let refused = input.rows(b',').expect_err("refused");
        assert!(refused.reason.contains("UTF-16"), "{}", refused.reason);
        let (_dir, input) = input_with(b"login,email\nx@y.z\0,x@y.z\n");
        let mut rows = input.rows(b',').expect("header");
        let problems = rows.next_row().expect("a row").expect_err("refused");
        assert!(problems[0].reason.contains("NUL"), "{problems:?}");
    }

    proptest! {
        /// Whatever the cells hold (quotes, commas, line breaks, what a spreadsheet would run,
        /// a leading `'`, any Unicode but NUL, which is refused), a file written by oktabulk's
        /// CSV writer reads back value for value, in order, with line numbers that grow.
        #[test]
        fn cells_round_trip(rows in prop::collection::vec(prop::collection::vec("['=+\\-@\\t\\r\u{FF1D}\u{FF0B}\u{FF0D}\u{FF20}a]{0,2}[^\\x00]{0,10}", 3), 1..20)) {
            let mut bytes = Vec::new();
            let mut writer = csv_cell::CsvWriter::new(&mut bytes);
            writer.row(["a", "b", "c"]).expect("header");
            let written = rows;
            for r in &written {
                writer.row(r).expect("row");
            }
            writer.flush().expect("flushed");
            drop(writer);
            let (_dir, input) = input_with(&bytes);
            let (read, problems) = read_all(&input);
            prop_assert_eq!(problems, 0);
            let cells: Vec<Vec<String>> = read
                .iter()
                .map(|r| (0..r.cells.len()).filter_map(|i| r.cell(i)).map(|c| c.value.to_owned()).collect())
                .collect();
            // A row of blank cells is no row (spreadsheets leave them); a cell the writer marks
            // with `'` (one starting with a tab or a carriage return) is not blank.
            let blank = |cell: &String| {
                !cell.starts_with(['\t', '\r']) && cell.bytes().all(|b| b.is_ascii_whitespace())
            };
            let expected: Vec<Vec<String>> =
                written.iter().filter(|r| !r.iter().all(blank)).cloned().collect();
            prop_assert_eq!(&cells, &expected);
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
