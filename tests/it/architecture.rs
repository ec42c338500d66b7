//! The shape of the code, checked: modules import downward only. Every `crate::`,
//! `super::` and `self::` path in `src-tauri/` is resolved to the file it names
//! (through `pub use` re-exports), and no two files or folders may need each other,
//! directly or round a longer circle. A folder's `mod.rs` is its face and may name its
//! children; children may use what it declares.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

type Module = Vec<String>;
/// Each path a file writes: its segments, its line, whether it is in a `use`.
type Paths = Vec<(Vec<String>, usize, bool)>;
/// File to file: the first place that makes each edge.
type Edges = BTreeMap<(Module, Module), (PathBuf, usize)>;

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    PathSep,
    Open,
    Close,
    Comma,
    Star,
    Semi,
    Other,
}

/// Rust source to tokens, without comments, strings or characters (a path in a doc
/// comment or a string is not an import).
fn tokens(source: &str) -> Vec<(Token, usize)> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            loop {
                if i >= chars.len() {
                    break;
                }
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
        } else if (c == 'r' || (c == 'b' && at(i + 1) == 'r'))
            && matches!(at(i + if c == 'b' { 2 } else { 1 }), '#' | '"')
            && !at(i.wrapping_sub(1)).is_alphanumeric()
        {
            // Raw string: r"…", r#"…"#, br"…".
            i += if c == 'b' { 2 } else { 1 };
            let mut hashes = 0;
            while at(i) == '#' {
                hashes += 1;
                i += 1;
            }
            i += 1; // the opening quote
            loop {
                if i >= chars.len() {
                    break;
                }
                if chars[i] == '"' && (0..hashes).all(|k| at(i + 1 + k) == '#') {
                    i += 1 + hashes;
                    break;
                }
                if chars[i] == '\n' {
                    line += 1;
                }
                i += 1;
            }
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                if at(i) == '\n' {
                    line += 1;
                }
                i += 1;
            }
            i += 1;
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{1F5F3}') or a lifetime ('a).
            if at(i + 1) == '\\' {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                i += 1;
            }
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push((Token::Ident(chars[start..i].iter().collect()), line));
        } else {
            let token = match c {
                ':' if at(i + 1) == ':' => {
                    i += 1;
                    Token::PathSep
                }
                '{' => Token::Open,
                '}' => Token::Close,
                ',' => Token::Comma,
                '*' => Token::Star,
                ';' => Token::Semi,
                _ => Token::Other,
            };
            out.push((token, line));
            i += 1;
        }
    }
    out
}

/// A path tree at `tokens[i]`: `a::b::c`, `a::{b, c::d}`, `a::*`, `a as b`. Returns the
/// flattened paths (with the name each is known by) and the index after the tree.
fn tree(
    tokens: &[(Token, usize)],
    mut i: usize,
    prefix: &[String],
) -> (Vec<(Vec<String>, String)>, usize) {
    let mut path = prefix.to_vec();
    let mut out = Vec::new();
    loop {
        match tokens.get(i).map(|t| &t.0) {
            Some(Token::Ident(name)) => {
                path.push(name.clone());
                i += 1;
                if tokens.get(i).map(|t| &t.0) == Some(&Token::PathSep) {
                    i += 1;
                    continue;
                }
                // `as alias`
                let mut known_as = name.clone();
                if let (Some(Token::Ident(kw)), Some(Token::Ident(alias))) =
                    (tokens.get(i).map(|t| &t.0), tokens.get(i + 1).map(|t| &t.0))
                {
                    if kw == "as" {
                        known_as = alias.clone();
                        i += 2;
                    }
                }
                out.push((path, known_as));
                return (out, i);
            }
            Some(Token::Open) => {
                i += 1;
                loop {
                    match tokens.get(i).map(|t| &t.0) {
                        Some(Token::Close) => {
                            i += 1;
                            break;
                        }
                        Some(Token::Comma) => i += 1,
                        None => break,
                        _ => {
                            let (mut items, next) = tree(tokens, i, &path);
                            out.append(&mut items);
                            if next == i {
                                i += 1;
                            } else {
                                i = next;
                            }
                        }
                    }
                }
                return (out, i);
            }
            Some(Token::Star) => {
                out.push((path, "*".to_owned()));
                return (out, i + 1);
            }
            _ => {
                if !path.is_empty() {
                    let last = path.last().cloned().unwrap_or_default();
                    out.push((path, last));
                }
                return (out, i);
            }
        }
    }
}

