//! Animated GIFs to Bluesky through its video service, as the official app sends them so
//! they play. The PDS is the real reference one (it signs the service tokens, stores the
//! video, validates the record); the video service is scripted from its lexicons and
//! the official app's handling: getUploadLimits, uploadVideo, getJobStatus.

use std::time::Duration;

use relais::messages::{Describe, Lang};
use relais::net::{Client, Options};
use relais::networks::bluesky::{self, Account, Session, VideoRefusal, VideoService};
use relais::networks::{
    for_network, Attempt, Class, Classify, Media, Network, Post, Publish, Visibility,
};
use serde_json::{json, Value};
use url::Url;

use crate::support::pds::{pds, Volunteer};
use crate::support::scripted::{self, Answer, Scripted};

const LIMITS: &str = "/xrpc/app.bsky.video.getUploadLimits";
const UPLOAD: &str = "/xrpc/app.bsky.video.uploadVideo";
const JOB: &str = "/xrpc/app.bsky.video.getJobStatus";

fn client() -> Client {
    Client::new(Options::default()).expect("an HTTP client")
}

/// Bytes that start as a GIF does; the scripted service never decodes them.
fn gif() -> Vec<u8> {
    let mut bytes = b"GIF89a\x40\x00\x40\x00\x80\x00\x00".to_vec();
    bytes.extend((0..600u32).map(|i| (i * 7 % 251) as u8));
    bytes.push(b';');
    bytes
}

/// The smallest file the PDS recognises as an MP4: what the service would have made.
fn mp4() -> Vec<u8> {
    let mut bytes = vec![0, 0, 0, 0x18];
    bytes.extend_from_slice(b"ftypisom\0\0\x02\0isommp41");
    bytes.extend_from_slice(&[0, 0, 0, 0x10]);
    bytes.extend_from_slice(b"mdat\x01\x02\x03\x04\x05\x06\x07\x08");
    bytes
}

async fn signed_in(volunteer: &Volunteer) -> Session {
    bluesky::sign_in(
        &client(),
        &Url::parse(&pds().url).unwrap(),
        &volunteer.handle,
        &volunteer.app_password,
        relais::clock::now_unix(),
    )
    .await
    .expect("sign in")
}

/// Stores `bytes` on the PDS as the video service does once it has processed a file,
/// with the token given (the service's own, or the account's).
async fn store_on_pds(token: &str, bytes: &[u8], mime: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}/xrpc/com.atproto.repo.uploadBlob", pds().url))
        .bearer_auth(token)
        .header("Content-Type", mime)
        .body(bytes.to_vec())
        .send()
        .await
        .expect("the PDS answers")
}

