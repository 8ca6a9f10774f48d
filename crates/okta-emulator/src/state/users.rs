//! Users: create with Okta's activation table, lookups by id, login or short name, list with
//! `search`, `filter` and `q`, partial and full updates, the lifecycle operations and delete.

use crate::error::ApiError;
use crate::state::ids::new_id;
use crate::state::org::{Change, ListQuery, Org, Page};
use crate::state::profile::check_password;
use crate::state::search::{compare, AttrValue, Expr, Literal, Op};
use chrono::Utc;
use okta_model::login::login_key;
use okta_model::rules::{RECOVERY_ANSWER_MIN_CHARS, RECOVERY_MAX_CHARS};
use okta_model::{
    ActivationToken, AuthProvider, CreateUserRequest, Group, PasswordCredential, RecoveryQuestion,
    User, UserCredentials, UserProfile, UserStatus,
};

/// The query parameters of `POST /api/v1/users`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CreateOptions {
    pub activate: bool,
    pub expire_password: bool,
}

/// The lifecycle operations under `/api/v1/users/{id}/lifecycle/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    Activate {
        send_email: bool,
    },
    Reactivate {
        send_email: bool,
    },
    Deactivate,
    Suspend,
    Unsuspend,
    Unlock,
    ExpirePassword,
    /// Expire the password and set a temporary one (answered with the temporary password only).
    ExpirePasswordWithTemp,
    /// Start a password reset: the user goes to RECOVERY (answered with a reset link).
    ResetPassword,
}

const FILTER_ATTRS: [&str; 7] = [
    "status",
    "lastUpdated",
    "id",
    "profile.login",
    "profile.email",
    "profile.firstName",
    "profile.lastName",
];
const CONTAINS_ATTRS: [&str; 4] = [
    "profile.firstName",
    "profile.lastName",
    "profile.email",
    "profile.login",
];
const SEARCH_TOP_LEVEL: [&str; 7] = [
    "id",
    "status",
    "created",
    "activated",
    "statusChanged",
    "lastUpdated",
    "type.id",
];

impl Org {
    pub fn create_user(
        &mut self,
        req: CreateUserRequest,
        opts: CreateOptions,
    ) -> Result<User, ApiError> {
        if req.group_ids.len() > okta_model::rules::GROUP_IDS_AT_CREATION {
            return Err(ApiError::TargetCountExceeded);
        }
        self.rules.validate(&req.profile)?;
        let login = req.profile.login().unwrap_or_default().to_owned();
        if self.logins.contains_key(&login_key(&login)) {
            return Err(duplicate_login());
        }
        let credentials = req.credentials.unwrap_or_default();
        let has_password = check_credentials(&credentials, &login)?;
        if opts.expire_password {
            if !opts.activate {
                return Err(ApiError::ExpireNeedsActivate);
            }
            if !has_password {
                return Err(ApiError::ExpireNeedsPassword);
            }
        }
        let groups = req
            .group_ids
            .iter()
            .map(|id| self.assignable_group(id.as_str()))
            .collect::<Result<Vec<u64>, ApiError>>()?;
        let provider_kind = credentials.provider.as_ref().map(|p| p.kind.as_str());
        let passwordless_provider = matches!(provider_kind, Some("FEDERATION" | "SOCIAL"));
        let status = match (opts.activate, has_password || passwordless_provider) {
            (false, _) => UserStatus::Staged,
            (true, true) if opts.expire_password => UserStatus::PasswordExpired,
            (true, true) => UserStatus::Active,
            (true, false) => UserStatus::Provisioned,
        };
        let now = Utc::now();
        let imported = credentials
            .password
            .as_ref()
            .is_some_and(|p| p.hash.is_some());
        let provider = match (credentials.provider, imported) {
            (Some(p), _) => AuthProvider {
                name: p.name.or_else(|| Some(p.kind.clone())),
                kind: p.kind,
            },
            (None, true) => AuthProvider {
                kind: "IMPORT".into(),
                name: Some("IMPORT".into()),
            },
            (None, false) => AuthProvider::okta(),
        };
        let user = User {
            id: new_id("00u").into(),
            status,
            transitioning_to_status: None,
            created: now,
            activated: (status != UserStatus::Staged).then_some(now),
            // Okta (2025) stamps a STAGED user created with a password too.
            status_changed: (status != UserStatus::Staged || has_password).then_some(now),
            last_login: None,
            last_updated: now,
            password_changed: has_password.then_some(now),
            user_type: self.known_type(req.user_type)?,
            profile: req.profile,
            credentials: UserCredentials {
                password: has_password.then(PasswordCredential::default),
                recovery_question: credentials.recovery_question.map(|q| RecoveryQuestion {
                    question: q.question,
                    answer: None,
                }),
                emails: None,
                provider: Some(provider),
            },
            links: Default::default(),
        };
        let seq = self.next_seq();
        self.index_user(seq, user.clone());
        self.record(Change::User(seq));
        for group in groups {
            self.add_membership(group, seq);
        }
        self.run_rules_for(seq);
        Ok(user)
    }

