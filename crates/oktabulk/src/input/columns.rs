//! The header mapped onto what oktabulk knows: profile attributes of the org's schema (bare or as
//! `profile.NAME`), credential columns, groups, user type and provider. The classic script's
//! header `login,email,firstName,lastName,password,groupId` maps as is.

use crate::input::problem::Problem;
use okta_model::schema::UserSchema;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnKind {
    Profile(String),
    Password,
    HashAlgorithm,
    HashValue,
    HashSalt,
    HashSaltOrder,
    HashWorkFactor,
    HashIterationCount,
    HashKeySize,
    HashDigestAlgorithm,
    PasswordHook,
    RecoveryQuestion,
    RecoveryAnswer,
    Groups,
    UserTypeId,
    ProviderType,
    ProviderName,
    /// The user's id (`users update` and the lifecycle commands key rows by it; `users import`
    /// ignores it, so that an export reads back).
    UserId,
    Ignored,
}

impl ColumnKind {
    /// Columns whose values never appear in messages, the journal or the results.
    pub fn is_secret(&self) -> bool {
        matches!(
            self,
            ColumnKind::Password
                | ColumnKind::HashValue
                | ColumnKind::HashSalt
                | ColumnKind::RecoveryAnswer
        )
    }

    /// Columns that set a password or a recovery question: what `users update` leaves alone
    /// unless asked to set passwords.
    pub fn is_credential(&self) -> bool {
        self.is_hash()
            || matches!(
                self,
                ColumnKind::Password
                    | ColumnKind::PasswordHook
                    | ColumnKind::RecoveryQuestion
                    | ColumnKind::RecoveryAnswer
            )
    }

    pub fn is_hash(&self) -> bool {
        matches!(
            self,
            ColumnKind::HashAlgorithm
                | ColumnKind::HashValue
                | ColumnKind::HashSalt
                | ColumnKind::HashSaltOrder
                | ColumnKind::HashWorkFactor
                | ColumnKind::HashIterationCount
                | ColumnKind::HashKeySize
                | ColumnKind::HashDigestAlgorithm
        )
    }
}

impl ColumnKind {
    /// The column's name as the documentation spells it (for a known column the file lacks).
    pub fn canonical_name(&self) -> Option<&'static str> {
        KNOWN.iter().find(|(_, k)| k == self).map(|(n, _)| *n)
    }
}

/// The kind of a known column that is not a profile attribute (`password`, `groups`, ...), by
/// its name, case aside: what a mapping needs to know of its targets without the org's schema.
pub fn known_kind(name: &str) -> Option<&'static ColumnKind> {
    KNOWN
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name.trim()))
        .map(|(_, kind)| kind)
}

/// Unknown columns named one by one; the rest are counted.
const SHOWN_UNKNOWN: usize = 20;

/// Known non-profile columns, matched without regard to case.
const KNOWN: &[(&str, ColumnKind)] = &[
    ("id", ColumnKind::UserId),
    // An export's status column: read back, and left to the lifecycle commands.
    ("status", ColumnKind::Ignored),
    ("password", ColumnKind::Password),
    ("hashAlgorithm", ColumnKind::HashAlgorithm),
    ("hashValue", ColumnKind::HashValue),
    ("hashSalt", ColumnKind::HashSalt),
    ("hashSaltOrder", ColumnKind::HashSaltOrder),
    ("hashWorkFactor", ColumnKind::HashWorkFactor),
    ("hashIterationCount", ColumnKind::HashIterationCount),
    ("hashKeySize", ColumnKind::HashKeySize),
    ("hashDigestAlgorithm", ColumnKind::HashDigestAlgorithm),
    ("passwordHook", ColumnKind::PasswordHook),
    ("recoveryQuestion", ColumnKind::RecoveryQuestion),
    ("recoveryAnswer", ColumnKind::RecoveryAnswer),
    ("groupId", ColumnKind::Groups),
    ("groupIds", ColumnKind::Groups),
    ("groups", ColumnKind::Groups),
    ("userTypeId", ColumnKind::UserTypeId),
    ("type.id", ColumnKind::UserTypeId),
    ("provider", ColumnKind::ProviderType),
    ("providerType", ColumnKind::ProviderType),
    ("providerName", ColumnKind::ProviderName),
];

