//! The preflight pass: the whole file is read and checked before anything is written. Problems
//! are printed as they are found, all of them; the pass also takes the file's digest for the
//! journal and the names of groups to create.

use crate::exit::AppError;
use crate::input::{Columns, GroupDirectory, GroupTarget, InputFile, Problem, Validator};
use okta_model::schema::UserSchema;
use std::collections::BTreeSet;

#[derive(Debug)]
pub struct PreflightReport {
    pub rows: u64,
    pub invalid_rows: u64,
    pub problems: u64,
    /// Problems that no option can skip: encoding, header, ragged rows.
    pub structural: bool,
    pub digest: String,
    pub groups_to_create: BTreeSet<String>,
    pub columns: Option<Columns>,
}

/// Checks the file; `print` gets every problem, already rendered with the file name.
pub fn check(
    input: &InputFile,
    delimiter: u8,
    schema: &UserSchema,
    groups: &GroupDirectory,
    ignore_unknown: bool,
    create_missing: bool,
    print: impl FnMut(String),
) -> PreflightReport {
    let mut report = PreflightReport {
        rows: 0,
        invalid_rows: 0,
        problems: 0,
        structural: false,
        digest: String::new(),
        groups_to_create: BTreeSet::new(),
        columns: None,
    };
    let print = std::cell::RefCell::new(print);
    let emit = |report: &mut PreflightReport, problems: Vec<Problem>| {
        report.problems += problems.len() as u64;
        for p in problems {
            (print.borrow_mut())(p.render(&input.display));
        }
    };
    // Warnings are printed but do not count as problems.
    let warn = |warnings: Vec<Problem>| {
        for w in warnings {
            (print.borrow_mut())(w.render(&input.display));
        }
    };
    let mut rows = match input.rows(delimiter) {
        Ok(rows) => rows,
        Err(p) => {
            report.structural = true;
            emit(&mut report, vec![p]);
            return report;
        }
    };
    let columns = match Columns::from_header(&rows.header, schema, ignore_unknown) {
        Ok(c) => c,
        Err(problems) => {
            report.structural = true;
            emit(&mut report, problems);
            return report;
        }
    };
    let mut validator = Validator::new(
        columns.clone(),
        schema.clone(),
        groups.clone(),
        create_missing,
    );
    while let Some(row) = rows.next_row() {
        report.rows += 1;
        match row {
            Err(problems) => {
                report.structural = true;
                report.invalid_rows += 1;
                emit(&mut report, problems);
            }
            Ok(raw) => match validator.check(&raw) {
                Ok(valid) => {
                    let warnings: Vec<Problem> = validator.warnings.drain(..).collect();
                    warn(warnings);
                    for g in valid.groups {
                        if let GroupTarget::Create(name) = g {
                            // Okta's group names ignore case: one group per name.
                            let known = report.groups_to_create.iter().any(|n| {
                                n.eq_ignore_ascii_case(&name)
                                    || n.to_lowercase() == name.to_lowercase()
                            });
                            if !known {
                                report.groups_to_create.insert(name);
                            }
                        }
                    }
                }
                Err(problems) => {
                    report.invalid_rows += 1;
                    emit(&mut report, problems);
                }
            },
        }
    }
    if report.rows == 0 {
        emit(
            &mut report,
            vec![Problem::file("the file has a header but no rows")],
        );
        report.structural = true;
    }
    report.digest = rows.digest();
    report.columns = Some(columns);
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
