//! One writer per output folder. Two `qostil serve` on one site would write the same
//! `.qostil/serve/`, and two builds the same `public/`: each would find files the other just
//! wrote missing from its manifest and refuse them as the user's ("would replace files
//! qostil did not write"), or remove what the other listed. So a command that writes an
//! output holds an advisory lock on a file in `.qostil/locks/` named after that folder for
//! as long as it runs; the operating system releases it when the process ends, however it
//! ends, so a killed qostil never leaves a stale lock behind.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Diagnostics};

/// Held while a command writes its output; released when dropped.
#[derive(Debug)]
pub struct OutputLock {
    _file: Option<File>,
}

/// What to do when another qostil holds the output folder.
pub enum IfHeld<'a> {
    /// Fail at once with a message naming the other process (`serve`: it never finishes,
    /// and its address is what the user wants).
    Refuse,
    /// Say so through the callback, then wait for it to finish (`build`, as cargo waits
    /// for its build folder).
    Wait(&'a dyn Fn(&str)),
}

/// The lock file of the output folder `target` (an absolute, normalised path).
pub fn lock_path(root: &Path, target: &Path) -> PathBuf {
    let key = xxhash_rust::xxh3::xxh3_64(target.as_os_str().as_encoded_bytes());
    root.join(super::cache::CACHE_DIR)
        .join("locks")
        .join(format!("{key:016x}.lock"))
}

/// Takes the lock of `target` for this process; `holder` says who holds it
/// (`qostil serve at http://127.0.0.1:1111/`) for the message another qostil shows.
/// Where the file system has no locks, the command goes on unlocked.
pub fn lock_output(
    root: &Path,
    target: &Path,
    holder: &str,
    if_held: IfHeld<'_>,
) -> Result<OutputLock, Diagnostics> {
    let path = lock_path(root, target);
    let cannot = |e: std::io::Error| {
        Diagnostics::from(Diagnostic::global(format!(
            "cannot lock the output folder {} ({}): {e}",
            target.display(),
            path.display()
        )))
    };
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(cannot)?;
    }
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(cannot)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let other = holder_of(&mut file);
            let message = format!("another qostil is writing {} ({other})", target.display());
            match if_held {
                IfHeld::Refuse => {
                    return Err(Diagnostic::global(format!("{message}; stop it first")).into())
                }
                IfHeld::Wait(say) => {
                    say(&format!("{message}: waiting for it to finish"));
                    file.lock().map_err(cannot)?;
                }
            }
        }
        // No locks here (some network file systems): nothing to hold.
        Err(TryLockError::Error(_)) => return Ok(OutputLock { _file: None }),
    }
    let text = format!("{holder}, process {}\n", std::process::id());
    // Only a help for the message above: a lock whose text cannot be written still holds.
    let _ = file
        .set_len(0)
        .and_then(|()| file.rewind())
        .and_then(|()| file.write_all(text.as_bytes()));
    Ok(OutputLock { _file: Some(file) })
}

/// What the process holding the lock wrote of itself.
fn holder_of(file: &mut File) -> String {
    let mut text = String::new();
    let _ = file.read_to_string(&mut text);
    match text.trim() {
        "" => "another process".to_string(),
        t => t.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_is_refused_with_the_first_ones_name_and_may_go_once_it_is_gone() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("public");
        let first = lock_output(
            root.path(),
            &target,
            "qostil serve at http://x/",
            IfHeld::Refuse,
        )
        .unwrap();
        let refused = lock_output(root.path(), &target, "qostil build", IfHeld::Refuse)
            .unwrap_err()
            .to_string();
        assert!(refused.contains("another qostil is writing"), "{refused}");
        assert!(
            refused.contains("qostil serve at http://x/, process"),
            "{refused}"
        );
        // Another folder is another lock.
        lock_output(root.path(), &root.path().join("other"), "b", IfHeld::Refuse).unwrap();
        drop(first);
        lock_output(root.path(), &target, "qostil build", IfHeld::Refuse).unwrap();
    }

    #[test]
    fn a_waiting_writer_says_so_and_goes_on_when_the_first_is_done() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("public");
        let first = lock_output(root.path(), &target, "qostil build", IfHeld::Refuse).unwrap();
        let (said_tx, said_rx) = std::sync::mpsc::channel();
        let dir = root.path().to_path_buf();
        let waiter = std::thread::spawn(move || {
            let say = |m: &str| said_tx.send(m.to_string()).unwrap();
            lock_output(&dir, &dir.join("public"), "second", IfHeld::Wait(&say)).map(|_| ())
        });
        let said = said_rx.recv().unwrap();
        assert!(said.contains("waiting for it to finish"), "{said}");
        assert!(!waiter.is_finished());
        drop(first);
        waiter.join().unwrap().unwrap();
    }
}
