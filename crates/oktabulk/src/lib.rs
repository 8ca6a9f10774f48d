//! oktabulk: bulk Okta administration from CSV files. The binary is only `main.rs`; everything
//! else lives here: `cli` (what was typed) -> `config`/`connect` (resolved) -> `input` (rows with
//! positions) -> `preflight` -> `plan` or `engine` -> `report` (results, progress, summary) and
//! `journal` (resume).

pub mod access;
pub mod app;
pub mod bulk;
pub mod cli;
pub mod commands;
pub mod config;
pub mod connect;
pub mod csv_cell;
pub mod doctor;
pub mod engine;
pub mod exit;
pub mod input;
pub mod journal;
pub mod manual;
pub mod outcome;
pub mod preflight;
pub mod private;
pub mod record;
pub mod report;
pub mod retention;
pub mod sandbox;
