//! The `medsite` binary: parse the command line, call the library, turn
//! the result into an exit code.

mod cli;

use clap::Parser;
use medsite::build::Failure;
use medsite::diagnostics::Report;

// A build allocates and frees millions of small strings and template
// values across threads; mimalloc spends far less time on them than the
// system allocator (measured in bench/RESULTS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = cli::Cli::parse();
    let result = match cli.command {
        cli::Command::Build(args) => {
            let quiet = args.quiet;
            medsite::build::run(&args.into_options()).map(|summary| {
                eprint!("{}", Report(&summary.warnings));
                if !quiet {
                    println!("{summary}");
                }
            })
        }
    };
    if let Err(failure) = result {
        match &failure {
            Failure::Content(diagnostics) => {
                let errors = diagnostics.iter().filter(|d| d.is_error()).count();
                eprint!("{}", Report(diagnostics));
                eprintln!(
                    "error: build failed with {errors} error{}",
                    if errors == 1 { "" } else { "s" }
                );
            }
            Failure::Usage(message) | Failure::Io(message) => eprintln!("error: {message}"),
        }
        std::process::exit(failure.exit_code());
    }
}
