//! The app-password session: the password is exchanged once for tokens (access and
//! refresh) and never kept; an expired access token is refreshed once, in place, so the
//! caller always holds the newest session, even when the call after the refresh failed
//! (the old refresh token is spent by then).

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use url::Url;

use ct_codecs::{Base64UrlSafeNoPadding, Decoder};

use super::xrpc::Xrpc;
use super::Error;
use crate::net::Client;

/// How a session was made. What is kept says which it is, so an OAuth session (PKCE,
/// PAR and DPoP, which `atrium-oauth` implements) can be kept beside app-password ones
/// without reading old entries wrongly.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    #[default]
    AppPassword,
}

/// What signing in gives, kept in the keychain: the tokens, not the password.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Session {
    #[serde(default)]
    pub kind: SessionKind,
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
            kind: SessionKind::AppPassword,
            did: answer.did,
            handle: answer.handle,
            pds: pds.as_str().trim_end_matches('/').to_owned(),
            access_jwt: answer.access_jwt,
            refresh_jwt: answer.refresh_jwt,
        }
    }

    /// When the access token stops working, from its own `exp` claim, if it has one.
    fn access_expires_at(&self) -> Option<i64> {
        let payload = self.access_jwt.split('.').nth(1)?;
        let bytes = Base64UrlSafeNoPadding::decode_to_vec(payload, None).ok()?;
        serde_json::from_slice::<Value>(&bytes)
            .ok()?
            .get("exp")?
            .as_i64()
    }

    pub fn pds_url(&self) -> Result<Url, Error> {
        Url::parse(&self.pds).map_err(|_| Error::NotBluesky {
            pds: self.pds.clone(),
        })
    }
}

/// Checks that `handle` lives on `pds`, then signs in with the app password. `now`:
/// Unix seconds, what a rate limit's "retry after" counts from.
pub async fn sign_in(
    client: &Client,
    pds: &Url,
    handle: &str,
    app_password: &str,
    now: i64,
) -> Result<Session, Error> {
    let xrpc = Xrpc::new(client, pds, Some(now));
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

/// New tokens for old. Refresh tokens are single-use: one refresh at a time per account,
/// and the new session kept (see [`super::Account`]).
pub async fn refresh(client: &Client, session: &Session, now: i64) -> Result<Session, Error> {
    refresh_at(client, session, Some(now)).await
}

async fn refresh_at(
    client: &Client,
    session: &Session,
    now: Option<i64>,
) -> Result<Session, Error> {
    let pds = session.pds_url()?;
    let xrpc = Xrpc::new(client, &pds, now);
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

const REFRESH_MARGIN_SECONDS: i64 = 60;

/// Runs `call` with the access token; when it has expired, refreshes `session` in place
/// once and runs it again.
pub(super) async fn with_session<F, Fut>(
    client: &Client,
    session: &mut Session,
    now: Option<i64>,
    call: F,
) -> Result<Value, Error>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Result<Value, Error>>,
{
    // Refreshed a minute before the access token expires rather than after a refusal,
    // so a large upload does not leave with a token that dies on the way.
    let expiring = now
        .zip(session.access_expires_at())
        .is_some_and(|(now, expires)| expires <= now + REFRESH_MARGIN_SECONDS);
    if expiring {
        *session = refresh_at(client, session, now).await?;
    }
    match call(session.access_jwt.clone()).await {
        Err(Error::SignInAgain) => {
            *session = refresh_at(client, session, now).await?;
            call(session.access_jwt.clone()).await
        }
        other => other,
    }
}

/// Asks the server whether the session still works, refreshing it if needed, and
/// returns the session to keep. A yes-or-no question: a rate limit here carries no time.
pub async fn check(client: &Client, session: &Session) -> Result<Session, Error> {
    let pds = session.pds_url()?;
    let mut session = session.clone();
    with_session(client, &mut session, None, |token| {
        let pds = pds.clone();
        async move {
            Xrpc::new(client, &pds, None)
                .get("com.atproto.server.getSession", &[], Some(&token))
                .await
        }
    })
    .await?;
    Ok(session)
}

/// A service token from the PDS: the account's signature on a call to another service
/// (`aud`), for one method (`lxm`), until `exp` (Unix seconds) when given.
pub(super) async fn service_token(
    client: &Client,
    session: &mut Session,
    aud: &str,
    lxm: &str,
    exp: Option<i64>,
    now: i64,
) -> Result<String, Error> {
    let pds = session.pds_url()?;
    let exp = exp.map(|exp| exp.to_string());
    let answer = with_session(client, session, Some(now), |token| {
        let pds = pds.clone();
        let exp = exp.clone();
        async move {
            let mut query = vec![("aud", aud), ("lxm", lxm)];
            if let Some(exp) = &exp {
                query.push(("exp", exp));
            }
            Xrpc::new(client, &pds, Some(now))
                .get("com.atproto.server.getServiceAuth", &query, Some(&token))
                .await
        }
    })
    .await?;
    answer
        .get("token")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| Error::NotBluesky {
            pds: session.pds.clone(),
        })
}
