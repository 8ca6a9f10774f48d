use super::support::{code, results, stderr, Env, TOKEN};
use serde_json::Value;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/exports");

async fn profile(env: &Env, login: &str) -> Value {
    let user: Value = reqwest::Client::new()
        .get(format!("{}/api/v1/users/{login}", env.emulator.base_url()))
        .header("Authorization", format!("SSWS {TOKEN}"))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    user["profile"].clone()
}

/// Imports a made-up export of `file` with the preset `map`; answers stderr.
async fn import(env: &Env, file: &str, map: &str) -> String {
    let bytes = std::fs::read(format!("{FIXTURES}/{file}")).expect("fixture");
    env.write(file, bytes);
    let out = env.run(&["users", "import", file, "--map", map]).await;
    let err = stderr(&out);
    assert_eq!(code(&out), 0, "{file}: {err}");
    let stem = file.trim_end_matches(".csv");
    let rows = results(&env.path(&format!("{stem}.results.csv")));
    assert_eq!(rows.len(), 2, "{file}");
    assert!(
        rows.iter().all(|r| r["userCreationStatus"] == "Success"),
        "{file}: {rows:?}"
    );
    err
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_directory_s_export_imports_through_its_preset() {
    let env = Env::start().await;
    import(&env, "entra-users.csv", "entra").await;
    let ada = profile(&env, "ada.lovelace@contoso.example").await;
    assert_eq!(ada["email"], "ada.lovelace@contoso.example");
    assert_eq!(ada["firstName"], "Ada");
    assert_eq!(ada["lastName"], "Lovelace");
    assert_eq!(ada["title"], "Analyst");
    assert_eq!(ada["zipCode"], "SW1Y 4JH");
    assert_eq!(ada["secondEmail"], "ada@home.example");
    assert_eq!(ada["organization"], "Contoso");
    assert!(ada.get("objectId").is_none(), "{ada}");

    import(&env, "google-users.csv", "google").await;
    let alan = profile(&env, "alan.turing@example.org").await;
    assert_eq!(alan["login"], "alan.turing@example.org");
    assert_eq!(alan["email"], "alan.turing@example.org");
    assert_eq!(alan["employeeNumber"], "00042");
    assert_eq!(alan["manager"], "ada.lovelace@example.org");
    assert_eq!(alan["costCenter"], "R-100");

    let err = import(&env, "ad-users.csv", "ad").await;
    assert!(
        err.contains("note: --map ad reads UserPrincipalName as login, GivenName as firstName"),
        "{err}"
    );
    assert!(
        err.contains("; left out: SamAccountName, Enabled, manager"),
        "{err}"
    );
    let margaret = profile(&env, "margaret.hamilton@corp.example").await;
    assert_eq!(margaret["displayName"], "Margaret Hamilton");
    assert_eq!(margaret["countryCode"], "US");
    assert_eq!(margaret["zipCode"], "02139");
    assert_eq!(margaret["employeeNumber"], "000731");
    assert_eq!(env.users_added(), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mapping_file_renames_columns_and_problems_name_the_source_column() {
    let env = Env::start().await;
    env.write(
        "hr.toml",
        "[columns]\n\"E-Mail Address\" = [\"login\", \"email\"]\nVorname = \"firstName\"\nNachname = \"lastName\"\n",
    );
    env.write(
        "hr.csv",
        "E-Mail Address,Vorname,Nachname,shoeSize\nnope,Ada,L,44\n",
    );
    let out = env
        .run(&["users", "import", "hr.csv", "--map", "hr.toml"])
        .await;
    let err = stderr(&out);
    assert_eq!(code(&out), 4, "{err}");
    // The unmapped column keeps its name (the file says nothing of `unmapped`) and is unknown.
    assert!(err.contains("hr.csv:1: column shoeSize"), "{err}");
    assert!(
        err.contains("hr.csv:2: column E-Mail Address (as email) (\"nope\"): not an email address"),
        "{err}"
    );
    // The wrong preset for the file.
    let out = env
        .run(&["users", "import", "hr.csv", "--map", "entra"])
        .await;
    let err = stderr(&out);
    assert_eq!(code(&out), 4, "{err}");
    assert!(
        err.contains("the mapping entra names none of the file's columns"),
        "{err}"
    );
    let out = env
        .run(&["users", "import", "hr.csv", "--map", "azure"])
        .await;
    let err = stderr(&out);
    assert!(err.contains("not a preset (entra, google, ad)"), "{err}");
    assert_eq!(env.emulator.stats().writes, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn windows_powershell_s_type_line_is_skipped_and_lines_still_count() {
    let env = Env::start().await;
    let ad = std::fs::read_to_string(format!("{FIXTURES}/ad-users.csv")).expect("fixture");
    let ad = ad.replace(
        "\"dennis.ritchie@corp.example\",\"Dennis\"",
        "\"nope\",\"Dennis\"",
    );
    env.write(
        "ps5.csv",
        format!("#TYPE Selected.Microsoft.ActiveDirectory.Management.ADUser\r\n{ad}"),
    );
    let out = env
        .run(&["users", "import", "ps5.csv", "--map", "ad"])
        .await;
    let err = stderr(&out);
    assert_eq!(code(&out), 4, "{err}");
    assert!(
        err.contains("ps5.csv:4: column UserPrincipalName (as login) (\"nope\")"),
        "{err}"
    );
    assert!(!err.contains("#TYPE"), "{err}");
    assert_eq!(env.emulator.stats().writes, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_is_told_from_its_header_without_map() {
    let env = Env::start().await;
    let bytes = std::fs::read(format!("{FIXTURES}/entra-users.csv")).expect("fixture");
    env.write("entra.csv", bytes);
    let out = env.run(&["users", "import", "entra.csv"]).await;
    let err = stderr(&out);
    assert_eq!(code(&out), 0, "{err}");
    assert!(
        err.contains("note: the header is the export --map entra reads (pass --map FILE to read it otherwise); it reads userPrincipalName as login"),
        "{err}"
    );
    assert_eq!(env.users_added(), 2);
    assert_eq!(
        profile(&env, "grace.hopper@contoso.example").await["department"],
        "Engineering"
    );
}