struct Crate {
    files: BTreeMap<Module, PathBuf>,
    /// (module, name) -> the module a `pub use` in `module` makes `name` stand for.
    exports: HashMap<(Module, String), Module>,
}

fn module_of(root: &Path, file: &Path) -> Module {
    let relative = file.strip_prefix(root).expect("a file under src-tauri");
    let mut parts: Vec<String> = relative
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src-tauri") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") && !is_binary_root(&path) {
            out.push(path);
        }
    }
}

/// main.rs is the binary, another crate: it names the library as `relais::`.
fn is_binary_root(path: &Path) -> bool {
    path.file_name().is_some_and(|name| name == "main.rs")
        && path.parent()
            == Some(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("src-tauri")
                    .as_path(),
            )
}

impl Crate {
    /// Where `path` (as written in `from`) leads: the deepest module it names.
    fn resolve(&self, from: &Module, path: &[String]) -> Option<Module> {
        let mut segments = path.iter().peekable();
        let mut current: Module = match segments.peek().map(|s| s.as_str()) {
            Some("crate") => {
                segments.next();
                Vec::new()
            }
            Some("self") => {
                segments.next();
                from.clone()
            }
            Some("super") => {
                let mut base = from.clone();
                while segments.peek().map(|s| s.as_str()) == Some("super") {
                    segments.next();
                    base.pop();
                }
                base
            }
            Some(first) => {
                // A `use` relative to the current module: only child modules count.
                let mut child = from.clone();
                child.push(first.to_owned());
                if !self.files.contains_key(&child) {
                    return None;
                }
                from.clone()
            }
            None => return None,
        };
        for segment in segments {
            let mut next = current.clone();
            next.push(segment.clone());
            if self.files.contains_key(&next) {
                current = next;
            } else if let Some(target) = self.exports.get(&(current.clone(), segment.clone())) {
                current = target.clone();
                break;
            } else {
                break;
            }
        }
        Some(current)
    }
}

/// Every path a file writes, with its line.
fn paths_in(tokens: &[(Token, usize)]) -> Paths {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let is_use = matches!(&tokens[i].0, Token::Ident(word) if word == "use");
        let public_use = is_use
            && i > 0
            && (matches!(&tokens[i - 1].0, Token::Ident(word) if word == "pub")
                || matches!(&tokens[i - 1].0, Token::Other)
                    && i > 3
                    && matches!(&tokens[i - 4].0, Token::Ident(word) if word == "pub"));
        if is_use {
            let (items, next) = tree(tokens, i + 1, &[]);
            for (path, known_as) in items {
                let mut named = path;
                if public_use {
                    named.push(format!("=>{known_as}"));
                }
                out.push((named, tokens[i].1, true));
            }
            i = next.max(i + 1);
            continue;
        }
        if let Token::Ident(word) = &tokens[i].0 {
            let starts = matches!(word.as_str(), "crate" | "super" | "self");
            let follows_sep = i > 0 && tokens[i - 1].0 == Token::PathSep;
            if starts && !follows_sep && tokens.get(i + 1).map(|t| &t.0) == Some(&Token::PathSep) {
                let (items, next) = tree(tokens, i, &[]);
                for (path, _) in items {
                    out.push((path, tokens[i].1, false));
                }
                i = next.max(i + 1);
                continue;
            }
        }
        i += 1;
    }
    out
}

