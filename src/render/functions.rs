//! The functions and filters templates get: `t()` for UI strings, `url()` for links and the
//! `date` filter. Each Tera instance is bound to one language; all are pure.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use tera::{Tera, Value};

use crate::content::date::parse_ymd;
use crate::lang::{Lang, Locales, UiStrings};

/// What the functions need, shared by every language's Tera instance.
pub struct TemplateEnv {
    pub locales: Arc<Locales>,
    pub strings: BTreeMap<Lang, UiStrings>,
    pub base_path: String,
    /// Fingerprinted static files: logical path → published path (see `output::assets`).
    pub assets: crate::output::assets::AssetMap,
}

fn lang_arg(args: &HashMap<String, Value>, default: Lang) -> tera::Result<Option<Lang>> {
    match args.get("lang") {
        None => Ok(Some(default)),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => s.parse::<Lang>().map(Some).map_err(tera::Error::msg),
        Some(other) => Err(tera::Error::msg(format!(
            "`lang` must be a language code, got {other}"
        ))),
    }
}

/// Registers `t`, `url`, `embed` and `date` on `tera`, bound to `lang`.
pub fn register(tera: &mut Tera, lang: Lang, env: &Arc<TemplateEnv>) {
    let e = Arc::clone(env);
    tera.register_function("t", move |args: &HashMap<String, Value>| {
        translate(&e, lang, args)
    });
    let e = Arc::clone(env);
    tera.register_function("url", move |args: &HashMap<String, Value>| {
        let path = match args.get("path") {
            Some(Value::String(p)) => p.as_str(),
            _ => return Err(tera::Error::msg("url() needs `path=\"/…\"`")),
        };
        let path = path.trim_start_matches('/');
        let url = match lang_arg(args, lang)? {
            Some(l) => format!("{}/{l}/{path}", e.base_path),
            None => format!("{}/{path}", e.base_path),
        };
        Ok(Value::String(url))
    });
    tera.register_function("embed", super::embed::embed);
    let e = Arc::clone(env);
    tera.register_function("asset", move |args: &HashMap<String, Value>| {
        asset_url(&e, args)
    });
    let e = Arc::clone(env);
    tera.register_filter(
        "date",
        move |value: &Value, args: &HashMap<String, Value>| format_date(&e, lang, value, args),
    );
}

/// `asset(path="style.css")` → `/base/style.3f2a9c1e.css`: a static file's published URL,
/// fingerprinted for `.css` and `.js` files, as it is for any other static file.
fn asset_url(env: &TemplateEnv, args: &HashMap<String, Value>) -> tera::Result<Value> {
    let path = match args.get("path") {
        Some(Value::String(p)) => p.trim_start_matches('/'),
        _ => return Err(tera::Error::msg("asset() needs `path=\"style.css\"`")),
    };
    let published = match env.assets.get(path) {
        Some(p) => p.as_str(),
        None if crate::output::assets::is_fingerprinted(path) => {
            return Err(tera::Error::msg(format!(
                "asset(path=\"{path}\"): no such file in the theme's or the site's static/"
            )))
        }
        None => path,
    };
    Ok(Value::String(format!("{}/{published}", env.base_path)))
}

fn translate(env: &TemplateEnv, lang: Lang, args: &HashMap<String, Value>) -> tera::Result<Value> {
    let key = match args.get("key") {
        Some(Value::String(k)) => k.as_str(),
        _ => return Err(tera::Error::msg("t() needs `key=\"…\"`")),
    };
    let lang = lang_arg(args, lang)?.unwrap_or(lang);
    let count = match args.get("count") {
        None => None,
        Some(v) => Some(v.as_u64().ok_or_else(|| {
            tera::Error::msg(format!(
                "t(key=\"{key}\"): `count` must be a whole number, got {v}"
            ))
        })?),
    };
    let strings = env
        .strings
        .get(&lang)
        .ok_or_else(|| tera::Error::msg(format!("no UI strings for language {lang}")))?;
    strings
        .lookup(key, count, env.locales.get(lang))
        .map(Value::String)
        .ok_or_else(|| {
            tera::Error::msg(format!(
                "missing UI string `{key}` for language {lang}: add it to {}",
                strings.file
            ))
        })
}

/// The `HH:MM` after the calendar date of `2025-11-03 14:05` or `2025-11-03T14:05:00+05:00`,
/// as written (a `datetime` value is already on the site zone's clock).
fn time_of_day(text: &str) -> Option<(u8, u8)> {
    let rest = text.get(10..)?.strip_prefix([' ', 'T'])?;
    let digits = |r: std::ops::Range<usize>| {
        rest.get(r)
            .filter(|s| s.bytes().all(|b| b.is_ascii_digit()))
    };
    let hour = digits(0..2)?.parse().ok()?;
    let minute = digits(3..5)?.parse().ok()?;
    (rest.as_bytes().get(2) == Some(&b':')).then_some((hour, minute))
}

fn format_date(
    env: &TemplateEnv,
    lang: Lang,
    value: &Value,
    args: &HashMap<String, Value>,
) -> tera::Result<Value> {
    let Value::String(text) = value else {
        return Err(tera::Error::msg(format!(
            "date: expected a date string, got {value}"
        )));
    };
    let lang = lang_arg(args, lang)?.unwrap_or(lang);
    let (y, m, d) =
        parse_ymd(text).ok_or_else(|| tera::Error::msg(format!("date: `{text}` is not a date")))?;
    let locale = env.locales.get(lang);
    let formatted = match args.get("format").and_then(Value::as_str).unwrap_or("long") {
        "long" => locale.format_date_long(y, m, d),
        "short" => locale.format_date_short(y, m, d),
        "long_time" => match time_of_day(text) {
            Some(hm) => locale.format_date_time((y, m, d), hm),
            None => locale.format_date_long(y, m, d),
        },
        other => {
            return Err(tera::Error::msg(format!(
                "date: unknown format `{other}` (use \"long\", \"long_time\" or \"short\")"
            )))
        }
    };
    formatted
        .map(Value::String)
        .ok_or_else(|| tera::Error::msg(format!("date: `{text}` is not a date")))
}

#[cfg(test)]
mod tests {
    use super::time_of_day;

    #[test]
    fn time_of_day_as_written() {
        assert_eq!(time_of_day("2025-11-03 14:05"), Some((14, 5)));
        assert_eq!(time_of_day("2025-11-03T09:30:00+05:00"), Some((9, 30)));
        assert_eq!(time_of_day("2025-11-03"), None);
        assert_eq!(time_of_day("2025-11-03 1:05"), None);
        assert_eq!(time_of_day("2025-11-03 ab:cd"), None);
        assert_eq!(time_of_day("2025-11-03 +1:05"), None);
    }
}
