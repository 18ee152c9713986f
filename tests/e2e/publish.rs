//! Publishing to a static host (#20): fingerprinted assets (`asset()`), and `compress: true`
//! writing `.gz`/`.br` companions beside every text file through the build's staging and
//! manifest.

use std::fs;
use std::io::Read;
use std::os::unix::fs::MetadataExt;

use crate::harness::{SiteTest, Snapshot};

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(bytes, 4096)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn compressed_site() -> SiteTest {
    let site = SiteTest::new("basic");
    site.append("site.yaml", "compress: true\n");
    site
}

/// (inode, mtime in ns) of an output file: equal when the file was left where it was.
fn identity(site: &SiteTest, rel: &str) -> (u64, i64) {
    let meta = fs::metadata(site.out_path(rel)).unwrap();
    (meta.ino(), meta.mtime_nsec() + meta.mtime() * 1_000_000_000)
}

// ------------------------------------------------------------------ fingerprinted assets

#[test]
fn a_changed_stylesheet_is_a_new_url_and_the_old_one_goes() {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    let before = site.asset("style.css");
    let script = site.asset("search.js");
    site.html("kk/search/index.html")
        .assert_has(&format!("<script src=\"/{script}\""));
    site.assert_missing("style.css");
    site.assert_missing("search.js");

    site.append("themes/portal/static/style.css", "\n/* changed */\n");
    site.build_ok(&[]);
    let after = site.asset("style.css");
    assert_ne!(before, after);
    site.assert_missing(&before);
    assert!(site.out(&after).ends_with("/* changed */\n"));
    site.html("kk/news/festival/index.html")
        .assert_has(&format!("href=\"/{after}\""))
        .assert_lacks(&before);
    assert_eq!(
        site.asset("search.js"),
        script,
        "an unchanged script keeps its name"
    );
}

#[test]
fn asset_of_a_missing_stylesheet_is_an_error_naming_the_template() {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    let before = site.snapshot_public();
    site.replace(
        "themes/portal/templates/base.html",
        "asset(path=\"style.css\")",
        "asset(path=\"missing.css\")",
    );
    let run = site.build(&[]);
    // Reported like any template error: per template rendered, with the output.
    let line = run.error_with(&["themes/portal/templates/page.html", "/kk/about/"]);
    assert!(line.contains("asset(path=\"missing.css\")"), "{line}");
    assert!(
        line.contains("no such file in the theme's or the site's static/"),
        "{line}"
    );
    site.snapshot_public()
        .assert_same(&before, "a failed build leaves the output as it was");
}

// ------------------------------------------------------------------ compress: true

#[test]
fn compress_writes_gz_and_br_beside_every_text_file() {
    let site = compressed_site();
    // Run the way a user types it: in the site folder.
    site.run(&["build"]).assert_success();
    let files = site.snapshot_public();
    let text: Vec<&str> = files
        .files()
        .into_iter()
        .filter(|f| {
            [".html", ".xml", ".css", ".js", ".json", ".txt", ".svg"]
                .iter()
                .any(|e| f.ends_with(e))
        })
        .collect();
    assert!(text.len() > 50, "{text:?}");
    for file in &text {
        let original = &files.0[*file];
        let gz = files
            .0
            .get(&format!("{file}.gz"))
            .unwrap_or_else(|| panic!("no {file}.gz"));
        let br = files
            .0
            .get(&format!("{file}.br"))
            .unwrap_or_else(|| panic!("no {file}.br"));
        assert_eq!(&gunzip(gz), original, "{file}.gz");
        assert_eq!(&unbrotli(br), original, "{file}.br");
        assert_eq!(&gz[4..8], &[0, 0, 0, 0], "{file}.gz: no time in the header");
    }
    assert!(files
        .0
        .contains_key(&format!("{}.gz", site.asset("style.css"))));
    assert!(
        !files
            .files()
            .iter()
            .any(|f| f.ends_with(".gz.gz") || f.ends_with(".br.gz")),
        "companions are not compressed again"
    );
}

