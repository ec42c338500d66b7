//! The `relais` binary, run as a volunteer or an organizer would run it.

use std::path::{Path, PathBuf};

use relais::render::{decode_file, Limits, Picture};
use tempfile::TempDir;

use crate::support::{self, relais, Pixels, DEMO_GIF, DEMO_POSTER};

const CAPTION: &str = "Déjà l'été ? On vote ! 🗳️";

/// Writes the demo kit with `relais kit demo --out DIR` and returns DIR.
fn demo_kit_via_cli(home: &Path) -> PathBuf {
    let kit = home.join("kit");
    relais(home)
        .args(["kit", "demo", "--out"])
        .arg(&kit)
        .assert()
        .success();
    assert!(
        kit.join("kit.json").is_file(),
        "`relais kit demo` should write kit.json into the folder it was given"
    );
    kit
}

fn decode(path: &Path) -> Picture {
    decode_file(path, &Limits::default())
        .unwrap_or_else(|error| panic!("{} should decode: {error}", path.display()))
}

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn version_prints_the_crate_version_and_exits_zero() {
    let home = TempDir::new().unwrap();
    let output = relais(home.path()).arg("--version").output().unwrap();
    assert!(output.status.success(), "`relais --version` should exit 0");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(env!("CARGO_PKG_VERSION")),
        "`relais --version` should print the crate version {}, got {stdout:?}",
        env!("CARGO_PKG_VERSION")
    );
}

#[test]
fn help_is_available_for_every_command_and_exits_zero() {
    let home = TempDir::new().unwrap();
    for args in [
        &["--help"][..],
        &["render", "--help"],
        &["kit", "--help"],
        &["kit", "list", "--help"],
        &["kit", "demo", "--help"],
    ] {
        let output = relais(home.path()).args(args).output().unwrap();
        assert!(
            output.status.success(),
            "`relais {}` should exit 0",
            args.join(" ")
        );
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            stdout.contains("Usage"),
            "`relais {}` should print a usage line, got {stdout:?}",
            args.join(" ")
        );
    }
    assert!(
        support::entries(home.path()).is_empty(),
        "asking for help should not create any data folder under HOME"
    );
}

#[test]
fn render_to_png_changes_only_the_caption_band_and_keeps_the_size() {
    let home = TempDir::new().unwrap();
    let kit = demo_kit_via_cli(home.path());
    let source_path = kit.join(DEMO_POSTER);
    let out_path = home.path().join("out.png");

    relais(home.path())
        .args(["render", "--image"])
        .arg(&source_path)
        .args(["--text", CAPTION, "-o"])
        .arg(&out_path)
        .assert()
        .success();

    let source = Pixels::of(&decode(&source_path));
    let rendered = Pixels::of(&decode(&out_path));
    assert_eq!(
        (rendered.width, rendered.height),
        (source.width, source.height),
        "the rendered PNG should keep the poster's dimensions"
    );
    let band = source.rows(0.74, 0.94);
    let band_pixels = (band.end - band.start) as usize * source.width as usize;
    let changed = source.differing_pixels(&rendered, band);
    assert!(
        changed * 50 > band_pixels,
        "the caption should change a visible share (>2%) of the bottom band, changed {changed} of {band_pixels} pixels"
    );
    assert_eq!(
        source.differing_pixels(&rendered, source.rows(0.0, 0.70)),
        0,
        "PNG is lossless, so the top 70% of the poster should be untouched by a bottom caption"
    );
}

#[test]
fn render_to_jpeg_changes_the_caption_band_and_stays_close_elsewhere() {
    let home = TempDir::new().unwrap();
    let kit = demo_kit_via_cli(home.path());
    let source_path = kit.join(DEMO_POSTER);
    let out_path = home.path().join("out.jpg");

    relais(home.path())
        .args(["render", "--image"])
        .arg(&source_path)
        .args(["--text", CAPTION, "--output"])
        .arg(&out_path)
        .assert()
        .success();

    let bytes = std::fs::read(&out_path).unwrap();
    assert_eq!(
        &bytes[..3],
        &[0xFF, 0xD8, 0xFF],
        "a .jpg output should be a JPEG file"
    );
    let source = Pixels::of(&decode(&source_path));
    let rendered = Pixels::of(&decode(&out_path));
    assert_eq!(
        (rendered.width, rendered.height),
        (source.width, source.height),
        "JPEG output should keep the size"
    );
    let top = source.mean_abs_diff(&rendered, source.rows(0.0, 0.70));
    let band = source.mean_abs_diff(&rendered, source.rows(0.74, 0.94));
    assert!(
        top < 3.0,
        "outside the caption only JPEG noise is expected (mean abs diff {top:.2} should be < 3)"
    );
    assert!(
        band > 10.0 && band > top * 5.0,
        "the caption band should differ clearly from the source (mean abs diff {band:.2}, top region {top:.2})"
    );
}

