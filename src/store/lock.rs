//! Who holds the store. sled locks its directory; this file beside the
//! lock says which process and command hold it, so a second command can
//! say "in use by `scribe run` (pid 4242)" instead of an I/O error.

use std::path::{Path, PathBuf};

const FILE: &str = "scribe.holder";

/// The holder record of an open store; removed when dropped.
pub struct Holder {
    path: PathBuf,
}

impl Holder {
    /// Writes this process as the holder of the store at `store`.
    pub fn claim(store: &Path, command: &str) -> Holder {
        let path = store.join(FILE);
        let text = format!("{}\n{}\n", std::process::id(), command);
        // The holder file only improves an error message; failing to
        // write it must not stop the store from opening.
        if let Err(e) = std::fs::write(&path, text) {
            tracing::warn!(error = %e, "cannot write the store holder file");
        }
        Holder { path }
    }

    /// The pid and command recorded for the store at `store`.
    pub fn read(store: &Path) -> Option<(u32, String)> {
        let text = std::fs::read_to_string(store.join(FILE)).ok()?;
        let mut lines = text.lines();
        let pid = lines.next()?.trim().parse().ok()?;
        Some((pid, lines.next().unwrap_or("scribe").to_string()))
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}
