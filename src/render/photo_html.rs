//! Photos inside bodies: a Markdown image of a bundle or `static/` photo (`/img/x.jpg`)
//! becomes a `<picture>` with every variant, and a shortcode whose `src` names a photo gets
//! its view as `image` (the portal's `figure` hands it to the `photo.html` macro).

use crate::content::markdown::{relative_file, LocalFiles};
use crate::content::shortcodes::Call;
use crate::content::Document;
use crate::images::{plain_view, ImageView, Photos};

use super::views::Urls;
use super::xml::escape;

/// What a photo in running text takes of the page's width: the whole screen on a phone,
/// the text column (at most 48rem) on wider screens.
pub const BODY_SIZES: &str = "(min-width: 48rem) 48rem, 100vw";

/// A body's relative files, resolved through the site's bundles.
pub struct BodyFiles<'a> {
    pub photos: &'a Photos,
    pub doc: &'a Document,
    pub urls: Urls<'a>,
}

impl LocalFiles for BodyFiles<'_> {
    /// Root-relative, without the base path: the body's `href`s get it afterwards
    /// (`Urls::prefix_root_links`).
    fn link(&self, path: &str) -> Option<String> {
        self.photos.file_url(&self.doc.source, path)
    }

    fn image(&self, path: &str, alt: &str, title: &str) -> Option<String> {
        let photo = self.photos.photo(&self.doc.source, path)?;
        // `srcset` gets the base path here; `src` gets it with the body's other `src`s.
        let view = photo.view(alt, None, None, &|out| self.urls.link(&format!("/{out}")));
        let src = photo.view(alt, None, None, &|out| format!("/{out}")).src;
        Some(picture(&ImageView { src, ..view }, title))
    }
}

/// `<picture>` markup of a photo in running text: every format, `sizes`, its size (no
/// layout shift), loaded lazily and decoded off the main thread.
fn picture(view: &ImageView, title: &str) -> String {
    let mut html = String::from("<picture>");
    for source in &view.sources {
        html.push_str(&format!(
            "<source type=\"{}\" srcset=\"{}\" sizes=\"{BODY_SIZES}\">",
            source.mime,
            escape(&source.srcset)
        ));
    }
    html.push_str(&format!("<img src=\"{}\"", escape(&view.src)));
    if let Some(srcset) = &view.srcset {
        html.push_str(&format!(
            " srcset=\"{}\" sizes=\"{BODY_SIZES}\"",
            escape(srcset)
        ));
    }
    if let (Some(w), Some(h)) = (view.width, view.height) {
        html.push_str(&format!(" width=\"{w}\" height=\"{h}\""));
    }
    html.push_str(&format!(" alt=\"{}\"", escape(&view.alt)));
    if !title.is_empty() {
        html.push_str(&format!(" title=\"{}\"", escape(title)));
    }
    html.push_str(" loading=\"lazy\" decoding=\"async\"></picture>");
    html
}

/// The view of the image a shortcode call's `src` names (with its `alt`, `caption` and
/// `credit` arguments): a bundle or `static/` photo with its variants, else the address as
/// given.
pub fn shortcode_image(
    photos: &Photos,
    doc: &Document,
    call: &Call,
    urls: &Urls<'_>,
) -> Option<ImageView> {
    let arg = |name: &str| call.args.get(name).and_then(|v| v.as_str());
    let src = arg("src")?;
    let (alt, caption, credit) = (
        arg("alt").unwrap_or_default(),
        arg("caption"),
        arg("credit"),
    );
    Some(match photos.shown(&doc.source, src) {
        Some(photo) => photo.view(alt, caption, credit, &|out| urls.link(&format!("/{out}"))),
        None => {
            let bundled = relative_file(src, true)
                .and_then(|path| photos.file_url(&doc.source, &path))
                .map(|url| urls.link(&url));
            // A site path gets the base path; an address or a path relative to the page
            // stays as written.
            let shown = bundled.unwrap_or_else(|| match src.strip_prefix('/') {
                Some(rest) if !rest.starts_with('/') => urls.link(src),
                _ => src.to_string(),
            });
            plain_view(shown, alt, caption, credit)
        }
    })
}
