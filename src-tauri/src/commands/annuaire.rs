//! The Annuaire de l'éducation for supervisors: a file's dry run, its CSV export and its
//! import, each reading the file from its path and telling the window how far it has read.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use guichet_core::Error;
use guichet_core::annuaire::{AnnuaireApplied, AnnuairePreview};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Runtime, State};
use tauri_plugin_dialog::DialogExt;

use crate::error::CommandResult;
use crate::state::AppState;

/// The event a file's reading reports its progress in, with an [`AnnuaireProgress`].
pub const ANNUAIRE_PROGRESS_EVENT: &str = "guichet://annuaire-progress";

/// How far the file has been read.
#[derive(Debug, Clone, Copy, Serialize, specta::Type)]
pub struct AnnuaireProgress {
    /// Thousandths of the file read: 1000 once it is all read (the writing may follow).
    pub permille: u32,
}

/// A file read through, each thousandth reported once.
struct Progress<R, F: FnMut(u32)> {
    inner: R,
    read: u64,
    total: u64,
    reported: u32,
    report: F,
}

impl<R: Read, F: FnMut(u32)> Read for Progress<R, F> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        let permille = match self.total {
            _ if n == 0 => 1000,
            0 => 0,
            total => (self.read.saturating_mul(1000) / total).min(999) as u32,
        };
        if permille > self.reported {
            self.reported = permille;
            (self.report)(permille);
        }
        Ok(n)
    }
}

fn open<R: Runtime>(app: AppHandle<R>, path: &Path) -> CommandResult<impl Read + Send + use<R>> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(io)?;
    let total = file.metadata().map_err(io)?.len();
    Ok(Progress {
        inner: BufReader::new(file),
        read: 0,
        total,
        reported: 0,
        report: move |permille| {
            let _ = app.emit(ANNUAIRE_PROGRESS_EVENT, AnnuaireProgress { permille });
        },
    })
}

#[tauri::command]
#[specta::specta]
pub async fn annuaire_dry_run<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    path: PathBuf,
) -> CommandResult<AnnuairePreview> {
    let (guichet, session) = state.signed_in().await?;
    let diff = guichet
        .annuaire_dry_run(&session, open(app, &path)?)
        .await?;
    Ok(AnnuairePreview::of(&diff))
}

/// Writes the dry run as CSV in the agent's exports folder; returns the file's path.
#[tauri::command]
#[specta::specta]
pub async fn export_annuaire_csv<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    path: PathBuf,
) -> CommandResult<String> {
    let (guichet, session) = state.signed_in().await?;
    let written = guichet
        .export_annuaire_dry_run(&session, open(app, &path)?)
        .await?;
    Ok(written.display().to_string())
}

#[tauri::command]
#[specta::specta]
pub async fn import_annuaire<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    path: PathBuf,
    skip_rejected: bool,
) -> CommandResult<AnnuaireApplied> {
    let (guichet, session) = state.signed_in().await?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (diff, imported) = guichet
        .import_annuaire(&session, open(app, &path)?, &name, skip_rejected)
        .await?;
    Ok(AnnuaireApplied::of(&diff, imported.id))
}

/// The file the agent picks in the system's file chooser, `None` when it picks none. Opened
/// from here, so that the page itself is given no dialog permission.
#[tauri::command]
#[specta::specta]
pub async fn choose_annuaire_file<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> CommandResult<Option<String>> {
    state.signed_in().await?;
    let (chosen, picked) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title("Fichier de l’Annuaire de l’éducation")
        .add_filter("CSV", &["csv"])
        .pick_file(move |file| {
            let _ = chosen.send(file);
        });
    let file = picked.await.ok().flatten();
    Ok(file
        .and_then(|file| file.into_path().ok())
        .map(|path| path.display().to_string()))
}
