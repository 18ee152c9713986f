//! Front-matter images: each `image.src` must be a path of the built site (a bundle's
//! files are resolved when the site is loaded). And the photo warnings: a translation
//! without the lead photo its original shows (so without an `alt` in its language), a
//! Markdown image without alt text, an original over 10 MB or narrower than the largest
//! width, bundle files nothing refers to, an `image.src` on another site without `https`.

use std::path::Path;

use rayon::prelude::*;

use crate::content::{markdown, read_body, Document};
use crate::diag::{Diagnostic, Diagnostics};
use crate::site::Site;

use super::links::{known_paths, resolve};

/// `image.src` must exist: a static file or an output of the site (external URLs are not
/// fetched).
pub(super) fn check_images(root: &Path, site: &Site) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let Ok(known) = known_paths(root, site) else {
        return diags;
    };
    for page in &site.pages {
        let Some(image) = &page.doc.meta.image else {
            continue;
        };
        if site.photos.is_bundled(&page.doc.source, &image.src, true) {
            continue;
        }
        let target = resolve(
            &image.src,
            &page.url,
            &site.config.base_url,
            &site.config.base_path,
        );
        if let Some(t) = target.filter(|t| !known.contains(&t.path)) {
            diags.push(
                Diagnostic::error(
                    &page.doc.source,
                    format!("image: {} does not exist (put it in static/)", t.path),
                )
                .at_opt(page.doc.meta.position("image"))
                .with_code("missing-image"),
            );
        }
    }
    diags
}

/// Originals larger than this are worth making smaller before they go into a bundle.
const LARGE_ORIGINAL: u64 = 10 * 1024 * 1024;

/// The photo warnings (see the module's comment).
pub(super) fn check_photos(root: &Path, site: &Site) -> Diagnostics {
    let mut diags = images_without_alt(root, site);
    let photos = &site.photos;
    let widest = site.config.images.widths.iter().copied().max().unwrap_or(0);
    for (source, photo) in &photos.photos {
        let size = std::fs::metadata(root.join(source)).map_or(0, |m| m.len());
        if size > LARGE_ORIGINAL {
            diags.push(
                Diagnostic::warning(
                    source,
                    format!(
                        "the photo is {:.1} MB; over 10 MB only slows every build that reads it (its published copies are at most {widest} px wide)",
                        size as f64 / 1_048_576.0
                    ),
                )
                .with_code("large-photo"),
            );
        }
        if photo.width < widest {
            let published = photo.variants.iter().map(|v| v.width).max().unwrap_or(0);
            diags.push(
                Diagnostic::warning(
                    source,
                    format!(
                        "the photo is {} px wide, narrower than the largest of images.widths ({widest} px): it is never enlarged, so its widest copy is {published} px",
                        photo.width
                    ),
                )
                .with_code("small-photo"),
            );
        }
    }
    for file in photos.bundles.unreferenced() {
        let fate = if file.is_photo() {
            "it is not published"
        } else {
            "it is published, but nothing links to it"
        };
        diags.push(
            Diagnostic::warning(
                &file.source,
                format!("no page of the bundle or its translations refers to this file: {fate}"),
            )
            .with_code("unused-file"),
        );
    }
    for page in &site.pages {
        let meta = &page.doc.meta;
        if let Some(image) = &meta.image {
            if image.src.starts_with("http://") {
                diags.push(
                    Diagnostic::warning(
                        &page.doc.source,
                        format!(
                            "image: {} is not https: browsers block it on an https page",
                            image.src
                        ),
                    )
                    .at_opt(meta.position("image"))
                    .with_code("insecure-image"),
                );
            }
            continue;
        }
        // A translation without the photo its original shows has no `alt` for it in its
        // language.
        let Some(group) = site.groups.get(page.group.0) else {
            continue;
        };
        for other in group.values().map(|id| &site.pages[id.0]) {
            let Some(shown) = &other.doc.meta.image else {
                continue;
            };
            let processed = photos.shown(&other.doc.source, &shown.src).is_some();
            if processed && other.doc.source != page.doc.source {
                diags.push(
                    Diagnostic::warning(
                        &page.doc.source,
                        format!(
                            "no lead photo: its translation {} shows {}; add `image:` with the same `src` and an `alt` in {}",
                            other.doc.source,
                            shown.src,
                            page.lang()
                        ),
                    )
                    .at(1, 1)
                    .with_code("missing-alt"),
                );
            }
        }
    }
    diags
}

/// A warning at every Markdown image without alt text, in pages and sections' own text:
/// a screen reader says nothing (or the file name) for it.
fn images_without_alt(root: &Path, site: &Site) -> Diagnostics {
    let docs: Vec<&Document> = site
        .pages
        .iter()
        .map(|p| &*p.doc)
        .chain(site.sections.iter().filter_map(|s| s.index.as_ref()))
        .collect();
    let found: Vec<Diagnostics> = docs
        .par_iter()
        .map(|doc| {
            let body = match read_body(root, doc) {
                Ok(b) => b,
                Err(d) => return d.into(),
            };
            let mut diags = Diagnostics::new();
            for (dest, line, col) in markdown::images_without_alt(&body) {
                diags.push(
                    Diagnostic::warning(
                        &doc.source,
                        format!(
                            "image {dest} has no alt text: write what it shows in {} between the brackets, ![…]({dest})",
                            doc.lang
                        ),
                    )
                    .at(doc.body_line + line - 1, col)
                    .with_code("missing-alt"),
                );
            }
            diags
        })
        .collect();
    let mut diags = Diagnostics::new();
    for d in found {
        diags.extend(d);
    }
    diags
}
