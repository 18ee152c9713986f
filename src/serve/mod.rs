//! `qostil serve`: build into `.qostil/serve/`, serve it on loopback, watch the sources,
//! rebuild only what a change touches, and tell the browser to reload. A bad edit never stops
//! the server: the last good output keeps being served and the browser shows the error.

mod http;
mod watch;

pub use http::safe_relative_path;

use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::build::BuildOptions;
use crate::diag::{Diagnostic, Diagnostics};
use crate::engine::{Applied, Engine, SearchJob};
use crate::lang::{Lang, Locales};
use http::{Broadcaster, HttpContext};

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub drafts: bool,
    /// Publish scheduled pages too.
    pub future: bool,
}

/// What the server tells its user; the binary prints these lines.
pub trait Reporter: Send + Sync {
    fn line(&self, text: &str);
}

fn error_lines(diags: &Diagnostics) -> Vec<String> {
    diags.iter().take(20).map(ToString::to_string).collect()
}

/// The `base_url` serve renders with, whatever the address and port it listens on: a start
/// on another port (`--port 0`) then keeps every output of the last one. The server puts its
/// own origin in its place in every text response (`http::origin_rewrites`), so the browser
/// sees the links, canonical URLs, feeds and sitemaps of the address it asked. `.invalid` is
/// reserved (RFC 2606): no real link can be mistaken for it.
pub const PREVIEW_ORIGIN: &str = "http://qostil-preview.invalid";

/// The folder serve builds into: qostil's own, under `.qostil/`.
pub fn output_dir(root: &Path) -> PathBuf {
    root.join(crate::output::cache::CACHE_DIR).join("serve")
}

/// Opens the engine on the serve folder and writes the whole output (reusing what the last
/// serve left there; a search index out of date is refreshed once serving, see
/// `Engine::start_all`).
fn start_engine(
    options: &BuildOptions,
    locales: &Arc<Locales>,
) -> Result<(Engine, crate::engine::WriteReport), Diagnostics> {
    let silent = crate::progress::Silent;
    let mut engine = Engine::open(options, locales, true, true, &silent)?;
    let report = engine.start_all(&silent)?;
    Ok((engine, report))
}

