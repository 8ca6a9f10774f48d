//! Row checks and the create request each valid row becomes. The `Validator` judges each row
//! once, in the preflight; the run sends what it decided (`preflight::check`).

use crate::csv_cell;
use crate::input::checker::{RowChecker, RowOp, UpdateRow, UserRow};
use crate::input::columns::{ColumnKind, Columns};
use crate::input::logins::SeenLogins;
use crate::input::problem::Problem;
use crate::input::source::RawRow;
use crate::input::values;
use okta_model::rules::{PASSWORD_MAX_CHARS, RECOVERY_ANSWER_MIN_CHARS, RECOVERY_MAX_CHARS};
use okta_model::schema::{SchemaAttribute, UserSchema};
use okta_model::{
    AuthProvider, CreateUserRequest, HashField, PasswordCredential, PasswordHash, PasswordHook,
    RecoveryQuestion, Secret, UserCredentials, UserProfile, UserTypeRef,
};
use regex::Regex;
use std::collections::{HashMap, HashSet};

/// Where a group reference in the file leads.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum GroupTarget {
    /// An existing group.
    Id(String),
    /// A group named in the file that the org does not have yet (`--create-missing-groups`).
    Create(String),
}

/// The org's groups by id and by name, read once per run.
#[derive(Debug, Clone, Default)]
pub struct GroupDirectory {
    /// Whether the org was read; offline validation cannot check references.
    pub online: bool,
    pub ids: HashSet<String>,
    /// Lower-cased name to id.
    pub names: HashMap<String, String>,
    /// Id to the name as the org spells it.
    pub spelled: HashMap<String, String>,
    /// Ids of groups whose membership cannot be changed (APP_GROUP, BUILT_IN), with their type.
    pub fixed: HashMap<String, String>,
}

impl GroupDirectory {
    fn resolve(&self, value: &str, create_missing: bool) -> Result<GroupTarget, String> {
        if !self.online || self.ids.contains(value) {
            if let Some(kind) = self.fixed.get(value) {
                return Err(format!(
                    "group {value} is an {kind}; its members cannot be changed"
                ));
            }
            return Ok(GroupTarget::Id(value.to_owned()));
        }
        if let Some(id) = self.names.get(&value.to_lowercase()) {
            if let Some(kind) = self.fixed.get(id) {
                return Err(format!(
                    "group {value:?} is an {kind}; its members cannot be changed"
                ));
            }
            return Ok(GroupTarget::Id(id.clone()));
        }
        if looks_like_group_id(value) {
            return Err(format!("no group with id {value} in the org"));
        }
        if create_missing {
            return Ok(GroupTarget::Create(value.to_owned()));
        }
        Err(format!(
            "no group named {value:?} in the org (pass --create-missing-groups to create it)"
        ))
    }
}

impl GroupDirectory {
    /// The name of the group with this id as the org spells it, or `value` itself when the org
    /// was not read (or `value` is a name already).
    pub fn name_of<'a>(&'a self, id: &str, value: &'a str) -> &'a str {
        self.spelled.get(id).map_or(value, String::as_str)
    }

    /// The id of the group `value` names, by id or by name, whatever its type.
    pub fn lookup(&self, value: &str) -> Option<String> {
        if self.ids.contains(value) {
            return Some(value.to_owned());
        }
        self.names.get(&value.to_lowercase()).cloned()
    }
}

fn looks_like_group_id(value: &str) -> bool {
    value.len() == 20
        && value.starts_with("00g")
        && value.chars().all(|c| c.is_ascii_alphanumeric())
}

/// A valid row, ready to send.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ImportRow {
    pub seq: u64,
    pub line: u64,
    pub request: CreateUserRequest,
    pub groups: Vec<GroupTarget>,
    /// Created STAGED whatever the run's `--staged`: the source marks the user disabled (a
    /// mapping's `[disabled]` with `then = "staged"`).
    pub staged: bool,
}

impl ImportRow {
    pub fn login(&self) -> &str {
        self.request.profile.login().unwrap_or_default()
    }
}

/// What the rows are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `users import`: every required attribute, credentials, groups.
    Create,
    /// `users update`: rows keyed by `id` or `login`; only the attributes given (all of the
    /// profile's required ones with `replace`); a password only with `set_passwords` (otherwise
    /// every credential column is ignored); no groups.
    Update { replace: bool, set_passwords: bool },
}

