//! Bluesky against the real reference PDS on loopback: an account added with an app
//! password (only the session kept, in the real keychain), a post with an image, French
//! text, an emoji, a #tag and a link read back from the repository, the same post
//! written again after a lost answer still one record, refresh, refusals.

use relais::accounts::{self, AccountId, Keychain};
use relais::net::{Client, Options};
use relais::networks::bluesky::{self, Draft, Image};
use serde_json::Value;
use tempfile::TempDir;
use url::Url;

use crate::support::pds::pds;
use crate::support::{keychain, png, relais};

fn client() -> Client {
    Client::new(Options::default()).expect("an HTTP client")
}

fn pds_url() -> Url {
    Url::parse(&pds().url).unwrap()
}

async fn cli(home: &std::path::Path, args: Vec<String>, stdin: String) -> std::process::Output {
    let mut command = relais(home);
    command
        .arg("--data-dir")
        .arg(home.join("data"))
        .args(args)
        .write_stdin(stdin);
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bluesky_account_is_added_with_an_app_password_and_only_its_session_is_kept() {
    keychain::ensure();
    let volunteer = pds().volunteer("alice").await;
    let home = TempDir::new().unwrap();
    let add = |password: String, handle: String| {
        cli(
            home.path(),
            vec![
                "account".into(),
                "add".into(),
                "bluesky".into(),
                "--handle".into(),
                handle,
                "--pds".into(),
                pds().url.clone(),
            ],
            format!("{password}\n"),
        )
    };

    let wrong = add("xxxx-xxxx-xxxx-xxxx".into(), volunteer.handle.clone()).await;
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert!(
        !wrong.status.success() && stderr.contains("refused this handle and app password"),
        "{stderr}"
    );
    let unknown = add(volunteer.app_password.clone(), "nobody-here.test".into()).await;
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        !unknown.status.success() && stderr.contains("does not know the handle nobody-here.test"),
        "{stderr}"
    );

    let added = add(volunteer.app_password.clone(), volunteer.handle.clone()).await;
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let listed = cli(
        home.path(),
        vec!["account".into(), "list".into(), "--json".into()],
        String::new(),
    )
    .await;
    let accounts: Vec<Value> = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(accounts.len(), 1, "the refusals kept nothing: {accounts:?}");
    assert_eq!(accounts[0]["kind"], "bluesky");
    assert_eq!(accounts[0]["handle"], volunteer.handle.as_str());
    let id = AccountId::parse(accounts[0]["id"].as_str().unwrap()).unwrap();
    let kept = Keychain.secret(&id).unwrap();
    assert!(
        !kept.expose().contains(&volunteer.app_password),
        "the app password is exchanged for a session, not kept"
    );
    let session = accounts::bluesky_session(&Keychain, &id).expect("a session in the keychain");
    assert_eq!(session.did, volunteer.did);

    let tested = cli(
        home.path(),
        vec!["account".into(), "test".into(), id.to_string()],
        String::new(),
    )
    .await;
    assert!(
        tested.status.success(),
        "{}",
        String::from_utf8_lossy(&tested.stderr)
    );
    let removed = cli(
        home.path(),
        vec!["account".into(), "remove".into(), id.to_string()],
        String::new(),
    )
    .await;
    assert!(removed.status.success());
    assert!(
        Keychain.secret(&id).is_err(),
        "its session leaves the keychain with it"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_with_an_image_tags_and_a_link_reads_back_exactly_and_a_retry_writes_no_second_record(
) {
    let volunteer = pds().volunteer("bruno").await;
    let client = client();
    let session = bluesky::sign_in(
        &client,
        &pds_url(),
        &volunteer.handle,
        &volunteer.app_password,
    )
    .await
    .expect("sign in with the app password");
    let poster = png(60, 90, |x, y| [(x * 4) as u8, (y * 2) as u8, 200, 255]);
    let image = Image {
        bytes: &poster,
        mime: "image/png",
        alt: "Affiche : « Dimanche, on vote »",
        width: 60,
        height: 90,
    };
    let (session, blob) = bluesky::upload_image(&client, &session, &image)
        .await
        .expect("upload the image");
    let text = "Été 🗳️ : dimanche on vote ! #Législatives2026 https://exemple.fr/bureaux";
    bluesky::check_text(text).expect("within the limits");
    let draft = Draft {
        text,
        langs: &["fr"],
        created_at: "2026-12-02T20:00:00.000Z",
    };
    let record = bluesky::record(&draft, &[(blob, &image)]);
    let rkey = bluesky::tid(1_796_242_400_000_000, 42);
    let (session, written) = bluesky::publish(&client, &session, &rkey, &record, false)
        .await
        .expect("the post is written");
    assert!(
        written
            .uri
            .ends_with(&format!("/app.bsky.feed.post/{rkey}")),
        "{}",
        written.uri
    );

    let read: Value = pds()
        .get(
            "com.atproto.repo.getRecord",
            &[
                ("repo", &volunteer.did),
                ("collection", "app.bsky.feed.post"),
                ("rkey", &rkey),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    let value = &read["value"];
    assert_eq!(value["text"], text);
    assert_eq!(value["langs"], serde_json::json!(["fr"]));
    let tag = "#Législatives2026";
    let tag_start = text.find(tag).unwrap();
    assert_eq!(
        value["facets"][0]["index"]["byteStart"], tag_start,
        "byte offsets, not characters"
    );
    assert_eq!(
        value["facets"][0]["index"]["byteEnd"],
        tag_start + tag.len()
    );
    assert_eq!(value["facets"][0]["features"][0]["tag"], "Législatives2026");
    assert_eq!(
        value["facets"][1]["features"][0]["uri"],
        "https://exemple.fr/bureaux"
    );
    let embedded = &value["embed"]["images"][0];
    assert_eq!(embedded["alt"], image.alt);
    assert_eq!(
        embedded["aspectRatio"],
        serde_json::json!({"width": 60, "height": 90})
    );
    let cid = embedded["image"]["ref"]["$link"]
        .as_str()
        .expect("a blob reference");
    let bytes = pds()
        .get(
            "com.atproto.sync.getBlob",
            &[("did", &volunteer.did), ("cid", cid)],
        )
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(
        bytes.as_ref(),
        poster.as_slice(),
        "the image is stored byte for byte, not recompressed"
    );

    // The answer to the first write was lost: the retry checks first and finds it.
    let (session, again) = bluesky::publish(&client, &session, &rkey, &record, true)
        .await
        .expect("the retry succeeds");
    assert_eq!(
        again, written,
        "the retry finds the record the first attempt wrote"
    );
    let listed: Value = pds()
        .get(
            "com.atproto.repo.listRecords",
            &[
                ("repo", &volunteer.did),
                ("collection", "app.bsky.feed.post"),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        listed["records"].as_array().map(Vec::len),
        Some(1),
        "exactly one post: {listed}"
    );

    // Without the check, the same key is refused by the server rather than duplicated.
    assert!(bluesky::publish(&client, &session, &rkey, &record, false)
        .await
        .is_err());
    let session = bluesky::delete_post(&client, &session, &rkey)
        .await
        .expect("delete");
    let (_, gone) = bluesky::find_post(&client, &session, &rkey).await.unwrap();
    assert_eq!(gone, None, "deleted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_refreshes_into_new_tokens_that_work() {
    let volunteer = pds().volunteer("chloe").await;
    let client = client();
    let first = bluesky::sign_in(
        &client,
        &pds_url(),
        &volunteer.handle,
        &volunteer.app_password,
    )
    .await
    .unwrap();
    let second = bluesky::refresh(&client, &first).await.expect("refresh");
    assert_ne!(second, first, "new tokens");
    assert!(bluesky::check(&client, &second).await.is_ok());
    // The reference PDS lets a spent refresh token be reused for a grace period (it
    // tolerates racing clients); Relais never relies on that: it keeps the new session.
    let third = bluesky::refresh(&client, &second)
        .await
        .expect("refresh again");
    assert!(bluesky::check(&client, &third).await.is_ok());
}

#[test]
fn text_and_images_over_the_limits_are_refused_before_any_request() {
    let long = "é".repeat(301);
    assert!(matches!(
        bluesky::check_text(&long),
        Err(bluesky::Error::TextTooLong { graphemes: 301, .. })
    ));
    // 300 family emoji are 300 graphemes but far over 3000 bytes.
    let emoji = "👨‍👩‍👧".repeat(200);
    assert!(
        bluesky::check_text(&emoji).is_err(),
        "the byte limit counts too"
    );
    assert!(bluesky::check_text(&"é".repeat(300)).is_ok());
}