/// A header as far as it could be mapped, and what is wrong with it.
#[derive(Debug, Clone)]
pub struct MappedHeader {
    pub columns: Columns,
    pub problems: Vec<Problem>,
    /// Whether the rows can be checked with these columns (problems or not): false when a
    /// required column is missing, which every row would repeat.
    pub rows_readable: bool,
}

/// The header, column by column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    pub names: Vec<String>,
    pub kinds: Vec<ColumnKind>,
}

impl Columns {
    /// Maps the header; every problem with it is reported at once.
    /// `require_required`: the header must have every attribute the schema requires (a create
    /// or a full replace); a partial update needs none.
    #[cfg(test)]
    pub fn from_header(
        header: &[String],
        schema: &UserSchema,
        ignore_unknown: bool,
        require_required: bool,
    ) -> Result<Columns, Vec<Problem>> {
        let mapped = Columns::map_header(header, schema, ignore_unknown, require_required, &[]);
        if mapped.problems.is_empty() {
            Ok(mapped.columns)
        } else {
            Err(mapped.problems)
        }
    }

    /// Maps the header, keeping what it could map beside every problem, so that the rows can
    /// still be checked in the same pass (an unknown column is left out of them). `mapped`
    /// gives, for each column a mapping makes, the place of its source column in the file: such
    /// a column must be known, `ignore_unknown` or not (the mapping names it on purpose).
    pub fn map_header(
        header: &[String],
        schema: &UserSchema,
        ignore_unknown: bool,
        require_required: bool,
        mapped: &[Option<u64>],
    ) -> MappedHeader {
        let mut problems = Vec::new();
        let mut kinds = Vec::with_capacity(header.len());
        let mut unknown = 0usize;
        for (i, name) in header.iter().enumerate() {
            let kind = classify(name, schema);
            let column = if name.is_empty() {
                format!("#{}", i + 1)
            } else {
                name.clone()
            };
            let source = mapped.get(i).copied().flatten();
            match kind {
                Some(kind) => kinds.push(kind),
                None if source.is_some() => {
                    let hint = match suggestion(name, schema) {
                        Some(known) => format!("; did you mean `{known}`?"),
                        None => String::new(),
                    };
                    problems.push(
                        Problem::at(
                            1,
                            Some(&column),
                            None,
                            format!("the mapping makes this column, but it is not a profile attribute of this org's schema nor a known column{hint}: fix the mapping"),
                        )
                        .at_place(source),
                    );
                    kinds.push(ColumnKind::Ignored);
                }
                None if ignore_unknown => kinds.push(ColumnKind::Ignored),
                None if name.is_empty() => {
                    problems.push(Problem::at(
                        1,
                        Some(&column),
                        None,
                        "the column has no name",
                    ));
                    kinds.push(ColumnKind::Ignored);
                }
                None => {
                    unknown += 1;
                    if unknown <= SHOWN_UNKNOWN {
                        let hint = match suggestion(name, schema) {
                            Some(known) => format!("; did you mean `{known}`?"),
                            None => String::new(),
                        };
                        problems.push(Problem::at(
                            1,
                            Some(&column),
                            None,
                            format!("not a profile attribute of this org's schema nor a known column{hint} (pass --ignore-unknown-columns to skip it)"),
                        ));
                    }
                    kinds.push(ColumnKind::Ignored);
                }
            }
        }
        if unknown > SHOWN_UNKNOWN {
            problems.push(Problem::at(
                1,
                None,
                None,
                format!(
                    "and {} more unknown columns ({unknown} in all)",
                    unknown - SHOWN_UNKNOWN
                ),
            ));
        }
        for (i, kind) in kinds.iter().enumerate() {
            if *kind == ColumnKind::Ignored || *kind == ColumnKind::Groups {
                continue;
            }
            if let Some(first) = kinds[..i].iter().position(|k| k == kind) {
                problems.push(Problem::at(
                    1,
                    Some(&header[i]),
                    None,
                    format!(
                        "the same column as {:?} (column {})",
                        header[first],
                        first + 1
                    ),
                ));
            }
        }
        let mut rows_readable = true;
        for required in schema.required().filter(|_| require_required) {
            if !kinds.contains(&ColumnKind::Profile(required.to_owned())) {
                // Every row would lack it too: its rows are not worth checking.
                rows_readable = false;
                problems.push(Problem::at(
                    1,
                    Some(required),
                    None,
                    "required column is missing (the org's schema requires it)",
                ));
            }
        }
        MappedHeader {
            columns: Columns {
                names: header.to_vec(),
                kinds,
            },
            problems,
            rows_readable,
        }
    }

