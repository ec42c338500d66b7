//! Posting through a Discord channel webhook, against a scripted server giving the
//! answers Discord documents (no Discord runs here): the multipart request as the
//! server received it (`payload_json` with each file's alt text, `files[n]`,
//! `?wait=true`), rate limits, the size limit an account setting raises, a deleted
//! webhook, and answers lost after the upload, which must never read as "not sent".

use std::time::Duration;

use relais::accounts::{limits, Kind, Settings};
use relais::messages::{Describe, Lang};
use relais::net::{Client, Options};
use relais::networks::discord::{Error, WebhookAccount};
use relais::networks::{
    for_network, Attempt, Class, Classify, Media, Network, Post, Problem, Publish, Sent,
    TargetLimits, Visibility,
};

use crate::support::multipart::{field, fields};
use crate::support::png;
use crate::support::scripted::{json, Answer, Scripted};

const TOKEN: &str = "xK9-webhook-SECRET-token_7Qz";
const NOW: i64 = 1_790_000_000;
const MIB: u64 = 1024 * 1024;

fn client() -> Client {
    Client::new(Options {
        connect_timeout: Duration::from_secs(2),
        stall_timeout: Duration::from_secs(1),
        overall_timeout: None,
    })
    .unwrap()
}

fn hook_path() -> String {
    format!("/api/webhooks/112233/{TOKEN}")
}

fn account_with(server: &Scripted, limits: TargetLimits) -> WebhookAccount {
    WebhookAccount::new(&format!("{}{}", server.base(), hook_path()), limits).unwrap()
}

fn account(server: &Scripted) -> WebhookAccount {
    account_with(server, for_network(Network::Discord))
}

fn attempt() -> Attempt<'static> {
    Attempt {
        key: "3kabcdefghi22",
        created_at: "2026-09-21T14:13:20Z",
        earlier_unknown: false,
        now: NOW,
    }
}

fn post<'a>(text: &'a str, media: &'a [Media<'a>]) -> Post<'a> {
    Post {
        text,
        language: Some("fr"),
        media,
        visibility: Visibility::Public,
        content_warning: None,
    }
}

fn still<'a>(bytes: &'a [u8], file_name: &'a str, alt: &'a str) -> Media<'a> {
    Media {
        bytes,
        mime: "image/png",
        file_name,
        alt,
        width: 8,
        height: 8,
        animated: false,
    }
}

fn message(id: &str) -> Answer {
    json(
        200,
        serde_json::json!({"id": id, "type": 0, "channel_id": "998877", "webhook_id": "112233",
            "content": "…", "attachments": []}),
    )
}

/// Publishes one image and returns the error, after checking that no word of it, in
/// any language, holds the webhook's token.
async fn fails_with(server: &Scripted, limits: TargetLimits, answer: Answer) -> Error {
    server.script(&hook_path(), vec![answer]);
    let image = png(8, 8, |_, _| [200, 30, 40, 255]);
    let media = [still(&image, "affiche.png", "")];
    let error = account_with(server, limits)
        .publish(&client(), &post("On vote !", &media), &attempt())
        .await
        .expect_err("the post fails");
    for shown in [
        error.to_string(),
        format!("{error:?}"),
        error.describe().render(Lang::Fr),
        error.describe().render(Lang::En),
    ] {
        assert!(!shown.contains(TOKEN), "the webhook token leaked: {shown}");
        assert!(!shown.contains("SECRET"), "part of it leaked: {shown}");
    }
    error
}

