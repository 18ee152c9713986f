//! docs/templates.md names every value a template gets: its "Index of values" lists every
//! path, and this test walks the context of every output of two fixture sites (`basic` and
//! `custom`, which between them have every kind of page, menus, `extra`, data and
//! shortcodes) and fails on a path the index does not list. A value added to the context
//! must be documented.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use serde_json::Value;

mod support;
use support::copy_dir;

/// Maps whose keys are the site's own (its `extra`, its data files, its taxonomies and
/// menus): their keys are written `*` in the index.
const USER_KEYED: &[&str] = &["extra", "data", "terms", "menus"];

/// Every path of `value` under `prefix`: `a.b`, `a.list[].c`, `data.*`.
fn paths(value: &Value, prefix: &str, user_keyed: bool, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let name = if user_keyed { "*" } else { key.as_str() };
                let path = if prefix.is_empty() {
                    name.to_string()
                } else {
                    format!("{prefix}.{name}")
                };
                out.insert(path.clone());
                // What a site puts in `extra` and `data` is its own, to any depth.
                let opaque = user_keyed && (prefix.ends_with("extra") || prefix == "data");
                if !opaque {
                    paths(
                        child,
                        &path,
                        USER_KEYED.contains(&key.as_str()) && !user_keyed,
                        out,
                    );
                }
            }
        }
        Value::Array(items) => {
            let path = format!("{prefix}[]");
            for item in items {
                paths(item, &path, false, out);
            }
        }
        _ => {}
    }
}

/// The paths listed in the docs' index: the backticked names in the lines of the block
/// after the `## Index of values` heading.
fn documented() -> BTreeSet<String> {
    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/templates.md"))
            .expect("read docs/templates.md");
    let index = docs
        .split("## Index of values")
        .nth(1)
        .expect("docs/templates.md has an `## Index of values` section");
    let block = index
        .split("```")
        .nth(1)
        .expect("the index is a fenced block");
    block
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| l.split_whitespace().next().unwrap_or("").to_string())
        .collect()
}

fn context_paths(fixture: &str) -> BTreeSet<String> {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&repo.join("tests/fixtures").join(fixture), &root);
    copy_dir(&repo.join("themes/portal"), &root.join("themes/portal"));
    let locales = Arc::new(qostil::lang::Locales::new().unwrap());
    let config = qostil::build::load_site_config(&root, None).unwrap();
    let publish = qostil::site::Publish::at_build_moment(false, false).unwrap();
    let loaded = qostil::engine::load(
        &root,
        config,
        &publish,
        &locales,
        None,
        false,
        &qostil::progress::Silent,
    )
    .unwrap_or_else(|e| panic!("{fixture}: {e}"));
    let mut found = BTreeSet::new();
    for output in &loaded.site.outputs {
        if qostil::render::template_name(&output.kind).is_none() {
            continue;
        }
        let context = loaded
            .renderer
            .context_json(&loaded.site, output)
            .unwrap_or_else(|e| panic!("{}: {e}", output.url));
        paths(&context, "", false, &mut found);
    }
    found
}

#[test]
fn docs_templates_md_names_every_value_of_every_context() {
    let documented = documented();
    let mut missing = Vec::new();
    for fixture in ["basic", "custom"] {
        for path in context_paths(fixture) {
            if !documented.contains(&path) && !missing.contains(&path) {
                missing.push(path);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "docs/templates.md's Index of values lacks:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_walk_sees_nested_lists_and_user_keys() {
    let value = serde_json::json!({
        "page": { "title": "x", "tags": [{ "name": "a" }], "extra": { "mine": { "deep": 1 } } },
        "data": { "contacts": { "phone": "1" } },
        "terms": { "tags": [{ "url": "/" }] },
    });
    let mut found = BTreeSet::new();
    paths(&value, "", false, &mut found);
    let found: Vec<&str> = found.iter().map(String::as_str).collect();
    assert_eq!(
        found,
        [
            "data",
            "data.*",
            "page",
            "page.extra",
            "page.extra.*",
            "page.tags",
            "page.tags[].name",
            "page.title",
            "terms",
            "terms.*",
            "terms.*[].url",
        ]
    );
}