/// Runs until `stop` is set (Ctrl-C). Returns an error only when the server cannot start.
pub fn serve(
    options: &ServeOptions,
    stop: Arc<AtomicBool>,
    report: &dyn Reporter,
) -> Result<(), Diagnostics> {
    // One canonical root: the watcher reports absolute paths under the folder it watches,
    // and every comparison with a source path uses this same spelling.
    let root = std::fs::canonicalize(&options.root).map_err(|e| {
        crate::engine::usage_error(format!(
            "--root {}: cannot open the site folder: {e}",
            options.root.display()
        ))
    })?;
    let address = SocketAddr::new(options.bind, options.port);
    let listener = std::net::TcpListener::bind(address)
        .map_err(|e| Diagnostic::global(format!("cannot listen on {address}: {e}")))?;
    let port = listener.local_addr().map_or(options.port, |a| a.port());
    let base_url = format!("http://{}", SocketAddr::new(options.bind, port));
    if !options.bind.is_loopback() {
        report.line(&format!(
            "warning: --bind {} makes the preview reachable from other machines",
            options.bind
        ));
    }
    let output = output_dir(&root);
    // One serve per site: a second would write the same folder (`output::lock`).
    let _lock = crate::output::lock::lock_output(
        &root,
        &output,
        &format!("qostil serve at {base_url}/"),
        crate::output::lock::IfHeld::Refuse,
    )?;
    let build_options = BuildOptions {
        root: root.clone(),
        output: Some(output.clone()),
        base_url: Some(PREVIEW_ORIGIN.to_string()),
        drafts: options.drafts,
        future: options.future,
        clean: false,
        // The preview shows every error the build finds; check's findings stay with `check`.
        strict: false,
    };
    let locales = Arc::new(Locales::new().map_err(Diagnostic::global)?);
    // Watch before the first build, so that an edit made while it runs is not missed.
    let mut watcher = watch::SourceWatcher::new(&root)
        .map_err(|e| Diagnostic::global(format!("cannot watch {}: {e}", root.display())))?;
    let events = Arc::new(Broadcaster::default());
    let started = Instant::now();
    let mut search_stale: BTreeSet<Lang> = BTreeSet::new();
    let mut engine = match start_engine(&build_options, &locales) {
        Ok((e, written)) => {
            search_stale.extend(written.search_stale.iter().copied());
            // How much of what the last serve left was kept: a start on unchanged sources
            // prepares no output (each is vouched for by its quick key).
            report.line(&format!(
                "built {} pages in {} ms ({} rendered, {} prepared)",
                e.site.pages.len(),
                started.elapsed().as_millis(),
                written.rendered,
                written.prepared
            ));
            Some(e)
        }
        Err(diags) => {
            report.line(&diags.to_string());
            events.set_error(Some(error_lines(&diags)));
            None
        }
    };
    let desk = Arc::new(std::sync::Mutex::new(String::new()));
    update_desk(&desk, engine.as_ref());
    let http_stop = Arc::new(AtomicBool::new(false));
    let http_thread = spawn_http(
        listener,
        Arc::clone(&http_stop),
        HttpContext {
            dir: output,
            events: Arc::clone(&events),
            desk: Arc::clone(&desk),
            origins: http::origin_rewrites(PREVIEW_ORIGIN, &base_url),
        },
    );
    report.line(&format!("serving {base_url}/ — press Ctrl-C to stop"));

    let mut search: Option<SearchJob> = None;
    // A scheduled moment whose change did not build waits for the next edit.
    let mut schedule_failed = false;
    while !stop.load(Ordering::SeqCst) {
        let mut batch = match watcher.next_batch(Duration::from_millis(200)) {
            Some(batch) => batch,
            // A page's publication or expiry moment passed: applied like an edit of nothing.
            None if !schedule_failed && is_due(engine.as_ref()) => Vec::new(),
            None => {
                idle(&mut engine, &mut search, &mut search_stale, report);
                continue;
            }
        };
        let started = Instant::now();
        // An edit written in two parts is announced as the first is in place.
        let mut shown_first: Vec<String> = Vec::new();
        let mut show = |first: &Applied| {
            announce(&events, first);
            shown_first.clone_from(&first.write.changed);
        };
        let mut result = rebuild(&mut engine, &build_options, &locales, &batch, &mut show);
        // A file caught half-written fails to parse; if more events follow at once, that was
        // a save in progress: take them in and try again before reporting anything.
        while result.is_err() {
            match rest_of_save(&mut watcher, &batch) {
                Some(more) => {
                    batch.extend(more);
                    result = rebuild(&mut engine, &build_options, &locales, &batch, &mut show);
                }
                None => break,
            }
        }
        let names = describe(&root, &batch);
        let elapsed = started.elapsed();
        schedule_failed = batch.is_empty() && result.is_err();
        match result {
            Ok(applied) => {
                events.set_error(None);
                announce_rest(&events, &applied, &shown_first);
                search_stale.extend(applied.search_stale.iter().copied());
                // After the browser was told: the desk reads every translation group.
                update_desk(&desk, engine.as_ref());
                report.line(&format!(
                    "{names}: {} re-rendered ({} checked), {} files changed in {} ms",
                    applied.write.rendered,
                    applied.write.checked,
                    applied.write.changed.len(),
                    elapsed.as_millis()
                ));
            }
            Err(diags) => {
                let lines = error_lines(&diags);
                events.set_error(Some(lines.clone()));
                events.send(
                    "build-error",
                    &serde_json::json!({ "error": lines }).to_string(),
                );
                report.line(&format!(
                    "{names}: the change does not build; still serving the last good site"
                ));
                report.line(diags.to_string().trim_end());
            }
        }
    }
    if let (Some(job), Some(e)) = (search.take(), engine.as_mut()) {
        let _ = e.finish_search(job);
    }
    if let Some(e) = engine.as_mut() {
        let _ = e.save_manifest();
    }
    http_stop.store(true, Ordering::SeqCst);
    // One connection wakes the accept loop to see the flag; without it, do not wait.
    let wake = SocketAddr::new(
        match options.bind {
            IpAddr::V4(a) if a.is_unspecified() => IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
            IpAddr::V6(a) if a.is_unspecified() => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
            ip => ip,
        },
        port,
    );
    if std::net::TcpStream::connect_timeout(&wake, Duration::from_secs(1)).is_ok() {
        let _ = http_thread.join();
    }
    report.line("stopped");
    Ok(())
}

/// While the editor pauses: the search index follows the content (it reads every page, and
/// a preview must not wait for it), and the manifest of the serve folder is saved for the
/// next start.
fn idle(
    engine: &mut Option<Engine>,
    search: &mut Option<SearchJob>,
    stale: &mut BTreeSet<Lang>,
    report: &dyn Reporter,
) {
    let Some(engine) = engine.as_mut() else {
        return;
    };
    // A few thousand outputs per pause: never long enough to delay the next edit much.
    engine.learn_reads(LEARN_PER_PAUSE);
    if search.as_ref().is_some_and(|job| !job.is_finished()) {
        return;
    }
    if let Some(job) = search.take() {
        if let Err(diags) = engine.finish_search(job) {
            report.line(diags.to_string().trim_end());
        }
        let _ = engine.save_manifest();
    }
    if !stale.is_empty() {
        let langs: Vec<Lang> = std::mem::take(stale).into_iter().collect();
        *search = engine.start_search(langs);
    }
}

/// Outputs whose reads `idle` learns per pause of the editor.
const LEARN_PER_PAUSE: usize = 2_000;

/// How long to wait for the rest of a save before reporting a file that does not parse.
const SAVE_IN_PROGRESS: Duration = Duration::from_millis(60);

