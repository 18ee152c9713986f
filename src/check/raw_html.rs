//! `<script>` and `<iframe>` written in content: code that runs, or a page from another site
//! that loads, without the editor's review a shortcode gets.

use std::path::Path;

use crate::config::RawHtml;
use crate::content::{markdown, read_body, Document};
use crate::diag::{Diagnostic, Diagnostics};
use crate::site::Site;

/// One warning per `<script>` or `<iframe>` in a page's or a section's body, at its line.
pub(super) fn check_raw_html(root: &Path, site: &Site) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let docs = site
        .pages
        .iter()
        .map(|p| &*p.doc)
        .chain(site.sections.iter().filter_map(|s| s.index.as_ref()));
    for doc in docs {
        diags.extend(check_document(root, doc, site.config.raw_html));
    }
    diags
}

fn check_document(root: &Path, doc: &Document, policy: RawHtml) -> Diagnostics {
    let body = match read_body(root, doc) {
        Ok(b) => b,
        Err(d) => return d.into(),
    };
    let effect = match policy {
        RawHtml::Allow => "it goes into the page as written; use a shortcode (`video`, `telegram`) or set `markdown: { raw_html: escape }` in site.yaml",
        RawHtml::Escape => "site.yaml's `markdown.raw_html: escape` shows it as text; use a shortcode (`video`, `telegram`) instead",
    };
    let mut diags = Diagnostics::new();
    for (element, line, col) in markdown::active_raw_html(&body) {
        diags.push(
            Diagnostic::warning(&doc.source, format!("raw <{element}> in content: {effect}"))
                .at(doc.body_line + line - 1, col)
                .with_code("raw-html"),
        );
    }
    diags
}
