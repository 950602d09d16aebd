//! The `medsite` binary: parse the command line, call the library, turn
//! the result into an exit code.

mod cli;

use clap::Parser;
use medsite::diagnostics::Report;

fn main() {
    let result = match cli::Cli::parse().command {
        cli::Command::Build(args) => {
            let quiet = args.quiet;
            medsite::build::run(&args.into_options()).map(|summary| {
                eprint!("{}", Report(&summary.warnings));
                if !quiet {
                    println!("{summary}");
                }
            })
        }
        cli::Command::Watch(args) => {
            let options = args.into_options();
            medsite::watch::run(&options, |result| medsite::watch::print(&options, result))
        }
        cli::Command::Serve(args) => medsite::serve::run(&args.into_options()),
    };
    if let Err(failure) = result {
        eprint!("{}", failure.describe());
        std::process::exit(failure.exit_code());
    }
}
