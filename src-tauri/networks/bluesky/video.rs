//! Animations through Bluesky's video service, as the official app sends GIFs so they
//! play: the images embed would show a still. The PDS signs a service token, the raw
//! file goes to the service, which turns it into a video and stores that on the PDS; the
//! job is polled until it names the blob the post embeds.

use std::time::Duration;

use serde_json::Value;
use url::Url;

use super::session::{service_token, Session};
use super::xrpc::Xrpc;
use super::{Error, VideoRefusal};
use crate::net::Client;
use crate::networks::limits::BLUESKY_VIDEO_BYTES;
use crate::networks::post::Media;

/// The official video service.
pub const VIDEO_SERVICE: &str = "https://video.bsky.app";

/// Where animations go and how long to wait for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoService {
    /// The service's address: [`VIDEO_SERVICE`], or another one (tests, forks).
    pub address: String,
    /// getJobStatus is asked at most this many times.
    pub polls: u32,
    /// The wait before each poll.
    pub delay: Duration,
}

impl Default for VideoService {
    /// The official service; a GIF is processed in seconds, three minutes at most.
    fn default() -> Self {
        Self {
            address: VIDEO_SERVICE.to_owned(),
            polls: 90,
            delay: Duration::from_secs(2),
        }
    }
}

/// How long the upload's service token lives: the service stores the video on the PDS
/// with it after processing.
const UPLOAD_TOKEN_SECONDS: i64 = 30 * 60;

impl VideoService {
    fn url(&self) -> Result<Url, Error> {
        Url::parse(&self.address).map_err(|_| self.unreachable())
    }

    fn unreachable(&self) -> Error {
        Error::VideoUnavailable {
            reason: VideoRefusal::Unreachable,
        }
    }
}

/// `did:web:` of a host, as the official app names a service by its address.
fn did_web(url: &Url) -> String {
    format!("did:web:{}", url.host_str().unwrap_or_default())
}

/// The service's refusal as a [`VideoRefusal`]; a silent or failing service as
/// unreachable.
fn refusal(error: Error, service: &VideoService) -> Error {
    match error {
        Error::Refused(words) => Error::VideoUnavailable {
            reason: VideoRefusal::from_words(&words),
        },
        Error::SignInAgain => Error::VideoUnavailable {
            reason: VideoRefusal::Other {
                words: "the video service refused the account's authorization".into(),
            },
        },
        Error::Net(error) => {
            tracing::info!(%error, "the video service did not answer");
            service.unreachable()
        }
        other => other,
    }
}

/// Whether the service takes an animation of `bytes` from this account now
/// (getUploadLimits: e-mail confirmed, daily quota left), asked before anything is
/// uploaded.
pub(super) async fn check_limits(
    client: &Client,
    session: &mut Session,
    service: &VideoService,
    bytes: u64,
    now: i64,
) -> Result<(), Error> {
    if bytes > BLUESKY_VIDEO_BYTES {
        return Err(Error::VideoUnavailable {
            reason: VideoRefusal::TooBig {
                bytes,
                max: BLUESKY_VIDEO_BYTES,
            },
        });
    }
    let url = service.url()?;
    let token = service_token(
        client,
        session,
        &did_web(&url),
        "app.bsky.video.getUploadLimits",
        None,
        now,
    )
    .await?;
    let limits = Xrpc::new(client, &url, Some(now))
        .get("app.bsky.video.getUploadLimits", &[], Some(&token))
        .await
        .map_err(|error| refusal(error, service))?;
    let number = |name: &str| limits.get(name).and_then(Value::as_i64);
    if limits.get("canUpload").and_then(Value::as_bool) != Some(true) {
        let words = ["message", "error"]
            .iter()
            .find_map(|name| limits.get(*name).and_then(Value::as_str))
            .unwrap_or("");
        return Err(Error::VideoUnavailable {
            reason: if words.is_empty() {
                VideoRefusal::DailyLimit
            } else {
                VideoRefusal::from_words(words)
            },
        });
    }
    let videos_left = number("remainingDailyVideos").is_some_and(|left| left < 1);
    let bytes_left = number("remainingDailyBytes").is_some_and(|left| left < bytes as i64);
    if videos_left || bytes_left {
        return Err(Error::VideoUnavailable {
            reason: VideoRefusal::DailyLimit,
        });
    }
    Ok(())
}

