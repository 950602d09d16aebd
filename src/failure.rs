//! `Failure`, the error of every command, and the exit code it maps to.
//! Its own module so that no command depends on a sibling for it.

use crate::diagnostics::Diagnostic;

/// Why a command failed; decides the exit code.
#[derive(Debug)]
pub enum Failure {
    /// Problems in the site's files (exit 1).
    Content(Vec<Diagnostic>),
    /// A bad argument or a refused output folder; nothing was touched (exit 2).
    Usage(String),
    /// The machine failed us: disk, permissions (exit 1).
    Io(String),
    /// medsite would have to destroy something, such as a file `new`
    /// would overwrite (exit 1).
    Refused(String),
}

impl Failure {
    /// What to print for the writer: every diagnostic, then a summary
    /// line naming what failed (`build`, `check`...).
    pub fn describe(&self, command: &str) -> String {
        match self {
            Failure::Content(diagnostics) => {
                let errors = diagnostics.iter().filter(|d| d.is_error()).count();
                format!(
                    "{}error: {command} failed with {errors} error{}\n",
                    crate::diagnostics::Report(diagnostics),
                    if errors == 1 { "" } else { "s" }
                )
            }
            Failure::Usage(message) | Failure::Io(message) | Failure::Refused(message) => {
                format!("error: {message}\n")
            }
        }
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            Failure::Content(_) | Failure::Io(_) | Failure::Refused(_) => 1,
            Failure::Usage(_) => 2,
        }
    }
}
