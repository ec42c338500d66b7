//! Signing in to a Mastodon server: Relais registers itself once per server (the
//! caller caches the registration), sends the volunteer's browser to the server's
//! authorization page, and exchanges the code it gets back for a token. PKCE (S256)
//! is used wherever the server announces it; the `state` is checked on the way back.

use ct_codecs::{Base64UrlSafeNoPadding, Encoder};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use url::Url;

use super::api::Api;
use super::Error;
use crate::net::Client;

/// Registered without a port: Mastodon (Doorkeeper) accepts any port on a loopback IP
/// literal, so the listener may take whichever the system gives.
pub const LOOPBACK_REDIRECT: &str = "http://127.0.0.1/callback";
/// The server shows the code for the volunteer to paste (no browser on this machine).
pub const PASTE_REDIRECT: &str = "urn:ietf:wg:oauth:2.0:oob";
/// What Relais asks for: post, attach media, and read its own account and statuses
/// (to check whether a post whose answer was lost was written).
pub const SCOPES: &str = "read:accounts read:statuses write:media write:statuses";

/// Relais as registered on one server. The client secret makes it a secret as a whole.
#[derive(Clone, Serialize, Deserialize)]
pub struct App {
    pub client_id: String,
    client_secret: String,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

pub async fn register(client: &Client, server: &Url, now: i64) -> Result<App, Error> {
    let api = Api {
        client,
        server,
        token: None,
        now,
    };
    let url = api.url("api/v1/apps")?;
    let request = api.request(Method::POST, &url)?.form(&[
        ("client_name", "Relais"),
        // One registration for both ways back; newline-separated works on every version.
        (
            "redirect_uris",
            &format!("{LOOPBACK_REDIRECT}\n{PASTE_REDIRECT}"),
        ),
        ("scopes", SCOPES),
        ("website", "https://relais.invalid"),
    ]);
    let answer = api.send_any(request, &url).await?;
    if answer.status != 200 {
        return Err(api.not_mastodon());
    }
    serde_json::from_value(answer.body).map_err(|_| api.not_mastodon())
}

/// Where the volunteer's browser comes back to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redirect {
    /// The loopback listener on this port.
    Loopback { port: u16 },
    /// The server shows the code; the volunteer pastes it.
    Paste,
}

impl Redirect {
    fn uri(&self) -> String {
        match self {
            Redirect::Loopback { port } => format!("http://127.0.0.1:{port}/callback"),
            Redirect::Paste => PASTE_REDIRECT.to_owned(),
        }
    }
}

/// One sign-in under way: what the way back is checked against.
pub struct SignIn {
    pub server: Url,
    pub app: App,
    pub redirect: Redirect,
    pub state: String,
    /// PKCE's verifier, when the server takes PKCE.
    verifier: Option<String>,
    pub authorize_url: Url,
}

impl std::fmt::Debug for SignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignIn")
            .field("server", &self.server.as_str())
            .field("redirect", &self.redirect)
            .finish_non_exhaustive()
    }
}

fn base64url(bytes: &[u8]) -> String {
    // Encoding into a growable string cannot fail.
    Base64UrlSafeNoPadding::encode_to_string(bytes).unwrap_or_default()
}

/// Whether the server announces PKCE with S256 (Mastodon 4.3 and later).
async fn takes_pkce(api: &Api<'_>) -> bool {
    match api.get(".well-known/oauth-authorization-server").await {
        Ok(answer) if answer.status == 200 => answer
            .body
            .get("code_challenge_methods_supported")
            .and_then(Value::as_array)
            .is_some_and(|methods| methods.iter().any(|m| m.as_str() == Some("S256"))),
        _ => false,
    }
}

/// Prepares the authorization page's address. `random`: 32 bytes for the state and 32
/// for the PKCE verifier, passed in. `lang`: the page's language ("fr").
pub async fn begin(
    client: &Client,
    server: &Url,
    app: App,
    redirect: Redirect,
    random: [u8; 64],
    lang: &str,
    now: i64,
) -> Result<SignIn, Error> {
    let api = Api {
        client,
        server,
        token: None,
        now,
    };
    let state = base64url(&random[..32]);
    let verifier = takes_pkce(&api).await.then(|| base64url(&random[32..]));
    let mut authorize_url = api.url("oauth/authorize")?;
    {
        let mut query = authorize_url.query_pairs_mut();
        query
            .append_pair("client_id", &app.client_id)
            .append_pair("redirect_uri", &redirect.uri())
            .append_pair("response_type", "code")
            .append_pair("scope", SCOPES)
            .append_pair("state", &state)
            .append_pair("lang", lang);
        if let Some(verifier) = &verifier {
            query
                .append_pair("code_challenge", &base64url(&Sha256::digest(verifier)))
                .append_pair("code_challenge_method", "S256");
        }
    }
    Ok(SignIn {
        server: server.clone(),
        app,
        redirect,
        state,
        verifier,
        authorize_url,
    })
}

/// Who signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Who {
    pub id: String,
    pub username: String,
    pub display_name: String,
}

/// The code exchanged for a token, and the account it belongs to.
pub async fn finish(
    client: &Client,
    sign_in: &SignIn,
    code: &str,
    now: i64,
) -> Result<(crate::networks::mastodon::Token, Who), Error> {
    let api = Api {
        client,
        server: &sign_in.server,
        token: None,
        now,
    };
    let url = api.url("oauth/token")?;
    let redirect = sign_in.redirect.uri();
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code.trim()),
        ("client_id", sign_in.app.client_id.as_str()),
        ("client_secret", sign_in.app.client_secret.as_str()),
        ("redirect_uri", redirect.as_str()),
        ("scope", SCOPES),
    ];
    if let Some(verifier) = &sign_in.verifier {
        form.push(("code_verifier", verifier));
    }
    let request = api.request(Method::POST, &url)?.form(&form);
    let answer = match api.send_any(request, &url).await {
        // The token endpoint answers a bad code with 400/401 invalid_grant.
        Err(Error::SignInAgain | Error::Refused { .. }) => return Err(Error::CodeRefused),
        other => other?,
    };
    let token = answer
        .body
        .get("access_token")
        .and_then(Value::as_str)
        .filter(|_| answer.status == 200)
        .ok_or_else(|| api.not_mastodon())?;
    let token = crate::networks::mastodon::Token::new(token.to_owned());
    let who = who_am_i(client, &sign_in.server, &token, now).await?;
    Ok((token, who))
}

/// The account a token belongs to (it also proves the token works).
pub async fn who_am_i(
    client: &Client,
    server: &Url,
    token: &crate::networks::mastodon::Token,
    now: i64,
) -> Result<Who, Error> {
    let api = Api {
        client,
        server,
        token: Some(token.expose()),
        now,
    };
    let answer = api.get("api/v1/accounts/verify_credentials").await?;
    let field = |name: &str| {
        answer
            .body
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    match (answer.status, field("id"), field("username")) {
        (200, Some(id), Some(username)) => Ok(Who {
            id,
            display_name: field("display_name").unwrap_or_default(),
            username,
        }),
        _ => Err(api.not_mastodon()),
    }
}