#[test]
fn render_of_an_animated_gif_stays_animated_with_the_same_frames_and_timing() {
    let home = TempDir::new().unwrap();
    let kit = demo_kit_via_cli(home.path());
    let source_path = kit.join(DEMO_GIF);
    let out_path = home.path().join("out.gif");

    relais(home.path())
        .args(["render", "--image"])
        .arg(&source_path)
        .args(["--text", CAPTION, "-o"])
        .arg(&out_path)
        .assert()
        .success();

    let source = decode(&source_path);
    let rendered = decode(&out_path);
    assert!(
        source.is_animated(),
        "the demo GIF is expected to be animated"
    );
    assert!(
        rendered.is_animated(),
        "rendering an animated GIF to .gif should keep it animated"
    );
    assert_eq!(
        rendered.dimensions(),
        source.dimensions(),
        "the GIF should keep its size"
    );
    let (Picture::Animation { frames: before, .. }, Picture::Animation { frames: after, .. }) =
        (&source, &rendered)
    else {
        unreachable!("both pictures were just checked to be animated");
    };
    assert_eq!(
        after.len(),
        before.len(),
        "every source frame should be in the rendered GIF"
    );
    let delays =
        |frames: &[relais::render::Frame]| frames.iter().map(|f| f.delay_ms).collect::<Vec<_>>();
    assert_eq!(
        delays(after),
        delays(before),
        "frame timing should survive rendering"
    );
    let first_before = Pixels::of(&source);
    let first_after = Pixels::of(&rendered);
    let band = first_before.mean_abs_diff(&first_after, first_before.rows(0.74, 0.94));
    assert!(
        band > 10.0,
        "the caption should be visible in the band of the first frame (mean abs diff {band:.2})"
    );
}

/// Runs `relais render` expecting a refusal; checks the exit code, that stderr holds
/// every expected word, and that `out_dir` gained nothing (no output, no temp file).
fn assert_render_refused(home: &Path, input: &Path, output: &Path, out_dir: &Path, words: &[&str]) {
    let before = support::entries(out_dir);
    let result = relais(home)
        .args(["render", "--image"])
        .arg(input)
        .args(["--text", CAPTION, "-o"])
        .arg(output)
        .output()
        .unwrap();
    let stderr = stderr_of(&result);
    assert!(
        !result.status.success(),
        "rendering {} to {} should fail",
        input.display(),
        output.display()
    );
    for word in words {
        assert!(
            stderr.contains(word),
            "stderr should mention {word:?} so the volunteer knows what is wrong, got {stderr:?}"
        );
    }
    assert_eq!(
        support::entries(out_dir),
        before,
        "a refused render should leave no output or temporary file in {}",
        out_dir.display()
    );
    assert!(
        !output.exists(),
        "a refused render should not create {}",
        output.display()
    );
}

/// A home with an `in` folder and an empty `out` folder.
fn folders() -> (TempDir, PathBuf, PathBuf) {
    let home = TempDir::new().unwrap();
    let input = home.path().join("in");
    let out = home.path().join("out");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    (home, input, out)
}

#[test]
fn render_of_a_missing_file_says_not_found_and_writes_nothing() {
    let (home, input, out) = folders();
    let missing = input.join("affiche-introuvable.png");
    assert_render_refused(
        home.path(),
        &missing,
        &out.join("out.png"),
        &out,
        &["affiche-introuvable.png", "not found"],
    );
}

#[test]
fn render_of_a_text_file_named_png_says_it_is_not_an_image_and_writes_nothing() {
    let (home, input, out) = folders();
    let fake = input.join("notes.png");
    std::fs::write(&fake, "Réunion jeudi à 19 h, salle des fêtes.\n").unwrap();
    assert_render_refused(
        home.path(),
        &fake,
        &out.join("out.png"),
        &out,
        &["notes.png", "not a PNG"],
    );
}

