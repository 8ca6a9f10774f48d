//! The HTTP face of the emulator: thin routes over `state`, the request pipeline that applies
//! auth, rate limits and faults, the wire rendering, and the server loop.

pub mod apps;
pub mod control;
pub mod groups;
pub mod oauth;
pub mod pipeline;
pub mod roles;
pub mod rules;
pub mod schema;
pub mod server;
pub mod types;
pub mod users;
pub mod wire;
