//! Mastodon: sign-in, posting and deleting against the Mastodon peer on loopback
//! (mastodon-mock from PyPI), and what it cannot do against scripted servers: media
//! still processing (202/206), the 1500-character alt-text refusal, a rate limit with an
//! ISO-8601 reset, an expired token, a 5xx, a connection dropped mid-upload, a server
//! slower than the timeout, a server that is not Mastodon, PKCE checked end to end.

use std::time::Duration;

use relais::accounts::{self, Keychain, NewAccount};
use relais::db::Store;
use relais::messages::{Describe, Lang};
use relais::net::{Client, Options};
use relais::networks::mastodon::{self, Loopback, Polling, Redirect, Token};
use relais::networks::{
    check, for_network, Attempt, Class, Classify, Media, Network, Post, Problem, Publish,
    Visibility,
};
use serde_json::json;
use sha2::{Digest, Sha256};
use tempfile::TempDir;

use crate::support::mastodon::mastodon;
use crate::support::scripted::{json, Answer, Request, Scripted};
use crate::support::{files_holding, keychain, png, relais};

fn client() -> Client {
    Client::new(Options::default()).expect("a client")
}

fn now() -> i64 {
    relais::clock::now_unix()
}

fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("randomness");
    bytes
}

fn new_account() -> NewAccount {
    NewAccount {
        now: now(),
        random: random(),
    }
}

/// A key no other test uses: the peer is shared by the whole run.
fn key() -> String {
    format!("relais-test-{}", hex::encode(random::<8>()))
}

fn attempt<'a>(key: &'a str, created_at: &'a str) -> Attempt<'a> {
    Attempt {
        key,
        created_at,
        earlier_unknown: false,
        now: now(),
    }
}

fn poster(server: &url::Url, token: &str) -> mastodon::Account {
    let mut account = mastodon::Account::new(
        server.clone(),
        Token::new(token.to_owned()),
        for_network(Network::Mastodon),
    );
    account.polling = Polling {
        pause: Duration::from_millis(10),
        tries: 5,
    };
    account
}

fn still(bytes: &[u8]) -> Media<'_> {
    Media {
        bytes,
        mime: "image/png",
        file_name: "affiche.png",
        alt: "Affiche : « Tous aux urnes le 7 juillet »",
        width: 40,
        height: 30,
        animated: false,
    }
}