#[test]
fn render_of_a_zero_byte_file_says_it_is_empty_and_writes_nothing() {
    let (home, input, out) = folders();
    let empty = input.join("vide.png");
    std::fs::write(&empty, b"").unwrap();
    assert_render_refused(
        home.path(),
        &empty,
        &out.join("out.png"),
        &out,
        &["vide.png", "empty"],
    );
}

#[test]
fn render_of_a_png_declaring_60000_by_60000_pixels_is_refused_as_too_large() {
    let (home, input, out) = folders();
    let bomb = input.join("bombe.png");
    let mut bytes = support::PNG_SIGNATURE.to_vec();
    bytes.extend(support::png_chunk(
        b"IHDR",
        &support::ihdr_rgba(60_000, 60_000),
    ));
    bytes.extend(support::png_chunk(
        b"IDAT",
        &support::zlib_stored(&[0u8; 64]),
    ));
    bytes.extend(support::png_chunk(b"IEND", &[]));
    std::fs::write(&bomb, &bytes).unwrap();
    assert_render_refused(
        home.path(),
        &bomb,
        &out.join("out.png"),
        &out,
        &["bombe.png", "60000x60000", "larger than"],
    );
}

#[test]
fn render_to_an_unsupported_extension_is_refused_and_writes_nothing() {
    let (home, _input, out) = folders();
    let kit = support::write_demo_kit(&home.path().join("kit"));
    assert_render_refused(
        home.path(),
        &kit.join(DEMO_POSTER),
        &out.join("out.bmp"),
        &out,
        &["out.bmp", "unsupported output format"],
    );
}

#[test]
fn render_into_a_folder_that_does_not_exist_is_refused_and_creates_nothing() {
    let (home, _input, out) = folders();
    let kit = support::write_demo_kit(&home.path().join("kit"));
    let target = out.join("pas-de-dossier").join("out.png");
    assert_render_refused(
        home.path(),
        &kit.join(DEMO_POSTER),
        &target,
        &out,
        &["pas-de-dossier", "could not be written"],
    );
    assert!(
        !out.join("pas-de-dossier").exists(),
        "a failed render should not create the missing folder"
    );
}

fn kit_list_json(output: &std::process::Output) -> Vec<serde_json::Value> {
    assert!(
        output.status.success(),
        "`relais kit list --json` should succeed, stderr: {}",
        stderr_of(output)
    );
    serde_json::from_slice::<Vec<serde_json::Value>>(&output.stdout)
        .expect("`kit list --json` should print a JSON array")
}

fn assert_single_demo_kit(kits: &[serde_json::Value]) {
    assert_eq!(
        kits.len(),
        1,
        "a fresh data folder should hold exactly the demo kit, got {kits:?}"
    );
    assert_eq!(
        kits[0]["id"], "relais-demo",
        "the kit installed on first use should be the demo kit"
    );
    assert_eq!(
        kits[0]["assets"], 6,
        "the demo kit has five posters and one animation"
    );
}

