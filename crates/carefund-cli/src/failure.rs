//! The library's typed errors in the command's words: each option under its flag, and
//! the exit status (2 for bad input, 1 for a runtime failure).

use carefund::api::{Error, Opt};
use carefund_outdir::WriteError;

/// The flag that sets `name` (`run` spells [`Opt::Value`] `--evpi-value`: see
/// [`with_flag`]).
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
        Opt::Group => "--group",
        Opt::Scale => "--scale",
        Opt::AdmissionValue => "--admission-value",
        Opt::Confidence => "the confidence level",
        Opt::EffectCorrelation => "--effect-correlation",
        Opt::GrowthCorrelation => "--growth-correlation",
        Opt::Factor => "--factor",
        Opt::Range => "--range",
        Opt::Tolerance => "--tolerance",
        Opt::Pack => "--pack",
        Opt::AxisX => "--x",
        Opt::AxisY => "--y",
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
        } => Some(invalid(*name, flag(*name), value, allowed)),
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
        Error::Input(d) => d.option.map(|name| {
            let mut d = d.as_ref().clone();
            d.file = flag(name).to_string();
            d.to_string()
        }),
        _ => None,
    }
}

/// `--paths must be between 1 and 100000000 (got 0)` for a number out of range;
/// `--group x: expected NAME=GLOB, …` for a value that does not parse or fit.
fn invalid(name: Opt, flag: &str, value: &str, allowed: &str) -> String {
    match name {
        Opt::Value
        | Opt::Group
        | Opt::Scale
        | Opt::AdmissionValue
        | Opt::Shard
        | Opt::Percentiles => format!("{flag} {value}: expected {allowed}"),
        _ => format!("{flag} must be {allowed} (got {value})"),
    }
}

/// `e` with the option `name` spelt `flag` (for a subcommand whose flag differs from
/// [`flag`]'s, such as `run --evpi-value`).
pub fn with_flag(e: Error, name: Opt, spelt: &str) -> anyhow::Error {
    match e {
        Error::InvalidOption {
            name: n,
            value,
            allowed,
        } if n == name => crate::files::BadInput(invalid(n, spelt, &value, &allowed)).into(),
        other => other.into(),
    }
}

/// The error's message (`{e:#}`: every cause, joined by ": "), in the command's words:
/// options under their flags, and the output directory under `--out`.
pub fn message(e: &anyhow::Error) -> String {
    e.chain()
        .map(|c| {
            c.downcast_ref::<Error>()
                .and_then(cli_text)
                .or_else(|| {
                    c.downcast_ref::<WriteError>()
                        .filter(|w| w.names_the_place())
                        .map(|w| format!("--out {w}"))
                })
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
            | Error::InvalidOption { .. }
            | Error::Memory { .. }
            | Error::Invalid(_)
            | Error::ShardMismatch(_)
    )
}