    pub fn index_of(&self, kind: &ColumnKind) -> Option<usize> {
        self.kinds.iter().position(|k| k == kind)
    }

    pub fn profile_index(&self, attribute: &str) -> Option<usize> {
        self.index_of(&ColumnKind::Profile(attribute.to_owned()))
    }
}

fn classify(name: &str, schema: &UserSchema) -> Option<ColumnKind> {
    if let Some((_, kind)) = KNOWN.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)) {
        return Some(kind.clone());
    }
    let attribute = name.strip_prefix("profile.").unwrap_or(name);
    if schema.attribute(attribute).is_some() {
        return Some(ColumnKind::Profile(attribute.to_owned()));
    }
    // Attribute names are case-sensitive in Okta; accept another case when it is unambiguous.
    let mut matches = schema
        .definitions
        .base
        .properties
        .keys()
        .chain(schema.definitions.custom.properties.keys())
        .filter(|a| a.eq_ignore_ascii_case(attribute));
    match (matches.next(), matches.next()) {
        (Some(only), None) => Some(ColumnKind::Profile(only.clone())),
        _ => None,
    }
}

/// What people call Okta's columns in other tools and spreadsheets, by their spelling with
/// only letters and digits, lower-cased.
const ALIASES: &[(&str, &str)] = &[
    ("givenname", "firstName"),
    ("forename", "firstName"),
    ("surname", "lastName"),
    ("familyname", "lastName"),
    ("emailaddress", "email"),
    ("mail", "email"),
    ("username", "login"),
    ("userprincipalname", "login"),
    ("upn", "login"),
    ("jobtitle", "title"),
    ("mobile", "mobilePhone"),
    ("phone", "primaryPhone"),
    ("telephonenumber", "primaryPhone"),
];

/// A known column (or a profile attribute of the org) that an unknown header `name` was
/// likely meant to be: the same letters in another case or spacing (`First Name`, `E-mail`),
/// another tool's name for it (`Surname`, `Given Name`), or a close misspelling (`fristName`).
pub fn suggestion(name: &str, schema: &UserSchema) -> Option<String> {
    let wanted = letters(name.strip_prefix("profile.").unwrap_or(name));
    if wanted.is_empty() {
        return None;
    }
    let attributes = schema
        .definitions
        .base
        .properties
        .keys()
        .chain(schema.definitions.custom.properties.keys())
        .map(String::as_str);
    let candidates: Vec<&str> = KNOWN
        .iter()
        .map(|(n, _)| *n)
        .filter(|n| !n.contains('.') && *n != "status")
        .chain(attributes)
        .collect();
    if let Some(exact) = candidates.iter().find(|c| letters(c) == wanted) {
        return Some((*exact).to_owned());
    }
    if let Some((_, target)) = ALIASES.iter().find(|(alias, _)| *alias == wanted) {
        if candidates.contains(target) {
            return Some((*target).to_owned());
        }
    }
    // A misspelling: at most one edit in a short name, two in a longer one.
    let allowed = if wanted.chars().count() <= 5 { 1 } else { 2 };
    candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(&letters(c), &wanted), *c))
        .filter(|(distance, _)| *distance <= allowed)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c.to_owned())
}

/// Only the letters and digits of a name, lower-cased.
fn letters(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_are_suggested_and_far_ones_are_not() {
        let schema = crate::connect::default_schema();
        let cases = [
            ("E-mail", Some("email")),
            ("First Name", Some("firstName")),
            ("Given Name", Some("firstName")),
            ("Surname", Some("lastName")),
            ("Last name", Some("lastName")),
            ("fristName", Some("firstName")),
            ("Pasword", Some("password")),
            ("shoeSize", None),
            ("x", None),
        ];
        for (name, want) in cases {
            assert_eq!(suggestion(name, &schema).as_deref(), want, "{name}");
        }
    }
}
