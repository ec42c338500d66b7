//! The reference Bluesky PDS (`@atproto/pds`, with its PLC directory) on loopback,
//! started once per test run from tests/peers/bluesky (installed by `./x test`) and
//! stopped with the test process: it holds a pipe to the peer's stdin, and the peer
//! exits when that pipe closes.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};

use serde_json::{json, Value};

pub struct Pds {
    /// `http://localhost:PORT`, the address the PDS knows itself by.
    pub url: String,
    _child: Mutex<Child>,
}

static PDS: OnceLock<Pds> = OnceLock::new();

/// The running PDS; starts it on first use.
pub fn pds() -> &'static Pds {
    PDS.get_or_init(start)
}

fn start() -> Pds {
    let peer = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/bluesky");
    assert!(
        peer.join("node_modules/.relais-install-stamp").is_file(),
        "the Bluesky peer is not installed: run tests/peers/bluesky/install.sh (./x test does)"
    );
    let mut child = Command::new("node")
        .arg(peer.join("start.mjs"))
        .env("RELAIS_PEER_EXIT_ON_STDIN_CLOSE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("node starts the PDS");
    let stdout = child.stdout.take().expect("the peer's stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read the READY line");
    let ready = line
        .strip_prefix("READY ")
        .unwrap_or_else(|| panic!("the PDS did not start: {line:?}"));
    let ready: Value = serde_json::from_str(ready).expect("READY carries JSON");
    Pds {
        url: ready["pds"].as_str().expect("the PDS address").to_owned(),
        _child: Mutex::new(child),
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
