//! Benchmark (not a test) of `qostil serve`: the time from writing a file to the reload event
//! a browser receives, on a generated site.
//!
//! ```sh
//! cargo build --release
//! cargo run --release --example gen_corpus -- --pairs 10000 --seed 1 --out /tmp/c10k
//! cargo run --release --example serve_latency -- --site /tmp/c10k --runs 15
//! ```
//!
//! Scenarios: an article body edit (the page and its feeds change), a title edit (the lists
//! showing the card change too; the event must name the news list page), a CSS edit (a
//! stylesheet swap), and two template edits (`taxonomy.html`, used by 4 pages, and
//! `page.html`, used by every article). Edits are spaced so that each is measured on an idle
//! server. Prints a Markdown table of the median, fastest and slowest run.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

struct Args {
    site: PathBuf,
    runs: usize,
    qostil: PathBuf,
    pause: Duration,
}

fn parse_args() -> Args {
    let mut args = Args {
        site: PathBuf::new(),
        runs: 15,
        qostil: PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/target/release/qostil"
        )),
        pause: Duration::from_millis(1500),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_default();
        match flag.as_str() {
            "--site" => args.site = PathBuf::from(value),
            "--runs" => args.runs = value.parse().unwrap_or(15),
            "--qostil" => args.qostil = PathBuf::from(value),
            "--pause-ms" => args.pause = Duration::from_millis(value.parse().unwrap_or(1500)),
            _ => {
                eprintln!(
                    "usage: serve_latency --site DIR [--runs N] [--qostil PATH] [--pause-ms MS]"
                );
                std::process::exit(2);
            }
        }
    }
    if !args.site.join("site.yaml").is_file() {
        eprintln!(
            "--site must be a qostil site (no site.yaml in {})",
            args.site.display()
        );
        std::process::exit(2);
    }
    args
}

/// Reload events as (arrival time, event name, data).
fn subscribe(port: u16) -> Receiver<(Instant, String, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(
        stream,
        "GET /_qostil/events HTTP/1.1\r\nHost: localhost\r\n\r\n"
    )
    .expect("request");
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let mut event = String::new();
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if let Some(name) = line.strip_prefix("event: ") {
                event = name.to_string();
            } else if let Some(data) = line.strip_prefix("data: ") {
                if tx
                    .send((Instant::now(), event.clone(), data.to_string()))
                    .is_err()
                {
                    break;
                }
            }
        }
    });
    rx
}

/// Edits a file and returns the milliseconds until an event named `want` whose data contains
/// `needle` arrives.
fn measure(
    events: &Receiver<(Instant, String, String)>,
    file: &Path,
    edit: &dyn Fn(&str) -> String,
    want: &str,
    needle: &str,
) -> f64 {
    while events.try_recv().is_ok() {}
    let text = std::fs::read_to_string(file).expect("read");
    let new = edit(&text);
    let start = Instant::now();
    std::fs::write(file, new).expect("write");
    loop {
        let (at, name, data) = events
            .recv_timeout(Duration::from_secs(60))
            .expect("no event within 60 s");
        if name == want && data.contains(needle) {
            return at.duration_since(start).as_secs_f64() * 1000.0;
        }
    }
}

/// The news list page (`/kk/news/` or `/kk/news/page/N/`) whose cards include `article`.
fn list_page_showing(site: &Path, article: &str) -> String {
    let out = site.join(".qostil/serve/kk/news");
    let first = out.join("index.html");
    let mut candidates = vec![("/kk/news/".to_string(), first)];
    if let Ok(pages) = std::fs::read_dir(out.join("page")) {
        for page in pages.flatten() {
            let n = page.file_name().to_string_lossy().into_owned();
            candidates.push((
                format!("/kk/news/page/{n}/"),
                page.path().join("index.html"),
            ));
        }
    }
    candidates
        .into_iter()
        .find(|(_, file)| {
            std::fs::read_to_string(file).is_ok_and(|t| t.contains(&format!("href=\"{article}\"")))
        })
        .map(|(url, _)| url)
        .expect("the article is on no news list page")
}

