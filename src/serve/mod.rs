//! `qostil serve`: build into `.qostil/serve/`, serve it on loopback, watch the sources,
//! rebuild only what a change touches, and tell the browser to reload. A bad edit never stops
//! the server: the last good output keeps being served and the browser shows the error.

mod http;
mod state;
mod watch;

pub use http::safe_relative_path;
pub use state::{Rebuild, State};

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::build::BuildOptions;
use crate::diag::{Diagnostic, Diagnostics};
use http::{Broadcaster, HttpContext};

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub drafts: bool,
}

/// What the server tells its user; the binary prints these lines.
pub trait Reporter: Send + Sync {
    fn line(&self, text: &str);
}

fn error_lines(diags: &Diagnostics) -> Vec<String> {
    diags.iter().take(20).map(ToString::to_string).collect()
}

/// Runs until `stop` is set (Ctrl-C). Returns an error only when the server cannot start.
pub fn serve(
    options: &ServeOptions,
    stop: Arc<AtomicBool>,
    report: &dyn Reporter,
) -> Result<(), Diagnostics> {
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
    let output = options
        .root
        .join(crate::output::cache::CACHE_DIR)
        .join("serve");
    let build_options = BuildOptions {
        root: options.root.clone(),
        output: Some(output.clone()),
        base_url: Some(base_url.clone()),
        drafts: options.drafts,
        clean: false,
    };
    let events = Arc::new(Broadcaster::default());
    let started = Instant::now();
    let mut state = match State::new(build_options.clone()) {
        Ok(s) => {
            report.line(&format!(
                "built {} pages in {} ms",
                s.site.pages.len(),
                started.elapsed().as_millis()
            ));
            Some(s)
        }
        Err(diags) => {
            report.line(&diags.to_string());
            events.set_error(Some(error_lines(&diags)));
            None
        }
    };
    let watcher = watch::SourceWatcher::new(&options.root)
        .map_err(|e| Diagnostic::global(format!("cannot watch {}: {e}", options.root.display())))?;
    let desk = Arc::new(std::sync::Mutex::new(String::new()));
    update_desk(&desk, state.as_ref());
    let http_stop = Arc::new(AtomicBool::new(false));
    let http_thread = spawn_http(
        listener,
        Arc::clone(&http_stop),
        HttpContext {
            dir: output,
            events: Arc::clone(&events),
            desk: Arc::clone(&desk),
        },
    );
    report.line(&format!("serving {base_url}/ — press Ctrl-C to stop"));

    let mut search_stale = std::collections::BTreeSet::new();
    let mut search: Option<std::thread::JoinHandle<Result<usize, Diagnostics>>> = None;
    while !stop.load(Ordering::SeqCst) {
        let Some(mut batch) = watcher.next_batch(Duration::from_millis(200)) else {
            // The search index follows the content, but only once the editor pauses: it
            // reads every page, and a preview must not wait for it.
            let running = search.as_ref().is_some_and(|h| !h.is_finished());
            if !running {
                if let Some(Err(diags)) = search.take().and_then(|h| h.join().ok()) {
                    report.line(diags.to_string().trim_end());
                }
                if !search_stale.is_empty() {
                    let langs = std::mem::take(&mut search_stale);
                    search = state.as_ref().and_then(|s| s.refresh_search(langs));
                }
            }
            continue;
        };
        let started = Instant::now();
        let mut result = rebuild(&mut state, &build_options, &batch);
        // A file caught half-written fails to parse; if more events follow at once, that was
        // a save in progress: take them in and try again before reporting anything.
        while result.is_err() {
            match watcher.next_batch(SAVE_IN_PROGRESS) {
                Some(more) => {
                    batch.extend(more);
                    result = rebuild(&mut state, &build_options, &batch);
                }
                None => break,
            }
        }
        let names = describe(&options.root, &batch);
        let elapsed = started.elapsed();
        match result {
            Ok(rebuild) => {
                events.set_error(None);
                announce(&events, &rebuild);
                if !rebuild.deferred.is_empty() {
                    if let Some(Err(diags)) = state
                        .as_mut()
                        .map(|s| s.refresh_deferred(&rebuild.deferred))
                    {
                        report.line(diags.to_string().trim_end());
                    }
                }
                search_stale.extend(rebuild.search_stale.iter().copied());
                // After the browser was told: the desk reads every translation group.
                update_desk(&desk, state.as_ref());
                report.line(&format!(
                    "{names}: {} re-rendered ({} checked), {} files changed in {} ms",
                    rebuild.rendered,
                    rebuild.checked,
                    rebuild.changed.len(),
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
    if let Some(handle) = search {
        let _ = handle.join();
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

/// How long to wait for the rest of a save before reporting a file that does not parse.
const SAVE_IN_PROGRESS: Duration = Duration::from_millis(60);

/// Applies a batch to the current state, or builds from scratch when the last full build
/// failed.
fn rebuild(
    state: &mut Option<State>,
    build_options: &BuildOptions,
    batch: &[PathBuf],
) -> Result<Rebuild, Diagnostics> {
    match state.as_mut() {
        Some(s) => s.apply(batch),
        None => State::new(build_options.clone()).map(|s| {
            *state = Some(s);
            Rebuild {
                changed: vec!["*".to_string()],
                ..Rebuild::default()
            }
        }),
    }
}

/// `content/kk/news/x.md` (+2 more)
fn describe(root: &std::path::Path, batch: &[PathBuf]) -> String {
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

fn announce(events: &Broadcaster, rebuild: &Rebuild) {
    if rebuild.css_only {
        events.send("css", "{}");
        return;
    }
    if rebuild.changed.is_empty() && !rebuild.static_changed {
        events.send("ok", "{}");
        return;
    }
    let paths: Vec<String> = if rebuild.static_changed || rebuild.changed.iter().any(|c| c == "*") {
        vec!["*".to_string()]
    } else {
        rebuild.changed.iter().map(|f| url_of(f)).collect()
    };
    events.send("reload", &serde_json::json!({ "paths": paths }).to_string());
}

/// Refreshes the translation desk page from the last good site.
fn update_desk(desk: &std::sync::Mutex<String>, state: Option<&State>) {
    let html = match state {
        Some(s) => crate::check::desk::desk_html(&crate::check::desk::translation_desk(&s.site)),
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
