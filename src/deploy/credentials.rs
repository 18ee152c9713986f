//! AWS credentials, from the standard places only: `AWS_ACCESS_KEY_ID` and
//! `AWS_SECRET_ACCESS_KEY` (with `AWS_SESSION_TOKEN`), else the profile `AWS_PROFILE`
//! (default `default`) of `~/.aws/credentials` (or `AWS_SHARED_CREDENTIALS_FILE`).
//! Never printed: messages name where a key was looked for, never its value.

use std::path::PathBuf;

/// An access key, its secret and an optional session token.
pub struct Keys {
    pub access_key: String,
    pub secret: String,
    pub token: Option<String>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The credentials, or a message saying where they were looked for.
pub fn load() -> Result<Keys, String> {
    if let (Some(access_key), Some(secret)) =
        (env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"))
    {
        return Ok(Keys {
            access_key,
            secret,
            token: env("AWS_SESSION_TOKEN"),
        });
    }
    let profile = env("AWS_PROFILE").unwrap_or_else(|| "default".into());
    let file = env("AWS_SHARED_CREDENTIALS_FILE")
        .map(PathBuf::from)
        .or_else(|| env("HOME").map(|h| PathBuf::from(h).join(".aws/credentials")));
    let not_found = || {
        format!(
            "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give \
             profile `{profile}` an aws_access_key_id and aws_secret_access_key in {}",
            file.as_ref()
                .map_or("~/.aws/credentials".into(), |f| f.display().to_string())
        )
    };
    let text = file
        .as_ref()
        .and_then(|f| std::fs::read_to_string(f).ok())
        .ok_or_else(not_found)?;
    profile_keys(&text, &profile).ok_or_else(not_found)
}

/// The keys of `[profile]` in an INI-style credentials file.
fn profile_keys(text: &str, profile: &str) -> Option<Keys> {
    let mut in_profile = false;
    let (mut access_key, mut secret, mut token) = (None, None, None);
    for line in text.lines().map(str::trim) {
        if line.starts_with('#') || line.starts_with(';') || line.is_empty() {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            in_profile = name.trim() == profile;
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        if !in_profile {
            continue;
        }
        let value = Some(value.trim().to_string()).filter(|v| !v.is_empty());
        match key.trim() {
            "aws_access_key_id" => access_key = value,
            "aws_secret_access_key" => secret = value,
            "aws_session_token" => token = value,
            _ => {}
        }
    }
    Some(Keys {
        access_key: access_key?,
        secret: secret?,
        token,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_named_profile() {
        let text = "[default]\naws_access_key_id = A\naws_secret_access_key = B\n\n\
                    [site]\n# comment\naws_access_key_id=C\naws_secret_access_key=D\n";
        let keys = profile_keys(text, "site").unwrap();
        assert_eq!((keys.access_key.as_str(), keys.secret.as_str()), ("C", "D"));
        assert_eq!(profile_keys(text, "default").unwrap().access_key, "A");
        assert!(profile_keys(text, "other").is_none());
        assert!(profile_keys("[x]\naws_access_key_id=A\n", "x").is_none());
    }
}
