//! The library's typed errors in the command's words: each option under its flag, and
//! the exit status (2 for bad input, 1 for a runtime failure).

use carefund::api::{Error, Opt};

/// The flag that sets `name`.
pub fn flag(name: Opt) -> &'static str {
    match name {
        Opt::Paths => "--paths",
        Opt::MaxPaths => "--max-paths",
        Opt::TargetSe => "--target-se",
        Opt::Threads => "--threads",
        Opt::Shard => "--shard",
        Opt::Percentiles => "--percentiles",
        Opt::SobolRows => "--sobol-rows",
        Opt::Bootstrap => "--bootstrap",
        Opt::Value => "--value",
        _ => "an option",
    }
}

/// A library error's text with its options named by their flags; `None` for errors
/// whose own text is already the command's.
fn cli_text(e: &Error) -> Option<String> {
    match e {
        Error::InvalidOption {
            name,
            value,
            allowed,
        } => Some(format!("{} must be {allowed} (got {value})", flag(*name))),
        Error::Memory {
            name,
            value,
            need,
            available,
            fits,
        } => Some(carefund::api::memory_text(
            flag(*name),
            value,
            *need,
            *available,
            *fits,
        )),
        _ => None,
    }
}

/// The error's message (`{e:#}`: every cause, joined by ": "), in the command's words.
pub fn message(e: &anyhow::Error) -> String {
    e.chain()
        .map(|c| {
            c.downcast_ref::<Error>()
                .and_then(cli_text)
                .unwrap_or_else(|| c.to_string())
        })
        .collect::<Vec<_>>()
        .join(": ")
}

/// Whether the library error is the user's input (exit status 2).
pub fn is_bad_input(e: &Error) -> bool {
    matches!(
        e,
        Error::Input(_)
            | Error::Options(_)
            | Error::InvalidOption { .. }
            | Error::Memory { .. }
            | Error::Invalid(_)
            | Error::ShardMismatch(_)
    )
}
