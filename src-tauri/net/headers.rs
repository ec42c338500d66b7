//! When a server says to come back: `Retry-After` (seconds or an HTTP date) and the
//! rate-limit headers (Mastodon's `X-RateLimit-*` with an ISO-8601 reset, the IETF
//! draft's `RateLimit-*` that Bluesky sends with a reset in Unix seconds). Every time
//! is returned as wall-clock Unix seconds, computed from `now_unix` passed in.

use reqwest::header::HeaderMap;

/// The server's account of its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    /// When the window resets, as Unix seconds.
    pub reset_at: Option<i64>,
}

fn text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name)?.to_str().ok().map(str::trim)
}

/// `Retry-After` as an absolute time: "120" is two minutes from `now_unix`, an HTTP
/// date is that date. A date in the past means now.
pub fn retry_after(headers: &HeaderMap, now_unix: i64) -> Option<i64> {
    let value = text(headers, "retry-after")?;
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(now_unix.saturating_add(seconds.min(i64::MAX as u64) as i64));
    }
    // Fractional seconds (Discord's body says 0.35; some proxies copy that here).
    if let Ok(seconds) = value.parse::<f64>() {
        if seconds.is_finite() && seconds >= 0.0 {
            return Some(now_unix.saturating_add(seconds.ceil() as i64));
        }
    }
    let date = httpdate::parse_http_date(value).ok()?;
    let unix = date
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs()
        .min(i64::MAX as u64) as i64;
    Some(unix.max(now_unix))
}

/// The rate-limit headers, if the server sent any.
pub fn rate_limit(headers: &HeaderMap, now_unix: i64) -> Option<RateLimit> {
    let number = |name: &str| text(headers, name).and_then(|value| value.parse::<u64>().ok());
    let (limit, remaining, reset) = if headers.contains_key("x-ratelimit-limit")
        || headers.contains_key("x-ratelimit-reset")
    {
        (
            number("x-ratelimit-limit"),
            number("x-ratelimit-remaining"),
            text(headers, "x-ratelimit-reset"),
        )
    } else if headers.contains_key("ratelimit-limit") || headers.contains_key("ratelimit-reset") {
        (
            number("ratelimit-limit"),
            number("ratelimit-remaining"),
            text(headers, "ratelimit-reset"),
        )
    } else {
        return None;
    };
    let reset_at = reset.and_then(|value| reset_time(value, now_unix));
    Some(RateLimit {
        limit,
        remaining,
        reset_at,
    })
}

/// A reset is an ISO-8601 time (Mastodon), Unix seconds (Bluesky), or seconds from
/// now (the IETF draft): a number below a billion cannot be a date since 2001.
fn reset_time(value: &str, now_unix: i64) -> Option<i64> {
    if let Ok(number) = value.parse::<i64>() {
        return Some(if number >= 1_000_000_000 {
            number
        } else {
            now_unix.saturating_add(number.max(0))
        });
    }
    crate::dates::parse_rfc3339(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderName, HeaderValue};

    const NOW: i64 = 1_790_000_000;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    #[test]
    fn retry_after_in_seconds_counts_from_now() {
        assert_eq!(
            retry_after(&headers(&[("Retry-After", "120")]), NOW),
            Some(NOW + 120)
        );
    }

    #[test]
    fn retry_after_as_an_http_date_is_that_date() {
        // 1790000000 is Mon, 21 Sep 2026 14:13:20 GMT.
        let later = headers(&[("Retry-After", "Mon, 21 Sep 2026 14:23:20 GMT")]);
        assert_eq!(retry_after(&later, NOW), Some(NOW + 600));
        let past = headers(&[("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")]);
        assert_eq!(
            retry_after(&past, NOW),
            Some(NOW),
            "a date in the past means now"
        );
    }

    #[test]
    fn retry_after_that_is_neither_is_ignored() {
        assert_eq!(retry_after(&headers(&[("Retry-After", "soon")]), NOW), None);
        assert_eq!(retry_after(&HeaderMap::new(), NOW), None);
    }

    #[test]
    fn mastodons_rate_limit_reset_is_an_iso_8601_time() {
        let limit = rate_limit(
            &headers(&[
                ("X-RateLimit-Limit", "300"),
                ("X-RateLimit-Remaining", "0"),
                ("X-RateLimit-Reset", "2026-09-21T14:18:20.123456Z"),
            ]),
            NOW,
        )
        .unwrap();
        assert_eq!(limit.limit, Some(300));
        assert_eq!(limit.remaining, Some(0));
        assert_eq!(limit.reset_at, Some(NOW + 300));
    }

    #[test]
    fn blueskys_rate_limit_reset_is_unix_seconds_and_the_drafts_is_a_delay() {
        let epoch = rate_limit(
            &headers(&[("RateLimit-Limit", "30"), ("RateLimit-Reset", "1790000289")]),
            NOW,
        )
        .unwrap();
        assert_eq!(epoch.reset_at, Some(NOW + 289));
        let delay = rate_limit(&headers(&[("RateLimit-Reset", "60")]), NOW).unwrap();
        assert_eq!(delay.reset_at, Some(NOW + 60));
        assert_eq!(rate_limit(&HeaderMap::new(), NOW), None);
    }
}
