//! A mapping from another directory's export to Okta's columns (`--map FILE|entra|google|ad`):
//! a TOML file that names, for each source column, the Okta attribute or attributes it becomes
//! (`[columns]`); Okta columns made from templates over the source row (`[templates]`, see
//! `transform`); what a source's "disabled" flag does to its row (`[disabled]`: the row is left
//! out, or its user created STAGED); and whether the columns it does not name are left out or
//! read by their own names. The presets for Microsoft Entra's "Download users", Google
//! Workspace's user download and an Active Directory `Export-Csv` are such files
//! (`crates/oktabulk/presets/`). The mapping is applied to the header once, then to each row;
//! every check after it is the command's own, and a problem names the source column (or the
//! template) beside the attribute it became.

use crate::input::columns::{known_kind, ColumnKind};
use crate::input::problem::Problem;
use crate::input::source::RawRow;
use crate::input::transform::{Lookup, Tables, Template};
use std::collections::BTreeMap;

/// The presets, by the name `--map` takes.
pub const PRESETS: &[(&str, &str)] = &[
    ("entra", include_str!("../../presets/entra.toml")),
    ("google", include_str!("../../presets/google.toml")),
    ("ad", include_str!("../../presets/ad.toml")),
];

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    #[serde(default)]
    unmapped: Unmapped,
    /// Columns that, all present and without a `login` column, tell a file this mapping is
    /// for (the presets' signatures).
    #[serde(default)]
    detect: Vec<String>,
    #[serde(default)]
    columns: BTreeMap<String, Targets>,
    /// Okta column to its template, or to templates tried in turn (the first whose columns
    /// the file has).
    #[serde(default)]
    templates: BTreeMap<String, Targets>,
    disabled: Option<DisabledFile>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
enum Unmapped {
    /// Read by their own names (an unknown one is a problem, as without a mapping).
    #[default]
    Keep,
    /// Left out.
    Ignore,
}

#[derive(Debug, serde::Deserialize)]
#[serde(untagged)]
enum Targets {
    One(String),
    Many(Vec<String>),
}

impl Targets {
    fn into_vec(self) -> Vec<String> {
        match self {
            Targets::One(t) => vec![t],
            Targets::Many(t) => t,
        }
    }
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct DisabledFile {
    column: String,
    values: Vec<String>,
    then: Disabled,
}

/// What becomes of a row whose source marks its user disabled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Disabled {
    /// Left out of the run, as if the file did not have it.
    Skip,
    /// Created STAGED (`users import`; other commands read it as any row).
    Staged,
}

/// The source's disabled flag: the column, and the values that mean disabled.
#[derive(Debug, Clone)]
struct DisabledRule {
    column: String,
    values: Vec<String>,
    then: Disabled,
}

/// A mapping, read and checked.
#[derive(Debug, Clone)]
pub struct Mapping {
    /// The preset's name or the file's path, for the journal and messages.
    pub name: String,
    /// Source column (matched without regard to case) to the Okta columns it becomes.
    columns: Vec<(String, Vec<String>)>,
    /// Okta column to the templates that make it, tried in turn.
    templates: Vec<(String, Vec<Template>)>,
    disabled: Option<DisabledRule>,
    ignore_unmapped: bool,
    detect: Vec<String>,
}

/// Where a column of the mapped header comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The file's column at that index.
    Column(usize),
    /// A template, bound to the file's header.
    Template(Template),
}

/// The header as the command reads it, and how each row becomes what the command reads.
#[derive(Debug, Clone)]
pub struct Projection {
    pub header: Vec<String>,
    /// For each column of `header`, where it comes from.
    pub sources: Vec<Source>,
    /// The file's columns the mapping reads (renamed, in a template, the disabled flag).
    read: Vec<bool>,
    /// The disabled flag's column in the file.
    disabled: Option<(usize, DisabledRule)>,
    /// Templated columns left out: the file lacks a column of each of their templates.
    pub missing: Vec<(String, Vec<String>)>,
    /// The tables the templates look up, read from the whole file before its rows.
    pub tables: Tables,
}

impl Mapping {
    /// A preset by name, or else a mapping file at that path.
    pub fn load(spec: &str) -> Result<Mapping, String> {
        let (name, text) = match PRESETS.iter().find(|(n, _)| *n == spec) {
            Some((name, text)) => ((*name).to_owned(), (*text).to_owned()),
            None => {
                let text = std::fs::read_to_string(spec).map_err(|e| {
                    format!(
                        "--map {spec}: not a preset (entra, google, ad) nor a readable file: {e}"
                    )
                })?;
                (spec.to_owned(), text)
            }
        };
        Mapping::parse(&name, &text)
    }