/// The job in an answer: `{jobStatus: …}`, or the status itself.
fn job_status(body: &Value) -> Option<&Value> {
    body.get("jobStatus")
        .or_else(|| body.get("jobId").map(|_| body))
}

enum Job {
    Done(Value),
    Running(String),
}

/// What a job status says: its blob when there is one (a file the service already
/// knows comes back with its blob and an `already_exists` error), a failure, or still
/// running.
fn read_job(status: &Value) -> Result<Job, Error> {
    if let Some(blob) = status.get("blob").filter(|blob| blob.is_object()) {
        return Ok(Job::Done(blob.clone()));
    }
    let state = status.get("state").and_then(Value::as_str).unwrap_or("");
    if matches!(state, "JOB_STATE_FAILED" | "failed") {
        let words = ["message", "error"]
            .iter()
            .find_map(|name| status.get(*name).and_then(Value::as_str))
            .unwrap_or(state);
        return Err(Error::VideoUnavailable {
            reason: VideoRefusal::Failed {
                words: words.to_owned(),
            },
        });
    }
    match status.get("jobId").and_then(Value::as_str) {
        Some(id) => Ok(Job::Running(id.to_owned())),
        None => Err(Error::VideoUnavailable {
            reason: VideoRefusal::Failed {
                words: state.to_owned(),
            },
        }),
    }
}

/// Sends the animation to the service and waits for its video blob, stored on the PDS.
/// Not a post: an answer lost here leaves at most an orphan video, so it is tried again.
pub(super) async fn upload_animation(
    client: &Client,
    session: &mut Session,
    service: &VideoService,
    media: &Media<'_>,
    now: i64,
) -> Result<Value, Error> {
    let url = service.url()?;
    let pds = session.pds_url()?;
    let token = service_token(
        client,
        session,
        &did_web(&pds),
        "com.atproto.repo.uploadBlob",
        Some(now + UPLOAD_TOKEN_SECONDS),
        now,
    )
    .await?;
    let xrpc = Xrpc::new(client, &url, Some(now));
    let (answer, sent_to) = xrpc
        .upload(
            "app.bsky.video.uploadVideo",
            &[("did", &session.did), ("name", media.file_name)],
            media.bytes,
            media.mime,
            &token,
        )
        .await
        .map_err(|error| refusal(error, service))?;
    let status = match job_status(&answer.body) {
        // A 409 names the job that already has this file.
        Some(status) if answer.status == 409 || (200..300).contains(&answer.status) => {
            status.clone()
        }
        _ => {
            xrpc.judge(answer, &sent_to)
                .map_err(|error| refusal(error, service))?;
            return Err(xrpc.not_bluesky());
        }
    };
    let mut job = read_job(&status)?;
    for _ in 0..service.polls {
        let id = match job {
            Job::Done(blob) => return Ok(blob),
            Job::Running(id) => id,
        };
        tokio::time::sleep(service.delay).await;
        let answer = xrpc
            .get("app.bsky.video.getJobStatus", &[("jobId", &id)], None)
            .await
            .map_err(|error| match error {
                Error::Refused(words) => Error::VideoUnavailable {
                    reason: VideoRefusal::Failed { words },
                },
                other => other,
            })?;
        let status = job_status(&answer).ok_or_else(|| xrpc.not_bluesky())?;
        job = read_job(status)?;
    }
    match job {
        Job::Done(blob) => Ok(blob),
        Job::Running(_) => Err(Error::VideoStillProcessing),
    }
}
