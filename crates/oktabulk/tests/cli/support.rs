use okta_emulator::{EmulatorConfig, EmulatorHandle, RateLimitConfig, Seed};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Output;

pub const TOKEN: &str = "e2e-test-token";

pub struct Env {
    pub emulator: EmulatorHandle,
    pub dir: tempfile::TempDir,
    /// The users of the org when the test began (a new org has its tokens' owner).
    baseline_users: usize,
}

impl Env {
    pub async fn start() -> Env {
        Self::with_limits(RateLimitConfig::off()).await
    }

    pub async fn with_limits(limits: RateLimitConfig) -> Env {
        let emulator = EmulatorConfig::new(TOKEN)
            .rate_limits(limits)
            .start()
            .await
            .expect("emulator starts");
        Self::with_emulator(emulator)
    }

    pub fn with_emulator(emulator: EmulatorHandle) -> Env {
        Env {
            baseline_users: emulator.user_count(),
            emulator,
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    /// The users the test added to the org it began with.
    pub fn users_added(&self) -> usize {
        self.emulator.user_count() - self.baseline_users
    }

    pub async fn seed(&self, seed: serde_json::Value) -> okta_emulator::SeedReport {
        let seed: Seed = serde_json::from_value(seed).expect("seed");
        self.emulator.seed(seed).await.expect("seeded")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, content).expect("write input");
        path
    }

    /// The binary, configured through the environment only (never a token argument).
    pub fn command(&self) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_oktabulk"));
        cmd.current_dir(self.dir.path())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.path("home"))
            .env("OKTABULK_HOME", self.path("oktabulk-home"))
            .env("OKTA_CLIENT_ORGURL", self.emulator.base_url())
            .env("OKTA_CLIENT_TOKEN", TOKEN)
            .env("NO_COLOR", "1")
            .kill_on_drop(true);
        cmd
    }

    pub async fn run(&self, args: &[&str]) -> Output {
        self.command()
            .args(args)
            .output()
            .await
            .expect("oktabulk runs")
    }
}

pub fn code(output: &Output) -> i32 {
    output.status.code().expect("exited, not killed")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The results file as rows of column name to value.
pub fn results(path: &Path) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).expect("results file");
    let headers = reader.headers().expect("header").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("record");
            headers
                .iter()
                .map(str::to_owned)
                .zip(r.iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

/// A seed-format CSV with `n` users, every other one with a password.
pub fn seed_csv(n: usize, group: &str) -> String {
    let mut csv = String::from("login,email,firstName,lastName,password,groupId\n");
    for i in 0..n {
        let login = format!("user{i:05}@example.com");
        let password = if i % 2 == 0 { "Correct-Horse-42" } else { "" };
        csv.push_str(&format!(
            "{login},{login},First{i},Last{i},{password},{group}\n"
        ));
    }
    csv
}

/// A client of the test's emulator, with the test token: to read what a run did.
pub fn client(env: &Env) -> okta_client::Client {
    okta_client::Client::builder(
        env.emulator.base_url(),
        okta_client::Credentials::ApiToken(okta_client::Secret::new(TOKEN)),
    )
    .expect("config")
    .build()
    .expect("client")
}