    pub fn parse(name: &str, text: &str) -> Result<Mapping, String> {
        let file: MappingFile = toml::from_str(text).map_err(|e| format!("mapping {name}: {e}"))?;
        let columns: Vec<(String, Vec<String>)> = file
            .columns
            .into_iter()
            .map(|(source, targets)| (source, targets.into_vec()))
            .collect();
        let mut templates = Vec::new();
        for (target, texts) in file.templates {
            if columns
                .iter()
                .any(|(_, ts)| ts.iter().any(|t| t.eq_ignore_ascii_case(&target)))
            {
                return Err(format!(
                    "mapping {name}: {target} is both a column's target and a template's: keep one"
                ));
            }
            let groups = is_groups(&target);
            let mut alternatives = Vec::new();
            for text in texts.into_vec() {
                let template =
                    Template::parse(&text).map_err(|e| format!("mapping {name}: {target}: {e}"))?;
                if template.gives_a_list() && !groups {
                    return Err(format!("mapping {name}: {target}: template {text:?} ends with a list (split): add join:SEP, first, last or nth:N (only the groups column takes a list)"));
                }
                alternatives.push(template);
            }
            if alternatives.is_empty() {
                return Err(format!("mapping {name}: {target}: no template"));
            }
            templates.push((target, alternatives));
        }
        let disabled = file.disabled.map(|d| DisabledRule {
            column: d.column,
            values: d.values.iter().map(|v| v.trim().to_lowercase()).collect(),
            then: d.then,
        });
        Ok(Mapping {
            name: name.to_owned(),
            columns,
            templates,
            disabled,
            ignore_unmapped: file.unmapped == Unmapped::Ignore,
            detect: file.detect,
        })
    }

    /// The preset a header without a `login` column is the export of, by the preset's
    /// signature columns.
    pub fn detect(header: &[String]) -> Option<Mapping> {
        let has = |name: &str| header.iter().any(|h| h.eq_ignore_ascii_case(name));
        if has("login") || has("profile.login") {
            return None;
        }
        PRESETS
            .iter()
            .filter_map(|(name, _)| Mapping::load(name).ok())
            .find(|m| !m.detect.is_empty() && m.detect.iter().all(|d| has(d)))
    }

    /// The columns the command reads from a file with this header. A mapping that names none
    /// of the file's columns is the wrong one for the file.
    pub fn apply(&self, header: &[String], line: u64) -> Result<Projection, Problem> {
        let find = |name: &str| {
            header
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name.trim()))
        };
        let mut projection = Projection {
            header: Vec::new(),
            sources: Vec::new(),
            read: vec![false; header.len()],
            disabled: None,
            missing: Vec::new(),
            tables: Tables::default(),
        };
        // Templated columns follow the renamed ones; the columns they read are not kept.
        let mut templated = Vec::new();
        for (target, alternatives) in &self.templates {
            match alternatives.iter().find_map(|t| t.bind(header).ok()) {
                Some(bound) => {
                    for column in bound.columns() {
                        if let Some(i) = find(column) {
                            projection.read[i] = true;
                        }
                    }
                    templated.push((target.clone(), Source::Template(bound)));
                }
                None => {
                    let mut lacks: Vec<String> = alternatives
                        .iter()
                        .flat_map(|t| t.columns())
                        .filter(|c| find(c).is_none())
                        .map(str::to_owned)
                        .collect();
                    lacks.dedup();
                    projection.missing.push((target.clone(), lacks));
                }
            }
        }
        if let Some(rule) = &self.disabled {
            if let Some(i) = find(&rule.column) {
                projection.read[i] = true;
                projection.disabled = Some((i, rule.clone()));
            }
        }
        for (i, name) in header.iter().enumerate() {
            let targets = self
                .columns
                .iter()
                .find(|(source, _)| source.trim().eq_ignore_ascii_case(name));
            match targets {
                Some((_, targets)) => {
                    projection.read[i] = true;
                    for target in targets {
                        projection.header.push(target.clone());
                        projection.sources.push(Source::Column(i));
                    }
                }
                None if self.ignore_unmapped || projection.read[i] => {}
                None => {
                    projection.header.push(name.clone());
                    projection.sources.push(Source::Column(i));
                }
            }
        }
        for (target, source) in templated {
            projection.header.push(target);
            projection.sources.push(source);
        }
        if projection.read.iter().any(|r| *r) {
            Ok(projection)
        } else {
            Err(Problem::at(
                line,
                None,
                None,
                format!(
                    "the mapping {} names none of the file's columns: is it the mapping for this file?",
                    self.name
                ),
            ))
        }
    }
}

