//! The embedded sandbox: the emulator in this process, its org kept in SQLite in the user's data
//! directory so later commands see the same org. A new sandbox starts as a small demo org, as a
//! new trial org would: an admin, a few users, two groups and an APP_GROUP.

use crate::exit::AppError;
use okta_emulator::{EmulatorConfig, EmulatorHandle, RateLimitConfig, Seed};
use std::path::PathBuf;

pub fn db_path() -> Result<PathBuf, AppError> {
    Ok(crate::config::data_home()?
        .join("sandbox")
        .join("sandbox.db"))
}

/// Rate limits of the sandbox: Workforce unless `OKTABULK_SANDBOX_RATE_LIMITS` names another
/// preset (`integrator-free`, `off`).
fn limits() -> Result<RateLimitConfig, AppError> {
    match std::env::var("OKTABULK_SANDBOX_RATE_LIMITS") {
        Ok(name) => RateLimitConfig::preset(&name).ok_or_else(|| {
            AppError::Config(format!(
                "OKTABULK_SANDBOX_RATE_LIMITS={name:?}: use workforce, integrator-free or off"
            ))
        }),
        Err(_) => Ok(RateLimitConfig::workforce()),
    }
}

/// A running sandbox and the one-off token this process uses with it.
#[derive(Debug)]
pub struct Sandbox {
    pub emulator: EmulatorHandle,
    pub token: okta_model::Secret,
    pub db: PathBuf,
    /// The sandbox's org lives in one process at a time: held while this one runs it.
    _lock: std::fs::File,
}

impl Sandbox {
    pub async fn start(port: u16) -> Result<Sandbox, AppError> {
        let db = db_path()?;
        if let Some(dir) = db.parent() {
            crate::private::create_dir_all(dir)?;
        }
        // Two processes on one sandbox would each keep the org in memory and drift apart.
        let lock = crate::private::lock(&db, |who| {
            AppError::Config(format!(
                "the sandbox is in use by {who} (`oktabulk sandbox serve`, or a command with --sandbox): its org lives in one process at a time; wait for it, or stop it, or point this command at a served sandbox with --org-url and the token it printed (OKTA_CLIENT_TOKEN or --token-file)"
            ))
        })?;
        // The org's data is the owner's alone, as the journals are: made private before SQLite
        // opens it (its -wal and -shm copy the mode), and a sandbox of an earlier version
        // made private now.
        crate::private::create_file(&db)?;
        #[cfg(unix)]
        for suffix in ["", "-wal", "-shm"] {
            use std::os::unix::fs::PermissionsExt;
            let path = PathBuf::from(format!("{}{suffix}", db.display()));
            if path.is_file() {
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).map_err(
                    |source| AppError::Write {
                        path: path.clone(),
                        source,
                    },
                )?;
            }
        }
        let token = session_token()?;
        let mut config = EmulatorConfig::new(&token).rate_limits(limits()?).db(&db);
        config.bind.set_port(port);
        let emulator = config
            .start()
            .await
            .map_err(|e| AppError::Sandbox(e.to_string()))?;
        if emulator.group_count() == 1 {
            emulator
                .seed(demo_org())
                .await
                .map_err(|e| AppError::Sandbox(format!("cannot seed the demo org: {e}")))?;
        }
        Ok(Sandbox {
            emulator,
            token: token.into(),
            db,
            _lock: lock,
        })
    }

    /// Deletes the sandbox's database; the next start makes a new demo org.
    pub fn reset() -> Result<PathBuf, AppError> {
        let db = db_path()?;
        for suffix in ["", "-wal", "-shm"] {
            let path = PathBuf::from(format!("{}{suffix}", db.display()));
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => return Err(AppError::Write { path, source }),
            }
        }
        Ok(db)
    }
}

/// Group ids the demo org always has, so example files can name them.
pub const ENGINEERING: &str = "00gSandboxEngineer01";
pub const SALES: &str = "00gSandboxSalesTeam1";

fn demo_org() -> Seed {
    let person = |login: &str, first: &str, last: &str, title: &str| {
        serde_json::json!({"profile": {"login": login, "email": login, "firstName": first,
                                       "lastName": last, "title": title}})
    };
    serde_json::from_value(serde_json::json!({
        "groups": [
            {"id": ENGINEERING, "name": "Engineering", "description": "Engineers"},
            {"id": SALES, "name": "Sales", "description": "Sales team"},
            {"id": "00gSandboxADStaff001", "name": "AD Staff", "type": "APP_GROUP",
             "description": "Imported from Active Directory"}
        ],
        "users": [
            person("grace.hopper@example.com", "Grace", "Hopper", "Rear admiral"),
            person("alan.turing@example.com", "Alan", "Turing", "Mathematician"),
            person("katherine.johnson@example.com", "Katherine", "Johnson", "Mathematician")
        ],
        "memberships": [
            {"group": "Engineering", "user": "grace.hopper@example.com"},
            {"group": "Engineering", "user": "alan.turing@example.com"},
            {"group": "AD Staff", "user": "katherine.johnson@example.com"}
        ],
        // The new org's admin, who owns the sandbox's tokens (`/api/v1/users/me`).
        "apiTokenOwner": person("sandbox.admin@example.com", "Sandbox", "Admin", "Super administrator")
    }))
    .expect("the demo org is a valid seed")
}

/// A fresh token for one sandbox session: `00T` and 32 random hex digits.
fn session_token() -> Result<String, AppError> {
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 16];
    ring::rand::SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| AppError::Sandbox("no randomness for a session token".into()))?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("00T{hex}"))
}
