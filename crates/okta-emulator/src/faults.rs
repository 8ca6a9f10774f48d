//! Fault injection: rules that match a method and a path and answer an error status with Okta's
//! body, add latency, or drop the connection before or after the request is applied; each rule
//! fires a given number of times or with a probability drawn from a seeded generator.

use parking_lot::Mutex;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
pub enum FaultAction {
    /// Answer this status with Okta's body for it; the request is not applied.
    Status { status: u16 },
    /// Wait this long before handling the request.
    Latency { ms: u64 },
    /// Close the connection without answering; the request is not applied.
    DropBefore,
    /// Apply the request, then close the connection without answering.
    DropAfter,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultRule {
    /// `GET`, `POST`...; any method when absent.
    #[serde(default)]
    pub method: Option<String>,
    /// The request path; `*` matches any run of characters.
    pub path: String,
    pub action: FaultAction,
    /// Let this many matching requests pass before the rule starts firing.
    #[serde(default)]
    pub skip: u32,
    /// Fire at most this many times.
    #[serde(default)]
    pub times: Option<u32>,
    /// Fire with this probability (0 to 1) on each matching request.
    #[serde(default)]
    pub probability: Option<f64>,
}

/// A whole set of rules, as `PUT /__emulator/faults` takes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultConfig {
    #[serde(default)]
    pub seed: u64,
    pub rules: Vec<FaultRule>,
}

/// What the faults decided for one request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FaultPlan {
    pub latency: Duration,
    pub outcome: Option<FaultOutcome>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultOutcome {
    Status(u16),
    DropBefore,
    DropAfter,
}

#[derive(Debug)]
struct Armed {
    rule: FaultRule,
    matched: u32,
    fired: u32,
}

#[derive(Debug)]
struct FaultState {
    rules: Vec<Armed>,
    rng: StdRng,
    fired: u64,
}

#[derive(Debug)]
pub struct Faults(Mutex<FaultState>);

impl Default for Faults {
    fn default() -> Self {
        Self(Mutex::new(FaultState {
            rules: Vec::new(),
            rng: StdRng::seed_from_u64(0),
            fired: 0,
        }))
    }
}

impl Faults {
    pub fn set(&self, config: FaultConfig) {
        let mut state = self.0.lock();
        state.rng = StdRng::seed_from_u64(config.seed);
        state.rules = config
            .rules
            .into_iter()
            .map(|rule| Armed {
                rule,
                matched: 0,
                fired: 0,
            })
            .collect();
    }

    pub fn clear(&self) {
        self.set(FaultConfig::default());
        self.0.lock().fired = 0;
    }

    /// How many times any rule has fired since the last clear.
    pub fn fired(&self) -> u64 {
        self.0.lock().fired
    }

    pub fn plan(&self, method: &str, path: &str) -> FaultPlan {
        let mut state = self.0.lock();
        let FaultState { rules, rng, fired } = &mut *state;
        let mut plan = FaultPlan::default();
        for armed in rules.iter_mut() {
            let rule = &armed.rule;
            let method_ok = rule
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method));
            if !method_ok || !glob_match(&rule.path, path) {
                continue;
            }
            armed.matched += 1;
            if armed.matched <= rule.skip || rule.times.is_some_and(|t| armed.fired >= t) {
                continue;
            }
            if rule.probability.is_some_and(|p| rng.gen::<f64>() >= p) {
                continue;
            }
            let outcome = match rule.action {
                FaultAction::Latency { ms } => {
                    plan.latency += Duration::from_millis(ms);
                    None
                }
                FaultAction::Status { status } => Some(FaultOutcome::Status(status)),
                FaultAction::DropBefore => Some(FaultOutcome::DropBefore),
                FaultAction::DropAfter => Some(FaultOutcome::DropAfter),
            };
            if outcome.is_some() && plan.outcome.is_some() {
                continue;
            }
            armed.fired += 1;
            *fired += 1;
            plan.outcome = plan.outcome.or(outcome);
        }
        plan
    }
}

/// `*` matches any run of characters (including `/`); everything else matches itself.
fn glob_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || !text[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(i) => rest = &rest[i + middle.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(action: FaultAction) -> FaultRule {
        FaultRule {
            method: Some("POST".into()),
            path: "/api/v1/users".into(),
            action,
            skip: 0,
            times: None,
            probability: None,
        }
    }

    #[test]
    fn globs() {
        assert!(glob_match(
            "/api/v1/users/*/lifecycle/*",
            "/api/v1/users/00u1/lifecycle/activate"
        ));
        assert!(glob_match("*", "/anything"));
        assert!(!glob_match("/api/v1/users", "/api/v1/users/1"));
        assert!(!glob_match("/api/*/groups", "/api/v1/users"));
    }

    #[test]
    fn counts_skip_and_times() {
        let faults = Faults::default();
        let mut r = rule(FaultAction::Status { status: 503 });
        r.skip = 1;
        r.times = Some(2);
        faults.set(FaultConfig {
            seed: 1,
            rules: vec![r],
        });
        let outcomes: Vec<_> = (0..5)
            .map(|_| faults.plan("POST", "/api/v1/users").outcome)
            .collect();
        let s = Some(FaultOutcome::Status(503));
        assert_eq!(outcomes, vec![None, s, s, None, None]);
        assert_eq!(faults.plan("GET", "/api/v1/users").outcome, None);
        assert_eq!(faults.fired(), 2);
    }

    #[test]
    fn probability_is_reproducible_with_a_seed() {
        let run = || {
            let faults = Faults::default();
            let mut r = rule(FaultAction::DropBefore);
            r.probability = Some(0.3);
            faults.set(FaultConfig {
                seed: 42,
                rules: vec![r],
            });
            (0..200)
                .map(|_| faults.plan("POST", "/api/v1/users").outcome.is_some())
                .collect::<Vec<_>>()
        };
        let first = run();
        assert_eq!(first, run());
        let hits = first.iter().filter(|h| **h).count();
        assert!((30..90).contains(&hits), "{hits} of 200 at p=0.3");
    }
}