    /// A user by id, by login (any case or diacritics) or by unambiguous short name.
    pub fn find_user(&self, key: &str) -> Result<&User, ApiError> {
        self.user_seq(key)
            .and_then(|seq| self.users.get(&seq))
            .ok_or_else(|| ApiError::user_not_found(key))
    }

    pub(super) fn user_seq(&self, key: &str) -> Option<u64> {
        // A login with `/` cannot be a path segment: Okta answers 404 for `.../users/a%2Fb` even
        // when a user has that login (look such a user up with `search` instead).
        if key.contains('/') {
            return None;
        }
        if let Some(seq) = self.user_seqs.get(key) {
            return Some(*seq);
        }
        let login = login_key(key);
        if let Some(seq) = self.logins.get(&login) {
            return Some(*seq);
        }
        if key.contains('@') {
            return None;
        }
        match self.shortnames.get(&login).map(Vec::as_slice) {
            Some([only]) => Some(*only),
            _ => None,
        }
    }

    pub fn list_users(&self, query: &ListQuery) -> Result<Page<User>, ApiError> {
        if let Some(q) = &query.q {
            let q = q.to_lowercase();
            let starts = |v: Option<&str>| v.is_some_and(|v| v.to_lowercase().starts_with(&q));
            let items = self
                .users
                .values()
                .filter(|u| u.status != UserStatus::Deprovisioned)
                .filter(|u| {
                    starts(u.profile.str("firstName"))
                        || starts(u.profile.str("lastName"))
                        || starts(u.profile.email())
                })
                .take(query.limit.unwrap_or(10).min(200))
                .cloned()
                .collect();
            return Ok(Page { items, next: None });
        }
        let expr = match (&query.search, &query.filter) {
            (Some(search), _) => Some(parse_search(search)?),
            (None, Some(filter)) => Some(parse_filter(filter)?),
            (None, None) => None,
        };
        let visible = |u: &User| query.visible_before.is_none_or(|t| u.last_updated < t);
        let limit = query.limit.unwrap_or(200).clamp(1, 200);
        // An `or` of exact ASCII logins is answered from the login index: the users a scan
        // would match, and only those. A user matches an ASCII login when its own login is the
        // same up to case (its lower case is that ASCII text), so its `login_key`, the index's
        // key, is the query's; each found user is then checked with the scan's own comparison.
        // A non-ASCII login (where Unicode case and the key's folding of diacritics part ways)
        // and a cursor are left to the scan.
        let exact = expr.as_ref().and_then(Expr::exact_logins).filter(|logins| {
            logins.len() <= limit
                && logins.iter().all(|l| l.is_ascii())
                && query.sort_by.is_none()
                && query.after.is_none()
        });
        if let Some(logins) = exact {
            let mut seqs: Vec<u64> = logins
                .iter()
                .filter_map(|login| {
                    let seq = self.logins.get(&login_key(login))?;
                    let user = self.users.get(seq)?;
                    // The term that found it decides, as in the scan: a user that matches
                    // another term is found by that term's key too.
                    let same = user_attr(user, "profile.login").is_some_and(|value| {
                        compare(&value, Op::Eq, &Literal::Str((*login).to_owned()))
                    });
                    (same && visible(user)).then_some(*seq)
                })
                .collect();
            // In the order a scan gives, each user once.
            seqs.sort_unstable();
            seqs.dedup();
            let items = seqs
                .iter()
                .filter_map(|seq| self.users.get(seq))
                .cloned()
                .collect();
            return Ok(Page { items, next: None });
        }
        if let (Some(sort_by), Some(expr)) = (&query.sort_by, &expr) {
            return self.sorted_search(
                expr,
                sort_by,
                query.descending,
                query.after.as_deref(),
                limit,
                query.visible_before,
            );
        }
        let start = match &query.after {
            Some(after) => {
                *self
                    .user_seqs
                    .get(after.as_str())
                    .ok_or(ApiError::InvalidPaging)?
                    + 1
            }
            None => 0,
        };
        let mut matching = self
            .users
            .range(start..)
            .map(|(_, u)| u)
            .filter(|u| match &expr {
                Some(e) => visible(u) && e.matches(&|attr| user_attr(u, attr)),
                None => u.status != UserStatus::Deprovisioned,
            });
        let items: Vec<User> = matching.by_ref().take(limit).cloned().collect();
        let next = match (items.last(), matching.next()) {
            (Some(last), Some(_)) => Some(last.id.0.clone()),
            _ => None,
        };
        Ok(Page { items, next })
    }

