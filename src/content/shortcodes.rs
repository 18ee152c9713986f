//! Shortcodes in Markdown bodies: `{{ video(url="https://…", title="…") }}`, on a line of its
//! own or inside a paragraph. Calls are found outside code spans and code blocks only; the
//! renderer replaces each with its template's output (`shortcodes/<name>.html`).
//!
//! A `{{` that is not followed by a name and `(` is left as text (`{{ page.title }}` in an
//! article about templates stays as written); one that is must be a well-formed call.

use std::collections::BTreeMap;
use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag};

use crate::diag::line_col;

/// One shortcode call in a body.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub name: String,
    /// Argument name → value (a string, a number or a boolean).
    pub args: BTreeMap<String, serde_json::Value>,
    /// Byte range of the whole call (`{{` to `}}`) in the body.
    pub span: Range<usize>,
    /// 1-based line and column of the call in the body.
    pub line: usize,
    pub col: usize,
}

/// The relative files shortcode calls name in a `src` argument (`figure(src="photo.jpg")`),
/// at their calls; nothing for a body with malformed calls (loading reports those).
pub fn file_refs(body: &str) -> Vec<crate::content::markdown::FileRef> {
    src_refs(body, |src| {
        crate::content::markdown::relative_file(src, true)
    })
}

/// The site paths shortcode calls name in a `src` argument (`figure(src="/img/x.jpg")`), at
/// their calls (see `markdown::site_file`).
pub fn site_image_refs(body: &str) -> Vec<crate::content::markdown::FileRef> {
    src_refs(body, crate::content::markdown::site_file)
}

/// The `src` arguments of a body's calls that `file` takes for a file, at their calls.
fn src_refs(
    body: &str,
    file: impl Fn(&str) -> Option<String>,
) -> Vec<crate::content::markdown::FileRef> {
    let Ok(calls) = find_calls(body) else {
        return Vec::new();
    };
    calls
        .into_iter()
        .filter_map(|call| {
            let src = call.args.get("src")?.as_str()?;
            Some(crate::content::markdown::FileRef {
                path: file(src)?,
                line: call.line,
                col: call.col,
                image: true,
            })
        })
        .collect()
}

/// A malformed call: what is wrong, at a 1-based line and column of the body.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// Every call of a body, in order, or every malformed one.
pub fn find_calls(body: &str) -> Result<Vec<Call>, Vec<SyntaxError>> {
    // Finding the code spans takes a Markdown parse: only for a body that has a `{{`.
    let mut code: Option<Vec<Range<usize>>> = None;
    let mut calls = Vec::new();
    let mut errors = Vec::new();
    let mut from = 0;
    while let Some(i) = body[from..].find("{{").map(|i| i + from) {
        let code = code.get_or_insert_with(|| code_ranges(body));
        if let Some(r) = code.iter().find(|r| r.contains(&i)) {
            from = r.end.max(i + 2);
            continue;
        }
        match parse_call(body, i) {
            Parsed::NotACall => from = i + 2,
            Parsed::Call(call) => {
                from = call.span.end;
                calls.push(call);
            }
            Parsed::Bad(at, message) => {
                let (line, col) = line_col(body, at);
                errors.push(SyntaxError { line, col, message });
                // Go on after this line: one bad call gives one error.
                from = body[i..].find('\n').map_or(body.len(), |n| i + n + 1);
            }
        }
    }
    if errors.is_empty() {
        Ok(calls)
    } else {
        Err(errors)
    }
}

/// The body with every call removed: what summaries and the search index read.
pub fn strip_calls(body: &str) -> std::borrow::Cow<'_, str> {
    match find_calls(body) {
        Ok(calls) if !calls.is_empty() => {
            let mut text = String::with_capacity(body.len());
            let mut at = 0;
            for call in calls {
                text.push_str(&body[at..call.span.start]);
                at = call.span.end;
            }
            text.push_str(&body[at..]);
            std::borrow::Cow::Owned(text)
        }
        _ => std::borrow::Cow::Borrowed(body),
    }
}

/// Byte ranges of code spans and code blocks, where `{{` is text.
fn code_ranges(body: &str) -> Vec<Range<usize>> {
    Parser::new(body)
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Code(_) | Event::Start(Tag::CodeBlock(_)) => Some(range),
            _ => None,
        })
        .collect()
}

