//! Okta's SDK configuration, read the way Okta's SDKs read it: `~/.okta/okta.yaml`, then
//! `./okta.yaml` (the application's), then the `OKTA_CLIENT_*` environment variables; a later
//! source wins field by field. The result says which sources it came from, never their secrets.

use crate::auth::Credentials;
use crate::config::{ConfigError, Needed, Secret};
use crate::jwt::SigningKey;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The scopes asked for when the configuration names none: what user and group administration
/// needs.
pub const DEFAULT_SCOPES: [&str; 3] = [
    "okta.users.manage",
    "okta.groups.manage",
    "okta.schemas.read",
];

/// An okta.yaml larger than this is refused rather than read.
const YAML_LIMIT: u64 = 1024 * 1024;

/// The `okta.client` settings of Okta's SDKs, as far as the sources read so far give them.
#[derive(Debug, Default, Clone)]
#[non_exhaustive]
pub struct OktaConfig {
    /// `orgUrl`, `OKTA_CLIENT_ORGURL`.
    pub org_url: Option<String>,
    /// `token`, `OKTA_CLIENT_TOKEN`: an API token.
    pub token: Option<Secret>,
    /// `authorizationMode`, `OKTA_CLIENT_AUTHORIZATIONMODE`: `SSWS` (the default) or `PrivateKey`.
    pub authorization_mode: Option<String>,
    /// `clientId`, `OKTA_CLIENT_CLIENTID`: a service app's client id.
    pub client_id: Option<String>,
    /// `scopes`, `OKTA_CLIENT_SCOPES` (a list, or text separated by commas or spaces).
    pub scopes: Option<Vec<String>>,
    /// `privateKey`, `OKTA_CLIENT_PRIVATEKEY`: PEM or JWK text, or the path of a file holding it.
    pub private_key: Option<Secret>,
    /// The files and variables read, in order, for reports.
    pub sources: Vec<String>,
    /// The okta.yaml files read, in order, so that a caller can check who else may read or
    /// change them.
    pub files: Vec<ConfigFile>,
}

/// An okta.yaml that was read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConfigFile {
    /// Where it is.
    pub path: PathBuf,
    /// Whether it holds a secret: a `token`, or a `privateKey` (inline or a file's path).
    pub holds_secret: bool,
}

#[derive(Debug, Default, Deserialize)]
struct YamlFile {
    #[serde(default)]
    okta: Option<YamlOkta>,
}

#[derive(Debug, Default, Deserialize)]
struct YamlOkta {
    #[serde(default)]
    client: Option<YamlClient>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct YamlClient {
    org_url: Option<String>,
    token: Option<Secret>,
    authorization_mode: Option<String>,
    client_id: Option<String>,
    scopes: Option<Scopes>,
    private_key: Option<Secret>,
}

#[derive(Debug, Deserialize)]
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

fn file_error(path: &Path, reason: impl std::fmt::Display) -> ConfigError {
    ConfigError::File(format!("{}: {reason}", path.display()))
}

impl OktaConfig {
    /// Reads `<home>/.okta/okta.yaml`, then `./okta.yaml`, then the environment. A `profile`
    /// reads `okta.<profile>.yaml` instead. Missing files are skipped; a file that cannot be
    /// read or parsed is an error.
    pub fn load(home: Option<&Path>, profile: Option<&str>) -> Result<OktaConfig, ConfigError> {
        let name = match profile {
            Some(p) => format!("okta.{p}.yaml"),
            None => "okta.yaml".to_owned(),
        };
        let mut config = OktaConfig::default();
        let user = home.map(|h| h.join(".okta").join(&name));
        for path in user.into_iter().chain([PathBuf::from(&name)]) {
            if let Some(file) = OktaConfig::from_yaml_file(&path)? {
                config.overlay(file);
            }
        }
        config.overlay(OktaConfig::from_env(|name| std::env::var(name).ok()));
        Ok(config)
    }