/// Checks rows against the header, the schema and the org's groups, and remembers logins to
/// find duplicates.
#[derive(Debug)]
pub struct Validator {
    mode: Mode,
    columns: Columns,
    schema: UserSchema,
    login_pattern: Option<Regex>,
    groups: GroupDirectory,
    create_missing: bool,
    /// `None` once a clean preflight has shown there are no duplicates to find.
    seen: Option<SeenLogins>,
    /// The confusable skeletons of the file's logins; `None` with `seen`.
    skeletons: Option<SeenLogins>,
    /// Warnings about rows that are valid (a login that mixes scripts or looks like another);
    /// the caller takes them after each row.
    pub warnings: Vec<Problem>,
}

impl Validator {
    pub fn new(
        columns: Columns,
        schema: UserSchema,
        groups: GroupDirectory,
        create_missing: bool,
    ) -> Validator {
        let login_pattern = schema
            .attribute("login")
            .and_then(|a| a.pattern.as_deref())
            .and_then(|p| Regex::new(&format!("^(?:{p})$")).ok());
        Validator {
            mode: Mode::Create,
            columns,
            schema,
            login_pattern,
            groups,
            create_missing,
            seen: Some(SeenLogins::default()),
            skeletons: Some(SeenLogins::default()),
            warnings: Vec::new(),
        }
    }

    pub fn with_mode(mut self, mode: Mode) -> Validator {
        self.mode = mode;
        self
    }

    /// Checks one row of `users update`: the user it names (`id`, else `login`), the profile
    /// attributes it gives, and a new password.
    pub fn check_update(&mut self, row: &RawRow) -> Result<UpdateRow, Vec<Problem>> {
        let id = self
            .columns
            .index_of(&ColumnKind::UserId)
            .and_then(|i| row.cell(i))
            .map(|c| c.value.trim())
            .filter(|c| !c.is_empty());
        let created = self.check(row);
        let (checked, mut problems) = match created {
            Ok(r) => (Some(r), Vec::new()),
            Err(p) => (None, p),
        };
        let login = self
            .columns
            .profile_index("login")
            .and_then(|i| row.cell(i))
            .map(|c| c.value.trim().to_owned())
            .unwrap_or_default();
        let key = id
            .map(str::to_owned)
            .or_else(|| (!login.is_empty()).then(|| login.clone()));
        if key.is_none()
            && !problems
                .iter()
                .any(|p| p.column.as_deref() == Some("login"))
        {
            problems.push(Problem::at(
                row.line,
                Some("id"),
                None,
                "names no user: give its id or its login",
            ));
        }
        match (checked, key) {
            (Some(r), Some(key)) if problems.is_empty() => Ok(UpdateRow {
                user: UserRow {
                    seq: r.seq,
                    line: r.line,
                    key,
                },
                password: r
                    .request
                    .credentials
                    .and_then(|c| c.password)
                    .and_then(|p| p.value),
                profile: r.request.profile,
            }),
            _ => Err(problems),
        }
    }

    /// Checks one row; all its problems at once.
    /// What names the row's user: its login, or else its id.
    pub fn label(&self, raw: &RawRow) -> String {
        let at = |i: Option<usize>| i.and_then(|i| raw.cell(i)).map(|c| c.value.trim());
        at(self.columns.profile_index("login"))
            .filter(|s| !s.is_empty())
            .or(at(self.columns.index_of(&ColumnKind::UserId)))
            .unwrap_or_default()
            .to_owned()
    }

