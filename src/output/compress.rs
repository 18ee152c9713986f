//! `compress: true`: a `.gz` and a `.br` beside every text file of the output, for servers
//! that send a precompressed file as is (nginx `gzip_static`, `brotli_static`) and for
//! `qostil deploy`. Both are deterministic: the gzip header carries no time or name.

use std::io::Write;

/// Extensions of the files that get compressed companions.
const TEXT: &[&str] = &["html", "xml", "css", "js", "json", "txt", "svg"];

/// The companions' extensions, after the file's own (`index.html.gz`).
pub const COMPANIONS: &[&str] = &["gz", "br"];

/// Whether `path` is a text file that gets compressed companions.
pub fn is_text(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.')
        .is_some_and(|(stem, ext)| !stem.is_empty() && TEXT.contains(&ext))
}

/// `kk/index.html` → `kk/index.html.gz`, `kk/index.html.br`.
pub fn companions(path: &str) -> impl Iterator<Item = String> + '_ {
    COMPANIONS.iter().map(move |ext| format!("{path}.{ext}"))
}

/// The text file a companion belongs to (`kk/index.html.gz` → `kk/index.html`).
pub fn companion_source(path: &str) -> Option<&str> {
    let (source, ext) = path.rsplit_once('.')?;
    (COMPANIONS.contains(&ext) && is_text(source)).then_some(source)
}

/// gzip at the default level, without a time stamp or a file name in the header.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::default());
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// Brotli at quality 9: close to the best ratio at a cost a build of thousands of pages
/// can pay (quality 11 is ten times slower).
pub fn brotli(bytes: &[u8]) -> Vec<u8> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 9,
        lgwin: 22,
        ..Default::default()
    };
    let mut out = Vec::new();
    let mut input = bytes;
    let _ = brotli::BrotliCompress(&mut input, &mut out, &params);
    out
}

/// The companion of `path` with extension `ext` (`gz` or `br`), made from `bytes`.
pub fn compress(ext: &str, bytes: &[u8]) -> Vec<u8> {
    match ext {
        "br" => brotli(bytes),
        _ => gzip(bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn text_files_get_companions() {
        assert!(is_text("kk/index.html") && is_text("style.1234abcd.css"));
        assert!(is_text("kk/search/meta.json") && is_text("robots.txt"));
        assert!(!is_text("photo.jpg") && !is_text("kk/index.html.gz") && !is_text(".html"));
        assert_eq!(
            companions("a.xml").collect::<Vec<_>>(),
            ["a.xml.gz", "a.xml.br"]
        );
        assert_eq!(companion_source("kk/index.html.br"), Some("kk/index.html"));
        assert_eq!(companion_source("photo.jpg.gz"), None);
        assert_eq!(companion_source("kk/index.html"), None);
    }

    #[test]
    fn gzip_is_deterministic_and_round_trips() {
        let text = "Жұмысшы мамандықтары жылы ".repeat(100);
        let a = gzip(text.as_bytes());
        assert_eq!(a, gzip(text.as_bytes()));
        assert_eq!(&a[4..8], &[0, 0, 0, 0], "no time stamp in the header");
        let mut back = String::new();
        flate2::read::GzDecoder::new(&a[..])
            .read_to_string(&mut back)
            .unwrap();
        assert_eq!(back, text);
        let b = brotli(text.as_bytes());
        assert!(b.len() < text.len() / 10);
        let mut back = Vec::new();
        brotli::Decompressor::new(&b[..], 4096)
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, text.as_bytes());
    }
}