    /// One okta.yaml, if it exists.
    pub fn from_yaml_file(path: &Path) -> Result<Option<OktaConfig>, ConfigError> {
        let Ok(meta) = std::fs::metadata(path) else {
            return Ok(None);
        };
        if meta.len() > YAML_LIMIT {
            return Err(file_error(path, "larger than 1 MB"));
        }
        let text = std::fs::read_to_string(path).map_err(|e| file_error(path, e))?;
        let mut config = OktaConfig::from_yaml_str(&text).map_err(|e| file_error(path, e))?;
        config.sources = vec![path.display().to_string()];
        config.files = vec![ConfigFile {
            path: path.to_owned(),
            holds_secret: config.token.is_some() || config.private_key.is_some(),
        }];
        Ok(Some(config))
    }

    /// The `okta.client` section of an okta.yaml's text.
    pub fn from_yaml_str(text: &str) -> Result<OktaConfig, serde_yaml_ng::Error> {
        let file: YamlFile = serde_yaml_ng::from_str(text)?;
        let client = file.okta.and_then(|o| o.client).unwrap_or_default();
        Ok(OktaConfig {
            org_url: client.org_url,
            token: client.token,
            authorization_mode: client.authorization_mode,
            client_id: client.client_id,
            scopes: client.scopes.map(Scopes::into_vec),
            private_key: client.private_key,
            sources: Vec::new(),
            files: Vec::new(),
        })
    }

    /// The `OKTA_CLIENT_*` variables, read through `var` (empty values count as unset).
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> OktaConfig {
        let var = |name: &str| var(name).filter(|v| !v.is_empty());
        let mut config = OktaConfig {
            org_url: var("OKTA_CLIENT_ORGURL"),
            token: var("OKTA_CLIENT_TOKEN").map(Secret::new),
            authorization_mode: var("OKTA_CLIENT_AUTHORIZATIONMODE"),
            client_id: var("OKTA_CLIENT_CLIENTID"),
            scopes: var("OKTA_CLIENT_SCOPES").map(|s| Scopes::Text(s).into_vec()),
            private_key: var("OKTA_CLIENT_PRIVATEKEY").map(Secret::new),
            sources: Vec::new(),
            files: Vec::new(),
        };
        let any = config.org_url.is_some()
            || config.token.is_some()
            || config.authorization_mode.is_some()
            || config.client_id.is_some()
            || config.scopes.is_some()
            || config.private_key.is_some();
        if any {
            config
                .sources
                .push("OKTA_CLIENT_* environment variables".into());
        }
        config
    }

    /// Takes every field `later` sets; keeps the rest.
    pub fn overlay(&mut self, later: OktaConfig) {
        let OktaConfig {
            org_url,
            token,
            authorization_mode,
            client_id,
            scopes,
            private_key,
            sources,
            files,
        } = later;
        self.org_url = org_url.or(self.org_url.take());
        self.token = token.or(self.token.take());
        self.authorization_mode = authorization_mode.or(self.authorization_mode.take());
        self.client_id = client_id.or(self.client_id.take());
        self.scopes = scopes.or(self.scopes.take());
        self.private_key = private_key.or(self.private_key.take());
        self.sources.extend(sources);
        self.files.extend(files);
    }

    /// Every setting the configured mode needs and no source gave, in one list (the org URL
    /// first), so that all of them can be reported at once. An unknown mode needs only the org
    /// URL here; [`credentials`](Self::credentials) names the mode.
    pub fn missing(&self) -> Vec<Needed> {
        let mut missing = Vec::new();
        if self.org_url.as_deref().is_none_or(|u| u.trim().is_empty()) {
            missing.push(Needed::OrgUrl);
        }
        match self.authorization_mode.as_deref().unwrap_or("SSWS") {
            "SSWS" if self.token.is_none() => missing.push(Needed::Token),
            "PrivateKey" => {
                if self.client_id.is_none() {
                    missing.push(Needed::ClientId);
                }
                if self.private_key.is_none() {
                    missing.push(Needed::PrivateKey);
                }
            }
            _ => {}
        }
        missing
    }

