//! Starting the emulator and driving it from Rust: the handle offers the control plane as
//! methods and stops the server when dropped.

use crate::core::Core;
use crate::error::ApiError;
use crate::faults::FaultConfig;
use crate::http::server::{router, serve};
use crate::ratelimit::RateLimitConfig;
use crate::state::seed::{Seed, SeedReport};
use crate::state::Org;
use crate::stats::StatsSnapshot;
use crate::store::{Store, StoreError};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// Where to listen; port 0 picks a free port.
    pub bind: SocketAddr,
    /// API tokens accepted as `Authorization: SSWS <token>`.
    pub tokens: Vec<String>,
    pub rate_limits: RateLimitConfig,
    /// SQLite file; in memory when absent.
    pub db: Option<PathBuf>,
    /// When set, control-plane requests (`/__emulator/...`) must carry it in the
    /// `X-Emulator-Control-Token` header. Needed to serve anywhere but loopback.
    pub control_token: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot open the store {path}: {source}")]
    Store { path: PathBuf, source: StoreError },
}

impl EmulatorConfig {
    /// Loopback, a free port, one token, Workforce rate limits, in memory.
    pub fn new(token: &str) -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            tokens: vec![token.to_owned()],
            rate_limits: RateLimitConfig::workforce(),
            db: None,
            control_token: None,
        }
    }

    pub fn rate_limits(mut self, config: RateLimitConfig) -> Self {
        self.rate_limits = config;
        self
    }

    pub fn db(mut self, path: impl Into<PathBuf>) -> Self {
        self.db = Some(path.into());
        self
    }

    /// Binds, opens the store and serves in the background on the current Tokio runtime.
    pub async fn start(self) -> Result<EmulatorHandle, StartError> {
        let listener = TcpListener::bind(self.bind)
            .await
            .map_err(|source| StartError::Bind {
                addr: self.bind,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind {
            addr: self.bind,
            source,
        })?;
        let base_url = format!("http://{addr}");
        let (store, org) = match &self.db {
            None => (Store::memory(), Org::with_owner(&base_url)),
            Some(path) => {
                Store::open_sqlite(path, &base_url).map_err(|source| StartError::Store {
                    path: path.clone(),
                    source,
                })?
            }
        };
        let mut core = Core::new(org, store, self.rate_limits, self.tokens);
        core.control_token = self.control_token;
        let core = Arc::new(core);
        let shutdown = Arc::new(Notify::new());
        let task = tokio::spawn(serve(
            listener,
            router(Arc::clone(&core)),
            Arc::clone(&shutdown),
        ));
        Ok(EmulatorHandle {
            base_url,
            core,
            shutdown,
            task,
        })
    }
}

/// A running emulator. Dropping it stops accepting connections.
#[derive(Debug)]
pub struct EmulatorHandle {
    base_url: String,
    core: Arc<Core>,
    shutdown: Arc<Notify>,
    task: JoinHandle<()>,
}

impl EmulatorHandle {
    /// `http://127.0.0.1:<port>`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub async fn reset(&self) -> Result<(), ApiError> {
        self.core.reset().await
    }

    pub async fn seed(&self, seed: Seed) -> Result<SeedReport, ApiError> {
        self.core.seed(seed).await
    }

    pub fn set_faults(&self, config: FaultConfig) {
        self.core.set_faults(config);
    }

    pub fn clear_faults(&self) {
        self.core.faults.clear();
    }

    pub fn stats(&self) -> StatsSnapshot {
        self.core.stats()
    }

    pub fn clear_stats(&self) {
        self.core.stats.clear();
    }

    pub fn set_rate_limits(&self, config: RateLimitConfig) {
        self.core.set_rate_limits(config);
    }

    /// Every user of the org, the API tokens' owner a new org has included.
    pub fn user_count(&self) -> usize {
        self.core.read(Org::user_count)
    }

    /// Every group of the org, `Everyone` included (a new org has only it).
    pub fn group_count(&self) -> usize {
        self.core.read(Org::group_count)
    }

    /// Stops accepting connections and closes every open one.
    pub async fn shutdown(self) {
        self.stop();
    }

    /// As `shutdown`, keeping the handle (its org can still be read in process).
    pub fn stop(&self) {
        self.shutdown.notify_one();
        self.task.abort();
    }
}

impl Drop for EmulatorHandle {
    fn drop(&mut self) {
        self.task.abort();
    }
}
