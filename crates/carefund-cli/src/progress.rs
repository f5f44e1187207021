//! Progress bars on stderr, one per long stage: each names its stage and shows the
//! count done, the total and the time left. Hidden when stderr is not a terminal (or
//! when the command prints JSON), so pipes and logs stay clean.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The layout of every bar: stage, bar, count and unit, time spent and time left.
pub const TEMPLATE: &str =
    "{prefix:>14} [{bar:30}] {human_pos}/{human_len} {msg} · {elapsed} spent, about {eta} left";

/// Whether bars are drawn: stderr is a terminal and the command is not quiet.
pub fn visible(quiet: bool) -> bool {
    !quiet && std::io::stderr().is_terminal()
}

/// A bar for `stage` (e.g. `"plan run"`) counting `len` `unit`s (e.g. `"paths"`),
/// drawn on stderr if `show`, else hidden.
pub fn bar(stage: &str, len: u64, unit: &str, show: bool) -> ProgressBar {
    let target = if show {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(Some(len), target);
    bar.set_style(
        ProgressStyle::with_template(TEMPLATE)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_prefix(stage.to_owned());
    bar.set_message(unit.to_owned());
    bar
}

/// Turns `bar` into the bar of the next stage: new label, unit and length, count and
/// clock from zero.
pub fn next_stage(bar: &ProgressBar, stage: &str, len: u64, unit: &str) {
    bar.reset();
    bar.set_length(len);
    bar.set_prefix(stage.to_owned());
    bar.set_message(unit.to_owned());
}

/// A library use case's stages shown on one bar: each stage relabels it (see
/// [`next_stage`]); cleared when dropped.
pub struct Stages(ProgressBar);

impl Stages {
    /// One bar on stderr if `show`, else hidden.
    pub fn new(show: bool) -> Self {
        Self(bar("", 0, "", show))
    }
}

impl carefund::api::Progress for Stages {
    fn stage(&self, name: &str, total: u64, unit: &str) {
        next_stage(&self.0, name, total, unit);
    }
    fn total(&self, total: u64) {
        self.0.set_length(total);
    }
    fn position(&self, done: u64) {
        self.0.set_position(done);
    }
}

impl Drop for Stages {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bar_is_labelled_with_its_stage_and_counts_its_unit() {
        let b = bar("plan run", 2_000, "paths", false);
        assert_eq!(b.prefix(), "plan run");
        assert_eq!(b.message(), "paths");
        assert_eq!(b.length(), Some(2_000));
        b.set_position(500);
        next_stage(&b, "evidence run", 3_000, "paths");
        assert_eq!(b.prefix(), "evidence run");
        assert_eq!(b.length(), Some(3_000));
        assert_eq!(b.position(), 0);
    }

    #[test]
    fn the_template_shows_stage_count_and_time_left() {
        for field in ["{prefix", "{human_pos}", "{human_len}", "{msg}", "{eta}"] {
            assert!(TEMPLATE.contains(field), "{field}");
        }
        assert!(ProgressStyle::with_template(TEMPLATE).is_ok());
    }
}
