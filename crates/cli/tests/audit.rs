//! `minewatch demo` then `audit verify` on the binary; then one event row is altered with
//! the `sqlite3` shell, as someone with file access could, and the audit names it.

use std::process::Command;

fn minewatch(db: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_minewatch"))
        .arg("--db")
        .arg(db)
        .args(["--now", "2026-06-01T02:00:00Z"])
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run minewatch")
}

#[test]
fn audit_names_the_altered_record() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("demo.db");
    let out = minewatch(&db, &["demo"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("10 townships") && stdout.contains("office"),
        "{stdout}"
    );

    let ok = minewatch(&db, &["audit", "verify"]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).starts_with("audit verify: OK"));

    let edit = Command::new("sqlite3")
        .arg(&db)
        .arg("UPDATE event SET payload = replace(payload, '属实', '不实') WHERE seq = (SELECT MIN(seq) FROM event WHERE kind = 'action.verify');")
        .status()
        .expect("sqlite3 must be installed (scripts/test installs it)");
    assert!(edit.success());
    let bad = minewatch(&db, &["audit", "verify"]);
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("FAILED") && err.contains("was altered") && err.contains("event #"),
        "{err}"
    );
}

#[test]
fn a_bad_clock_is_refused_clearly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = Command::new(env!("CARGO_BIN_EXE_minewatch"))
        .arg("--db")
        .arg(dir.path().join("x.db"))
        .args(["--now", "yesterday", "demo"])
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--now 'yesterday' is not an RFC 3339 time")
    );
}

#[test]
fn policy_flags_are_checked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = Command::new(env!("CARGO_BIN_EXE_minewatch"))
        .arg("--db")
        .arg(dir.path().join("x.db"))
        .args(["--merge-radius-m=-5", "demo"])
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("--merge-radius-m must be between 0 and 50000 metres")
    );
}
