//! Why a run stops sending before its last row: Ctrl-C, an org that stopped answering, a results
//! file or journal that cannot be written. The first reason wins; the dispatcher waits on it
//! and the client is cancelled so that no wait outlasts it.

use okta_client::Client;
use parking_lot::Mutex;
use tokio::sync::watch;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StopReason {
    Interrupted,
    /// The org stopped answering: the client's last error.
    OrgUnreachable(String),
    /// The results file or the journal cannot be written.
    Unwritable(String),
}

#[derive(Debug)]
pub struct Stop {
    reason: Mutex<Option<StopReason>>,
    signal: watch::Sender<bool>,
    client: Mutex<Option<Client>>,
}

impl Default for Stop {
    fn default() -> Self {
        Stop {
            reason: Mutex::new(None),
            signal: watch::channel(false).0,
            client: Mutex::new(None),
        }
    }
}

impl Stop {
    /// The client to cancel when the run stops.
    pub fn cancels(&self, client: Client) {
        *self.client.lock() = Some(client);
    }

    /// Stops the run for `reason` unless it is already stopping.
    pub fn set(&self, reason: StopReason) {
        {
            let mut current = self.reason.lock();
            if current.is_some() {
                return;
            }
            *current = Some(reason);
        }
        if let Some(client) = self.client.lock().as_ref() {
            client.cancel();
        }
        self.signal.send_replace(true);
    }

    pub fn reason(&self) -> Option<StopReason> {
        self.reason.lock().clone()
    }

    pub fn is_set(&self) -> bool {
        *self.signal.borrow()
    }

    /// Resolves once the run is stopping.
    pub async fn stopped(&self) {
        let mut rx = self.signal.subscribe();
        let _ = rx.wait_for(|s| *s).await;
    }
}
