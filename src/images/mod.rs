//! Photos and page bundles: a stage between assembling the site and rendering it.
//!
//! - `bundles` finds the files of page bundles and resolves every page's relative
//!   references (Markdown images and links, `image.src`, a shortcode's `src`): in the page's
//!   own bundle, then in its translations'.
//! - `process` makes each photo shown on a page into its variants (`images.widths` ×
//!   `images.formats`), cached in `.qostil/images/`, in parallel.
//! - `Photos` is the result: what templates get for a photo (`view`) and the files the
//!   output gets (bundle files as they are, photos only as their variants: an original may
//!   carry GPS coordinates).
//!
//! A photo of `static/` shown at its site path (`image.src: /img/x.jpg`, `![…](/img/x.jpg)`)
//! is made into variants too, published beside it (`img/x-480.webp`): the original stays
//! a static file, as the user put it there.
//!
//! Variants are named `<stem>-<width>.<format>` beside the original. Two photos shown from
//! one folder with the same stem (`a.jpg` and `a.png`) both carry their extension
//! (`a-jpg-480.webp`, `a-png-480.webp`); any other published path made twice is an error.

pub mod bundles;
pub mod process;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::diag::{Diagnostic, Diagnostics};
use crate::progress::Progress;
use crate::site::Site;
pub use bundles::{BundleFile, Bundles};
use process::{Encoding, Made};

/// The cache folder of processed variants, inside `.qostil/`.
pub const CACHE_SUBDIR: &str = "images";

/// A processed photo: its size and its published variants.
#[derive(Debug, Clone)]
pub struct Photo {
    pub width: u32,
    pub height: u32,
    /// Format by format (`images.formats` order), each narrow to wide.
    pub variants: Vec<Variant>,
}

#[derive(Debug, Clone)]
pub struct Variant {
    pub width: u32,
    pub height: u32,
    pub encoding: Encoding,
    /// Where it is published: `kk/news/x/photo-480.webp`.
    pub out: String,
    /// Its file in the cache.
    pub cache: PathBuf,
}

/// The bundles and photos of a site.
#[derive(Debug, Default)]
pub struct Photos {
    pub bundles: Bundles,
    /// Bundle or static file source → the photo made from it.
    pub photos: BTreeMap<String, Photo>,
    /// Site path of a `static/` photo a page shows (`/img/x.jpg`) → its source
    /// (`static/img/x.jpg`, or the theme's).
    pub statics: BTreeMap<String, String>,
    /// Every file the output gets from this stage: output path → the file to copy.
    pub files: BTreeMap<String, PathBuf>,
    /// Variants encoded by this build (0 when every one came from the cache).
    pub encoded: usize,
    /// A hash of everything the views show, for the renderer's key.
    pub key: u64,
}

/// `srcset` and MIME type of one format of a photo.
#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    #[serde(rename = "type")]
    pub mime: &'static str,
    pub srcset: String,
}

/// What templates get for an image: a local photo has its size and variants, an image on
/// another site only `src`, `alt`, `caption` and `credit`.
#[derive(Debug, Clone, Serialize)]
pub struct ImageView {
    pub src: String,
    pub alt: String,
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// The fallback format's variants (`/kk/x/a-480.jpg 480w, …`).
    pub srcset: Option<String>,
    /// The other formats, for `<source>` elements (WebP first by default).
    pub sources: Vec<SourceView>,
}

impl Photos {
    /// The photo a `path` of document `doc_source` shows, if it is one: a relative path is
    /// a bundle file, a site path (`/img/x.jpg`, see `markdown::image_file`) a static one.
    pub fn photo(&self, doc_source: &str, path: &str) -> Option<&Photo> {
        let source = match self.statics.get(path) {
            Some(source) => source,
            None => &self.bundles.lookup(doc_source, path)?.0.source,
        };
        self.photos.get(source)
    }

    /// The photo an image destination `src` (as written) shows on document `doc_source`.
    pub fn shown(&self, doc_source: &str, src: &str) -> Option<&Photo> {
        let path = crate::content::markdown::image_file(src)?;
        self.photo(doc_source, &path)
    }

