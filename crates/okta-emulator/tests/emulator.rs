//! Integration tests: the real emulator in process on port 0 (or the real binary), over real HTTP.

mod emulator {
    /// The bundled OpenAPI-subset validator used by the spec conformance test.
    pub mod openapi;
    /// Helpers: start an emulator, a client with the token, error-body comparison.
    pub mod support;

    /// Admin roles and their group targets; group rules and the memberships they make.
    mod admin;
    /// Apps, app users and app groups: assignment rules, paging, the store.
    mod apps;
    /// Control plane: reset, seed, faults and stats.
    mod control;
    /// Groups, the Everyone group, memberships and their paging.
    mod groups;
    /// Headers on every response, auth, malformed bodies, unknown paths, the schema.
    mod protocol;
    /// Bucket windows, 429 headers and the concurrency limit.
    mod rate_limits;
    /// Okta's recorded answers (VCR cassettes) replayed and compared, answer by answer.
    mod replay;
    /// The server: control token, header-read timeout, shutdown.
    mod server;
    /// Bodies checked against the official OpenAPI spec.
    mod spec;
    /// The SQLite store, including `kill -9` of the binary.
    mod store;
    /// Users: create statuses, validation, uniqueness, lookups, lists, updates, lifecycle.
    mod users;
}
