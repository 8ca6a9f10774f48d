//! The man pages, generated from the same clap definitions as `--help` (clap_mangen): the top
//! page, or one page per command, each with the exit codes (`exit::code::DOCUMENTED`).

use crate::exit::{code, AppError};
use std::io::Write;
use std::path::Path;

/// Renders `command`'s page, its options and subcommands, then the exit codes.
pub fn page(command: &clap::Command, out: &mut dyn Write) -> std::io::Result<()> {
    clap_mangen::Man::new(command.clone()).render(out)?;
    writeln!(out, ".SH \"EXIT STATUS\"")?;
    for (value, meaning) in code::DOCUMENTED {
        writeln!(out, ".TP\n{value}\n{}", escape(meaning))?;
    }
    Ok(())
}

/// Writes the page of `command` and of every command under it into `dir` (created if needed),
/// named as the pages refer to each other (`oktabulk-users-import.1`); answers how many.
pub fn pages(command: clap::Command, dir: &Path) -> Result<usize, AppError> {
    std::fs::create_dir_all(dir).map_err(|source| AppError::Write {
        path: dir.to_owned(),
        source,
    })?;
    let mut command = command.disable_help_subcommand(true);
    command.build();
    let mut written = 0;
    write_all(&command, dir, &mut written)?;
    Ok(written)
}

fn write_all(command: &clap::Command, dir: &Path, written: &mut usize) -> Result<(), AppError> {
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_all(sub, dir, written)?;
    }
    let name = command
        .get_display_name()
        .unwrap_or_else(|| command.get_name());
    let path = dir.join(format!("{name}.1"));
    let write = |path: &Path| -> std::io::Result<()> {
        let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
        page(command, &mut file)?;
        file.flush()
    };
    write(&path).map_err(|source| AppError::Write { path, source })?;
    *written += 1;
    Ok(())
}

/// Text as roff reads it: a leading `.` or `'` would be a request, a `\` an escape.
fn escape(text: &str) -> String {
    let text = text.replace('\\', "\\e").replace('-', "\\-");
    match text.chars().next() {
        Some('.' | '\'') => format!("\\&{text}"),
        _ => text,
    }
}