fn assert_no_staging_left(data: &Path) {
    let leftovers: Vec<String> = support::entries(data)
        .into_iter()
        .filter(|name| name.starts_with(".demo-kit-"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "the demo kit's staging folder should be removed after install, found {leftovers:?}"
    );
}

#[test]
fn kit_list_with_data_dir_installs_the_demo_kit_once_in_that_folder_only() {
    let home = TempDir::new().unwrap();
    let data = home.path().join("donnees");

    let first = relais(home.path())
        .arg("--data-dir")
        .arg(&data)
        .args(["kit", "list", "--json"])
        .output()
        .unwrap();
    let kits = kit_list_json(&first);
    assert_single_demo_kit(&kits);
    assert!(
        data.join("relais.sqlite3").is_file(),
        "the database should be created inside --data-dir"
    );
    assert_no_staging_left(&data);
    assert!(
        !home.path().join("xdg-data").exists() && !home.path().join(".local").exists(),
        "with --data-dir nothing should be written to the platform data folder"
    );

    let second = relais(home.path())
        .arg("--data-dir")
        .arg(&data)
        .args(["kit", "list", "--json"])
        .output()
        .unwrap();
    let again = kit_list_json(&second);
    assert_single_demo_kit(&again);
    assert_eq!(
        again[0]["installed_at"], kits[0]["installed_at"],
        "a second listing should not reinstall the demo kit"
    );
}

#[test]
fn kit_list_honours_the_relais_data_dir_environment_variable() {
    let home = TempDir::new().unwrap();
    let data = home.path().join("env-data");

    let first = relais(home.path())
        .env("RELAIS_DATA_DIR", &data)
        .args(["kit", "list", "--json"])
        .output()
        .unwrap();
    let kits = kit_list_json(&first);
    assert_single_demo_kit(&kits);
    assert!(
        data.join("relais.sqlite3").is_file(),
        "the database should be created inside RELAIS_DATA_DIR"
    );
    assert!(
        !home.path().join("xdg-data").exists() && !home.path().join(".local").exists(),
        "with RELAIS_DATA_DIR nothing should be written to the platform data folder"
    );

    let second = relais(home.path())
        .env("RELAIS_DATA_DIR", &data)
        .args(["kit", "list", "--json"])
        .output()
        .unwrap();
    assert_single_demo_kit(&kit_list_json(&second));
}

#[test]
fn kit_list_in_plain_text_names_the_demo_kit_and_its_asset_count() {
    let home = TempDir::new().unwrap();
    let data = home.path().join("data");
    let output = relais(home.path())
        .arg("--data-dir")
        .arg(&data)
        .args(["kit", "list"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "`relais kit list` should succeed, stderr: {}",
        stderr_of(&output)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find(|line| line.starts_with("relais-demo"))
        .unwrap_or_else(|| {
            panic!("the text listing should have a line for the demo kit, got {stdout:?}");
        });
    assert!(
        line.contains("6 assets"),
        "the demo kit line should give its asset count, got {line:?}"
    );
}

#[test]
fn a_second_process_on_a_data_folder_in_use_is_refused_with_a_clear_message() {
    let home = TempDir::new().unwrap();
    let data = home.path().join("data");
    let held = relais::db::Store::open(&data)
        .expect("the test should be able to open a fresh data folder");

    let output = relais(home.path())
        .arg("--data-dir")
        .arg(&data)
        .args(["kit", "list"])
        .output()
        .unwrap();
    assert!(
        !output.status.success(),
        "a second process on a locked data folder should fail"
    );
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("in use"),
        "the refusal should say the data folder is in use, got {stderr:?}"
    );
    assert!(
        stderr.contains(&data.display().to_string()),
        "the refusal should name the data folder, got {stderr:?}"
    );

    drop(held);
    relais(home.path())
        .arg("--data-dir")
        .arg(&data)
        .args(["kit", "list"])
        .assert()
        .success();
}

#[test]
fn render_with_a_font_draws_the_layers_naming_it_and_refuses_an_unknown_or_broken_font() {
    let (home, input, out) = folders();
    let poster = input.join("affiche.png");
    std::fs::write(&poster, support::png(300, 400, |_, _| [20, 30, 90, 255])).unwrap();
    let font = input.join("marianne.ttf");
    std::fs::write(&font, support::test_font()).unwrap();
    let layers = |font: &str| {
        format!(r#"{{"layers":[{{"text":"Tous aux urnes","style":{{"font":"{font}"}}}}]}}"#)
    };
    let render = |font_arg: &Path, layers: &str, output: &Path| {
        relais(home.path())
            .args(["render", "--image"])
            .arg(&poster)
            .arg("--font")
            .arg(format!("Marianne={}", font_arg.display()))
            .args(["--layers", layers, "-o"])
            .arg(output)
            .output()
            .unwrap()
    };

    let with_font = out.join("marianne.png");
    assert!(render(&font, &layers("Marianne"), &with_font)
        .status
        .success());
    let plain = out.join("plain.png");
    assert!(
        render(&font, r#"{"layers":[{"text":"Tous aux urnes"}]}"#, &plain)
            .status
            .success()
    );
    let (a, b) = (Pixels::of(&decode(&with_font)), Pixels::of(&decode(&plain)));
    assert!(
        a.differing_pixels(&b, a.rows(0.7, 1.0)) > 500,
        "the layer naming the font must be drawn in it, not in the poster face"
    );

    let before = support::entries(&out);
    let unknown = render(&font, &layers("Inconnue"), &out.join("unknown.png"));
    assert!(
        !unknown.status.success(),
        "a family no --font gives is an error, not a silent fallback"
    );
    assert!(
        stderr_of(&unknown).contains("--font Inconnue=FILE"),
        "the message says how to give the font: {}",
        stderr_of(&unknown)
    );
    let garbage = input.join("cassee.ttf");
    std::fs::write(&garbage, b"no font here").unwrap();
    let broken = render(&garbage, &layers("Marianne"), &out.join("broken.png"));
    assert!(
        !broken.status.success(),
        "a file that is not a font is refused"
    );
    assert!(
        stderr_of(&broken).contains("cassee.ttf") && stderr_of(&broken).contains("not a TrueType"),
        "the message names the file: {}",
        stderr_of(&broken)
    );
    assert_eq!(
        support::entries(&out),
        before,
        "a refused render writes nothing"
    );
}

#[test]
fn the_command_line_speaks_french_when_the_locale_says_so_and_english_otherwise() {
    let home = TempDir::new().unwrap();
    let run = |vars: &[(&str, &str)]| {
        let mut command = relais(home.path());
        for (name, value) in vars {
            command.env(name, value);
        }
        let output = command
            .arg("--data-dir")
            .arg(home.path().join("data"))
            .args(["kit", "remove", "inconnu"])
            .output()
            .unwrap();
        assert!(!output.status.success());
        stderr_of(&output)
    };
    let french = run(&[("LANG", "fr_FR.UTF-8")]);
    assert_eq!(
        french, "relais: Aucun kit «\u{a0}inconnu\u{a0}» dans la bibliothèque.\n",
        "LANG=fr_FR gives the French sentence"
    );
    let english = run(&[("LANG", "fr_FR.UTF-8"), ("LC_ALL", "en_GB.UTF-8")]);
    assert_eq!(
        english, "relais: No kit `inconnu` in the library.\n",
        "LC_ALL wins"
    );
    let default = run(&[]);
    assert_eq!(default, english, "English by default");
    let messages = run(&[("LANG", "en_US.UTF-8"), ("LC_MESSAGES", "fr_BE.UTF-8")]);
    assert_eq!(messages, french, "LC_MESSAGES before LANG");
}

/// Every subcommand path, from clap's own definition of the command line.
fn subcommand_paths() -> Vec<Vec<String>> {
    fn walk(command: &clap::Command, prefix: &[String], out: &mut Vec<Vec<String>>) {
        for sub in command.get_subcommands() {
            let mut path = prefix.to_vec();
            path.push(sub.get_name().to_owned());
            out.push(path.clone());
            walk(sub, &path, out);
        }
    }
    let mut out = Vec::new();
    walk(
        &<relais::cli::Cli as clap::CommandFactory>::command(),
        &[],
        &mut out,
    );
    out
}

#[test]
fn every_subcommand_answers_help_with_its_usage_and_a_description() {
    let home = TempDir::new().unwrap();
    let paths = subcommand_paths();
    assert!(
        paths.len() >= 8,
        "the walk should find render and the kit commands, found {paths:?}"
    );
    for path in paths {
        let output = relais(home.path())
            .args(&path)
            .arg("--help")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "`relais {} --help` should exit 0: {}",
            path.join(" "),
            stderr_of(&output)
        );
        let description = stdout.lines().next().unwrap_or("").trim();
        assert!(
            stdout.contains("Usage: relais")
                && !description.is_empty()
                && !description.starts_with("Usage"),
            "`relais {} --help` should open with what the command does, then its usage:\n{stdout}",
            path.join(" ")
        );
    }
}

#[test]
fn an_unknown_word_is_refused_as_a_subcommand_with_a_suggestion() {
    let home = TempDir::new().unwrap();
    let output = relais(home.path())
        .args(["rendr", "--image", "a.png"])
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(
        output.status.code(),
        Some(2),
        "a usage error exits 2: {stderr}"
    );
    assert!(
        stderr.contains("unrecognized subcommand 'rendr'") && stderr.contains("'render'"),
        "a typo should be named as an unknown subcommand and the right one suggested:\n{stderr}"
    );
}

/// The bare app and every subcommand, with no display and with arguments that are wrong
/// in the ways people get them wrong: none may end in a Rust panic.
#[test]
fn no_invocation_panics_without_a_display_or_with_bad_arguments() {
    let home = TempDir::new().unwrap();
    let missing = home.path().join("absent.png");
    let missing = missing.to_str().unwrap();
    let mut invocations: Vec<Vec<String>> = vec![
        vec![],
        vec!["foo".into()],
        vec!["post".into()],
        vec!["relais://subscribe?url=https%3A%2F%2Fexample.org%2Fkit.json".into()],
        vec!["--data-dir".into()],
        vec![
            "render".into(),
            "--image".into(),
            missing.into(),
            "-o".into(),
            "/nonexistent/dir/out.png".into(),
            "--text".into(),
            "x".into(),
        ],
        vec![
            "render".into(),
            "--image".into(),
            missing.into(),
            "-o".into(),
            "out.bmp".into(),
            "--text".into(),
            "x".into(),
        ],
        vec![
            "render".into(),
            "--layers".into(),
            "{not json".into(),
            "--image".into(),
            "a.png".into(),
            "-o".into(),
            "b.png".into(),
        ],
    ];
    for path in subcommand_paths() {
        invocations.push(path.clone());
        let mut wrong = path.clone();
        wrong.extend(["--no-such-flag".to_owned(), "/nonexistent/file".to_owned()]);
        invocations.push(wrong);
        let mut with_missing = path;
        with_missing.push("/nonexistent/kit.relais".to_owned());
        invocations.push(with_missing);
    }
    for args in &invocations {
        let output = relais(home.path())
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .env("RUST_BACKTRACE", "1")
            .args(args)
            .write_stdin("")
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap();
        let stderr = stderr_of(&output);
        assert!(
            !stderr.contains("panicked") && !stderr.contains("stack backtrace"),
            "`relais {}` panicked:\n{stderr}",
            args.join(" ")
        );
        assert!(
            output.status.code().is_some(),
            "`relais {}` should exit, not die of a signal",
            args.join(" ")
        );
    }
}

#[test]
fn the_bare_app_without_a_display_says_what_is_missing_and_fails() {
    let home = TempDir::new().unwrap();
    for (lang, words) in [
        ("C.UTF-8", "no graphical session"),
        ("fr_FR.UTF-8", "pas de session graphique"),
    ] {
        let output = relais(home.path())
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .env("LANG", lang)
            .output()
            .unwrap();
        let stderr = stderr_of(&output);
        assert_eq!(
            output.status.code(),
            Some(2),
            "no window is a failure: {stderr}"
        );
        assert!(
            stderr.contains(words) && stderr.contains("relais --help"),
            "in {lang}, the sentence should say there is no graphical session and point to the headless commands:\n{stderr}"
        );
    }
}

#[test]
fn a_display_that_cannot_be_opened_is_a_sentence_not_a_backtrace() {
    let home = TempDir::new().unwrap();
    let output = relais(home.path())
        // A display number nothing listens on.
        .env("DISPLAY", ":7391")
        .env_remove("WAYLAND_DISPLAY")
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        !stderr.contains("panicked") && stderr.contains("could not be used"),
        "a display that refuses the window should be explained:\n{stderr}"
    );
}

#[test]
fn render_names_the_characters_it_cannot_draw_on_stderr_and_still_writes_the_image() {
    let home = TempDir::new().unwrap();
    let source = home.path().join("grey.png");
    std::fs::write(&source, support::png(200, 120, |_, _| [128, 128, 128, 255])).unwrap();
    let out = home.path().join("out.png");
    let output = relais(home.path())
        .args([
            "render",
            "--text",
            "On vote 中文 مرحبا ⵜⴰⵎⴰⵣⵉⵖⵜ שלום",
            "--image",
        ])
        .arg(&source)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(out.is_file(), "the image is written anyway");
    assert!(
        stderr.contains("中 (U+4E2D), 文 (U+6587)"),
        "the two Chinese characters no bundled font has should be named with their code points:\n{stderr}"
    );
    for covered in ['م', 'ⵜ', 'ש', 'O'] {
        assert!(
            !stderr.contains(covered),
            "{covered} has a bundled font and must not be reported:\n{stderr}"
        );
    }
}