/// Edges between files: (from, to) -> the first line that makes it.
fn file_edges() -> (Crate, Edges) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut krate = Crate {
        files: files
            .iter()
            .map(|file| (module_of(&root, file), file.clone()))
            .collect(),
        exports: HashMap::new(),
    };
    let parsed: Vec<(Module, PathBuf, Paths)> = files
        .iter()
        .map(|file| {
            let source = std::fs::read_to_string(file).expect("read a source file");
            (
                module_of(&root, file),
                file.clone(),
                paths_in(&tokens(&source)),
            )
        })
        .collect();
    // Re-exports can chain (a `pub use` of a `pub use`): resolve until nothing changes.
    for _ in 0..8 {
        for (module, _, paths) in &parsed {
            for (path, _, _) in paths {
                let Some(name) = path.last().and_then(|last| last.strip_prefix("=>")) else {
                    continue;
                };
                if let Some(target) = krate.resolve(module, &path[..path.len() - 1]) {
                    krate
                        .exports
                        .insert((module.clone(), name.to_owned()), target);
                }
            }
        }
    }
    let mut edges = BTreeMap::new();
    for (module, file, paths) in &parsed {
        for (path, line, _) in paths {
            let path: Vec<String> = path
                .iter()
                .filter(|segment| !segment.starts_with("=>"))
                .cloned()
                .collect();
            if let Some(target) = krate.resolve(module, &path) {
                if &target != module {
                    edges
                        .entry((module.clone(), target))
                        .or_insert((file.clone(), *line));
                }
            }
        }
    }
    (krate, edges)
}

/// Collapses each file edge to the two siblings under the files' deepest common folder
/// (a file, or a folder holding it). A folder's own `mod.rs` is no sibling.
fn unit_edges(edges: &Edges) -> BTreeMap<(Module, Module), Vec<String>> {
    let mut units: BTreeMap<(Module, Module), Vec<String>> = BTreeMap::new();
    for ((from, to), (file, line)) in edges {
        let common = from.iter().zip(to).take_while(|(a, b)| a == b).count();
        if from.len() <= common || to.len() <= common {
            continue;
        }
        let a = from[..=common].to_vec();
        let b = to[..=common].to_vec();
        units.entry((a, b)).or_default().push(format!(
            "{} -> {} ({}:{line})",
            name(from),
            name(to),
            file.display()
        ));
    }
    units
}

fn name(module: &Module) -> String {
    if module.is_empty() {
        "crate".to_owned()
    } else {
        module.join("/")
    }
}

/// Strongly connected components of more than one node (Tarjan).
fn circles(edges: &BTreeMap<(Module, Module), Vec<String>>) -> Vec<BTreeSet<Module>> {
    let mut graph: BTreeMap<Module, Vec<Module>> = BTreeMap::new();
    for (from, to) in edges.keys() {
        graph.entry(from.clone()).or_default().push(to.clone());
        graph.entry(to.clone()).or_default();
    }
    struct State {
        index: HashMap<Module, usize>,
        low: HashMap<Module, usize>,
        stack: Vec<Module>,
        on_stack: BTreeSet<Module>,
        next: usize,
        found: Vec<BTreeSet<Module>>,
    }
    fn visit(v: &Module, graph: &BTreeMap<Module, Vec<Module>>, s: &mut State) {
        s.index.insert(v.clone(), s.next);
        s.low.insert(v.clone(), s.next);
        s.next += 1;
        s.stack.push(v.clone());
        s.on_stack.insert(v.clone());
        for w in &graph[v] {
            if !s.index.contains_key(w) {
                visit(w, graph, s);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v.clone(), low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v.clone(), low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = BTreeSet::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(&w);
                let done = &w == v;
                component.insert(w);
                if done {
                    break;
                }
            }
            if component.len() > 1 {
                s.found.push(component);
            }
        }
    }
    let mut state = State {
        index: HashMap::new(),
        low: HashMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !state.index.contains_key(v) {
            visit(v, &graph, &mut state);
        }
    }
    state.found
}