#[test]
fn compressed_output_is_deterministic_and_a_rebuild_equals_a_clean_build() {
    let site = compressed_site();
    site.build_ok(&[]);
    site.replace(
        "content/kk/news/festival.md",
        "Фестиваль",
        "Фестиваль (жаңартылды)",
    );
    site.build_ok(&[]);
    let fresh = site.scratch("fresh");
    site.build_ok(&["--clean", "--output", fresh.to_str().unwrap()]);
    site.snapshot_public()
        .assert_same(&Snapshot::of(&fresh), "cached rebuild vs clean build");
}

#[test]
fn unchanged_files_keep_their_companions_and_an_edit_compresses_only_its_outputs() {
    let site = compressed_site();
    site.build_ok(&[]);
    let about = identity(&site, "kk/about/index.html.gz");
    let about_br = identity(&site, "kk/about/index.html.br");
    site.build_ok(&[]);
    assert_eq!(identity(&site, "kk/about/index.html.gz"), about);
    assert_eq!(identity(&site, "kk/about/index.html.br"), about_br);

    site.append("content/kk/about.md", "\nЖаңа жол.\n");
    let festival = identity(&site, "kk/news/festival/index.html.gz");
    site.build_ok(&[]);
    assert_ne!(identity(&site, "kk/about/index.html.gz"), about);
    let page = gunzip(&fs::read(site.out_path("kk/about/index.html.gz")).unwrap());
    assert!(String::from_utf8(page).unwrap().contains("Жаңа жол."));
    assert_eq!(
        identity(&site, "kk/news/festival/index.html.gz"),
        festival,
        "a page the edit did not change keeps its .gz"
    );
}

#[test]
fn a_companion_edited_or_deleted_in_the_output_is_written_again() {
    let site = compressed_site();
    site.build_ok(&[]);
    let good = fs::read(site.out_path("kk/about/index.html.gz")).unwrap();
    fs::write(site.out_path("kk/about/index.html.gz"), b"tampered").unwrap();
    fs::remove_file(site.out_path("robots.txt.br")).unwrap();
    site.build_ok(&[]);
    assert_eq!(
        fs::read(site.out_path("kk/about/index.html.gz")).unwrap(),
        good
    );
    site.assert_exists("robots.txt.br");
}

#[test]
fn removed_pages_lose_their_companions_and_compress_false_removes_them_all() {
    let site = compressed_site();
    site.build_ok(&[]);
    site.assert_exists("kk/about/index.html.gz");
    site.remove("content/kk/about.md");
    site.build_ok(&[]);
    site.assert_missing("kk/about/index.html.gz");
    site.assert_missing("kk/about/index.html.br");

    site.replace("site.yaml", "compress: true", "compress: false");
    site.build_ok(&[]);
    let left: Vec<String> = site
        .snapshot_public()
        .files()
        .into_iter()
        .filter(|f| f.ends_with(".gz") || f.ends_with(".br"))
        .map(String::from)
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_companion_qostil_did_not_write_is_never_replaced() {
    let site = SiteTest::new("basic");
    site.build_ok(&[]);
    // The user's own file, where compress would put one.
    fs::write(site.out_path("robots.txt.gz"), b"mine").unwrap();
    site.append("site.yaml", "compress: true\n");
    let before = site.snapshot_public();
    let run = site.build(&[]);
    run.assert_code(2);
    assert!(run.stderr.contains("robots.txt.gz"), "{}", run.stderr);
    site.snapshot_public()
        .assert_same(&before, "a refused build changes nothing");
}

#[test]
fn compress_must_be_true_or_false() {
    let site = SiteTest::new("basic");
    site.append("site.yaml", "compress: often\n");
    let line = site.build(&[]).error_with(&["site.yaml"]);
    assert!(line.contains("compress"), "{line}");
}
