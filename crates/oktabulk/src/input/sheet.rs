//! A spreadsheet workbook (.xlsx, .xlsm, .xls, .ods) as input: the first sheet, or the one
//! named, read into rows of text the way the CSV reader gives them, each with the row number the
//! spreadsheet shows. Cells are what the admin sees: a whole number without `.0`, a date as an
//! ISO date, a boolean as `true`/`false`, a formula as its last computed value. A workbook is
//! read whole (calamine has no streaming reader for every format); the CSV reader streams.

use crate::input::problem::Problem;
use calamine::{Data, Reader};
use std::io::Cursor;

/// The file starts like a workbook: a zip archive (.xlsx, .ods) or an OLE compound file (.xls).
pub fn is_workbook(start: &[u8]) -> bool {
    start.starts_with(b"PK\x03\x04") || start.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

/// One row of the sheet: its row number and each cell's text, or why the cell cannot be read.
#[derive(Debug)]
pub struct SheetRow {
    pub line: u64,
    pub cells: Vec<Result<String, String>>,
}

/// The sheet's header (its first row with a value) and the rows below it.
#[derive(Debug)]
pub struct Sheet {
    pub header_line: u64,
    pub header: Vec<String>,
    pub rows: Vec<SheetRow>,
}

/// Reads the sheet named `wanted`, or the first one.
pub fn read(bytes: Vec<u8>, wanted: Option<&str>) -> Result<Sheet, Problem> {
    let mut workbook = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| Problem::file(format!("cannot read the workbook: {e}")))?;
    let names = workbook.sheet_names();
    let name = match wanted {
        Some(wanted) => names
            .iter()
            .find(|n| *n == wanted)
            .cloned()
            .ok_or_else(|| {
                Problem::file(format!(
                    "the workbook has no sheet named {wanted:?} (it has {})",
                    names
                        .iter()
                        .map(|n| format!("{n:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| Problem::file("the workbook has no sheet"))?,
    };
    let range = workbook
        .worksheet_range(&name)
        .map_err(|e| Problem::file(format!("cannot read sheet {name:?}: {e}")))?;
    let (first_row, _) = range.start().unwrap_or((0, 0));
    let mut rows = range
        .rows()
        .enumerate()
        .map(|(i, cells)| SheetRow {
            line: u64::from(first_row) + i as u64 + 1,
            cells: cells.iter().map(text).collect(),
        })
        .skip_while(|row| row.cells.iter().all(is_empty));
    let Some(header_row) = rows.next() else {
        return Err(Problem::file(format!(
            "sheet {name:?} is empty: it needs a header row"
        )));
    };
    let header: Vec<String> = header_row
        .cells
        .into_iter()
        .map(|c| c.unwrap_or_else(|e| e).trim().to_owned())
        .collect();
    // The sheet's used area may reach past the header's last named column (a cell formatted
    // once): the header ends at its last name.
    let width = header
        .iter()
        .rposition(|h| !h.is_empty())
        .map_or(0, |i| i + 1);
    Ok(Sheet {
        header_line: header_row.line,
        header: header[..width].to_vec(),
        rows: rows.collect(),
    })
}

fn is_empty(cell: &Result<String, String>) -> bool {
    cell.as_ref().is_ok_and(|t| t.trim().is_empty())
}

/// A cell's text as the admin sees it in the spreadsheet.
fn text(cell: &Data) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => match d.as_datetime() {
            Some(at) if !d.is_duration() => {
                if at.time() == chrono::NaiveTime::MIN {
                    at.format("%Y-%m-%d").to_string()
                } else {
                    at.format("%Y-%m-%dT%H:%M:%S").to_string()
                }
            }
            _ => number(d.as_f64()),
        },
        Data::Error(e) => return Err(format!("holds the spreadsheet error {e}")),
    })
}

/// A number as a spreadsheet shows it: whole numbers without a fraction (an id or a phone
/// number stored as a number), others in the shortest form that reads back the same. Rust's
/// `Display` of an `f64` does both, and never writes an exponent (`1e20` is twenty-one digits).
fn number(f: f64) -> String {
    format!("{f}")
}

/// Beyond the header's width: whether a row holds a value there.
pub fn beyond_header(cells: &[Result<String, String>], width: usize) -> Option<usize> {
    cells
        .iter()
        .enumerate()
        .skip(width)
        .find(|(_, c)| !is_empty(c))
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_a_spreadsheet_shows_them() {
        assert_eq!(number(42.0), "42");
        assert_eq!(number(-7.0), "-7");
        assert_eq!(number(4155550123.0), "4155550123");
        assert_eq!(number(0.1), "0.1");
        assert_eq!(number(1e20), "100000000000000000000");
        assert_eq!(number(2.5), "2.5");
        assert_eq!(text(&Data::Bool(true)), Ok("true".to_owned()));
        assert!(text(&Data::Error(calamine::CellErrorType::NA))
            .expect_err("an error")
            .contains("#N/A"));
    }

    #[test]
    fn a_damaged_workbook_is_a_problem_not_a_panic() {
        for bytes in [
            &b"PK\x03\x04not a zip"[..],
            &[0xD0, 0xCF, 0x11, 0xE0, 0, 1, 2],
        ] {
            assert!(is_workbook(bytes));
            let refused = read(bytes.to_vec(), None).expect_err("refused");
            assert!(
                refused.reason.contains("cannot read the workbook"),
                "{refused:?}"
            );
        }
    }
}
