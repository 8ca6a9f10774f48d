//! Reporters: the results file (in input order), the progress bar, per-row lines, the final
//! summary and the dry run's plan. Each consumes the engine's events; none of them changes what
//! the engine does.

pub mod console;
pub mod html;
pub mod plan;
pub mod progress;
pub mod recorder;
pub mod results;
pub mod summary;
pub mod words;

pub use plan::Plan;
pub use progress::{Progress, RowLines};
pub use results::ResultsFile;
pub use summary::Summary;

use std::io::IsTerminal;

/// Whether to colour stderr: a terminal, and `NO_COLOR` unset.
pub fn colour() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Text from the file or the org made safe to print on a terminal: control characters,
/// invisible and bidirectional formatting characters are shown as `\u{...}` escapes, so that a
/// cell cannot move the cursor, retitle the window or reorder what is shown.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if okta_model::login::hidden_char(text).is_none() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if okta_model::login::hidden_char(c.encode_utf8(&mut [0; 4])).is_some() {
            shown.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            shown.push(c);
        }
    }
    std::borrow::Cow::Owned(shown)
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn terminal_sequences_are_escaped() {
        assert_eq!(
            printable("esc2@example.com\x1b]0;pwned\x07"),
            "esc2@example.com\\u{1b}]0;pwned\\u{7}"
        );
        assert_eq!(printable("a\u{202e}b"), "a\\u{202e}b");
        assert_eq!(
            printable("isáàc.bröck@example.com"),
            "isáàc.bröck@example.com"
        );
    }
}
