//! `oktabulk groups sync FILE`: each group the file names is made to hold exactly the users
//! the file lists for it. The file is read as `groups add-members` reads it; the runner
//! (`run`) reads each named group's members and the org's group rules, decides the plan per
//! group (`plan`), holds mass removals back until confirmed, and runs it on the one engine.
//!
//! **Removals across a resume.** The journal maps rows by seq to the input's digest, but no
//! line of the file names a removal, and the org a resumed run reads is not the org the first
//! run planned from (the users it removed are no longer members). So the removals are decided
//! once: the first run appends them as rows after the file's rows (seq `file rows + i`, line 0,
//! by user id) and keeps the list in its journal's `meta` table (`sync-plan`, committed before
//! the first row is sent). A run that resumes an unfinished journal over the same file reads
//! that list back (`journal::resumable_meta`) and appends the same rows in the same order,
//! whatever the org shows now; the engine then skips the rows the journal finished and settles
//! the one in flight (a removal reads the user's groups first: a member already gone is
//! `Success` when the interrupted run had sent it). The file's own rows need no stored plan:
//! each is decided against the members the resumed run reads. A finished run's journal is put
//! aside as usual, and the next run plans afresh. `--restart` forgets the stored plan too.

mod job;
pub mod plan;
pub mod run;

/// The results: one membership per row, the file's and the removals
/// (`crate::outcome::MEMBERSHIP_RESULTS`).
pub const RESULTS: crate::outcome::ResultsTable = crate::outcome::MEMBERSHIP_RESULTS;

pub use run::run;
