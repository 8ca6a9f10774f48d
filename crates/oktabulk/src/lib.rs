//! oktabulk: bulk Okta administration from CSV files and workbooks. The binary is only
//! `main.rs`; everything else lives here, and data flows one way: `cli` (what was typed) ->
//! `commands` (one module per command: its options resolved, its row `Job`, its results table)
//! -> `input` (rows with positions) -> `preflight` -> `bulk` -> `engine` (events) -> `report`
//! (results, progress, summary, plan) and `journal` (resume), both fed by `record`.
//!
//! The public surface is what the binary and the fuzz targets use: `app::run` on a parsed
//! `cli::Cli`, `exit` (the error type and its documented codes), `input` (the readers and row
//! checkers) and `console` (printing that survives a closed pipe).
//! Everything else is private to the crate, so it can change with the commands.

mod access;
pub mod app;
mod bulk;
pub mod cli;
mod commands;
mod config;
mod connect;
mod csv_cell;
mod doctor;
mod engine;
pub mod exit;
pub mod input;
mod journal;
mod manual;
mod outcome;
mod preflight;
mod private;
mod record;
mod report;
mod retention;
mod sandbox;

/// Printing that ends quietly when the reader has gone (`outln!`, `errln!`, `errprint!`): the
/// binary prints its last error through it too.
pub use report::console;
