//! Reading the input CSV or workbook: the file itself (BOM, encoding, delimiter, sheet, stdin
//! spooled sealed), the header mapped onto what the command needs, and each
//! row checked and turned into one operation (`RowOp`), with every problem named by file, line,
//! column and reason.

pub(crate) mod checker;
pub(crate) mod columns;
pub(crate) mod keyed;
pub(crate) mod kinds;
pub(crate) mod logins;
pub(crate) mod mapping;
pub(crate) mod preview;
pub(crate) mod problem;
mod sealed;
pub(crate) mod sheet;
pub(crate) mod source;
pub(crate) mod transform;
pub(crate) mod validate;
pub(crate) mod values;

// The library's surface (what the fuzz targets drive): a file, a checker, its rows.
pub use checker::{RowChecker, RowOp};
pub use problem::{InputError, Problem};
pub use source::{InputFile, RawRow};
pub use validate::{GroupDirectory, Mode, UserChecker};

pub(crate) use checker::{
    AppRow, AppTarget, GroupRow, MembershipRow, RemovalRow, RowInput, UpdateRow, UserRow,
};
pub(crate) use keyed::AppDirectory;
pub(crate) use kinds::{CheckerInputs, FileKind};
pub(crate) use sealed::{Records, SealedFile, SealedWriter};
pub(crate) use validate::{GroupTarget, ImportRow};
