use super::support::{client, code, results, stderr, Env, TOKEN};
use serde_json::Value;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/exports");

/// A user of the emulator's org by login: the whole user, status and profile.
async fn user(env: &Env, login: &str) -> Value {
    get(env, &format!("/api/v1/users/{login}")).await
}

async fn profile(env: &Env, login: &str) -> Value {
    user(env, login).await["profile"].clone()
}

async fn get(env: &Env, path: &str) -> Value {
    reqwest::Client::new()
        .get(format!("{}{path}", env.emulator.base_url()))
        .header("Authorization", format!("SSWS {TOKEN}"))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json")
}

/// The names of a user's groups, but Everyone.
async fn groups_of(env: &Env, login: &str) -> Vec<String> {
    let id = user(env, login).await["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let groups = get(env, &format!("/api/v1/users/{id}/groups")).await;
    let mut names: Vec<String> = groups
        .as_array()
        .expect("a list")
        .iter()
        .map(|g| g["profile"]["name"].as_str().unwrap_or_default().to_owned())
        .filter(|n| n != "Everyone")
        .collect();
    names.sort();
    names
}

/// Imports a made-up export of `file` with the preset `map` (and more arguments); answers
/// stderr and the results, which must all be created.
async fn import(
    env: &Env,
    file: &str,
    map: &str,
    more: &[&str],
) -> (String, Vec<std::collections::HashMap<String, String>>) {
    let bytes = std::fs::read(format!("{FIXTURES}/{file}")).expect("fixture");
    env.write(file, bytes);
    let mut args = vec!["users", "import", file, "--map", map];
    args.extend_from_slice(more);
    let out = env.run(&args).await;
    let err = stderr(&out);
    assert_eq!(code(&out), 0, "{file}: {err}");
    let stem = file.trim_end_matches(".csv");
    let rows = results(&env.path(&format!("{stem}.results.csv")));
    assert!(
        rows.iter().all(|r| r["userCreationStatus"] == "Success"),
        "{file}: {rows:?}"
    );
    (err, rows)
}

/// Each row's login and the status Okta gave its user, as the results file has them.
fn statuses(rows: &[std::collections::HashMap<String, String>]) -> Vec<(String, String)> {
    rows.iter()
        .map(|r| (r["login"].clone(), r["userStatus"].clone()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entra_s_export_imports_with_countries_phones_and_blocked_users_staged() {
    let env = Env::start().await;
    let (err, rows) = import(&env, "entra-users.csv", "entra", &[]).await;
    assert!(
        err.contains(
            "1 row disabled by their accountEnabled column, created STAGED (users import): line 4"
        ),
        "{err}"
    );
    assert_eq!(
        statuses(&rows),
        [
            ("ada.lovelace@contoso.example".into(), "PROVISIONED".into()),
            ("grace.hopper@contoso.example".into(), "PROVISIONED".into()),
            ("alan.kay@contoso.example".into(), "STAGED".into()),
        ]
    );
    let ada = profile(&env, "ada.lovelace@contoso.example").await;
    assert_eq!(ada["email"], "ada.lovelace@contoso.example");
    assert_eq!(ada["firstName"], "Ada");
    assert_eq!(ada["lastName"], "Lovelace");
    assert_eq!(ada["title"], "Analyst");
    assert_eq!(ada["zipCode"], "SW1Y 4JH");
    assert_eq!(ada["secondEmail"], "ada@home.example");
    assert_eq!(ada["organization"], "Contoso");
    // "United Kingdom" and "DEU" as ISO codes; phones with their country code in E.164.
    assert_eq!(ada["countryCode"], "GB");
    assert_eq!(ada["primaryPhone"], "+442079460001");
    // Ofcom keeps 07700 900xxx for drama: not a valid number, so it is sent as it is.
    assert_eq!(ada["mobilePhone"], "+44 7700 900001");
    assert!(ada.get("objectId").is_none(), "{ada}");
    let alan = user(&env, "alan.kay@contoso.example").await;
    assert_eq!(alan["status"], "STAGED");
    assert_eq!(alan["profile"]["countryCode"], "DE");
    // A national number is not unambiguous: sent as it is.
    assert_eq!(alan["profile"]["primaryPhone"], "030 901820");
    assert_eq!(
        user(&env, "grace.hopper@contoso.example").await["status"],
        "PROVISIONED"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn google_s_export_puts_users_in_their_unit_s_group_and_suspended_users_staged() {
    let env = Env::start().await;
    env.seed(serde_json::json!({"groups": [{"name": "Research"}]}))
        .await;
    // Without --create-missing-groups, the units the org has no group for are refused.
    let bytes = std::fs::read(format!("{FIXTURES}/google-users.csv")).expect("fixture");
    env.write("google-users.csv", bytes);
    let out = env
        .run(&["users", "import", "google-users.csv", "--map", "google"])
        .await;
    let err = stderr(&out);
    assert_eq!(code(&out), 4, "{err}");
    assert!(
        err.contains("google-users.csv:3: column {Org Unit Path [Required]|after:/} (as groups) (\"Engineering\"): no group named \"Engineering\" in the org"),
        "{err}"
    );
    assert_eq!(env.emulator.stats().writes, 0);

    let (_, rows) = import(
        &env,
        "google-users.csv",
        "google",
        &["--create-missing-groups"],
    )
    .await;
    assert_eq!(
        statuses(&rows),
        [
            ("alan.turing@example.org".into(), "PROVISIONED".into()),
            ("katherine.johnson@example.org".into(), "STAGED".into()),
            ("dorothy.vaughan@example.org".into(), "PROVISIONED".into()),
            ("mary.jackson@example.org".into(), "PROVISIONED".into()),
            ("sundar.admin@example.org".into(), "PROVISIONED".into()),
        ]
    );
    let alan = profile(&env, "alan.turing@example.org").await;
    assert_eq!(alan["login"], "alan.turing@example.org");
    assert_eq!(alan["email"], "alan.turing@example.org");
    assert_eq!(alan["employeeNumber"], "00042");
    assert_eq!(alan["manager"], "ada.lovelace@example.org");
    assert_eq!(alan["costCenter"], "R-100");
    assert_eq!(alan["primaryPhone"], "+441615550100");
    assert_eq!(
        groups_of(&env, "alan.turing@example.org").await,
        ["Research"]
    );
    assert_eq!(
        groups_of(&env, "katherine.johnson@example.org").await,
        ["Engineering"]
    );
    assert_eq!(
        groups_of(&env, "dorothy.vaughan@example.org").await,
        ["Engineering/Computing"]
    );
    // A unit's name with a ';' is one group, not two.
    assert_eq!(
        groups_of(&env, "mary.jackson@example.org").await,
        ["Labs;West"]
    );
    // The top unit is no group.
    assert!(groups_of(&env, "sundar.admin@example.org").await.is_empty());
    // A national number without a region stays as it is.
    assert_eq!(
        profile(&env, "dorothy.vaughan@example.org").await["primaryPhone"],
        "(757) 555-0142"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ad_s_export_finds_each_manager_in_the_same_file_by_dn_or_else_by_name() {
    let env = Env::start().await;
    let (err, rows) = import(&env, "ad-users.csv", "ad", &[]).await;
    assert!(
        err.contains("note: --map ad reads UserPrincipalName as login, GivenName as firstName"),
        "{err}"
    );
    // Name is read only by the lookups of an export without DistinguishedName.
    assert!(err.contains("; left out: SamAccountName, Name\n"), "{err}");
    assert_eq!(
        statuses(&rows)[1],
        ("dennis.ritchie@corp.example".into(), "STAGED".into())
    );
    let margaret = profile(&env, "margaret.hamilton@corp.example").await;
    assert_eq!(margaret["displayName"], "Margaret Hamilton");
    assert_eq!(margaret["countryCode"], "US");
    assert_eq!(margaret["zipCode"], "02139");
    assert_eq!(margaret["employeeNumber"], "000731");
    // Her manager's row comes after hers: the lookup reads the whole file first.
    assert_eq!(margaret["managerId"], "grace.hopper@corp.example");
    assert_eq!(margaret["manager"], "Grace Hopper");
    let dennis = user(&env, "dennis.ritchie@corp.example").await;
    assert_eq!(dennis["status"], "STAGED");
    assert_eq!(
        dennis["profile"]["managerId"],
        "margaret.hamilton@corp.example"
    );
    assert_eq!(dennis["profile"]["manager"], "Margaret Hamilton");
    let grace = profile(&env, "grace.hopper@corp.example").await;
    assert!(grace.get("managerId").is_none_or(Value::is_null), "{grace}");
    assert_eq!(grace["mobilePhone"], "+12025550177");
    // A manager who is not in the file: nothing rather than a guess.
    let kay = profile(&env, "kay.hopper@corp.example").await;
    assert!(kay.get("managerId").is_none_or(Value::is_null), "{kay}");
    assert_eq!(env.users_added(), 4);

    // Without DistinguishedName, the manager's CN is matched against Name.
    let env = Env::start().await;
    let ad = std::fs::read_to_string(format!("{FIXTURES}/ad-users.csv")).expect("fixture");
    let mut reader = csv::Reader::from_reader(ad.as_bytes());
    let header = reader.headers().expect("header").clone();
    let dn = header
        .iter()
        .position(|h| h == "DistinguishedName")
        .expect("the column");
    let mut writer = csv::Writer::from_writer(Vec::new());
    let keep = |r: &csv::StringRecord| -> Vec<String> {
        r.iter()
            .enumerate()
            .filter(|(i, _)| *i != dn)
            .map(|(_, c)| c.to_owned())
            .collect()
    };
    writer.write_record(keep(&header)).expect("header");
    for record in reader.records() {
        writer
            .write_record(keep(&record.expect("row")))
            .expect("row");
    }
    env.write("no-dn.csv", writer.into_inner().expect("written"));
    let out = env
        .run(&["users", "import", "no-dn.csv", "--map", "ad"])
        .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let margaret = profile(&env, "margaret.hamilton@corp.example").await;
    assert_eq!(margaret["managerId"], "grace.hopper@corp.example");
    assert_eq!(margaret["manager"], "Grace Hopper");
    let dennis = profile(&env, "dennis.ritchie@corp.example").await;
    assert_eq!(dennis["managerId"], "margaret.hamilton@corp.example");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mapping_file_s_templates_make_columns_and_disabled_rows_can_be_left_out() {
    let env = Env::start().await;
    env.write(
        "hr.toml",
        r#"unmapped = "ignore"

[columns]
Vorname = "firstName"
Nachname = "lastName"
Passwort = "password"

[templates]
login = "{Vorname|trim|lower}.{Nachname|trim|lower}@example.com"
email = "{Mail|trim|lower}"
nickName = "{Mail|before:@}"
countryCode = "{Land|country}"
groups = "{Abteilung};{Standort|upper}"

[disabled]
column = "Aktiv"
values = ["nein", "0"]
then = "skip"
"#,
    );
    env.write(
        "hr.csv",
        "Vorname,Nachname,Mail,Land,Abteilung,Standort,Aktiv,Passwort\n\
         Ada , Lovelace,Ada.L@Example.com,United Kingdom,R&D;Labs,ber,ja,Geheim-12345\n\
         Bob,Gone,bob@example.com,France,Ops,par,nein,Geheim-12345\n\
         Carl,Friedrich,CARL@example.com,deu,Ops,,1,Geheim-12345\n",
    );
    // validate and a dry run show the rows as they will be sent, the password masked.
    for args in [
        &[
            "validate",
            "hr.csv",
            "--map",
            "hr.toml",
            "--create-missing-groups",
        ][..],
        &[
            "users",
            "import",
            "hr.csv",
            "--map",
            "hr.toml",
            "--create-missing-groups",
            "--dry-run",
        ],
    ] {
        let out = env.run(args).await;
        let err = stderr(&out);
        assert_eq!(code(&out), 0, "{args:?}: {err}");
        assert!(
            err.contains("1 row disabled by their Aktiv column, left out: line 3"),
            "{err}"
        );
        assert!(
            err.contains("line 2 reads as firstName \"Ada\", lastName \"Lovelace\", password ****, countryCode \"GB\", email \"ada.l@example.com\", groups \"R&D\\\\;Labs;BER\", login \"ada.lovelace@example.com\", nickName \"Ada.L\"\n"),
            "{err}"
        );
        assert!(err.contains("line 4 reads as firstName \"Carl\""), "{err}");
        assert!(!err.contains("Geheim"), "{err}");
        assert!(!err.contains("line 3 reads"), "{err}");
    }
    assert_eq!(env.emulator.stats().writes, 0);
    let out = env
        .run(&[
            "users",
            "import",
            "hr.csv",
            "--map",
            "hr.toml",
            "--create-missing-groups",
        ])
        .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // One result per line of the file: the row the mapping leaves out says so, and is sent
    // nothing.
    let rows = results(&env.path("hr.results.csv"));
    let outcome: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["line"].as_str(),
                r["login"].as_str(),
                r["userCreationStatus"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        outcome,
        [
            ("2", "ada.lovelace@example.com", "Success"),
            ("3", "bob.gone@example.com", "Skipped"),
            ("4", "carl.friedrich@example.com", "Success"),
        ]
    );
    assert!(rows[1]["ErrorMessage"].contains("disabled (column Aktiv)"));
    assert!(stderr(&out).contains("1 left out"), "{}", stderr(&out));
    assert!(client(&env)
        .users()
        .get("bob.gone@example.com")
        .await
        .is_err());
    let ada = profile(&env, "ada.lovelace@example.com").await;
    assert_eq!(ada["email"], "ada.l@example.com");
    assert_eq!(ada["nickName"], "Ada.L");
    assert_eq!(ada["countryCode"], "GB");
    assert_eq!(
        groups_of(&env, "ada.lovelace@example.com").await,
        ["BER", "R&D;Labs"]
    );
    let carl = profile(&env, "carl.friedrich@example.com").await;
    assert_eq!(carl["countryCode"], "DE");
    assert_eq!(groups_of(&env, "carl.friedrich@example.com").await, ["Ops"]);
    assert_eq!(env.users_added(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_template_s_problem_names_the_template_and_the_column_it_makes() {
    let env = Env::start().await;
    env.write(
        "hr.toml",
        "unmapped = \"ignore\"\n[columns]\nmail = \"login\"\ngiven = \"firstName\"\nfamily = \"lastName\"\n[templates]\nemail = \"{given}@{family}\"\ncountryCode = \"{land|country}\"\n",
    );
    env.write(
        "hr.csv",
        "mail,given,family,land\nada@example.com,Ada,Lovelace,Atlantis\n",
    );
    let out = env.run(&["validate", "hr.csv", "--map", "hr.toml"]).await;
    let err = stderr(&out);
    assert_ne!(code(&out), 0, "{err}");
    assert!(
        err.contains(
            "hr.csv:2: column {given}@{family} (as email) (\"Ada@Lovelace\"): not an email address"
        ),
        "{err}"
    );
    assert!(
        err.contains("hr.csv:2: column {land|country} (as countryCode): \"Atlantis\" is not a country's name nor its ISO 3166 code"),
        "{err}"
    );
    // A mapping file that cannot work is refused before the file is read.
    env.write("bad.toml", "[templates]\nlogin = \"{mail|shout}\"\n");
    let out = env.run(&["validate", "hr.csv", "--map", "bad.toml"]).await;
    let err = stderr(&out);
    assert_ne!(code(&out), 0, "{err}");
    assert!(
        err.contains(
            "mapping bad.toml: login: template \"{mail|shout}\": no filter named \"shout\""
        ),
        "{err}"
    );
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
        "E-Mail Address,Vorname,Nachname,shoeSize\nnot-an-address,Ada,L,44\n",
    );
    let out = env
        .run(&["users", "import", "hr.csv", "--map", "hr.toml"])
        .await;
    let err = stderr(&out);
    assert_eq!(code(&out), 4, "{err}");
    // The unmapped column keeps its name (the file says nothing of `unmapped`) and is unknown.
    assert!(err.contains("hr.csv:1: column shoeSize"), "{err}");
    assert!(
        err.contains(
            "hr.csv:2: column E-Mail Address (as email) (\"not-an-address\"): not an email address"
        ),
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
    assert_eq!(env.users_added(), 3);
    assert_eq!(
        profile(&env, "grace.hopper@contoso.example").await["department"],
        "Engineering"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_target_the_org_s_schema_lacks_is_refused_at_its_source_column_even_when_ignoring_unknown_ones(
) {
    let env = Env::start().await;
    env.write(
        "hr.toml",
        "unmapped = \"ignore\"\n[columns]\nmail = [\"login\", \"email\"]\nVorname = \"firstName\"\nNachname = \"lastName\"\nAbteilung = \"departmnet\"\n[templates]\nnick = \"{mail|before:@}\"\n",
    );
    env.write(
        "hr.csv",
        "Vorname,Nachname,mail,Abteilung\nAda,Lovelace,ada@example.com,R&D\n",
    );
    for extra in [&[][..], &["--ignore-unknown-columns"]] {
        let mut args = vec!["users", "import", "hr.csv", "--map", "hr.toml"];
        args.extend_from_slice(extra);
        let out = env.run(&args).await;
        let err = stderr(&out);
        assert_eq!(code(&out), 4, "{extra:?}: {err}");
        assert!(
            err.contains("hr.csv:1:4: column Abteilung (as departmnet): the mapping makes this column, but it is not a profile attribute of this org's schema nor a known column; did you mean `department`?: fix the mapping"),
            "{extra:?}: {err}"
        );
        // A template's target is placed at the first column it reads.
        assert!(
            err.contains(
                "hr.csv:1:3: column {mail|before:@} (as nick): the mapping makes this column"
            ),
            "{extra:?}: {err}"
        );
        assert!(
            !err.contains("--ignore-unknown-columns to skip it"),
            "{err}"
        );
    }
    assert_eq!(env.emulator.stats().writes, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workbook_export_is_mapped_with_its_lookups_and_its_disabled_flag_as_booleans() {
    let env = Env::start().await;
    let ad = std::fs::read_to_string(format!("{FIXTURES}/ad-users.csv")).expect("fixture");
    let mut reader = csv::Reader::from_reader(ad.as_bytes());
    let header = reader.headers().expect("header").clone();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (col, name) in header.iter().enumerate() {
        sheet.write_string(0, col as u16, name).expect("header");
    }
    for (row, record) in reader.records().enumerate() {
        let record = record.expect("row");
        for (col, (name, cell)) in header.iter().zip(record.iter()).enumerate() {
            let (row, col) = (row as u32 + 1, col as u16);
            // A spreadsheet keeps Enabled as a boolean.
            if name == "Enabled" {
                sheet.write_boolean(row, col, cell == "True").expect("cell");
            } else if !cell.is_empty() {
                sheet.write_string(row, col, cell).expect("cell");
            }
        }
    }
    env.write("ad.xlsx", book.save_to_buffer().expect("saved"));
    let out = env
        .run(&["users", "import", "ad.xlsx", "--map", "ad"])
        .await;
    let err = stderr(&out);
    assert_eq!(code(&out), 0, "{err}");
    assert!(
        err.contains(
            "1 row disabled by their Enabled column, created STAGED (users import): line 3"
        ),
        "{err}"
    );
    let dennis = user(&env, "dennis.ritchie@corp.example").await;
    assert_eq!(dennis["status"], "STAGED");
    assert_eq!(
        dennis["profile"]["managerId"],
        "margaret.hamilton@corp.example"
    );
    let margaret = profile(&env, "margaret.hamilton@corp.example").await;
    assert_eq!(margaret["managerId"], "grace.hopper@corp.example");
    assert_eq!(env.users_added(), 4);
}

/// `-q` prints nothing but errors: not the mapping's note, nor the rows it previews (which
/// hold people's data).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quiet_prints_no_mapping_note() {
    let env = Env::start().await;
    let bytes = std::fs::read(format!("{FIXTURES}/entra-users.csv")).expect("fixture");
    env.write("entra.csv", bytes);
    let out = env
        .run(&["validate", "entra.csv", "--map", "entra", "-q"])
        .await;
    let err = stderr(&out);
    assert!(!err.contains("note:") && !err.contains("reads as"), "{err}");
    let out = env.run(&["validate", "entra.csv", "--map", "entra"]).await;
    assert!(stderr(&out).contains("reads as"), "{}", stderr(&out));
}