enum Parsed {
    NotACall,
    Call(Call),
    Bad(usize, String),
}

/// A cursor over the text of one call.
struct Cursor<'a> {
    text: &'a str,
    at: usize,
}

impl Cursor<'_> {
    fn skip_spaces(&mut self) {
        while self.text[self.at..].starts_with([' ', '\t']) {
            self.at += 1;
        }
    }

    fn peek(&self) -> Option<char> {
        self.text[self.at..].chars().next()
    }

    fn eat(&mut self, s: &str) -> bool {
        let found = self.text[self.at..].starts_with(s);
        if found {
            self.at += s.len();
        }
        found
    }

    fn ident(&mut self) -> Option<String> {
        let rest = &self.text[self.at..];
        let first = rest.chars().next()?;
        if !(first.is_ascii_alphabetic() || first == '_') {
            return None;
        }
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(rest.len());
        self.at += len;
        Some(rest[..len].to_string())
    }
}

fn parse_call(body: &str, start: usize) -> Parsed {
    let mut c = Cursor {
        text: body,
        at: start + 2,
    };
    c.skip_spaces();
    let Some(name) = c.ident() else {
        return Parsed::NotACall;
    };
    c.skip_spaces();
    if !c.eat("(") {
        return Parsed::NotACall;
    }
    let mut args = BTreeMap::new();
    loop {
        c.skip_spaces();
        if c.eat(")") {
            break;
        }
        if !args.is_empty() && !c.eat(",") {
            return bad(&c, "expected `,` or `)` after an argument");
        }
        c.skip_spaces();
        if !args.is_empty() && c.eat(")") {
            break;
        }
        let key_at = c.at;
        let Some(key) = c.ident() else {
            return bad(&c, "expected an argument name (`name=\"value\"`)");
        };
        c.skip_spaces();
        if !c.eat("=") {
            return bad(&c, &format!("expected `=` after `{key}`"));
        }
        c.skip_spaces();
        let value = match parse_value(&mut c) {
            Ok(v) => v,
            Err(message) => return Parsed::Bad(c.at, message),
        };
        if args.insert(key.clone(), value).is_some() {
            return Parsed::Bad(key_at, format!("argument `{key}` is given twice"));
        }
    }
    c.skip_spaces();
    if !c.eat("}}") {
        return bad(
            &c,
            &format!("expected `}}}}` to close the shortcode `{name}`"),
        );
    }
    let (line, col) = line_col(body, start);
    Parsed::Call(Call {
        name,
        args,
        span: start..c.at,
        line,
        col,
    })
}

fn bad(c: &Cursor<'_>, message: &str) -> Parsed {
    Parsed::Bad(c.at, format!("shortcode: {message}"))
}

/// A string in double quotes (`\"` and `\\` escaped), a number, `true` or `false`.
fn parse_value(c: &mut Cursor<'_>) -> Result<serde_json::Value, String> {
    match c.peek() {
        Some('"') => {
            c.at += 1;
            let mut value = String::new();
            let mut chars = c.text[c.at..].char_indices();
            while let Some((i, ch)) = chars.next() {
                match ch {
                    '"' => {
                        c.at += i + 1;
                        return Ok(serde_json::Value::String(value));
                    }
                    '\\' => match chars.next() {
                        Some((_, e @ ('"' | '\\'))) => value.push(e),
                        _ => {
                            return Err(
                                "shortcode: only `\\\"` and `\\\\` are escapes in a string".into()
                            )
                        }
                    },
                    '\n' => break,
                    _ => value.push(ch),
                }
            }
            Err("shortcode: a string is not closed on its line (a `\"` is missing)".into())
        }
        Some(ch) if ch.is_ascii_digit() || ch == '-' => {
            let rest = &c.text[c.at..];
            let len = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
                .unwrap_or(rest.len());
            let number = &rest[..len];
            let value = number
                .parse::<i64>()
                .map(serde_json::Value::from)
                .or_else(|_| number.parse::<f64>().map(serde_json::Value::from))
                .map_err(|_| format!("shortcode: `{number}` is not a number"))?;
            c.at += len;
            Ok(value)
        }
        _ if c.eat("true") => Ok(serde_json::Value::Bool(true)),
        _ if c.eat("false") => Ok(serde_json::Value::Bool(false)),
        _ => Err(
            "shortcode: a value is a \"string\" in double quotes, a number, true or false".into(),
        ),
    }
}

