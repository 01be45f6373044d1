//! How the program ends and how output reaches the user: exit codes, standard output
//! (escaped, quiet on a closed pipe), files before text.

use corridor::experiment::ExperimentError;
use corridor::report::publish::{Destinations, Published};
use corridor::report::terminal::note;
use corridor::scenario::Scenario;
use std::io::Write;

/// How the program ends.
pub(crate) enum Failure {
    /// Bad usage (exit 2).
    Usage(String),
    /// A failed run or invalid input (exit 1).
    Run(String),
    /// Interrupted by Ctrl-C after writing what was done (exit 130).
    Interrupted(String),
}

pub(crate) type Outcome = Result<(), Failure>;

pub(crate) fn run_failure(e: impl std::fmt::Display) -> Failure {
    Failure::Run(e.to_string())
}

/// Prints text to standard output with its control characters escaped (a scenario's
/// names could otherwise drive the terminal); see [`write_out`].
pub(crate) fn say(text: &str) -> Outcome {
    write_out(&corridor::report::terminal::printable(text))
}

/// Writes to standard output as given (JSON, whose strings serde already escapes); a
/// closed pipe ends the program quietly, a full disk is an error.
pub(crate) fn write_out(text: &str) -> Outcome {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(141),
        Err(e) => Err(Failure::Run(format!("cannot write to standard output: {e}"))),
    }
}

pub(crate) fn load(file: &std::path::Path) -> Result<Scenario, Failure> {
    Scenario::load(file).map_err(run_failure)
}

pub(crate) fn from_experiment(e: ExperimentError) -> Failure {
    if e.is_usage() { Failure::Usage(e.to_string()) } else { Failure::Run(e.to_string()) }
}

/// Writes the files (before anything is printed), then prints the JSON or the text.
pub(crate) fn publish(published: Published, to: &Destinations, text: impl FnOnce() -> String) -> Outcome {
    if let Some(dir) = &to.out {
        note(&format!("wrote {} to {}", published.files.join(", "), dir.display()));
    }
    match published.stdout_json {
        Some(json) => write_out(&format!("{json}\n")),
        None => say(&text()),
    }
}

pub(crate) fn interrupted(done: bool, what: String) -> Outcome {
    if done {
        Err(Failure::Interrupted(format!("interrupted: {what} were completed and written; the run is incomplete")))
    } else {
        Ok(())
    }
}
