//! Diagnostics: one type for every stage's errors and warnings, with the file named relative
//! to the site root and a line/column counted from the start of that file.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Site-relative path with `/` separators; `None` for problems not tied to a file.
    pub file: Option<String>,
    pub line: Option<usize>,
    pub col: Option<usize>,
    pub message: String,
    /// What kind of problem this is, for machines (`qostil check --format json`):
    /// `build` for everything a build rejects, or a check's own code such as `broken-link`.
    pub code: &'static str,
}

impl Diagnostic {
    pub fn error(file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: Some(file.into()),
            line: None,
            col: None,
            message: message.into(),
            code: "build",
        }
    }

    /// An error that concerns the whole build rather than one file.
    pub fn global(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: None,
            line: None,
            col: None,
            message: message.into(),
            code: "build",
        }
    }

    pub fn warning(file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, message)
        }
    }

    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = code;
        self
    }

    pub fn at(mut self, line: usize, col: usize) -> Self {
        self.line = Some(line);
        self.col = Some(col);
        self
    }

    pub fn at_opt(mut self, pos: Option<(usize, usize)>) -> Self {
        if let Some((line, col)) = pos {
            self.line = Some(line);
            self.col = Some(col);
        }
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{label}: ")?;
        if let Some(file) = &self.file {
            write!(f, "{file}:")?;
            if let Some(line) = self.line {
                write!(f, "{line}:")?;
                if let Some(col) = self.col {
                    write!(f, "{col}:")?;
                }
            }
            write!(f, " ")?;
        }
        write!(f, "{}", self.message)
    }
}

/// A set of diagnostics, gathered across a stage so a build reports every error it finds.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn new() -> Self {
        Diagnostics(Vec::new())
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// Sorts by file, position and message so reports are deterministic whatever the order
    /// the parallel stages found them in.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            (&a.file, a.line, a.col, &a.message).cmp(&(&b.file, b.line, b.col, &b.message))
        });
        self.0.dedup();
    }

    /// Ok(value) when there are no errors, else the diagnostics themselves.
    pub fn into_result<T>(mut self, value: T) -> Result<T, Diagnostics> {
        if self.has_errors() {
            self.sort();
            Err(self)
        } else {
            Ok(value)
        }
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

/// 1-based (line, column) of a byte offset in `text`; the column counts characters.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_the_design_contract() {
        let d = Diagnostic::error("content/kk/news/x.md", "date: bad").at(3, 7);
        assert_eq!(d.to_string(), "error: content/kk/news/x.md:3:7: date: bad");
        assert_eq!(Diagnostic::global("boom").to_string(), "error: boom");
    }

    #[test]
    fn line_col_counts_characters() {
        let text = "ab\nқаз x";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, text.find('x').unwrap()), (2, 5));
    }
}
