//! The one way oktabulk writes a CSV cell, and the one way it reads a cell back. A spreadsheet
//! runs a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return as a formula
//! (and, in East Asian locales, one that starts with their full-width forms `＝ ＋ － ＠`), so
//! every CSV oktabulk writes (results files, exports) goes through [`CsvWriter`], which puts a
//! `'` before such a cell: spreadsheets show it as text. A value that itself starts with `'`
//! gets one more `'` in front, so that reading has a single rule without exception: a cell that
//! starts with `'` followed by one of those characters or by another `'` loses its first `'`
//! ([`read`]); every other cell is read as it is. Writing then reading gives back every value
//! unchanged, so an export fed to `users update` changes nothing.

use std::borrow::Cow;
use std::io::Write;

/// What a spreadsheet may run when it opens a cell that starts with it.
const RUNS: [char; 10] = [
    '=', '+', '-', '@', '\t', '\r', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}',
];

/// The mark put before a cell that would run, and before one that starts with the mark.
const MARK: char = '\'';

/// Whether a value starting with `c` is written with the mark in front.
fn needs_mark(c: char) -> bool {
    c == MARK || RUNS.contains(&c)
}

/// `value` as a cell of a CSV oktabulk writes: with a leading `'` when it starts with a
/// character a spreadsheet runs, or with `'` itself.
pub fn escape(value: &str) -> Cow<'_, str> {
    match value.chars().next() {
        Some(c) if needs_mark(c) => Cow::Owned(format!("{MARK}{value}")),
        _ => Cow::Borrowed(value),
    }
}

/// A cell of an input file as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell<'a> {
    /// The value, without the `'` that [`escape`] puts in front.
    pub value: &'a str,
    /// Whether the cell had that `'`: it was written to be read as text, never as a formula.
    pub escaped: bool,
}

/// Reads a cell as [`escape`] wrote it: `'` followed by a character a spreadsheet runs, or by
/// `'`, loses its first `'`; anything else is the value as it is.
pub fn read(cell: &str) -> Cell<'_> {
    match cell.strip_prefix(MARK) {
        Some(rest) if rest.chars().next().is_some_and(needs_mark) => Cell {
            value: rest,
            escaped: true,
        },
        _ => Cell {
            value: cell,
            escaped: false,
        },
    }
}

/// A CSV writer whose every cell goes through [`escape`]: the only way oktabulk writes CSV.
pub struct CsvWriter<W: Write> {
    inner: csv::Writer<W>,
}

impl<W: Write> std::fmt::Debug for CsvWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CsvWriter")
    }
}

impl<W: Write> CsvWriter<W> {
    pub fn new(out: W) -> CsvWriter<W> {
        CsvWriter {
            inner: csv::Writer::from_writer(out),
        }
    }

    /// Writes one record, each cell escaped.
    pub fn row<I, S>(&mut self, cells: I) -> csv::Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let cells: Vec<String> = cells
            .into_iter()
            .map(|c| escape(c.as_ref()).into_owned())
            .collect();
        self.inner.write_record(&cells)
    }

    pub fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_prefix_a_spreadsheet_runs_is_marked_and_read_back() {
        for value in [
            "=Ann",
            "+cmd|' /C calc'!A0",
            "-x",
            "@x",
            "\tx",
            "\rx",
            "\u{FF1D}1+1",
            "\u{FF0B}x",
            "\u{FF0D}x",
            "\u{FF20}x",
            "'",
            "'=x",
            "''",
        ] {
            let cell = escape(value);
            assert_eq!(cell, format!("'{value}"), "{value:?}");
            assert_eq!(
                read(&cell),
                Cell {
                    value,
                    escaped: true
                }
            );
        }
        for plain in ["Ann", "O'Brien", "a=b", "", " =x", "1"] {
            assert_eq!(escape(plain), plain);
            assert_eq!(
                read(plain),
                Cell {
                    value: plain,
                    escaped: false
                }
            );
        }
        // A `'` oktabulk did not write (nothing that would run after it) stays data.
        assert_eq!(read("'Ann").value, "'Ann");
    }

    /// Cells that start with the characters that matter more often than chance would.
    fn values() -> impl Strategy<Value = String> {
        "['=+\\-@\\t\\r\u{FF1D}\u{FF0B}\u{FF0D}\u{FF20} a]{0,3}[^\\x00]{0,8}"
    }

    proptest! {
        #[test]
        fn what_is_written_reads_back_unchanged_and_never_runs(value in values()) {
            let cell = escape(&value);
            prop_assert_eq!(read(&cell).value, value.as_str());
            prop_assert!(!cell.starts_with(RUNS));
        }
    }
}
