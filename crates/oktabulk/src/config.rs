//! The resolved configuration: where the org is and how to authenticate, read the way Okta's SDKs
//! read it (`~/.okta/okta.yaml`, then `./okta.yaml`, then `OKTA_CLIENT_*` variables, then flags;
//! later sources win). The token never comes from the command line.

use crate::cli::GlobalArgs;
use crate::exit::AppError;
use okta_client::{Credentials, Secret, SigningKey};
use serde::Deserialize;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Settings as read from one source; `None` where the source says nothing.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ClientSettings {
    org_url: Option<String>,
    token: Option<Secret>,
    authorization_mode: Option<String>,
    client_id: Option<String>,
    scopes: Option<Scopes>,
    /// PEM or JWK text, or a path to a file holding it.
    private_key: Option<Secret>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Scopes {
    List(Vec<String>),
    Text(String),
}

impl Scopes {
    fn into_vec(self) -> Vec<String> {
        match self {
            Scopes::List(v) => v,
            Scopes::Text(t) => t
                .split([',', ' '])
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct YamlFile {
    #[serde(default)]
    okta: Option<YamlOkta>,
}

#[derive(Debug, Default, Deserialize)]
struct YamlOkta {
    #[serde(default)]
    client: Option<ClientSettings>,
}

impl ClientSettings {
    fn overlay(&mut self, later: ClientSettings) {
        let ClientSettings {
            org_url,
            token,
            authorization_mode,
            client_id,
            scopes,
            private_key,
        } = later;
        self.org_url = org_url.or(self.org_url.take());
        self.token = token.or(self.token.take());
        self.authorization_mode = authorization_mode.or(self.authorization_mode.take());
        self.client_id = client_id.or(self.client_id.take());
        self.scopes = scopes.or(self.scopes.take());
        self.private_key = private_key.or(self.private_key.take());
    }
}

/// Where commands send their requests.
#[derive(Debug)]
pub struct OrgTarget {
    pub org_url: String,
    pub credentials: Credentials,
    /// The files and variables the settings came from, for `doctor`.
    pub sources: Vec<String>,
}

const YAML_LIMIT: u64 = 1024 * 1024;

/// Resolves the org and credentials for a real org (not the sandbox).
pub fn resolve(global: &GlobalArgs) -> Result<OrgTarget, AppError> {
    let mut settings = ClientSettings::default();
    let mut sources = Vec::new();
    let name = match &global.profile {
        Some(p) => format!("okta.{p}.yaml"),
        None => "okta.yaml".to_owned(),
    };
    let home = dirs::home_dir().map(|h| h.join(".okta").join(&name));
    for path in home.into_iter().chain([PathBuf::from(&name)]) {
        if let Some(file) = read_yaml(&path)? {
            settings.overlay(file);
            sources.push(path.display().to_string());
        }
    }
    let env = env_settings();
    if env.0 {
        sources.push("OKTA_CLIENT_* environment variables".into());
    }
    settings.overlay(env.1);
    if let Some(path) = &global.token_file {
        settings.token = Some(read_token_file(path)?);
        sources.push(format!("--token-file {}", path.display()));
    }
    if global.org_url.is_some() {
        settings.org_url.clone_from(&global.org_url);
        sources.push("--org-url".into());
    }
    if global.client_id.is_some() {
        settings.client_id.clone_from(&global.client_id);
        settings.authorization_mode = Some("PrivateKey".into());
    }
    if let Some(path) = &global.private_key_file {
        warn_if_shared(path);
        settings.private_key = Some(Secret::new(read_text(path)?));
        settings.authorization_mode = Some("PrivateKey".into());
    }
    let org_url = settings.org_url.clone().ok_or_else(|| {
        AppError::Config(
            "no org URL: set okta.client.orgUrl in okta.yaml, OKTA_CLIENT_ORGURL or --org-url (or use --sandbox)".into(),
        )
    })?;
    let credentials = credentials(settings)?;
    Ok(OrgTarget {
        org_url,
        credentials,
        sources,
    })
}

fn credentials(settings: ClientSettings) -> Result<Credentials, AppError> {
    let mode = settings
        .authorization_mode
        .clone()
        .unwrap_or_else(|| "SSWS".into());
    match mode.as_str() {
        "SSWS" => {
            let token = settings.token.ok_or_else(|| {
                AppError::Config(
                    "no API token: set OKTA_CLIENT_TOKEN, okta.client.token in okta.yaml, or --token-file".into(),
                )
            })?;
            // A token copied with the header's scheme (`SSWS 00abc...`) is the same token.
            let token = token.expose().trim();
            let token = token.strip_prefix("SSWS ").unwrap_or(token).trim();
            Ok(Credentials::ApiToken(Secret::new(token)))
        }
        "PrivateKey" => {
            let client_id = settings.client_id.ok_or_else(|| {
                AppError::Config(
                    "PrivateKey mode needs a client id (OKTA_CLIENT_CLIENTID or --client-id)"
                        .into(),
                )
            })?;
            let raw = settings.private_key.ok_or_else(|| {
                AppError::Config("PrivateKey mode needs a private key (OKTA_CLIENT_PRIVATEKEY or --private-key-file)".into())
            })?;
            let inline = raw.expose().trim_start();
            let text = if inline.starts_with("-----") || inline.starts_with('{') {
                raw
            } else {
                Secret::new(read_text(Path::new(inline.trim()))?)
            };
            let key =
                SigningKey::parse(text.expose()).map_err(|e| AppError::Config(e.to_string()))?;
            let scopes = settings.scopes.map(Scopes::into_vec).unwrap_or_else(|| {
                vec![
                    "okta.users.manage".into(),
                    "okta.groups.manage".into(),
                    "okta.schemas.read".into(),
                ]
            });
            Ok(Credentials::ServiceApp {
                client_id,
                key: Box::new(key),
                scopes,
            })
        }
        other => Err(AppError::Config(format!(
            "authorizationMode {other:?} is not supported: use SSWS or PrivateKey"
        ))),
    }
}

fn env_settings() -> (bool, ClientSettings) {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let settings = ClientSettings {
        org_url: var("OKTA_CLIENT_ORGURL"),
        token: var("OKTA_CLIENT_TOKEN").map(Secret::new),
        authorization_mode: var("OKTA_CLIENT_AUTHORIZATIONMODE"),
        client_id: var("OKTA_CLIENT_CLIENTID"),
        scopes: var("OKTA_CLIENT_SCOPES").map(Scopes::Text),
        private_key: var("OKTA_CLIENT_PRIVATEKEY").map(Secret::new),
    };
    let any = settings.org_url.is_some()
        || settings.token.is_some()
        || settings.authorization_mode.is_some()
        || settings.client_id.is_some()
        || settings.private_key.is_some();
    (any, settings)
}

fn read_yaml(path: &Path) -> Result<Option<ClientSettings>, AppError> {
    let Ok(meta) = std::fs::metadata(path) else {
        return Ok(None);
    };
    if meta.len() > YAML_LIMIT {
        return Err(AppError::Config(format!(
            "{} is larger than 1 MB",
            path.display()
        )));
    }
    let text = read_text(path)?;
    let file: YamlFile = serde_yaml_ng::from_str(&text)
        .map_err(|e| AppError::Config(format!("{}: {e}", path.display())))?;
    Ok(file.okta.and_then(|o| o.client))
}

/// A configuration file (okta.yaml, a key, a token): one that cannot be read is a
/// configuration error (exit 2), not bad input.
fn read_text(path: &Path) -> Result<String, AppError> {
    std::fs::read_to_string(path)
        .map_err(|e| AppError::Config(format!("cannot read {}: {e}", path.display())))
}

/// Warns, as ssh does, when a file holding a secret can be read by other users.
fn warn_if_shared(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            let mode = meta.permissions().mode();
            if mode & 0o077 != 0 {
                eprintln!(
                    "warning: {} holds a secret and is readable by other users (mode {:o}); run chmod 600 on it",
                    path.display(),
                    mode & 0o777
                );
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

fn read_token_file(path: &Path) -> Result<Secret, AppError> {
    let text = if path == Path::new("-") {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map_err(|e| {
            AppError::Config(format!("cannot read the token from standard input: {e}"))
        })?;
        s
    } else {
        warn_if_shared(path);
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
