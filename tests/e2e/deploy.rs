//! `qostil deploy` against a real S3-compatible server (`s3s-fs`, its own process, see
//! `s3_server`) and to a `file://` folder: only changed files move, removed files are
//! deleted last and only when qostil put them there, `--dry-run` changes nothing, wrong
//! credentials stop it with exit 1 and are never printed.

use std::fs;
use std::io::Read;

use crate::harness::{Run, SiteTest, Snapshot};
use crate::s3_server::{header, S3Server, ACCESS_KEY, BUCKET, SECRET_KEY};

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// The basic site with `compress: true` and a target on `server`, built.
fn site_for(server: &S3Server) -> SiteTest {
    let site = SiteTest::new("basic");
    site.append(
        "site.yaml",
        &format!(
            "compress: true\ndeploy:\n  - name: production\n    url: \"s3://{BUCKET}/www\"\n    \
             endpoint: \"{}\"\n    region: \"kz-1\"\n",
            server.endpoint()
        ),
    );
    site.build_ok(&[]);
    site
}

/// `qostil deploy <args>` in the site folder, as a user types it, with `secret`.
fn deploy_with(site: &SiteTest, args: &[&str], secret: &str) -> Run {
    let home = site.scratch("home");
    fs::create_dir_all(&home).unwrap();
    let mut all = vec!["deploy"];
    all.extend_from_slice(args);
    site.run_with(
        &all,
        &[
            ("AWS_ACCESS_KEY_ID", ACCESS_KEY),
            ("AWS_SECRET_ACCESS_KEY", secret),
            ("AWS_PROFILE", ""),
            ("AWS_SHARED_CREDENTIALS_FILE", ""),
            ("HOME", home.to_str().unwrap()),
        ],
    )
}

fn deploy(site: &SiteTest, args: &[&str]) -> Run {
    let run = deploy_with(site, args, SECRET_KEY);
    run.assert_success();
    run
}

/// The paths a `--dry-run` lists, with their verb, in order.
fn planned(run: &Run) -> Vec<(String, String)> {
    run.stdout
        .lines()
        .skip(1)
        .map(|l| {
            let (verb, path) = l.trim().split_once(' ').unwrap();
            (verb.to_string(), path.trim().to_string())
        })
        .collect()
}

