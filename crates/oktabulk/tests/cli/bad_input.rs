use super::support::{code, stderr, Env};

/// Runs an import of `content` and checks the exit code, that the message names what is wrong,
/// and that nothing was written to the org.
async fn refused(env: &Env, name: &str, content: &[u8], expect: &[&str]) {
    env.write(name, content);
    let out = env.run(&["users", "import", name]).await;
    let err = stderr(&out);
    assert_eq!(code(&out), 4, "{name}: {err}");
    for part in expect {
        assert!(err.contains(part), "{name}: expected {part:?} in:\n{err}");
    }
    assert!(err.contains("nothing was sent"), "{name}: {err}");
    assert!(!err.contains("panicked"), "{name}: {err}");
    assert_eq!(env.emulator.stats().writes, 0, "{name}: no write request");
}

const HEADER: &str = "login,email,firstName,lastName,password\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bad_file_gives_its_error_and_exit_code_and_sends_nothing() {
    let env = Env::start().await;
    let ok = "a@example.com,a@example.com,A,B,Correct-Horse-42\n";
    refused(
        &env,
        "ragged.csv",
        format!("{HEADER}{ok}b@example.com,b@example.com,B\n").as_bytes(),
        &["ragged.csv:3:", "the row has 3 fields but the header has 5"],
    )
    .await;
    let mut latin1 = HEADER.as_bytes().to_vec();
    latin1.extend_from_slice(b"j@example.com,j@example.com,J\xe9r\xf4me,B,\n");
    refused(
        &env,
        "latin1.csv",
        &latin1,
        &[
            "latin1.csv:2:",
            "column firstName",
            "not UTF-8",
            "CSV UTF-8",
        ],
    )
    .await;
    refused(
        &env,
        "utf16.csv",
        &[0xFF, 0xFE, b'l', 0, b'o', 0],
        &["UTF-16"],
    )
    .await;
    refused(
        &env,
        "duplicate-header.csv",
        format!("login,email,firstName,lastName,email\n{ok}").as_bytes(),
        &[
            "duplicate-header.csv:1:",
            "column email",
            "the same column as",
        ],
    )
    .await;
    refused(
        &env,
        "missing-column.csv",
        b"login,email,firstName\na@example.com,a@example.com,A\n",
        &["column lastName", "required column is missing"],
    )
    .await;
    refused(
        &env,
        "unknown-column.csv",
        format!("login,email,firstName,lastName,shoeSize\n{ok}").as_bytes(),
        &["column shoeSize", "--ignore-unknown-columns"],
    )
    .await;
    refused(&env, "duplicate-login.csv", format!("{HEADER}{ok}A@Example.com,a2@example.com,A,C,\nä@example.com,x@example.com,A,C,\na@example.com,a3@example.com,A,D,\n").as_bytes(),
        &["duplicate-login.csv:3:", "the same login as line 2", "duplicate-login.csv:5:"]).await;
    refused(
        &env,
        "bad-email.csv",
        format!("{HEADER}a@example.com,not-an-email,A,B,\nnot-a-login,b@example.com,B,C,\n")
            .as_bytes(),
        &[
            "bad-email.csv:2: column email (\"not-an-email\"): not an email address",
            "bad-email.csv:3: column login",
            "must be an email address",
        ],
    )
    .await;
    let huge = "x".repeat(100 * 1024);
    refused(
        &env,
        "huge.csv",
        format!("{HEADER}a@example.com,a@example.com,{huge},B,\n").as_bytes(),
        &["huge.csv:2: column firstName", "102400 characters"],
    )
    .await;
    refused(&env, "formula.csv", format!("{HEADER}a@example.com,a@example.com,=HYPERLINK(\"http://x\"),B,\nb@example.com,b@example.com,@SUM(A1),B,\n").as_bytes(),
        &["formula.csv:2: column firstName", "spreadsheet formula", "formula.csv:3:"]).await;
    refused(
        &env,
        "semicolons.csv",
        b"login;email;firstName;lastName\na@example.com;a@example.com;A;B\n",
        &["--delimiter ';'"],
    )
    .await;
    refused(&env, "empty.csv", b"", &["the file is empty"]).await;
    refused(
        &env,
        "emoji.csv",
        format!("{HEADER}a@example.com,a@example.com,Smile😀,B,\n").as_bytes(),
        &["4-byte"],
    )
    .await;
    refused(&env, "hash.csv", b"login,email,firstName,lastName,hashAlgorithm,hashValue\na@example.com,a@example.com,A,B,BCRYPT,xyz\n",
        &["hashWorkFactor", "22-character salt"]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passwords_never_appear_in_messages() {
    let env = Env::start().await;
    let secret = "Sup3r-Secret-Value";
    let csv = format!(
        "{HEADER}a@example.com,a@example.com,A,B,{secret}\na@example.com,bad,A,B,{secret}\n"
    );
    env.write("p.csv", csv);
    let out = env.run(&["users", "import", "p.csv"]).await;
    assert_eq!(code(&out), 4);
    assert!(!stderr(&out).contains(secret), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn excel_files_with_bom_and_crlf_just_work() {
    let env = Env::start().await;
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(
        b"login,email, firstName, lastName\r\nbom@example.com,bom@example.com,B,O\r\n\r\n",
    );
    env.write("excel.csv", bytes);
    let out = env.run(&["users", "import", "excel.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(env.users_added(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_and_damaged_cells_are_refused_with_the_line_an_editor_shows() {
    let env = Env::start().await;
    let ok = "a@example.com,a@example.com,A,B,Correct-Horse-42";
    // Excel's default: CRLF. The bad row is on line 4 as an editor shows it.
    let crlf = format!(
        "{}\r\n{ok}\r\nb@example.com,b@example.com,B,B,\r\nnot-an-email,c@example.com,C,C,\r\n",
        HEADER.trim_end()
    );
    refused(
        &env,
        "crlf.csv",
        crlf.as_bytes(),
        &["crlf.csv:4:", "column login"],
    )
    .await;
    let escape = format!("{HEADER}esc2@example.com\x1b]0;pwned\x07,e@example.com,E,E,\n");
    refused(
        &env,
        "escape.csv",
        escape.as_bytes(),
        &[
            "escape.csv:2:",
            "column login",
            "invisible or control character",
        ],
    )
    .await;
    let out = env.run(&["users", "import", "escape.csv"]).await;
    assert!(
        !out.stderr.contains(&0x1b),
        "no raw escape reaches the terminal"
    );
    let bidi = format!("{HEADER}a\u{202e}moc.elpmaxe@b.com,b@example.com,B,B,\n");
    refused(&env, "bidi.csv", bidi.as_bytes(), &["U+202E"]).await;
    let nul = format!("{HEADER}n@example.com,n@example.com,N\0,N,\n");
    refused(&env, "nul.csv", nul.as_bytes(), &["nul.csv:2:", "NUL"]).await;
    let utf16: Vec<u8> = format!("{HEADER}{ok}\n")
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    refused(&env, "utf16-nobom.csv", &utf16, &["UTF-16"]).await;
    let hashed = "login,email,firstName,lastName,hashAlgorithm,hashValue\nh@example.com,h@example.com,H,H,BCRYPT,abc\n";
    refused(
        &env,
        "hash.csv",
        hashed.as_bytes(),
        &["column hashWorkFactor: BCRYPT needs a work factor from 1 to 20"],
    )
    .await;
    let mut wide = String::from("login,email,firstName,lastName");
    for i in 0..100_000 {
        wide.push_str(&format!(",extra{i}"));
    }
    wide.push('\n');
    env.write("wide.csv", &wide);
    let out = env.run(&["validate", "wide.csv"]).await;
    assert_eq!(code(&out), 4);
    let err = stderr(&out);
    assert!(err.lines().count() < 40, "{} lines", err.lines().count());
    assert!(err.contains("and 99980 more unknown columns"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_bcrypt_string_names_the_columns_to_fill_and_is_not_sent() {
    let env = Env::start().await;
    let salt = "rwh3vH166HCH/NT9XV5FYu";
    let hash = "qaMqvAPULkbiQzkTCWo5XDcvzpk8Tna";
    let header = "login,email,firstName,lastName,hashAlgorithm,hashWorkFactor,hashSalt,hashValue\n";
    // Alone, and with the other columns filled as well: neither reaches Okta.
    for (name, work, salt_cell) in [("alone.csv", "", ""), ("filled.csv", "10", salt)] {
        let csv = format!(
            "{header}b@example.com,b@example.com,B,B,BCRYPT,{work},{salt_cell},$2y$10${salt}{hash}\n"
        );
        refused(
            &env,
            name,
            csv.as_bytes(),
            &[
                &format!("{name}:2: column hashValue"),
                "holds a whole bcrypt string ($2y$, cost 10",
                "hashWorkFactor 10, hashSalt the 22 characters after \"$10$\"",
                "hashValue only the last 31 characters",
            ],
        )
        .await;
        let out = env.run(&["users", "import", name]).await;
        assert!(!stderr(&out).contains(hash), "{}", stderr(&out));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_that_mixes_scripts_is_warned_about_not_refused() {
    let env = Env::start().await;
    // the first "a" is Cyrillic
    let csv = format!("{HEADER}p\u{430}ypal@example.com,p@example.com,P,P,\n");
    env.write("mixed.csv", csv);
    let out = env.run(&["validate", "mixed.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning: mixes scripts"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ascii_look_alike_logins_are_warned_about_not_refused() {
    let env = Env::start().await;
    let csv = format!(
        "{HEADER}admin@example.com,a@example.com,A,A,\n\
         ann@example.com,b@example.com,A,A,\n\
         admin@examp1e.com,c@example.com,A,A,\n"
    );
    env.write("alike.csv", csv);
    let out = env.run(&["validate", "alike.csv"]).await;
    let err = stderr(&out);
    assert_eq!(code(&out), 0, "{err}");
    assert!(
        err.contains("alike.csv:4: column login (\"admin@examp1e.com\"): warning: looks like the login on line 2"),
        "{err}"
    );
    assert_eq!(err.matches("looks like").count(), 1, "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_name_with_a_semicolon_can_be_named_and_an_ambiguous_cell_is_refused() {
    let env = Env::start().await;
    let report = env
        .seed(serde_json::json!({"groups": [{"name": "R&D; Europe"}, {"name": "R&D"}]}))
        .await;
    let header = "login,email,firstName,lastName,groups\n";
    let ambiguous = format!("{header}g1@example.com,g1@example.com,G,G,R&D; Europe\n");
    env.write("ambiguous.csv", &ambiguous);
    let out = env
        .run(&[
            "users",
            "import",
            "ambiguous.csv",
            "--create-missing-groups",
        ])
        .await;
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("both the name of one group and a list of 2 groups"),
        "{}",
        stderr(&out)
    );
    assert_eq!(env.emulator.stats().writes, 0, "no group was created");

    let escaped = format!("{header}g2@example.com,g2@example.com,G,G,R&D\\; Europe\n");
    env.write("escaped.csv", &escaped);
    let out = env.run(&["users", "import", "escaped.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let id = super::support::results(&env.path("escaped.results.csv"))[0]["id"].clone();
    let client = okta_client::Client::builder(
        env.emulator.base_url(),
        okta_client::Credentials::ApiToken(okta_client::Secret::new(super::support::TOKEN)),
    )
    .expect("config")
    .build()
    .expect("client");
    let groups = client
        .users()
        .groups(&id.as_str().into())
        .await
        .expect("the user's groups");
    let names: Vec<&str> = groups
        .iter()
        .map(|g| g.profile.name.as_str())
        .filter(|n| *n != "Everyone")
        .collect();
    assert_eq!(names, ["R&D; Europe"], "only the group the cell names");
    assert!(report.groups.contains_key("R&D"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_without_a_header_row_is_named_and_none_of_its_cells_is_shown() {
    let env = Env::start().await;
    let rows = "ada@example.com,ada@example.com,Ada,Lovelace,Secret-Horse-42\n\
                bob@example.com,bob@example.com,Bob,Byron,Other-Horse-43\n";
    refused(
        &env,
        "no-header.csv",
        rows.as_bytes(),
        &[
            "no-header.csv:1:",
            "no header row",
            "column 1 holds an email",
        ],
    )
    .await;
    // The same for another command's file, keyed by ids.
    env.write(
        "no-header-ids.csv",
        "00u1abcdefghIJKLMN0h,Secret-Horse-42\n00u2abcdefghIJKLMN0h,x\n",
    );
    let out = env.run(&["users", "deactivate", "no-header-ids.csv"]).await;
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no-header-ids.csv:1: the first row holds values, not column names (column 1 holds a user's id)"),
        "{}",
        stderr(&out)
    );
    for out in [&out, &env.run(&["users", "import", "no-header.csv"]).await] {
        let err = stderr(out);
        assert!(err.contains("no header row"), "{err}");
        for cell in [
            "Secret-Horse-42",
            "ada@example.com",
            "Lovelace",
            "Ada",
            "00u1abc",
        ] {
            assert!(!err.contains(cell), "{cell:?} shown:\n{err}");
        }
        assert!(!err.contains("--ignore-unknown-columns"), "{err}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headers_from_spreadsheets_get_the_column_they_meant() {
    let env = Env::start().await;
    refused(
        &env,
        "spelled.csv",
        b"login,E-mail,Given Name,Surname,Pasword\na@example.com,a@example.com,A,B,Correct-Horse-42\n",
        &[
            "spelled.csv:1: column E-mail: not a profile attribute of this org's schema nor a known column; did you mean `email`?",
            "column Given Name: not a profile attribute of this org's schema nor a known column; did you mean `firstName`?",
            "column Surname: not a profile attribute of this org's schema nor a known column; did you mean `lastName`?",
            "column Pasword: not a profile attribute of this org's schema nor a known column; did you mean `password`?",
        ],
    )
    .await;
    refused(
        &env,
        "far.csv",
        format!("{}shoeSize\n", HEADER.trim_end().to_owned() + ",").as_bytes(),
        &["column shoeSize", "--ignore-unknown-columns"],
    )
    .await;
    let err = stderr(&env.run(&["users", "import", "far.csv"]).await);
    assert!(!err.contains("did you mean"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_empty_rows_a_spreadsheet_leaves_are_ignored_with_one_note() {
    let env = Env::start().await;
    env.write(
        "trailing.csv",
        format!("{HEADER}a@example.com,a@example.com,A,B,Correct-Horse-42\r\n,,,,\r\n,,,,\r\n , ,,,\r\n"),
    );
    let out = env.run(&["users", "import", "trailing.csv"]).await;
    let err = stderr(&out);
    assert_eq!(code(&out), 0, "{err}");
    assert_eq!(
        err.matches("note: 3 empty rows ignored (rows of empty cells, as spreadsheets leave them)")
            .count(),
        1,
        "{err}"
    );
    assert!(!err.contains("fields but the header"), "{err}");
    let rows = super::support::results(&env.path("trailing.results.csv"));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["userCreationStatus"], "Success");
    assert_eq!(env.users_added(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_problem_is_reported_in_one_run() {
    let env = Env::start().await;
    let content = "login,email,firstName,lastName,shoeSize,groups\n\
                   a@example.com,a@example.com,A,B,44,No Such Group\n\
                   b@example.com,b@example.com,B,C,45,\n\
                   B@example.com,c@example.com,C,D,46,\n";
    refused(
        &env,
        "everything.csv",
        content.as_bytes(),
        &[
            "everything.csv:1: column shoeSize",
            "everything.csv:2: column groups (\"No Such Group\"): no group named",
            "everything.csv:4: column login (\"B@example.com\"): the same login as line 3",
            "3 problems: 1 with the file as a whole, the others in 2 of 3 rows",
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_column_wrong_in_every_row_shows_its_first_hundred_problems_and_counts_the_rest() {
    let env = Env::start().await;
    let mut content = String::from(HEADER);
    for i in 0..150 {
        content.push_str(&format!("u{i}@example.com,not-an-email-{i},A,B,\n"));
    }
    content.push_str("late@example.com,late@example.com,=1+1,B,\n");
    refused(
        &env,
        "every-row.csv",
        content.as_bytes(),
        &[
            "every-row.csv:101: column email (\"not-an-email-99\"): not an email address",
            "and 50 more problems in column email (150 in all; the first 100 are shown)",
            "151 problems in 151 of 151 rows",
        ],
    )
    .await;
    let err = stderr(&env.run(&["users", "import", "every-row.csv"]).await);
    assert_eq!(err.matches("not an email address").count(), 100, "{err}");
    assert!(!err.contains("not-an-email-100\""), "{err}");
    // Another column's problem is still shown.
    assert!(err.contains("every-row.csv:152: column firstName"), "{err}");
}

/// A length Okta enforces without stating it in the schema document (`countryCode` at most 2)
/// is checked before anything is sent, as the org would refuse it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_length_okta_does_not_state_is_checked_first() {
    let env = Env::start().await;
    env.write(
        "c.csv",
        "login,email,firstName,lastName,countryCode\n\
         a@example.com,a@example.com,A,B,USA\n\
         b@example.com,b@example.com,B,C,US\n",
    );
    let out = env.run(&["users", "import", "c.csv"]).await;
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("c.csv:2: column countryCode"),
        "{}",
        stderr(&out)
    );
    assert_eq!(env.users_added(), 0);
}

/// A cell refused for its length reads as empty to the checks after it: its one problem is the
/// length, never also "required, but empty".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cell_too_long_is_one_problem() {
    let env = Env::start().await;
    env.write(
        "long.csv",
        format!(
            "login,email,firstName,lastName\na@example.com,a@example.com,{},B\n",
            "x".repeat(20_000)
        ),
    );
    let out = env.run(&["validate", "long.csv"]).await;
    assert_eq!(code(&out), 4);
    let err = stderr(&out);
    assert!(
        err.contains("long.csv:2: column firstName: the cell has 20000 characters; at most 10000 are accepted"),
        "{err}"
    );
    assert_eq!(err.matches("column firstName").count(), 1, "{err}");
    assert!(err.contains("1 problem in 1 of 1 row"), "{err}");
}