    pub fn check(&mut self, row: &RawRow) -> Result<ImportRow, Vec<Problem>> {
        let mut problems = row.problems.clone();
        let mut cells: Vec<(&ColumnKind, &str, &str)> = Vec::new();
        for ((kind, name), raw) in self
            .columns
            .kinds
            .iter()
            .zip(&self.columns.names)
            .zip(&row.cells)
        {
            let ignored = kind.is_credential()
                && matches!(
                    self.mode,
                    Mode::Update {
                        set_passwords: false,
                        ..
                    }
                );
            if ignored {
                cells.push((kind, name, ""));
                continue;
            }
            // oktabulk never writes a secret, so a password is read exactly as it is.
            if kind.is_secret() {
                cells.push((kind, name, raw.as_str()));
                continue;
            }
            let cell = csv_cell::read(raw);
            let value = cell.value.trim();
            cells.push((kind, name, value));
            if !cell.escaped && is_formula(value) {
                problems.push(Problem::at(
                    row.line,
                    Some(name),
                    Some(value),
                    "looks like a spreadsheet formula; remove the leading character, or put a ' before it to mean the text itself",
                ));
            }
        }
        let profile = self.profile(row.line, &cells, &mut problems);
        let credentials = credentials(row.line, &cells, &mut problems);
        if let Mode::Update { .. } = self.mode {
            for (kind, name, value) in &cells {
                let other_credential = kind.is_hash()
                    || matches!(
                        kind,
                        ColumnKind::PasswordHook
                            | ColumnKind::RecoveryQuestion
                            | ColumnKind::RecoveryAnswer
                            | ColumnKind::ProviderType
                            | ColumnKind::ProviderName
                            | ColumnKind::UserTypeId
                    );
                // Group columns are left alone (an import file or an export reads as it is);
                // `users update --help` says so.
                let reason = if other_credential {
                    "users update sets a password only (with --set-passwords); this column cannot be changed by it"
                } else {
                    continue;
                };
                if !value.is_empty() {
                    problems.push(Problem::at(row.line, Some(name), None, reason));
                }
            }
        }
        let mut groups = Vec::new();
        let read_groups = self.mode == Mode::Create;
        for (_, name, value) in cells
            .iter()
            .filter(|(k, _, _)| **k == ColumnKind::Groups && read_groups)
        {
            match self.group_cell(value) {
                Ok(targets) => {
                    for target in targets {
                        if !groups.contains(&target) {
                            groups.push(target);
                        }
                    }
                }
                Err(found) => {
                    for (group, reason) in found {
                        problems.push(Problem::at(row.line, Some(name), Some(&group), reason));
                    }
                }
            }
        }
        let user_type = cell(&cells, &ColumnKind::UserTypeId)
            .filter(|v| !v.is_empty())
            .map(|id| UserTypeRef { id: id.to_owned() });
        // Only a row that is otherwise valid claims its login (or, updating, the id it names):
        // with --skip-invalid, the row sent is then the first valid one.
        let id_key = match self.mode {
            Mode::Update { .. } => self
                .columns
                .index_of(&ColumnKind::UserId)
                .and_then(|i| row.cell(i))
                .map(|c| c.value.trim())
                .filter(|c| !c.is_empty()),
            Mode::Create => None,
        };
        if let (Some(login), Some(seen), true) = (
            id_key.or(profile.login().filter(|l| !l.is_empty())),
            self.seen.as_mut(),
            problems.is_empty(),
        ) {
            match seen.first_seen(login, row.line) {
                Ok(None) => {}
                Ok(Some(first)) => problems.push(Problem::at(
                    row.line,
                    Some("login"),
                    Some(login),
                    format!("the same login as line {first} (logins ignore case and accents)"),
                )),
                Err(reason) => problems.push(Problem::at(
                    row.line,
                    Some("login"),
                    None,
                    format!("cannot check for duplicate logins: {reason}"),
                )),
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        if let Some(login) = profile.login().filter(|l| !l.is_empty()) {
            self.look_alike(row.line, login);
        }
        Ok(ImportRow {
            seq: row.seq,
            line: row.line,
            request: CreateUserRequest {
                profile,
                credentials,
                group_ids: Vec::new(),
                user_type,
            },
            groups,
            staged: row.staged,
        })
    }

    /// Warns (does not refuse) about a login that mixes scripts, or that looks like another
    /// login of the file by Unicode's confusable skeletons, ASCII ones too (`1` and `l`, `rn`
    /// and `m`).
    fn look_alike(&mut self, line: u64, login: &str) {
        use unicode_security::MixedScript;
        if !login.is_ascii() && !login.is_single_script() {
            self.warnings.push(Problem::at(
                line,
                Some("login"),
                Some(login),
                "warning: mixes scripts (Latin and Cyrillic letters, say): it can be mistaken for another login",
            ));
        }
        let Some(skeletons) = self.skeletons.as_mut() else {
            return;
        };
        let reason = match skeletons.first_look_alike(login, line) {
            Ok(Some(first)) if first != line => {
                format!("warning: looks like the login on line {first}")
            }
            Ok(_) => return,
            Err(reason) => format!("warning: cannot check for look-alike logins: {reason}"),
        };
        self.warnings
            .push(Problem::at(line, Some("login"), Some(login), reason));
    }

    /// The groups a cell names: ids or names separated by `;`, where `\;` is a `;` inside a
    /// name. A cell whose whole text names a group while its parts name groups too (or would be
    /// created) is ambiguous and refused; one whose parts do not all resolve is that one group.
    fn group_cell(&self, value: &str) -> Result<Vec<GroupTarget>, Vec<(String, String)>> {
        let parts = group_parts(value);
        let resolved: Vec<_> = parts
            .iter()
            .map(|p| (p, self.groups.resolve(p, self.create_missing)))
            .collect();
        if parts.len() > 1 && self.groups.names.contains_key(&value.to_lowercase()) {
            if resolved.iter().all(|(_, r)| r.is_ok()) {
                return Err(vec![(
                    value.to_owned(),
                    format!(
                        "is both the name of one group and a list of {} groups; write \\; for a ';' inside a group name, or give the group's id",
                        parts.len()
                    ),
                )]);
            }
            return self
                .groups
                .resolve(value, false)
                .map(|t| vec![t])
                .map_err(|reason| vec![(value.to_owned(), reason)]);
        }
        let mut targets = Vec::new();
        let mut problems = Vec::new();
        for (part, result) in resolved {
            match result {
                Ok(target) => targets.push(target),
                Err(reason) => problems.push((part.clone(), reason)),
            }
        }
        if problems.is_empty() {
            Ok(targets)
        } else {
            Err(problems)
        }
    }

    fn profile(
        &self,
        line: u64,
        cells: &[(&ColumnKind, &str, &str)],
        problems: &mut Vec<Problem>,
    ) -> UserProfile {
        let mut profile = UserProfile::default();
        for (kind, column, value) in cells {
            let ColumnKind::Profile(attribute) = kind else {
                continue;
            };
            if value.is_empty() {
                continue;
            }
            let Some(attr) = self.schema.attribute(attribute) else {
                continue;
            };
            match values::typed(attr, value) {
                Ok(v) => {
                    if let Err(reason) = self.check_attribute(attribute, attr, value) {
                        problems.push(Problem::at(line, Some(column), Some(value), reason));
                    }
                    profile.set(attribute.clone(), v);
                }
                Err(reason) => problems.push(Problem::at(line, Some(column), Some(value), reason)),
            }
        }
        let require = matches!(self.mode, Mode::Create | Mode::Update { replace: true, .. });
        for required in self.schema.required().filter(|_| require) {
            if profile.0.get(required).is_none() {
                let column = self
                    .columns
                    .profile_index(required)
                    .map(|i| self.columns.names[i].clone())
                    .unwrap_or_else(|| required.to_owned());
                problems.push(Problem::at(
                    line,
                    Some(&column),
                    None,
                    "required, but empty",
                ));
            }
        }
        profile
    }

    fn check_attribute(
        &self,
        name: &str,
        attr: &SchemaAttribute,
        value: &str,
    ) -> Result<(), String> {
        if name == "login" || attr.format.as_deref() == Some("email") {
            if let Some(c) = okta_model::login::hidden_char(value) {
                return Err(format!(
                    "has an invisible or control character (U+{:04X}): a login or an email must be exactly what it shows",
                    u32::from(c)
                ));
            }
        }
        use okta_model::rules::{text_violation, TextViolation};
        let matches = self
            .login_pattern
            .as_ref()
            .map(|re| move |v: &str| re.is_match(v));
        let matches = matches.as_ref().map(|m| m as &dyn Fn(&str) -> bool);
        match text_violation(name, attr, value, matches) {
            None => Ok(()),
            Some(TextViolation::FourByte) => {
                Err("has characters Okta does not store (emoji and other 4-byte UTF-8)".into())
            }
            Some(TextViolation::TooShort { min }) => {
                Err(format!("too short: at least {min} characters"))
            }
            Some(TextViolation::TooLong { max, len }) => {
                Err(format!("too long: at most {max} characters, has {len}"))
            }
            Some(TextViolation::LoginNotPattern) => {
                Err("does not match the org's login pattern".into())
            }
            Some(TextViolation::LoginNotEmail) => Err(
                "a login must be an email address (the org's schema has no login pattern)".into(),
            ),
            Some(TextViolation::NotEmail) => Err("not an email address".into()),
        }
    }
}

/// The rows of `users import` (mode `Create`) and `users update`: the header is mapped onto the
/// org's schema, then each row is checked by a `Validator`.
#[derive(Debug)]
pub struct UserChecker {
    mode: Mode,
    schema: UserSchema,
    groups: GroupDirectory,
    ignore_unknown: bool,
    create_missing: bool,
    validator: Option<Validator>,
    /// Groups named in the file that `--create-missing-groups` will create, one per name
    /// (Okta's group names ignore case).
    pub groups_to_create: std::collections::BTreeSet<String>,
    /// For each column a mapping makes, the place of its source column in the file.
    mapped: Vec<Option<u64>>,
}

impl UserChecker {
    pub fn new(
        mode: Mode,
        schema: UserSchema,
        groups: GroupDirectory,
        ignore_unknown: bool,
        create_missing: bool,
    ) -> UserChecker {
        UserChecker {
            mode,
            schema,
            groups,
            ignore_unknown,
            create_missing,
            validator: None,
            groups_to_create: std::collections::BTreeSet::new(),
            mapped: Vec::new(),
        }
    }
}

impl RowChecker for UserChecker {
    fn mapped(&mut self, places: &[Option<u64>]) {
        self.mapped = places.to_vec();
    }

    fn header(&mut self, header: &[String]) -> Result<(), Vec<Problem>> {
        let require = matches!(self.mode, Mode::Create | Mode::Update { replace: true, .. });
        self.validator = None;
        let mapped = Columns::map_header(
            header,
            &self.schema,
            self.ignore_unknown,
            require,
            &self.mapped,
        );
        let columns = mapped.columns;
        let mut problems = mapped.problems;
        let mut readable = mapped.rows_readable;
        // Said once, here, rather than left silent in every row.
        let ignored: Vec<&str> = match self.mode {
            Mode::Update {
                set_passwords: false,
                ..
            } => columns
                .kinds
                .iter()
                .zip(&columns.names)
                .filter(|(kind, _)| kind.is_credential())
                .map(|(_, name)| name.as_str())
                .collect(),
            _ => Vec::new(),
        };
        let note = (!ignored.is_empty()).then(|| {
            Problem::file(format!(
                "note: {} {} ignored: users update sets no password or recovery question unless --set-passwords is given",
                if ignored.len() == 1 { "column" } else { "columns" },
                ignored.join(", ")
            ))
        });
        if let Mode::Update { .. } = self.mode {
            let keyed = columns.index_of(&ColumnKind::UserId).is_some()
                || columns.profile_index("login").is_some();
            if !keyed {
                readable = false;
                problems.push(Problem::at(
                    1,
                    None,
                    None,
                    "users update needs an id or a login column to name each user",
                ));
            }
        }
        if !readable {
            return Err(problems);
        }
        let mut validator = Validator::new(
            columns,
            self.schema.clone(),
            self.groups.clone(),
            self.create_missing,
        )
        .with_mode(self.mode);
        validator.warnings.extend(note);
        self.validator = Some(validator);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    fn rows_readable(&self) -> bool {
        self.validator.is_some()
    }

    fn check(&mut self, raw: &RawRow) -> Result<RowOp, Vec<Problem>> {
        let Some(validator) = self.validator.as_mut() else {
            return Err(vec![Problem::file("the header was not read")]);
        };
        match self.mode {
            Mode::Create => {
                let row = validator.check(raw)?;
                for g in &row.groups {
                    if let GroupTarget::Create(name) = g {
                        let known = self
                            .groups_to_create
                            .iter()
                            .any(|n| n.to_lowercase() == name.to_lowercase());
                        if !known {
                            self.groups_to_create.insert(name.clone());
                        }
                    }
                }
                Ok(RowOp::Create(Box::new(row)))
            }
            Mode::Update { .. } => validator
                .check_update(raw)
                .map(|r| RowOp::Update(Box::new(r))),
        }
    }

    fn label(&self, raw: &RawRow) -> String {
        self.validator
            .as_ref()
            .map(|v| v.label(raw))
            .unwrap_or_default()
    }

    fn warnings(&mut self) -> Vec<Problem> {
        self.validator
            .as_mut()
            .map(|v| std::mem::take(&mut v.warnings))
            .unwrap_or_default()
    }
}

/// Splits a group cell at `;`, keeping `\;` as a `;` of the name; trims each part and drops
/// empty ones.
/// One group's name as a cell names it: `\;` is a `;` of the name, as in group lists.
pub fn group_name(value: &str) -> String {
    value.replace("\\;", ";")
}

pub fn group_parts(value: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&';') => {
                current.push(';');
                chars.next();
            }
            ';' => parts.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    parts.push(current);
    parts
        .into_iter()
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

fn cell<'a>(cells: &[(&ColumnKind, &str, &'a str)], kind: &ColumnKind) -> Option<&'a str> {
    cells
        .iter()
        .find(|(k, _, _)| *k == kind)
        .map(|(_, _, v)| *v)
}

