//! Words as an admin reads them: counted nouns in the singular or the plural (`1 call`,
//! `2 calls`, never `call(s)`), and long lines wrapped to the terminal, at most 80 columns, so
//! that what a run prints at its end reads whole in an 80-column window.

/// The widest line the end of a run prints.
pub const WIDTH: usize = 80;

/// `n` and the noun, singular for one and plural otherwise: `count(1, "call", "calls")` is
/// `1 call`.
pub fn count(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The width to wrap lines to: `COLUMNS` when it is set to a number (at least 40: the admin's
/// own choice, as for other tools whose output is piped), else `WIDTH`, or the terminal's width
/// when it is narrower.
pub fn width() -> usize {
    if let Some(columns) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
    {
        return columns.max(40);
    }
    let term = console::Term::stderr();
    if term.is_term() {
        usize::from(term.size().1).clamp(40, WIDTH)
    } else {
        WIDTH
    }
}

/// A word as a POSIX shell reads it back: as it is when it is plain, else in single quotes.
pub fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_alphanumeric() || "-_./=:,@%+".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// `text` broken at spaces into lines of at most `width` columns, each line after the first
/// starting with `indent` (the first keeps the text's own). A word wider than a line is cut.
pub fn wrap(text: &str, width: usize, indent: &str) -> Vec<String> {
    let columns = |s: &str| console::measure_text_width(s);
    let words = text.trim_start_matches(' ');
    let first = &text[..text.len() - words.len()];
    let mut lines = Vec::new();
    let mut line = String::new();
    for mut word in words.split(' ').filter(|w| !w.is_empty()) {
        loop {
            let lead = if lines.is_empty() { first } else { indent };
            let room = width.saturating_sub(columns(lead)).max(1);
            if !line.is_empty() && columns(&line) + 1 + columns(word) > room {
                lines.push(format!("{lead}{line}"));
                line.clear();
            } else if line.is_empty() && columns(word) > room {
                let cut = word
                    .char_indices()
                    .map(|(i, c)| i + c.len_utf8())
                    .take_while(|&end| columns(&word[..end]) <= room)
                    .last()
                    .or_else(|| word.chars().next().map(char::len_utf8))
                    .unwrap_or(word.len());
                lines.push(format!("{lead}{}", &word[..cut]));
                word = &word[cut..];
            } else {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(word);
                break;
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        let lead = if lines.is_empty() { first } else { indent };
        lines.push(format!("{lead}{line}"));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_nouns_agree_with_their_number() {
        assert_eq!(count(0u64, "call", "calls"), "0 calls");
        assert_eq!(count(1u64, "call", "calls"), "1 call");
        assert_eq!(count(2u32, "retry", "retries"), "2 retries");
    }

    #[test]
    fn lines_wrap_at_spaces_and_long_words_are_cut() {
        let text = "failed: line 7 not-a-login: login: a login must be an email address (the org's schema has no login pattern)";
        let lines = wrap(text, 40, "        ");
        assert!(lines.iter().all(|l| l.chars().count() <= 40), "{lines:#?}");
        assert_eq!(lines[0], "failed: line 7 not-a-login: login: a");
        assert!(lines[1..].iter().all(|l| l.starts_with("        ")));
        assert_eq!(
            lines
                .join(" ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            text
        );

        let path = format!("results: /{}", "d/".repeat(50));
        let lines = wrap(&path, 30, "  ");
        assert!(lines.iter().all(|l| l.chars().count() <= 30), "{lines:#?}");
        assert_eq!(lines.concat().replace(' ', ""), path.replace(' ', ""));
        assert_eq!(wrap("short", 80, "  "), ["short"]);
        assert_eq!(wrap("   kept lead", 8, " "), ["   kept", " lead"]);
    }
}