/// The arguments a shortcode template declares in a `{# args: url, title? #}` comment
/// (`?`: optional). A template without one takes no arguments.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Declared {
    pub required: Vec<String>,
    pub optional: Vec<String>,
}

impl Declared {
    /// Reads the first `{# args: … #}` comment of a template.
    pub fn of_template(source: &str) -> Declared {
        let mut declared = Declared::default();
        let Some(start) = source.find("{#") else {
            return declared;
        };
        let rest = source[start + 2..].trim_start();
        let Some(list) = rest.strip_prefix("args:") else {
            return declared;
        };
        let list = list.split("#}").next().unwrap_or("");
        for arg in list
            .split([',', '\n'])
            .map(str::trim)
            .filter(|a| !a.is_empty())
        {
            match arg.strip_suffix('?') {
                Some(name) => declared.optional.push(name.trim().to_string()),
                None => declared.required.push(arg.to_string()),
            }
        }
        declared
    }

    /// What is wrong with a call's arguments, one phrase each.
    pub fn problems(&self, call: &Call) -> Vec<String> {
        let mut problems = Vec::new();
        for name in call.args.keys() {
            if !self.required.contains(name) && !self.optional.contains(name) {
                let known: Vec<String> = self
                    .required
                    .iter()
                    .cloned()
                    .chain(self.optional.iter().map(|o| format!("{o}?")))
                    .collect();
                let takes = if known.is_empty() {
                    "takes no arguments".to_string()
                } else {
                    format!("takes {}", known.join(", "))
                };
                problems.push(format!("unknown argument `{name}` (it {takes})"));
            }
        }
        for name in &self.required {
            if !call.args.contains_key(name) {
                problems.push(format!("missing argument `{name}`"));
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_calls_with_typed_arguments_outside_code() {
        let body = "Text\n\n{{ video(url=\"https://youtu.be/x\", n=2, big=true, r=-1.5) }}\n\n`{{ video(url=\"no\") }}`\n\n```\n{{ video(url=\"no\") }}\n```\n\nInline {{ telegram(url=\"https://t.me/a/1\") }} here. {{ page.title }}\n";
        let calls = find_calls(body).unwrap();
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].name, "video");
        assert_eq!(calls[0].args["url"], "https://youtu.be/x");
        assert_eq!(calls[0].args["n"], 2);
        assert_eq!(calls[0].args["big"], true);
        assert_eq!(calls[0].args["r"], -1.5);
        assert_eq!((calls[0].line, calls[0].col), (3, 1));
        assert_eq!(calls[1].name, "telegram");
        assert_eq!((calls[1].line, calls[1].col), (11, 8));
        assert_eq!(
            &body[calls[1].span.clone()],
            "{{ telegram(url=\"https://t.me/a/1\") }}"
        );
    }

    #[test]
    fn bad_syntax_is_reported_at_its_place() {
        let errors = find_calls("a\n{{ video(url=\"x) }}\n\n{{ x(a=1 b=2) }}\n{{ y(a=nope) }}\n")
            .unwrap_err();
        let found: Vec<(usize, usize)> = errors.iter().map(|e| (e.line, e.col)).collect();
        assert_eq!(found, [(2, 15), (4, 10), (5, 8)], "{errors:?}");
        assert!(errors[0].message.contains("not closed"), "{errors:?}");
    }

    #[test]
    fn strips_calls_for_summaries() {
        assert_eq!(
            strip_calls("{{ video(url=\"x\") }}\n\nLead.\n"),
            "\n\nLead.\n"
        );
    }

    #[test]
    fn declared_arguments() {
        let d = Declared::of_template("{# args: url, title? #}\n<div></div>");
        assert_eq!(d.required, ["url"]);
        assert_eq!(d.optional, ["title"]);
        let call = find_calls("{{ video(titl=\"x\") }}").unwrap().remove(0);
        let problems = d.problems(&call);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(
            problems[0],
            "unknown argument `titl` (it takes url, title?)"
        );
        assert!(problems[1].contains("missing argument `url`"));
        assert_eq!(
            Declared::of_template("<p>no header</p>"),
            Declared::default()
        );
    }
}
