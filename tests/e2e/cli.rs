//! The command line itself: usage errors exit 2, `--help` and `--version` exit 0.

use crate::harness::SiteTest;

#[test]
fn unknown_flag_is_a_usage_error() {
    let site = SiteTest::new("basic");
    let run = site.run(&["build", "--no-such-flag"]);
    run.assert_code(2);
    assert!(run.stderr.contains("--no-such-flag"), "{}", run.stderr);
    assert!(!site.public().exists(), "a usage error must not build");
}

#[test]
fn unknown_command_and_no_command_are_usage_errors() {
    let site = SiteTest::new("basic");
    site.run(&["frobnicate"]).assert_code(2);
    site.run(&[]).assert_code(2);
    site.run(&["build", "--output"]).assert_code(2);
    assert!(!site.public().exists());
}

#[test]
fn help_exits_zero() {
    let site = SiteTest::new("basic");
    let run = site.run(&["--help"]);
    run.assert_success();
    assert!(run.stdout.contains("build"), "{}", run.stdout);
    let run = site.run(&["build", "--help"]);
    run.assert_success();
    for flag in ["--root", "--output", "--base-url", "--drafts"] {
        assert!(
            run.stdout.contains(flag),
            "build --help lacks {flag}:\n{}",
            run.stdout
        );
    }
    assert!(!site.public().exists(), "--help must not build");
}

#[test]
fn version_prints_the_crate_version() {
    let site = SiteTest::new("basic");
    let run = site.run(&["--version"]);
    run.assert_success();
    assert_eq!(
        run.stdout.trim(),
        format!("qostil {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn a_build_without_a_terminal_prints_one_summary_line_and_no_progress() {
    let site = SiteTest::new("basic");
    let run = site.build_ok(&[]);
    // Standard error is a pipe here: the progress bar stays hidden.
    assert_eq!(run.stderr, "", "no progress output expected");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{}", run.stdout);
    assert!(lines[0].starts_with("built "), "{}", lines[0]);
    assert!(
        lines[0].contains("kk: ") && lines[0].contains("ru: "),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].contains(" files (") && lines[0].contains(" ms "),
        "{}",
        lines[0]
    );
}
