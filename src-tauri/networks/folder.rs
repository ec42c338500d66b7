//! The export folder: the hand-off for networks without an open API (Instagram, TikTok,
//! X). A post becomes its fitted image(s) and a text file (the post text, then each
//! image's alt text) named after the attempt's key, so a retry after a crash writes the
//! same files again, never a second copy. Each file is written whole to a temporary file
//! in the same folder, then renamed: a full disk leaves nothing half-written.

use std::io::Write;
use std::path::{Path, PathBuf};

use url::Url;

use super::post::{Class, Classify};
use super::{check, Attempt, Media, Post, Problem, Publish, Sent, TargetLimits};
use crate::messages::{self, Describe, Message};
use crate::net::Client;

/// Extensions an export's image may have: its name must be recognisable to delete it.
const EXTENSIONS: [&str; 5] = ["png", "jpg", "gif", "webp", "img"];

#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum Error {
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot remove {path}: {source}")]
    Remove {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{name} is not a file Relais exported")]
    UnknownFile { name: String },
    #[error(transparent)]
    Check(Problem),
}

impl Classify for Error {
    fn class(&self) -> Class {
        use std::io::ErrorKind as Kind;
        match self {
            Error::Write { source, .. }
                if matches!(
                    source.kind(),
                    Kind::StorageFull | Kind::QuotaExceeded | Kind::Interrupted | Kind::TimedOut
                ) =>
            {
                Class::RetryLater { at: None }
            }
            Error::Check(problem) => problem.class(),
            _ => Class::Refused,
        }
    }
}

impl Describe for Error {
    fn codes() -> Vec<String> {
        messages::codes_of(
            "error.folder",
            <Self as strum::VariantNames>::VARIANTS,
            &["check"],
        )
    }

    fn describe(&self) -> Message {
        let message = Message::new(format!("error.folder.{}", <&str>::from(self)));
        match self {
            Error::Write { path, source } | Error::Remove { path, source } => message
                .text("path", path.display())
                .nested("reason", messages::io_reason(source)),
            Error::UnknownFile { name } => message.text("name", name),
            Error::Check(problem) => problem.describe(),
        }
    }
}

/// One folder on this computer.
#[derive(Debug)]
pub struct ExportFolder {
    folder: PathBuf,
    limits: TargetLimits,
}

impl ExportFolder {
    pub fn new(folder: &Path, limits: TargetLimits) -> Self {
        Self {
            folder: folder.to_path_buf(),
            limits,
        }
    }
}

/// The name every file of one post starts with: the key, made safe for any disk.
fn stem(key: &str) -> String {
    let safe: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("relais-{safe}")
}