/// Whether an Okta column is the groups column (its values are group names or ids).
fn is_groups(target: &str) -> bool {
    known_kind(target) == Some(&ColumnKind::Groups)
}

/// Whether an Okta column's values are never shown.
pub fn is_secret(target: &str) -> bool {
    known_kind(target).is_some_and(ColumnKind::is_secret)
}

impl Projection {
    /// The lookups the templates make, each once: the tables to read from the whole file
    /// before its rows.
    pub fn lookups(&self) -> Vec<Lookup> {
        let mut lookups: Vec<Lookup> = self
            .sources
            .iter()
            .filter_map(|s| match s {
                Source::Template(t) => Some(t.lookups().cloned().collect::<Vec<_>>()),
                Source::Column(_) => None,
            })
            .flatten()
            .collect();
        lookups.sort();
        lookups.dedup();
        lookups
    }

    /// What the source's disabled flag says of a row of the file: `None` when it is not
    /// disabled (or the mapping has no such flag).
    pub fn disabled(&self, row: &RawRow) -> Option<Disabled> {
        let (i, rule) = self.disabled.as_ref()?;
        let value = row.cell(*i)?.value.trim().to_lowercase();
        rule.values.contains(&value).then_some(rule.then)
    }

    /// Whether the file has the mapping's disabled flag.
    pub fn has_disabled(&self) -> bool {
        self.disabled.is_some()
    }

    /// The disabled flag's column, and what becomes of a disabled row.
    pub fn disabled_rule(&self, source_header: &[String]) -> Option<(String, Disabled)> {
        let (i, rule) = self.disabled.as_ref()?;
        Some((source_header[*i].clone(), rule.then))
    }

    /// Whether the mapping reads the file's column at `i`.
    pub fn reads(&self, i: usize) -> bool {
        self.read.get(i).copied().unwrap_or(false)
    }

    /// A row of the file as the command reads it: each column of `header` from its source,
    /// STAGED when its source marks it disabled and the mapping says so, and the values its
    /// templates could not read (their cells left empty).
    pub fn row(&self, row: RawRow) -> RawRow {
        let mut problems = Vec::new();
        let cells = self
            .sources
            .iter()
            .zip(&self.header)
            .map(|(source, target)| match source {
                Source::Column(i) => row.cells.get(*i).cloned().unwrap_or_default(),
                Source::Template(t) => t
                    .render(&row.cells, &self.tables, is_groups(target))
                    .unwrap_or_else(|reason| {
                        problems.push(Problem::at(row.line, Some(target), None, reason));
                        String::new()
                    }),
            })
            .collect();
        RawRow {
            staged: self.disabled(&row) == Some(Disabled::Staged),
            cells,
            problems,
            ..row
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| (*n).to_owned()).collect()
    }

    #[test]
    fn every_preset_parses_and_maps_onto_okta_columns() {
        let schema = crate::connect::default_schema();
        for (name, _) in PRESETS {
            let mapping = Mapping::load(name).expect("a preset");
            let templated = mapping
                .templates
                .iter()
                .map(|(target, templates)| (templates[0].text.clone(), vec![target.clone()]));
            for (source, targets) in mapping.columns.iter().cloned().chain(templated) {
                let targets = &targets;
                for target in targets {
                    let mapped = crate::input::columns::Columns::from_header(
                        std::slice::from_ref(target),
                        &schema,
                        false,
                        false,
                    );
                    assert!(mapped.is_ok(), "{name}: {source} -> {target}: {mapped:?}");
                }
            }
        }
    }

