//! Markdown → HTML with pulldown-cmark (CommonMark plus tables, footnotes, strikethrough,
//! task lists, heading attributes), and the plain text of the first paragraph for summaries.

use std::borrow::Cow;
use std::collections::HashSet;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, TextMergeStream};

use super::typography;
use crate::config::RawHtml;
use crate::diag::line_col;
use crate::lang::latin::Transliterator;
use crate::lang::{slugify, Lang};

/// How a link to a content file starts: `[x](@/news/x.md)` points to `content/<lang>/news/x.md`
/// of the page's own language.
pub const CONTENT_LINK_PREFIX: &str = "@/";

/// A link to a content file written in a body (`[x](@/news/x.md#part)`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ContentLink {
    /// The file inside the language's content folder: `news/x.md`.
    pub path: String,
    /// 1-based line and column of the link in the body.
    pub line: usize,
    pub col: usize,
}

/// A relative reference to a file in a body: a Markdown image or a link to a file
/// (`photo.jpg`, `files/report.pdf`), or a shortcode's `src`. Resolved in the page's bundle,
/// then in its translations' (see `images::bundles`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileRef {
    /// As written, percent-escapes decoded, without `#part` or `?query`.
    pub path: String,
    /// 1-based line and column in the body (in the file, once loaded).
    pub line: usize,
    pub col: usize,
    /// An image (shown) rather than a link (downloaded).
    pub image: bool,
}

/// The file a relative destination names (`photo.jpg`, `a/b%20c.pdf#p2` → `a/b c.pdf`);
/// `None` for addresses (`https:`, `mailto:`, `//host`), site paths (`/x`), anchors and
/// content links. A link counts only when it names a file with an extension (not a page:
/// `../other/`, `x.html`); an image always does.
pub fn relative_file(dest: &str, image: bool) -> Option<String> {
    let dest = dest.trim();
    let first = dest.chars().next()?;
    if matches!(first, '/' | '#' | '?' | '@') {
        return None;
    }
    let before_slash = dest.split('/').next().unwrap_or_default();
    if before_slash.contains(':') {
        return None;
    }
    let path = dest.split(['#', '?']).next().unwrap_or_default();
    let name = path.rsplit('/').next().unwrap_or_default();
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    if !image
        && ext
            .as_deref()
            .is_none_or(|e| matches!(e, "html" | "htm" | "md" | ""))
    {
        return None;
    }
    if path.is_empty() || name.is_empty() {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?;
    Some(decoded.into_owned())
}

/// The site file an image at a site path shows (`/img/a%20b.jpg?v=2` → `/img/a b.jpg`), kept
/// with its leading `/`; `None` for any other destination (an address, `//host/x`, a
/// relative path) and for a path that climbs out of the site (`/../x.jpg`).
pub fn site_file(dest: &str) -> Option<String> {
    let dest = dest.trim();
    let rest = dest.strip_prefix('/')?;
    if rest.starts_with('/') {
        return None;
    }
    let path = rest.split(['#', '?']).next().unwrap_or_default();
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?;
    let mut parts: Vec<&str> = Vec::new();
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    (!parts.is_empty() && !decoded.ends_with('/')).then(|| format!("/{}", parts.join("/")))
}

/// The file an image destination names: a relative path (a bundle's file, see
/// `relative_file`) or a site path with its leading `/` (a `static/` file, see `site_file`).
pub fn image_file(dest: &str) -> Option<String> {
    relative_file(dest, true).or_else(|| site_file(dest))
}

/// Every relative file reference of a body (see `relative_file`), with its position; never
/// inside code.
pub fn file_refs(markdown: &str) -> Vec<FileRef> {
    refs_by(markdown, relative_file)
}

/// Every image of a body at a site path (see `site_file`), with its position; never inside
/// code.
pub fn site_image_refs(markdown: &str) -> Vec<FileRef> {
    refs_by(markdown, |dest, image| {
        image.then(|| site_file(dest)).flatten()
    })
}

/// The links and images of a body whose destination `file` names a file (it is told
/// whether the destination is an image's), with their positions.
fn refs_by(markdown: &str, file: impl Fn(&str, bool) -> Option<String>) -> Vec<FileRef> {
    Parser::new_ext(markdown, options())
        .into_offset_iter()
        .filter_map(|(event, range)| {
            let (dest, image) = match event {
                Event::Start(Tag::Link { dest_url, .. }) => (dest_url, false),
                Event::Start(Tag::Image { dest_url, .. }) => (dest_url, true),
                _ => return None,
            };
            let path = file(&dest, image)?;
            let (line, col) = line_col(markdown, range.start);
            Some(FileRef {
                path,
                line,
                col,
                image,
            })
        })
        .collect()
}

/// The body's images with no alt text (`![](photo.jpg)`, or only spaces between the
/// brackets): their destination as written and their 1-based line and column; never inside
/// code.
pub fn images_without_alt(markdown: &str) -> Vec<(String, usize, usize)> {
    let mut found = Vec::new();
    // The image being read (destination, position, its text so far) and how deep in
    // images (an image inside another's alt) the parser is.
    let mut open: Option<(String, usize, String)> = None;
    let mut depth = 0;
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Image { dest_url, .. }) => {
                if depth == 0 {
                    open = Some((dest_url.to_string(), range.start, String::new()));
                }
                depth += 1;
            }
            Event::End(TagEnd::Image) => {
                depth -= 1;
                if depth == 0 {
                    if let Some((dest, at, text)) = open.take() {
                        if text.trim().is_empty() {
                            let (line, col) = line_col(markdown, at);
                            found.push((dest, line, col));
                        }
                    }
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, text)) = open.as_mut() {
                    text.push_str(&t);
                }
            }
            _ => {}
        }
    }
    found
}