/// The file's name for the column of `kind`, or the documented name when the file lacks it.
fn column_name<'a>(cells: &[(&ColumnKind, &'a str, &str)], kind: &ColumnKind) -> &'a str {
    cells
        .iter()
        .find(|(k, _, _)| *k == kind)
        .map(|(_, n, _)| *n)
        .or_else(|| kind.canonical_name())
        .unwrap_or("(unnamed)")
}

/// Credentials from the password, hash, hook, recovery and provider columns.
fn credentials(
    line: u64,
    cells: &[(&ColumnKind, &str, &str)],
    problems: &mut Vec<Problem>,
) -> Option<UserCredentials> {
    let get = |kind: ColumnKind| cell(cells, &kind).filter(|v| !v.is_empty());
    let mut bad = |kind: ColumnKind, shown: Option<&str>, reason: &str| {
        problems.push(Problem::at(
            line,
            Some(column_name(cells, &kind)),
            shown,
            reason,
        ));
    };
    let password = password_credential(cells, &get, &mut bad);
    let recovery_question = recovery_question(&get, &mut bad);
    let provider = provider(&get, &mut bad);
    if password.is_none() && recovery_question.is_none() && provider.is_none() {
        return None;
    }
    Some(UserCredentials {
        password,
        recovery_question,
        emails: None,
        provider,
    })
}

