//! Bluesky against the real reference PDS on loopback: an account added with an app
//! password (only the session kept, in the real keychain), a post through the Publish
//! trait with an image, French text, an emoji, a #tag and a link read back from the
//! repository, a post whose answer was really lost found again rather than written
//! twice, refreshes kept, the PDS's own rate limit, refusals.

use relais::accounts::{self, AccountId, Keychain};
use relais::net::{Client, Options};
use relais::networks::bluesky::{self, Account, Session, VideoService};
use relais::networks::{
    for_network, Attempt, Class, Classify, Media, Network, Post, Publish, Sent, Visibility,
};
use serde_json::Value;
use tempfile::TempDir;
use url::Url;

use crate::support::pds::{pds, rate_limited_pds, Volunteer};
use crate::support::scripted::{json, Answer, Scripted};
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

/// An account that posts through the trait, with Bluesky's default limits.
fn account(session: Session) -> Account {
    Account::new(
        session,
        for_network(Network::Bluesky),
        VideoService::default(),
    )
}

fn attempt(key: &str, earlier_unknown: bool) -> Attempt<'_> {
    Attempt {
        key,
        created_at: "2026-12-02T20:00:00.000Z",
        earlier_unknown,
        now: relais::clock::now_unix(),
    }
}

fn text_post(text: &str) -> Post<'_> {
    Post {
        text,
        language: Some("fr"),
        media: &[],
        visibility: Visibility::Public,
        content_warning: None,
    }
}

async fn signed_in(volunteer: &Volunteer) -> Session {
    bluesky::sign_in(
        &client(),
        &pds_url(),
        &volunteer.handle,
        &volunteer.app_password,
        relais::clock::now_unix(),
    )
    .await
    .expect("sign in with the app password")
}

