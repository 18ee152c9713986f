//! Photos (issue 16): page bundles, variants in `images.widths` × `images.formats`, EXIF
//! orientation applied and no metadata published, the Russian translation showing the
//! Kazakh bundle's photo, missing photos as errors, the variants cache. The photos are made
//! by the test (`tests/support/photos.rs`) into a copy of tests/fixtures/photos.

use std::collections::BTreeMap;
use std::path::Path;

use crate::harness::{SiteTest, Snapshot};

#[path = "../support/photos.rs"]
mod generate;

const BUNDLE: &str = "content/kk/news/festival";

fn photo_site() -> SiteTest {
    let t = SiteTest::new("photos");
    generate::write_fixture_photos(t.root());
    t
}

/// Width and height of a published JPEG, WebP or PNG variant.
fn size_of(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    match path.extension().and_then(|x| x.to_str()) {
        Some("jpg") => {
            let mut d = jpeg_decoder::Decoder::new(std::io::Cursor::new(&bytes));
            d.read_info().unwrap();
            let info = d.info().unwrap();
            (u32::from(info.width), u32::from(info.height))
        }
        Some("webp") => {
            let image = webp::Decoder::new(&bytes).decode().expect("a WebP");
            (image.width(), image.height())
        }
        Some("png") => {
            let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
            let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
            (w, h)
        }
        other => panic!("unexpected variant {other:?}"),
    }
}

/// The files of the bundle's output folder, by name.
fn published(t: &SiteTest) -> BTreeMap<String, (u32, u32)> {
    std::fs::read_dir(t.out_path("kk/news/festival"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x != "html"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, size_of(&p))
        })
        .collect()
}

#[test]
fn photos_are_published_in_every_width_and_format_never_upscaled_and_upright() {
    let t = photo_site();
    t.run(&["build"]).assert_success();
    let files = published(&t);
    let expected: BTreeMap<String, (u32, u32)> = [
        // lead.jpg: 2000×1200 stored, EXIF orientation 6: shown 1200×2000.
        ("lead-480.jpg", (480, 800)),
        ("lead-480.webp", (480, 800)),
        ("lead-960.jpg", (960, 1600)),
        ("lead-960.webp", (960, 1600)),
        // alpha.png, 800×600: only 480 fits; "original" is PNG for a PNG.
        ("alpha-480.png", (480, 360)),
        ("alpha-480.webp", (480, 360)),
        ("huge-480.jpg", (480, 336)),
        ("huge-480.webp", (480, 336)),
        ("huge-960.jpg", (960, 672)),
        ("huge-960.webp", (960, 672)),
        ("huge-1600.jpg", (1600, 1120)),
        ("huge-1600.webp", (1600, 1120)),
        // tiny.png, 64×48: narrower than every width, published at its own.
        ("tiny-64.png", (64, 48)),
        ("tiny-64.webp", (64, 48)),
    ]
    .into_iter()
    .map(|(n, s)| (n.to_string(), s))
    .collect();
    // The originals (with their GPS tags) are not published.
    assert_eq!(files, expected);

    // Upright: the stored picture's left half is red; turned a quarter clockwise, it is the
    // top half.
    let bytes = std::fs::read(t.out_path("kk/news/festival/lead-480.jpg")).unwrap();
    let mut d = jpeg_decoder::Decoder::new(std::io::Cursor::new(&bytes));
    let pixels = d.decode().unwrap();
    let at = |x: usize, y: usize| &pixels[(y * 480 + x) * 3..(y * 480 + x) * 3 + 3];
    let (top, bottom) = (at(240, 100), at(240, 700));
    assert!(top[0] > 150 && top[2] < 100, "top is not red: {top:?}");
    assert!(
        bottom[2] > 150 && bottom[0] < 100,
        "bottom is not blue: {bottom:?}"
    );

    // Transparency survives in WebP and PNG.
    let alpha = std::fs::read(t.out_path("kk/news/festival/alpha-480.png")).unwrap();
    assert_eq!(alpha[25], 6, "alpha-480.png is not RGBA");
    let webp = std::fs::read(t.out_path("kk/news/festival/alpha-480.webp")).unwrap();
    assert!(webp::Decoder::new(&webp).decode().unwrap().is_alpha());
}

