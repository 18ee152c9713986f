//! Front-matter images: each `image.src` must be a path of the built site.

use std::path::Path;

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
