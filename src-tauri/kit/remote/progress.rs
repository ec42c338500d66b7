use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

/// How far a sync's downloads are: only files that had to be fetched count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Progress {
    pub files_done: u64,
    pub files_total: u64,
    pub bytes_done: u64,
    pub bytes_total: u64,
}

/// Bytes are reported at most every `STEP` so a UI listening through IPC is not
/// flooded with one event per network packet.
const STEP: u64 = 256 * 1024;

/// Counters shared by the concurrent downloads of one sync.
pub(crate) struct Tally<'a> {
    files_done: AtomicU64,
    bytes_done: AtomicU64,
    files_total: u64,
    bytes_total: u64,
    report: &'a (dyn Fn(Progress) + Sync),
}

impl<'a> Tally<'a> {
    pub fn new(files_total: u64, bytes_total: u64, report: &'a (dyn Fn(Progress) + Sync)) -> Self {
        let tally = Self {
            files_done: AtomicU64::new(0),
            bytes_done: AtomicU64::new(0),
            files_total,
            bytes_total,
            report,
        };
        tally.emit();
        tally
    }

    pub fn bytes(&self, count: u64) {
        let before = self.bytes_done.fetch_add(count, Ordering::Relaxed);
        if before / STEP != (before + count) / STEP {
            self.emit();
        }
    }

    pub fn file_done(&self) {
        self.files_done.fetch_add(1, Ordering::Relaxed);
        self.emit();
    }

    pub fn snapshot(&self) -> Progress {
        Progress {
            files_done: self.files_done.load(Ordering::Relaxed),
            files_total: self.files_total,
            bytes_done: self.bytes_done.load(Ordering::Relaxed),
            bytes_total: self.bytes_total,
        }
    }

    fn emit(&self) {
        (self.report)(self.snapshot());
    }
}
