//! Any text as a group rule's expression: parsed or refused, never a panic; a parsed expression
//! evaluates against a profile (with and without the attributes it names) without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use okta_emulator::state::expression::Expr;
use serde_json::{json, Value};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(expr) = Expr::parse(text) {
        let profile = json!({"login": "a@example.com", "lastName": "Doe", "title": null});
        let _ = expr.matches(&|name: &str| profile.get(name).cloned());
        let _ = expr.matches(&|_: &str| None::<Value>);
        let _ = expr.attributes();
    }
});
