//! The resolved configuration: where the org is and how to authenticate, read the way Okta's SDKs
//! read it (`~/.okta/okta.yaml`, then `./okta.yaml`, then `OKTA_CLIENT_*` variables, then flags;
//! later sources win). The token never comes from the command line.

use crate::cli::GlobalArgs;
use crate::exit::AppError;
use okta_client::{ConfigError, Credentials, Needed, OktaConfig, Secret};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Where commands send their requests.
#[derive(Debug)]
pub struct OrgTarget {
    pub org_url: String,
    pub credentials: Credentials,
    /// The files and variables the settings came from, for `doctor`.
    pub sources: Vec<String>,
}

/// Resolves the org and credentials for a real org (not the sandbox): Okta's SDK sources
/// (okta-client's `OktaConfig`), then the flags.
pub fn resolve(global: &GlobalArgs) -> Result<OrgTarget, AppError> {
    let home = dirs::home_dir();
    let mut config =
        OktaConfig::load(home.as_deref(), global.profile.as_deref()).map_err(config_error)?;
    for file in &config.files {
        warn_if_shared(&file.path, file.holds_secret, true);
    }
    if let Some(path) = &global.token_file {
        config.token = Some(read_token_file(path)?);
        config
            .sources
            .push(format!("--token-file {}", path.display()));
    }
    if global.org_url.is_some() {
        config.org_url.clone_from(&global.org_url);
        config.sources.push("--org-url".into());
    }
    if global.client_id.is_some() {
        config.client_id.clone_from(&global.client_id);
        config.authorization_mode = Some("PrivateKey".into());
    }
    if let Some(path) = &global.private_key_file {
        warn_if_shared(path, true, false);
        config.private_key = Some(Secret::new(read_text(path)?));
        config.authorization_mode = Some("PrivateKey".into());
    }
    let missing = config.missing();
    if !missing.is_empty() {
        return Err(AppError::Config(missing_settings(
            &missing,
            &config.sources,
        )));
    }
    let org_url = config
        .org_url
        .clone()
        .expect("missing() names an absent org URL");
    let credentials = config.credentials().map_err(config_error)?;
    Ok(OrgTarget {
        org_url,
        credentials,
        sources: config.sources,
    })
}

/// Every missing setting in one message, each with where to set it (the flags oktabulk adds
/// to Okta's sources included), so that a first setup is fixed in one pass.
fn missing_settings(missing: &[Needed], sources: &[String]) -> String {
    let read = if sources.is_empty() {
        "no okta.yaml and no OKTA_CLIENT_* variable found".to_owned()
    } else {
        format!("read {}", sources.join(", "))
    };
    let mut text = format!(
        "{} missing setting{} ({read}):",
        missing.len(),
        if missing.len() == 1 { "" } else { "s" }
    );
    for needed in missing {
        text.push_str("\n  - ");
        text.push_str(&advice(*needed));
    }
    text.push_str("\n  (or use --sandbox to try oktabulk without an org)");
    text
}

/// Where a missing setting goes.
fn advice(needed: Needed) -> String {
    match needed {
        Needed::OrgUrl => {
            "no org URL: set okta.client.orgUrl in okta.yaml, OKTA_CLIENT_ORGURL or --org-url"
                .into()
        }
        Needed::Token => {
            "no API token: set OKTA_CLIENT_TOKEN, okta.client.token in okta.yaml, or --token-file (or authorizationMode PrivateKey for a service app)"
                .into()
        }
        Needed::ClientId => {
            "PrivateKey mode needs a client id (okta.client.clientId, OKTA_CLIENT_CLIENTID or --client-id)".into()
        }
        Needed::PrivateKey => {
            "PrivateKey mode needs a private key (okta.client.privateKey, OKTA_CLIENT_PRIVATEKEY or --private-key-file)"
                .into()
        }
        other => format!("no {other}"),
    }
}

/// The client's configuration errors, with the flags oktabulk adds to Okta's sources.
fn config_error(e: ConfigError) -> AppError {
    AppError::Config(match e {
        ConfigError::Missing(needed) => advice(needed),
        other => other.to_string(),
    })
}

/// A configuration file (okta.yaml, a key, a token): one that cannot be read is a
/// configuration error (exit 2), not bad input.
fn read_text(path: &Path) -> Result<String, AppError> {
    std::fs::read_to_string(path)
        .map_err(|e| AppError::Config(format!("cannot read {}: {e}", path.display())))
}

/// Warns, as ssh does, about a file oktabulk takes settings from that others may read or
/// change: one holding a `secret` (a token file, a key file, an okta.yaml with a token or a
/// key) when its group or other users have any access to it; one that names the `org` (an
/// okta.yaml) when they can write it, since whoever changes `orgUrl` gets the token sent to
/// them. The one check for every such file.
fn warn_if_shared(path: &Path, secret: bool, org: bool) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let Ok(meta) = std::fs::metadata(path) else {
            return;
        };
        let mode = meta.permissions().mode() & 0o777;
        if secret && mode & 0o077 != 0 {
            crate::errln!(
                "warning: {} holds a secret and is readable or writable by other users (mode {mode:o}); run chmod 600 on it",
                path.display(),
            );
        }
        if org && mode & 0o022 != 0 {
            crate::errln!(
                "warning: {} can be changed by other users (mode {mode:o}): whoever changes its orgUrl gets your credentials sent to them; run chmod go-w on it",
                path.display(),
            );
        }
    }
    #[cfg(not(unix))]
    let _ = (path, secret, org);
}

fn read_token_file(path: &Path) -> Result<Secret, AppError> {
    let text = if path == Path::new("-") {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map_err(|e| {
            AppError::Config(format!("cannot read the token from standard input: {e}"))
        })?;
        s
    } else {
        warn_if_shared(path, true, false);
        read_text(path)?
    };
    let token = Secret::new(text.trim());
    if token.is_empty() {
        return Err(AppError::Config(format!(
            "{} holds no token",
            path.display()
        )));
    }
    Ok(token)
}

/// Where oktabulk keeps its own files (sandbox, journals): `OKTABULK_HOME`, or the platform's
/// data directory.
pub fn data_home() -> Result<PathBuf, AppError> {
    if let Some(dir) = std::env::var_os("OKTABULK_HOME").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    dirs::data_dir().map(|d| d.join("oktabulk")).ok_or_else(|| {
        AppError::Config("no data directory on this system: set OKTABULK_HOME".into())
    })
}