/// How long to wait when a file of the batch is empty: an editor truncates a file before it
/// writes the new text, and on a busy machine the text can come much later than 60 ms.
const EMPTY_FILE_WAIT: Duration = Duration::from_millis(1_000);

/// The next changes within the wait for the rest of a save (longer while a file of the batch
/// is empty). Events that name no source, such as serve's own reading of the file, do not
/// end the wait.
fn rest_of_save(watcher: &mut watch::SourceWatcher, batch: &[PathBuf]) -> Option<Vec<PathBuf>> {
    let truncated = batch
        .iter()
        .any(|p| std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.len() == 0));
    let wait = if truncated {
        EMPTY_FILE_WAIT
    } else {
        SAVE_IN_PROGRESS
    };
    let deadline = Instant::now() + wait;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return None;
        }
        if let Some(more) = watcher.next_batch(left) {
            return Some(more);
        }
    }
}

/// Applies a batch to the engine, or starts it again when the last start failed.
fn rebuild(
    engine: &mut Option<Engine>,
    build_options: &BuildOptions,
    locales: &Arc<Locales>,
    batch: &[PathBuf],
    shown: &mut dyn FnMut(&Applied),
) -> Result<Applied, Diagnostics> {
    match engine.as_mut() {
        Some(e) => e.apply_showing(batch, shown),
        None => start_engine(build_options, locales).map(|(e, written)| {
            let languages = written.search_stale.iter().copied().collect();
            *engine = Some(e);
            Applied {
                write: crate::engine::WriteReport {
                    changed: vec!["*".to_string()],
                    ..Default::default()
                },
                css_only: false,
                search_stale: languages,
                assets: Default::default(),
            }
        }),
    }
}

/// Whether a scheduled page is due to be published, or a page to expire.
fn is_due(engine: Option<&Engine>) -> bool {
    engine.is_some_and(|e| e.is_due().unwrap_or(false))
}

/// `content/kk/news/x.md` (+2 more); `schedule` when no file changed (a page's moment came).
fn describe(root: &std::path::Path, batch: &[PathBuf]) -> String {
    if batch.is_empty() {
        return "schedule".to_string();
    }
    let first = batch
        .first()
        .map(|p| crate::content::site_relative(root, p))
        .unwrap_or_default();
    match batch.len() {
        0 | 1 => first,
        n => format!("{first} (+{} more)", n - 1),
    }
}

/// Output file → the URL a browser shows for it (`kk/x/index.html` → `/kk/x/`).
fn url_of(file: &str) -> String {
    match file.strip_suffix("index.html") {
        Some(dir) => format!("/{dir}"),
        None => format!("/{file}"),
    }
}

/// `announce`, leaving out the files already announced when the first part of the edit was
/// written (`shown`): a page is reloaded once for each time it changed. The second part
/// holds only rendered outputs, of which only HTML pages carry the reload script: feeds and
/// sitemaps written after a body edit make no second event.
fn announce_rest(events: &Broadcaster, applied: &Applied, shown: &[String]) {
    if shown.is_empty() {
        return announce(events, applied);
    }
    let rest: Vec<String> = applied
        .write
        .changed
        .iter()
        .filter(|c| !shown.contains(c) && c.ends_with(".html"))
        .cloned()
        .collect();
    if !rest.is_empty() {
        let mut applied = applied.clone();
        applied.write.changed = rest;
        announce(events, &applied);
    }
}

fn announce(events: &Broadcaster, applied: &Applied) {
    if applied.css_only {
        let assets = serde_json::json!({ "assets": applied.assets });
        events.send("css", &assets.to_string());
        return;
    }
    let changed = &applied.write.changed;
    if changed.is_empty() {
        events.send("ok", "{}");
        return;
    }
    // A changed static file (an image, a script) can be on any page.
    let everything = changed
        .iter()
        .any(|c| c == "*" || !(c.ends_with(".html") || c.ends_with(".xml")));
    let paths: Vec<String> = if everything {
        vec!["*".to_string()]
    } else {
        changed.iter().map(|f| url_of(f)).collect()
    };
    events.send("reload", &serde_json::json!({ "paths": paths }).to_string());
}

/// Refreshes the translation desk page from the last good site.
fn update_desk(desk: &std::sync::Mutex<String>, engine: Option<&Engine>) {
    let html = match engine {
        Some(e) => crate::check::desk::desk_html(&crate::check::desk::translation_desk(&e.site)),
        None => crate::check::desk::desk_html(&Default::default()),
    };
    if let Ok(mut d) = desk.lock() {
        *d = html;
    }
}

fn spawn_http(
    listener: std::net::TcpListener,
    stop: Arc<AtomicBool>,
    ctx: HttpContext,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || http::accept_loop(&listener, ctx, &stop))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_of_output_files() {
        assert_eq!(url_of("kk/news/x/index.html"), "/kk/news/x/");
        assert_eq!(url_of("index.html"), "/");
        assert_eq!(url_of("kk/atom.xml"), "/kk/atom.xml");
    }
}