/// A problem with a column: its kind, the value to show (never a secret's), the reason.
type Bad<'a> = dyn FnMut(ColumnKind, Option<&str>, &str) + 'a;

/// The password: a value, a hash (its columns), or the password hook; one of them at most.
fn password_credential<'c>(
    cells: &[(&ColumnKind, &str, &'c str)],
    get: &impl Fn(ColumnKind) -> Option<&'c str>,
    bad: &mut Bad<'_>,
) -> Option<PasswordCredential> {
    let password = get(ColumnKind::Password);
    let hashed = cells.iter().any(|(k, _, v)| k.is_hash() && !v.is_empty());
    let hook = get(ColumnKind::PasswordHook);
    let given = [password.is_some(), hashed, hook.is_some()]
        .iter()
        .filter(|g| **g)
        .count();
    if given > 1 {
        bad(
            ColumnKind::Password,
            None,
            "give only one of a password, a password hash and the password hook",
        );
    }
    if password.is_some_and(|p| p.chars().count() > PASSWORD_MAX_CHARS) {
        bad(
            ColumnKind::Password,
            None,
            &format!("passwords are at most {PASSWORD_MAX_CHARS} characters"),
        );
    }
    let hash = hashed.then(|| password_hash(cells, bad)).flatten();
    if let Some(h) =
        hook.filter(|h| !h.eq_ignore_ascii_case("default") && !h.eq_ignore_ascii_case("true"))
    {
        bad(
            ColumnKind::PasswordHook,
            Some(h),
            "the password hook column takes \"default\" (or true)",
        );
    }
    (password.is_some() || hash.is_some() || hook.is_some()).then(|| PasswordCredential {
        value: password.map(Secret::new),
        hash,
        hook: hook.map(|_| PasswordHook {
            kind: "default".into(),
        }),
    })
}

/// The recovery question and its answer, both or neither.
fn recovery_question<'c>(
    get: &impl Fn(ColumnKind) -> Option<&'c str>,
    bad: &mut Bad<'_>,
) -> Option<RecoveryQuestion> {
    match (
        get(ColumnKind::RecoveryQuestion),
        get(ColumnKind::RecoveryAnswer),
    ) {
        (None, None) => None,
        (Some(q), Some(a)) => {
            if q.chars().count() > RECOVERY_MAX_CHARS {
                bad(
                    ColumnKind::RecoveryQuestion,
                    Some(q),
                    &format!("at most {RECOVERY_MAX_CHARS} characters"),
                );
            }
            if a.chars().count() > RECOVERY_MAX_CHARS {
                bad(
                    ColumnKind::RecoveryAnswer,
                    None,
                    &format!("at most {RECOVERY_MAX_CHARS} characters"),
                );
            }
            // Okta's default policy, kept once in okta-model for the emulator too.
            if a.chars().count() < RECOVERY_ANSWER_MIN_CHARS {
                bad(
                    ColumnKind::RecoveryAnswer,
                    None,
                    &format!(
                        "at least {RECOVERY_ANSWER_MIN_CHARS} characters (Okta's default password policy)"
                    ),
                );
            }
            Some(RecoveryQuestion {
                question: q.to_owned(),
                answer: Some(Secret::new(a)),
            })
        }
        (Some(_), None) => {
            bad(
                ColumnKind::RecoveryAnswer,
                None,
                "a recovery question needs an answer",
            );
            None
        }
        (None, Some(_)) => {
            bad(
                ColumnKind::RecoveryQuestion,
                None,
                "a recovery answer needs a question",
            );
            None
        }
    }
}

