//! What a mapping does to a file, told before its rows are checked (by `validate`, a dry run
//! and a run alike): which source column becomes which Okta column, the templates, what is left
//! out, how many rows the source marks disabled and what becomes of them, and the first rows as
//! the command will read them, secrets masked. The first pass that learns this also reads the
//! tables the templates' lookups need: only their key and value columns are kept, never whole
//! rows, so memory grows with those columns alone.

use crate::input::mapping::{is_secret, Disabled, Projection, Source};
use crate::input::source::{RawRow, Rows};
use crate::input::transform::Tables;

/// Rows shown as the command reads them.
const PREVIEW_ROWS: usize = 3;
/// Lines of disabled rows named in the note; the rest are counted.
const SHOWN_LINES: usize = 10;

/// What a mapping's first pass over the file saw.
#[derive(Debug, Clone, Default)]
pub struct Pass {
    /// Rows the source marks disabled, and the first lines of them.
    disabled: u64,
    disabled_lines: Vec<u64>,
    /// The first rows the command will read, mapped.
    preview: Vec<RawRow>,
}

impl Pass {
    /// Reads the file's own rows (`rows` unmapped): to the end when the projection looks values
    /// up or has a disabled flag, else its first rows only. The lookups' tables go into the
    /// projection.
    pub fn read(projection: &mut Projection, mut rows: Rows) -> Pass {
        let lookups = projection.lookups();
        let whole = !lookups.is_empty() || projection.has_disabled();
        let mut tables = Tables::default();
        let mut pass = Pass::default();
        let mut first = Vec::new();
        while let Some(row) = rows.next_row() {
            // A record that cannot be read is the command's to report, from its own pass.
            let Ok(row) = row else { continue };
            tables.add(&lookups, &row.cells);
            let disabled = projection.disabled(&row);
            if disabled.is_some() {
                pass.disabled += 1;
                if pass.disabled_lines.len() < SHOWN_LINES {
                    pass.disabled_lines.push(row.line);
                }
            }
            if first.len() < PREVIEW_ROWS && disabled != Some(Disabled::Skip) {
                first.push(row);
            } else if !whole {
                break;
            }
        }
        projection.tables = tables;
        pass.preview = first.into_iter().map(|r| projection.row(r)).collect();
        pass
    }
}

/// The note: one line of what the mapping reads, then a line per template left out, the
/// disabled rows, and the first rows as read.
pub fn note(
    name: &str,
    detected: bool,
    source_header: &[String],
    projection: &Projection,
    pass: &Pass,
) -> String {
    let mut mapped = Vec::new();
    for (i, source) in source_header.iter().enumerate() {
        let targets: Vec<&str> = projection
            .sources
            .iter()
            .zip(&projection.header)
            .filter(|(s, t)| **s == Source::Column(i) && *t != source)
            .map(|(_, t)| t.as_str())
            .collect();
        if !targets.is_empty() {
            mapped.push(format!("{source} as {}", targets.join(" and ")));
        }
    }
    for (source, target) in projection.sources.iter().zip(&projection.header) {
        if let Source::Template(t) = source {
            mapped.push(format!("{target} as {:?}", t.text));
        }
    }
    let left_out: Vec<&str> = (0..source_header.len())
        .filter(|i| !projection.reads(*i) && !projection.sources.contains(&Source::Column(*i)))
        .map(|i| source_header[i].as_str())
        .collect();
    let how = if detected {
        format!("the header is the export --map {name} reads (pass --map FILE to read it otherwise); it reads")
    } else {
        format!("--map {name} reads")
    };
    let mut note = format!("note: {how} {}", mapped.join(", "));
    if !left_out.is_empty() {
        note.push_str(&format!("; left out: {}", left_out.join(", ")));
    }
    for (target, lacks) in &projection.missing {
        note.push_str(&format!(
            "\n  {target}: left out, the file has no {} column",
            lacks.join(" nor ")
        ));
    }
    if let Some((column, then)) = projection.disabled_rule(source_header) {
        let what = match then {
            Disabled::Skip => "left out",
            Disabled::Staged => "created STAGED (users import)",
        };
        let mut lines: Vec<String> = pass.disabled_lines.iter().map(u64::to_string).collect();
        if pass.disabled > lines.len() as u64 {
            lines.push("...".into());
        }
        let at = if lines.is_empty() {
            String::new()
        } else {
            format!(": line {}", lines.join(", "))
        };
        note.push_str(&format!(
            "\n  {} disabled by their {column} column, {what}{at}",
            crate::report::words::count(pass.disabled, "row", "rows")
        ));
    }
    for row in &pass.preview {
        note.push_str(&format!("\n  {}", shown(&projection.header, row)));
    }
    note
}

/// One row as the command reads it: its non-empty columns, secrets masked.
fn shown(header: &[String], row: &RawRow) -> String {
    let cells: Vec<String> = header
        .iter()
        .zip(&row.cells)
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(column, value)| {
            if is_secret(column) {
                format!("{column} ****")
            } else {
                format!("{column} {:?}", value.trim())
            }
        })
        .collect();
    let staged = if row.staged { " (STAGED)" } else { "" };
    format!("line {} reads as {}{staged}", row.line, cells.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::mapping::Mapping;

    fn header(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| (*n).to_owned()).collect()
    }

    #[test]
    fn a_row_is_shown_with_its_secrets_masked() {
        let row = RawRow {
            seq: 0,
            line: 4,
            cells: header(&["a@x.example", "hunter2", "", "Ops\\;Dev"]),
            staged: true,
            problems: Vec::new(),
            left_out: None,
        };
        let shown = shown(&header(&["login", "Password", "title", "groups"]), &row);
        assert_eq!(
            shown,
            "line 4 reads as login \"a@x.example\", Password ****, groups \"Ops\\\\;Dev\" (STAGED)"
        );
        assert!(!shown.contains("hunter2"));
    }

    #[test]
    fn the_note_names_templates_left_out_and_disabled_rows() {
        let mapping = Mapping::parse(
            "m",
            "unmapped = \"ignore\"\n[columns]\nmail = \"email\"\n[templates]\nlogin = \"{mail|lower}\"\nmanagerId = \"{manager|lookup:dn:mail}\"\n[disabled]\ncolumn = \"enabled\"\nvalues = [\"false\"]\nthen = \"skip\"\n",
        )
        .expect("parses");
        let source = header(&["mail", "enabled", "other"]);
        let projection = mapping.apply(&source, 1).expect("maps");
        let pass = Pass {
            disabled: 12,
            disabled_lines: (2..12).collect(),
            preview: Vec::new(),
        };
        let note = note("m", false, &source, &projection, &pass);
        assert_eq!(
            note,
            "note: --map m reads mail as email, login as \"{mail|lower}\"; left out: other\n  managerId: left out, the file has no manager nor dn column\n  12 rows disabled by their enabled column, left out: line 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, ..."
        );
    }
}
