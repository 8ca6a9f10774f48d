//! Durable state in SQLite. The org lives in memory; every change is written through to SQLite by
//! one writer thread that commits whatever has queued up in a single transaction (group commit)
//! and only then lets the waiting responses go, so an answered request survives `kill -9`.

use crate::error::ApiError;
use crate::state::org::{SchemaCustomization, Stored};
use crate::state::{Change, Org};
use okta_model::{Group, User};
use rusqlite::{params, Connection};
use std::path::Path;
use std::sync::mpsc;
use tokio::sync::oneshot;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("stored record {table}/{seq} is not valid JSON: {source}")]
    Corrupt {
        table: &'static str,
        seq: i64,
        source: serde_json::Error,
    },
    #[error("cannot start the store writer: {0}")]
    Thread(std::io::Error),
    #[error("stored schema is invalid: {0}")]
    Schema(ApiError),
}

/// One row-level write, serialized while the org lock is held so writes keep their order.
#[derive(Debug)]
enum Row {
    Reset,
    User(u64, String),
    UserDeleted(u64),
    Group(u64, String),
    GroupDeleted(u64),
    Member(u64, u64, bool),
    RuleUser(u64, u64, bool),
    RuleDeleted(u64),
    App(u64, String),
    AppDeleted(u64),
    /// (app, user, the kept assignment or `None` when gone).
    AppUser(u64, u64, Option<String>),
    /// An app's groups, in priority order.
    AppGroups(u64, String),
    /// A JSON document in the `meta` table, by key.
    Meta(&'static str, String),
}

#[derive(Debug)]
struct Batch {
    rows: Vec<Row>,
    done: oneshot::Sender<Result<(), String>>,
}

/// Where the org is kept: in memory only, or written through to SQLite by the writer thread.
#[derive(Debug)]
pub struct Store {
    writer: Option<mpsc::Sender<Batch>>,
}

/// Waits until a batch of changes is on disk.
#[derive(Debug)]
pub struct Durable(Option<oneshot::Receiver<Result<(), String>>>);

impl Durable {
    pub async fn wait(self) -> Result<(), ApiError> {
        match self.0 {
            None => Ok(()),
            Some(rx) => match rx.await {
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) => Err(ApiError::Internal(e)),
                Err(_) => Err(ApiError::Internal("store writer stopped".into())),
            },
        }
    }
}

