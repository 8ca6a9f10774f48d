//! User types (`/api/v1/meta/types/user`): the org's default type, always there, and up to nine
//! more created, read, updated, replaced and deleted as Okta documents. A user's `type.id` must
//! name one of them. Every type shares the org's one user schema (per-type schemas are not
//! emulated).

use crate::error::ApiError;
use crate::state::ids::new_id;
use crate::state::org::{Change, Org, DEFAULT_USER_TYPE};
use okta_model::time::{self, Timestamp};
use okta_model::UserTypeRef;
use serde::{Deserialize, Serialize};

/// Okta allows the default type and nine more.
pub const MAX_TYPES: usize = 10;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserType {
    pub id: String,
    pub name: String,
    pub display_name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub default: bool,
    pub created_by: String,
    pub last_updated_by: String,
    #[serde(with = "time::required")]
    pub created: Timestamp,
    #[serde(with = "time::required")]
    pub last_updated: Timestamp,
}

/// The body of a create, update or replace.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserTypeRequest {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

fn default_type() -> UserType {
    let created = chrono::DateTime::parse_from_rfc3339("2020-01-01T00:00:00.000Z")
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_default();
    UserType {
        id: DEFAULT_USER_TYPE.to_owned(),
        name: "user".to_owned(),
        display_name: "User".to_owned(),
        description: Some("Okta user profile template with default permission settings".to_owned()),
        default: true,
        created_by: "system".to_owned(),
        last_updated_by: "system".to_owned(),
        created,
        last_updated: created,
    }
}

fn type_not_found(id: &str) -> ApiError {
    ApiError::NotFound {
        what: id.to_owned(),
        kind: "UserType",
    }
}

impl Org {
    /// Every user type, the default first.
    pub fn user_types(&self) -> Vec<UserType> {
        std::iter::once(default_type())
            .chain(self.user_types.values().cloned())
            .collect()
    }

    pub fn user_type(&self, id: &str) -> Result<UserType, ApiError> {
        if id == DEFAULT_USER_TYPE || id == "default" {
            return Ok(default_type());
        }
        self.user_types
            .get(id)
            .cloned()
            .ok_or_else(|| type_not_found(id))
    }

    /// The type a user names: the default when it names none; an unknown id is refused.
    pub fn known_type(&self, named: Option<UserTypeRef>) -> Result<UserTypeRef, ApiError> {
        match named {
            None => Ok(UserTypeRef {
                id: DEFAULT_USER_TYPE.to_owned(),
            }),
            Some(t) => self
                .user_type(&t.id)
                .map(|found| UserTypeRef { id: found.id }),
        }
    }

    pub fn create_user_type(&mut self, req: UserTypeRequest) -> Result<UserType, ApiError> {
        let name = req
            .name
            .filter(|n| !n.trim().is_empty())
            .ok_or_else(|| ApiError::validation("name", "name: The field cannot be left blank"))?;
        let display_name = req
            .display_name
            .filter(|n| !n.trim().is_empty())
            .ok_or_else(|| {
                ApiError::validation("displayName", "displayName: The field cannot be left blank")
            })?;
        if self
            .user_types()
            .iter()
            .any(|t| t.name.eq_ignore_ascii_case(&name))
        {
            return Err(ApiError::validation(
                "name",
                "name: A user type with this variable name already exists",
            ));
        }
        if self.user_types.len() + 1 >= MAX_TYPES {
            return Err(ApiError::validation(
                "type",
                format!("type: An org may have at most {MAX_TYPES} user types"),
            ));
        }
        let now = chrono::Utc::now();
        let created = UserType {
            id: new_id("oty"),
            name,
            display_name,
            description: req.description,
            default: false,
            created_by: "emulator".to_owned(),
            last_updated_by: "emulator".to_owned(),
            created: now,
            last_updated: now,
        };
        self.user_types.insert(created.id.clone(), created.clone());
        self.record(Change::UserTypes);
        Ok(created)
    }

    /// `POST` (partial: display name and description) or `PUT` (replace: the name must stay).
    pub fn update_user_type(
        &mut self,
        id: &str,
        req: UserTypeRequest,
        replace: bool,
    ) -> Result<UserType, ApiError> {
        if id == DEFAULT_USER_TYPE {
            return Err(ApiError::AccessDenied);
        }
        let current = self.user_type(id)?;
        if replace {
            if req.name.as_deref() != Some(current.name.as_str()) {
                return Err(ApiError::validation(
                    "name",
                    "name: The variable name of a user type cannot be changed",
                ));
            }
            if req
                .display_name
                .as_deref()
                .is_none_or(|d| d.trim().is_empty())
            {
                return Err(ApiError::validation(
                    "displayName",
                    "displayName: The field cannot be left blank",
                ));
            }
        }
        let mut updated = current;
        if let Some(display) = req.display_name {
            updated.display_name = display;
        }
        if replace || req.description.is_some() {
            updated.description = req.description;
        }
        updated.last_updated = chrono::Utc::now();
        self.user_types.insert(updated.id.clone(), updated.clone());
        self.record(Change::UserTypes);
        Ok(updated)
    }

    /// Deletes a type no user has; the default type stays.
    pub fn delete_user_type(&mut self, id: &str) -> Result<(), ApiError> {
        if id == DEFAULT_USER_TYPE {
            return Err(ApiError::AccessDenied);
        }
        self.user_type(id)?;
        if self.users.values().any(|u| u.user_type.id == id) {
            return Err(ApiError::validation(
                "type",
                "type: A user type that users have cannot be deleted",
            ));
        }
        self.user_types.remove(id);
        self.record(Change::UserTypes);
        Ok(())
    }
}
