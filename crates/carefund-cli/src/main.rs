//! The `carefund` command: argument parsing and file I/O around the carefund library.

mod args;
mod convert;
mod evidence;
mod failure;
mod files;
mod national;
mod progress;
mod reports;
mod run;
mod sensitivity;
mod stress;
mod twoway;
mod voi;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(code) => code,
        // A reader that stops reading (`carefund check … | head`) is not an error.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}", failure::message(&e));
            files::exit_code(&e)
        }
    }
}

fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Run(a) => run::run(&a),
        Command::Check(a) => run::check(&a),
        Command::Init(a) => run::init(&a),
        Command::Stress(a) => stress::stress(&a),
        Command::Reverse(a) => stress::reverse(&a),
        Command::Compare(a) => stress::compare(&a),
        Command::Sensitivity(a) => sensitivity::run(&a),
        Command::National(a) => national::national(&a),
        Command::Twoway(a) => twoway::run(&a),
        Command::Merge(a) => run::merge(&a),
        Command::Convert(a) => convert::convert(&a),
    }
}