/// The authentication provider, one of Okta's kinds.
fn provider<'c>(
    get: &impl Fn(ColumnKind) -> Option<&'c str>,
    bad: &mut Bad<'_>,
) -> Option<AuthProvider> {
    let provider = get(ColumnKind::ProviderType).map(|kind| AuthProvider {
        kind: kind.to_ascii_uppercase(),
        name: get(ColumnKind::ProviderName).map(str::to_owned),
    })?;
    const KINDS: [&str; 6] = [
        "OKTA",
        "ACTIVE_DIRECTORY",
        "FEDERATION",
        "IMPORT",
        "LDAP",
        "SOCIAL",
    ];
    if !KINDS.contains(&provider.kind.as_str()) {
        bad(
            ColumnKind::ProviderType,
            Some(&provider.kind),
            "one of OKTA, ACTIVE_DIRECTORY, FEDERATION, IMPORT, LDAP, SOCIAL",
        );
    }
    Some(provider)
}

fn password_hash(cells: &[(&ColumnKind, &str, &str)], bad: &mut Bad<'_>) -> Option<PasswordHash> {
    let get = |kind: ColumnKind| cell(cells, &kind).filter(|v| !v.is_empty());
    let number =
        |kind: ColumnKind, bad: &mut dyn FnMut(ColumnKind, Option<&str>, &str)| -> Option<u32> {
            let raw = get(kind.clone())?;
            match raw.parse() {
                Ok(n) => Some(n),
                Err(_) => {
                    bad(kind, Some(raw), "expected a whole number");
                    None
                }
            }
        };
    let Some(algorithm) = get(ColumnKind::HashAlgorithm).map(str::to_ascii_uppercase) else {
        bad(
            ColumnKind::HashAlgorithm,
            None,
            "a password hash needs hashAlgorithm (BCRYPT, SHA-512, SHA-256, SHA-1, MD5 or PBKDF2)",
        );
        return None;
    };
    let Some(value) = get(ColumnKind::HashValue) else {
        bad(
            ColumnKind::HashValue,
            None,
            "a password hash needs hashValue",
        );
        return None;
    };
    if let Some((version, cost)) = modular_bcrypt(value) {
        bad(
            ColumnKind::HashValue,
            None,
            &format!(
                "holds a whole bcrypt string (${version}$, cost {cost}, then the salt and the hash), which already carries the cost and the salt: Okta takes them apart, so write hashAlgorithm BCRYPT, hashWorkFactor {cost}, hashSalt the 22 characters after \"${cost}$\", and hashValue only the last 31 characters"
            ),
        );
        return None;
    }
    let salt = get(ColumnKind::HashSalt);
    let salt_order = get(ColumnKind::HashSaltOrder).map(str::to_ascii_uppercase);
    let work_factor = number(ColumnKind::HashWorkFactor, bad);
    let iteration_count = number(ColumnKind::HashIterationCount, bad);
    let key_size = number(ColumnKind::HashKeySize, bad);
    let digest_algorithm = get(ColumnKind::HashDigestAlgorithm).map(str::to_ascii_uppercase);
    let hash = PasswordHash {
        algorithm,
        value: Secret::new(value),
        salt: salt.map(str::to_owned),
        salt_order,
        work_factor,
        iteration_count,
        key_size,
        digest_algorithm,
    };
    let problems = hash.problems();
    for (field, reason) in &problems {
        let column = match field {
            HashField::Algorithm => ColumnKind::HashAlgorithm,
            HashField::Value => ColumnKind::HashValue,
            HashField::Salt => ColumnKind::HashSalt,
            HashField::SaltOrder => ColumnKind::HashSaltOrder,
            HashField::WorkFactor => ColumnKind::HashWorkFactor,
            HashField::IterationCount => ColumnKind::HashIterationCount,
            HashField::KeySize => ColumnKind::HashKeySize,
            HashField::DigestAlgorithm => ColumnKind::HashDigestAlgorithm,
        };
        // The algorithm's own value may be shown; a salt or hash value is not.
        let shown = match field {
            HashField::Algorithm => Some(hash.algorithm.as_str()),
            HashField::SaltOrder => hash.salt_order.as_deref(),
            HashField::DigestAlgorithm => hash.digest_algorithm.as_deref(),
            _ => None,
        };
        bad(column, shown, reason);
    }
    problems.is_empty().then_some(hash)
}

