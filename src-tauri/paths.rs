use std::path::PathBuf;

/// The platform's per-user data folder for Relais (`~/.local/share/relais` on Linux),
/// used when neither `--data-dir` nor `RELAIS_DATA_DIR` says otherwise.
pub fn default_data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("fr", "Relais", "Relais")
        .map(|dirs| dirs.data_dir().to_path_buf())
}
