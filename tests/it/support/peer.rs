//! A test peer as a child process: started with a pipe on its stdin (a peer exits when
//! that pipe closes, so it ends with the test process), ready when it prints its one
//! `READY {json}` line on stdout.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

pub struct Peer {
    pub ready: Value,
    _child: std::sync::Mutex<Child>,
}

pub fn start(mut command: Command, what: &str) -> Peer {
    let mut child = command
        .env("RELAIS_PEER_EXIT_ON_STDIN_CLOSE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|error| panic!("{what} does not start: {error}"));
    let stdout = child.stdout.take().expect("the peer's stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read the READY line");
    let ready = line
        .strip_prefix("READY ")
        .unwrap_or_else(|| panic!("{what} did not start: {line:?}"));
    Peer {
        ready: serde_json::from_str(ready).expect("READY carries JSON"),
        _child: std::sync::Mutex::new(child),
    }
}
