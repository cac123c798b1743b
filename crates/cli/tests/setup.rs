//! Setting up a real county from the command line: county, roster (GBK, as Excel writes
//! it), users; a broken roster imports nothing. And a write acknowledged by the server
//! survives `kill -9`.

use std::io::{Read, Write};
use std::process::{Command, Output, Stdio};

fn minewatch(db: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_minewatch"));
    c.arg("--db")
        .arg(db)
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .env_remove("MINEWATCH_PASSWORD");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run minewatch")
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    assert!(
        !o.status.success(),
        "stdout: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const ROSTER: &str = "乡镇(街道),村(社区),网格,第一责任人,直接责任人,包村干部,联系电话\n\
甲镇,一村,,赵甲,钱乙,孙丙,13900000001\n\
甲镇,二村,二村北片,赵甲,李丁,孙丙,13900000002\n\
乙街道,三社区,,周戊,吴己,郑庚,13900000003\n";

#[test]
fn a_new_county_leaves_a_way_to_sign_in() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("county.db");
    let out = ok(&minewatch(
        &db,
        &["county", "init", "--code", "JS", "--name", "金山县"],
        &[],
    ));
    assert!(
        out.contains("No user can sign in yet")
            && out.contains("minewatch user add --county JS --username office"),
        "says exactly how: {out}"
    );
    let db2 = dir.path().join("other.db");
    let out = ok(&minewatch(
        &db2,
        &[
            "county",
            "init",
            "--code",
            "YX",
            "--name",
            "又一县",
            "--office-user",
            "ban",
        ],
        &[("MINEWATCH_PASSWORD", "a-long-secret")],
    ));
    assert!(
        out.contains("Created the county office user 'ban'"),
        "{out}"
    );
    // The user exists and works: an API token can be issued for it.
    let out = ok(&minewatch(&db2, &["token", "issue", "--user", "ban"], &[]));
    assert!(!out.trim().is_empty());
}

#[test]
fn a_county_is_set_up_from_a_gbk_roster() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("county.db");
    let out = ok(&minewatch(
        &db,
        &["county", "init", "--code", "JS", "--name", "金山县"],
        &[],
    ));
    assert!(out.contains("16 departments"), "{out}");
    assert!(
        err(&minewatch(
            &db,
            &["county", "init", "--code", "JS", "--name", "又一县"],
            &[]
        ))
        .contains("exists already")
    );

    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        encoding_rs::GBK.encode(&format!("{ROSTER}丙乡,,,,,,\n")).0,
    )
    .expect("write");
    let e = err(&minewatch(
        &db,
        &[
            "org",
            "import",
            "--county",
            "JS",
            bad.to_str().expect("path"),
        ],
        &[],
    ));
    assert!(
        e.contains("line 5") && e.contains("village") && e.contains("nothing was imported"),
        "{e}"
    );

    let good = dir.path().join("roster.csv");
    std::fs::write(&good, encoding_rs::GBK.encode(ROSTER).0).expect("write");
    let out = ok(&minewatch(
        &db,
        &[
            "org",
            "import",
            "--county",
            "JS",
            good.to_str().expect("path"),
        ],
        &[],
    ));
    // All three villages are new: the broken file before stored nothing.
    assert!(
        out.contains("GBK")
            && out.contains("added 2 townships, 3 villages, 3 grids; updated 0 grids"),
        "{out}"
    );
    let again = ok(&minewatch(
        &db,
        &[
            "org",
            "import",
            "--county",
            "JS",
            good.to_str().expect("path"),
        ],
        &[],
    ));
    assert!(
        again.contains("added 0 townships, 0 villages, 0 grids; updated 3 grids"),
        "{again}"
    );

    let pw = [("MINEWATCH_PASSWORD", "s3cret-pass")];
    ok(&minewatch(
        &db,
        &[
            "user",
            "add",
            "--county",
            "JS",
            "--username",
            "jiazhen",
            "--name",
            "甲镇值班员",
            "--role",
            "township",
            "--township",
            "甲镇",
        ],
        &pw,
    ));
    ok(&minewatch(
        &db,
        &[
            "user",
            "add",
            "--county",
            "JS",
            "--username",
            "yicun",
            "--name",
            "一村网格员",
            "--role",
            "village",
            "--village",
            "一村",
        ],
        &pw,
    ));
    ok(&minewatch(
        &db,
        &[
            "user",
            "add",
            "--county",
            "JS",
            "--username",
            "zrzy",
            "--name",
            "自然资源局",
            "--role",
            "department",
            "--department",
            "natural_resources",
        ],
        &pw,
    ));
    let e = err(&minewatch(
        &db,
        &[
            "user",
            "add",
            "--county",
            "JS",
            "--username",
            "x",
            "--name",
            "x",
            "--role",
            "township",
            "--township",
            "无此镇",
        ],
        &pw,
    ));
    assert!(
        e.contains("--township '无此镇' is not in this county"),
        "{e}"
    );
    let e = err(&minewatch(
        &db,
        &[
            "user",
            "add",
            "--county",
            "JS",
            "--username",
            "y",
            "--name",
            "y",
            "--role",
            "village",
        ],
        &pw,
    ));
    assert!(e.contains("needs --village"), "{e}");
    let e = err(&minewatch(
        &db,
        &[
            "user",
            "add",
            "--county",
            "JS",
            "--username",
            "z",
            "--name",
            "z",
            "--role",
            "county_office",
        ],
        &[("MINEWATCH_PASSWORD", "short")],
    ));
    assert!(e.contains("at least 8 characters"), "{e}");
    // The new users exist and can be given tokens; the record is intact.
    assert_eq!(
        ok(&minewatch(&db, &["token", "issue", "--user", "yicun"], &[]))
            .trim()
            .len(),
        64
    );
    assert!(ok(&minewatch(&db, &["audit", "verify"], &[])).starts_with("audit verify: OK"));
}

