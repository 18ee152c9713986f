//! Profiling harness (not a test): N title edits applied straight to serve's engine
//! (`Engine::apply`), no watcher and no HTTP, each timed; for `perf record -p` on the edits
//! alone, set `WAIT_FOR=FILE`: the edits start once FILE exists.
//!
//! ```sh
//! cargo run --release --example gen_corpus -- --pairs 10000 --seed 42 --out /tmp/c10k
//! cargo run --release --example title_edits -- /tmp/c10k 20
//! ```
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let site = PathBuf::from(args.next().expect("site"));
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(20);
    let locales = Arc::new(qostil::lang::Locales::new().expect("locales"));
    let options = qostil::build::BuildOptions {
        root: site.clone(),
        output: Some(site.join(".qostil/serve")),
        ..Default::default()
    };
    let silent = qostil::progress::Silent;
    let mut engine =
        qostil::engine::Engine::open(&options, &locales, true, true, &silent).expect("open");
    engine.write_all(&silent).expect("write");
    while engine.learn_reads(100_000) {}
    if let Ok(go) = std::env::var("WAIT_FOR") {
        eprintln!("ready");
        while !std::path::Path::new(&go).exists() {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
    let dir = site.join("content/kk/news");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .filter(|p| !p.ends_with("_index.md"))
        .collect();
    files.sort();
    let mut times = Vec::new();
    for i in 0..n {
        let f = &files[(i * 7919) % files.len()];
        let text = std::fs::read_to_string(f).unwrap();
        let text = text.replacen("title: ", &format!("title: T{i} "), 1);
        std::fs::write(f, text).unwrap();
        let f = std::fs::canonicalize(f).unwrap();
        let t = Instant::now();
        let r = engine.apply(&[f]).expect("apply");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        eprintln!(
            "{i}: {:.1} ms, {} changed: {:?}",
            times[i],
            r.write.changed.len(),
            r.write.changed.iter().take(12).collect::<Vec<_>>()
        );
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    eprintln!("median {:.1} ms", times[times.len() / 2]);
}
