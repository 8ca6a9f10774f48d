use super::support::{code, results, stderr, Env, TOKEN};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::Value;

/// A workbook as a spreadsheet program saves one: a first sheet of notes, then the users, with
/// a number that is an id, a phone number with its leading zero (text), a date, a boolean, and
/// an empty row between two people. `bad` makes the second person's email invalid.
fn workbook(bad: bool) -> Vec<u8> {
    let mut book = Workbook::new();
    let notes = book.add_worksheet().set_name("Notes").expect("named");
    notes
        .write_string(0, 0, "Exported for the move to Okta")
        .expect("cell");
    let users = book.add_worksheet().set_name("Users").expect("named");
    let header = [
        "login",
        "email",
        "firstName",
        "lastName",
        "employeeNumber",
        "primaryPhone",
        "costCenter",
        "title",
    ];
    for (col, name) in header.iter().enumerate() {
        users.write_string(0, col as u16, *name).expect("header");
    }
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let people = [
        (
            1,
            "ada@example.com",
            "Ada",
            1234567890123.0_f64,
            "0612345678",
        ),
        (3, "bob@example.com", "Bob", 42.0, "0033123456"),
    ];
    for (row, login, first, number, phone) in people {
        let email = if bad && row == 3 {
            "not-an-email"
        } else {
            login
        };
        users.write_string(row, 0, login).expect("cell");
        users.write_string(row, 1, email).expect("cell");
        users.write_string(row, 2, first).expect("cell");
        users.write_string(row, 3, "Example").expect("cell");
        users.write_number(row, 4, number).expect("cell");
        users.write_string(row, 5, phone).expect("cell");
        let day = ExcelDateTime::from_ymd(2024, 3, 1).expect("a date");
        users
            .write_datetime_with_format(row, 6, &day, &date)
            .expect("cell");
        users.write_boolean(row, 7, true).expect("cell");
    }
    book.save_to_buffer().expect("saved")
}

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_named_sheet_imports_with_its_row_numbers_and_the_values_a_spreadsheet_shows() {
    let env = Env::start().await;
    env.write("people.xlsx", workbook(false));
    let out = env
        .run(&["users", "import", "people.xlsx", "--sheet", "Users"])
        .await;
    let err = stderr(&out);
    assert_eq!(code(&out), 0, "{err}");
    assert!(err.contains("note: 1 empty row ignored"), "{err}");
    let rows = results(&env.path("people.results.csv"));
    let lines: Vec<&str> = rows.iter().map(|r| r["line"].as_str()).collect();
    assert_eq!(lines, ["2", "4"]);
    assert!(rows.iter().all(|r| r["userCreationStatus"] == "Success"));
    let ada = profile(&env, "ada@example.com").await;
    assert_eq!(ada["employeeNumber"], "1234567890123");
    assert_eq!(ada["primaryPhone"], "0612345678");
    assert_eq!(ada["costCenter"], "2024-03-01");
    assert_eq!(ada["title"], "true");
    let bob = profile(&env, "bob@example.com").await;
    assert_eq!(bob["employeeNumber"], "42");
    assert_eq!(bob["primaryPhone"], "0033123456");

    // The journal knows the workbook by its bytes: the same file again is a rerun of it.
    let again = env
        .run(&["users", "import", "people.xlsx", "--sheet", "Users"])
        .await;
    let err = stderr(&again);
    assert!(err.contains("ran over this file before"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workbook_problem_names_the_row_the_spreadsheet_shows() {
    let env = Env::start().await;
    env.write("bad.xlsx", workbook(true));
    let out = env
        .run(&["users", "import", "bad.xlsx", "--sheet", "Users"])
        .await;
    let err = stderr(&out);
    assert_eq!(code(&out), 4, "{err}");
    assert!(
        err.contains("bad.xlsx:4: column email (\"not-an-email\"): not an email address"),
        "{err}"
    );
    let out = env
        .run(&["users", "import", "bad.xlsx", "--sheet", "People"])
        .await;
    let err = stderr(&out);
    assert_eq!(code(&out), 4, "{err}");
    assert!(
        err.contains("no sheet named \"People\" (it has \"Notes\", \"Users\")"),
        "{err}"
    );
    // Without --sheet, the first sheet is read: its one cell is not a column.
    let out = env
        .run(&["validate", "bad.xlsx", "--for", "users-import"])
        .await;
    let err = stderr(&out);
    assert!(
        err.contains("bad.xlsx:1: column Exported for the move to Okta"),
        "{err}"
    );
    env.write("plain.csv", "login,email,firstName,lastName\n");
    let out = env
        .run(&["users", "import", "plain.csv", "--sheet", "Users"])
        .await;
    let err = stderr(&out);
    assert_eq!(code(&out), 4, "{err}");
    assert!(err.contains("but the file is not one"), "{err}");
    assert_eq!(env.emulator.stats().writes, 0);
}

/// A workbook saved by a real spreadsheet program: LibreOffice Calc (Debian's
/// `libreoffice-calc-nogui`) converted `fixtures/libreoffice/users.csv` with its id, zip and
/// phone columns typed as text and its cost centre as numbers:
/// `soffice --headless --infilter="CSV:44,34,76,1,1/2/2/2/3/2/4/2/5/2/6/2/7/2/8/1"
/// --convert-to xlsx users.csv`. Leading zeros and an 18-digit id survive, numbers read as the
/// sheet shows them, and each result names the sheet's row.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workbook_saved_by_libreoffice_imports_as_the_sheet_shows_it() {
    let env = Env::start().await;
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/libreoffice/users.xlsx"
    );
    env.write("users.xlsx", std::fs::read(fixture).expect("the fixture"));
    let out = env.run(&["users", "import", "users.xlsx"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rows = results(&env.path("users.results.csv"));
    let lines: Vec<&str> = rows.iter().map(|r| r["line"].as_str()).collect();
    assert_eq!(lines, ["2", "3", "4"], "the sheet's row numbers");
    let client = super::support::client(&env);
    let profile = |login: &'static str| {
        let client = client.clone();
        async move { client.users().get(login).await.expect("created").profile.0 }
    };
    let ada = profile("ada.lo@example.com").await;
    assert_eq!(ada["employeeNumber"], "00123");
    assert_eq!(ada["zipCode"], "02134");
    assert_eq!(ada["mobilePhone"], "+44 20 7946 0000");
    assert_eq!(ada["costCenter"], "4200", "a whole number, no .0");
    let alan = profile("alan.lo@example.com").await;
    assert_eq!(alan["employeeNumber"], "123456789012345678");
    assert_eq!(alan["zipCode"], "00501");
    assert_eq!(alan["costCenter"], "17.5");
    let grace = profile("grace.lo@example.com").await;
    assert_eq!(grace["employeeNumber"], "7");
    assert!(grace
        .get("mobilePhone")
        .is_none_or(serde_json::Value::is_null));
}