    #[test]
    fn sources_become_their_targets_in_the_file_s_order() {
        let google = Mapping::load("google").expect("preset");
        let got = google
            .apply(
                &header(&[
                    "First Name [Required]",
                    "Org Unit Path [Required]",
                    "email address [required]",
                ]),
                1,
            )
            .expect("maps");
        assert_eq!(got.header, ["firstName", "login", "email", "groups"]);
        assert_eq!(
            got.sources[..3],
            [Source::Column(0), Source::Column(2), Source::Column(2)]
        );
        let keep = Mapping::parse("m", "[columns]\nmail = \"email\"\n").expect("parses");
        let got = keep.apply(&header(&["mail", "shoeSize"]), 1).expect("maps");
        assert_eq!(got.header, ["email", "shoeSize"]);
        let detected = |names: &[&str]| Mapping::detect(&header(names)).map(|m| m.name);
        assert_eq!(
            detected(&["userPrincipalName", "objectId", "mail"]).as_deref(),
            Some("entra")
        );
        assert_eq!(
            detected(&["SamAccountName", "UserPrincipalName"]).as_deref(),
            Some("ad")
        );
        assert_eq!(
            detected(&["Email Address [Required]", "First Name [Required]"]).as_deref(),
            Some("google")
        );
        assert_eq!(detected(&["login", "objectId", "userPrincipalName"]), None);
        assert_eq!(detected(&["userPrincipalName", "mail"]), None);
        let refused = google
            .apply(&header(&["login", "email"]), 3)
            .expect_err("none");
        assert_eq!(refused.line, Some(3));
        assert!(Mapping::parse("m", "[columns]\nmail = 5\n").is_err());
        assert!(Mapping::parse("m", "unmapped = \"drop\"\n[columns]\n").is_err());
    }

    fn raw(cells: &[&str]) -> RawRow {
        RawRow {
            seq: 0,
            line: 2,
            cells: header(cells),
            staged: false,
            problems: Vec::new(),
            left_out: None,
        }
    }

    #[test]
    fn templates_take_the_first_alternative_the_file_has_columns_for() {
        let m = Mapping::parse(
            "m",
            r#"
unmapped = "ignore"
[columns]
upn = "login"
[templates]
managerId = ["{manager|lookup:dn:upn}", "{manager|cn|lookup:name:upn}"]
groups = "{ou|after:/|split:/}"
[disabled]
column = "Enabled"
values = ["false", "no"]
then = "staged"
"#,
        )
        .expect("parses");
        let with_dn = m
            .apply(&header(&["upn", "manager", "dn", "enabled"]), 1)
            .expect("maps");
        let Source::Template(t) = &with_dn.sources[1] else {
            panic!("{:?}", with_dn.sources)
        };
        assert_eq!(t.text, "{manager|lookup:dn:upn}");
        assert_eq!(
            with_dn.missing,
            [("groups".to_owned(), vec!["ou".to_owned()])]
        );
        assert_eq!(with_dn.header, ["login", "managerId"]);
        assert!(with_dn.reads(2) && with_dn.reads(3));
        let without_dn = m
            .apply(&header(&["upn", "manager", "name", "ou"]), 1)
            .expect("maps");
        let Source::Template(t) = &without_dn.sources[2] else {
            panic!("{:?}", without_dn.sources)
        };
        assert_eq!(t.text, "{manager|cn|lookup:name:upn}");
        assert_eq!(without_dn.header, ["login", "groups", "managerId"]);
        let mut p = with_dn;
        let rows = [
            raw(&["a@x", "", "CN=A,DC=x", "True"]),
            raw(&["b@x", "CN=A,DC=x", "CN=B,DC=x", " NO "]),
        ];
        for r in &rows {
            p.tables.add(&p.lookups(), &r.cells);
        }
        assert_eq!(p.disabled(&rows[0]), None);
        assert_eq!(p.disabled(&rows[1]), Some(Disabled::Staged));
        let b = p.row(rows[1].clone());
        assert_eq!(b.cells, ["b@x", "a@x"]);
        assert!(b.staged);
    }

    #[test]
    fn templates_that_cannot_work_are_refused_with_their_target() {
        for (text, says) in [
            (
                "[columns]\nmail = \"email\"\n[templates]\nemail = \"{mail|lower}\"\n",
                "email is both a column's target and a template's",
            ),
            (
                "[templates]\nnickName = \"{mail|split:.}\"\n",
                "nickName: template \"{mail|split:.}\" ends with a list",
            ),
            (
                "[templates]\nnickName = \"{mail|loud}\"\n",
                "nickName: template",
            ),
            ("[templates]\nnickName = []\n", "nickName: no template"),
            (
                "[columns]\n[disabled]\ncolumn = \"x\"\nvalues = [\"no\"]\nthen = \"delete\"\n",
                "unknown variant `delete`",
            ),
        ] {
            let e = Mapping::parse("m", text).expect_err(text);
            assert!(e.contains(says), "{text}: {e}");
        }
    }
}