    /// A search sorted by one attribute (ties by id), paged by the last id of the page before.
    fn sorted_search(
        &self,
        expr: &Expr,
        sort_by: &str,
        descending: bool,
        after: Option<&str>,
        limit: usize,
        visible_before: Option<okta_model::time::Timestamp>,
    ) -> Result<Page<User>, ApiError> {
        let key = |u: &User| -> String {
            match user_attr(u, sort_by) {
                Some(AttrValue::Str(s)) => s.to_lowercase(),
                Some(other) => format!("{other:?}"),
                None => String::new(),
            }
        };
        let mut matching: Vec<&User> = self
            .users
            .values()
            .filter(|u| visible_before.is_none_or(|t| u.last_updated < t))
            .filter(|u| expr.matches(&|attr| user_attr(u, attr)))
            .collect();
        matching.sort_by(|a, b| key(a).cmp(&key(b)).then_with(|| a.id.0.cmp(&b.id.0)));
        if descending {
            matching.reverse();
        }
        let start = match after {
            Some(after) => {
                matching
                    .iter()
                    .position(|u| u.id.0 == after)
                    .ok_or(ApiError::InvalidPaging)?
                    + 1
            }
            None => 0,
        };
        let items: Vec<User> = matching
            .iter()
            .skip(start)
            .take(limit)
            .map(|u| (*u).clone())
            .collect();
        let next = (start + items.len() < matching.len())
            .then(|| items.last().map(|u| u.id.0.clone()))
            .flatten();
        Ok(Page { items, next })
    }

    /// `POST` (partial) or `PUT` (replace) `/api/v1/users/{id}`.
    pub fn update_user(
        &mut self,
        key: &str,
        req: CreateUserRequest,
        replace: bool,
    ) -> Result<User, ApiError> {
        let seq = self
            .user_seq(key)
            .ok_or_else(|| ApiError::user_not_found(key))?;
        let current = self.users[&seq].clone();
        if current.status == UserStatus::Deprovisioned {
            return Err(ApiError::WrongUserStatus);
        }
        let mut profile = if replace {
            UserProfile::default()
        } else {
            current.profile.clone()
        };
        for (name, value) in req.profile.0 {
            profile.0.insert(name, value);
        }
        profile.0.retain(|_, v| !v.is_null());
        self.rules.validate(&profile)?;
        let login = profile.login().unwrap_or_default().to_owned();
        if self
            .logins
            .get(&login_key(&login))
            .is_some_and(|other| *other != seq)
        {
            return Err(duplicate_login());
        }
        let mut user = current;
        if let Some(t) = req.user_type {
            let t = self.known_type(Some(t))?;
            if !replace && t != user.user_type {
                return Err(ApiError::validation(
                    "type",
                    "type: The user type can only be changed with a full replace (PUT)",
                ));
            }
            user.user_type = t;
        }
        let now = Utc::now();
        if let Some(creds) = req.credentials {
            if let Some(password) = &creds.password {
                if password.hash.is_some() && user.status != UserStatus::Staged {
                    return Err(ApiError::validation(
                        "password",
                        "password: A hashed password can only be set on a STAGED user",
                    ));
                }
            }
            if check_credentials(&creds, &login)? {
                user.credentials.password = Some(PasswordCredential::default());
                user.password_changed = Some(now);
            }
            if let Some(q) = creds.recovery_question {
                user.credentials.recovery_question = Some(RecoveryQuestion {
                    question: q.question,
                    answer: None,
                });
            }
        }
        user.profile = profile;
        user.last_updated = now;
        self.index_user(seq, user.clone());
        self.record(Change::User(seq));
        self.run_rules_for(seq);
        Ok(user)
    }

