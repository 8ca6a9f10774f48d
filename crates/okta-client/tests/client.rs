//! Integration tests: the client against the real emulator, in process on port 0, over HTTP.

mod client {
    /// Start an emulator and a client; users to create.
    pub mod support;

    /// Handlers, pagination and error decoding.
    mod api;
    /// A hostile org: links and redirects that would carry the token or a password elsewhere.
    mod hostile;
    /// Many logins found at once: batched filter queries, the org listed when small.
    mod lookup;
    /// OAuth service apps: tokens, renewal, scopes.
    mod oauth;
    /// Pacing from the headers: whole windows used, no 429, `max_capacity` halves the rate.
    mod pacing;
    /// Injected 429s, 5xx, dropped connections and concurrency 429s end with every user once.
    mod resilience;
}