#[test]
fn no_published_file_carries_exif_or_gps() {
    let t = photo_site();
    t.run(&["build"]).assert_success();
    let snapshot = Snapshot::of(&t.public());
    let mut checked = 0;
    for name in snapshot.files() {
        if !name.ends_with(".jpg") && !name.ends_with(".webp") && !name.ends_with(".png") {
            continue;
        }
        checked += 1;
        let bytes = std::fs::read(t.public().join(name)).unwrap();
        assert!(
            !bytes.windows(6).any(|w| w == b"Exif\0\0") && !bytes.windows(4).any(|w| w == b"EXIF"),
            "{name} carries EXIF"
        );
        if name.ends_with(".jpg") {
            // No APP1 segment (EXIF, XMP) among the markers before the image data.
            let app1 = bytes.windows(2).take(64).any(|w| w == [0xFF, 0xE1]);
            assert!(!app1, "{name} has an APP1 segment");
        }
        if name.ends_with(".png") {
            assert!(!bytes.windows(4).any(|w| w == b"eXIf"), "{name} has eXIf");
        }
    }
    assert_eq!(checked, 14, "{}", snapshot.listing());
    // The sources do carry them: the test would see them.
    let source = std::fs::read(t.path(&format!("{BUNDLE}/lead.jpg"))).unwrap();
    assert!(source.windows(6).any(|w| w == b"Exif\0\0"));
}

