//! Progress on a terminal for work that may take a while; nothing at all
//! when output is not a terminal, in CI, or with `--quiet`.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A spinner naming the current stage of a build.
pub struct Progress {
    bar: ProgressBar,
}

/// Progress is drawn only on a terminal, outside CI, without `--quiet`.
fn shown(quiet: bool) -> bool {
    !quiet && std::io::stderr().is_terminal() && std::env::var_os("CI").is_none()
}

impl Progress {
    pub fn new(quiet: bool) -> Progress {
        let bar = if shown(quiet) {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                    .expect("the template is valid"),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        } else {
            ProgressBar::hidden()
        };
        Progress { bar }
    }

    pub fn stage(&self, message: &'static str) {
        self.bar.set_message(message);
    }

    /// A message made while working, such as a count of what is done.
    pub fn message(&self, message: String) {
        self.bar.set_message(message);
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// A count of finished items out of a total (URLs fetched), hidden until
/// [`Counter::reveal`], which the work calls once it has taken a second.
#[derive(Clone)]
pub struct Counter {
    bar: ProgressBar,
    shown: bool,
}

impl Counter {
    pub fn new(quiet: bool, total: usize, message: &'static str) -> Counter {
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} {pos}/{len} ({elapsed})")
                .expect("the template is valid"),
        );
        bar.set_message(message);
        Counter {
            bar,
            shown: shown(quiet),
        }
    }

    /// Starts drawing, on a terminal.
    pub fn reveal(&self) {
        if self.shown && !self.bar.is_finished() {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.bar.enable_steady_tick(Duration::from_millis(120));
        }
    }

    pub fn inc(&self) {
        self.bar.inc(1);
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
