//! The real Secret Service for tests: GNOME Keyring, started once per test run inside
//! the private D-Bus session `./x test` makes (`dbus-run-session`), with a login keyring
//! created and unlocked by a throwaway password. Nothing touches the developer's own.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

static STARTED: OnceLock<Result<(), String>> = OnceLock::new();

/// Makes sure the keychain answers; panics with how to run the tests if it cannot.
pub fn ensure() {
    let started = STARTED.get_or_init(start);
    if let Err(why) = started {
        panic!("no Secret Service for the keychain tests: {why}. Run them through `./x test` (a private dbus-run-session with gnome-keyring).");
    }
}

fn start() -> Result<(), String> {
    let bus = std::env::var("DBUS_SESSION_BUS_ADDRESS").unwrap_or_default();
    if bus.is_empty() {
        return Err("DBUS_SESSION_BUS_ADDRESS is not set".into());
    }
    // The developer's own bus must never get a test keyring: only a private one, which
    // dbus-run-session gives as a unix:path or unix:abstract under /tmp.
    if !bus.contains("/tmp/") {
        return Err(format!("the session bus {bus} does not look private"));
    }
    let mut daemon = Command::new("gnome-keyring-daemon")
        .args(["--unlock", "--components=secrets", "--daemonize"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|error| format!("gnome-keyring-daemon cannot start ({error})"))?;
    daemon
        .stdin
        .take()
        .ok_or("no stdin")?
        .write_all(b"relais-test-keyring")
        .map_err(|error| error.to_string())?;
    let status = daemon.wait().map_err(|error| error.to_string())?;
    if !status.success() {
        return Err(format!("gnome-keyring-daemon exited with {status}"));
    }
    // Answering on the bus, with a default collection to write into.
    let probe = relais::accounts::AccountId::from_random([0; 8]);
    let keychain = relais::accounts::Keychain;
    for _ in 0..50 {
        let secret = relais::accounts::Secret::new("probe".into());
        if keychain.store(&probe, &secret).is_ok() {
            let _ = keychain.forget(&probe);
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    Err("the keyring did not answer within 5 s".into())
}