#[test]
fn first_deploy_uploads_every_file_with_its_type_and_cache_headers() {
    let server = S3Server::start();
    let site = site_for(&server);
    let run = deploy(&site, &[]);
    let published: Vec<String> = site
        .snapshot_public()
        .files()
        .into_iter()
        .filter(|f| !f.ends_with(".gz") && !f.ends_with(".br"))
        .map(String::from)
        .collect();
    assert!(
        run.stdout.contains(&format!(
            "{} new, 0 replaced, 0 deleted, 0 unchanged",
            published.len()
        )),
        "{}",
        run.stdout
    );
    let mut expected: Vec<String> = published.iter().map(|f| format!("www/{f}")).collect();
    expected.push("www/.qostil-deploy.json".into());
    expected.sort();
    assert_eq!(
        server.keys(),
        expected,
        "companions are not uploaded: text goes gzip-encoded"
    );

    let (status, headers, body) = server.get("www/kk/news/festival/index.html");
    assert_eq!(status, 200);
    assert_eq!(
        header(&headers, "content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(
        header(&headers, "cache-control"),
        Some("public, max-age=300")
    );
    assert_eq!(header(&headers, "content-encoding"), Some("gzip"));
    assert_eq!(
        gunzip(&body),
        fs::read(site.out_path("kk/news/festival/index.html")).unwrap()
    );

    let css = site.asset("style.css");
    let (_, headers, _) = server.get(&format!("www/{css}"));
    assert_eq!(
        header(&headers, "content-type"),
        Some("text/css; charset=utf-8")
    );
    assert_eq!(
        header(&headers, "cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    let (_, headers, _) = server.get("www/kk/atom.xml");
    assert!(header(&headers, "content-type")
        .unwrap()
        .ends_with("charset=utf-8"));
    assert_eq!(
        header(&headers, "cache-control"),
        Some("public, max-age=300")
    );
    let (_, headers, _) = server.get("www/favicon.svg");
    assert_eq!(
        header(&headers, "cache-control"),
        Some("public, max-age=3600")
    );
    assert!(!run.stdout.contains(SECRET_KEY) && !run.stderr.contains(SECRET_KEY));
}

#[test]
fn only_changes_move_and_removed_pages_are_deleted_last() {
    let server = S3Server::start();
    let site = site_for(&server);
    deploy(&site, &[]);

    // The same output again: nothing but the manifest is read.
    let again = deploy(&site, &[]);
    assert!(
        again.stdout.contains("0 new, 0 replaced, 0 deleted"),
        "{}",
        again.stdout
    );
    assert!(again.stdout.contains("(1 request)"), "{}", again.stdout);

    // One article edited: its page and what lists or indexes it, nothing else.
    site.append("content/kk/about.md", "\nЖаңа абзац.\n");
    site.build_ok(&[]);
    let plan = deploy(&site, &["--dry-run"]);
    let paths: Vec<String> = planned(&plan).into_iter().map(|(_, p)| p).collect();
    assert!(
        paths.contains(&"kk/about/index.html".to_string()),
        "{paths:?}"
    );
    assert!(
        !paths.contains(&"kk/news/festival/index.html".to_string()),
        "{paths:?}"
    );
    assert!(
        !paths
            .iter()
            .any(|p| p.starts_with("ru/") && p.ends_with(".html")),
        "{paths:?}"
    );
    let done = deploy(&site, &[]);
    assert!(
        done.stdout
            .contains(&format!("0 new, {} replaced, 0 deleted", paths.len())),
        "{}\nplanned: {paths:?}",
        done.stdout
    );
    let (_, _, body) = server.get("www/kk/about/index.html");
    assert!(String::from_utf8(gunzip(&body))
        .unwrap()
        .contains("Жаңа абзац."));

    // A removed page: new files first, pages, then feeds and sitemap, deletions last.
    site.remove("content/kk/about.md");
    site.write("static/new-photo.png", b"\x89PNG not really");
    site.build_ok(&[]);
    let plan = planned(&deploy(&site, &["--dry-run"]));
    let verbs: Vec<&str> = plan.iter().map(|(v, _)| v.as_str()).collect();
    let first_delete = verbs
        .iter()
        .position(|v| *v == "delete")
        .expect("a deletion");
    assert!(
        verbs[first_delete..].iter().all(|v| *v == "delete"),
        "{plan:?}"
    );
    let at = |path: &str| {
        plan.iter()
            .position(|(_, p)| p == path)
            .unwrap_or_else(|| panic!("{path}: {plan:?}"))
    };
    assert!(at("new-photo.png") < at("kk/index.html"), "{plan:?}");
    assert!(at("kk/index.html") < at("sitemap.xml"), "{plan:?}");
    assert!(
        plan.iter()
            .any(|(v, p)| v == "delete" && p == "kk/about/index.html"),
        "{plan:?}"
    );
    deploy(&site, &[]);
    assert_eq!(server.get("www/kk/about/index.html").0, 404);
    assert_eq!(server.get("www/new-photo.png").0, 200);
    assert!(deploy(&site, &[])
        .stdout
        .contains("0 new, 0 replaced, 0 deleted"));
}

#[test]
fn objects_qostil_did_not_upload_are_never_deleted() {
    let server = S3Server::start();
    let site = site_for(&server);
    // Someone else's object under the prefix.
    fs::create_dir_all(server.data.path().join(BUCKET).join("www")).unwrap();
    fs::write(
        server.data.path().join(BUCKET).join("www/google123.html"),
        "verify",
    )
    .unwrap();
    deploy(&site, &[]);
    site.remove("content/kk/about.md");
    site.build_ok(&[]);
    deploy(&site, &[]);
    assert_eq!(server.get("www/google123.html").0, 200);
}

#[test]
fn dry_run_prints_the_plan_and_changes_nothing() {
    let server = S3Server::start();
    let site = site_for(&server);
    let before = Snapshot::of(server.data.path());
    let run = deploy(&site, &["--dry-run"]);
    assert!(
        run.stdout.contains("dry run: would upload"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("nothing was changed"), "{}", run.stdout);
    assert!(planned(&run)
        .iter()
        .any(|(v, p)| v == "upload" && p == "kk/index.html"));
    Snapshot::of(server.data.path()).assert_same(&before, "a dry run changes nothing");
}

#[test]
fn wrong_credentials_are_a_clear_error_with_exit_1_and_never_printed() {
    let server = S3Server::start();
    let site = site_for(&server);
    let wrong = "not-the-secret-key-42";
    let run = deploy_with(&site, &[], wrong);
    run.assert_code(1);
    let line = run.stderr.lines().next().unwrap_or("");
    assert!(
        line.starts_with("error: GET s3://portal/www/.qostil-deploy.json: HTTP 403"),
        "{}",
        run.stderr
    );
    assert!(line.contains("check the credentials"), "{line}");
    assert!(!run.stderr.contains(wrong) && !run.stdout.contains(wrong));
    assert_eq!(server.keys(), Vec::<String>::new(), "nothing was uploaded");

    // No credentials at all.
    let home = site.scratch("empty-home");
    fs::create_dir_all(&home).unwrap();
    let run = site.run_with(
        &["deploy"],
        &[
            ("AWS_ACCESS_KEY_ID", ""),
            ("AWS_SECRET_ACCESS_KEY", ""),
            ("AWS_PROFILE", ""),
            ("AWS_SHARED_CREDENTIALS_FILE", ""),
            ("HOME", home.to_str().unwrap()),
        ],
    );
    run.assert_code(1);
    assert!(run.stderr.contains("no AWS credentials"), "{}", run.stderr);
}

#[test]
fn credentials_come_from_the_profile_in_aws_credentials() {
    let server = S3Server::start();
    let site = site_for(&server);
    let home = site.scratch("profile-home");
    fs::create_dir_all(home.join(".aws")).unwrap();
    fs::write(
        home.join(".aws/credentials"),
        format!("[default]\naws_access_key_id = wrong\naws_secret_access_key = wrong\n\n[site]\naws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = {SECRET_KEY}\n"),
    )
    .unwrap();
    let run = site.run_with(
        &["deploy"],
        &[
            ("AWS_ACCESS_KEY_ID", ""),
            ("AWS_SECRET_ACCESS_KEY", ""),
            ("AWS_PROFILE", "site"),
            ("AWS_SHARED_CREDENTIALS_FILE", ""),
            ("HOME", home.to_str().unwrap()),
        ],
    );
    run.assert_success();
    assert_eq!(server.get("www/kk/index.html").0, 200);
}

#[test]
fn a_file_target_gets_the_output_as_is_and_keeps_files_qostil_did_not_put_there() {
    let site = SiteTest::new("basic");
    let www = site.scratch("www");
    fs::create_dir_all(&www).unwrap();
    fs::write(www.join("CNAME"), "portal.example.kz").unwrap();
    site.append(
        "site.yaml",
        &format!(
            "compress: true\ndeploy:\n  - name: backup\n    url: \"file://{}\"\n",
            www.display()
        ),
    );
    site.build_ok(&[]);
    let run = site.run(&["deploy", "--target", "backup"]);
    run.assert_success();
    let mut copied = Snapshot::of(&www);
    copied
        .0
        .retain(|k, _| !k.ends_with('/') && k != "CNAME" && k != ".qostil-deploy.json");
    let mut output = site.snapshot_public();
    output.0.retain(|k, _| !k.ends_with('/'));
    copied.assert_same(&output, "the folder holds the output, companions included");
    assert!(site
        .run(&["deploy"])
        .stdout
        .contains("0 new, 0 replaced, 0 deleted"));

    site.remove("content/kk/about.md");
    site.build_ok(&[]);
    site.run(&["deploy"]).assert_success();
    assert!(!www.join("kk/about/index.html").exists());
    assert!(
        !www.join("kk/about").exists(),
        "the emptied folder goes too"
    );
    assert_eq!(
        fs::read_to_string(www.join("CNAME")).unwrap(),
        "portal.example.kz"
    );
}

#[test]
fn a_deploy_waits_for_a_build_writing_the_output_to_finish() {
    let site = SiteTest::new("basic");
    let www = site.scratch("www");
    site.append(
        "site.yaml",
        &format!(
            "deploy:\n  - name: backup\n    url: \"file://{}\"\n",
            www.display()
        ),
    );
    site.build_ok(&[]);
    let waited = site.run_behind_a_build(&["deploy"], || {
        assert!(
            !www.exists(),
            "it copied files while a build held the output"
        );
    });
    waited.assert_waited_then_succeeded();
    assert!(www.join("kk/index.html").is_file());
}

#[test]
fn deploy_usage_errors() {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    let run = site.run(&["deploy"]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("no `deploy:` targets"),
        "{}",
        run.stderr
    );

    site.append("site.yaml", "deploy:\n  - name: a\n    url: \"ftp://x\"\n");
    let run = site.run(&["deploy", "--target", "b"]);
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("--target b: site.yaml has no such deploy target (it has: a)"),
        "{}",
        run.stderr
    );
    let run = site.run(&["deploy"]);
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("error: site.yaml: deploy: target `a`: url: `ftp://x`"),
        "{}",
        run.stderr
    );

    site.replace(
        "site.yaml",
        "    url: \"ftp://x\"\n",
        "    url: \"file:///tmp/x\"\n    endpont: \"x\"\n",
    );
    let run = site.run(&["deploy"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("site.yaml") && run.stderr.contains("endpont"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_deploy_that_fails_halfway_records_what_it_did_and_the_next_run_finishes_the_job() {
    let site = SiteTest::new("basic");
    let www = site.scratch("www");
    // A folder where robots.txt (sent in the last phase) must go: that upload fails.
    fs::create_dir_all(www.join("robots.txt")).unwrap();
    site.append(
        "site.yaml",
        &format!(
            "deploy:\n  - name: www\n    url: \"file://{}\"\n",
            www.display()
        ),
    );
    site.build_ok(&[]);
    let run = site.run(&["deploy"]);
    run.assert_code(1);
    let first = run.stderr.lines().next().unwrap_or("");
    assert!(
        first.starts_with("error: robots.txt: cannot write:"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("run it again to finish"),
        "{}",
        run.stderr
    );
    // Assets and pages went up before it, and the manifest says so.
    assert!(www.join("kk/index.html").is_file());
    let manifest = fs::read_to_string(www.join(".qostil-deploy.json")).unwrap();
    assert!(manifest.contains("\"kk/index.html\""), "{manifest}");
    assert!(!manifest.contains("\"robots.txt\""), "{manifest}");

    fs::remove_dir(www.join("robots.txt")).unwrap();
    let run = site.run(&["deploy"]);
    run.assert_success();
    assert!(
        run.stdout.contains(": 1 new, 0 replaced, 0 deleted"),
        "{}",
        run.stdout
    );
    assert_eq!(
        fs::read(www.join("robots.txt")).unwrap(),
        fs::read(site.out_path("robots.txt")).unwrap()
    );
}
