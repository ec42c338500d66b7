//! Bluesky over the AT Protocol, with an app password: the password is exchanged once
//! for a session (access and refresh tokens) and never kept. Posts are written with a
//! record key chosen before the first attempt, so a retry after a lost answer checks
//! for the record instead of writing a second one.

mod facets;
mod tid;
mod xrpc;

pub use facets::facets;
pub use tid::tid;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use unicode_segmentation::UnicodeSegmentation;
use url::Url;

use crate::net::Client;
use xrpc::Xrpc;

pub const POST_COLLECTION: &str = "app.bsky.feed.post";
/// Post text limits: graphemes as the app counts them, and bytes.
pub const MAX_GRAPHEMES: usize = 300;
pub const MAX_TEXT_BYTES: usize = 3000;
/// An image in the images embed, checked when the record is created.
pub const MAX_IMAGE_BYTES: usize = 2_000_000;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("the handle or the app password was refused")]
    WrongPassword,
    #[error("the handle {handle} is not known to {pds}")]
    UnknownHandle { handle: String, pds: String },
    #[error("the session has ended: sign in again")]
    SignInAgain,
    #[error("{pds} did not answer as a Bluesky server does")]
    NotBluesky { pds: String },
    #[error("the post is {graphemes} characters ({bytes} bytes); Bluesky takes {MAX_GRAPHEMES} ({MAX_TEXT_BYTES} bytes)")]
    TextTooLong { graphemes: usize, bytes: usize },
    #[error("the image is {bytes} bytes; Bluesky takes {MAX_IMAGE_BYTES}")]
    ImageTooBig { bytes: usize },
    /// getRecord found nothing under the key.
    #[error("no record under that key")]
    NoRecord,
    /// The server refused the request for good; its own words.
    #[error("the server refused: {0}")]
    Refused(String),
    #[error(transparent)]
    Net(crate::net::Error),
}

/// What signing in gives, kept in the keychain: the tokens, not the password.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Session {
    pub did: String,
    pub handle: String,
    pub pds: String,
    access_jwt: String,
    refresh_jwt: String,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("did", &self.did)
            .field("handle", &self.handle)
            .field("pds", &self.pds)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SessionAnswer {
    did: String,
    handle: String,
    access_jwt: String,
    refresh_jwt: String,
}

impl Session {
    fn from_answer(answer: SessionAnswer, pds: &Url) -> Self {
        Self {
            did: answer.did,
            handle: answer.handle,
            pds: pds.as_str().trim_end_matches('/').to_owned(),
            access_jwt: answer.access_jwt,
            refresh_jwt: answer.refresh_jwt,
        }
    }

    pub fn pds_url(&self) -> Result<Url, Error> {
        Url::parse(&self.pds).map_err(|_| Error::NotBluesky {
            pds: self.pds.clone(),
        })
    }
}

/// Checks that `handle` lives on `pds`, then signs in with the app password.
pub async fn sign_in(
    client: &Client,
    pds: &Url,
    handle: &str,
    app_password: &str,
) -> Result<Session, Error> {
    let xrpc = Xrpc::new(client, pds);
    let resolved = xrpc
        .get(
            "com.atproto.identity.resolveHandle",
            &[("handle", handle)],
            None,
        )
        .await;
    match resolved {
        Ok(answer) if answer.get("did").is_some_and(Value::is_string) => {}
        Ok(_) => return Err(xrpc.not_bluesky()),
        Err(Error::Refused(_)) => {
            return Err(Error::UnknownHandle {
                handle: handle.to_owned(),
                pds: pds.as_str().trim_end_matches('/').to_owned(),
            })
        }
        Err(error) => return Err(error),
    }
    let answer = xrpc
        .post(
            "com.atproto.server.createSession",
            &json!({"identifier": handle, "password": app_password}),
            None,
        )
        .await
        .map_err(|error| match error {
            Error::SignInAgain | Error::Refused(_) => Error::WrongPassword,
            other => other,
        })?;
    let answer: SessionAnswer = serde_json::from_value(answer).map_err(|_| xrpc.not_bluesky())?;
    Ok(Session::from_answer(answer, pds))
}

