//! The crate's one error type. Its kind is private, so a new kind of failure never breaks a
//! caller; what callers need to act on (a plan's list of errors with their paths, the line of an
//! export that failed) has its own accessor.

use crate::plan::{PlanError, PlanErrors};
use std::fmt;

/// Anything that can go wrong outside triage itself (triage is total: any text gets a verdict).
#[derive(Debug)]
pub struct Error {
    kind: Kind,
}

#[derive(Debug)]
#[allow(dead_code, reason = "each kind is built by one part of the crate, not all in every build")]
enum Kind {
    /// A plan that does not validate: every error, each with its JSON path.
    Plan(PlanErrors),
    /// A model file that cannot be read (damaged, or written by another format version).
    Model(String),
    /// A row of an export that cannot be read; `line` counts from 1 (the header is line 1 of a CSV).
    Input { line: Option<u64>, message: String },
    /// Reading or writing a file or a stream.
    Io { what: String, source: std::io::Error },
    /// Anything else the caller asked for that cannot be done (an unknown data set, a bad option).
    Invalid(String),
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn model(message: impl Into<String>) -> Error {
        Error { kind: Kind::Model(message.into()) }
    }

    pub(crate) fn input(line: Option<u64>, message: impl Into<String>) -> Error {
        Error { kind: Kind::Input { line, message: message.into() } }
    }

    #[cfg_attr(not(feature = "cli"), allow(dead_code, reason = "used by the training tools, which only the CLI builds"))]
    pub(crate) fn io(what: impl Into<String>, source: std::io::Error) -> Error {
        Error { kind: Kind::Io { what: what.into(), source } }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Error {
        Error { kind: Kind::Invalid(message.into()) }
    }

    /// Every error of an invalid plan, each with the JSON path it is at (what an editor shows
    /// beside the field); `None` for an error that is not about a plan.
    pub fn plan_errors(&self) -> Option<&[PlanError]> {
        match &self.kind {
            Kind::Plan(e) => Some(&e.0),
            _ => None,
        }
    }

    /// The line of the input the error is about, counting from 1, when it is about one.
    pub fn line(&self) -> Option<u64> {
        match &self.kind {
            Kind::Input { line, .. } => *line,
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Plan(e) => write!(f, "{e}"),
            Kind::Model(m) => write!(f, "model: {m}"),
            Kind::Input { line: Some(n), message } => write!(f, "line {n}: {message}"),
            Kind::Input { line: None, message } => f.write_str(message),
            Kind::Io { what, source } => write!(f, "{what}: {source}"),
            Kind::Invalid(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            Kind::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl From<PlanErrors> for Error {
    fn from(e: PlanErrors) -> Error {
        Error { kind: Kind::Plan(e) }
    }
}