    /// Runs a lifecycle operation. Activate and reactivate answer an activation token; expire
    /// password answers the user; the others answer nothing.
    pub fn lifecycle(&mut self, key: &str, op: Lifecycle) -> Result<LifecycleOutcome, ApiError> {
        use UserStatus::*;
        let seq = self
            .user_seq(key)
            .ok_or_else(|| ApiError::user_not_found(key))?;
        let user = &self.users[&seq];
        let has_password = user.credentials.password.is_some();
        let next = match (op, user.status) {
            (Lifecycle::Activate { .. }, Active) => return Err(ApiError::AlreadyActive),
            (Lifecycle::Activate { .. }, Staged | Deprovisioned) if has_password => Active,
            (Lifecycle::Activate { .. }, Staged | Deprovisioned) => Provisioned,
            (Lifecycle::Reactivate { .. }, Provisioned | Recovery) => user.status,
            (Lifecycle::Deactivate, s) if s != Deprovisioned => Deprovisioned,
            (Lifecycle::Suspend, Active) => Suspended,
            (Lifecycle::Suspend, _) => return Err(status_precondition("suspend")),
            (Lifecycle::Unsuspend, Suspended) => Active,
            (Lifecycle::Unsuspend, _) => return Err(status_precondition("unsuspend")),
            (Lifecycle::Unlock, LockedOut) => Active,
            (Lifecycle::Unlock, _) => return Err(ApiError::NotLockedOut),
            (Lifecycle::ExpirePassword, Active | PasswordExpired) => PasswordExpired,
            (Lifecycle::ExpirePasswordWithTemp, Active | PasswordExpired) => PasswordExpired,
            (Lifecycle::ResetPassword, Active | PasswordExpired | Recovery | LockedOut) => Recovery,
            _ => return Err(ApiError::WrongUserStatus),
        };
        let reactivated = self.users[&seq].status == Deprovisioned && next != Deprovisioned;
        let user = self.set_status(seq, next);
        if reactivated {
            self.run_rules_for(seq);
        }
        Ok(match op {
            Lifecycle::Activate { send_email } | Lifecycle::Reactivate { send_email } => {
                LifecycleOutcome::Token(self.activation(send_email))
            }
            Lifecycle::ExpirePassword | Lifecycle::ExpirePasswordWithTemp => {
                LifecycleOutcome::User(Box::new(user))
            }
            Lifecycle::ResetPassword => LifecycleOutcome::ResetUrl(format!(
                "{}/reset_password/{}",
                self.base_url,
                new_id("drp")
            )),
            _ => LifecycleOutcome::Empty,
        })
    }

    /// `POST /api/v1/users/{id}/credentials/change_password`: a new password under the policy.
    /// The emulator keeps no password, so the old one is not checked (README).
    pub fn change_password(&mut self, key: &str, new_password: &str) -> Result<User, ApiError> {
        let seq = self
            .user_seq(key)
            .ok_or_else(|| ApiError::user_not_found(key))?;
        let user = &self.users[&seq];
        if !matches!(
            user.status,
            UserStatus::Active
                | UserStatus::PasswordExpired
                | UserStatus::Staged
                | UserStatus::Recovery
        ) || user.credentials.password.is_none()
        {
            return Err(ApiError::WrongUserStatus);
        }
        check_password(new_password, user.profile.login().unwrap_or_default())?;
        let user = self.users.get_mut(&seq).expect("looked up above");
        let now = Utc::now();
        user.password_changed = Some(now);
        user.last_updated = now;
        if user.status == UserStatus::PasswordExpired {
            user.status = UserStatus::Active;
            user.status_changed = Some(now);
        }
        let user = user.clone();
        self.record(Change::User(seq));
        Ok(user)
    }