/// What a body's relative file references become when it is rendered: a link's URL, an
/// image's whole HTML (`<picture>…`). `None` leaves the reference as written.
pub trait LocalFiles {
    fn link(&self, path: &str) -> Option<String>;
    fn image(&self, path: &str, alt: &str, title: &str) -> Option<String>;
}

/// No bundle: every reference stays as written.
pub struct NoLocalFiles;

impl LocalFiles for NoLocalFiles {
    fn link(&self, _: &str) -> Option<String> {
        None
    }
    fn image(&self, _: &str, _: &str, _: &str) -> Option<String> {
        None
    }
}

/// Splits an `@/` destination into the content file (`news/x.md`, percent-escapes decoded)
/// and what follows it (`#part`, `?q`, or nothing); `None` for any other destination.
pub fn split_content_link(dest: &str) -> Option<(String, &str)> {
    let rest = dest.strip_prefix(CONTENT_LINK_PREFIX)?;
    let end = rest.find(['#', '?']).unwrap_or(rest.len());
    let path = percent_encoding::percent_decode_str(rest[..end].trim_start_matches('/'))
        .decode_utf8_lossy()
        .into_owned();
    Some((path, &rest[end..]))
}

/// Every `@/` link and image of a body, with its position; never inside code, which the
/// Markdown parser keeps as text.
pub fn content_links(markdown: &str) -> Vec<ContentLink> {
    Parser::new_ext(markdown, options())
        .into_offset_iter()
        .filter_map(|(event, range)| {
            let (Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. })) = event
            else {
                return None;
            };
            let (path, _) = split_content_link(&dest_url)?;
            let (line, col) = line_col(markdown, range.start);
            Some(ContentLink { path, line, col })
        })
        .collect()
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders the body to HTML. Every heading gets an id: its `{#id}` attribute when given,
/// else an ASCII slug of its text (`-2`, `-3` … when repeated), so `#heading-id` links work.
/// An `@/` link or image becomes the URL `url_of` gives its content file (`news/x.md`),
/// its `#part` kept; `Err` names the first destination `url_of` does not know. Text gets
/// the language's typography (`typography`), code and raw HTML do not.
pub fn render_html(
    markdown: &str,
    lang: Lang,
    url_of: &dyn Fn(&str) -> Option<String>,
) -> Result<String, String> {
    render_html_with(markdown, lang, url_of, RawHtml::Allow)
}

