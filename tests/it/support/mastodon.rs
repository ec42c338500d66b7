//! The Mastodon peer (`mastodon-mock` from PyPI, in tests/peers/mastodon/.venv that
//! `./x test` makes) on loopback, started once per test run. It speaks Mastodon's API
//! for apps, OAuth, media, statuses and idempotency keys; what it cannot do (202/206
//! processing, the 1500-character alt limit, ISO-8601 resets) is scripted elsewhere.

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

use super::peer::{self, Peer};

pub struct Mastodon {
    /// `http://127.0.0.1:PORT/`
    pub url: url::Url,
    /// The seeded account's username, whose OAuth code is `mockcode_<username>`.
    pub username: String,
    /// The mock's own token for that account, for reading back what Relais wrote.
    pub token: String,
    _peer: Peer,
}

static MASTODON: OnceLock<Mastodon> = OnceLock::new();

pub fn mastodon() -> &'static Mastodon {
    MASTODON.get_or_init(|| {
        let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/mastodon");
        assert!(
            here.join(".venv/.relais-install-stamp").is_file(),
            "the Mastodon peer is not installed: run tests/peers/mastodon/install.sh (./x test does)"
        );
        let mut command = Command::new("python3");
        command.arg(here.join("start.py"));
        let peer = peer::start(command, "the Mastodon peer");
        let field = |name: &str| peer.ready[name].as_str().expect(name).to_owned();
        Mastodon {
            url: url::Url::parse(&format!("{}/", field("base"))).expect("the base address"),
            username: field("username"),
            token: field("token"),
            _peer: peer,
        }
    })
}

impl Mastodon {
    pub async fn get(&self, path: &str) -> (u16, Value) {
        let answer = reqwest::Client::new()
            .get(self.url.join(path).expect("a path"))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("the peer answers");
        let status = answer.status().as_u16();
        (status, answer.json().await.unwrap_or(Value::Null))
    }

    /// Plays the volunteer's browser on the mock's authorization page: picks the seeded
    /// account and follows the redirect, wherever it points. Returns the redirect.
    pub async fn authorize(&self, authorize_url: &url::Url) -> url::Url {
        let (browser, chosen) = self.choose_account(authorize_url).await;
        let location = chosen
            .headers()
            .get("location")
            .expect("a redirect back")
            .to_str()
            .expect("an address");
        let back = url::Url::parse(location).expect("an address");
        if back.scheme() == "http" {
            // The browser goes back to Relais's listener.
            let _ = browser.get(back.clone()).send().await;
        }
        back
    }

    /// Plays the volunteer's browser on the authorization page of a sign-in with no way
    /// back (`urn:ietf:wg:oauth:2.0:oob`): the server shows the code on a page, as a real
    /// Mastodon does, and the volunteer reads it there. Returns that code.
    pub async fn code_shown(&self, authorize_url: &url::Url) -> String {
        let (_, page) = self.choose_account(authorize_url).await;
        assert_eq!(page.status(), 200, "the code is shown on a page");
        let page = page.text().await.expect("the page with the code");
        let (_, after) = page
            .split_once("Authorization code:")
            .unwrap_or_else(|| panic!("the page shows a code: {page}"));
        after
            .split('<')
            .next()
            .unwrap_or_default()
            .trim()
            .to_owned()
    }

    /// Opens the authorization page and picks the seeded account on it.
    async fn choose_account(
        &self,
        authorize_url: &url::Url,
    ) -> (reqwest::Client, reqwest::Response) {
        let query: std::collections::HashMap<String, String> =
            authorize_url.query_pairs().into_owned().collect();
        let browser = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a browser");
        let page = browser
            .get(authorize_url.clone())
            .send()
            .await
            .expect("the authorization page");
        assert_eq!(page.status(), 200, "the authorization page shows");
        let chosen = browser
            .post(self.url.join("oauth/authorize").expect("a path"))
            .form(&[
                ("username", self.username.as_str()),
                ("redirect_uri", &query["redirect_uri"]),
                ("client_id", &query["client_id"]),
                ("scope", &query["scope"]),
                ("state", &query["state"]),
            ])
            .send()
            .await
            .expect("the authorization");
        (browser, chosen)
    }
}
