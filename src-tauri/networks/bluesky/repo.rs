//! The account's repository on its PDS: blobs uploaded, the post written under a key
//! chosen before the first attempt, found again by that key, deleted.

use serde_json::{json, Value};

use super::record::Written;
use super::session::{with_session, Session};
use super::xrpc::Xrpc;
use super::{Error, MAX_IMAGE_BYTES, POST_COLLECTION};
use crate::net::Client;
use crate::networks::post::Media;

/// Uploads one image, returning the blob reference the record embeds.
pub(super) async fn upload_image(
    client: &Client,
    session: &mut Session,
    image: &Media<'_>,
    now: i64,
) -> Result<Value, Error> {
    if image.bytes.len() > MAX_IMAGE_BYTES {
        return Err(Error::ImageTooBig {
            bytes: image.bytes.len(),
        });
    }
    let pds = session.pds_url()?;
    let answer = with_session(client, session, Some(now), |token| {
        let pds = pds.clone();
        async move {
            let xrpc = Xrpc::new(client, &pds, Some(now));
            let (answer, url) = xrpc
                .upload(
                    "com.atproto.repo.uploadBlob",
                    &[],
                    image.bytes,
                    image.mime,
                    &token,
                )
                .await?;
            xrpc.judge(answer, &url)
        }
    })
    .await?;
    answer
        .get("blob")
        .cloned()
        .ok_or_else(|| Error::NotBluesky {
            pds: session.pds.clone(),
        })
}

/// The record under `rkey`, if the repository has it.
pub(super) async fn find_post(
    client: &Client,
    session: &mut Session,
    rkey: &str,
    now: i64,
) -> Result<Option<Written>, Error> {
    let pds = session.pds_url()?;
    let did = session.did.clone();
    let result = with_session(client, session, Some(now), |token| {
        let pds = pds.clone();
        let did = did.clone();
        async move {
            Xrpc::new(client, &pds, Some(now))
                .get(
                    "com.atproto.repo.getRecord",
                    &[
                        ("repo", &did),
                        ("collection", POST_COLLECTION),
                        ("rkey", rkey),
                    ],
                    Some(&token),
                )
                .await
        }
    })
    .await;
    match result {
        Ok(answer) => Ok(Written::from_answer(&answer)),
        // Only this answer means "not written": any other refusal is not a licence to
        // write the post again.
        Err(Error::NoRecord) => Ok(None),
        Err(error) => Err(error),
    }
}

/// Writes `record` under `rkey` (createRecord: an existing key is refused, never
/// overwritten as putRecord would).
pub(super) async fn create_post(
    client: &Client,
    session: &mut Session,
    rkey: &str,
    record: &Value,
    now: i64,
) -> Result<Written, Error> {
    let pds = session.pds_url()?;
    let body = json!({
        "repo": session.did,
        "collection": POST_COLLECTION,
        "rkey": rkey,
        "validate": true,
        "record": record,
    });
    let answer = with_session(client, session, Some(now), |token| {
        let pds = pds.clone();
        let body = body.clone();
        async move {
            Xrpc::new(client, &pds, Some(now))
                .post("com.atproto.repo.createRecord", &body, Some(&token))
                .await
        }
    })
    .await
    .map_err(|error| match error {
        Error::Net(error) => Error::Writing(error),
        other => other,
    })?;
    Written::from_answer(&answer).ok_or_else(|| Error::NotBluesky {
        pds: session.pds.clone(),
    })
}

/// Deletes the post under `rkey`. Deleting twice does no harm, so a lost answer is
/// simply tried again.
pub(super) async fn delete_post(
    client: &Client,
    session: &mut Session,
    rkey: &str,
    now: i64,
) -> Result<(), Error> {
    let pds = session.pds_url()?;
    let body = json!({"repo": session.did, "collection": POST_COLLECTION, "rkey": rkey});
    with_session(client, session, Some(now), |token| {
        let pds = pds.clone();
        let body = body.clone();
        async move {
            Xrpc::new(client, &pds, Some(now))
                .post("com.atproto.repo.deleteRecord", &body, Some(&token))
                .await
        }
    })
    .await?;
    Ok(())
}
