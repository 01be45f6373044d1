//! `new`: the commented starter scenario.

use crate::output::{Failure, run_failure, say};

/// `corridor new FILE`: the starter scenario, never over an existing file unless
/// `force`.
pub(crate) fn new_scenario(file: &std::path::Path, force: bool) -> Result<(), Failure> {
    // A path that exists as a link (even a dangling one, or a loop) exists.
    if std::fs::symlink_metadata(file).is_ok() && !force {
        return Err(Failure::Usage(format!(
            "{} exists; choose another name, or add --force to replace it",
            file.display()
        )));
    }
    corridor::report::output::write_file(file, corridor::scenario::STARTER.as_bytes()).map_err(run_failure)?;
    say(&format!(
        "wrote {}: a starter scenario (two ports, a ferry, a rail line, one flow).\nNext: corridor validate {0}, then corridor run {0}\n",
        file.display()
    ))
}