/// `render_html`, with raw HTML passed through or shown as text (`raw_html`).
pub fn render_html_with(
    markdown: &str,
    lang: Lang,
    url_of: &dyn Fn(&str) -> Option<String>,
    raw_html: RawHtml,
) -> Result<String, String> {
    render_html_local(
        markdown,
        lang,
        url_of,
        raw_html,
        &NoLocalFiles,
        Edition::Own,
    )
}

/// What a body is rendered for, beyond its language: the Latin edition's twin pages share
/// the Kazakh text's parsing and typography.
#[derive(Clone, Copy)]
pub enum Edition<'t> {
    /// No Latin twin (a Russian page, or a Kazakh one without the Latin edition).
    Own,
    /// A Kazakh page whose Latin twin follows on the same thread (`engine::write` renders
    /// twins side by side): its parsed, typeset events are kept for the twin.
    KazakhWithTwin,
    /// The Latin page: its text transliterated after the typography, from the Kazakh
    /// page's events when they are of the same Markdown.
    Latin(&'t Transliterator),
}

thread_local! {
    /// The last Kazakh body's parsed and typeset events, with the hash of its Markdown and
    /// raw HTML setting: one body per thread, taken by its Latin twin.
    static FOR_TWIN: std::cell::RefCell<Option<(u64, Vec<Event<'static>>)>> =
        const { std::cell::RefCell::new(None) };
}

/// The Markdown parsed, its text runs merged, headings given ids and the text typeset in
/// `lang`: what a Kazakh page and its Latin twin have in common.
fn typeset_events(markdown: &str, lang: Lang, raw_html: RawHtml) -> Vec<Event<'_>> {
    let parser = Parser::new_ext(markdown, options()).map(|event| match (event, raw_html) {
        (Event::Html(html) | Event::InlineHtml(html), RawHtml::Escape) => Event::Text(html),
        (event, _) => event,
    });
    let mut events: Vec<Event<'_>> = TextMergeStream::new(parser).collect();
    assign_heading_ids(&mut events);
    typeset_text(&mut events, lang);
    events
}

/// `typeset_events`, shared between twins (see `Edition`).
fn typeset_events_for<'a>(
    markdown: &'a str,
    lang: Lang,
    raw_html: RawHtml,
    edition: Edition<'_>,
) -> Vec<Event<'a>> {
    let key = || {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        hasher.update(markdown.as_bytes());
        hasher.update(&[raw_html as u8]);
        hasher.digest()
    };
    match edition {
        Edition::Own => typeset_events(markdown, lang, raw_html),
        Edition::KazakhWithTwin => {
            let events = typeset_events(markdown, lang, raw_html);
            let kept = events.iter().cloned().map(Event::into_static).collect();
            FOR_TWIN.with(|slot| *slot.borrow_mut() = Some((key(), kept)));
            events
        }
        Edition::Latin(_) => {
            let key = key();
            let kept = FOR_TWIN.with(|slot| slot.borrow_mut().take_if(|(k, _)| *k == key));
            // The Latin page is typeset as Kazakh (`typography` reads it as its source).
            kept.map_or_else(|| typeset_events(markdown, lang, raw_html), |(_, e)| e)
        }
    }
}

/// `render_html_with`, relative files resolved by `local` (a bundle's photos become
/// `<picture>`s, its files' links their published URLs); for the Latin edition, `latin`
/// transliterates the text after the typography (headings keep the ids of the Cyrillic
/// text, so `#anchors` are the same in both Kazakh editions).
pub fn render_html_local(
    markdown: &str,
    lang: Lang,
    url_of: &dyn Fn(&str) -> Option<String>,
    raw_html: RawHtml,
    local: &dyn LocalFiles,
    edition: Edition<'_>,
) -> Result<String, String> {
    let mut events = typeset_events_for(markdown, lang, raw_html, edition);
    // After the typography, which changes only text (the links' addresses are the page's).
    resolve_content_links(&mut events, url_of)?;
    if let Edition::Latin(latin) = edition {
        transliterate_text(&mut events, latin);
    }
    let events = resolve_local_files(events, local);
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    Ok(html)
}

/// Marks where a shortcode's HTML goes: private-use characters that Markdown keeps as text.
const MARK_OPEN: char = '\u{E000}';
const MARK_CLOSE: char = '\u{E001}';

