//! Every line oktabulk prints goes through here (`outln!` to standard output, `errln!` and
//! `errprint!` to standard error), never through `println!` and `eprintln!`, which panic when
//! the reader has gone (`oktabulk man | head -1`); clippy's `disallowed_macros` (clippy.toml)
//! keeps them out. A reader that closed standard output has all it wanted, as with `ls | head`:
//! the process ends there, quietly, with exit 0. Standard error that cannot be written is let
//! go: it is where a failure would be told, and the run's outcome is its exit code.

use std::io::Write;

/// Prints a line on standard output (as `println!`), ending the process quietly with exit 0 when
/// its reader has gone.
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::console::out(format_args!($($arg)*))
    };
}

/// Prints a line on standard error (as `eprintln!`); a closed standard error is let go.
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::console::err(format_args!($($arg)*), true)
    };
}

/// Prints on standard error without ending the line (a question), as `eprint!`.
#[macro_export]
macro_rules! errprint {
    ($($arg:tt)*) => {
        $crate::console::err(format_args!($($arg)*), false)
    };
}

/// One line on standard output: see `outln!`.
pub fn out(args: std::fmt::Arguments<'_>) {
    let mut stdout = std::io::stdout().lock();
    let written = writeln!(stdout, "{args}").and_then(|()| stdout.flush());
    if let Err(e) = written {
        drop(stdout);
        stdout_failed(&e);
    }
}

/// Text on standard error: see `errln!`.
pub fn err(args: std::fmt::Arguments<'_>, newline: bool) {
    let mut stderr = std::io::stderr().lock();
    let _ = if newline {
        writeln!(stderr, "{args}")
    } else {
        write!(stderr, "{args}").and_then(|()| stderr.flush())
    };
}

/// Bytes on standard output, whole (completions, a page): see `outln!`.
pub fn out_bytes(bytes: &[u8]) {
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        drop(stdout);
        stdout_failed(&e);
    }
}

/// Ends the process quietly with exit 0 when a failed write to standard output means its
/// reader has gone (`| head`): the output was cut short by its reader, which is no failure.
/// Any other failure is left to the caller.
pub fn end_if_reader_gone(e: &std::io::Error) {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(i32::from(crate::exit::code::OK));
    }
}

/// Ends the process when standard output cannot be written: quietly with exit 0 when its
/// reader has gone, with exit 6 (what could not be written) otherwise.
fn stdout_failed(e: &std::io::Error) -> ! {
    end_if_reader_gone(e);
    err(format_args!("oktabulk: cannot write <stdout>: {e}"), true);
    std::process::exit(i32::from(crate::exit::code::RUNTIME));
}