    /// The credentials the settings describe: an API token (`SSWS`, the default; a token
    /// copied with its `SSWS ` scheme is the same token) or a service app's private key
    /// (`PrivateKey`; the key given inline or as a file's path, the scopes defaulting to
    /// [`DEFAULT_SCOPES`]).
    pub fn credentials(&self) -> Result<Credentials, ConfigError> {
        match self.authorization_mode.as_deref().unwrap_or("SSWS") {
            "SSWS" => {
                let token = self
                    .token
                    .as_ref()
                    .ok_or(ConfigError::Missing(Needed::Token))?;
                let token = token.expose().trim();
                let token = token.strip_prefix("SSWS ").unwrap_or(token).trim();
                Ok(Credentials::ApiToken(Secret::new(token)))
            }
            "PrivateKey" => {
                let client_id = self
                    .client_id
                    .clone()
                    .ok_or(ConfigError::Missing(Needed::ClientId))?;
                let raw = self
                    .private_key
                    .as_ref()
                    .ok_or(ConfigError::Missing(Needed::PrivateKey))?;
                let inline = raw.expose().trim_start();
                let key = if inline.starts_with("-----") || inline.starts_with('{') {
                    SigningKey::parse(inline)?
                } else {
                    let path = Path::new(inline.trim());
                    let text = std::fs::read_to_string(path).map_err(|e| file_error(path, e))?;
                    SigningKey::parse(&text)?
                };
                let scopes = self
                    .scopes
                    .clone()
                    .unwrap_or_else(|| DEFAULT_SCOPES.map(str::to_owned).to_vec());
                Ok(Credentials::ServiceApp {
                    client_id,
                    key: Box::new(key),
                    scopes,
                })
            }
            other => Err(ConfigError::AuthorizationMode(other.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_missing_setting_is_named_at_once() {
        assert_eq!(
            OktaConfig::default().missing(),
            [Needed::OrgUrl, Needed::Token]
        );
        let key_mode = OktaConfig {
            authorization_mode: Some("PrivateKey".into()),
            ..OktaConfig::default()
        };
        assert_eq!(
            key_mode.missing(),
            [Needed::OrgUrl, Needed::ClientId, Needed::PrivateKey]
        );
        let whole = OktaConfig {
            org_url: Some("https://acme.okta.com".into()),
            token: Some(Secret::new("t")),
            ..OktaConfig::default()
        };
        assert_eq!(whole.missing(), []);
    }

    #[test]
    fn later_sources_win_field_by_field() {
        let mut config = OktaConfig::from_yaml_str(
            "okta:\n  client:\n    orgUrl: https://acme.okta.com\n    token: from-yaml\n    scopes: [okta.users.read]\n",
        )
        .expect("yaml");
        config.overlay(OktaConfig::from_env(|name| {
            (name == "OKTA_CLIENT_TOKEN").then(|| "SSWS from-env".to_owned())
        }));
        assert_eq!(config.org_url.as_deref(), Some("https://acme.okta.com"));
        assert_eq!(config.scopes, Some(vec!["okta.users.read".to_owned()]));
        assert_eq!(config.sources, ["OKTA_CLIENT_* environment variables"]);
        match config.credentials().expect("a token") {
            Credentials::ApiToken(t) => assert_eq!(t.expose(), "from-env"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn what_is_missing_or_unknown_is_named() {
        let none = OktaConfig::default();
        assert_eq!(
            none.credentials().err(),
            Some(ConfigError::Missing(Needed::Token))
        );
        let mut app = OktaConfig::from_env(|name| {
            (name == "OKTA_CLIENT_AUTHORIZATIONMODE").then(|| "PrivateKey".to_owned())
        });
        assert_eq!(
            app.credentials().err(),
            Some(ConfigError::Missing(Needed::ClientId))
        );
        app.client_id = Some("0oaApp".into());
        assert_eq!(
            app.credentials().err(),
            Some(ConfigError::Missing(Needed::PrivateKey))
        );
        app.authorization_mode = Some("Bearer".into());
        assert_eq!(
            app.credentials().err(),
            Some(ConfigError::AuthorizationMode("Bearer".into()))
        );
        let scopes = OktaConfig::from_env(|name| {
            (name == "OKTA_CLIENT_SCOPES").then(|| "a, b c".to_owned())
        });
        assert_eq!(
            scopes.scopes,
            Some(vec!["a".to_owned(), "b".to_owned(), "c".to_owned()])
        );
    }
}