/// The body with each span (a shortcode call) replaced by a numbered mark.
pub fn mark_spans(markdown: &str, spans: &[std::ops::Range<usize>]) -> String {
    let mut text = String::with_capacity(markdown.len());
    let mut at = 0;
    for (i, span) in spans.iter().enumerate() {
        text.push_str(&markdown[at..span.start]);
        text.push_str(&format!("{MARK_OPEN}{i}{MARK_CLOSE}"));
        at = span.end;
    }
    text.push_str(&markdown[at..]);
    text
}

/// Puts `pieces[i]` where mark `i` is in rendered HTML. A mark that is a paragraph of its
/// own (a shortcode on a line of its own) replaces the paragraph: the piece is a block.
pub fn fill_marks(html: &str, pieces: &[String]) -> String {
    let mut out = html.to_string();
    for (i, piece) in pieces.iter().enumerate() {
        let mark = format!("{MARK_OPEN}{i}{MARK_CLOSE}");
        let block = format!("<p>{mark}</p>");
        out = if out.contains(&block) {
            out.replacen(&block, piece.trim(), 1)
        } else {
            out.replacen(&mark, piece.trim(), 1)
        };
    }
    out
}

fn resolve_content_links(
    events: &mut [Event<'_>],
    url_of: &dyn Fn(&str) -> Option<String>,
) -> Result<(), String> {
    for event in events {
        let (Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. })) =
            event
        else {
            continue;
        };
        let Some((path, suffix)) = split_content_link(dest_url) else {
            continue;
        };
        let url = url_of(&path).ok_or_else(|| dest_url.to_string())?;
        *dest_url = CowStr::from(format!("{url}{suffix}"));
    }
    Ok(())
}

/// Links to relative files get their URL from `local`; images it knows become its HTML (the
/// image's alt text is the text between its start and end).
fn resolve_local_files<'a>(events: Vec<Event<'a>>, local: &dyn LocalFiles) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len());
    let mut iter = events.into_iter();
    while let Some(mut event) = iter.next() {
        match &mut event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                if let Some(url) = relative_file(dest_url, false).and_then(|p| local.link(&p)) {
                    *dest_url = CowStr::from(url);
                }
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                if let Some(path) = image_file(dest_url) {
                    let (title, mut inner) = (title.to_string(), Vec::new());
                    let mut depth = 1;
                    for e in iter.by_ref() {
                        match &e {
                            Event::Start(Tag::Image { .. }) => depth += 1,
                            Event::End(TagEnd::Image) => depth -= 1,
                            _ => {}
                        }
                        inner.push(e);
                        if depth == 0 {
                            break;
                        }
                    }
                    let alt: String = inner
                        .iter()
                        .filter_map(|e| match e {
                            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                            _ => None,
                        })
                        .collect();
                    if let Some(html) = local.image(&path, &alt, &title) {
                        out.push(Event::InlineHtml(CowStr::from(html)));
                    } else {
                        out.push(event);
                        out.extend(inner);
                    }
                    continue;
                }
            }
            _ => {}
        }
        out.push(event);
    }
    out
}

/// Typography on text events outside code blocks (code spans and raw HTML are events of
/// their own; addresses inside text are left alone by `typography::typeset`).
fn typeset_text(events: &mut [Event<'_>], lang: Lang) {
    let mut in_code_block = false;
    for event in events {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Text(text) if !in_code_block => {
                if let Cow::Owned(typeset) = typography::typeset(text, lang) {
                    *text = CowStr::from(typeset);
                }
            }
            _ => {}
        }
    }
}

