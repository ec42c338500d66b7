//! Sentences from templates: `{name}` replaced by the parameter, each kind formatted for
//! the language (« 14 mars 2026 à 20 h », « 2,5 Mo », "2.5 MB"). The window's
//! `ui/format.js` follows the same rules.

use chrono::{Datelike, Local, TimeZone, Timelike};

use super::{template, Lang, Message, Param};

pub(super) fn render(message: &Message, lang: Lang) -> String {
    let Some(text) = template_for(message, lang).or_else(|| template_for(message, Lang::En)) else {
        return message.code.clone();
    };
    let sizes = shown_sizes(message, lang);
    let mut out = String::with_capacity(text.len() + 32);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if is_name(&after[..close]) => {
                let name = &after[..close];
                match message.params.get(name) {
                    Some(Param::Size { size }) => out.push_str(
                        sizes
                            .iter()
                            .find(|(key, _)| *key == name)
                            .map(|(_, shown)| shown.clone())
                            .unwrap_or_else(|| format_size(*size, lang, false))
                            .as_str(),
                    ),
                    Some(param) => out.push_str(&param_text(param, lang)),
                    // A parameter the code did not give: left visible, never panics.
                    None => out.push_str(&rest[open..open + close + 2]),
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_name(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The template, choosing `key.one` / `key.other` by the `count` parameter when the
/// catalogue words the message by number.
fn template_for(message: &Message, lang: Lang) -> Option<&'static str> {
    if let Some(text) = template(&message.code, lang) {
        return Some(text);
    }
    let count = match message.params.get("count") {
        Some(Param::Number(count)) => *count,
        _ => return None,
    };
    let one = match lang {
        Lang::Fr => count == 0 || count == 1,
        Lang::En => count == 1,
    };
    let key = format!("{}.{}", message.code, if one { "one" } else { "other" });
    template(&key, lang).or_else(|| template(&format!("{}.other", message.code), lang))
}

/// Sizes in a message are shown rounded, unless two of them would then read the same
/// ("2 MB is over the limit of 2 MB"): then every size is shown in exact bytes.
fn shown_sizes(message: &Message, lang: Lang) -> Vec<(&'static str, String)> {
    let sizes: Vec<(&'static str, u64)> = message
        .params
        .iter()
        .filter_map(|(name, param)| match param {
            Param::Size { size } => Some((*name, *size)),
            _ => None,
        })
        .collect();
    let rounded: Vec<String> = sizes
        .iter()
        .map(|(_, size)| format_size(*size, lang, false))
        .collect();
    let clash = sizes.iter().enumerate().any(|(i, (_, a))| {
        sizes
            .iter()
            .enumerate()
            .any(|(j, (_, b))| i != j && a != b && rounded[i] == rounded[j])
    });
    sizes
        .iter()
        .zip(rounded)
        .map(|((name, size), rounded)| {
            (
                *name,
                if clash {
                    format_size(*size, lang, true)
                } else {
                    rounded
                },
            )
        })
        .collect()
}

fn param_text(param: &Param, lang: Lang) -> String {
    match param {
        Param::Text(text) => text.clone(),
        Param::Number(number) => group_digits(*number, lang),
        Param::Size { size } => format_size(*size, lang, false),
        Param::Date { date } => format_date(*date, lang),
        Param::Localized { fr, en } => {
            let (first, second) = match lang {
                Lang::Fr => (fr, en),
                Lang::En => (en, fr),
            };
            if first.is_empty() { second } else { first }.clone()
        }
        Param::List { list } => list.join(", "),
        Param::Message { message } => message.render(lang),
    }
}

fn group_digits(number: i64, lang: Lang) -> String {
    let digits = number.unsigned_abs().to_string();
    if digits.len() <= 4 && lang == Lang::Fr || digits.len() <= 3 {
        return number.to_string();
    }
    // French groups with a narrow no-break space, English with a comma.
    let separator = match lang {
        Lang::Fr => "\u{202F}",
        Lang::En => ",",
    };
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push_str(separator);
        }
        out.push(digit);
    }
    if number < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// « 2,5 Mo », « 980 Ko », « 512 octets »; "2.5 MB", "980 KB", "512 bytes" (decimal
/// units, as file managers show them). `exact`: every byte, grouped.
pub fn format_size(bytes: u64, lang: Lang, exact: bool) -> String {
    let (unit_bytes, kilo, mega, giga) = match lang {
        Lang::Fr => ("octets", "Ko", "Mo", "Go"),
        Lang::En => ("bytes", "KB", "MB", "GB"),
    };
    if exact || bytes < 1_000 {
        let shown = group_digits(bytes.min(i64::MAX as u64) as i64, lang);
        return match (lang, bytes) {
            (Lang::Fr, 0 | 1) => format!("{shown} octet"),
            (Lang::En, 1) => format!("{shown} byte"),
            _ => format!("{shown} {unit_bytes}"),
        };
    }
    let (value, unit) = if bytes >= 1_000_000_000 {
        (bytes as f64 / 1e9, giga)
    } else if bytes >= 1_000_000 {
        (bytes as f64 / 1e6, mega)
    } else {
        (bytes as f64 / 1e3, kilo)
    };
    let mut text = format!("{value:.1}");
    if let Some(whole) = text.strip_suffix(".0") {
        text = whole.to_owned();
    }
    if lang == Lang::Fr {
        text = text.replace('.', ",");
    }
    format!("{text}\u{A0}{unit}")
}

const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// « 14 mars 2026 à 20 h », « 1er juin 2026 à 8 h 05 »; "14 March 2026 at 20:00", in
/// the computer's time zone.
pub fn format_date(unix: i64, lang: Lang) -> String {
    match Local.timestamp_opt(unix, 0).single() {
        Some(local) => format_local(local.naive_local(), lang),
        None => unix.to_string(),
    }
}

fn format_local(local: chrono::NaiveDateTime, lang: Lang) -> String {
    let month = local.month0() as usize;
    match lang {
        Lang::Fr => {
            let day = if local.day() == 1 {
                "1er".to_owned()
            } else {
                local.day().to_string()
            };
            let time = if local.minute() == 0 {
                format!("{}\u{A0}h", local.hour())
            } else {
                format!("{}\u{A0}h\u{A0}{:02}", local.hour(), local.minute())
            };
            format!("{day} {} {} à {time}", MONTHS_FR[month], local.year())
        }
        Lang::En => format!(
            "{} {} {} at {:02}:{:02}",
            local.day(),
            MONTHS_EN[month],
            local.year(),
            local.hour(),
            local.minute()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_each_language_writes_them() {
        let at =
            |text: &str| chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
        assert_eq!(
            format_local(at("2026-03-14 20:00"), Lang::Fr),
            "14 mars 2026 à 20\u{A0}h"
        );
        assert_eq!(
            format_local(at("2026-06-01 08:05"), Lang::Fr),
            "1er juin 2026 à 8\u{A0}h\u{A0}05"
        );
        assert_eq!(
            format_local(at("2026-03-14 20:00"), Lang::En),
            "14 March 2026 at 20:00"
        );
    }

    #[test]
    fn sizes_read_as_each_language_writes_them() {
        assert_eq!(format_size(2_500_000, Lang::Fr, false), "2,5\u{A0}Mo");
        assert_eq!(format_size(2_500_000, Lang::En, false), "2.5\u{A0}MB");
        assert_eq!(format_size(980_000, Lang::Fr, false), "980\u{A0}Ko");
        assert_eq!(format_size(512, Lang::Fr, false), "512 octets");
        assert_eq!(format_size(1, Lang::En, false), "1 byte");
        assert_eq!(format_size(4_294_967_296, Lang::En, false), "4.3\u{A0}GB");
        assert_eq!(
            format_size(2_000_001, Lang::Fr, true),
            "2\u{202F}000\u{202F}001 octets"
        );
        assert_eq!(format_size(2_000_001, Lang::En, true), "2,000,001 bytes");
    }
}
