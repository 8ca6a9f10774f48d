//! Any bytes as the JSON body of a user or group create: decoded or refused, and a decoded body
//! is created or refused by the org's rules, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use okta_emulator::state::org::Org;
use okta_emulator::state::users::CreateOptions;
use okta_model::{CreateGroupRequest, CreateUserRequest, GroupType};

fuzz_target!(|data: &[u8]| {
    let mut org = Org::new("http://127.0.0.1:1");
    if let Ok(body) = serde_json::from_slice::<CreateUserRequest>(data) {
        for activate in [true, false] {
            let _ = org.create_user(
                body.clone(),
                CreateOptions {
                    activate,
                    expire_password: !activate,
                },
            );
        }
    }
    if let Ok(body) = serde_json::from_slice::<CreateGroupRequest>(data) {
        let _ = org.create_group(body.profile, GroupType::OktaGroup, None);
    }
});
