//! The reference Bluesky PDS (`@atproto/pds`, with its PLC directory) on loopback,
//! started once per test run from tests/peers/bluesky (installed by `./x test`) and
//! stopped with the test process: it holds a pipe to the peer's stdin, and the peer
//! exits when that pipe closes.

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use serde_json::{json, Value};

pub struct Pds {
    /// `http://localhost:PORT`, the address the PDS knows itself by.
    pub url: String,
    /// Its PLC directory, where its accounts' DID documents are.
    pub plc: String,
    _peer: super::peer::Peer,
}

static PDS: OnceLock<Pds> = OnceLock::new();
static RATE_LIMITED: OnceLock<Pds> = OnceLock::new();

/// The running PDS; starts it on first use.
pub fn pds() -> &'static Pds {
    PDS.get_or_init(|| start(&[]))
}

/// A second PDS with its real rate limits on (createSession: 30 per 5 minutes), started
/// only by the tests that need it, so the others never wait for it nor meet its limits.
pub fn rate_limited_pds() -> &'static Pds {
    RATE_LIMITED.get_or_init(|| start(&[("PDS_RATE_LIMITS_ENABLED", "true")]))
}

fn start(env: &[(&str, &str)]) -> Pds {
    let peer = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/bluesky");
    assert!(
        peer.join("node_modules/.relais-install-stamp").is_file(),
        "the Bluesky peer is not installed: run tests/peers/bluesky/install.sh (./x test does)"
    );
    let mut command = Command::new("node");
    command
        .arg(peer.join("start.mjs"))
        .envs(env.iter().copied());
    let peer = super::peer::start(command, "the Bluesky PDS");
    let field = |name: &str| peer.ready[name].as_str().expect(name).to_owned();
    Pds {
        url: field("pds"),
        plc: field("plc"),
        _peer: peer,
    }
}

/// A fresh account on the PDS and an app password for it, as a volunteer makes one.
pub struct Volunteer {
    pub handle: String,
    pub did: String,
    pub app_password: String,
}

impl Pds {
    /// Creates `name.test` with a random suffix (each test its own account).
    pub async fn volunteer(&self, name: &str) -> Volunteer {
        let mut suffix = [0u8; 3];
        getrandom::fill(&mut suffix).unwrap();
        let handle = format!("{name}{}.test", hex::encode(suffix));
        let http = reqwest::Client::new();
        let created: Value = http
            .post(format!("{}/xrpc/com.atproto.server.createAccount", self.url))
            .json(&json!({"handle": handle, "email": format!("{handle}@example.test"), "password": "main-password-not-for-relais"}))
            .send()
            .await
            .expect("createAccount")
            .json()
            .await
            .expect("createAccount answers JSON");
        let access = created["accessJwt"]
            .as_str()
            .unwrap_or_else(|| panic!("no account: {created}"));
        let app: Value = http
            .post(format!(
                "{}/xrpc/com.atproto.server.createAppPassword",
                self.url
            ))
            .bearer_auth(access)
            .json(&json!({"name": "relais"}))
            .send()
            .await
            .expect("createAppPassword")
            .json()
            .await
            .expect("createAppPassword answers JSON");
        Volunteer {
            handle,
            did: created["did"].as_str().expect("a DID").to_owned(),
            app_password: app["password"]
                .as_str()
                .expect("an app password")
                .to_owned(),
        }
    }

    /// An XRPC GET without authentication (records and blobs are public).
    pub async fn get(&self, method: &str, query: &[(&str, &str)]) -> reqwest::Response {
        let mut url = url::Url::parse(&format!("{}/xrpc/{method}", self.url)).unwrap();
        url.query_pairs_mut().extend_pairs(query);
        reqwest::Client::new()
            .get(url)
            .send()
            .await
            .expect("the PDS answers")
    }
}
