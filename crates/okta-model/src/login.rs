//! Login identity as Okta sees it: logins that differ only in case or diacritics are the same
//! login (`Isaac.Brock@x` blocks `isáàc.bröck@x`); and the email form a default login must have.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// The key under which a login is unique in the org.
pub fn login_key(login: &str) -> String {
    login
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The short name of a login (`isaac.brock` for `isaac.brock@example.com`), as a lookup key.
pub fn shortname_key(login: &str) -> Option<String> {
    let (local, _) = login.split_once('@')?;
    Some(login_key(local))
}

/// The first character that does not show as itself: a control character, a zero-width or
/// invisible formatting character, or a bidirectional override or isolate (which can make a
/// login display as another, or rewrite a terminal when printed).
pub fn hidden_char(s: &str) -> Option<char> {
    s.chars().find(|c| {
        c.is_control()
            || matches!(
                *c,
                '\u{00AD}'
                    | '\u{061C}'
                    | '\u{180E}'
                    | '\u{200B}'..='\u{200F}'
                    | '\u{202A}'..='\u{202E}'
                    | '\u{2060}'..='\u{2064}'
                    | '\u{2066}'..='\u{2069}'
                    | '\u{FEFF}'
            )
    })
}

/// An address of the form `local@domain.tld`, without spaces, as the email format requires.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !local.contains('@')
        && !s.chars().any(char::is_whitespace)
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_characters_are_found() {
        assert_eq!(
            hidden_char("esc@example.com\u{1b}]0;pwned\u{7}"),
            Some('\u{1b}')
        );
        assert_eq!(hidden_char("a\u{200B}b@example.com"), Some('\u{200B}'));
        assert_eq!(hidden_char("moc.elpmaxe@\u{202E}a"), Some('\u{202E}'));
        assert_eq!(hidden_char("isáàc.bröck@example.com"), None);
    }

    #[test]
    fn case_and_diacritics_are_folded() {
        assert_eq!(
            login_key("Isaac.Brock@Example.com"),
            login_key("isáàc.bröck@example.com")
        );
        assert_ne!(
            login_key("isaac@example.com"),
            login_key("isaak@example.com")
        );
    }

    #[test]
    fn email_shape() {
        assert!(is_email("a.b@example.com"));
        for bad in [
            "a", "a@b", "@b.co", "a b@c.co", "a@.co", "a@b..co", "a@b.co.",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn shortname_is_local_part() {
        assert_eq!(
            shortname_key("Isaac.Brock@example.com").as_deref(),
            Some("isaac.brock")
        );
        assert_eq!(shortname_key("no-at-sign"), None);
    }
}
