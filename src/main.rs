//! The `medsite` binary: parse the command line, call the library, turn
//! the result into an exit code.

mod cli;

use clap::Parser;
use medsite::diagnostics::Report;

// A build allocates and frees millions of small strings and template
// values across threads; mimalloc spends far less time on them than the
// system allocator (measured in bench/RESULTS.md). Built with `no_thp`:
// with transparent huge pages the kernel zeroed 2 MiB at a time for a
// process that lives 40 ms, and `serve` held 100 MiB instead of 61 MiB
// (bench/watch-latency.md). The `system-allocator` feature leaves it out,
// for heap profilers that hook malloc (bench/README.md).
#[cfg(not(feature = "system-allocator"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let (command, result) = match cli::Cli::parse().command {
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
            let (format, quiet) = (args.format, args.quiet);
            let result = medsite::check::run(&args.into_options()).map(|report| {
                match format {
                    cli::Format::Json => println!("{}", report.to_json()),
                    cli::Format::Human if report.passed() => {
                        eprint!("{}", Report(&report.diagnostics));
                        if !quiet {
                            println!("{report}");
                        }
                    }
                    cli::Format::Human => eprintln!("{}{report}", Report(&report.diagnostics)),
                }
                if report.passed() { 0 } else { 1 }
            });
            ("check", result)
        }
        cli::Command::Init(args) => {
            let result = medsite::init::run(&args.into_options()).map(|created| {
                println!("{created}");
                0
            });
            ("init", result)
        }
        cli::Command::New(args) => {
            let result = medsite::new::run(&args.into_options()).map(|created| {
                println!("{created}");
                0
            });
            ("new", result)
        }
        cli::Command::Watch(args) => {
            let options = args.into_options();
            let result =
                medsite::watch::run(&options, |result| medsite::watch::print(&options, result));
            ("watch", result.map(|()| 0))
        }
        cli::Command::Serve(args) => (
            "serve",
            medsite::serve::run(&args.into_options()).map(|()| 0),
        ),
    };
    match result {
        Ok(code) => std::process::exit(code),
        Err(failure) => {
            eprint!("{}", failure.describe(command));
            std::process::exit(failure.exit_code());
        }
    }
}
