//! The preflight pass: the whole file is read and checked by the command's `RowChecker` before
//! anything is written. Problems are printed as they are found, all of them (warnings too, which
//! do not count); the pass also takes the file's digest for the journal.

use crate::exit::AppError;
use crate::input::{InputFile, Problem, RowChecker};

#[derive(Debug)]
pub struct PreflightReport {
    pub rows: u64,
    pub invalid_rows: u64,
    pub problems: u64,
    /// Problems that no option can skip: encoding, header, ragged rows.
    pub structural: bool,
    pub digest: String,
}

/// Checks the file with `checker`; `print` gets every problem and warning, already rendered
/// with the file name.
pub fn check(
    input: &InputFile,
    delimiter: u8,
    checker: &mut dyn RowChecker,
    mut print: impl FnMut(String),
) -> PreflightReport {
    let mut report = PreflightReport {
        rows: 0,
        invalid_rows: 0,
        problems: 0,
        structural: false,
        digest: String::new(),
    };
    let mut emit = |report: &mut PreflightReport, problems: Vec<Problem>, count: bool| {
        if count {
            report.problems += problems.len() as u64;
        }
        for p in problems {
            print(p.render(&input.display));
        }
    };
    let mut rows = match input.rows(delimiter) {
        Ok(rows) => rows,
        Err(p) => {
            report.structural = true;
            emit(&mut report, vec![p], true);
            return report;
        }
    };
    if let Err(problems) = checker.header(&rows.header) {
        report.structural = true;
        emit(&mut report, problems, true);
        return report;
    }
    while let Some(row) = rows.next_row() {
        report.rows += 1;
        let problems = match row {
            Err(problems) => {
                report.structural = true;
                problems
            }
            Ok(raw) => match checker.check(&raw) {
                Ok(_) => Vec::new(),
                Err(problems) => problems,
            },
        };
        emit(&mut report, checker.warnings(), false);
        if !problems.is_empty() {
            report.invalid_rows += 1;
            emit(&mut report, problems, true);
        }
    }
    if report.rows == 0 {
        emit(
            &mut report,
            vec![Problem::file("the file has a header but no rows")],
            true,
        );
        report.structural = true;
    }
    report.digest = rows.digest();
    report
}

/// The message that stops a run with problems.
pub fn refusal(report: &PreflightReport) -> AppError {
    let hint = if report.structural {
        ""
    } else {
        "; fix them, or pass --skip-invalid to send only the valid rows"
    };
    AppError::InvalidInput(format!(
        "{} problem(s) in {} of {} rows; nothing was sent{hint}",
        report.problems, report.invalid_rows, report.rows
    ))
}