fn extension(media: &Media<'_>) -> &'static str {
    match media.mime {
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/gif" => "gif",
        "image/webp" => "webp",
        _ => "img",
    }
}

/// `relais-<key>.png` for one image, `relais-<key>-1.png`, `-2`… for several.
fn image_names(stem: &str, media: &[Media<'_>]) -> Vec<String> {
    media
        .iter()
        .enumerate()
        .map(|(index, m)| match media.len() {
            1 => format!("{stem}.{}", extension(m)),
            _ => format!("{stem}-{}.{}", index + 1, extension(m)),
        })
        .collect()
}

/// The post text, then each image's alt text under its file name.
fn text_file(post: &Post<'_>, names: &[String]) -> String {
    let mut text = post.text.trim_end().to_owned();
    for (media, name) in post.media.iter().zip(names) {
        if !media.alt.trim().is_empty() {
            text.push_str(&format!("\n\n[{name}]\n{}", media.alt.trim_end()));
        }
    }
    text.push('\n');
    text
}

/// Whether `name` is one of the files written under `stem`.
fn is_ours(name: &str, stem: &str) -> bool {
    let Some(rest) = name.strip_prefix(stem) else {
        return false;
    };
    if rest == ".txt" {
        return true;
    }
    let rest = match rest.strip_prefix('-') {
        Some(numbered) => match numbered.split_once('.') {
            Some((n, ext)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => ext,
            _ => return false,
        },
        None => match rest.strip_prefix('.') {
            Some(ext) => ext,
            None => return false,
        },
    };
    EXTENSIONS.contains(&rest)
}

/// Writes `bytes` to `name` in `folder` through a temporary file and a rename. A file
/// already there with the same bytes is left as it is.
fn put(folder: &Path, name: &str, bytes: &[u8]) -> Result<(), Error> {
    let path = folder.join(name);
    let same_size = std::fs::metadata(&path).is_ok_and(|m| m.len() == bytes.len() as u64);
    if same_size && std::fs::read(&path).is_ok_and(|existing| existing == bytes) {
        return Ok(());
    }
    let failed = |source| Error::Write {
        path: path.clone(),
        source,
    };
    // Dropped on any failure below, the temporary file is removed.
    let mut temp = tempfile::Builder::new()
        .prefix(".relais-")
        .suffix(".part")
        .tempfile_in(folder)
        .map_err(failed)?;
    temp.write_all(bytes).map_err(failed)?;
    temp.as_file().sync_all().map_err(failed)?;
    temp.persist(&path).map_err(|e| failed(e.error))?;
    Ok(())
}

impl Publish for ExportFolder {
    type Error = Error;

    fn limits(&self) -> &TargetLimits {
        &self.limits
    }

    async fn publish(
        &mut self,
        _client: &Client,
        post: &Post<'_>,
        attempt: &Attempt<'_>,
    ) -> Result<Sent, Error> {
        check(post, &self.limits).map_err(Error::Check)?;
        let stem = stem(attempt.key);
        let names = image_names(&stem, post.media);
        for (media, name) in post.media.iter().zip(&names) {
            put(&self.folder, name, media.bytes)?;
        }
        // The text last: its presence says the post is complete.
        let text_name = format!("{stem}.txt");
        put(&self.folder, &text_name, text_file(post, &names).as_bytes())?;
        // The renames outlive a power cut once the folder itself is on disk; where a
        // folder cannot be opened (Windows), the system does it.
        if let Ok(folder) = std::fs::File::open(&self.folder) {
            let _ = folder.sync_all();
        }
        let shown = names.first().unwrap_or(&text_name);
        Ok(Sent {
            url: Url::from_file_path(self.folder.join(shown))
                .ok()
                .map(String::from),
            id: text_name,
        })
    }

    async fn delete(&mut self, _client: &Client, sent: &Sent, _now: i64) -> Result<(), Error> {
        let unknown = || Error::UnknownFile {
            name: sent.id.clone(),
        };
        let stem = sent.id.strip_suffix(".txt").ok_or_else(unknown)?;
        if !stem.starts_with("relais-") || stem.contains(['/', '\\']) {
            return Err(unknown());
        }
        let entries = std::fs::read_dir(&self.folder).map_err(|source| Error::Remove {
            path: self.folder.clone(),
            source,
        })?;
        for entry in entries.flatten() {
            let name = entry.file_name();
            if is_ours(&name.to_string_lossy(), stem) {
                let path = entry.path();
                std::fs::remove_file(&path).map_err(|source| Error::Remove { path, source })?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_files_of_one_post_are_recognised_as_its_own() {
        let stem = "relais-3kabc";
        for ours in ["relais-3kabc.txt", "relais-3kabc.png", "relais-3kabc-2.gif"] {
            assert!(is_ours(ours, stem), "{ours} was written for this post");
        }
        for other in [
            "relais-3kabcd.txt",
            "relais-3kabc-x.png",
            "relais-3kabc.png.bak",
            "relais-3kabc-.png",
            "photo.png",
        ] {
            assert!(!is_ours(other, stem), "{other} is not this post's");
        }
    }

    #[test]
    fn a_key_becomes_a_name_safe_on_every_disk() {
        assert_eq!(stem("a/b:c d"), "relais-a_b_c_d");
    }
}
