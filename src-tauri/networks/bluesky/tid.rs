//! Record keys: TIDs, 13 characters of sortable base32 from a time in microseconds and
//! a 10-bit clock id (the Bluesky app does not show posts under other keys).

const ALPHABET: &[u8; 32] = b"234567abcdefghijklmnopqrstuvwxyz";

/// The TID for `micros` since the Unix epoch and `clock_id` (only its low 10 bits).
pub fn tid(micros: u64, clock_id: u16) -> String {
    // The top bit stays 0.
    let value = ((micros & 0x1F_FFFF_FFFF_FFFF) << 10) | u64::from(clock_id & 0x3FF);
    (0..13)
        .rev()
        .map(|i| ALPHABET[((value >> (i * 5)) & 0x1F) as usize] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::tid;

    #[test]
    fn a_tid_is_thirteen_sortable_characters_starting_below_k() {
        let a = tid(1_767_225_600_000_000, 7);
        let b = tid(1_767_225_600_000_001, 0);
        assert_eq!(a.len(), 13);
        assert!(a < b, "later times sort later: {a} {b}");
        // The first character carries the top bit, which is 0.
        assert!(a.as_bytes()[0] < b'k', "{a}");
        assert_eq!(tid(0, 0), "2222222222222");
    }
}