    /// `POST /api/v1/users/{id}/credentials/change_recovery_question`.
    pub fn change_recovery_question(
        &mut self,
        key: &str,
        question: RecoveryQuestion,
    ) -> Result<User, ApiError> {
        let seq = self
            .user_seq(key)
            .ok_or_else(|| ApiError::user_not_found(key))?;
        check_credentials(
            &UserCredentials {
                recovery_question: Some(question.clone()),
                ..UserCredentials::default()
            },
            "",
        )?;
        let user = self.users.get_mut(&seq).expect("looked up above");
        user.credentials.recovery_question = Some(RecoveryQuestion {
            question: question.question,
            answer: None,
        });
        user.last_updated = Utc::now();
        let user = user.clone();
        self.record(Change::User(seq));
        Ok(user)
    }

    /// `POST /api/v1/users/{id}/credentials/forgot_password`: a one-time reset link for a user
    /// who signs in with a password (`None` when Okta emails it instead). The status is kept until
    /// the link is used, which happens outside the API.
    pub fn forgot_password(&self, key: &str, send_email: bool) -> Result<Option<String>, ApiError> {
        let user = self.find_user(key)?;
        let signs_in = matches!(
            user.status,
            UserStatus::Active | UserStatus::PasswordExpired | UserStatus::Recovery
        );
        if !signs_in || user.credentials.password.is_none() {
            return Err(ApiError::WrongUserStatus);
        }
        Ok((!send_email)
            .then(|| format!("{}/signin/reset-password/{}", self.base_url, new_id("dfp"))))
    }

    /// `POST /api/v1/users/{id}/credentials/forgot_password_recovery_question`: a new password
    /// for a user with a recovery question. The emulator keeps no answer, so any answer is taken
    /// (README); the new password meets the policy.
    pub fn forgot_password_with_answer(
        &mut self,
        key: &str,
        new_password: &str,
    ) -> Result<User, ApiError> {
        let user = self.find_user(key)?;
        if user.credentials.recovery_question.is_none() {
            return Err(ApiError::WrongUserStatus);
        }
        self.change_password(key, new_password)
    }

    fn activation(&self, send_email: bool) -> ActivationToken {
        if send_email {
            return ActivationToken::default();
        }
        let token = new_id("");
        ActivationToken {
            activation_url: Some(format!("{}/tokens/{token}/verify", self.base_url)),
            activation_token: Some(token),
        }
    }

    fn set_status(&mut self, seq: u64, status: UserStatus) -> User {
        let user = self.users.get_mut(&seq).expect("caller looked the user up");
        let now = Utc::now();
        if user.status != status {
            user.status = status;
            user.status_changed = Some(now);
            if status == UserStatus::Active && user.activated.is_none() {
                user.activated = Some(now);
            }
        }
        user.last_updated = now;
        let user = user.clone();
        self.record(Change::User(seq));
        user
    }

    /// `DELETE /api/v1/users/{id}`: deactivates first, deletes on the second call.
    pub fn delete_user(&mut self, key: &str) -> Result<(), ApiError> {
        let seq = self
            .user_seq(key)
            .ok_or_else(|| ApiError::user_not_found(key))?;
        if self.users[&seq].status != UserStatus::Deprovisioned {
            self.set_status(seq, UserStatus::Deprovisioned);
            return Ok(());
        }
        self.remove_user(seq);
        Ok(())
    }

    /// Takes a user out of the org: its memberships, rules and roles too.
    pub(super) fn remove_user(&mut self, seq: u64) {
        for group in self.user_groups.remove(&seq).unwrap_or_default() {
            if let Some(members) = self.members.get_mut(&group) {
                members.remove(&seq);
            }
        }
        self.forget_in_apps(Some(seq), None);
        if let Some(gone) = self.unindex_user(seq) {
            self.forget_user_in_rules(seq, gone.id.as_str());
            self.forget_in_roles(&crate::state::roles::Assignee::User(gone.id.0));
        }
        self.record(Change::UserDeleted(seq));
    }

