//! `oktabulk`: parse the command line, run, map the outcome to an exit code.

use clap::Parser;
use oktabulk::exit::code;
use std::process::ExitCode;

/// mimalloc, not the system's allocator: the checked rows are made on one thread and freed on
/// another (`preflight::Keeper`, `checked_rows`), which glibc's malloc serializes on an arena
/// lock (a 500,000-row dry run took 14.6 s of CPU instead of 5); mimalloc frees such memory
/// without a lock, and is faster on the rows' many small allocations.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match oktabulk::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                code::USAGE
            } else {
                code::OK
            });
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            oktabulk::errln!("oktabulk: cannot start: {e}");
            return ExitCode::from(code::RUNTIME);
        }
    };
    match runtime.block_on(oktabulk::app::run(cli)) {
        Ok(status) => ExitCode::from(status),
        Err(e) => {
            oktabulk::errln!("oktabulk: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
