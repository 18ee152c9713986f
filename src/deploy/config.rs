//! The `deploy:` targets of site.yaml: where `qostil deploy` publishes the output folder.

use serde::Deserialize;

/// One `deploy:` entry as written in site.yaml.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TargetConfig {
    pub name: String,
    /// `s3://bucket/prefix` or `file:///srv/www/portal`.
    pub url: String,
    /// Any S3-compatible service (default: AWS in `region`).
    #[serde(default)]
    pub endpoint: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    /// `bucket.host/key` requests instead of the default path-style `host/bucket/key`.
    #[serde(default)]
    pub virtual_hosted: bool,
    #[serde(default)]
    pub cache_control: CacheControl,
}

/// `Cache-Control` per kind of file.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct CacheControl {
    /// Fingerprinted assets (`style.3f2a9c1e.css`): their URL changes with their content.
    pub immutable: String,
    /// Pages, feeds, the sitemap, robots.txt and the search index: short, so an edit shows.
    pub pages: String,
    /// Every other file (photos, favicon, PDFs).
    pub files: String,
}

impl Default for CacheControl {
    fn default() -> Self {
        CacheControl {
            immutable: "public, max-age=31536000, immutable".into(),
            pages: "public, max-age=300".into(),
            files: "public, max-age=3600".into(),
        }
    }
}

/// The deploy targets. They are no input of any output, so they stay out of the
/// configuration's key (its `Debug` text): editing a target re-renders nothing.
#[derive(Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Targets(pub Vec<TargetConfig>);

impl std::fmt::Debug for Targets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Targets")
    }
}

/// Where a target's URL points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    S3 { bucket: String, prefix: String },
    Folder(std::path::PathBuf),
}

/// `s3://bucket/a/b` → bucket `bucket`, prefix `a/b/`; `file:///srv/www` → `/srv/www`.
pub fn parse_location(url: &str) -> Result<Location, String> {
    if let Some(rest) = url.strip_prefix("s3://") {
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let prefix = prefix.trim_matches('/');
        if bucket.is_empty() {
            return Err(format!("`{url}` names no bucket (s3://bucket/prefix)"));
        }
        let prefix = if prefix.is_empty() {
            String::new()
        } else {
            format!("{prefix}/")
        };
        return Ok(Location::S3 {
            bucket: bucket.to_string(),
            prefix,
        });
    }
    if let Some(path) = url.strip_prefix("file://") {
        if !path.starts_with('/') {
            return Err(format!(
                "`{url}`: a file:// URL needs an absolute path (file:///srv/www/portal)"
            ));
        }
        return Ok(Location::Folder(path.into()));
    }
    Err(format!(
        "`{url}` is neither s3://bucket/prefix nor file:///folder"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations() {
        assert_eq!(
            parse_location("s3://b/a/b/"),
            Ok(Location::S3 {
                bucket: "b".into(),
                prefix: "a/b/".into()
            })
        );
        assert_eq!(
            parse_location("s3://b"),
            Ok(Location::S3 {
                bucket: "b".into(),
                prefix: String::new()
            })
        );
        assert_eq!(
            parse_location("file:///srv/www"),
            Ok(Location::Folder("/srv/www".into()))
        );
        assert!(parse_location("file://relative").is_err());
        assert!(parse_location("s3:///x").is_err());
        assert!(parse_location("https://x").is_err());
    }
}
