//! Reading the input CSV or workbook: the file itself (BOM, encoding, delimiter, sheet, stdin
//! spooled so it can be read twice), the header mapped onto what the command needs, and each
//! row checked and turned into one operation (`RowOp`), with every problem named by file, line,
//! column and reason.

pub mod checker;
pub mod columns;
pub mod keyed;
pub mod kinds;
pub mod logins;
pub mod mapping;
pub mod preview;
pub mod problem;
mod sealed;
pub mod sheet;
pub mod source;
pub mod transform;
pub mod validate;
pub mod values;

pub use checker::{
    AppRow, AppTarget, GroupRow, MembershipRow, RemovalRow, RowChecker, RowOp, UpdateRow, UserRow,
};
pub use columns::{ColumnKind, Columns};
pub use keyed::AppDirectory;
pub use kinds::{CheckerInputs, FileKind};
pub use problem::{InputError, Problem};
pub use sealed::{SealedFile, SealedWriter};
pub use source::{InputFile, RawRow};
pub use validate::{GroupDirectory, GroupTarget, ImportRow, Mode, UserChecker, Validator};
