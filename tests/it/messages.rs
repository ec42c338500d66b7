//! The one catalogue: every message code the library can produce and every key the
//! window uses has a French and an English text, both languages have the same keys,
//! and each text names the same parameters in both.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use relais::messages::{self, Describe, Lang, Message};

fn catalogue(text: &str) -> BTreeMap<String, String> {
    serde_json::from_str(text).expect("the catalogue is a flat JSON object of strings")
}

/// Every error enum that reaches a person, by its own list of codes.
fn all_codes() -> Vec<String> {
    let mut codes = Vec::new();
    codes.extend(relais::db::Error::codes());
    codes.extend(relais::kit::Error::codes());
    codes.extend(relais::kit::ManifestError::codes());
    codes.extend(relais::kit::key::Error::codes());
    codes.extend(relais::kit::signature::Error::codes());
    codes.extend(relais::kit::source::Error::codes());
    codes.extend(relais::kit::subscribe::Error::codes());
    codes.extend(relais::kit::remote::Error::codes());
    codes.extend(relais::net::Error::codes());
    codes.extend(relais::render::Error::codes());
    codes.extend(relais::render::fit::Error::codes());
    codes.extend(relais::draft::Error::codes());
    codes.extend(relais::cli::Error::codes());
    codes.extend(relais::accounts::Error::codes());
    codes.extend(relais::networks::Problem::codes());
    codes.extend(relais::networks::bluesky::Error::codes());
    codes.extend(relais::networks::telegram::Error::codes());
    codes.extend(relais::networks::discord::Error::codes());
    codes.extend(relais::networks::folder::Error::codes());
    codes.extend(relais::networks::mastodon::Error::codes());
    codes.extend(relais::accounts::status_codes());
    codes.extend(relais::accounts::part_codes());
    codes.extend(relais::networks::mastodon::page_codes());
    codes.extend(messages::io_codes());
    codes.extend(relais::cli::message_codes());
    #[cfg(feature = "desktop")]
    codes.extend(relais::desktop::message_codes());
    codes
}

/// How many error enums implement `Describe`: each must be listed in `all_codes`.
const DESCRIBED_ENUMS: usize = 20;

fn has(catalogue: &BTreeMap<String, String>, key: &str) -> bool {
    catalogue.contains_key(key)
        || (catalogue.contains_key(&format!("{key}.one"))
            && catalogue.contains_key(&format!("{key}.other")))
}

#[test]
fn every_code_the_library_can_produce_has_a_french_and_an_english_text() {
    let fr = catalogue(messages::CATALOGUE_FR);
    let en = catalogue(messages::CATALOGUE_EN);
    let codes = all_codes();
    assert!(codes.len() > 100, "the codes are listed: {}", codes.len());
    let missing: Vec<String> = codes
        .iter()
        .flat_map(|code| {
            [("fr", &fr), ("en", &en)]
                .into_iter()
                .filter(|(_, catalogue)| !has(catalogue, code))
                .map(move |(lang, _)| format!("{lang}: {code}"))
        })
        .collect();
    assert!(missing.is_empty(), "texts missing:\n{}", missing.join("\n"));
}

#[test]
fn every_error_enum_that_describes_itself_is_checked() {
    let mut found = 0;
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let source = std::fs::read_to_string(&path).unwrap();
                found += source.matches("impl crate::messages::Describe for").count()
                    + source.matches("impl Describe for").count();
            }
        }
    }
    assert_eq!(
        found, DESCRIBED_ENUMS,
        "a new `impl Describe` must be added to all_codes() so its texts are checked"
    );
}

#[test]
fn french_and_english_have_the_same_keys() {
    let fr: BTreeSet<String> = catalogue(messages::CATALOGUE_FR).into_keys().collect();
    let en: BTreeSet<String> = catalogue(messages::CATALOGUE_EN).into_keys().collect();
    let only_fr: Vec<_> = fr.difference(&en).collect();
    let only_en: Vec<_> = en.difference(&fr).collect();
    assert!(
        only_fr.is_empty() && only_en.is_empty(),
        "only in French: {only_fr:?}\nonly in English: {only_en:?}"
    );
}

fn placeholders(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        if let Some(close) = after.find('}') {
            let name = &after[..close];
            if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                names.insert(name.to_owned());
            }
            rest = &after[close + 1..];
        } else {
            break;
        }
    }
    names
}

