//! Kit file paths: what makes one unsafe, said precisely so an organizer can fix it.

use std::path::{Component, Path};

/// What is wrong with a kit file path, if anything: forward slashes only, no absolute
/// paths, no `..`, nothing a zip or URL could use to escape the kit folder.
pub(crate) fn path_problem(value: &str) -> Option<&'static str> {
    if value.is_empty() {
        return Some("is empty");
    }
    if value.len() > 255 {
        return Some("is longer than 255 bytes");
    }
    if value.contains('\\') {
        return Some("contains a backslash `\\`; separate folders with `/`");
    }
    if value.contains('\0') {
        return Some("contains a NUL byte");
    }
    if value.contains(':') {
        return Some("contains `:`, which names a drive or a stream on Windows");
    }
    if value.starts_with('/') {
        return Some("starts with `/`; give a path relative to the kit folder");
    }
    let mut problem = None;
    for component in Path::new(value).components() {
        problem = match component {
            Component::Normal(_) => continue,
            Component::ParentDir => Some("contains `..`, which leaves the kit folder"),
            Component::CurDir => Some("contains `.` as a folder name; remove it"),
            Component::RootDir | Component::Prefix(_) => {
                Some("is not a plain path relative to the kit folder")
            }
        };
        break;
    }
    problem
}
