//! The binary's own pieces (the library never prints): terminal progress and reports.

pub mod progress;
pub mod report;
