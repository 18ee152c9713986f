//! The corpus of bench/photos: `cargo run --release --example photo_corpus -- <dir> [N]`
//! writes N (default 100) page bundles, each with a 12-megapixel JPEG (4000×3000, EXIF
//! orientation 1, GPS tags) as its lead photo, twice: `<dir>/qostil/` (a qostil site with
//! the portal theme linked in by the script) and `<dir>/hugo/` (the same bundles as Hugo
//! content; the script adds its layouts). The photo bytes are the same in both.

#[path = "../tests/support/photos.rs"]
mod photos;

use std::path::Path;

fn write(path: &Path, bytes: &[u8]) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("create a folder");
    }
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// The JPEG with a comment segment (`FF FE`) naming photo `i` right after its start marker.
fn with_comment(jpeg: Vec<u8>, i: usize) -> Vec<u8> {
    let text = format!("qostil bench photo {i}");
    let len = (text.len() + 2) as u16;
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xFE]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(text.as_bytes());
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: photo_corpus <dir> [N]");
        std::process::exit(2);
    };
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(100);
    let dir = Path::new(&dir);
    let site = dir.join("qostil");
    let hugo = dir.join("hugo");
    write(
        &site.join("site.yaml"),
        b"title: { kk: \"Photos\", ru: \"Photos\" }\nbase_url: \"https://example.kz\"\ndefault_language: kk\nlanguages: [kk, ru]\ntheme: portal\nimages: { widths: [480, 960, 1600], formats: [webp, jpeg], quality: 80 }\n",
    );
    for (folder, title) in [
        ("kk", "Photos"),
        ("ru", "Photos"),
        ("kk/news", "News"),
        ("ru/news", "News"),
    ] {
        let page = format!("---\ntitle: \"{title}\"\n---\n");
        write(
            &site.join(format!("content/{folder}/_index.md")),
            page.as_bytes(),
        );
    }
    write(
        &hugo.join("hugo.toml"),
        b"baseURL = \"https://example.kz/\"\ntitle = \"Photos\"\ndisableKinds = [\"taxonomy\", \"term\", \"RSS\", \"sitemap\", \"robotsTXT\", \"404\"]\n[imaging]\nquality = 80\n",
    );
    for i in 0..n {
        // Each file differs (a JPEG comment with its number), so no cache, qostil's or
        // Hugo's, can take one photo for another: every one is decoded and encoded.
        let photo = with_comment(photos::jpeg(4000, 3000, 1, true, 90), i);
        let page = format!(
            "---\ntitle: \"Photo {i}\"\ndate: 2025-06-01\nimage:\n  src: photo.jpg\n  alt: \"Photo {i}\"\n---\n\nPhoto {i}.\n"
        );
        // The same bundle in both sites: qostil's under its language folder.
        let bundle = format!("news/p{i:03}");
        for content in [site.join("content/kk"), hugo.join("content")] {
            write(&content.join(&bundle).join("index.md"), page.as_bytes());
            write(&content.join(&bundle).join("photo.jpg"), &photo);
        }
    }
    eprintln!("{n} bundles with a 12-megapixel photo in {}", dir.display());
}
