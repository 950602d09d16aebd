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
    let (command, result) = match cli.command {
        cli::Command::Build(args) => {
            let quiet = args.quiet;
            let result = medsite::build::run(&args.into_options()).map(|summary| {
                eprint!("{}", Report(&summary.warnings));
                if !quiet {
                    println!("{summary}");
                }
                0
            });
            ("build", result)
        }
        cli::Command::Check(args) => {
            let format = args.format;
            let result = medsite::check::run(&args.into_options()).map(|report| {
                match format {
                    cli::Format::Json => println!("{}", report.to_json()),
                    cli::Format::Human if report.passed() => {
                        eprint!("{}", Report(&report.diagnostics));
                        println!("{report}");
                    }
                    cli::Format::Human => eprintln!("{}{report}", Report(&report.diagnostics)),
                }
                if report.passed() { 0 } else { 1 }
            });
            ("check", result)
        }
        cli::Command::New(args) => {
            let result = medsite::new::run(&args.into_options()).map(|created| {
                println!("{created}");
                0
            });
            ("new", result)
        }
    };
    match result {
        Ok(code) => std::process::exit(code),
        Err(failure) => {
            match &failure {
                Failure::Content(diagnostics) => {
                    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
                    eprint!("{}", Report(diagnostics));
                    eprintln!(
                        "error: {command} failed with {errors} error{}",
                        if errors == 1 { "" } else { "s" }
                    );
                }
                Failure::Usage(message) | Failure::Io(message) | Failure::Refused(message) => {
                    eprintln!("error: {message}")
                }
            }
            std::process::exit(failure.exit_code());
        }
    }
}
