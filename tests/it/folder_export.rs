//! The export folder, the hand-off for networks without an open API: the fitted image
//! and a text file named after the attempt's key, written whole or not at all, once
//! however often a post is retried.

use std::path::Path;
use std::process::Command;

use relais::messages::{Describe, Lang};
use relais::net::{Client, Options};
use relais::networks::folder::{Error, ExportFolder};
use relais::networks::{
    for_network, Attempt, Class, Classify, Media, Network, Post, Publish, Visibility,
};

use crate::support::{entries, png};

fn client() -> Client {
    Client::new(Options::default()).unwrap()
}

fn folder(path: &Path) -> ExportFolder {
    ExportFolder::new(path, for_network(Network::LocalExport))
}

fn attempt(key: &str) -> Attempt<'_> {
    Attempt {
        key,
        created_at: "2026-09-21T14:13:20Z",
        earlier_unknown: false,
        now: 1_790_000_000,
    }
}

fn post<'a>(media: &'a [Media<'a>]) -> Post<'a> {
    Post {
        text: "Déjà l’été ? On vote ! 🗳️ #législatives",
        language: Some("fr"),
        media,
        visibility: Visibility::Public,
        content_warning: None,
    }
}

fn still(bytes: &[u8]) -> Media<'_> {
    Media {
        bytes,
        mime: "image/png",
        file_name: "affiche.png",
        alt: "Une affiche : « On vote ! »",
        width: 8,
        height: 8,
        animated: false,
    }
}

#[tokio::test]
async fn a_post_becomes_its_image_and_a_text_file_with_the_alt_text() {
    let dir = tempfile::tempdir().unwrap();
    let image = png(8, 8, |x, _| [x as u8 * 30, 30, 40, 255]);
    let media = [still(&image)];
    let sent = folder(dir.path())
        .publish(&client(), &post(&media), &attempt("3kabcdefghi22"))
        .await
        .unwrap();
    assert_eq!(sent.id, "relais-3kabcdefghi22.txt", "the text file's name");
    assert_eq!(
        entries(dir.path()),
        vec!["relais-3kabcdefghi22.png", "relais-3kabcdefghi22.txt"],
        "the image and the text, nothing else"
    );
    assert_eq!(
        std::fs::read(dir.path().join("relais-3kabcdefghi22.png")).unwrap(),
        image
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("relais-3kabcdefghi22.txt")).unwrap(),
        "Déjà l’été ? On vote ! 🗳️ #législatives\n\n\
         [relais-3kabcdefghi22.png]\nUne affiche : « On vote ! »\n"
    );
    let url = sent.url.expect("a file address");
    assert!(url.starts_with("file://") && url.ends_with(".png"), "{url}");
}

#[tokio::test]
async fn publishing_again_with_the_same_key_writes_nothing_new() {
    let dir = tempfile::tempdir().unwrap();
    let image = png(8, 8, |_, y| [10, y as u8 * 30, 40, 255]);
    let media = [still(&image), still(&image)];
    let mut export = folder(dir.path());
    let first = export
        .publish(&client(), &post(&media), &attempt("3kretry"))
        .await
        .unwrap();
    let before = entries(dir.path());
    let modified = |name: &String| {
        std::fs::metadata(dir.path().join(name))
            .unwrap()
            .modified()
            .unwrap()
    };
    let times: Vec<_> = before.iter().map(modified).collect();
    assert_eq!(
        before,
        vec![
            "relais-3kretry-1.png",
            "relais-3kretry-2.png",
            "relais-3kretry.txt"
        ]
    );
    let again = export
        .publish(&client(), &post(&media), &attempt("3kretry"))
        .await
        .unwrap();
    assert_eq!(again, first, "the same post, found where it was");
    assert_eq!(entries(dir.path()), before, "no second copy, no leftover");
    let after: Vec<_> = before.iter().map(modified).collect();
    assert_eq!(after, times, "the files already there were not rewritten");
}

/// Makes `dir` read-only for this process, root included (which ignores permission
/// bits), and writable again when dropped.
struct ReadOnly<'a>(&'a Path, bool);

impl<'a> ReadOnly<'a> {
    fn make(dir: &'a Path) -> Self {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).unwrap();
        if std::fs::write(dir.join("probe"), b"").is_err() {
            return Self(dir, false);
        }
        std::fs::remove_file(dir.join("probe")).unwrap();
        let immutable = Command::new("chattr").arg("+i").arg(dir).status();
        assert!(
            immutable.is_ok_and(|s| s.success()),
            "running as root: a read-only folder needs chattr +i here"
        );
        Self(dir, true)
    }
}

impl Drop for ReadOnly<'_> {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        if self.1 {
            let _ = Command::new("chattr").arg("-i").arg(self.0).status();
        }
        let _ = std::fs::set_permissions(self.0, std::fs::Permissions::from_mode(0o755));
    }
}

#[tokio::test]
async fn a_read_only_folder_is_named_in_a_clear_error_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let image = png(8, 8, |_, _| [0, 0, 0, 255]);
    let media = [still(&image)];
    let error = {
        let _read_only = ReadOnly::make(dir.path());
        folder(dir.path())
            .publish(&client(), &post(&media), &attempt("3kro"))
            .await
            .unwrap_err()
    };
    assert!(matches!(error, Error::Write { .. }), "{error:?}");
    assert_eq!(error.class(), Class::Refused);
    let french = error.describe().render(Lang::Fr);
    let shown = dir.path().join("relais-3kro.png").display().to_string();
    assert!(
        french.contains(&shown) && french.contains("Vérifiez le dossier"),
        "names the file and what to do: {french}"
    );
    assert!(entries(dir.path()).is_empty(), "no temporary file left");
}

#[tokio::test]
async fn a_file_that_cannot_be_put_in_place_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    // The image's name is taken by a folder: the rename fails after the bytes were
    // written to the temporary file.
    std::fs::create_dir(dir.path().join("relais-3kdir.png")).unwrap();
    let image = png(8, 8, |_, _| [0, 0, 0, 255]);
    let media = [still(&image)];
    let error = folder(dir.path())
        .publish(&client(), &post(&media), &attempt("3kdir"))
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("relais-3kdir.png"),
        "the path is named: {error}"
    );
    assert_eq!(
        entries(dir.path()),
        vec!["relais-3kdir.png"],
        "nothing but what was there"
    );
}

#[tokio::test]
async fn deleting_removes_the_posts_files_and_only_them() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("relais-3kdel-notes.txt"), "mine").unwrap();
    let image = png(8, 8, |_, _| [0, 0, 0, 255]);
    let media = [still(&image), still(&image)];
    let mut export = folder(dir.path());
    let sent = export
        .publish(&client(), &post(&media), &attempt("3kdel"))
        .await
        .unwrap();
    export.delete(&client(), &sent, 0).await.unwrap();
    assert_eq!(entries(dir.path()), vec!["relais-3kdel-notes.txt"]);
}
