//! Kit sync over the shared client (`crate::net`): the kit-specific reading of HTTP
//! statuses, and conditional GETs for kit.json.

use reqwest::{header, Method, Response, StatusCode};
use url::Url;

use super::Error;
use crate::net;

/// GET with an optional `If-None-Match`; any HTTP status is returned as is.
pub(crate) async fn get(
    client: &net::Client,
    url: &Url,
    etag: Option<&str>,
) -> Result<Response, Error> {
    let mut request = client.request(Method::GET, url)?;
    if let Some(etag) = etag {
        request = request.header(header::IF_NONE_MATCH, etag);
    }
    Ok(client.send(request, url).await?)
}

/// Turns the statuses every file shares into errors; 2xx and 304 pass through.
pub(crate) fn common_status(url: &Url, status: StatusCode) -> Result<(), Error> {
    if status.is_success() || status == StatusCode::NOT_MODIFIED {
        return Ok(());
    }
    let url = url.as_str().to_owned();
    let status = status.as_u16();
    if status >= 500 {
        Err(Error::Server { url, status })
    } else {
        Err(Error::Status { url, status })
    }
}

/// A small file (kit.json, its signature) read whole, refused past `max_bytes` with a
/// sentence naming it.
pub(crate) async fn read_small(
    client: &net::Client,
    response: Response,
    url: &Url,
    what: &'static str,
    max_bytes: u64,
) -> Result<Vec<u8>, Error> {
    client
        .read_bounded(response, url, max_bytes)
        .await
        .map_err(|error| match error {
            net::Error::TooLarge { url, max_bytes } => Error::TooLarge {
                what,
                url,
                max_bytes,
            },
            other => other.into(),
        })
}
