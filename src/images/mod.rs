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
    /// Bundle file source → the photo made from it.
    pub photos: BTreeMap<String, Photo>,
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
    /// The photo a relative `path` of document `doc_source` shows, if it is one.
    pub fn photo(&self, doc_source: &str, path: &str) -> Option<&Photo> {
        let (file, _) = self.bundles.lookup(doc_source, path)?;
        self.photos.get(&file.source)
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
    shown.sort_by(|a, b| a.source.cmp(&b.source));
    shown.dedup_by(|a, b| a.source == b.source);
    let config = &site.config.images;
    let cache = cache_dir(root);
    progress.stage("photos", shown.len() as u64);
    let results: Vec<Result<(String, Photo, usize), Diagnostic>> = shown
        .par_iter()
        .map(|file| {
            let done = make_photo(root, file, config, &cache);
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
    for photo in photos.values() {
        for v in &photo.variants {
            files.insert(v.out.clone(), v.cache.clone());
        }
    }
    let key = photos_key(&bundles, &photos);
    diags.into_result(Photos {
        bundles,
        photos,
        files,
        encoded,
        key,
    })
}

fn make_photo(
    root: &Path,
    file: &BundleFile,
    config: &crate::config::ImagesConfig,
    cache: &Path,
) -> Result<(String, Photo, usize), Diagnostic> {
    let fail = |m: String| Diagnostic::error(&file.source, m);
    let bytes =
        std::fs::read(root.join(&file.source)).map_err(|e| fail(format!("cannot read: {e}")))?;
    let done = process::process(&bytes, config, cache).map_err(fail)?;
    let stem = file
        .rel
        .rsplit_once('.')
        .map_or(file.rel.as_str(), |(s, _)| s);
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
                out: format!("{}{stem}-{width}.{}", file.out_dir, encoding.extension()),
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
fn photos_key(bundles: &Bundles, photos: &BTreeMap<String, Photo>) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
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
