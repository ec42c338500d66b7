//! The only place that reads the wall clock. Library code takes the time as a
//! parameter; the CLI and the desktop shell call this at their edges.

pub fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs() as i64)
        .unwrap_or(0)
}