#[test]
fn no_two_files_or_folders_of_the_library_import_each_other() {
    let (krate, edges) = file_edges();
    assert!(
        krate.files.len() > 50 && edges.len() > 100,
        "the checker must see the code: {} files, {} edges",
        krate.files.len(),
        edges.len()
    );
    let units = unit_edges(&edges);
    let found = circles(&units);
    let report: Vec<String> = found
        .iter()
        .map(|component| {
            let names: Vec<String> = component.iter().map(name).collect();
            let witnesses: Vec<String> = units
                .iter()
                .filter(|((a, b), _)| component.contains(a) && component.contains(b))
                .map(|(_, why)| format!("    {}", why[0]))
                .collect();
            format!("circle {names:?}:\n{}", witnesses.join("\n"))
        })
        .collect();
    assert!(
        report.is_empty(),
        "modules must import downward only; break these circles:\n{}",
        report.join("\n")
    );
}

#[test]
fn the_cycle_checker_sees_a_circle_between_two_files() {
    let a: Module = vec!["x".into(), "a".into()];
    let b: Module = vec!["x".into(), "b".into()];
    let mut edges = BTreeMap::new();
    edges.insert((a.clone(), b.clone()), (PathBuf::from("x/a.rs"), 1));
    edges.insert((b.clone(), a.clone()), (PathBuf::from("x/b.rs"), 1));
    assert_eq!(circles(&unit_edges(&edges)).len(), 1, "a ⇄ b is a circle");
    let nested: Module = vec!["y".into(), "deep".into(), "c".into()];
    edges.clear();
    edges.insert((a.clone(), nested.clone()), (PathBuf::from("x/a.rs"), 1));
    edges.insert((nested, b), (PathBuf::from("y/deep/c.rs"), 1));
    assert!(
        !circles(&unit_edges(&edges)).is_empty(),
        "x -> y -> x through a nested file is a circle between folders"
    );
}

#[test]
fn only_the_desktop_shell_and_main_know_tauri() {
    let (krate, _) = file_edges();
    let mut offenders = Vec::new();
    for (module, file) in &krate.files {
        let desktop = module.first().is_some_and(|m| m == "desktop") || file.ends_with("main.rs");
        if desktop {
            continue;
        }
        let source = std::fs::read_to_string(file).expect("read a source file");
        if tokens(&source)
            .iter()
            .any(|(token, _)| *token == Token::Ident("tauri".into()))
        {
            offenders.push(file.display().to_string());
        }
    }
    assert!(
        offenders.is_empty(),
        "only src-tauri/desktop/ and main.rs may name tauri: {offenders:?}"
    );
}

/// The quoted words between `start` and the first `end` after it.
fn quoted_between(source: &str, start: &str, end: &str) -> Vec<String> {
    let Some(from) = source.find(start) else {
        return Vec::new();
    };
    let rest = &source[from + start.len()..];
    let block = &rest[..rest.find(end).unwrap_or(rest.len())];
    block
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// A command must be declared (build.rs makes it deny-by-default), registered (the
/// handler), and granted to the window (the capability), or the window cannot call it.
#[test]
fn build_script_handler_and_capability_list_the_same_commands() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |path: &str| std::fs::read_to_string(root.join(path)).expect("read a source file");
    let declared: BTreeSet<String> = quoted_between(&read("build.rs"), ".commands(&[", "]")
        .into_iter()
        .collect();
    let desktop = read("src-tauri/desktop/mod.rs");
    let handler = desktop
        .split("generate_handler![")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .unwrap_or("");
    let registered: BTreeSet<String> = handler
        .split(',')
        .filter_map(|path| path.trim().rsplit("::").next())
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect();
    let capability: serde_json::Value =
        serde_json::from_str(&read("src-tauri/capabilities/default.json"))
            .expect("capability JSON");
    let granted: BTreeSet<String> = capability["permissions"]
        .as_array()
        .expect("a permissions list")
        .iter()
        .filter_map(|p| p.as_str())
        .filter_map(|p| p.strip_prefix("allow-"))
        .map(|p| p.replace('-', "_"))
        .collect();
    assert!(
        declared.len() >= 10,
        "the parse of build.rs found too few commands: {declared:?}"
    );
    assert_eq!(
        registered, declared,
        "desktop/mod.rs registers a different set of commands than build.rs declares"
    );
    assert_eq!(
        granted, declared,
        "capabilities/default.json grants a different set of commands than build.rs declares"
    );
}