    /// Whether a destination as written (`dest`, an image's when `image`) of document
    /// `doc_source` names a bundle file: resolved, or refused, when the site was loaded, so
    /// `check` does not look for it among the site's paths.
    pub fn is_bundled(&self, doc_source: &str, dest: &str, image: bool) -> bool {
        crate::content::markdown::relative_file(dest, image)
            .is_some_and(|path| self.bundles.lookup(doc_source, &path).is_some())
    }

    /// The published URL (without the base path) of a bundle file `path` names, for links.
    pub fn file_url(&self, doc_source: &str, path: &str) -> Option<String> {
        let (file, _) = self.bundles.lookup(doc_source, path)?;
        Some(format!("/{}", file.out_path()))
    }
}

impl Photo {
    /// The variants of one format.
    fn of(&self, encoding: Encoding) -> impl Iterator<Item = &Variant> {
        self.variants.iter().filter(move |v| v.encoding == encoding)
    }

    /// The format of the `<img>` itself: the last of `images.formats`.
    fn fallback(&self) -> Option<Encoding> {
        self.variants.last().map(|v| v.encoding)
    }

    /// The variant a link preview shows (`og:image`): the narrowest JPEG or PNG at least
    /// 1200 pixels wide, else the widest one (WebP is not shown everywhere).
    pub fn share(&self) -> Option<&Variant> {
        let shareable: Vec<&Variant> = self
            .variants
            .iter()
            .filter(|v| v.encoding != Encoding::Webp)
            .collect();
        let list = if shareable.is_empty() {
            self.variants.iter().collect()
        } else {
            shareable
        };
        list.iter()
            .filter(|v| v.width >= 1200)
            .min_by_key(|v| v.width)
            .or_else(|| list.iter().max_by_key(|v| v.width))
            .copied()
    }

