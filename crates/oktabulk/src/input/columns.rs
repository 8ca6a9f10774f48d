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
    pub fn from_header(
        header: &[String],
        schema: &UserSchema,
        ignore_unknown: bool,
        require_required: bool,
    ) -> Result<Columns, Vec<Problem>> {
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
            match kind {
                Some(kind) => kinds.push(kind),
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
                        problems.push(Problem::at(
                            1,
                            Some(&column),
                            None,
                            "not a profile attribute of this org's schema nor a known column (pass --ignore-unknown-columns to skip it)",
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
        for required in schema.required().filter(|_| require_required) {
            if !kinds.contains(&ColumnKind::Profile(required.to_owned())) {
                problems.push(Problem::at(
                    1,
                    Some(required),
                    None,
                    "required column is missing (the org's schema requires it)",
                ));
            }
        }
        if problems.is_empty() {
            Ok(Columns {
                names: header.to_vec(),
                kinds,
            })
        } else {
            Err(problems)
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
