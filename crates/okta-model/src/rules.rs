//! Okta's rules that both sides need: oktabulk's preflight refuses what Okta would refuse before
//! anything is sent, and the emulator refuses it the way Okta does. Each rule is written here
//! once; the emulator's texts of Okta's errors use the same values.

/// The most group ids one user create takes (`groupIds`); more go by membership calls.
pub const GROUP_IDS_AT_CREATION: usize = 20;

/// The longest password Okta's default password policy takes, in characters.
pub const PASSWORD_MAX_CHARS: usize = 72;

/// The shortest password Okta's default password policy takes, in characters.
pub const PASSWORD_MIN_CHARS: usize = 8;

/// The longest recovery question, and the longest recovery answer, in characters.
pub const RECOVERY_MAX_CHARS: usize = 100;

/// The shortest recovery answer the default password policy takes, in characters.
pub const RECOVERY_ANSWER_MIN_CHARS: usize = 4;

/// The summary of Okta's error cause when a unique field (a user's login, a group's name)
/// is taken, without the field's name in front.
pub const DUPLICATE_FIELD: &str =
    "An object with this field already exists in the current organization";

/// The error cause Okta gives when `field` holds a value another object has.
pub fn duplicate_cause(field: &str) -> String {
    format!("{field}: {DUPLICATE_FIELD}")
}

/// Whether an error cause's summary says `field`'s value is taken.
pub fn is_duplicate_cause(summary: &str, field: &str) -> bool {
    summary
        .strip_prefix(field)
        .and_then(|rest| rest.strip_prefix(": "))
        .is_some_and(|rest| rest.starts_with(DUPLICATE_FIELD))
}

/// What Okta finds wrong with a text value of a user attribute (a profile's string): the rule
/// both oktabulk's preflight and the emulator apply, each saying it in its own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextViolation {
    /// Emoji and other 4-byte UTF-8: Okta does not store them.
    FourByte,
    TooShort {
        min: u32,
    },
    TooLong {
        max: u32,
        len: u32,
    },
    /// The org's schema has a login pattern, and the login does not match it.
    LoginNotPattern,
    /// Without a login pattern a login is an email address.
    LoginNotEmail,
    /// An attribute of format `email` that is not one.
    NotEmail,
}

/// The first thing Okta refuses in `value` of the attribute `name` (lengths, stated or not, by
/// `SchemaAttribute::length_limits`; a login's minimum is waived when the org has a login
/// pattern, which `login_matches` answers), in the order Okta checks them; `None` when it takes
/// it. Sources: okta-api.md (profile validation) and Okta's recorded answers.
pub fn text_violation(
    name: &str,
    attr: &crate::schema::SchemaAttribute,
    value: &str,
    login_matches: Option<&dyn Fn(&str) -> bool>,
) -> Option<TextViolation> {
    if value.chars().any(|c| c.len_utf8() == 4) {
        return Some(TextViolation::FourByte);
    }
    let len = value.chars().count() as u32;
    let is_login = name == "login";
    let (min, max) = attr.length_limits();
    let min = min.filter(|_| !(is_login && login_matches.is_some()));
    if let Some(min) = min.filter(|m| len < *m) {
        return Some(TextViolation::TooShort { min });
    }
    if let Some(max) = max.filter(|m| len > *m) {
        return Some(TextViolation::TooLong { max, len });
    }
    if is_login {
        return match login_matches {
            Some(matches) if !matches(value) => Some(TextViolation::LoginNotPattern),
            Some(_) => None,
            None if !crate::login::is_email(value) => Some(TextViolation::LoginNotEmail),
            None => None,
        };
    }
    if attr.format.as_deref() == Some("email") && !crate::login::is_email(value) {
        return Some(TextViolation::NotEmail);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_duplicate_cause_names_its_field() {
        let cause = duplicate_cause("login");
        assert_eq!(
            cause,
            "login: An object with this field already exists in the current organization"
        );
        assert!(is_duplicate_cause(&cause, "login"));
        assert!(!is_duplicate_cause(&cause, "name"));
        assert!(!is_duplicate_cause("login: too long", "login"));
    }

    #[test]
    fn text_violations_in_okta_s_order() {
        use crate::schema::default_schema;
        let schema = default_schema("x", Default::default(), None);
        let base = &schema.definitions.base.properties;
        let check = |name: &str, value: &str, pattern: Option<&dyn Fn(&str) -> bool>| {
            text_violation(name, &base[name], value, pattern)
        };
        assert_eq!(check("login", "a@example.com", None), None);
        assert_eq!(
            check("login", "abc", None),
            Some(TextViolation::TooShort { min: 5 })
        );
        assert_eq!(
            check("login", "abcdef", None),
            Some(TextViolation::LoginNotEmail)
        );
        // A login pattern waives the minimum and replaces the email rule.
        let short: &dyn Fn(&str) -> bool = &|v: &str| v.len() <= 4;
        assert_eq!(check("login", "abc", Some(short)), None);
        assert_eq!(
            check("login", "abcdef", Some(short)),
            Some(TextViolation::LoginNotPattern)
        );
        assert_eq!(
            check("firstName", "A\u{1F600}", None),
            Some(TextViolation::FourByte)
        );
        assert_eq!(
            check("email", "nope", None),
            Some(TextViolation::TooShort { min: 5 })
        );
        assert_eq!(
            check("email", "not-an-address", None),
            Some(TextViolation::NotEmail)
        );
        assert_eq!(
            check("countryCode", "USA", None),
            Some(TextViolation::TooLong { max: 2, len: 3 })
        );
    }
}
