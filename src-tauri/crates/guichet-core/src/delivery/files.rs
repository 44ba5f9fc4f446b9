//! Mail without an SMTP server: each message becomes an `.eml` file in the outbox folder,
//! written whole or not at all.

use std::path::{Path, PathBuf};

use crate::error::Error;

/// Without an SMTP server, messages become `.eml` files in the outbox folder.
#[derive(Debug, Clone)]
pub struct FileSender {
    dir: PathBuf,
}

impl FileSender {
    pub fn new(dir: impl Into<PathBuf>) -> FileSender {
        FileSender { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes `<dir>/<id>.eml`, replacing a file of the same id: first to a hidden temporary file,
    /// flushed to disk, then renamed, so a reader never sees half a message. Blocking file I/O.
    pub fn send(&self, id: &str, bytes: &[u8]) -> Result<PathBuf, Error> {
        if id.is_empty()
            || !id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(Error::Internal(format!("invalid outbox message id {id:?}")));
        }
        let io_error = |path: &Path| {
            let path = path.to_path_buf();
            move |source| Error::Io { path, source }
        };
        std::fs::create_dir_all(&self.dir).map_err(io_error(&self.dir))?;
        let path = self.dir.join(format!("{id}.eml"));
        let temporary = self
            .dir
            .join(format!(".{id}.{:016x}.tmp", rand::random::<u64>()));
        let written = (|| {
            use std::io::Write as _;
            let mut file = std::fs::File::create_new(&temporary)?;
            file.write_all(bytes)?;
            file.sync_all()?;
            std::fs::rename(&temporary, &path)
        })();
        if let Err(source) = written {
            let _ = std::fs::remove_file(&temporary);
            return Err(io_error(&path)(source));
        }
        Ok(path)
    }
}