#[test]
fn each_text_names_the_same_parameters_in_both_languages() {
    let fr = catalogue(messages::CATALOGUE_FR);
    let en = catalogue(messages::CATALOGUE_EN);
    let differing: Vec<String> = fr
        .iter()
        .filter_map(|(key, text)| {
            let other = en.get(key)?;
            (placeholders(text) != placeholders(other)).then(|| {
                format!(
                    "{key}: fr {:?} / en {:?}",
                    placeholders(text),
                    placeholders(other)
                )
            })
        })
        .collect();
    assert!(differing.is_empty(), "{}", differing.join("\n"));
}

/// Keys the window names literally: `t("…")`, `tn("…", n)`, `data-i18n="…"` and its
/// `-placeholder` and `-aria-label` forms.
fn ui_keys() -> BTreeSet<(String, bool)> {
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui");
    let mut keys = BTreeSet::new();
    for entry in std::fs::read_dir(&ui).unwrap() {
        let path = entry.unwrap().path();
        let is_code = path.extension().is_some_and(|e| e == "js" || e == "html");
        if !is_code {
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        for (marker, plural) in [
            ("t(\"", false),
            ("tn(\"", true),
            ("data-i18n=\"", false),
            ("data-i18n-placeholder=\"", false),
            ("data-i18n-aria-label=\"", false),
        ] {
            for (at, _) in source.match_indices(marker) {
                // `t("` inside a longer name (`set("`) is not a lookup.
                let before = source[..at].chars().last();
                if marker.starts_with('t')
                    && before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.')
                {
                    continue;
                }
                let start = at + marker.len();
                if let Some(end) = source[start..].find('"') {
                    keys.insert((source[start..start + end].to_owned(), plural));
                }
            }
        }
    }
    keys
}

#[test]
fn every_key_the_window_uses_has_a_french_and_an_english_text() {
    let fr = catalogue(messages::CATALOGUE_FR);
    let en = catalogue(messages::CATALOGUE_EN);
    let keys = ui_keys();
    assert!(
        keys.len() > 80,
        "the window's keys are found: {}",
        keys.len()
    );
    let missing: Vec<String> = keys
        .iter()
        .filter(|(key, plural)| {
            let present = |catalogue: &BTreeMap<String, String>| {
                if *plural {
                    catalogue.contains_key(&format!("{key}.one"))
                        && catalogue.contains_key(&format!("{key}.other"))
                } else {
                    catalogue.contains_key(key)
                }
            };
            !present(&fr) || !present(&en)
        })
        .map(|(key, _)| key.clone())
        .collect();
    assert!(missing.is_empty(), "keys without text: {missing:?}");
}

#[test]
fn a_message_is_worded_in_the_language_asked_with_its_values_formatted() {
    let message = Message::new("error.kit.size_mismatch")
        .text("file", "affiche.png")
        .size("expected", 2_500_000)
        .size("actual", 2_600_000);
    let fr = message.render(Lang::Fr);
    let en = message.render(Lang::En);
    assert!(
        fr.contains("affiche.png") && fr.contains("2,5\u{A0}Mo"),
        "{fr}"
    );
    assert!(
        en.contains("affiche.png") && en.contains("2.5\u{A0}MB"),
        "{en}"
    );
    assert_ne!(fr, en);
}

#[test]
fn sizes_that_would_read_the_same_are_shown_in_exact_bytes() {
    let message = Message::new("error.kit.size_mismatch")
        .text("file", "affiche.png")
        .size("expected", 2_000_000)
        .size("actual", 2_000_001);
    let en = message.render(Lang::En);
    assert!(
        en.contains("2,000,000 bytes") && en.contains("2,000,001 bytes"),
        "two sizes that both round to 2 MB must not read as equal: {en}"
    );
}

#[test]
fn a_nested_reason_is_worded_in_the_same_language() {
    let damaged = relais::kit::Error::CopyDamaged {
        kit: "municipales".into(),
        version: 3,
        problem: Box::new(relais::kit::Error::HashMismatch {
            file: "affiche.png".into(),
        }),
    };
    let fr = damaged.describe().render(Lang::Fr);
    let inner_fr = relais::kit::Error::HashMismatch {
        file: "affiche.png".into(),
    }
    .describe()
    .render(Lang::Fr);
    assert!(
        fr.contains(&inner_fr),
        "the reason is inside, in French: {fr}"
    );
    assert!(fr.contains("municipales"));
}