    /// `GET /api/v1/users/{id}/groups`: `Everyone` first, then the user's groups.
    pub fn groups_of_user(&self, key: &str) -> Result<Vec<Group>, ApiError> {
        let seq = self
            .user_seq(key)
            .ok_or_else(|| ApiError::user_not_found(key))?;
        let direct = self.user_groups.get(&seq).into_iter().flatten();
        Ok(std::iter::once(&self.everyone)
            .chain(direct)
            .filter_map(|g| self.groups.get(g))
            .cloned()
            .collect())
    }
}

/// What a lifecycle call answers.
#[derive(Debug, Clone, PartialEq)]
pub enum LifecycleOutcome {
    Empty,
    Token(ActivationToken),
    User(Box<User>),
    /// A password reset's link.
    ResetUrl(String),
}

fn duplicate_login() -> ApiError {
    ApiError::validation("login", okta_model::rules::duplicate_cause("login"))
}

fn status_precondition(op: &str) -> ApiError {
    ApiError::validation(
        "status",
        format!("status: Cannot {op} a user in its current status"),
    )
}

/// Checks the credentials of a create or update; answers whether they set a password.
fn check_credentials(creds: &UserCredentials, login: &str) -> Result<bool, ApiError> {
    if let Some(q) = &creds.recovery_question {
        let answer_len = q.answer.as_ref().map_or(0, |a| a.expose().chars().count());
        let max = 1..=RECOVERY_MAX_CHARS;
        if !max.contains(&q.question.chars().count()) || !max.contains(&answer_len) {
            return Err(ApiError::validation(
                "recovery_question",
                format!("recovery_question: The question and the answer must each be 1 to {RECOVERY_MAX_CHARS} characters"),
            ));
        }
        if answer_len < RECOVERY_ANSWER_MIN_CHARS {
            return Err(ApiError::validation(
                "credentials.recovery_question.answer",
                format!("credentials.recovery_question.answer: The recovery question answer must be at least {RECOVERY_ANSWER_MIN_CHARS} characters long"),
            ));
        }
    }
    let Some(password) = &creds.password else {
        return Ok(false);
    };
    let given = [
        password.value.is_some(),
        password.hash.is_some(),
        password.hook.is_some(),
    ];
    if given.iter().filter(|g| **g).count() > 1 {
        return Err(ApiError::validation(
            "password",
            "password: Only one of value, hash and hook may be given",
        ));
    }
    if let Some(value) = &password.value {
        check_password(value.expose(), login)?;
    }
    if let Some(hash) = &password.hash {
        check_hash(hash)?;
    }
    if let Some(hook) = &password.hook {
        if hook.kind != "default" {
            return Err(ApiError::validation(
                "password",
                "password: The password hook type must be 'default'",
            ));
        }
    }
    Ok(given.iter().any(|g| *g))
}

/// Okta's rules for an imported hash (okta-model's, shared with oktabulk's preflight).
fn check_hash(hash: &okta_model::PasswordHash) -> Result<(), ApiError> {
    match hash.problems().first() {
        Some((_, reason)) => Err(ApiError::validation(
            "password",
            format!("password: {reason}"),
        )),
        None => Ok(()),
    }
}

fn parse_search(search: &str) -> Result<Expr, ApiError> {
    let expr = Expr::parse(search)?;
    expr.visit(&mut |attr, op| {
        let known = SEARCH_TOP_LEVEL.contains(&attr) || attr.starts_with("profile.");
        let co_ok = op != Some(Op::Co) || CONTAINS_ATTRS.contains(&attr);
        if known && co_ok {
            Ok(())
        } else {
            Err(ApiError::InvalidSearch)
        }
    })?;
    Ok(expr)
}

fn parse_filter(filter: &str) -> Result<Expr, ApiError> {
    let expr = Expr::parse(filter)?;
    expr.visit(&mut |attr, op| {
        let op_ok = match op {
            Some(Op::Eq) => true,
            Some(Op::Gt | Op::Ge | Op::Lt | Op::Le) => attr == "lastUpdated",
            _ => false,
        };
        if FILTER_ATTRS.contains(&attr) && op_ok {
            Ok(())
        } else {
            Err(ApiError::InvalidSearch)
        }
    })?;
    Ok(expr)
}