/// An access token of the volunteer's, for the test's own calls to the PDS.
async fn access_token(volunteer: &Volunteer) -> String {
    let answer: Value = reqwest::Client::new()
        .post(format!(
            "{}/xrpc/com.atproto.server.createSession",
            pds().url
        ))
        .json(&json!({"identifier": volunteer.handle, "password": volunteer.app_password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["accessJwt"]
        .as_str()
        .expect("an access token")
        .to_owned()
}

fn video_service(server: &Scripted, polls: u32) -> VideoService {
    VideoService {
        address: server.base(),
        polls,
        delay: Duration::from_millis(20),
    }
}

fn account(session: Session, server: &Scripted, polls: u32) -> Account {
    Account::new(
        session,
        for_network(Network::Bluesky),
        video_service(server, polls),
    )
}

fn animation(bytes: &[u8]) -> [Media<'_>; 1] {
    [Media {
        bytes,
        mime: "image/gif",
        file_name: "a-vos-urnes.gif",
        alt: "« À vos urnes » qui clignote",
        width: 480,
        height: 270,
        animated: true,
    }]
}

fn post<'a>(media: &'a [Media<'a>]) -> Post<'a> {
    Post {
        text: "Dimanche, tous aux urnes ! #Vote",
        language: Some("fr"),
        media,
        visibility: Visibility::Public,
        content_warning: None,
    }
}

fn attempt(key: &str, now: i64) -> Attempt<'_> {
    Attempt {
        key,
        created_at: "2026-12-02T21:00:00.000Z",
        earlier_unknown: false,
        now,
    }
}

/// The claims of a JWT, read without checking it (the PDS checks it below).
fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("a JWT has three parts");
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut bits = 0u32;
    let mut count = 0;
    let mut bytes = Vec::new();
    for c in payload.bytes() {
        let value = alphabet.iter().position(|&a| a == c).expect("base64url") as u32;
        bits = (bits << 6) | value;
        count += 6;
        if count >= 8 {
            count -= 8;
            bytes.push((bits >> count) as u8);
        }
    }
    serde_json::from_slice(&bytes).expect("JSON claims")
}

fn bearer(request: &scripted::Request) -> String {
    request
        .header("authorization")
        .and_then(|value| value.strip_prefix("Bearer "))
        .expect("a bearer token")
        .to_owned()
}

fn can_upload() -> Answer {
    scripted::json(
        200,
        json!({"canUpload": true, "remainingDailyVideos": 25, "remainingDailyBytes": 10_000_000_000u64}),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_animated_gif_goes_through_the_video_service_and_is_posted_as_a_looping_video() {
    let volunteer = pds().volunteer("gaspard").await;
    let client = client();
    let now = relais::clock::now_unix();
    // What the service would store on the PDS after processing, and the blob it names.
    let stored: Value = store_on_pds(&access_token(&volunteer).await, &mp4(), "video/mp4")
        .await
        .json()
        .await
        .unwrap();
    let blob = stored["blob"].clone();
    assert_eq!(blob["mimeType"], "video/mp4", "{stored}");

    let service = Scripted::start().await;
    service.script(LIMITS, vec![can_upload()]);
    service.script(
        UPLOAD,
        vec![scripted::json(
            200,
            json!({"jobStatus": {"jobId": "job-1", "did": volunteer.did, "state": "JOB_STATE_CREATED"}}),
        )],
    );
    service.script(
        JOB,
        vec![
            scripted::json(
                200,
                json!({"jobStatus": {"jobId": "job-1", "did": volunteer.did, "state": "JOB_STATE_ENCODING", "progress": 40}}),
            ),
            scripted::json(
                200,
                json!({"jobStatus": {"jobId": "job-1", "did": volunteer.did, "state": "JOB_STATE_COMPLETED", "blob": blob}}),
            ),
        ],
    );
    let mut account = account(signed_in(&volunteer).await, &service, 10);
    assert!(
        !account.limits().animation,
        "a still until the service is asked"
    );
    let bytes = gif();
    account
        .check_video(&client, bytes.len() as u64, now)
        .await
        .expect("the service is open to the account");
    assert!(
        account.limits().animation,
        "the GIF may stay animated for this account now"
    );
    assert_eq!(
        account.limits().byte_limit(true),
        100_000_000,
        "the video service's limit"
    );

    let media = animation(&bytes);
    let rkey = bluesky::tid(1_796_246_000_000_000, 3);
    let sent = account
        .publish(&client, &post(&media), &attempt(&rkey, now))
        .await
        .expect("the animation is posted");

    let requests = service.requests_in_full();
    let upload = requests
        .iter()
        .find(|request| request.target.starts_with(UPLOAD))
        .expect("the GIF went to the video service");
    assert_eq!(upload.method, "POST");
    assert_eq!(upload.body, bytes, "the GIF as it is, byte for byte");
    assert_eq!(upload.header("content-type"), Some("image/gif"));
    let query: Vec<(String, String)> = Url::parse(&format!("http://x{}", upload.target))
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    assert!(
        query.contains(&("did".into(), volunteer.did.clone()))
            && query.contains(&("name".into(), "a-vos-urnes.gif".into())),
        "{query:?}"
    );
    let token = bearer(upload);
    let signed = claims(&token);
    assert_eq!(signed["iss"], volunteer.did.as_str());
    assert_eq!(signed["aud"], "did:web:localhost", "addressed to the PDS");
    assert_eq!(signed["lxm"], "com.atproto.repo.uploadBlob");
    let lifetime = signed["exp"].as_i64().unwrap() - now;
    assert!((1790..=1810).contains(&lifetime), "30 minutes: {lifetime}");
    assert_eq!(
        store_on_pds(&token, &mp4(), "video/mp4").await.status(),
        200,
        "the service token really lets the service store the video on the PDS"
    );
    let limits = requests
        .iter()
        .find(|request| request.target.starts_with(LIMITS))
        .expect("the limits were asked");
    let limits_claims = claims(&bearer(limits));
    assert_eq!(
        limits_claims["aud"], "did:web:127.0.0.1",
        "the service's own DID"
    );
    assert_eq!(limits_claims["lxm"], "app.bsky.video.getUploadLimits");
    let polls: Vec<&String> = requests
        .iter()
        .map(|request| &request.target)
        .filter(|target| target.starts_with(JOB))
        .collect();
    assert_eq!(polls.len(), 2, "polled until completed: {polls:?}");
    assert!(polls.iter().all(|target| target.contains("jobId=job-1")));

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
    assert_eq!(read["uri"], sent.id.as_str());
    let embed = &read["value"]["embed"];
    assert_eq!(embed["$type"], "app.bsky.embed.video");
    assert_eq!(
        embed["presentation"], "gif",
        "plays as a GIF: looping, silent"
    );
    assert_eq!(embed["video"]["ref"], blob["ref"], "the service's video");
    assert_eq!(embed["alt"], media[0].alt);
    assert_eq!(embed["aspectRatio"], json!({"width": 480, "height": 270}));
    assert_eq!(read["value"]["langs"], json!(["fr"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_video_service_closed_to_the_account_is_said_before_anything_is_uploaded() {
    let volunteer = pds().volunteer("hortense").await;
    let client = client();
    let now = relais::clock::now_unix();
    let service = Scripted::start().await;
    service.script(
        LIMITS,
        vec![scripted::json(
            200,
            json!({"canUpload": false, "remainingDailyVideos": 25, "remainingDailyBytes": 0,
                   "message": "Confirm your email address to upload videos"}),
        )],
    );
    let mut account = account(signed_in(&volunteer).await, &service, 10);
    let bytes = gif();

    let refused = account
        .check_video(&client, bytes.len() as u64, now)
        .await
        .expect_err("the service is closed to this account");
    assert!(
        matches!(
            &refused,
            bluesky::Error::VideoUnavailable {
                reason: VideoRefusal::EmailNotConfirmed
            }
        ),
        "{refused:?}"
    );
    assert!(!account.limits().animation, "the GIF is fitted as a still");
    let french = refused.describe().render(Lang::Fr);
    assert!(
        french.contains("e-mail du compte n’est pas encore confirmée")
            && french.contains("image fixe"),
        "says why and what to do instead: {french}"
    );

    let media = animation(&bytes);
    let rkey = bluesky::tid(1_796_246_100_000_000, 4);
    let error = account
        .publish(&client, &post(&media), &attempt(&rkey, now))
        .await
        .expect_err("not sent as an animation");
    assert_eq!(error.class(), Class::Refused, "{error:?}");
    assert!(
        !service
            .requests()
            .iter()
            .any(|target| target.starts_with(UPLOAD)),
        "nothing was uploaded: {:?}",
        service.requests()
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
    assert_eq!(listed["records"], json!([]), "and nothing was posted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_video_job_that_does_not_finish_is_polled_a_bounded_number_of_times_then_retried_later() {
    let volunteer = pds().volunteer("ines").await;
    let service = Scripted::start().await;
    service.script(LIMITS, vec![can_upload()]);
    let running = json!({"jobStatus": {"jobId": "job-9", "did": volunteer.did, "state": "JOB_STATE_ENCODING"}});
    service.script(UPLOAD, vec![scripted::json(200, running.clone())]);
    service.script(JOB, vec![scripted::json(200, running)]);
    let mut account = account(signed_in(&volunteer).await, &service, 3);
    let bytes = gif();
    let media = animation(&bytes);
    let rkey = bluesky::tid(1_796_246_200_000_000, 5);

    let error = account
        .publish(
            &client(),
            &post(&media),
            &attempt(&rkey, relais::clock::now_unix()),
        )
        .await
        .expect_err("still processing");
    assert!(
        matches!(error, bluesky::Error::VideoStillProcessing),
        "{error:?}"
    );
    assert_eq!(error.class(), Class::RetryLater { at: None });
    let polls = service
        .requests()
        .iter()
        .filter(|target| target.starts_with(JOB))
        .count();
    assert_eq!(polls, 3, "exactly the polls allowed");
}
