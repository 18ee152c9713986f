//! The build's progress on a terminal (`qostil build`).

/// A progress bar on standard error while a build runs, when that is a terminal; nothing
/// otherwise (CI logs and pipes get only the summary line).
pub struct TerminalProgress {
    bar: indicatif::ProgressBar,
    /// For stages with a known number of steps, and for the others.
    counted: indicatif::ProgressStyle,
    uncounted: indicatif::ProgressStyle,
    /// With `--verbose` or `QOSTIL_TIMINGS` set: when each stage began, printed at the end.
    timings: Option<std::sync::Mutex<Vec<(String, std::time::Instant)>>>,
}

impl TerminalProgress {
    /// `quiet`: no bar; `verbose`: the stages' times at the end.
    pub fn new(quiet: bool, verbose: bool) -> TerminalProgress {
        use std::io::IsTerminal;
        let bar = if std::io::stderr().is_terminal() && !quiet {
            indicatif::ProgressBar::new(0)
        } else {
            indicatif::ProgressBar::hidden()
        };
        let style = |template: &str| {
            indicatif::ProgressStyle::with_template(template)
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> ")
        };
        let timings =
            (verbose || std::env::var_os("QOSTIL_TIMINGS").is_some()).then(Default::default);
        TerminalProgress {
            bar,
            counted: style("{prefix:>12} [{bar:30}] {pos}/{len} {elapsed}"),
            uncounted: style("{prefix:>12} {elapsed}"),
            timings,
        }
    }

    pub fn clear(&self) {
        self.bar.finish_and_clear();
        let Some(stages) = self.timings.as_ref().and_then(|t| t.lock().ok()) else {
            return;
        };
        let now = std::time::Instant::now();
        for (i, (name, began)) in stages.iter().enumerate() {
            let ended = stages.get(i + 1).map_or(now, |(_, t)| *t);
            eprintln!(
                "{name:>14} {:>7.1} ms",
                (ended - *began).as_secs_f64() * 1000.0
            );
        }
    }
}

impl qostil::progress::Progress for TerminalProgress {
    fn stage(&self, name: &str, steps: u64) {
        if let Some(mut stages) = self.timings.as_ref().and_then(|t| t.lock().ok()) {
            stages.push((name.to_string(), std::time::Instant::now()));
        }
        self.bar.set_length(steps);
        self.bar.set_position(0);
        self.bar.set_style(if steps == 0 {
            self.uncounted.clone()
        } else {
            self.counted.clone()
        });
        self.bar.set_prefix(name.to_string());
    }

    fn advance(&self, steps: u64) {
        self.bar.inc(steps);
    }

    fn note(&self, text: &str) {
        self.bar.suspend(|| eprintln!("{text}"));
    }
}
