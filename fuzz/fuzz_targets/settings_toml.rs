//! `settings.toml` read from any bytes: no panic; what loads is saved and loaded again
//! unchanged (or refused for a password in its address).
#![no_main]

use std::sync::OnceLock;

use guichet_core::config::{SETTINGS_FILE, StoredSettings};
use libfuzzer_sys::fuzz_target;

fn folder() -> &'static tempfile::TempDir {
    static FOLDER: OnceLock<tempfile::TempDir> = OnceLock::new();
    FOLDER.get_or_init(|| tempfile::tempdir().expect("a folder"))
}

fuzz_target!(|input: &[u8]| {
    let dir = folder().path();
    std::fs::write(dir.join(SETTINGS_FILE), input).expect("written");
    if let Ok(stored) = StoredSettings::load(dir) {
        if stored.save(dir).is_ok() {
            assert_eq!(StoredSettings::load(dir).expect("read back"), stored);
        }
    }
});
