//! One thing wrong with the input, with its position. Values of secret columns are never kept.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
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
            value: value.map(shorten),
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
        let secret = Problem::at(3, Some("password"), None, "too long");
        assert_eq!(secret.render("f.csv"), "f.csv:3: column password: too long");
        let placed =
            Problem::at(1, Some("Abteilung (as departmnet)"), None, "unknown").at_place(Some(4));
        assert_eq!(
            placed.render("hr.csv"),
            "hr.csv:1:4: column Abteilung (as departmnet): unknown"
        );
    }
}