/// New tokens for old. Refresh tokens are single-use: callers refresh one at a time.
pub async fn refresh(client: &Client, session: &Session) -> Result<Session, Error> {
    let pds = session.pds_url()?;
    let xrpc = Xrpc::new(client, &pds);
    let answer = xrpc
        .post(
            "com.atproto.server.refreshSession",
            &Value::Null,
            Some(&session.refresh_jwt),
        )
        .await?;
    let answer: SessionAnswer = serde_json::from_value(answer).map_err(|_| xrpc.not_bluesky())?;
    Ok(Session::from_answer(answer, &pds))
}

/// Runs `call` with the access token; when it has expired, refreshes once and runs it
/// again. Returns the session to keep (refreshed or not) with the answer.
async fn with_session<F, Fut>(
    client: &Client,
    session: &Session,
    call: F,
) -> Result<(Session, Value), Error>
where
    F: Fn(Session) -> Fut,
    Fut: std::future::Future<Output = Result<Value, Error>>,
{
    match call(session.clone()).await {
        Err(Error::SignInAgain) => {
            let fresh = refresh(client, session).await?;
            let value = call(fresh.clone()).await?;
            Ok((fresh, value))
        }
        other => other.map(|value| (session.clone(), value)),
    }
}

/// Asks the server whether the session still works, refreshing it if needed.
pub async fn check(client: &Client, session: &Session) -> Result<Session, Error> {
    let pds = session.pds_url()?;
    let (session, _) = with_session(client, session, |s| {
        let pds = pds.clone();
        async move {
            Xrpc::new(client, &pds)
                .get("com.atproto.server.getSession", &[], Some(&s.access_jwt))
                .await
        }
    })
    .await?;
    Ok(session)
}

/// One image of a post, already fitted to [`MAX_IMAGE_BYTES`].
pub struct Image<'a> {
    pub bytes: &'a [u8],
    pub mime: &'a str,
    pub alt: &'a str,
    pub width: u32,
    pub height: u32,
}

/// A post as it will be written: built once, kept with its record key, and written as it
/// is on every attempt (createdAt included), so a check after a lost answer compares
/// like with like.
pub struct Draft<'a> {
    pub text: &'a str,
    pub langs: &'a [&'a str],
    pub created_at: &'a str,
}

/// Checks the text against the limits before anything is sent.
pub fn check_text(text: &str) -> Result<(), Error> {
    let graphemes = text.graphemes(true).count();
    if graphemes > MAX_GRAPHEMES || text.len() > MAX_TEXT_BYTES {
        return Err(Error::TextTooLong {
            graphemes,
            bytes: text.len(),
        });
    }
    Ok(())
}

/// Uploads one image, returning the blob reference the record embeds.
pub async fn upload_image(
    client: &Client,
    session: &Session,
    image: &Image<'_>,
) -> Result<(Session, Value), Error> {
    if image.bytes.len() > MAX_IMAGE_BYTES {
        return Err(Error::ImageTooBig {
            bytes: image.bytes.len(),
        });
    }
    let pds = session.pds_url()?;
    let (session, answer) = with_session(client, session, |s| {
        let pds = pds.clone();
        async move {
            Xrpc::new(client, &pds)
                .upload(
                    "com.atproto.repo.uploadBlob",
                    image.bytes,
                    image.mime,
                    &s.access_jwt,
                )
                .await
        }
    })
    .await?;
    let blob = answer
        .get("blob")
        .cloned()
        .ok_or_else(|| Error::NotBluesky {
            pds: session.pds.clone(),
        })?;
    Ok((session, blob))
}

