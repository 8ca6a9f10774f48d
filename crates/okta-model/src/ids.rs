//! Newtype ids, so a group id can never be passed where a user id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! okta_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(s)
            }
        }
    };
}

okta_id!(
    /// A user id such as `00ub0oNGTSWTBKOLGLNR`.
    UserId
);
okta_id!(
    /// A group id such as `00g1emaKYZTWRYYRRTSK`.
    GroupId
);
okta_id!(
    /// An app (application instance) id such as `0oa1gjh63g214q0Hq0g4`.
    AppId
);

impl UserId {
    /// Whether `text` has the shape of a user id: `00u` and 17 more letters or digits (Okta's
    /// ids are 20 characters; a user's start with `00u`). A login never has it: a login is an
    /// email address, or at least holds no 20-character run of only letters and digits
    /// starting `00u` alone.
    pub fn looks_like(text: &str) -> bool {
        text.len() == 20
            && text.starts_with("00u")
            && text.bytes().all(|b| b.is_ascii_alphanumeric())
    }
}