fn user_attr<'a>(u: &'a User, attr: &str) -> Option<AttrValue<'a>> {
    let date = |t: &Option<okta_model::time::Timestamp>| {
        t.as_ref()
            .map(|t| AttrValue::Date(okta_model::time::format(t)))
    };
    match attr {
        "id" => Some(AttrValue::Str(u.id.as_str())),
        "status" => Some(AttrValue::Str(u.status.as_str())),
        "type.id" => Some(AttrValue::Str(&u.user_type.id)),
        "created" => date(&Some(u.created)),
        "lastUpdated" => date(&Some(u.last_updated)),
        "activated" => date(&u.activated),
        "statusChanged" => date(&u.status_changed),
        _ => {
            let name = attr.strip_prefix("profile.")?;
            match u.profile.0.get(name)? {
                serde_json::Value::String(s) => Some(AttrValue::Str(s)),
                serde_json::Value::Number(n) => n.as_f64().map(AttrValue::Num),
                serde_json::Value::Bool(b) => Some(AttrValue::Bool(*b)),
                serde_json::Value::Null => None,
                other => Some(AttrValue::Owned(other.to_string())),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// An org holding users with these logins (those it refuses, as duplicates or not emails,
    /// are left out).
    fn org_with(logins: &[String]) -> Org {
        let mut org = Org::new("http://127.0.0.1:1");
        for login in logins {
            let profile = serde_json::json!({
                "login": login,
                "email": "someone@example.com",
                "firstName": "Some",
                "lastName": "One",
            });
            let req = CreateUserRequest {
                profile: serde_json::from_value(profile).expect("a profile"),
                ..Default::default()
            };
            let opts = CreateOptions {
                activate: false,
                expire_password: false,
            };
            let _ = org.create_user(req, opts);
        }
        org
    }

    fn logins_found(org: &Org, filter: String) -> Vec<String> {
        let query = ListQuery {
            filter: Some(filter),
            ..ListQuery::default()
        };
        let page = org.list_users(&query).expect("a valid filter");
        assert_eq!(page.next, None);
        page.items
            .iter()
            .map(|u| u.profile.login().unwrap_or_default().to_owned())
            .collect()
    }

    /// Local parts from letters whose case and diacritics part ways in Unicode: accented
    /// letters, the Kelvin sign (lower case `k`), sigma and final sigma, dotted capital I.
    fn local() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            proptest::sample::select(vec![
                "a", "A", "e", "é", "É", "k", "K", "\u{212A}", "σ", "Σ", "ς", "i", "I", "İ", ".",
            ]),
            1..5,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        /// An `or` of exact logins answered from the login index finds the users a scan of the
        /// org finds with the same terms (the scan is made to run by a last term no user
        /// matches), whatever the case and accents of the logins asked for.
        #[test]
        fn the_login_index_answers_as_the_scan(
            stored in proptest::collection::vec(local(), 1..12),
            asked in proptest::collection::vec((local(), any::<bool>()), 1..8),
        ) {
            let stored: Vec<String> = stored.iter().map(|l| format!("{l}@x.io")).collect();
            let org = org_with(&stored);
            let terms: Vec<String> = asked
                .iter()
                .map(|(l, upper)| {
                    let login = format!("{l}@x.io");
                    let login = if *upper { login.to_uppercase() } else { login };
                    format!("profile.login eq \"{login}\"")
                })
                .collect();
            let filter = terms.join(" or ");
            let indexed = logins_found(&org, filter.clone());
            let scanned = logins_found(&org, format!("{filter} or id eq \"00unobody\""));
            prop_assert_eq!(indexed, scanned);
        }
    }

    #[test]
    fn the_index_finds_a_login_in_any_ascii_case() {
        let org = org_with(&["Ada.Lovelace@Example.com".to_owned()]);
        let found = logins_found(
            &org,
            r#"profile.login eq "nobody@example.com" or profile.login eq "ADA.lovelace@example.COM""#.to_owned(),
        );
        assert_eq!(found, ["Ada.Lovelace@Example.com"]);
    }
}
