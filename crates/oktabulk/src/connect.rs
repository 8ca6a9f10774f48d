//! Getting a client: to the embedded sandbox (`--sandbox`) or to the org the configuration names,
//! and reading what every command needs from the org: its schema and its groups.

use crate::cli::GlobalArgs;
use crate::config;
use crate::exit::AppError;
use crate::input::GroupDirectory;
use crate::sandbox::Sandbox;
use futures_util::TryStreamExt;
use okta_client::{Client, Credentials, ListQuery, Observer};
use okta_model::schema::UserSchema;
use okta_model::GroupType;
use std::sync::Arc;

/// A client and what it talks to. Holding it keeps the sandbox running.
#[derive(Debug)]
pub struct Connection {
    pub client: Client,
    /// A stable name for the org, for the journal (the sandbox's URL changes every run).
    pub org: String,
    pub sources: Vec<String>,
    /// Who the calls are made as: the kind of credentials and, for a service app, its client id
    /// (never a secret).
    pub principal: String,
    /// The calls are made with an API token, which acts as its owner (`/users/me`).
    pub api_token: bool,
    /// The `--max-capacity` percentage the client uses.
    pub max_capacity: u32,
    pub sandbox: Option<Sandbox>,
}

/// Connects to the sandbox or to the configured org.
pub async fn connect(
    global: &GlobalArgs,
    observer: Option<Arc<dyn Observer>>,
) -> Result<Connection, AppError> {
    let target = if global.sandbox {
        None
    } else {
        Some(config::resolve(global)?)
    };
    connect_to(global, target, observer).await
}

/// Connects to `target`, or to the sandbox when there is none.
pub async fn connect_to(
    global: &GlobalArgs,
    target: Option<config::OrgTarget>,
    observer: Option<Arc<dyn Observer>>,
) -> Result<Connection, AppError> {
    let (org_url, credentials, org, sources, sandbox) = if let Some(target) = target {
        let org = target.org_url.trim_end_matches('/').to_owned();
        (
            target.org_url,
            target.credentials,
            org,
            target.sources,
            None,
        )
    } else {
        let sandbox = Sandbox::start(0).await?;
        let url = sandbox.emulator.base_url().to_owned();
        let credentials = Credentials::ApiToken(sandbox.token.clone());
        let org = format!("sandbox:{}", sandbox.db.display());
        (
            url,
            credentials,
            org,
            vec![format!("sandbox {}", sandbox.db.display())],
            Some(sandbox),
        )
    };
    let api_token = matches!(credentials, Credentials::ApiToken(_));
    let principal = match &credentials {
        Credentials::ApiToken(_) => "an API token (SSWS)".to_owned(),
        Credentials::ServiceApp { client_id, .. } => {
            format!("the OAuth 2.0 service app {client_id}")
        }
    };
    let mut builder = Client::builder(&org_url, credentials)?
        .max_capacity_percent(global.max_capacity)
        .max_in_flight(global.concurrency.map_or(
            okta_model::rate_limit::CONCURRENCY_WORKFORCE as usize,
            |n| n as usize,
        ))
        .user_agent(format!(
            "oktabulk/{} okta-client-rust/{}",
            env!("CARGO_PKG_VERSION"),
            env!("CARGO_PKG_VERSION")
        ));
    if let Some(o) = observer {
        builder = builder.observer(o);
    }
    Ok(Connection {
        client: builder.build()?,
        org,
        sources,
        principal,
        api_token,
        max_capacity: global.max_capacity,
        sandbox,
    })
}

/// The org's user schema and groups, read once per run.
pub async fn org_facts(client: &Client) -> Result<(UserSchema, GroupDirectory), AppError> {
    Ok((
        client.users().schema().await?,
        group_directory(client).await?,
    ))
}

/// Every group of the org by id and by name (all pages), and which cannot take members.
pub async fn group_directory(client: &Client) -> Result<GroupDirectory, AppError> {
    let groups: Vec<okta_model::Group> = client
        .groups()
        .list(&ListQuery::default())
        .try_collect()
        .await?;
    let mut directory = GroupDirectory {
        online: true,
        ..Default::default()
    };
    for g in groups {
        directory
            .names
            .insert(g.profile.name.to_lowercase(), g.id.0.clone());
        directory
            .spelled
            .insert(g.id.0.clone(), g.profile.name.clone());
        if g.group_type != GroupType::OktaGroup {
            directory
                .fixed
                .insert(g.id.0.clone(), g.group_type.as_str().to_owned());
        }
        directory.ids.insert(g.id.0);
    }
    Ok(directory)
}

/// The schema of a new org, for checking files without an org.
pub fn default_schema() -> UserSchema {
    okta_model::schema::default_schema("offline", Default::default(), None)
}