/// The posts in the volunteer's repository, as the PDS lists them.
async fn posts(did: &str) -> Vec<Value> {
    let listed: Value = pds()
        .get(
            "com.atproto.repo.listRecords",
            &[("repo", did), ("collection", "app.bsky.feed.post")],
        )
        .await
        .json()
        .await
        .unwrap();
    listed["records"].as_array().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_with_an_image_tags_and_a_link_reads_back_exactly_and_a_retry_writes_no_second_record(
) {
    let volunteer = pds().volunteer("bruno").await;
    let client = client();
    let mut account = account(signed_in(&volunteer).await);
    let poster = png(60, 90, |x, y| [(x * 4) as u8, (y * 2) as u8, 200, 255]);
    let media = [Media {
        bytes: &poster,
        mime: "image/png",
        file_name: "affiche.png",
        alt: "Affiche : « Dimanche, on vote »",
        width: 60,
        height: 90,
        animated: false,
    }];
    let text = "Été 🗳️ : dimanche on vote ! #Législatives2026 https://exemple.fr/bureaux";
    let post = Post {
        media: &media,
        ..text_post(text)
    };
    let rkey = bluesky::tid(1_796_242_400_000_000, 42);
    let sent = account
        .publish(&client, &post, &attempt(&rkey, false))
        .await
        .expect("the post is written");
    assert_eq!(
        sent.id,
        format!("at://{}/app.bsky.feed.post/{rkey}", volunteer.did),
        "the id is the record's at:// address under the chosen key"
    );
    assert_eq!(
        sent.url.as_deref(),
        Some(format!("https://bsky.app/profile/{}/post/{rkey}", volunteer.handle).as_str()),
        "the address a person opens"
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
    assert_eq!(
        value["createdAt"], "2026-12-02T20:00:00.000Z",
        "the attempt's time, fixed once"
    );
    assert_eq!(
        value["langs"],
        serde_json::json!(["fr"]),
        "the post's language"
    );
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
    assert_eq!(embedded["alt"], media[0].alt);
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
    let again = account
        .publish(&client, &post, &attempt(&rkey, true))
        .await
        .expect("the retry succeeds");
    assert_eq!(
        again, sent,
        "the retry finds the record the first attempt wrote"
    );
    assert_eq!(posts(&volunteer.did).await.len(), 1, "exactly one post");

    // Without the check, the same key is refused by the server rather than duplicated.
    assert!(account
        .publish(&client, &post, &attempt(&rkey, false))
        .await
        .is_err());
    assert_eq!(posts(&volunteer.did).await.len(), 1, "still one post");

    let foreign = Sent {
        id: "at://did:plc:someoneelse/app.bsky.feed.post/3jzfcijpj2z2a".into(),
        url: None,
    };
    assert!(
        matches!(
            account
                .delete(&client, &foreign, relais::clock::now_unix())
                .await,
            Err(bluesky::Error::NotOurPost { .. })
        ),
        "another account's post is never deleted"
    );
    account
        .delete(&client, &sent, relais::clock::now_unix())
        .await
        .expect("delete");
    assert_eq!(posts(&volunteer.did).await.len(), 0, "deleted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_whose_answer_was_lost_is_an_unknown_outcome_then_found_not_written_twice() {
    let volunteer = pds().volunteer("lucie").await;
    let client = client();
    let session = signed_in(&volunteer).await;
    // The PDS writes the record; the answer never comes back.
    let lossy_server = Scripted::start().await;
    lossy_server.script(
        "/xrpc/com.atproto.repo.createRecord",
        vec![Answer::ForwardThenDrop(pds().url.clone())],
    );
    let mut lossy = session.clone();
    lossy.pds = lossy_server.base();
    let rkey = bluesky::tid(1_796_242_500_000_000, 7);
    let post = text_post("Rendez-vous dimanche au bureau de vote ! #OnVote");

    let lost = account(lossy)
        .publish(&client, &post, &attempt(&rkey, false))
        .await
        .expect_err("the answer was lost");
    assert_eq!(
        lost.class(),
        Class::OutcomeUnknown,
        "a write whose answer was lost may have happened: never \"not sent\" ({lost})"
    );
    assert_eq!(posts(&volunteer.did).await.len(), 1, "the PDS did write it");

    let sent = account(session)
        .publish(&client, &post, &attempt(&rkey, true))
        .await
        .expect("the retry finds the post");
    assert!(sent.id.ends_with(&rkey), "{}", sent.id);
    let records = posts(&volunteer.did).await;
    assert_eq!(records.len(), 1, "exactly one post: {records:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_access_token_is_refreshed_during_a_post_and_handed_back_once_to_keep() {
    let volunteer = pds().volunteer("emile").await;
    let client = client();
    let session = signed_in(&volunteer).await;
    let mut stale = serde_json::to_value(&session).unwrap();
    stale["access_jwt"] = "no-longer-valid".into();
    let stale: Session = serde_json::from_value(stale).unwrap();
    let mut account = account(stale.clone());
    assert!(account.take_renewed_session().is_none(), "nothing new yet");

    account
        .publish(
            &client,
            &text_post("Et de deux !"),
            &attempt(&bluesky::tid(1_796_242_600_000_000, 1), false),
        )
        .await
        .expect("the post goes after a refresh");
    let renewed = account
        .take_renewed_session()
        .expect("the refreshed session is handed back to keep");
    assert_ne!(renewed, stale);
    assert_ne!(renewed, session, "its refresh token is new too");
    assert!(bluesky::check(&client, &renewed).await.is_ok());
    assert!(
        account.take_renewed_session().is_none(),
        "handed back once, until the next refresh"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_access_token_about_to_expire_is_refreshed_before_the_post_not_after_a_refusal() {
    let volunteer = pds().volunteer("avant").await;
    let client = client();
    let session = signed_in(&volunteer).await;
    let mut account = account(session.clone());
    // Three hours on, the two-hour access token has expired by its own `exp`, though the
    // PDS, on the real clock, would still take it.
    let key = bluesky::tid(1_796_242_700_000_000, 2);
    let later = Attempt {
        now: relais::clock::now_unix() + 3 * 3600,
        ..attempt(&key, false)
    };
    account
        .publish(&client, &text_post("Juste à temps."), &later)
        .await
        .expect("the post goes");
    let renewed = account
        .take_renewed_session()
        .expect("refreshed before the post, from the token's expiry");
    assert_ne!(renewed, session);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_refreshes_into_new_tokens_that_work() {
    let volunteer = pds().volunteer("chloe").await;
    let client = client();
    let now = relais::clock::now_unix();
    let first = signed_in(&volunteer).await;
    let second = bluesky::refresh(&client, &first, now)
        .await
        .expect("refresh");
    assert_ne!(second, first, "new tokens");
    assert!(bluesky::check(&client, &second).await.is_ok());
    // The reference PDS lets a spent refresh token be reused for a grace period (it
    // tolerates racing clients); Relais never relies on that: it keeps the new session.
    let third = bluesky::refresh(&client, &second, now)
        .await
        .expect("refresh again");
    assert!(bluesky::check(&client, &third).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pds_real_rate_limit_on_sign_in_says_when_to_come_back() {
    let limited = rate_limited_pds();
    let volunteer = limited.volunteer("dora").await;
    let client = client();
    let url = Url::parse(&limited.url).unwrap();
    let now = relais::clock::now_unix();
    // createSession allows 30 per 5 minutes per handle; the 31st is refused.
    for tries in 1..=40 {
        match bluesky::sign_in(
            &client,
            &url,
            &volunteer.handle,
            &volunteer.app_password,
            now,
        )
        .await
        {
            Ok(_) => continue,
            Err(error) => {
                assert!(tries > 30, "refused after {tries} sign-ins: {error}");
                let Class::RetryLater { at: Some(at) } = error.class() else {
                    panic!("a rate limit is \"retry later\", with when: {error:?}");
                };
                assert!(
                    at > now && at <= now + 5 * 60 + 5,
                    "within the 5-minute window, from the server's headers: {at} vs {now}"
                );
                return;
            }
        }
    }
    panic!("40 sign-ins and no rate limit");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limit_without_retry_after_comes_back_at_its_reset_time() {
    let server = Scripted::start().await;
    server.script(
        "/xrpc/com.atproto.identity.resolveHandle",
        vec![json(200, serde_json::json!({"did": "did:plc:abc"}))],
    );
    server.script(
        "/xrpc/com.atproto.server.createSession",
        vec![Answer::Full {
            status: 429,
            headers: vec![
                ("RateLimit-Limit".into(), "30".into()),
                ("RateLimit-Remaining".into(), "0".into()),
                ("RateLimit-Reset".into(), "1796243000".into()),
            ],
            body: br#"{"error":"RateLimitExceeded","message":"Rate Limit Exceeded"}"#.to_vec(),
        }],
    );
    let error = bluesky::sign_in(
        &client(),
        &Url::parse(&server.base()).unwrap(),
        "ana.test",
        "xxxx-xxxx-xxxx-xxxx",
        1_796_242_900,
    )
    .await
    .expect_err("rate limited");
    assert_eq!(
        error.class(),
        Class::RetryLater {
            at: Some(1_796_243_000)
        },
        "RateLimit-Reset is Unix seconds: {error:?}"
    );
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handle_alone_finds_its_server_through_its_did_document() {
    keychain::ensure();
    let home = TempDir::new().unwrap();
    let store = std::sync::Mutex::new(relais::db::Store::open(home.path()).unwrap());
    let volunteer = pds().volunteer("trouve").await;
    // The local PDS resolves handles as the entryway does; its PLC directory holds the
    // DID document that names the PDS.
    let directory = bluesky::identity::Directory {
        entryway: pds_url(),
        plc: Url::parse(&format!("{}/", pds().plc)).unwrap(),
    };
    let new = accounts::NewAccount {
        now: relais::clock::now_unix(),
        random: rand_bytes(),
    };
    let account = accounts::add_bluesky(
        &store,
        &Keychain,
        &client(),
        accounts::BlueskyServer::Find(&directory),
        &volunteer.handle,
        accounts::Secret::new(volunteer.app_password.clone()),
        new,
    )
    .await
    .expect("found and signed in");
    assert_eq!(
        account.server.trim_end_matches('/'),
        pds().url.trim_end_matches('/'),
        "the server the DID document names"
    );
    accounts::remove(&store.lock().unwrap(), &Keychain, &account.id).unwrap();

    let unknown = accounts::add_bluesky(
        &store,
        &Keychain,
        &client(),
        accounts::BlueskyServer::Find(&directory),
        "personne-inconnue.test",
        accounts::Secret::new("xxxx-xxxx-xxxx-xxxx".into()),
        accounts::NewAccount {
            now: relais::clock::now_unix(),
            random: rand_bytes(),
        },
    )
    .await
    .unwrap_err();
    assert!(
        matches!(unknown, accounts::Error::UnknownHandle { .. }),
        "{unknown:?}"
    );
    let french = relais::messages::Describe::describe(&unknown).render(relais::messages::Lang::Fr);
    assert!(french.contains("personne-inconnue.test"), "{french}");
    assert!(
        accounts::list(&store.lock().unwrap()).unwrap().is_empty(),
        "nothing kept"
    );
}

fn rand_bytes() -> [u8; 8] {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).unwrap();
    bytes
}
