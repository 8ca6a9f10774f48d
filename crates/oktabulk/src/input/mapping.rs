//! A mapping from another directory's export to Okta's columns (`--map FILE|entra|google|ad`):
//! a TOML file that names, for each source column, the Okta attribute or attributes it becomes,
//! and whether the columns it does not name are left out or read by their own names. The
//! presets for Microsoft Entra's "Download users", Google Workspace's user download and an
//! Active Directory `Export-Csv` are such files (`crates/oktabulk/presets/`). The mapping is
//! applied to the header once; every check after it is the command's own, and a problem names
//! the source column beside the attribute it became.

use crate::input::problem::Problem;
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
    columns: BTreeMap<String, Targets>,
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

/// A mapping, read and checked.
#[derive(Debug, Clone)]
pub struct Mapping {
    /// The preset's name or the file's path, for the journal and messages.
    pub name: String,
    /// Source column (matched without regard to case) to the Okta columns it becomes.
    columns: Vec<(String, Vec<String>)>,
    ignore_unmapped: bool,
    detect: Vec<String>,
}

/// The header as the command reads it: each column with the source column it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Projection {
    pub header: Vec<String>,
    /// For each column of `header`, the index of its source column.
    pub sources: Vec<usize>,
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
        let columns = file
            .columns
            .into_iter()
            .map(|(source, targets)| {
                let targets = match targets {
                    Targets::One(t) => vec![t],
                    Targets::Many(t) => t,
                };
                (source, targets)
            })
            .collect();
        Ok(Mapping {
            name: name.to_owned(),
            columns,
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
        let mut projection = Projection {
            header: Vec::new(),
            sources: Vec::new(),
        };
        let mut matched = false;
        for (i, name) in header.iter().enumerate() {
            let targets = self
                .columns
                .iter()
                .find(|(source, _)| source.trim().eq_ignore_ascii_case(name));
            match targets {
                Some((_, targets)) => {
                    matched = true;
                    for target in targets {
                        projection.header.push(target.clone());
                        projection.sources.push(i);
                    }
                }
                None if self.ignore_unmapped => {}
                None => {
                    projection.header.push(name.clone());
                    projection.sources.push(i);
                }
            }
        }
        if matched {
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
            for (source, targets) in &mapping.columns {
                for target in targets {
                    let mapped = crate::input::Columns::from_header(
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
        assert_eq!(got.header, ["firstName", "login", "email"]);
        assert_eq!(got.sources, [0, 2, 2]);
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
}
