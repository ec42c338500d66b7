//! Where a Bluesky account lives: its handle resolves to a DID (asked of a server that
//! resolves handles, the entryway by default), and the DID's document names the
//! account's own server (PDS). Volunteers know their handle, not their PDS.

use serde_json::Value;
use url::Url;

use crate::net::Client;

/// Resolves handles for everyone, and fronts the PDSes Bluesky hosts.
pub const ENTRYWAY: &str = "https://bsky.social/";
/// Where `did:plc` documents are published.
pub const PLC_DIRECTORY: &str = "https://plc.directory/";

const MAX_DOCUMENT: u64 = 256 * 1024;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Failure {
    #[error("the handle is not known")]
    UnknownHandle,
    #[error("the account's DID document names no server")]
    NoServer,
    #[error(transparent)]
    Net(crate::net::Error),
}

/// Where to look handles and DIDs up (passed in: tests use their own PLC directory).
#[derive(Debug, Clone)]
pub struct Directory {
    pub entryway: Url,
    pub plc: Url,
}

impl Default for Directory {
    fn default() -> Self {
        Self {
            entryway: Url::parse(ENTRYWAY).expect("a constant address"),
            plc: Url::parse(PLC_DIRECTORY).expect("a constant address"),
        }
    }
}

async fn json(client: &Client, url: &Url) -> Result<Option<Value>, Failure> {
    let response = client.get(url).await.map_err(Failure::Net)?;
    let status = response.status().as_u16();
    let body = client
        .read_bounded(response, url, MAX_DOCUMENT)
        .await
        .map_err(Failure::Net)?;
    if !(200..300).contains(&status) {
        return Ok(None);
    }
    Ok(serde_json::from_slice(&body).ok())
}

/// The handle's DID.
pub async fn did_of(
    client: &Client,
    directory: &Directory,
    handle: &str,
) -> Result<String, Failure> {
    let mut url = directory
        .entryway
        .join("xrpc/com.atproto.identity.resolveHandle")
        .map_err(|_| Failure::UnknownHandle)?;
    url.query_pairs_mut().append_pair("handle", handle);
    json(client, &url)
        .await?
        .and_then(|answer| answer.get("did")?.as_str().map(str::to_owned))
        .filter(|did| did.starts_with("did:"))
        .ok_or(Failure::UnknownHandle)
}

/// The server a DID's document names as its PDS (`#atproto_pds`).
pub async fn pds_of(client: &Client, directory: &Directory, did: &str) -> Result<Url, Failure> {
    let document = if let Some(host) = did.strip_prefix("did:web:") {
        // did:web names a host (its colons, percent-encoded, would be a port).
        let host = host.replace("%3A", ":");
        Url::parse(&format!("https://{host}/.well-known/did.json"))
    } else {
        // Joined as text, `did:plc:…` would read as an address of scheme `did`.
        let mut url = directory.plc.clone();
        url.path_segments_mut()
            .map_err(|()| Failure::NoServer)?
            .pop_if_empty()
            .push(did);
        Ok(url)
    }
    .map_err(|_| Failure::NoServer)?;
    let document = json(client, &document).await?.ok_or(Failure::NoServer)?;
    pds_in(&document).ok_or(Failure::NoServer)
}

/// The PDS a DID document names, if it names one.
pub fn pds_in(document: &Value) -> Option<Url> {
    document
        .get("service")?
        .as_array()?
        .iter()
        .find(|service| {
            service
                .get("id")
                .and_then(Value::as_str)
                .is_some_and(|id| id.ends_with("#atproto_pds"))
        })?
        .get("serviceEndpoint")?
        .as_str()
        .and_then(|endpoint| Url::parse(endpoint).ok())
}

/// The handle's PDS: resolved to a DID, then to the server its document names.
pub async fn locate(client: &Client, directory: &Directory, handle: &str) -> Result<Url, Failure> {
    let did = did_of(client, directory, handle).await?;
    pds_of(client, directory, &did).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pds_is_the_service_the_did_document_names_atproto_pds() {
        let document = serde_json::json!({
            "id": "did:plc:abc",
            "service": [
                {"id": "#bsky_notif", "type": "BskyNotificationService", "serviceEndpoint": "https://api.bsky.app"},
                {"id": "#atproto_pds", "type": "AtprotoPersonalDataServer", "serviceEndpoint": "https://morel.us-east.host.bsky.network"}
            ]
        });
        assert_eq!(
            pds_in(&document).map(|url| url.to_string()),
            Some("https://morel.us-east.host.bsky.network/".to_owned())
        );
        assert_eq!(pds_in(&serde_json::json!({"service": []})), None);
    }
}
