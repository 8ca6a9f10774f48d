//! Any text as a `search` or `filter` expression: parsed or refused, never a panic; a parsed
//! expression evaluates against a user without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use okta_emulator::state::search::{AttrValue, Expr};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(expr) = Expr::parse(text) {
        let _ = expr.matches(&|attr: &str| match attr {
            "status" => Some(AttrValue::Str("ACTIVE")),
            "profile.login" => Some(AttrValue::Str("a@example.com")),
            _ => None,
        });
        let _ = expr.exact_logins();
    }
});