const SCHEMA_SQL: &str = "
    CREATE TABLE IF NOT EXISTS users (seq INTEGER PRIMARY KEY, body TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS groups (seq INTEGER PRIMARY KEY, body TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS members (grp INTEGER NOT NULL, usr INTEGER NOT NULL,
                                        PRIMARY KEY (grp, usr)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS rule_users (rule INTEGER NOT NULL, usr INTEGER NOT NULL,
                                           PRIMARY KEY (rule, usr)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS apps (seq INTEGER PRIMARY KEY, body TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS app_users (app INTEGER NOT NULL, usr INTEGER NOT NULL,
                                          body TEXT NOT NULL, PRIMARY KEY (app, usr)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS app_groups (seq INTEGER PRIMARY KEY, body TEXT NOT NULL);
";

impl Store {
    pub fn memory() -> Store {
        Store { writer: None }
    }

    /// Opens (or creates) the database and rebuilds the org it holds.
    pub fn open_sqlite(path: &Path, base_url: &str) -> Result<(Store, Org), StoreError> {
        let conn = Connection::open(path)?;
        conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;")?;
        conn.execute_batch(SCHEMA_SQL)?;
        let org = load(&conn, base_url)?;
        let (tx, rx) = mpsc::channel::<Batch>();
        std::thread::Builder::new()
            .name("okta-emulator-store".into())
            .spawn(move || writer(conn, rx))
            .map_err(StoreError::Thread)?;
        Ok((Store { writer: Some(tx) }, org))
    }

    /// Queues the org's pending changes for writing. Call with the org lock held.
    pub fn submit(&self, org: &mut Org) -> Durable {
        let changes = org.take_changes();
        let Some(tx) = &self.writer else {
            return Durable(None);
        };
        if changes.is_empty() {
            return Durable(None);
        }
        let rows = changes.into_iter().filter_map(|c| row(org, c)).collect();
        let (done, rx) = oneshot::channel();
        // A writer that is gone drops the batch, and with it `done`: the wait then fails, so
        // nothing is answered as committed that did not reach the disk.
        let _ = tx.send(Batch { rows, done });
        Durable(Some(rx))
    }
}

fn row(org: &Org, change: Change) -> Option<Row> {
    Some(match change {
        Change::Reset => Row::Reset,
        Change::User(seq) => Row::User(seq, json(org.user_by_seq(seq)?)),
        Change::UserDeleted(seq) => Row::UserDeleted(seq),
        Change::Group(seq) => Row::Group(seq, json(org.group_by_seq(seq)?)),
        Change::GroupDeleted(seq) => Row::GroupDeleted(seq),
        Change::Membership {
            group,
            user,
            member,
        } => Row::Member(group, user, member),
        Change::RuleUser {
            rule,
            user,
            assigned,
        } => Row::RuleUser(rule, user, assigned),
        Change::RuleDeleted(rule) => Row::RuleDeleted(rule),
        Change::App(seq) => Row::App(seq, json(org.app_by_seq(seq)?)),
        Change::AppDeleted(seq) => Row::AppDeleted(seq),
        Change::AppUser { app, user } => {
            Row::AppUser(app, user, org.stored_app_user(app, user).map(json))
        }
        Change::AppGroups(app) => Row::AppGroups(app, json(&org.stored_app_groups(app)?)),
        Change::Schema => Row::Meta("schema", json(org.customization())),
        Change::OAuthClients => Row::Meta("oauth_clients", json(&org.oauth.clients())),
        Change::UserTypes => Row::Meta("user_types", json(&org.user_types()[1..].to_vec())),
        Change::GroupSchema => Row::Meta("group_schema", json(org.group_custom())),
        Change::Roles => Row::Meta("roles", json(&org.role_assignments())),
        Change::GroupRules => Row::Meta("group_rules", json(&org.all_group_rules())),
        Change::TokenOwner => Row::Meta("token_owner", json(&org.token_owner_seq())),
    })
}

/// Stored records are plain serde types with string keys, which always serialize.
fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("stored records serialize")
}

fn writer(mut conn: Connection, rx: mpsc::Receiver<Batch>) {
    while let Ok(first) = rx.recv() {
        let mut batches = vec![first];
        while let Ok(more) = rx.try_recv() {
            batches.push(more);
            if batches.len() >= 1024 {
                break;
            }
        }
        let result = write_batches(&mut conn, &batches).map_err(|e| e.to_string());
        for batch in batches {
            let _ = batch.done.send(result.clone());
        }
    }
}

fn write_batches(conn: &mut Connection, batches: &[Batch]) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    {
        let mut put_user = tx.prepare_cached("INSERT OR REPLACE INTO users VALUES (?1, ?2)")?;
        let mut put_group = tx.prepare_cached("INSERT OR REPLACE INTO groups VALUES (?1, ?2)")?;
        for row in batches.iter().flat_map(|b| &b.rows) {
            match row {
                Row::Reset => tx.execute_batch(
                    "DELETE FROM users; DELETE FROM groups; DELETE FROM members; DELETE FROM meta;
                     DELETE FROM rule_users; DELETE FROM apps; DELETE FROM app_users;
                     DELETE FROM app_groups;",
                )?,
                Row::User(seq, body) => {
                    put_user.execute(params![*seq as i64, body])?;
                }
                Row::UserDeleted(seq) => {
                    tx.execute("DELETE FROM users WHERE seq = ?1", [*seq as i64])?;
                    tx.execute("DELETE FROM members WHERE usr = ?1", [*seq as i64])?;
                    tx.execute("DELETE FROM rule_users WHERE usr = ?1", [*seq as i64])?;
                    tx.execute("DELETE FROM app_users WHERE usr = ?1", [*seq as i64])?;
                }
                Row::Group(seq, body) => {
                    put_group.execute(params![*seq as i64, body])?;
                }
                Row::GroupDeleted(seq) => {
                    tx.execute("DELETE FROM groups WHERE seq = ?1", [*seq as i64])?;
                    tx.execute("DELETE FROM members WHERE grp = ?1", [*seq as i64])?;
                }
                Row::Member(g, u, true) => {
                    tx.execute(
                        "INSERT OR IGNORE INTO members VALUES (?1, ?2)",
                        [*g as i64, *u as i64],
                    )?;
                }
                Row::Member(g, u, false) => {
                    tx.execute(
                        "DELETE FROM members WHERE grp = ?1 AND usr = ?2",
                        [*g as i64, *u as i64],
                    )?;
                }
                Row::RuleUser(r, u, true) => {
                    tx.execute(
                        "INSERT OR IGNORE INTO rule_users VALUES (?1, ?2)",
                        [*r as i64, *u as i64],
                    )?;
                }
                Row::RuleUser(r, u, false) => {
                    tx.execute(
                        "DELETE FROM rule_users WHERE rule = ?1 AND usr = ?2",
                        [*r as i64, *u as i64],
                    )?;
                }
                Row::RuleDeleted(r) => {
                    tx.execute("DELETE FROM rule_users WHERE rule = ?1", [*r as i64])?;
                }
                Row::App(seq, body) => {
                    tx.execute(
                        "INSERT OR REPLACE INTO apps VALUES (?1, ?2)",
                        params![*seq as i64, body],
                    )?;
                }
                Row::AppDeleted(seq) => {
                    tx.execute("DELETE FROM apps WHERE seq = ?1", [*seq as i64])?;
                    tx.execute("DELETE FROM app_users WHERE app = ?1", [*seq as i64])?;
                    tx.execute("DELETE FROM app_groups WHERE seq = ?1", [*seq as i64])?;
                }
                Row::AppUser(app, user, Some(body)) => {
                    tx.execute(
                        "INSERT OR REPLACE INTO app_users VALUES (?1, ?2, ?3)",
                        params![*app as i64, *user as i64, body],
                    )?;
                }
                Row::AppUser(app, user, None) => {
                    tx.execute(
                        "DELETE FROM app_users WHERE app = ?1 AND usr = ?2",
                        [*app as i64, *user as i64],
                    )?;
                }
                Row::AppGroups(app, body) => {
                    tx.execute(
                        "INSERT OR REPLACE INTO app_groups VALUES (?1, ?2)",
                        params![*app as i64, body],
                    )?;
                }
                Row::Meta(key, body) => {
                    tx.execute(
                        "INSERT OR REPLACE INTO meta VALUES (?1, ?2)",
                        [*key, body.as_str()],
                    )?;
                }
            }
        }
    }
    tx.commit()
}

fn load(conn: &Connection, base_url: &str) -> Result<Org, StoreError> {
    fn records<T: serde::de::DeserializeOwned>(
        conn: &Connection,
        table: &'static str,
    ) -> Result<Vec<(u64, T)>, StoreError> {
        let mut stmt = conn.prepare(&format!("SELECT seq, body FROM {table} ORDER BY seq"))?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        rows.map(|r| {
            let (seq, body) = r?;
            serde_json::from_str(&body)
                .map(|v| (seq as u64, v))
                .map_err(|source| StoreError::Corrupt { table, seq, source })
        })
        .collect()
    }
    let users: Vec<(u64, User)> = records(conn, "users")?;
    let groups: Vec<(u64, Group)> = records(conn, "groups")?;
    let pairs = |sql: &str| -> rusqlite::Result<Vec<(u64, u64)>> {
        let mut stmt = conn.prepare(sql)?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64))
        })?;
        rows.collect()
    };
    let members = pairs("SELECT grp, usr FROM members")?;
    let rule_users = pairs("SELECT rule, usr FROM rule_users")?;
    let customization: SchemaCustomization = meta(conn, "schema")?.unwrap_or_default();
    let oauth_clients = meta(conn, "oauth_clients")?.unwrap_or_default();
    let user_types = meta(conn, "user_types")?.unwrap_or_default();
    let group_custom = meta(conn, "group_schema")?.unwrap_or_default();
    let roles = meta(conn, "roles")?.unwrap_or_default();
    let group_rules = meta(conn, "group_rules")?.unwrap_or_default();
    let apps = records(conn, "apps")?;
    let app_groups = records(conn, "app_groups")?;
    let app_users = {
        let mut stmt = conn.prepare("SELECT app, usr, body FROM app_users")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        rows.map(|r| {
            let (app, user, body) = r?;
            serde_json::from_str(&body)
                .map(|v| (app as u64, user as u64, v))
                .map_err(|source| StoreError::Corrupt {
                    table: "app_users",
                    seq: app,
                    source,
                })
        })
        .collect::<Result<Vec<_>, StoreError>>()?
    };
    let token_owner = meta(conn, "token_owner")?.unwrap_or_default();
    Org::restore(
        base_url,
        Stored {
            customization,
            users,
            groups,
            memberships: members,
            oauth_clients,
            user_types,
            group_custom,
            roles,
            group_rules,
            rule_users,
            apps,
            app_users,
            app_groups,
            token_owner,
        },
    )
    .map_err(StoreError::Schema)
}