#[test]
fn pages_show_pictures_and_the_russian_translation_shows_the_kazakh_photo() {
    let t = photo_site();
    t.run(&["build"]).assert_success();
    let kk = t.out("kk/news/festival/index.html");
    // The lead photo: every format, its size, caption and credit; not lazy (at the top).
    assert!(kk.contains("<source type=\"image/webp\" srcset=\"/kk/news/festival/lead-480.webp 480w, /kk/news/festival/lead-960.webp 960w\""), "{kk}");
    assert!(
        kk.contains("width=\"960\" height=\"1600\" alt=\"Алаңдағы фестиваль\" decoding=\"async\">"),
        "{kk}"
    );
    assert!(
        kk.contains("Фестивальдің ашылуы — <span class=\"photo__credit\">Сурет: редакция</span>"),
        "{kk}"
    );
    // A Markdown image and the figure shortcode go through the same pipeline, lazily.
    assert!(kk.contains("<img src=\"/kk/news/festival/alpha-480.png\" srcset=\"/kk/news/festival/alpha-480.png 480w\""), "{kk}");
    assert!(kk.contains("width=\"1600\" height=\"1120\" alt=\"Алаңның панорамасы\" loading=\"lazy\" decoding=\"async\">"), "{kk}");
    // Sharing: a JPEG variant with its size and alt.
    assert!(kk.contains("<meta property=\"og:image\" content=\"https://example.kz/kk/news/festival/lead-960.jpg\">"), "{kk}");
    assert!(kk.contains("<meta property=\"og:image:width\" content=\"960\">"));
    assert!(kk.contains("<meta name=\"twitter:card\" content=\"summary_large_image\">"));
    assert!(
        kk.contains("\"image\":[\"https://example.kz/kk/news/festival/lead-960.jpg\"]"),
        "{kk}"
    );

    // The Russian page has no photos of its own: it shows the Kazakh bundle's, with its own
    // alt, caption and credit, and nothing is copied into its folder.
    let ru = t.out("ru/news/festival/index.html");
    assert!(
        ru.contains(
            "srcset=\"/kk/news/festival/lead-480.jpg 480w, /kk/news/festival/lead-960.jpg 960w\""
        ),
        "{ru}"
    );
    assert!(ru.contains("alt=\"Фестиваль на площади\""), "{ru}");
    assert!(
        ru.contains("Открытие фестиваля — <span class=\"photo__credit\">Фото: редакция</span>"),
        "{ru}"
    );
    assert!(ru.contains("/kk/news/festival/huge-1600.jpg"), "{ru}");
    let ru_files: Vec<String> = std::fs::read_dir(t.out_path("ru/news/festival"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(ru_files, ["index.html"]);

    // The feed entry carries the lead photo.
    let feed = t.out("ru/atom.xml");
    assert!(
        feed.contains("<link rel=\"enclosure\" type=\"image/jpeg\" href=\"https://example.kz/kk/news/festival/lead-960.jpg\"/>"),
        "{feed}"
    );

    // The front page's lead story shows its photo (section lists are headlines only).
    let list = t.out("ru/index.html");
    assert!(list.contains("class=\"card__media\""), "{list}");
    assert!(
        list.contains("/kk/news/festival/lead-480.webp 480w"),
        "{list}"
    );
}

#[test]
fn a_plain_page_uses_its_bundled_translation_s_photo() {
    let t = photo_site();
    // The Russian translation as a plain page (no folder of its own).
    let text = t.read("content/ru/news/festival/index.md");
    t.remove("content/ru/news/festival");
    t.write("content/ru/news/festival.md", text);
    t.run(&["build"]).assert_success();
    let ru = t.out("ru/news/festival/index.html");
    assert!(ru.contains("/kk/news/festival/lead-960.jpg 960w"), "{ru}");
}

#[test]
fn a_missing_photo_fails_the_build_at_its_line_and_leaves_the_output() {
    let t = photo_site();
    t.run(&["build"]).assert_success();
    let before = Snapshot::of(&t.public());
    let page = format!("{BUNDLE}/index.md");
    t.replace(&page, "![Белгі](tiny.png)", "![Белгі](missing.png)");
    let run = t.run(&["build"]);
    run.assert_code(1);
    run.error_with(&[
        "content/kk/news/festival/index.md:18:",
        "image missing.png: no such file in content/kk/news/festival/",
    ]);
    Snapshot::of(&t.public()).assert_same(&before, "the output after a failed build");

    // The lead photo's `src`, at the `image` key of the front matter.
    t.replace(&page, "![Белгі](missing.png)", "![Белгі](tiny.png)");
    t.replace(&page, "src: lead.jpg", "src: gone.jpg");
    let run = t.run(&["build"]);
    run.assert_code(1);
    run.error_with(&[
        "content/kk/news/festival/index.md:4:1:",
        "image gone.jpg: no such file",
    ]);

    // The Russian page looks in its own bundle and the Kazakh one; both are named.
    t.replace(&page, "src: gone.jpg", "src: lead.jpg");
    t.replace(
        "content/ru/news/festival/index.md",
        "src=\"huge.jpg\"",
        "src=\"nowhere.jpg\"",
    );
    let run = t.run(&["build"]);
    run.assert_code(1);
    run.error_with(&[
        "content/ru/news/festival/index.md:",
        "content/ru/news/festival/, content/kk/news/festival/",
    ]);
    Snapshot::of(&t.public()).assert_same(&before, "the output after failed builds");
}

#[test]
fn a_file_that_is_not_a_photo_fails_naming_it() {
    let t = photo_site();
    t.write(&format!("{BUNDLE}/tiny.png"), "not a picture");
    let run = t.run(&["build"]);
    run.assert_code(1);
    run.error_with(&[
        "content/kk/news/festival/tiny.png",
        "neither a JPEG nor a PNG",
    ]);
    assert!(!t.public().exists());
}

#[test]
fn a_second_build_encodes_no_photo_and_a_replaced_one_alone_is_encoded_again() {
    let t = photo_site();
    let first = t.run(&["build"]);
    first.assert_success();
    assert!(
        first.stdout.contains("photos: 4 (14 variants encoded"),
        "{}",
        first.stdout
    );
    let cache_before = Snapshot::of(&t.path(".qostil/images"));
    let out_before = Snapshot::of(&t.public());

    let second = t.run(&["build"]);
    second.assert_success();
    assert!(
        second.stdout.contains("photos: 4 (0 variants encoded"),
        "{}",
        second.stdout
    );
    Snapshot::of(&t.public()).assert_same(&out_before, "the output of a second build");
    Snapshot::of(&t.path(".qostil/images")).assert_same(&cache_before, "the cache");

    // Another tiny.png (twice as wide): only its two variants are made.
    std::fs::write(
        t.path(&format!("{BUNDLE}/tiny.png")),
        generate::png_with_alpha(128, 96),
    )
    .unwrap();
    let third = t.run(&["build"]);
    third.assert_success();
    assert!(
        third.stdout.contains("photos: 4 (2 variants encoded"),
        "{}",
        third.stdout
    );
    assert_eq!(published(&t).get("tiny-128.png"), Some(&(128, 96)));
    assert!(!t.out_path("kk/news/festival/tiny-64.png").exists());
    let page = t.out("kk/news/festival/index.html");
    assert!(
        page.contains("width=\"128\" height=\"96\" alt=\"Белгі\""),
        "{page}"
    );
}

#[test]
fn bundle_files_that_are_not_photos_are_published_and_links_to_them_work_in_both_languages() {
    let t = photo_site();
    t.write(&format!("{BUNDLE}/report.pdf"), "%PDF-1.4 test");
    t.append(
        "content/ru/news/festival/index.md",
        "\n[Отчёт](report.pdf)\n",
    );
    t.run(&["build"]).assert_success();
    assert_eq!(t.out("kk/news/festival/report.pdf"), "%PDF-1.4 test");
    let ru = t.out("ru/news/festival/index.html");
    assert!(
        ru.contains("<a href=\"/kk/news/festival/report.pdf\">Отчёт</a>"),
        "{ru}"
    );
}

#[test]
fn images_settings_are_checked() {
    let t = photo_site();
    t.replace("site.yaml", "quality: 80", "quality: 0");
    let run = t.run(&["build"]);
    run.assert_code(1);
    run.error_with(&["site.yaml:", "`quality` must be from 1 to 100"]);
    t.replace("site.yaml", "quality: 0", "quality: 80, sizes: 3");
    let run = t.run(&["build"]);
    run.assert_code(1);
    run.error_with(&["site.yaml", "sizes"]);
}

#[test]
fn other_formats_and_widths_are_taken_from_site_yaml() {
    let t = photo_site();
    t.replace(
        "site.yaml",
        "{ widths: [480, 960, 1600], formats: [webp, original], quality: 80 }",
        "{ widths: [300], formats: [jpeg] }",
    );
    t.run(&["build"]).assert_success();
    let files: Vec<String> = published(&t).into_keys().collect();
    assert_eq!(
        files,
        [
            "alpha-300.jpg",
            "huge-300.jpg",
            "lead-300.jpg",
            "tiny-64.jpg"
        ]
    );
}

#[test]
fn check_warns_about_small_large_unused_and_insecure_photos_and_a_translation_without_one() {
    let t = photo_site();
    t.write(
        &format!("{BUNDLE}/unused.jpg"),
        generate::jpeg(64, 64, 1, false, 80),
    );
    // A big original: noise compresses badly at quality 100.
    t.write(
        &format!("{BUNDLE}/big.jpg"),
        generate::jpeg(4000, 3000, 1, false, 100),
    );
    t.append(&format!("{BUNDLE}/index.md"), "\n![Үлкен](big.jpg)\n");
    t.replace(
        "content/ru/news/festival/index.md",
        "image:\n  src: lead.jpg\n  alt: \"Фестиваль на площади\"\n  caption: \"Открытие фестиваля\"\n  credit: \"Фото: редакция\"\n",
        "",
    );
    let run = t.run(&["check"]);
    run.assert_success();
    let text = format!("{}{}", run.stdout, run.stderr);
    let big = std::fs::metadata(t.path(&format!("{BUNDLE}/big.jpg")))
        .unwrap()
        .len();
    assert!(big > 10 * 1024 * 1024, "big.jpg is only {big} bytes");
    for needle in [
        "content/kk/news/festival/big.jpg: the photo is",
        "[large-photo]",
        "content/kk/news/festival/lead.jpg: the photo is 1200 px wide, narrower than the largest of images.widths (1600 px): it is never enlarged, so its widest copy is 960 px [small-photo]",
        "content/kk/news/festival/unused.jpg: no page of the bundle or its translations refers to this file: it is not published [unused-file]",
        "content/ru/news/festival/index.md:1:1: no lead photo: its translation content/kk/news/festival/index.md shows lead.jpg",
    ] {
        assert!(text.contains(needle), "no {needle:?} in:\n{text}");
    }
    // Bundle references are not reported as broken links.
    assert!(!text.contains("does not exist"), "{text}");

    t.replace(
        &format!("{BUNDLE}/index.md"),
        "src: lead.jpg",
        "src: http://photos.example.kz/lead.jpg",
    );
    let run = t.run(&["check"]);
    let text = format!("{}{}", run.stdout, run.stderr);
    assert!(
        text.contains("content/kk/news/festival/index.md:4:1: image: http://photos.example.kz/lead.jpg is not https"),
        "{text}"
    );
}

#[test]
fn static_photos_shown_at_their_site_paths_are_resized_beside_the_original() {
    let t = photo_site();
    let original = generate::jpeg(1200, 900, 1, true, 90);
    t.write("static/img/square.jpg", &original);
    t.write(
        "themes/portal/static/img/badge.png",
        generate::png_with_alpha(600, 400),
    );
    t.write(
        "content/kk/news/square.md",
        "---\ntitle: \"Алаң\"\ndate: 2025-06-02\nimage:\n  src: /img/square.jpg\n  alt: \"Алаң суреті\"\n---\n\nМәтін.\n\n![Белгі](/img/badge.png)\n\n{{ figure(src=\"/img/square.jpg\", alt=\"Тағы да алаң\") }}\n",
    );
    t.run(&["build"]).assert_success();

    // The original stays a static file as the user put it (metadata and all); its variants
    // are published beside it, never upscaled, in every format.
    assert_eq!(
        std::fs::read(t.out_path("img/square.jpg")).unwrap(),
        original
    );
    for (name, size) in [
        ("img/square-480.jpg", (480, 360)),
        ("img/square-480.webp", (480, 360)),
        ("img/square-960.jpg", (960, 720)),
        ("img/square-960.webp", (960, 720)),
        ("img/badge-480.png", (480, 320)),
        ("img/badge-480.webp", (480, 320)),
    ] {
        assert_eq!(size_of(&t.out_path(name)), size, "{name}");
        let bytes = std::fs::read(t.out_path(name)).unwrap();
        assert!(!bytes.windows(4).any(|w| w == b"Exif"), "{name} has EXIF");
    }
    assert!(!t.out_path("img/square-1600.jpg").exists());

    let page = t.out("kk/news/square/index.html");
    // The lead photo, the Markdown image and the figure: <picture> with every variant.
    assert!(
        page.contains("<source type=\"image/webp\" srcset=\"/img/square-480.webp 480w, /img/square-960.webp 960w\""),
        "{page}"
    );
    assert!(
        page.contains("width=\"960\" height=\"720\" alt=\"Алаң суреті\""),
        "{page}"
    );
    assert!(
        page.contains("<img src=\"/img/badge-480.png\" srcset=\"/img/badge-480.png 480w\""),
        "{page}"
    );
    assert!(
        page.contains("width=\"960\" height=\"720\" alt=\"Тағы да алаң\" loading=\"lazy\""),
        "{page}"
    );
    assert!(
        page.contains(
            "<meta property=\"og:image\" content=\"https://example.kz/img/square-960.jpg\">"
        ),
        "{page}"
    );
    assert!(page.contains("<meta property=\"og:image:height\" content=\"720\">"));
    let feed = t.out("kk/atom.xml");
    assert!(
        feed.contains("href=\"https://example.kz/img/square-960.jpg\"/>"),
        "{feed}"
    );
    t.run(&["check"]).assert_success();
}

#[test]
fn a_variant_that_would_replace_a_static_file_fails_naming_both() {
    let t = photo_site();
    t.write(
        "static/img/square.jpg",
        generate::jpeg(600, 400, 1, false, 90),
    );
    t.write("static/img/square-480.webp", b"made by hand");
    t.append(
        &format!("{BUNDLE}/index.md"),
        "\n![Алаң](/img/square.jpg)\n",
    );
    let run = t.run(&["build"]);
    run.assert_code(1);
    run.error_with(&[
        "static/img/square.jpg",
        "/img/square-480.webp",
        "the static file static/img/square-480.webp",
    ]);
    assert!(!t.public().exists());
}

#[test]
fn photos_of_one_stem_in_one_folder_get_their_extensions_in_their_names() {
    let t = photo_site();
    t.write(
        &format!("{BUNDLE}/dup.jpg"),
        generate::jpeg(600, 400, 1, false, 90),
    );
    t.write(
        &format!("{BUNDLE}/dup.png"),
        generate::png_with_alpha(500, 300),
    );
    t.append(
        &format!("{BUNDLE}/index.md"),
        "\n![JPEG](dup.jpg)\n\n![PNG](dup.png)\n",
    );
    t.run(&["build"]).assert_success();
    let files = published(&t);
    assert_eq!(files.get("dup-jpg-480.jpg"), Some(&(480, 320)));
    assert_eq!(files.get("dup-jpg-480.webp"), Some(&(480, 320)));
    assert_eq!(files.get("dup-png-480.png"), Some(&(480, 288)));
    assert_eq!(files.get("dup-png-480.webp"), Some(&(480, 288)));
    assert!(!files.contains_key("dup-480.webp"), "{files:?}");
    // The other photos keep their names.
    assert!(files.contains_key("lead-480.webp") && files.contains_key("tiny-64.png"));
    let page = t.out("kk/news/festival/index.html");
    assert!(
        page.contains("srcset=\"/kk/news/festival/dup-jpg-480.jpg 480w\""),
        "{page}"
    );
    assert!(
        page.contains("srcset=\"/kk/news/festival/dup-png-480.png 480w\""),
        "{page}"
    );
}

#[test]
fn check_warns_about_markdown_images_without_alt_in_either_language() {
    let t = photo_site();
    let kk = format!("{BUNDLE}/index.md");
    let ru = "content/ru/news/festival/index.md";
    t.append(&kk, "\n![](tiny.png)\n");
    t.append(ru, "\nТекст ![ ](/img/none.png)\n");
    let (kk_line, ru_line) = (t.read(&kk).lines().count(), t.read(ru).lines().count());
    let run = t.run(&["check"]);
    let text = format!("{}{}", run.stdout, run.stderr);
    for needle in [
        format!("{kk}:{kk_line}:1: image tiny.png has no alt text: write what it shows in kk between the brackets, ![…](tiny.png) [missing-alt]"),
        format!("{ru}:{ru_line}:7: image /img/none.png has no alt text: write what it shows in ru"),
    ] {
        assert!(text.contains(&needle), "no {needle:?} in:\n{text}");
    }
    // The fixture's own images have their alt: only these two are reported.
    assert_eq!(text.matches("has no alt text").count(), 2, "{text}");
}
