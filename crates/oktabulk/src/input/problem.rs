//! One thing wrong with the input, with its position. Values of secret columns are never kept.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    pub line: Option<u64>,
    /// The place of the column in the file's header (1 the first), for a problem of the
    /// header that a mapping moved away from its source column.
    pub place: Option<u64>,
    pub column: Option<String>,
    /// The offending value, shortened; `None` for secret columns.
    pub value: Option<String>,
    pub reason: String,
}

/// Longest value shown in a message.
const SHOWN: usize = 60;

impl Problem {
    pub fn file(reason: impl Into<String>) -> Problem {
        Problem {
            line: None,
            place: None,
            column: None,
            value: None,
            reason: reason.into(),
        }
    }

    pub fn at(
        line: u64,
        column: Option<&str>,
        value: Option<&str>,
        reason: impl Into<String>,
    ) -> Problem {
        Problem {
            line: Some(line),
            place: None,
            column: column.map(str::to_owned),
            // A value over several lines is never shown: a quote left open reads the cells
            // after it (a password among them) into one value.
            value: value.filter(|v| !v.contains(['\n', '\r'])).map(shorten),
            reason: reason.into(),
        }
    }

    /// The problem at this place of the file's header.
    pub fn at_place(mut self, place: Option<u64>) -> Problem {
        self.place = place;
        self
    }

    /// `file:line: column "x" ("value"): reason` (`file:line:place: ...` with a place).
    pub fn render(&self, file: &str) -> String {
        let mut text = file.to_owned();
        if let Some(line) = self.line {
            text.push_str(&format!(":{line}"));
            if let Some(place) = self.place {
                text.push_str(&format!(":{place}"));
            }
        }
        text.push_str(": ");
        if let Some(column) = &self.column {
            text.push_str(&format!("column {column}"));
            if let Some(value) = &self.value {
                text.push_str(&format!(" ({value:?})"));
            }
            text.push_str(": ");
        }
        text.push_str(&self.reason);
        text
    }
}

fn shorten(value: &str) -> String {
    if value.chars().count() <= SHOWN {
        value.to_owned()
    } else {
        let head: String = value.chars().take(SHOWN).collect();
        format!("{head}... ({} characters)", value.chars().count())
    }
}

/// Why a command's input stops it before anything is sent: each kind with the file and the
/// positions of what is wrong. Every variant exits with `exit::code::INVALID_INPUT`
/// (`AppError::Input`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// The file cannot be read as rows at all (its encoding, a header that cannot be mapped).
    #[error("{}", render_all(file, problems))]
    Unreadable {
        file: String,
        problems: Vec<Problem>,
    },
    /// The preflight found problems (each printed with its line and column as it was found):
    /// nothing was sent. `file_problems` of them are the file's as a whole (its header, its
    /// encoding), the others its rows'. `skippable`: `--skip-invalid` would send the valid rows.
    #[error("{}", refusal(file, *rows, *invalid_rows, *problems, *file_problems, *skippable))]
    Refused {
        file: String,
        rows: u64,
        invalid_rows: u64,
        problems: u64,
        file_problems: u64,
        skippable: bool,
    },
    /// The mapping (`--map`) cannot be read or does not fit the file.
    #[error("{0}")]
    Mapping(String),
    /// Rows name groups whose members only Okta or an app change (`groups sync`), each with
    /// the line that first names it.
    #[error("{}; Okta changes memberships only of OKTA_GROUP groups, so these cannot be synced; nothing was sent", render_all(file, problems))]
    FixedGroups {
        file: String,
        problems: Vec<Problem>,
    },
}

fn refusal(
    _file: &str,
    rows: u64,
    invalid_rows: u64,
    problems: u64,
    file_problems: u64,
    skippable: bool,
) -> String {
    use crate::report::words::count;
    let hint = if skippable {
        "; fix them, or pass --skip-invalid to send only the valid rows"
    } else {
        ""
    };
    let total = count(problems, "problem", "problems");
    let in_rows = |invalid| format!("in {invalid} of {}", count(rows, "row", "rows"));
    let what = match (file_problems, invalid_rows) {
        (0, invalid) => format!("{total} {}", in_rows(invalid)),
        (_, 0) => format!("{total} with the file as a whole"),
        (whole, invalid) => format!(
            "{total}: {whole} with the file as a whole, the others {}",
            in_rows(invalid)
        ),
    };
    format!("{what}; nothing was sent{hint}")
}

fn render_all(file: &str, problems: &[Problem]) -> String {
    let text: Vec<String> = problems.iter().map(|p| p.render(file)).collect();
    text.join("; ")
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render("input"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_position_and_shortens() {
        let p = Problem::at(
            7,
            Some("email"),
            Some(&"x".repeat(100)),
            "not an email address",
        );
        let text = p.render("users.csv");
        assert!(
            text.starts_with("users.csv:7: column email (\"xxxx"),
            "{text}"
        );
        assert!(text.contains("(100 characters)"));
        assert!(text.ends_with("not an email address"));
        let swallowed = Problem::at(
            2,
            Some("firstName"),
            Some("Xa,Lee,Secr3t-Pass-99\nx2@example.com,x2@example.com"),
            "too long",
        );
        assert_eq!(
            swallowed.render("q.csv"),
            "q.csv:2: column firstName: too long",
            "a value over lines (a quote left open) is never shown"
        );
        let secret = Problem::at(3, Some("password"), None, "too long");
        assert_eq!(secret.render("f.csv"), "f.csv:3: column password: too long");
        let placed =
            Problem::at(1, Some("Abteilung (as departmnet)"), None, "unknown").at_place(Some(4));
        assert_eq!(
            placed.render("hr.csv"),
            "hr.csv:1:4: column Abteilung (as departmnet): unknown"
        );
    }

    /// Every input error names the file, and each problem its line and column.
    #[test]
    fn input_errors_say_where() {
        let at = |line| Problem::at(line, Some("group"), Some("Everyone"), "is BUILT_IN");
        let fixed = InputError::FixedGroups {
            file: "sync.csv".into(),
            problems: vec![at(4), at(9)],
        };
        assert_eq!(
            fixed.to_string(),
            "sync.csv:4: column group (\"Everyone\"): is BUILT_IN; sync.csv:9: column group (\"Everyone\"): is BUILT_IN; Okta changes memberships only of OKTA_GROUP groups, so these cannot be synced; nothing was sent"
        );
        let refused = |problems, skippable| InputError::Refused {
            file: "users.csv".into(),
            rows: 10,
            invalid_rows: 1,
            problems,
            file_problems: 0,
            skippable,
        };
        assert_eq!(
            refused(1, false).to_string(),
            "1 problem in 1 of 10 rows; nothing was sent"
        );
        assert!(refused(2, true).to_string().starts_with(
            "2 problems in 1 of 10 rows; nothing was sent; fix them, or pass --skip-invalid"
        ));
        let unreadable = InputError::Unreadable {
            file: "users.csv".into(),
            problems: vec![Problem::file("the file is empty: it needs a header row")],
        };
        assert_eq!(
            unreadable.to_string(),
            "users.csv: the file is empty: it needs a header row"
        );
    }
}