async fn fails(server: &Scripted, answer: Answer) -> Error {
    fails_with(server, for_network(Network::Discord), answer).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_goes_up_in_one_multipart_request_with_each_files_alt_text() {
    let server = Scripted::start().await;
    server.script(&hook_path(), vec![message("1300000000000000001")]);
    let first = png(8, 8, |x, _| [x as u8 * 30, 30, 40, 255]);
    let second = png(4, 4, |_, y| [10, y as u8 * 60, 40, 255]);
    let media = [
        still(&first, "affiche.png", "Une affiche : « On vote ! »"),
        still(&second, "detail.png", ""),
    ];
    let text = "Déjà l’été ? On vote ! 🗳️";
    let sent = account(&server)
        .publish(&client(), &post(text, &media), &attempt())
        .await
        .unwrap();
    assert_eq!(
        sent,
        Sent {
            id: "1300000000000000001".into(),
            url: None,
        },
        "the message id; no discord.com link for a webhook on another host"
    );
    let requests = server.requests_in_full();
    assert_eq!(requests.len(), 1, "one request, sent once");
    assert_eq!(requests[0].method, "POST");
    assert_eq!(
        requests[0].target,
        format!("{}?wait=true", hook_path()),
        "wait=true, so the answer is the message"
    );
    let fields = fields(&requests[0]);
    let payload: serde_json::Value =
        serde_json::from_str(&field(&fields, "payload_json").text()).unwrap();
    assert_eq!(
        payload,
        serde_json::json!({"content": text, "attachments": [
            {"id": 0, "filename": "affiche.png", "description": "Une affiche : « On vote ! »"},
            {"id": 1, "filename": "detail.png"},
        ]}),
        "the alt text is each attachment's description; none when there is none"
    );
    for (name, bytes, file_name) in [
        ("files[0]", &first, "affiche.png"),
        ("files[1]", &second, "detail.png"),
    ] {
        let file = field(&fields, name);
        assert_eq!(&file.bytes, bytes, "{name} byte for byte");
        assert_eq!(file.file_name.as_deref(), Some(file_name));
        assert_eq!(file.content_type.as_deref(), Some("image/png"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limit_says_when_to_try_again_from_the_header_or_the_body() {
    let server = Scripted::start().await;
    let limited = serde_json::json!({"message": "You are being rate limited.", "retry_after": 0.35, "global": false});
    let with_header = Answer::Full {
        status: 429,
        headers: vec![("Retry-After".into(), "7".into())],
        body: serde_json::to_vec(&limited).unwrap(),
    };
    let error = fails(&server, with_header).await;
    assert_eq!(error.class(), Class::RetryLater { at: Some(NOW + 7) });
    let error = fails(&server, json(429, limited)).await;
    assert_eq!(
        error.class(),
        Class::RetryLater { at: Some(NOW + 1) },
        "0.35 s from the body, rounded up"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_too_large_are_refused_naming_the_accounts_limit_which_a_setting_raises() {
    let server = Scripted::start().await;
    let too_large = || {
        json(
            413,
            serde_json::json!({"message": "Request entity too large", "code": 40005}),
        )
    };
    let error = fails(&server, too_large()).await;
    assert!(
        matches!(error, Error::TooLarge { max, .. } if max == 10 * MIB),
        "the default limit: {error:?}"
    );
    assert_eq!(error.class(), Class::Refused);
    let english = error.describe().render(Lang::En);
    assert!(
        english.contains("boosted") && english.contains("settings"),
        "says a boosted server's limit is a setting: {english}"
    );
    let boosted = limits(
        Kind::Discord,
        &Settings {
            upload_limit: Some(50 * MIB),
            ..Settings::default()
        },
    );
    let error = fails_with(&server, boosted, too_large()).await;
    assert!(
        matches!(error, Error::TooLarge { max, .. } if max == 50 * MIB),
        "the account's own limit: {error:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_webhook_needs_a_new_address() {
    let server = Scripted::start().await;
    for gone in [
        json(
            404,
            serde_json::json!({"message": "Unknown Webhook", "code": 10015}),
        ),
        json(
            401,
            serde_json::json!({"message": "Invalid Webhook Token", "code": 50027}),
        ),
    ] {
        let error = fails(&server, gone).await;
        assert!(matches!(error, Error::Gone), "{error:?}");
        assert_eq!(error.class(), Class::SignInAgain);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_lost_after_the_upload_is_an_unknown_outcome_never_not_sent() {
    let server = Scripted::start().await;
    let whole = serde_json::to_vec(&serde_json::json!({"id": "1300000000000000002"})).unwrap();
    for lost in [
        Answer::DieHalfway(whole),
        Answer::Silence,
        Answer::Status(502),
        Answer::Full {
            status: 200,
            headers: vec![],
            body: b"<html>proxy</html>".to_vec(),
        },
    ] {
        let error = fails(&server, lost.clone()).await;
        assert_eq!(
            error.class(),
            Class::OutcomeUnknown,
            "{lost:?} gave {error:?}: the message may exist"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_or_alt_text_too_long_is_refused_before_anything_is_sent() {
    let server = Scripted::start().await;
    let image = png(8, 8, |_, _| [0, 0, 0, 255]);
    let long_text = "é".repeat(2001);
    let media = [still(&image, "affiche.png", "")];
    let error = account(&server)
        .publish(&client(), &post(&long_text, &media), &attempt())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Check(Problem::TextTooLong {
                length: 2001,
                max: 2000,
                ..
            })
        ),
        "{error:?}"
    );
    let long_alt = "a".repeat(1025);
    let media = [still(&image, "affiche.png", &long_alt)];
    let error = account(&server)
        .publish(&client(), &post("On vote !", &media), &attempt())
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Check(Problem::AltTooLong { max: 1024, .. })),
        "{error:?}"
    );
    assert_eq!(error.class(), Class::Refused);
    assert!(server.requests().is_empty(), "nothing reached the server");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sent_message_is_deleted_through_the_webhook() {
    let server = Scripted::start().await;
    let message_path = format!("{}/messages/1300000000000000001", hook_path());
    server.script(&message_path, vec![Answer::Status(204)]);
    let sent = Sent {
        id: "1300000000000000001".into(),
        url: None,
    };
    account(&server)
        .delete(&client(), &sent, NOW)
        .await
        .unwrap();
    let requests = server.requests_in_full();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "DELETE");
    assert_eq!(requests[0].target, message_path);
}
