//! Posting to a Telegram channel through the Bot API, against a scripted server giving
//! the answers Telegram documents (no Bot API server runs here): the multipart upload
//! as the server received it, rate limits, refusals, a bot that lost its rights, and
//! connections lost after the upload, which must never read as "not sent".

use std::time::Duration;

use relais::messages::{Describe, Lang};
use relais::net::{Client, Options};
use relais::networks::telegram::{ChannelAccount, Error};
use relais::networks::{
    for_network, Attempt, Class, Classify, Media, Network, Post, Problem, Publish, Sent, Visibility,
};
use url::Url;

use crate::support::multipart::{field, fields};
use crate::support::png;
use crate::support::scripted::{json, Answer, Scripted};

const TOKEN: &str = "123456:AAE-bot-SECRET-token_9Lp";
const NOW: i64 = 1_790_000_000;

fn client() -> Client {
    Client::new(Options {
        connect_timeout: Duration::from_secs(2),
        stall_timeout: Duration::from_secs(1),
        overall_timeout: None,
    })
    .unwrap()
}

fn path(method: &str) -> String {
    format!("/bot{TOKEN}/{method}")
}

fn account(server: &Scripted) -> ChannelAccount {
    ChannelAccount::new(
        Url::parse(&server.base()).unwrap(),
        TOKEN,
        "@lyon_campagne",
        for_network(Network::Telegram),
    )
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

fn message(id: i64) -> Answer {
    json(
        200,
        serde_json::json!({"ok": true, "result": {"message_id": id, "date": NOW,
            "chat": {"id": -1001234, "title": "Lyon en campagne", "username": "lyon_campagne", "type": "channel"}}}),
    )
}

fn refusal(status: u16, description: &str) -> Answer {
    json(
        status,
        serde_json::json!({"ok": false, "error_code": status, "description": description}),
    )
}

/// Publishes a still and returns the error, after checking that no word of it, in
/// any language, holds the bot token.
async fn fails(server: &Scripted, answer: Answer) -> Error {
    server.script(&path("sendPhoto"), vec![answer]);
    let image = png(8, 8, |_, _| [200, 30, 40, 255]);
    let media = [still(&image)];
    let error = account(server)
        .publish(&client(), &post("On vote !", &media), &attempt())
        .await
        .expect_err("the post fails");
    for shown in [
        error.to_string(),
        format!("{error:?}"),
        error.describe().render(Lang::Fr),
        error.describe().render(Lang::En),
    ] {
        assert!(!shown.contains(TOKEN), "the bot token leaked: {shown}");
        assert!(
            !shown.contains("SECRET"),
            "part of the token leaked: {shown}"
        );
    }
    error
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_still_goes_up_with_send_photo_and_its_caption_and_comes_back_with_its_link() {
    let server = Scripted::start().await;
    server.script(&path("sendPhoto"), vec![message(77)]);
    let image = png(8, 8, |x, _| [x as u8 * 30, 30, 40, 255]);
    let media = [still(&image)];
    let text = "Déjà l’été ? On vote ! 🗳️";
    let sent = account(&server)
        .publish(&client(), &post(text, &media), &attempt())
        .await
        .unwrap();
    assert_eq!(
        sent,
        Sent {
            id: "77".into(),
            url: Some("https://t.me/lyon_campagne/77".into()),
        },
        "a public channel's message has a t.me address"
    );
    let requests = server.requests_in_full();
    assert_eq!(requests.len(), 1, "one request, sent once");
    assert_eq!(requests[0].method, "POST");
    assert_eq!(requests[0].target, path("sendPhoto"));
    let fields = fields(&requests[0]);
    assert_eq!(field(&fields, "chat_id").text(), "@lyon_campagne");
    assert_eq!(
        field(&fields, "caption").text(),
        text,
        "the caption as written"
    );
    let photo = field(&fields, "photo");
    assert_eq!(photo.bytes, image, "the fitted file, byte for byte");
    assert_eq!(photo.file_name.as_deref(), Some("affiche.png"));
    assert_eq!(photo.content_type.as_deref(), Some("image/png"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_animated_gif_goes_with_send_animation_so_it_plays() {
    let server = Scripted::start().await;
    server.script(&path("sendAnimation"), vec![message(78)]);
    let gif = b"GIF89a fake animation bytes".to_vec();
    let media = [Media {
        mime: "image/gif",
        file_name: "anim.gif",
        animated: true,
        ..still(&gif)
    }];
    let sent = account(&server)
        .publish(&client(), &post("", &media), &attempt())
        .await
        .unwrap();
    assert_eq!(sent.id, "78");
    let requests = server.requests_in_full();
    assert_eq!(server.requests(), vec![path("sendAnimation")]);
    let fields = fields(&requests[0]);
    assert_eq!(field(&fields, "animation").bytes, gif);
    assert!(
        fields.iter().all(|f| f.name != "caption"),
        "no empty caption is sent: {fields:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_alone_is_a_message() {
    let server = Scripted::start().await;
    server.script(&path("sendMessage"), vec![message(79)]);
    account(&server)
        .publish(&client(), &post("Rendez-vous à 18 h !", &[]), &attempt())
        .await
        .unwrap();
    let requests = server.requests_in_full();
    assert_eq!(server.requests(), vec![path("sendMessage")]);
    let body: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"chat_id": "@lyon_campagne", "text": "Rendez-vous à 18 h !"})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limit_says_when_to_try_again_counted_from_the_attempt() {
    let server = Scripted::start().await;
    let error = fails(
        &server,
        json(
            429,
            serde_json::json!({"ok": false, "error_code": 429,
                "description": "Too Many Requests: retry after 35", "parameters": {"retry_after": 35}}),
        ),
    )
    .await;
    assert_eq!(error.class(), Class::RetryLater { at: Some(NOW + 35) });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_too_large_is_refused_with_its_size_and_the_limit() {
    let server = Scripted::start().await;
    let error = fails(&server, refusal(413, "Request Entity Too Large")).await;
    assert!(
        matches!(
            error,
            Error::TooLarge {
                max: 10_000_000,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.class(), Class::Refused);
    let english = error.describe().render(Lang::En);
    assert!(
        english.contains("10\u{A0}MB"),
        "the limit is named: {english}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_or_a_bot_that_lost_its_rights_needs_the_volunteer() {
    let server = Scripted::start().await;
    let error = fails(&server, refusal(401, "Unauthorized")).await;
    assert!(matches!(error, Error::BadToken), "{error:?}");
    assert_eq!(error.class(), Class::SignInAgain);
    for lost in [
        refusal(403, "Forbidden: bot was kicked from the channel chat"),
        refusal(
            400,
            "Bad Request: not enough rights to send photos to the chat",
        ),
    ] {
        let error = fails(&server, lost).await;
        assert!(matches!(error, Error::MayNotPost { .. }), "{error:?}");
        assert_eq!(error.class(), Class::SignInAgain);
    }
    let error = fails(&server, refusal(400, "Bad Request: chat not found")).await;
    assert!(matches!(error, Error::ChannelNotFound), "{error:?}");
    assert_eq!(error.class(), Class::Refused);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_lost_after_the_upload_is_an_unknown_outcome_never_not_sent() {
    let server = Scripted::start().await;
    let whole =
        serde_json::to_vec(&serde_json::json!({"ok": true, "result": {"message_id": 80}})).unwrap();
    for lost in [
        Answer::DieHalfway(whole),
        Answer::Silence,
        refusal(502, "Bad Gateway"),
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
async fn a_caption_too_long_is_refused_before_anything_is_sent() {
    let server = Scripted::start().await;
    let image = png(8, 8, |_, _| [0, 0, 0, 255]);
    let media = [still(&image)];
    // 1,025 UTF-16 units, as Telegram counts.
    let text = format!("{}🗳", "a".repeat(1023));
    let error = account(&server)
        .publish(&client(), &post(&text, &media), &attempt())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Check(Problem::TextTooLong {
                length: 1025,
                max: 1024,
                ..
            })
        ),
        "{error:?}"
    );
    assert_eq!(error.class(), Class::Refused);
    assert!(server.requests().is_empty(), "nothing reached the server");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sent_message_is_deleted_by_its_id() {
    let server = Scripted::start().await;
    server.script(
        &path("deleteMessage"),
        vec![json(200, serde_json::json!({"ok": true, "result": true}))],
    );
    let sent = Sent {
        id: "77".into(),
        url: None,
    };
    account(&server)
        .delete(&client(), &sent, NOW)
        .await
        .unwrap();
    let requests = server.requests_in_full();
    assert_eq!(server.requests(), vec![path("deleteMessage")]);
    let body: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"chat_id": "@lyon_campagne", "message_id": 77})
    );
}
