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
        &["hashWorkFactor", "22-character hashSalt"]).await;
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
    assert_eq!(env.emulator.user_count(), 1);
}
