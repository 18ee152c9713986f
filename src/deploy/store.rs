//! Where `qostil deploy` puts files: an S3-compatible bucket (requests signed by `rusty-s3`,
//! sent by `ureq`) or a local folder.

use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};

/// The headers an object is stored with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Headers {
    pub content_type: String,
    pub cache_control: String,
    /// `gzip` when the body is the gzip of the file.
    pub content_encoding: Option<String>,
}

/// A failed request: the object, what was done, and the status or the I/O error.
#[derive(Debug)]
pub struct StoreError(pub String);

pub trait Store: Sync {
    /// The object `key`, or None when there is none.
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError>;
    fn put(&self, key: &str, body: &[u8], headers: &Headers) -> Result<(), StoreError>;
    /// Removes `key`; one that is already gone is fine.
    fn delete(&self, key: &str) -> Result<(), StoreError>;
    /// Whether bodies may be sent gzip-encoded (HTTP stores: yes; a folder: no).
    fn takes_encoded_bodies(&self) -> bool;
}

// ------------------------------------------------------------------ folder

/// A `file://` target: the files are copied as they are (compressed companions included).
pub struct Folder(pub PathBuf);

impl Store for Folder {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        match std::fs::read(self.0.join(key)) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(StoreError(format!("{key}: cannot read: {e}"))),
        }
    }

    fn put(&self, key: &str, body: &[u8], _: &Headers) -> Result<(), StoreError> {
        let path = self.0.join(key);
        let fail = |e: std::io::Error| StoreError(format!("{key}: cannot write: {e}"));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(fail)?;
        }
        // Written beside and renamed: a reader never sees half a file.
        let tmp = path.with_file_name(format!(
            ".{}.qostil-deploy-{}",
            path.file_name().map_or("x".into(), |n| n.to_string_lossy()),
            std::process::id()
        ));
        std::fs::write(&tmp, body).map_err(fail)?;
        std::fs::rename(&tmp, &path).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            fail(e)
        })
    }

    fn delete(&self, key: &str) -> Result<(), StoreError> {
        let path = self.0.join(key);
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(StoreError(format!("{key}: cannot delete: {e}")))
            }
            _ => {}
        }
        // Folders the deletion left empty go too (never the target itself).
        let mut dir = path.parent();
        while let Some(d) = dir.filter(|d| *d != self.0 && d.starts_with(&self.0)) {
            if std::fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
        Ok(())
    }

    fn takes_encoded_bodies(&self) -> bool {
        false
    }
}

// ------------------------------------------------------------------ S3

/// An S3-compatible bucket.
pub struct S3 {
    bucket: Bucket,
    credentials: Credentials,
    agent: ureq::Agent,
    /// `s3://bucket/` for messages.
    shown: String,
}

/// How long a signed request stays valid.
const SIGNED_FOR: Duration = Duration::from_secs(600);

impl S3 {
    pub fn new(
        bucket: &str,
        endpoint: Option<&str>,
        region: Option<&str>,
        virtual_hosted: bool,
        keys: super::credentials::Keys,
    ) -> Result<S3, String> {
        let region = region.unwrap_or("us-east-1").to_string();
        let endpoint = endpoint
            .map(str::to_string)
            .unwrap_or_else(|| format!("https://s3.{region}.amazonaws.com"));
        let url: url::Url = endpoint
            .parse()
            .map_err(|e| format!("endpoint `{endpoint}`: {e}"))?;
        let style = if virtual_hosted {
            UrlStyle::VirtualHost
        } else {
            UrlStyle::Path
        };
        let bucket = Bucket::new(url, style, bucket.to_string(), region)
            .map_err(|e| format!("endpoint `{endpoint}`, bucket `{bucket}`: {e}"))?;
        let credentials = match keys.token {
            Some(token) => Credentials::new_with_token(keys.access_key, keys.secret, token),
            None => Credentials::new(keys.access_key, keys.secret),
        };
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        Ok(S3 {
            shown: format!("s3://{}/", bucket.name()),
            bucket,
            credentials,
            agent,
        })
    }

    /// `PUT kk/index.html: HTTP 403 (SignatureDoesNotMatch: …)`.
    fn failure(
        &self,
        verb: &str,
        key: &str,
        response: Result<(u16, String), String>,
    ) -> StoreError {
        let what = match response {
            Ok((status, body)) => {
                let code = xml_value(&body, "Code");
                let message = xml_value(&body, "Message");
                let detail = match (code, message) {
                    (Some(c), Some(m)) => format!(" ({c}: {m})"),
                    (Some(c), None) => format!(" ({c})"),
                    _ => String::new(),
                };
                let hint = if matches!(status, 401 | 403) {
                    "; check the credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY or \
                     AWS_PROFILE) and the bucket's permissions"
                } else {
                    ""
                };
                format!("HTTP {status}{detail}{hint}")
            }
            Err(e) => e,
        };
        StoreError(format!("{verb} {}{key}: {what}", self.shown))
    }
}

/// The text of the first `<name>…</name>` of an S3 error body.
fn xml_value(body: &str, name: &str) -> Option<String> {
    let start = body.find(&format!("<{name}>"))? + name.len() + 2;
    let end = start + body[start..].find(&format!("</{name}>"))?;
    Some(body[start..end].trim().to_string()).filter(|s| !s.is_empty())
}

type Reply = Result<(u16, Vec<u8>), String>;

fn reply(result: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
    let response = result.map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let mut body = Vec::new();
    response
        .into_body()
        .into_reader()
        .read_to_end(&mut body)
        .map_err(|e| e.to_string())?;
    Ok((status, body))
}

fn text(reply: Reply) -> Result<(u16, String), String> {
    reply.map(|(s, b)| (s, String::from_utf8_lossy(&b).into_owned()))
}

impl Store for S3 {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let url = self
            .bucket
            .get_object(Some(&self.credentials), key)
            .sign(SIGNED_FOR);
        match reply(self.agent.get(url.as_str()).call()) {
            Ok((200, body)) => Ok(Some(body)),
            Ok((404, _)) => Ok(None),
            other => Err(self.failure("GET", key, text(other))),
        }
    }

    fn put(&self, key: &str, body: &[u8], headers: &Headers) -> Result<(), StoreError> {
        let mut action = self.bucket.put_object(Some(&self.credentials), key);
        let signed = action.headers_mut();
        signed.insert("content-type", headers.content_type.clone());
        signed.insert("cache-control", headers.cache_control.clone());
        if let Some(encoding) = &headers.content_encoding {
            signed.insert("content-encoding", encoding.clone());
        }
        let url = action.sign(SIGNED_FOR);
        let mut request = self
            .agent
            .put(url.as_str())
            .header("content-type", &headers.content_type)
            .header("cache-control", &headers.cache_control);
        if let Some(encoding) = &headers.content_encoding {
            request = request.header("content-encoding", encoding);
        }
        match reply(request.send(body)) {
            Ok((200 | 201 | 204, _)) => Ok(()),
            other => Err(self.failure("PUT", key, text(other))),
        }
    }

    fn delete(&self, key: &str) -> Result<(), StoreError> {
        let url = self
            .bucket
            .delete_object(Some(&self.credentials), key)
            .sign(SIGNED_FOR);
        match reply(self.agent.delete(url.as_str()).call()) {
            Ok((200 | 202 | 204 | 404, _)) => Ok(()),
            other => Err(self.failure("DELETE", key, text(other))),
        }
    }

    fn takes_encoded_bodies(&self) -> bool {
        true
    }
}