/// The post record: text, #tag and link facets, languages, and the images with their
/// alt text and aspect ratio.
pub fn record(draft: &Draft<'_>, images: &[(Value, &Image<'_>)]) -> Value {
    let mut record = json!({
        "$type": POST_COLLECTION,
        "text": draft.text,
        "createdAt": draft.created_at,
    });
    let facets = facets(draft.text);
    if !facets.is_empty() {
        record["facets"] = Value::Array(facets);
    }
    if !draft.langs.is_empty() {
        record["langs"] = json!(draft.langs);
    }
    if !images.is_empty() {
        let images: Vec<Value> = images
            .iter()
            .map(|(blob, image)| {
                json!({
                    "image": blob,
                    "alt": image.alt,
                    "aspectRatio": {"width": image.width, "height": image.height},
                })
            })
            .collect();
        record["embed"] = json!({"$type": "app.bsky.embed.images", "images": images});
    }
    record
}

/// Where a written post lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub uri: String,
    pub cid: String,
}

/// The record under `rkey`, if the repository has it.
pub async fn find_post(
    client: &Client,
    session: &Session,
    rkey: &str,
) -> Result<(Session, Option<Written>), Error> {
    let pds = session.pds_url()?;
    let did = session.did.clone();
    let result = with_session(client, session, |s| {
        let pds = pds.clone();
        let did = did.clone();
        async move {
            Xrpc::new(client, &pds)
                .get(
                    "com.atproto.repo.getRecord",
                    &[
                        ("repo", &did),
                        ("collection", POST_COLLECTION),
                        ("rkey", rkey),
                    ],
                    Some(&s.access_jwt),
                )
                .await
        }
    })
    .await;
    match result {
        Ok((session, answer)) => Ok((session, written(&answer))),
        // Only this answer means "not written": any other refusal is not a licence to
        // write the post again.
        Err(Error::NoRecord) => Ok((session.clone(), None)),
        Err(error) => Err(error),
    }
}

fn written(answer: &Value) -> Option<Written> {
    Some(Written {
        uri: answer.get("uri")?.as_str()?.to_owned(),
        cid: answer.get("cid")?.as_str()?.to_owned(),
    })
}

/// Writes `record` under `rkey`. When `check_first` (an earlier attempt's outcome is
/// unknown), the repository is read first and an existing record is the answer.
pub async fn publish(
    client: &Client,
    session: &Session,
    rkey: &str,
    record: &Value,
    check_first: bool,
) -> Result<(Session, Written), Error> {
    let mut session = session.clone();
    if check_first {
        let (fresh, found) = find_post(client, &session, rkey).await?;
        session = fresh;
        if let Some(found) = found {
            return Ok((session, found));
        }
    }
    let pds = session.pds_url()?;
    let body = json!({
        "repo": session.did,
        "collection": POST_COLLECTION,
        "rkey": rkey,
        "validate": true,
        "record": record,
    });
    let (session, answer) = with_session(client, &session, |s| {
        let pds = pds.clone();
        let body = body.clone();
        async move {
            Xrpc::new(client, &pds)
                .post("com.atproto.repo.createRecord", &body, Some(&s.access_jwt))
                .await
        }
    })
    .await?;
    let found = written(&answer).ok_or_else(|| Error::NotBluesky {
        pds: session.pds.clone(),
    })?;
    Ok((session, found))
}

/// Deletes the post under `rkey` (a retracted asset's follow-up).
pub async fn delete_post(client: &Client, session: &Session, rkey: &str) -> Result<Session, Error> {
    let pds = session.pds_url()?;
    let body = json!({"repo": session.did, "collection": POST_COLLECTION, "rkey": rkey});
    let (session, _) = with_session(client, session, |s| {
        let pds = pds.clone();
        let body = body.clone();
        async move {
            Xrpc::new(client, &pds)
                .post("com.atproto.repo.deleteRecord", &body, Some(&s.access_jwt))
                .await
        }
    })
    .await?;
    Ok(session)
}
