//! Reading the input CSV: the file itself (BOM, encoding, delimiter, stdin spooled so it can be
//! read twice), the header mapped onto the org's schema, and each row checked and turned into a
//! create request, with every problem named by file, line, column and reason.

pub mod columns;
pub mod logins;
pub mod problem;
pub mod source;
pub mod validate;

pub use columns::{ColumnKind, Columns};
pub use problem::Problem;
pub use source::{InputFile, RawRow};
pub use validate::{GroupDirectory, GroupTarget, ImportRow, Validator};
