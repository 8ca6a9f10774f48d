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
}
