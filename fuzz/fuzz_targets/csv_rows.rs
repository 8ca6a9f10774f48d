//! Any bytes as an input file: the reader and the row checker of `users import` (and of
//! `users update`) answer rows or problems, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oktabulk::input::{GroupDirectory, InputFile, Mode, RowChecker, UserChecker};

fuzz_target!(|data: &[u8]| {
    let Ok(dir) = tempfile::tempdir() else { return };
    let path = dir.path().join("in.csv");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let Ok(input) = InputFile::open(&path) else { return };
    for mode in [
        Mode::Create,
        Mode::Update {
            replace: false,
            set_passwords: true,
        },
    ] {
        let mut checker = UserChecker::new(
            mode,
            okta_model::schema::default_schema("offline", Default::default(), None),
            GroupDirectory::default(),
            false,
            true,
        );
        let Ok(mut rows) = input.rows(b',') else { return };
        if checker.header(&rows.header).is_err() {
            return;
        }
        while let Some(row) = rows.next_row() {
            if let Ok(raw) = row {
                let _ = checker.check(&raw);
                let _ = checker.label(&raw);
                let _ = checker.warnings();
            }
        }
    }
});