fn http(port: u16, request: &str) -> String {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.write_all(request.as_bytes()).expect("write");
    let mut buf = String::new();
    s.read_to_string(&mut buf).expect("read");
    buf
}

/// Starts `minewatch serve` on a free port and waits until it listens.
fn serve(db: &std::path::Path) -> (std::process::Child, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_minewatch"))
        .arg("--db")
        .arg(db)
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return (server, port);
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = server.kill();
    let _ = server.wait();
    panic!("server did not start");
}

fn status_of(port: u16, token: &str) -> String {
    let reply = http(
        port,
        &format!(
            "GET /api/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
        ),
    );
    reply.split(' ').nth(1).unwrap_or_default().to_string()
}

#[test]
fn accounts_are_disabled_and_tokens_revoked_at_once_from_the_console() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("accounts.db");
    ok(&minewatch(&db, &["demo"], &[]));
    let issued = minewatch(
        &db,
        &[
            "token",
            "issue",
            "--user",
            "dept_power_supply",
            "--label",
            "power feed",
            "--days",
            "30",
        ],
        &[],
    );
    let token = ok(&issued).trim().to_string();
    let said = String::from_utf8_lossy(&issued.stderr).into_owned();
    let token_id = said
        .split("minewatch token revoke ")
        .nth(1)
        .map(str::trim)
        .expect("the revoke command is printed")
        .to_string();
    assert_eq!(token_id.len(), 12, "{said}");
    let e = err(&minewatch(
        &db,
        &["token", "issue", "--user", "office", "--days", "9999"],
        &[],
    ));
    assert!(e.contains("1 to 730 days"), "{e}");
    let second = ok(&minewatch(
        &db,
        &["token", "issue", "--user", "town01"],
        &[],
    ))
    .trim()
    .to_string();
    let (mut server, port) = serve(&db);
    assert_eq!(status_of(port, &token), "200");
    assert_eq!(status_of(port, &second), "200");

    // Revoked: the next request is refused, the list says so, a second revoke is an error.
    let out = ok(&minewatch(&db, &["token", "revoke", &token_id], &[]));
    assert!(out.contains("revoked"), "{out}");
    assert_eq!(status_of(port, &token), "401");
    let list = ok(&minewatch(&db, &["token", "list"], &[]));
    assert!(
        list.lines()
            .any(|l| l.starts_with(&token_id) && l.contains("power feed") && l.contains("revoked")),
        "{list}"
    );
    assert!(err(&minewatch(&db, &["token", "revoke", &token_id], &[])).contains("revoked already"));
    assert!(err(&minewatch(&db, &["token", "revoke", "000000000000"], &[])).contains("not found"));

    // Disabled: 401 at once (not 404); enabled again: in again.
    ok(&minewatch(&db, &["user", "disable", "town01"], &[]));
    assert_eq!(status_of(port, &second), "401");
    assert!(err(&minewatch(&db, &["user", "disable", "town01"], &[])).contains("disabled already"));
    ok(&minewatch(&db, &["user", "enable", "town01"], &[]));
    assert_eq!(status_of(port, &second), "200");
    assert!(err(&minewatch(&db, &["user", "enable", "nobody"], &[])).contains("not found"));

    // A new password works at the log-in page, the old one no longer does.
    ok(&minewatch(
        &db,
        &["user", "password", "town01"],
        &[("MINEWATCH_PASSWORD", "a-new-long-password")],
    ));
    let login = |password: &str| {
        let body = format!("username=town01&password={password}");
        http(
            port,
            &format!(
                "POST /login HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            ),
        )
    };
    assert!(login("a-new-long-password").contains("mw_session="));
    assert!(!login(minewatch_store::demo::DEMO_PASSWORD).contains("mw_session="));
    server.kill().expect("kill");
    server.wait().expect("reaped");

    // Each change is in the chain, and the chain holds.
    let kinds = Command::new("sqlite3")
        .arg(&db)
        .arg("SELECT kind FROM event WHERE kind LIKE 'account.%' ORDER BY seq")
        .output()
        .expect("sqlite3");
    assert_eq!(
        String::from_utf8_lossy(&kinds.stdout)
            .split_whitespace()
            .collect::<Vec<_>>(),
        [
            "account.token_issued",
            "account.token_issued",
            "account.token_revoked",
            "account.disabled",
            "account.enabled",
            "account.password_set"
        ]
    );
    assert!(ok(&minewatch(&db, &["audit", "verify"], &[])).starts_with("audit verify: OK"));
}