fn text_post<'a>(text: &'a str, media: &'a [Media<'a>]) -> Post<'a> {
    Post {
        text,
        language: Some("fr"),
        media,
        visibility: Visibility::Public,
        content_warning: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_volunteer_signs_in_to_mastodon_in_the_browser_and_only_the_keychain_keeps_the_token() {
    keychain::ensure();
    let peer = mastodon();
    let home = TempDir::new().unwrap();
    let store = std::sync::Mutex::new(Store::open(home.path()).unwrap());
    let client = client();
    let loopback = Loopback::bind().await.unwrap();
    let port = loopback.port;
    let sign_in = accounts::begin_mastodon(
        &Keychain,
        &client,
        &peer.url,
        Redirect::Loopback { port },
        random(),
        "fr",
        now(),
    )
    .await
    .unwrap();
    let query: std::collections::HashMap<String, String> =
        sign_in.authorize_url.query_pairs().into_owned().collect();
    assert_eq!(
        query["redirect_uri"],
        format!("http://127.0.0.1:{port}/callback")
    );
    assert_eq!(
        query["state"], sign_in.state,
        "the state goes out to come back"
    );
    assert_eq!(
        query.get("code_challenge_method").map(String::as_str),
        Some("S256"),
        "the peer announces PKCE, so Relais uses it"
    );
    let state = sign_in.state.clone();
    let waiting = tokio::spawn(async move { loopback.code(&state, Lang::Fr).await });
    peer.authorize(&sign_in.authorize_url).await;
    let code = waiting
        .await
        .unwrap()
        .expect("the browser brought a code back");
    assert_eq!(code, format!("mockcode_{}", peer.username));

    let account =
        accounts::finish_mastodon(&store, &Keychain, &client, &sign_in, &code, new_account())
            .await
            .expect("the account is added");
    let domain =
        peer.url.host_str().unwrap().to_owned() + ":" + &peer.url.port().unwrap().to_string();
    assert_eq!(account.handle, format!("{}@{domain}", peer.username));
    assert_eq!(account.status, accounts::Status::Connected);
    let limits = account.limits();
    assert_eq!(
        limits.max_bytes, 10_485_760,
        "the server's own image limit (the peer announces 10 MiB), not Mastodon's default"
    );
    assert_eq!(limits.text.max_post_chars, Some(500));

    let token = accounts::mastodon_token(&Keychain, &account).unwrap();
    mastodon::who_am_i(&client, &peer.url, &token, now())
        .await
        .expect("the kept token works");
    assert!(
        files_holding(home.path(), token.expose()).is_empty(),
        "the token is in the keychain only"
    );

    let twice =
        accounts::finish_mastodon(&store, &Keychain, &client, &sign_in, &code, new_account()).await;
    assert!(
        matches!(twice, Err(accounts::Error::AlreadyAdded { .. })),
        "the same account is not added twice: {twice:?}"
    );
    let tested = accounts::test_connection(&store, &Keychain, &client, &account.id, now())
        .await
        .expect("the connection works");
    assert_eq!(tested.status, accounts::Status::Connected);
    accounts::remove(&store.lock().unwrap(), &Keychain, &account.id).unwrap();
    assert!(matches!(
        Keychain.secret(&account.id),
        Err(accounts::Error::SecretMissing { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_coming_back_from_another_sign_in_is_turned_away() {
    let loopback = Loopback::bind().await.unwrap();
    let port = loopback.port;
    let waiting = tokio::spawn(async move { loopback.code("the-right-state", Lang::Fr).await });
    let answer = reqwest::get(format!(
        "http://127.0.0.1:{port}/callback?code=stolen&state=another-state"
    ))
    .await
    .unwrap();
    assert_eq!(answer.status(), 400, "the browser is told it did not work");
    assert!(
        answer.text().await.unwrap().contains("recommencez"),
        "in the volunteer's language"
    );
    let outcome = waiting.await.unwrap();
    assert!(
        matches!(outcome, Err(mastodon::Error::StateMismatch)),
        "a code for another sign-in is never used: {outcome:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_image_post_reaches_mastodon_once_with_its_alt_text_language_and_warning() {
    let peer = mastodon();
    let client = client();
    let image = png(40, 30, |x, _| [200, (x * 6) as u8, 40, 255]);
    let media = [still(&image)];
    let nonce = hex::encode(random::<4>());
    let text =
        format!("Législatives : tous aux urnes 🗳 #Votez https://example.org/programme {nonce}");
    let post = Post {
        visibility: Visibility::Unlisted,
        content_warning: Some("politique"),
        ..text_post(&text, &media)
    };
    let key = key();
    let created = relais::dates::format_rfc3339(now());
    let mut account = poster(&peer.url, &peer.token);
    let sent = account
        .publish(&client, &post, &attempt(&key, &created))
        .await
        .unwrap();

    let (status, written) = peer.get(&format!("api/v1/statuses/{}", sent.id)).await;
    assert_eq!(status, 200, "the status exists: {written}");
    assert_eq!(written["language"], "fr");
    assert_eq!(written["spoiler_text"], "politique");
    assert_eq!(written["visibility"], "unlisted");
    assert!(written["content"]
        .as_str()
        .unwrap()
        .contains("Législatives"));
    let attached = &written["media_attachments"][0];
    assert_eq!(
        attached["description"], media[0].alt,
        "the alt text goes with the image"
    );
    let served = reqwest::get(attached["url"].as_str().unwrap())
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(
        served.as_ref(),
        image.as_slice(),
        "the image arrives byte for byte"
    );

    let again = account
        .publish(
            &client,
            &post,
            &Attempt {
                earlier_unknown: true,
                ..attempt(&key, &created)
            },
        )
        .await
        .unwrap();
    assert_eq!(
        again.id, sent.id,
        "the same idempotency key gives back the first status"
    );

    account.delete(&client, &sent, now()).await.unwrap();
    assert_eq!(
        peer.get(&format!("api/v1/statuses/{}", sent.id)).await.0,
        404
    );
    account
        .delete(&client, &sent, now())
        .await
        .expect("a status already gone is not an error");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_whose_answer_was_lost_an_hour_ago_is_found_on_the_account_not_written_again() {
    let peer = mastodon();
    let client = client();
    let nonce = hex::encode(random::<4>());
    let text = format!("Rendez-vous place de la République, {nonce} !");
    let post = text_post(&text, &[]);
    let mut account = poster(&peer.url, &peer.token);
    let first_key = key();
    let long_ago = relais::dates::format_rfc3339(now() - 2 * 3600);
    let sent = account
        .publish(&client, &post, &attempt(&first_key, &long_ago))
        .await
        .unwrap();

    // The key has expired on the server by now: another key stands for that.
    let other_key = key();
    let found = account
        .publish(
            &client,
            &post,
            &Attempt {
                earlier_unknown: true,
                ..attempt(&other_key, &long_ago)
            },
        )
        .await
        .unwrap();
    assert_eq!(
        found.id, sent.id,
        "the status already written is the answer"
    );
    let (_, me) = peer.get("api/v1/accounts/verify_credentials").await;
    let (_, statuses) = peer
        .get(&format!(
            "api/v1/accounts/{}/statuses?limit=40",
            me["id"].as_str().unwrap()
        ))
        .await;
    let copies = statuses
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["content"].as_str().unwrap_or("").contains(&nonce))
        .count();
    assert_eq!(copies, 1, "never posted twice");
}

fn instance_answer() -> Answer {
    json(
        200,
        json!({
            "domain": "scripted.example",
            "title": "Scripted",
            "configuration": {
                "statuses": {"max_characters": 500, "max_media_attachments": 4, "characters_reserved_per_url": 23},
                "media_attachments": {"image_size_limit": 16777216, "image_matrix_limit": 33177600, "description_limit": 1500}
            }
        }),
    )
}

fn server_url(server: &Scripted) -> url::Url {
    url::Url::parse(&format!("{}/", server.base())).unwrap()
}

fn bodies_of(server: &Scripted, path: &str) -> Vec<Request> {
    server
        .requests_in_full()
        .into_iter()
        .filter(|r| r.target.split('?').next() == Some(path))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gif_still_being_converted_is_waited_for_before_the_status_is_written() {
    let server = Scripted::start().await;
    server.script(
        "/api/v2/media",
        vec![json(202, json!({"id": "m1", "url": null}))],
    );
    server.script(
        "/api/v1/media/m1",
        vec![
            json(206, json!({"id": "m1", "url": null})),
            json(206, json!({"id": "m1", "url": null})),
            json(
                200,
                json!({"id": "m1", "url": "https://scripted.example/m1.mp4"}),
            ),
        ],
    );
    server.script(
        "/api/v1/statuses",
        vec![json(
            200,
            json!({"id": "s1", "url": "https://scripted.example/@v/s1"}),
        )],
    );
    let gif = b"GIF89a-not-really".to_vec();
    let media = [Media {
        mime: "image/gif",
        file_name: "danse.gif",
        animated: true,
        ..still(&gif)
    }];
    let post = text_post("Ça bouge !", &media);
    let key = key();
    let mut account = poster(&server_url(&server), "scripted-token");
    let sent = account
        .publish(&client(), &post, &attempt(&key, "2026-12-02T20:00:00Z"))
        .await
        .unwrap();
    assert_eq!(sent.id, "s1");
    assert_eq!(
        bodies_of(&server, "/api/v1/media/m1").len(),
        3,
        "polled until ready"
    );
    let status = &bodies_of(&server, "/api/v1/statuses")[0];
    assert_eq!(
        status.header("Idempotency-Key"),
        Some(key.as_str()),
        "every status carries its key"
    );
    let form = String::from_utf8_lossy(&status.body);
    assert!(
        form.contains("media_ids%5B%5D=m1"),
        "the converted media is attached: {form}"
    );

    // Still converting after every poll: the status is not written, and it is worth
    // trying again later.
    let slow = Scripted::start().await;
    slow.script(
        "/api/v2/media",
        vec![json(202, json!({"id": "m2", "url": null}))],
    );
    slow.script(
        "/api/v1/media/m2",
        vec![json(206, json!({"id": "m2", "url": null}))],
    );
    let mut account = poster(&server_url(&slow), "scripted-token");
    let error = account
        .publish(&client(), &post, &attempt(&key, "2026-12-02T20:00:00Z"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, mastodon::Error::MediaNotReady { .. }),
        "{error:?}"
    );
    assert_eq!(error.class(), Class::RetryLater { at: None });
    assert!(
        bodies_of(&slow, "/api/v1/statuses").is_empty(),
        "no status without its media"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alt_text_over_the_server_s_limit_is_refused_before_sending_and_the_server_s_own_refusal_is_shown(
) {
    let long_alt = "é".repeat(1501);
    let image = png(4, 4, |_, _| [0, 0, 0, 255]);
    let media = [Media {
        alt: &long_alt,
        ..still(&image)
    }];
    let post = text_post("Affiche", &media);
    let problem = check(&post, &for_network(Network::Mastodon)).unwrap_err();
    assert_eq!(
        problem,
        Problem::AltTooLong {
            network: "Mastodon",
            image: 1,
            length: 1501,
            max: 1500
        },
        "what is too long, and by how much"
    );
    let french = problem.describe().render(Lang::Fr);
    assert!(
        french.contains("1501") && french.contains("de 1"),
        "{french}"
    );

    // A server stricter than it announced says so in its own words.
    let server = Scripted::start().await;
    server.script(
        "/api/v2/media",
        vec![json(422, json!({"error": "Validation failed: Description is too long (maximum is 1500 characters)"}))],
    );
    let short = [still(&image)];
    let key = key();
    let mut account = poster(&server_url(&server), "scripted-token");
    let error = account
        .publish(
            &client(),
            &text_post("Affiche", &short),
            &attempt(&key, "2026-12-02T20:00:00Z"),
        )
        .await
        .unwrap_err();
    assert_eq!(error.class(), Class::Refused, "{error:?}");
    let french = error.describe().render(Lang::Fr);
    assert!(
        french.contains("maximum is 1500 characters") && french.contains("a refusé"),
        "{french}"
    );
    assert!(bodies_of(&server, "/api/v1/statuses").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limit_is_retried_at_the_iso_reset_time_and_an_expired_token_asks_to_sign_in_again()
{
    let server = Scripted::start().await;
    server.script(
        "/api/v1/statuses",
        vec![
            Answer::Full {
                status: 429,
                headers: vec![
                    ("X-RateLimit-Limit".into(), "300".into()),
                    ("X-RateLimit-Remaining".into(), "0".into()),
                    (
                        "X-RateLimit-Reset".into(),
                        "2026-12-02T21:35:00.000Z".into(),
                    ),
                ],
                body: br#"{"error":"Too many requests"}"#.to_vec(),
            },
            json(401, json!({"error": "The access token is invalid"})),
        ],
    );
    let key = key();
    let post = text_post("Ce soir, on colle !", &[]);
    let mut account = poster(&server_url(&server), "scripted-token");
    let limited = account
        .publish(&client(), &post, &attempt(&key, "2026-12-02T21:00:00Z"))
        .await
        .unwrap_err();
    assert_eq!(
        limited.class(),
        Class::RetryLater {
            at: relais::dates::parse_rfc3339("2026-12-02T21:35:00Z")
        },
        "Mastodon's 429 has no Retry-After: the reset time says when"
    );
    let french = limited.describe().render(Lang::Fr);
    assert!(french.contains("2 décembre 2026"), "{french}");
    let expired = account
        .publish(&client(), &post, &attempt(&key, "2026-12-02T21:00:00Z"))
        .await
        .unwrap_err();
    assert_eq!(expired.class(), Class::SignInAgain, "{expired:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_status_whose_answer_is_lost_is_an_unknown_outcome_never_a_failure() {
    let key = key();
    let post = text_post("Dernier appel avant dimanche", &[]);
    // A 502 from a proxy in front of a slow server: the status may be written.
    let server = Scripted::start().await;
    server.script("/api/v1/statuses", vec![Answer::Status(502)]);
    let mut account = poster(&server_url(&server), "scripted-token");
    let error = account
        .publish(&client(), &post, &attempt(&key, "2026-12-02T21:00:00Z"))
        .await
        .unwrap_err();
    assert_eq!(error.class(), Class::OutcomeUnknown, "{error:?}");

    // The connection breaks while the answer comes back.
    let torn = Scripted::start().await;
    torn.script(
        "/api/v1/statuses",
        vec![Answer::DieHalfway(
            br#"{"id":"s9","url":"https://x/s9"}"#.to_vec(),
        )],
    );
    let mut account = poster(&server_url(&torn), "scripted-token");
    let error = account
        .publish(&client(), &post, &attempt(&key, "2026-12-02T21:00:00Z"))
        .await
        .unwrap_err();
    assert_eq!(error.class(), Class::OutcomeUnknown, "{error:?}");
    let french = error.describe().render(Lang::Fr);
    assert!(french.contains("peut-être été publiée"), "{french}");

    // A server slower than the timeout.
    let silent = Scripted::start().await;
    silent.script("/api/v1/statuses", vec![Answer::Silence]);
    let impatient = Client::new(Options {
        overall_timeout: Some(Duration::from_millis(800)),
        ..Options::default()
    })
    .unwrap();
    let mut account = poster(&server_url(&silent), "scripted-token");
    let error = account
        .publish(&impatient, &post, &attempt(&key, "2026-12-02T21:00:00Z"))
        .await
        .unwrap_err();
    assert_eq!(error.class(), Class::OutcomeUnknown, "{error:?}");

    // An upload torn before any status was written: nothing was posted, try again.
    let upload = Scripted::start().await;
    upload.script(
        "/api/v2/media",
        vec![Answer::DieHalfway(
            br#"{"id":"m1","url":"https://x/m1.png"}"#.to_vec(),
        )],
    );
    let image = png(4, 4, |_, _| [0, 0, 0, 255]);
    let media = [still(&image)];
    let mut account = poster(&server_url(&upload), "scripted-token");
    let error = account
        .publish(
            &client(),
            &text_post("Affiche", &media),
            &attempt(&key, "2026-12-02T21:00:00Z"),
        )
        .await
        .unwrap_err();
    assert_eq!(error.class(), Class::RetryLater { at: None }, "{error:?}");
    assert!(bodies_of(&upload, "/api/v1/statuses").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_is_not_mastodon_is_named_and_nothing_is_registered() {
    keychain::ensure();
    let server = Scripted::start().await;
    server.script(
        "/api/v2/instance",
        vec![Answer::Full {
            status: 200,
            headers: vec![("Content-Type".into(), "text/html".into())],
            body: b"<html>Mon blog</html>".to_vec(),
        }],
    );
    let error = accounts::begin_mastodon(
        &Keychain,
        &client(),
        &server_url(&server),
        Redirect::Paste,
        random(),
        "fr",
        now(),
    )
    .await
    .unwrap_err();
    let french = error.describe().render(Lang::Fr);
    assert!(
        french.contains(&server.base()) && french.contains("pas comme un serveur Mastodon"),
        "{french}"
    );
    assert!(
        bodies_of(&server, "/api/v1/apps").is_empty(),
        "Relais registers only with a Mastodon server"
    );
}

fn pkce_server(server: &Scripted, pkce: bool) {
    server.script("/api/v2/instance", vec![instance_answer()]);
    server.script(
        "/.well-known/oauth-authorization-server",
        vec![if pkce {
            json(200, json!({"code_challenge_methods_supported": ["S256"]}))
        } else {
            Answer::Status(404)
        }],
    );
    server.script(
        "/api/v1/apps",
        vec![json(
            200,
            json!({"client_id": "cid", "client_secret": "app-SECRET-9"}),
        )],
    );
    server.script(
        "/oauth/token",
        vec![json(
            200,
            json!({"access_token": "tok-SECRET-1", "token_type": "Bearer"}),
        )],
    );
    server.script(
        "/api/v1/accounts/verify_credentials",
        vec![json(
            200,
            json!({"id": "7", "username": "militante", "display_name": "Militante"}),
        )],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pkce_is_used_where_the_server_offers_it_and_relais_registers_once_per_server() {
    keychain::ensure();
    let home = TempDir::new().unwrap();
    let store = std::sync::Mutex::new(Store::open(home.path()).unwrap());
    let server = Scripted::start().await;
    pkce_server(&server, true);
    let url = server_url(&server);
    let http = client();
    let begin = || {
        accounts::begin_mastodon(
            &Keychain,
            &http,
            &url,
            Redirect::Paste,
            random(),
            "fr",
            now(),
        )
    };
    let first = begin().await.unwrap();
    let second = begin().await.unwrap();
    assert_eq!(
        bodies_of(&server, "/api/v1/apps").len(),
        1,
        "the registration is kept and reused"
    );
    assert_ne!(first.state, second.state, "every sign-in has its own state");
    let query: std::collections::HashMap<String, String> =
        second.authorize_url.query_pairs().into_owned().collect();
    assert_eq!(
        query["redirect_uri"], "urn:ietf:wg:oauth:2.0:oob",
        "the server shows the code to paste"
    );

    let account = accounts::finish_mastodon(
        &store,
        &Keychain,
        &client(),
        &second,
        "pasted-code",
        new_account(),
    )
    .await
    .unwrap();
    assert_eq!(account.handle, "militante@scripted.example");
    let token_request =
        String::from_utf8(bodies_of(&server, "/oauth/token")[0].body.clone()).unwrap();
    let form: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(token_request.as_bytes())
            .into_owned()
            .collect();
    let verifier = &form["code_verifier"];
    let challenge = <ct_codecs::Base64UrlSafeNoPadding as ct_codecs::Encoder>::encode_to_string(
        Sha256::digest(verifier.as_bytes()),
    );
    assert_eq!(
        Some(&challenge.unwrap()),
        query.get("code_challenge"),
        "the verifier sent with the code matches the challenge sent to the browser"
    );
    assert_eq!(form["code"], "pasted-code");
    accounts::remove(&store.lock().unwrap(), &Keychain, &account.id).unwrap();

    let old = Scripted::start().await;
    pkce_server(&old, false);
    let sign_in = accounts::begin_mastodon(
        &Keychain,
        &client(),
        &server_url(&old),
        Redirect::Paste,
        random(),
        "fr",
        now(),
    )
    .await
    .unwrap();
    assert!(
        !sign_in.authorize_url.as_str().contains("code_challenge"),
        "no PKCE where the server does not announce it (before Mastodon 4.3)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_adds_a_mastodon_account_with_a_pasted_code_and_never_shows_the_token() {
    keychain::ensure();
    let peer = mastodon();
    let home = TempDir::new().unwrap();
    let data = home.path().join("data");
    let mut command = relais(home.path());
    command
        .env("LANG", "fr_FR.UTF-8")
        .arg("--data-dir")
        .arg(&data)
        .args([
            "account",
            "add",
            "mastodon",
            "--server",
            peer.url.as_str(),
            "--code",
        ])
        .write_stdin(format!("mockcode_{}\n", peer.username));
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("/oauth/authorize?"),
        "the address to open is shown: {stderr}"
    );
    assert!(
        stdout.contains("acct-"),
        "the new account is named: {stdout}"
    );

    let store = Store::open(&data).unwrap();
    let added = accounts::list(&store).unwrap();
    let account = added
        .iter()
        .find(|a| a.kind == accounts::Kind::Mastodon)
        .expect("listed");
    let token = accounts::mastodon_token(&Keychain, account).unwrap();
    for (place, text) in [("stdout", &stdout), ("stderr", &stderr)] {
        assert!(
            !text.contains(token.expose()),
            "the token is not in {place}"
        );
    }
    assert!(
        files_holding(home.path(), token.expose()).is_empty(),
        "nor in any file"
    );
    accounts::remove(&store, &Keychain, &account.id).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_browser_here_the_code_the_server_shows_is_pasted() {
    keychain::ensure();
    let peer = mastodon();
    let home = TempDir::new().unwrap();
    let store = std::sync::Mutex::new(Store::open(home.path()).unwrap());
    let client = client();
    let sign_in = accounts::begin_mastodon(
        &Keychain,
        &client,
        &peer.url,
        Redirect::Paste,
        random(),
        "fr",
        now(),
    )
    .await
    .unwrap();
    // Opened on another device: the server shows the code instead of redirecting.
    let code = peer.code_shown(&sign_in.authorize_url).await;
    let account =
        accounts::finish_mastodon(&store, &Keychain, &client, &sign_in, &code, new_account())
            .await
            .expect("the pasted code signs in");
    assert_eq!(account.status, accounts::Status::Connected);
    accounts::remove(&store.lock().unwrap(), &Keychain, &account.id).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_store_is_free_while_a_slow_server_is_asked() {
    keychain::ensure();
    let home = TempDir::new().unwrap();
    let store = std::sync::Arc::new(std::sync::Mutex::new(Store::open(home.path()).unwrap()));
    let server = Scripted::start().await;
    pkce_server(&server, true);
    let url = server_url(&server);
    let http = client();
    let sign_in = accounts::begin_mastodon(
        &Keychain,
        &http,
        &url,
        Redirect::Paste,
        random(),
        "fr",
        now(),
    )
    .await
    .unwrap();
    let account =
        accounts::finish_mastodon(&store, &Keychain, &http, &sign_in, "code", new_account())
            .await
            .unwrap();
    server.script("/api/v1/accounts/verify_credentials", vec![Answer::Silence]);
    let asked = bodies_of(&server, "/api/v1/accounts/verify_credentials").len();
    let testing = {
        let store = store.clone();
        let id = account.id.clone();
        tokio::spawn(async move {
            let impatient = Client::new(Options {
                overall_timeout: Some(Duration::from_secs(20)),
                ..Options::default()
            })
            .unwrap();
            accounts::test_connection(&store, &Keychain, &impatient, &id, now()).await
        })
    };
    while bodies_of(&server, "/api/v1/accounts/verify_credentials").len() == asked {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        store.try_lock().is_ok(),
        "the window's other work is not held up while the server is asked"
    );
    testing.abort();
    accounts::remove(&store.lock().unwrap(), &Keychain, &account.id).unwrap();
}