/// A JSON value kept in the `meta` table.
fn meta<T: serde::de::DeserializeOwned>(
    conn: &Connection,
    key: &'static str,
) -> Result<Option<T>, StoreError> {
    let mut stmt = conn.prepare("SELECT value FROM meta WHERE key = ?1")?;
    let mut rows = stmt.query([key])?;
    let Some(row) = rows.next()? else {
        return Ok(None);
    };
    let text: String = row.get(0)?;
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|source| StoreError::Corrupt {
            table: "meta",
            seq: 0,
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::seed::{Seed, SeedGroup};

    #[tokio::test]
    async fn a_dead_writer_fails_the_request_instead_of_reporting_it_durable() {
        let (tx, rx) = mpsc::channel::<Batch>();
        drop(rx);
        let store = Store { writer: Some(tx) };
        let mut org = Org::new("http://127.0.0.1:1");
        let seed = Seed {
            groups: vec![SeedGroup {
                id: None,
                name: "G".into(),
                description: None,
                group_type: okta_model::GroupType::OktaGroup,
            }],
            ..Seed::default()
        };
        org.apply_seed(seed).expect("seeded");
        let waited = store.submit(&mut org).wait().await;
        assert!(
            matches!(&waited, Err(ApiError::Internal(m)) if m.contains("store writer stopped")),
            "{waited:?}"
        );
    }
}