#[test]
fn an_acknowledged_write_survives_kill_9() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("kill.db");
    ok(&minewatch(&db, &["demo"], &[]));
    let token = ok(&minewatch(
        &db,
        &["token", "issue", "--user", "office"],
        &[],
    ))
    .trim()
    .to_string();
    let (mut server, port) = serve(&db);
    let org = http(
        port,
        &format!(
            "GET /api/v1/org HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
        ),
    );
    let township = org
        .split("\"townships\":[{\"id\":")
        .nth(1)
        .and_then(|r| r.split(',').next())
        .expect("a township id")
        .to_string();
    let body = format!(
        "{{\"source\":\"tip\",\"township_id\":{township},\"address\":\"断电测试点\",\"lon\":100.0,\"lat\":30.0,\"description\":\"kill -9 之前提交\",\"problem_kind\":\"unlicensed_mining\"}}"
    );
    let reply = http(
        port,
        &format!(
            "POST /api/v1/clues HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    );
    assert!(reply.starts_with("HTTP/1.1 201"), "{reply}");
    let number = reply
        .split("\"case_number\":\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("case number")
        .to_string();
    server.kill().expect("SIGKILL"); // Child::kill sends SIGKILL on Unix
    server.wait().expect("reaped");

    let audit = ok(&minewatch(&db, &["audit", "verify"], &[]));
    assert!(audit.starts_with("audit verify: OK"), "{audit}");
    let found = Command::new("sqlite3")
        .arg(&db)
        .arg(format!(
            "SELECT finding FROM case_file WHERE number = '{number}'"
        ))
        .output()
        .expect("sqlite3");
    assert_eq!(
        String::from_utf8_lossy(&found.stdout).trim(),
        "kill -9 之前提交"
    );
}

#[test]
fn a_campaign_is_added_with_checked_phases() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("c.db");
    ok(&minewatch(
        &db,
        &["county", "init", "--code", "JS", "--name", "金山县"],
        &[],
    ));
    let base = [
        "campaign",
        "add",
        "--county",
        "JS",
        "--name",
        "2027年打击非法采矿专项行动",
        "--from",
        "2027-03-01",
        "--to",
        "2027-12-31",
    ];
    let out = ok(&minewatch(
        &db,
        &[
            &base[..],
            &[
                "--phase",
                "动员部署:2027-03-01:2027-03-15",
                "--phase",
                "集中整治:2027-03-16:2027-10-31",
            ],
        ]
        .concat(),
        &[],
    ));
    assert!(out.contains("with 2 phases"), "{out}");
    let e = err(&minewatch(
        &db,
        &[&base[..], &["--phase", "巩固提升:2027-11-01:2028-01-31"]].concat(),
        &[],
    ));
    assert!(
        e.contains("--phase #1") && e.contains("within the campaign"),
        "{e}"
    );
    let e = err(&minewatch(
        &db,
        &[&base[..], &["--phase", "无日期"]].concat(),
        &[],
    ));
    assert!(e.contains("is not NAME:YYYY-MM-DD:YYYY-MM-DD"), "{e}");
    let e = err(&minewatch(
        &db,
        &[
            "campaign",
            "add",
            "--county",
            "JS",
            "--name",
            "x",
            "--from",
            "2027-03-01",
            "--to",
            "2027-02-01",
        ],
        &[],
    ));
    assert!(e.contains("is before --from"), "{e}");
}