/// A bcrypt hash in modular crypt form, `$2y$10$` then a 22-character salt and a 31-character
/// hash (radix-64, `./A-Za-z0-9`): its version and its cost. Okta's BCRYPT import takes the
/// three parts in their own fields; oktabulk does not split the string itself, as it reads a
/// secret exactly as given and Okta does not say which bcrypt versions (`2a`, `2b`, `2x`, `2y`
/// hash some passwords differently) it verifies.
fn modular_bcrypt(value: &str) -> Option<(&str, &str)> {
    let rest = value.strip_prefix('$')?;
    let (version, rest) = rest.split_once('$')?;
    let (cost, rest) = rest.split_once('$')?;
    let radix64 = |c: char| c == '.' || c == '/' || c.is_ascii_alphanumeric();
    let is_version = matches!(version, "2" | "2a" | "2b" | "2x" | "2y");
    let is_cost = cost.len() == 2 && cost.bytes().all(|b| b.is_ascii_digit());
    (is_version && is_cost && rest.len() == 53 && rest.chars().all(radix64))
        .then_some((version, cost))
}

/// A cell of an input file that reads as a spreadsheet formula: `=...` (or its full-width
/// `＝`), or `+ - @` (or their full-width forms) followed by a function's name and `(`, or by
/// a program's name and `|` (DDE, `+cmd|' /C calc'!A0`). A phone number (`+1 555 0100`) is not
/// one. The same text behind oktabulk's `'` (see `csv_cell`) is data, not a formula.
pub fn is_formula(value: &str) -> bool {
    let mut chars = value.chars();
    match chars.next() {
        Some('=' | '\u{FF1D}') => true,
        Some('+' | '-' | '@' | '\u{FF0B}' | '\u{FF0D}' | '\u{FF20}') => {
            let rest = chars.as_str();
            let name_len = rest.chars().take_while(|c| c.is_ascii_alphabetic()).count();
            name_len > 0 && rest[name_len..].starts_with(['(', '|'])
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_spotted_but_phone_numbers_are_not() {
        for f in [
            "=1+1",
            "@SUM(A1)",
            "+cmd(x)",
            "-HYPERLINK(\"x\")",
            "+cmd|' /C calc'!A0",
            "\u{FF1D}1+1",
            "\u{FF0B}cmd|' /C calc'!A0",
        ] {
            assert!(is_formula(f), "{f}");
        }
        for ok in ["+1 555 0100", "-", "O'Brien", "a=b", "@home"] {
            assert!(!is_formula(ok), "{ok}");
        }
    }
}
