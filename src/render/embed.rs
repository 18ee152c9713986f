//! `embed(url="…")` for the built-in shortcodes: what a YouTube, Vimeo or Telegram URL
//! points to, so that templates can link out and build the player's address without
//! requesting anything from those sites.

use std::collections::HashMap;

use tera::Value;

/// `{provider, id, channel, url, embed_url}` of a video or post URL; an error names the
/// URL when it is none of YouTube, Vimeo or a public Telegram post.
pub fn embed(args: &HashMap<String, Value>) -> tera::Result<Value> {
    let Some(Value::String(url)) = args.get("url") else {
        return Err(tera::Error::msg("embed() needs `url=\"https://…\"`"));
    };
    let found = source(url).ok_or_else(|| {
        tera::Error::msg(format!(
            "`{url}` is not a YouTube, Vimeo or Telegram post URL (https://www.youtube.com/watch?v=…, https://youtu.be/…, https://vimeo.com/…, https://t.me/<channel>/<post>)"
        ))
    })?;
    Ok(serde_json::json!({
        "provider": found.provider,
        "id": found.id,
        "channel": found.channel,
        "url": url,
        "embed_url": found.embed_url(),
    }))
}

#[derive(Debug, PartialEq)]
struct Source {
    provider: &'static str,
    id: String,
    channel: Option<String>,
}

impl Source {
    /// The player's address, on the privacy-enhanced hosts: loaded only after a click.
    fn embed_url(&self) -> Option<String> {
        match self.provider {
            "youtube" => Some(format!(
                "https://www.youtube-nocookie.com/embed/{}?autoplay=1",
                self.id
            )),
            "vimeo" => Some(format!(
                "https://player.vimeo.com/video/{}?dnt=1&autoplay=1",
                self.id
            )),
            _ => None,
        }
    }
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn source(url: &str) -> Option<Source> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.strip_prefix("www.").unwrap_or(host);
    let host = host.strip_prefix("m.").unwrap_or(host);
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let path = path.split('#').next().unwrap_or("");
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let video = |provider, id: &str| {
        is_id(id).then(|| Source {
            provider,
            id: id.to_string(),
            channel: None,
        })
    };
    match (host, segments.as_slice()) {
        ("youtu.be", [id]) => video("youtube", id),
        ("youtube.com" | "youtube-nocookie.com", ["watch"]) => {
            let id = query.split('&').find_map(|p| p.strip_prefix("v="))?;
            video("youtube", id)
        }
        ("youtube.com" | "youtube-nocookie.com", ["embed" | "shorts" | "live", id]) => {
            video("youtube", id)
        }
        ("vimeo.com", [id]) | ("player.vimeo.com", ["video", id])
            if id.chars().all(|c| c.is_ascii_digit()) =>
        {
            video("vimeo", id)
        }
        ("t.me" | "telegram.me", [channel, post])
            if is_id(channel) && post.chars().all(|c| c.is_ascii_digit()) && !post.is_empty() =>
        {
            Some(Source {
                provider: "telegram",
                id: post.to_string(),
                channel: Some(channel.to_string()),
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognizes_the_usual_urls() {
        for url in [
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=10",
            "https://youtu.be/dQw4w9WgXcQ",
            "https://youtube.com/shorts/dQw4w9WgXcQ",
        ] {
            let s = source(url).unwrap();
            assert_eq!(
                (s.provider, s.id.as_str()),
                ("youtube", "dQw4w9WgXcQ"),
                "{url}"
            );
            assert!(s
                .embed_url()
                .unwrap()
                .starts_with("https://www.youtube-nocookie.com/"));
        }
        let v = source("https://vimeo.com/76979871").unwrap();
        assert_eq!((v.provider, v.id.as_str()), ("vimeo", "76979871"));
        let t = source("https://t.me/kazinform/12345").unwrap();
        assert_eq!(t.channel.as_deref(), Some("kazinform"));
        assert_eq!(t.embed_url(), None);
        for bad in [
            "https://example.com/watch?v=x",
            "https://youtube.com/watch?v=<x>",
            "ftp://youtu.be/x",
            "https://t.me/channel",
        ] {
            assert_eq!(source(bad), None, "{bad}");
        }
    }
}
