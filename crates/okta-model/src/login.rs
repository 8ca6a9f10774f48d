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