    /// The view of this photo; `link` makes an output path a URL.
    pub fn view(
        &self,
        alt: &str,
        caption: Option<&str>,
        credit: Option<&str>,
        link: &dyn Fn(&str) -> String,
    ) -> ImageView {
        let srcset = |e: Encoding| {
            self.of(e)
                .map(|v| format!("{} {}w", link(&v.out), v.width))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let fallback = self.fallback().unwrap_or(Encoding::Jpeg);
        let largest = self.of(fallback).max_by_key(|v| v.width);
        let mut formats: Vec<Encoding> = Vec::new();
        for v in &self.variants {
            if v.encoding != fallback && !formats.contains(&v.encoding) {
                formats.push(v.encoding);
            }
        }
        ImageView {
            src: largest.map(|v| link(&v.out)).unwrap_or_default(),
            alt: alt.to_string(),
            caption: caption.map(str::to_string),
            credit: credit.map(str::to_string),
            width: largest.map(|v| v.width),
            height: largest.map(|v| v.height),
            srcset: Some(srcset(fallback)),
            sources: formats
                .into_iter()
                .map(|e| SourceView {
                    mime: e.mime(),
                    srcset: srcset(e),
                })
                .collect(),
        }
    }
}

/// The plain view of an image that is not a local photo (another site's, a `static/` path).
pub fn plain_view(
    src: String,
    alt: &str,
    caption: Option<&str>,
    credit: Option<&str>,
) -> ImageView {
    ImageView {
        src,
        alt: alt.to_string(),
        caption: caption.map(str::to_string),
        credit: credit.map(str::to_string),
        width: None,
        height: None,
        srcset: None,
        sources: Vec::new(),
    }
}

/// Whether a changed file is a JPEG or PNG: a `static/` one may be a photo a page shows, so
/// `serve` prepares the photos again (only a changed photo is encoded).
pub fn is_photo_path(path: &Path) -> bool {
    bundles::is_photo_name(&path.to_string_lossy())
}

/// The cache folder of variants: `.qostil/images/`.
pub fn cache_dir(root: &Path) -> PathBuf {
    root.join(crate::output::cache::CACHE_DIR)
        .join(CACHE_SUBDIR)
}

/// Resolves the site's bundles and makes every photo a page shows; a missing file or a
/// photo that cannot be read is an error naming it, and nothing is published.
pub fn prepare(root: &Path, site: &Site, progress: &dyn Progress) -> Result<Photos, Diagnostics> {
    let bundles = bundles::collect(root, site)?;
    let mut shown: Vec<&BundleFile> = Vec::new();
    let mut linked: Vec<&BundleFile> = Vec::new();
    for r in bundles.refs.values() {
        let Some(file) = bundles.files.get(&r.source) else {
            continue;
        };
        if r.image && file.is_photo() {
            shown.push(file);
        } else {
            linked.push(file);
        }
    }
    let (statics, static_files) = shown_statics(root, site);
    shown.extend(static_files.values());
    shown.sort_by(|a, b| a.source.cmp(&b.source));
    shown.dedup_by(|a, b| a.source == b.source);
    let stems = variant_stems(&shown);
    let config = &site.config.images;
    let cache = cache_dir(root);
    progress.stage("photos", shown.len() as u64);
    let results: Vec<Result<(String, Photo, usize), Diagnostic>> = shown
        .par_iter()
        .zip(&stems)
        .map(|(file, stem)| {
            let done = make_photo(root, file, stem, config, &cache);
            progress.advance(1);
            done
        })
        .collect();
    let mut diags = Diagnostics::new();
    let mut photos = BTreeMap::new();
    let mut encoded = 0;
    for r in results {
        match r {
            Ok((source, photo, n)) => {
                encoded += n;
                photos.insert(source, photo);
            }
            Err(d) => diags.push(d),
        }
    }
    let mut files = BTreeMap::new();
    for file in bundles.files.values() {
        // A photo is published as itself only when a page links to it; shown, only its
        // variants are (without metadata). Other files (PDFs) are published as they are.
        let linked_here = linked.iter().any(|l| l.source == file.source);
        if !file.is_photo() || linked_here {
            files.insert(file.out_path(), root.join(&file.source));
        }
    }
    for (source, photo) in &photos {
        for v in &photo.variants {
            if let Some(taken) = taken_path(root, &site.config.theme, &files, &v.out) {
                diags.push(Diagnostic::error(
                    source,
                    format!(
                        "its {} px copy would be published at /{}, which {taken} already is; rename one of them",
                        v.width, v.out
                    ),
                ));
            }
            files.insert(v.out.clone(), v.cache.clone());
        }
    }
    let key = photos_key(&bundles, &statics, &photos);
    diags.into_result(Photos {
        bundles,
        photos,
        statics,
        files,
        encoded,
        key,
    })
}

/// The `static/` photos pages show at their site paths: site path → source, and source →
/// the file with where its variants go (beside it). A path that `static/` (the site's, then
/// the theme's) does not have, or that is not a JPEG or PNG, is left as written (`check`
/// reports a missing one).
fn shown_statics(
    root: &Path,
    site: &Site,
) -> (BTreeMap<String, String>, BTreeMap<String, BundleFile>) {
    let mut paths: Vec<String> = Vec::new();
    for page in &site.pages {
        let doc = &page.doc;
        let lead = doc.meta.image.as_ref();
        paths.extend(lead.and_then(|i| crate::content::markdown::site_file(&i.src)));
        paths.extend(doc.site_images.iter().map(|r| r.path.clone()));
    }
    paths.sort();
    paths.dedup();
    let mut statics = BTreeMap::new();
    let mut files = BTreeMap::new();
    for path in paths {
        if let Some(file) = static_photo(root, &site.config.theme, &path) {
            statics.insert(path, file.source.clone());
            files.insert(file.source.clone(), file);
        }
    }
    (statics, files)
}

/// The static photo at site path `path` (`/img/x.jpg`): the site's `static/img/x.jpg`, else
/// the theme's, as `paths::static_files` finds them (no ignored names).
fn static_photo(root: &Path, theme: &str, path: &str) -> Option<BundleFile> {
    let rel = path.strip_prefix('/')?;
    if !bundles::is_photo_name(rel) || rel.split('/').any(crate::paths::is_ignored_name) {
        return None;
    }
    let dirs = [
        root.join("static"),
        root.join("themes").join(theme).join("static"),
    ];
    let file = dirs.iter().map(|d| d.join(rel)).find(|f| f.is_file())?;
    Some(BundleFile {
        source: crate::paths::site_relative(root, &file),
        rel: rel.to_string(),
        out_dir: String::new(),
    })
}

/// Each shown photo's published name without width and format (`kk/news/x/a`), in the
/// order of `shown`: its stem beside it, or its stem and extension (`a-jpg`, `a-png`) when
/// another photo of the folder has the same stem (letter case aside: some file systems
/// take `A-480.webp` for `a-480.webp`).
fn variant_stems(shown: &[&BundleFile]) -> Vec<String> {
    let split = |f: &BundleFile| -> (String, String) {
        let (stem, ext) = f.rel.rsplit_once('.').unwrap_or((f.rel.as_str(), ""));
        (format!("{}{stem}", f.out_dir), ext.to_ascii_lowercase())
    };
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for f in shown {
        *count.entry(split(f).0.to_lowercase()).or_default() += 1;
    }
    shown
        .iter()
        .map(|f| {
            let (stem, ext) = split(f);
            if count.get(&stem.to_lowercase()).copied().unwrap_or(0) > 1 {
                format!("{stem}-{ext}")
            } else {
                stem
            }
        })
        .collect()
}

/// What already takes output path `out`, if anything: a variant or bundle file this stage
/// publishes, or a static file (the site's or the theme's).
fn taken_path(
    root: &Path,
    theme: &str,
    files: &BTreeMap<String, PathBuf>,
    out: &str,
) -> Option<String> {
    if let Some(file) = files.get(out) {
        let what = if file.starts_with(cache_dir(root)) {
            "another photo's copy"
        } else {
            "a bundle file"
        };
        return Some(what.to_string());
    }
    [
        root.join("static"),
        root.join("themes").join(theme).join("static"),
    ]
    .into_iter()
    .map(|d| d.join(out))
    .find(|f| f.is_file())
    .map(|f| format!("the static file {}", crate::paths::site_relative(root, &f)))
}

fn make_photo(
    root: &Path,
    file: &BundleFile,
    stem: &str,
    config: &crate::config::ImagesConfig,
    cache: &Path,
) -> Result<(String, Photo, usize), Diagnostic> {
    let fail = |m: String| Diagnostic::error(&file.source, m);
    let bytes =
        std::fs::read(root.join(&file.source)).map_err(|e| fail(format!("cannot read: {e}")))?;
    let done = process::process(&bytes, config, cache).map_err(fail)?;
    let variants = done
        .variants
        .into_iter()
        .map(
            |Made {
                 width,
                 height,
                 encoding,
                 cache,
             }| Variant {
                width,
                height,
                encoding,
                out: format!("{stem}-{width}.{}", encoding.extension()),
                cache,
            },
        )
        .collect();
    Ok((
        file.source.clone(),
        Photo {
            width: done.header.width,
            height: done.header.height,
            variants,
        },
        done.encoded,
    ))
}

/// A hash of what the views of every photo and bundle link show.
fn photos_key(
    bundles: &Bundles,
    statics: &BTreeMap<String, String>,
    photos: &BTreeMap<String, Photo>,
) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for (path, source) in statics {
        hasher.update(format!("{path}\n{source}\n").as_bytes());
    }
    for ((doc, path), r) in &bundles.refs {
        hasher.update(format!("{doc}\n{path}\n{}\n{}\n", r.source, r.image).as_bytes());
    }
    for (source, file) in &bundles.files {
        hasher.update(format!("{source}\n{}\n", file.out_dir).as_bytes());
    }
    for (source, p) in photos {
        hasher.update(format!("{source}\n{}x{}\n", p.width, p.height).as_bytes());
        for v in &p.variants {
            hasher.update(
                format!("{} {}x{} {:?}\n", v.out, v.width, v.height, v.encoding).as_bytes(),
            );
        }
    }
    hasher.digest()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(out_dir: &str, rel: &str) -> BundleFile {
        BundleFile {
            source: format!("content/{out_dir}{rel}"),
            rel: rel.to_string(),
            out_dir: out_dir.to_string(),
        }
    }

    #[test]
    fn only_photos_of_one_stem_in_one_folder_carry_their_extension() {
        let files = [
            file("kk/x/", "a.jpg"),
            file("kk/x/", "A.png"),
            file("kk/x/", "b.jpg"),
            file("kk/y/", "a.jpg"),
            file("", "img/a.jpg"),
        ];
        let shown: Vec<&BundleFile> = files.iter().collect();
        assert_eq!(
            variant_stems(&shown),
            ["kk/x/a-jpg", "kk/x/A-png", "kk/x/b", "kk/y/a", "img/a"]
        );
    }
}