/// The Latin edition's text: text events outside code blocks (image alt text is made of
/// them) and the titles of links and images; code, URLs and raw HTML stay as written. The
/// text runs of one block go together (`to_latin_runs`), so a Russian quotation with
/// emphasis or a link inside is still recognised as Russian and kept.
fn transliterate_text(events: &mut [Event<'_>], latin: &Transliterator) {
    let mut block: Vec<usize> = Vec::new();
    let mut in_code_block = false;
    for i in 0..events.len() {
        match &mut events[i] {
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Text(_) if !in_code_block => block.push(i),
            Event::Start(Tag::Link { title, .. } | Tag::Image { title, .. }) => {
                if let Cow::Owned(latin) = latin.to_latin(title) {
                    *title = CowStr::from(latin);
                }
            }
            _ => {}
        }
        if is_block_boundary(&events[i]) {
            transliterate_runs(events, &block, latin);
            block.clear();
        }
    }
    transliterate_runs(events, &block, latin);
}

/// Whether an event starts or ends a block (text on either side is not one run of prose).
fn is_block_boundary(event: &Event<'_>) -> bool {
    match event {
        Event::Start(tag) => !matches!(
            tag,
            Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. } | Tag::Image { .. }
        ),
        Event::End(tag) => !matches!(
            tag,
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image
        ),
        Event::SoftBreak | Event::HardBreak | Event::Text(_) | Event::Code(_) => false,
        _ => true,
    }
}

/// Transliterates the text events at `at` (one block's runs, in order) together.
fn transliterate_runs(events: &mut [Event<'_>], at: &[usize], latin: &Transliterator) {
    if at.is_empty() {
        return;
    }
    let runs: Vec<&str> = at
        .iter()
        .map(|&i| match &events[i] {
            Event::Text(t) => t.as_ref(),
            _ => "",
        })
        .collect();
    let converted: Vec<Option<String>> = latin
        .to_latin_runs(&runs)
        .into_iter()
        .map(|c| match c {
            Cow::Owned(s) => Some(s),
            Cow::Borrowed(_) => None,
        })
        .collect();
    for (&i, new) in at.iter().zip(converted) {
        if let (Some(new), Event::Text(text)) = (new, &mut events[i]) {
            *text = CowStr::from(new);
        }
    }
}

fn assign_heading_ids(events: &mut [Event<'_>]) {
    let mut used: HashSet<String> = HashSet::new();
    for event in events.iter() {
        if let Event::Start(Tag::Heading { id: Some(id), .. }) = event {
            used.insert(id.to_string());
        }
    }
    for i in 0..events.len() {
        let Event::Start(Tag::Heading { id: None, .. }) = &events[i] else {
            continue;
        };
        let text = text_until_heading_end(&events[i + 1..]);
        let base = match slugify(&text) {
            s if s.is_empty() => "section".to_string(),
            s => s,
        };
        let mut candidate = base.clone();
        let mut n = 1;
        while used.contains(&candidate) {
            n += 1;
            candidate = format!("{base}-{n}");
        }
        used.insert(candidate.clone());
        if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
            *id = Some(CowStr::from(candidate));
        }
    }
}

fn text_until_heading_end(events: &[Event<'_>]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::End(TagEnd::Heading(_)) => break,
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            _ => {}
        }
    }
    text
}

/// The body's text outside code, with each piece's byte range in the body: what a reader
/// reads as prose (for `check`'s language warnings).
pub fn prose(markdown: &str) -> Vec<(std::ops::Range<usize>, String)> {
    let mut in_code_block = false;
    let mut pieces = Vec::new();
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Text(text) if !in_code_block => pieces.push((range, text.into_string())),
            _ => {}
        }
    }
    pieces
}

/// Raw HTML of a body that runs or loads something (`<script>`, `<iframe>`): the element's
/// name and its 1-based line and column in the body. Never inside code.
pub fn active_raw_html(markdown: &str) -> Vec<(&'static str, usize, usize)> {
    let mut found = Vec::new();
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        let (Event::Html(html) | Event::InlineHtml(html)) = event else {
            continue;
        };
        let lower = html.to_ascii_lowercase();
        for element in ["script", "iframe"] {
            if let Some(i) = lower.find(&format!("<{element}")) {
                let (line, col) = line_col(markdown, range.start + i);
                found.push((element, line, col));
            }
        }
    }
    found.sort_by_key(|(_, line, col)| (*line, *col));
    found.dedup();
    found
}

/// A heading of a body, for a table of contents.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// The `id` the rendered heading has (see `render_html`).
    pub id: String,
    /// Its text with the language's typography, as the rendered heading shows it.
    pub text: String,
}