fn stats(mut ms: Vec<f64>) -> (f64, f64, f64) {
    ms.sort_by(f64::total_cmp);
    let median = if ms.len() % 2 == 1 {
        ms[ms.len() / 2]
    } else {
        (ms[ms.len() / 2 - 1] + ms[ms.len() / 2]) / 2.0
    };
    (median, ms[0], ms[ms.len() - 1])
}

fn main() {
    let args = parse_args();
    let site = &args.site;
    let mut child = Command::new(&args.qostil)
        .args(["serve", "--port", "0", "--root"])
        .arg(site)
        .stdout(Stdio::piped())
        .spawn()
        .expect("start qostil serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let started = Instant::now();
    let port: u16 = loop {
        let line = lines.next().and_then(Result::ok).expect("serve stopped");
        eprintln!("serve: {line}");
        if let Some(rest) = line.strip_prefix("serving http://127.0.0.1:") {
            break rest
                .split('/')
                .next()
                .and_then(|p| p.parse().ok())
                .expect("port");
        }
    };
    eprintln!("serve ready in {:.1} s", started.elapsed().as_secs_f64());
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            eprintln!("serve: {line}");
        }
    });
    let events = subscribe(port);
    std::thread::sleep(Duration::from_millis(500));

    let article = site.join("content/kk/news/a000001.md");
    let list_page = list_page_showing(site, "/kk/news/a000001/");
    eprintln!("a000001 is listed on {list_page}");
    let list_needle = format!("\"{list_page}\"");
    let css = site.join("themes/portal/static/style.css");
    let taxonomy = site.join("themes/portal/templates/taxonomy.html");
    let page = site.join("themes/portal/templates/page.html");
    type Edit = Box<dyn Fn(&str, usize) -> String>;
    let scenarios: Vec<(&str, &Path, Edit, &str, &str, usize)> = vec![
        (
            "article body edit",
            &article,
            Box::new(|t: &str, n| format!("{t}\nӨзгеріс {n}.\n")),
            "reload",
            "/kk/news/a000001/",
            args.runs,
        ),
        (
            "article title edit (news list page)",
            &article,
            Box::new(|t: &str, n| {
                // The first `title:` line is the front matter's.
                let start = t.find("\ntitle:").map_or(0, |i| i + 1);
                let end = t[start..].find('\n').map_or(t.len(), |i| start + i);
                format!(
                    "{}title: \"Өзгерген тақырып {n}\"{}",
                    &t[..start],
                    &t[end..]
                )
            }),
            "reload",
            list_needle.as_str(),
            args.runs,
        ),
        (
            "CSS edit",
            &css,
            Box::new(|t: &str, n| format!("{t}\n/* {n} */\n")),
            "css",
            "",
            args.runs,
        ),
        (
            "template edit: taxonomy.html (4 pages)",
            &taxonomy,
            Box::new(|t: &str, n| {
                t.replacen(
                    "{% block main %}",
                    &format!("{{% block main %}}<!-- {n} -->"),
                    1,
                )
            }),
            "reload",
            "/kk/tags/",
            args.runs,
        ),
        (
            "template edit: page.html (every article)",
            &page,
            Box::new(|t: &str, n| {
                t.replacen(
                    "{% block main %}",
                    &format!("{{% block main %}}<!-- {n} -->"),
                    1,
                )
            }),
            "reload",
            "/kk/news/a000001/",
            args.runs.min(5),
        ),
    ];
    println!("| change | runs | median ms | fastest ms | slowest ms |");
    println!("| --- | --- | --- | --- | --- |");
    for (name, file, edit, want, needle, runs) in &scenarios {
        let mut times = Vec::new();
        for n in 0..*runs {
            let original = std::fs::read_to_string(file).expect("read");
            let edit_n = |t: &str| edit(t, n + 1);
            times.push(measure(&events, file, &edit_n, want, needle));
            std::thread::sleep(args.pause);
            // Templates go back to the original so each run changes the same pages.
            if name.starts_with("template") {
                std::fs::write(file, original).expect("restore");
                std::thread::sleep(args.pause);
            }
        }
        let (median, min, max) = stats(times);
        println!("| {name} | {runs} | {median:.1} | {min:.1} | {max:.1} |");
    }
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let _ = child.wait();
}
