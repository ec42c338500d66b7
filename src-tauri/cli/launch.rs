//! What the system hands the app when it is opened from a link or a file: a
//! `relais://…` link or a `.relais` kit file as the one free argument. Everything else
//! is left to clap, so a typo such as `relais rendr` is an unknown subcommand with a
//! suggestion, not a "link" that opens the window.

use std::ffi::OsString;
use std::path::PathBuf;

use super::say::Say;
use crate::messages::Lang;

/// What the app was opened with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    Link(String),
    KitFile(PathBuf),
}

/// Splits the opened link or kit file off the arguments: only the first free argument
/// (before any subcommand) counts, and only a `relais://` link or an existing file
/// named `*.relais`. The rest goes to clap unchanged.
pub fn split_opened(args: Vec<OsString>) -> (Vec<OsString>, Option<Opened>) {
    let Some(at) = first_free_argument(&args) else {
        return (args, None);
    };
    let opened = match args[at].to_str() {
        Some(link) if link.starts_with("relais://") => Some(Opened::Link(link.to_owned())),
        _ => {
            let path = PathBuf::from(&args[at]);
            let is_kit = path
                .extension()
                .is_some_and(|ext| ext.eq_ignore_ascii_case("relais"));
            (is_kit && path.is_file()).then_some(Opened::KitFile(path))
        }
    };
    match opened {
        Some(opened) => {
            let mut rest = args;
            rest.remove(at);
            (rest, Some(opened))
        }
        None => (args, None),
    }
}

/// The index of the first argument that is neither the program, a flag, nor a flag's
/// value. `--data-dir` is the only global option that takes a value.
fn first_free_argument(args: &[OsString]) -> Option<usize> {
    let mut index = 1;
    while index < args.len() {
        let arg = args[index].to_string_lossy();
        if arg == "--" {
            return (index + 1 < args.len()).then_some(index + 1);
        }
        if arg == "--data-dir" {
            index += 2;
            continue;
        }
        if !arg.starts_with('-') || arg == "-" {
            return Some(index);
        }
        index += 1;
    }
    None
}

/// Why the window cannot open, as said to whoever started Relais.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoWindow {
    /// Built without the `desktop` feature.
    NotBuilt,
    /// Neither DISPLAY nor WAYLAND_DISPLAY is set: an SSH session, a server, a script.
    NoDisplay,
    /// A display is named but the windowing toolkit could not use it.
    DisplayRefused,
}

/// The sentence for `why`, in the language of the environment.
pub fn no_window_message(why: NoWindow, lang: Lang) -> String {
    let say = match why {
        NoWindow::NotBuilt => Say::NoWindowNotBuilt,
        NoWindow::NoDisplay => Say::NoWindowNoDisplay,
        NoWindow::DisplayRefused => Say::NoWindowDisplayRefused,
    };
    say.message().render(lang)
}

/// True when the system offers no graphical session to open a window in. Only Linux
/// and the BSDs name theirs in the environment; elsewhere there always is one.
pub fn no_graphical_session(get: impl Fn(&str) -> Option<OsString>) -> bool {
    if cfg!(any(target_os = "macos", target_os = "windows")) {
        return false;
    }
    let named = |name: &str| get(name).is_some_and(|value| !value.is_empty());
    !named("DISPLAY") && !named("WAYLAND_DISPLAY")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Vec<OsString> {
        words.iter().map(OsString::from).collect()
    }

    #[test]
    fn a_link_before_any_subcommand_is_what_the_app_was_opened_with() {
        let (rest, opened) = split_opened(args(&[
            "relais",
            "--data-dir",
            "/d",
            "relais://subscribe?url=x",
        ]));
        assert_eq!(
            opened,
            Some(Opened::Link("relais://subscribe?url=x".into()))
        );
        assert_eq!(rest, args(&["relais", "--data-dir", "/d"]));
    }

    #[test]
    fn a_typo_or_a_missing_file_is_left_for_clap_to_refuse() {
        for words in [
            &["relais", "rendr", "--image", "a.png"][..],
            &["relais", "absent.relais"],
            &["relais", "kit", "import", "relais://subscribe?url=x"],
        ] {
            let (rest, opened) = split_opened(args(words));
            assert_eq!(opened, None, "{words:?} is not an opened link or kit");
            assert_eq!(rest, args(words));
        }
    }

    #[test]
    fn an_existing_kit_file_is_opened_whatever_the_case_of_its_extension() {
        let dir = std::env::temp_dir().join(format!("relais-launch-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("Campagne.RELAIS");
        std::fs::write(&file, b"x").unwrap();
        let (rest, opened) = split_opened(vec!["relais".into(), file.clone().into()]);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(opened, Some(Opened::KitFile(file)));
        assert_eq!(rest, args(&["relais"]));
    }

    #[test]
    fn an_empty_display_variable_is_no_display() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| OsString::from(v))
            }
        };
        if cfg!(any(target_os = "macos", target_os = "windows")) {
            return;
        }
        assert!(no_graphical_session(env(&[])));
        assert!(no_graphical_session(env(&[("DISPLAY", "")])));
        assert!(!no_graphical_session(env(&[("DISPLAY", ":0")])));
        assert!(!no_graphical_session(env(&[(
            "WAYLAND_DISPLAY",
            "wayland-0"
        )])));
    }
}
