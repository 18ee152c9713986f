//! Progress of a long build, reported stage by stage. The library only counts; the binary
//! decides how to show it (a bar on a terminal, nothing otherwise).

/// Receives a build's progress. Called from rendering threads, so it must be cheap.
pub trait Progress: Send + Sync {
    /// A new stage begins (`rendering`), with the number of steps it has (0: unknown).
    fn stage(&self, name: &str, steps: u64);
    /// `steps` more steps of the current stage are done.
    fn advance(&self, steps: u64);
    /// A message for the user while the build runs (it waits for another one).
    fn note(&self, _text: &str) {}
}

/// Reports nothing: for `serve`, tests and any caller that does not show progress.
pub struct Silent;

impl Progress for Silent {
    fn stage(&self, _name: &str, _steps: u64) {}
    fn advance(&self, _steps: u64) {}
}