/// The headings of a body (shortcode calls already replaced by `mark_spans`'s marks, as
/// `render_html` gets it), with the ids `render_html` gives them.
pub fn headings(markdown: &str, lang: Lang) -> Vec<Heading> {
    let mut events: Vec<Event<'_>> =
        TextMergeStream::new(Parser::new_ext(markdown, options())).collect();
    assign_heading_ids(&mut events);
    let mut found = Vec::new();
    for (i, event) in events.iter().enumerate() {
        if let Event::Start(Tag::Heading {
            level,
            id: Some(id),
            ..
        }) = event
        {
            let text = text_until_heading_end(&events[i + 1..]);
            let text = without_marks(&text);
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            found.push(Heading {
                level: *level as u8,
                id: id.to_string(),
                text: typography::typeset(&text, lang).into_owned(),
            });
        }
    }
    found
}

/// Text with each shortcode mark (`mark_spans`) taken out.
fn without_marks(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find(MARK_OPEN) {
        out.push_str(&rest[..open]);
        rest = &rest[open..];
        match rest.find(MARK_CLOSE) {
            Some(close) => rest = &rest[close + MARK_CLOSE.len_utf8()..],
            None => break,
        }
    }
    out.push_str(rest);
    out
}

/// The number of words of a text: runs between spaces that hold a letter or digit (a dash
/// between spaces is not a word).
pub fn word_count(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

/// All the text of a body, without markup: what search indexes and quotes in snippets.
pub fn plain_text(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell,
            ) => text.push(' '),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The plain text of the first paragraph that has any text: the default summary.
pub fn first_paragraph_text(markdown: &str) -> String {
    let mut in_paragraph = false;
    let mut text = String::new();
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(Tag::Paragraph) => in_paragraph = true,
            Event::End(TagEnd::Paragraph) => {
                if !text.trim().is_empty() {
                    break;
                }
                in_paragraph = false;
                text.clear();
            }
            Event::Text(t) | Event::Code(t) if in_paragraph => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak if in_paragraph => text.push(' '),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_without_alt_are_found_with_their_positions() {
        let md = "![](a.jpg) ![ ](/b.png)\n\n![Алаң](c.jpg) `![](code.jpg)`\n\n![`x`](d.jpg)\n";
        assert_eq!(
            images_without_alt(md),
            [("a.jpg".to_string(), 1, 1), ("/b.png".to_string(), 1, 12)]
        );
    }

    #[test]
    fn site_files_are_site_paths_decoded_and_kept_inside_the_site() {
        assert_eq!(
            site_file("/img/a%20b.jpg?v=2#x").as_deref(),
            Some("/img/a b.jpg")
        );
        assert_eq!(site_file(" /img/./x.png ").as_deref(), Some("/img/x.png"));
        assert_eq!(site_file("/../x.jpg"), None);
        assert_eq!(site_file("//cdn.example/x.jpg"), None);
        assert_eq!(site_file("img/x.jpg"), None);
        assert_eq!(site_file("/img/"), None);
        assert_eq!(image_file("x.jpg").as_deref(), Some("x.jpg"));
        assert_eq!(image_file("/x.jpg").as_deref(), Some("/x.jpg"));
        assert_eq!(image_file("https://example.kz/x.jpg"), None);
        let refs =
            site_image_refs("![a](/img/x.jpg)\n\n![b](y.jpg) [c](/img/z.jpg)\n`![d](/q.jpg)`");
        let paths: Vec<&str> = refs.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(paths, ["/img/x.jpg"]);
    }

    fn render_html(markdown: &str) -> String {
        super::render_html(markdown, Lang::Kk, &|_| None).unwrap()
    }

    #[test]
    fn content_links_are_found_outside_code_with_positions() {
        let md = "Intro\n\nSee [x](@/news/x.md#part) and `[c](@/code.md)`.\n\n```\n[b](@/block.md)\n```\n\n![i](@/news/%D0%B0.md)\n\n[r]: @/ref.md\n\n[ref][r] [web](https://e.kz/)\n";
        let links = content_links(md);
        let found: Vec<(&str, usize, usize)> = links
            .iter()
            .map(|l| (l.path.as_str(), l.line, l.col))
            .collect();
        assert_eq!(
            found,
            [("news/x.md", 3, 5), ("news/а.md", 9, 1), ("ref.md", 13, 1)]
        );
    }

    #[test]
    fn content_links_become_urls_with_their_fragment() {
        let url_of = |path: &str| (path == "news/x.md").then(|| "/kk/news/x/".to_string());
        let html = super::render_html(
            "[x](@/news/x.md#part) [y](@/news/x.md) `[c](@/news/x.md)`\n",
            Lang::Kk,
            &url_of,
        )
        .unwrap();
        assert!(
            html.contains("<a href=\"/kk/news/x/#part\">x</a>"),
            "{html}"
        );
        assert!(html.contains("<a href=\"/kk/news/x/\">y</a>"), "{html}");
        assert!(html.contains("<code>[c](@/news/x.md)</code>"), "{html}");
        assert_eq!(
            super::render_html("[z](@/gone.md)\n", Lang::Kk, &url_of),
            Err("@/gone.md".to_string())
        );
    }

    #[test]
    fn marks_become_blocks_or_inline_pieces() {
        let md = "A\n\n{{ x() }}\n\nB {{ y() }} C\n";
        let spans = [3..12, 16..25];
        let marked = mark_spans(md, &spans);
        let html = render_html(&marked);
        let pieces = ["<div>X</div>\n".to_string(), "<b>Y</b>".to_string()];
        assert_eq!(
            fill_marks(&html, &pieces),
            "<p>A</p>\n<div>X</div>\n<p>B <b>Y</b> C</p>\n"
        );
    }

    #[test]
    fn raw_html_is_passed_or_escaped_and_active_elements_found() {
        let md = "<div>x</div>\n\nA <b>b</b>\n\n<script>alert(1)</script>\n\n`<iframe>`\n\nB <IFRAME src=x></IFRAME>\n";
        let allowed = render_html(md);
        assert!(
            allowed.contains("<div>x</div>") && allowed.contains("<b>b</b>"),
            "{allowed}"
        );
        let escaped = render_html_with(md, Lang::Kk, &|_| None, RawHtml::Escape).unwrap();
        assert!(escaped.contains("&lt;div&gt;x&lt;/div&gt;"), "{escaped}");
        assert!(escaped.contains("A &lt;b&gt;b&lt;/b&gt;"), "{escaped}");
        assert!(!escaped.contains("<script"), "{escaped}");
        assert_eq!(active_raw_html(md), [("script", 5, 1), ("iframe", 9, 3)]);
    }

    #[test]
    fn renders_extensions() {
        let html = render_html(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~x~~ [^1]\n\n[^1]: note\n\n- [x] done\n",
        );
        assert!(html.contains("<table>"));
        assert!(html.contains("<del>x</del>"));
        assert!(html.contains("footnote-definition"));
        assert!(html.contains("checked"));
    }

    #[test]
    fn headings_for_a_table_of_contents() {
        let md = "# Top\n\nText\n\n## Second \u{E000}0\u{E001} part\n\n## Top\n\n### Own {#mine}\n";
        let found = headings(md, Lang::Ru);
        let ids: Vec<_> = found.iter().map(|h| (h.level, h.id.as_str())).collect();
        assert_eq!(
            ids,
            [(1, "top"), (2, "second-0-part"), (2, "top-2"), (3, "mine")]
        );
        assert_eq!(found[1].text, "Second part");
        let html = render_html(md);
        for h in &found {
            assert!(html.contains(&format!("id=\"{}\"", h.id)), "{html}");
        }
    }

    #[test]
    fn words_are_counted_without_lone_dashes() {
        assert_eq!(word_count("Бүгін — жаңа күн, 2025 жыл."), 5);
        assert_eq!(word_count("  "), 0);
    }

    #[test]
    fn headings_get_ascii_ids() {
        let html = render_html("## Жаңа колледж\n\n## Жаңа колледж\n\n## Own {#mine}\n");
        assert!(html.contains("<h2 id=\"zhana-kolledzh\">"), "{html}");
        assert!(html.contains("<h2 id=\"zhana-kolledzh-2\">"), "{html}");
        assert!(html.contains("<h2 id=\"mine\">"), "{html}");
    }

    #[test]
    fn first_paragraph_skips_images_and_headings() {
        let md = "# Title\n\n![](a.png)\n\nFirst *lead*\nline.\n\nSecond.\n";
        assert_eq!(first_paragraph_text(md), "First lead line.");
    }

    /// A Latin body rendered after its Kazakh twin on the same thread reuses the twin's
    /// parsed text, and only when it is the same Markdown.
    #[test]
    fn a_latin_body_takes_its_twins_events_only_for_the_same_text() {
        let latin = Transliterator::plain();
        let render = |md: &str, lang, edition| {
            render_html_local(md, lang, &|_| None, RawHtml::Allow, &NoLocalFiles, edition).unwrap()
        };
        let (one, other) = (
            "# Бірінші\n\n6 млн теңге — 2024-2029.\n",
            "Басқа мәтін - мұнда.\n",
        );
        let alone = [one, other].map(|md| render(md, Lang::KkLatn, Edition::Latin(&latin)));
        render(one, Lang::Kk, Edition::KazakhWithTwin);
        assert_eq!(
            render(other, Lang::KkLatn, Edition::Latin(&latin)),
            alone[1]
        );
        assert!(
            FOR_TWIN.with(|s| s.borrow().is_some()),
            "kept for another text"
        );
        assert_eq!(render(one, Lang::KkLatn, Edition::Latin(&latin)), alone[0]);
        assert!(FOR_TWIN.with(|s| s.borrow().is_none()), "not taken");
        assert_eq!(
            render(one, Lang::Kk, Edition::KazakhWithTwin),
            render(one, Lang::Kk, Edition::Own)
        );
    }

    #[test]
    fn the_latin_edition_keeps_code_addresses_anchors_and_a_russian_quotation_with_emphasis() {
        let md = "## Жұмысшы жылы\n\nПрезидент: «Рабочие *профессии* – основа экономики», деді. \
                  `код` [сайт](https://gov.kz \"Үкімет\")\n";
        let latin = Transliterator::plain();
        let html = render_html_local(
            md,
            Lang::KkLatn,
            &|_| None,
            RawHtml::Allow,
            &NoLocalFiles,
            Edition::Latin(&latin),
        )
        .unwrap();
        let kazakh = super::render_html(md, Lang::Kk, &|_| None).unwrap();
        assert!(html.contains("Jūmysşy jyly</h2>"), "{html}");
        // The heading keeps the Kazakh page's id.
        let id = |h: &str| {
            h[h.find("id=\"").unwrap()..]
                .split('>')
                .next()
                .unwrap()
                .to_string()
        };
        assert_eq!(id(&html), id(&kazakh));
        assert!(
            html.contains("«Рабочие <em>профессии</em> – основа экономики»"),
            "{html}"
        );
        assert!(html.contains("dedı"), "{html}");
        assert!(html.contains("<code>код</code>"), "{html}");
        assert!(
            html.contains("href=\"https://gov.kz\" title=\"Ükımet\">sait</a>"),
            "{html}"
        );
    }

    #[test]
    fn no_smart_quotes() {
        assert!(render_html("\"quoted\" x").contains("\"quoted\" x"));
    }

    #[test]
    fn typography_reaches_text_but_not_code_urls_or_html() {
        let md = "## 2024-2029 жылдар\n\n«Қажет, - деді М. Ашимбаев. 6 млрд теңге, 2-6 *сынып*.\n\n`a - b 2-6` [2-6](https://e.kz/2-6 \"t - 2-6\") <span title=\"a - b\">x</span>\n\n```\nx - y 2-6\n```\n";
        let html = super::render_html(md, Lang::Kk, &|_| None).unwrap();
        assert!(
            html.contains("<h2 id=\"2024-2029-zhyldar\">2024–2029 жылдар</h2>"),
            "{html}"
        );
        assert!(
            html.contains("Қажет,\u{a0}— деді М.\u{a0}Ашимбаев. 6\u{a0}млрд теңге, 2–6 <em>"),
            "{html}"
        );
        assert!(html.contains("<code>a - b 2-6</code>"), "{html}");
        assert!(
            html.contains("<a href=\"https://e.kz/2-6\" title=\"t - 2-6\">2–6</a>"),
            "{html}"
        );
        assert!(html.contains("<span title=\"a - b\">"), "{html}");
        assert!(html.contains("x - y 2-6\n</code>"), "{html}");
    }
}
