//! No import circles between the library's top-level modules (issue 17).
//!
//! Data flows one way (`scenario → sample → engine → summary → report`); a module that
//! imports one that imports it back cannot be understood, tested or feature-gated on its
//! own. This test reads every `crate::…` path in `src/` (in `use` lines and inline paths
//! alike, `crate::{a, b::c}` groups included, names re-exported by `lib.rs` mapped to
//! their module), builds the graph of top-level modules and fails naming every cycle
//! with the file and line of each of its arrows.
//!
//! Not counted: comments (doc links name modules without importing them), string
//! literals, and test code (`#[cfg(test)] mod …` blocks and files), which may use any
//! module as integration tests do.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Module → module → first place (file:line) the arrow was seen.
type Graph = BTreeMap<String, BTreeMap<String, String>>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The text of `src` without comments, string contents and `#[cfg(test)]` modules (their
/// lines become empty, so line numbers stay right), and the names of the test modules
/// declared as files (`#[cfg(test)] mod tests;`).
fn code_only(src: &str) -> (String, Vec<String>) {
    let lines: Vec<&str> = src.lines().collect();
    let mut out = Vec::with_capacity(lines.len());
    let mut test_files = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim() == "#[cfg(test)]" {
            let mut j = i + 1;
            while j < lines.len() && lines[j].trim_start().starts_with("#[") {
                j += 1;
            }
            let decl = lines.get(j).map_or("", |l| l.trim());
            let decl = decl.strip_prefix("pub(crate) ").unwrap_or(decl);
            if let Some(name) = decl.strip_prefix("mod ") {
                if let Some(name) = name.strip_suffix(';') {
                    test_files.push(name.trim().to_string());
                    out.extend(std::iter::repeat_n(String::new(), j + 1 - i));
                    i = j + 1;
                    continue;
                }
                // rustfmt closes a top-level item with `}` in the first column.
                let mut k = j;
                while k < lines.len() && lines[k] != "}" {
                    k += 1;
                }
                out.extend(std::iter::repeat_n(String::new(), k + 1 - i));
                i = k + 1;
                continue;
            }
        }
        out.push(strip_line(lines[i]));
        i += 1;
    }
    (out.join("\n"), test_files)
}

/// One line without its `//` comment and the contents of its string literals.
fn strip_line(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' => {
                    in_string = false;
                    out.push(c);
                }
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '\'' => {
                // A char literal such as '"' or '\'' (a lifetime has no closing quote).
                let rest: String = chars.clone().take(3).collect();
                if rest.starts_with('\\') {
                    chars.nth(2);
                } else if rest.chars().nth(1) == Some('\'') {
                    chars.nth(1);
                }
                out.push(c);
            }
            '/' if chars.peek() == Some(&'/') => break,
            _ => out.push(c),
        }
    }
    out
}

/// The first path segment of every `crate::` path in `code`, with its line number.
fn crate_paths(code: &str) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    let mut rest = code;
    let mut offset = 0;
    while let Some(at) = rest.find("crate::") {
        let start = offset + at;
        let after = &code[start + "crate::".len()..];
        let line = code[..start].matches('\n').count() + 1;
        let preceded = code[..start]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        if !preceded {
            if let Some(group) = after.strip_prefix('{') {
                let group = &group[..group.find('}').unwrap_or(group.len())];
                for item in group.split(',') {
                    let head = item.trim().split("::").next().unwrap_or("").trim();
                    if !head.is_empty() {
                        found.push((head.to_string(), line));
                    }
                }
            } else {
                let head: String = after
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !head.is_empty() {
                    found.push((head, line));
                }
            }
        }
        offset = start + "crate::".len();
        rest = &code[offset..];
    }
    found
}

/// Names `lib.rs` re-exports (`pub use engine::{RunOptions, …}`), mapped to their module.
fn reexports(lib: &str) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    let code = code_only(lib).0;
    for stmt in code.split(';') {
        let Some(path) = stmt.trim().strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, items)) = path.split_once("::") else {
            continue;
        };
        let items = items.trim().trim_start_matches('{').trim_end_matches('}');
        for item in items.split(',') {
            let name = match item.split_once(" as ") {
                Some((_, alias)) => alias,
                None => item.rsplit("::").next().unwrap_or(""),
            };
            let name = name.trim();
            if !name.is_empty() {
                map.insert(name.to_string(), module.trim().to_string());
            }
        }
    }
    map
}

fn library_graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let aliases = reexports(&std::fs::read_to_string(src.join("lib.rs")).unwrap());
    let modules: BTreeSet<String> = files
        .iter()
        .map(|f| top_module(&src, f))
        .filter(|m| m != "lib")
        .collect();
    let mut codes = BTreeMap::new();
    let mut test_files = BTreeSet::new();
    for f in &files {
        let (code, tests) = code_only(&std::fs::read_to_string(f).unwrap());
        // `mod tests;` in `a/mod.rs` or `a.rs` is the file `a/tests.rs`.
        let dir = if f.file_name().is_some_and(|n| n == "mod.rs") {
            f.parent().unwrap().to_path_buf()
        } else {
            f.with_extension("")
        };
        test_files.extend(tests.iter().map(|t| dir.join(format!("{t}.rs"))));
        codes.insert(f.clone(), code);
    }
    let mut graph = Graph::new();
    for (f, code) in &codes {
        let from = top_module(&src, f);
        if from == "lib" || test_files.contains(f) {
            continue;
        }
        let shown = f.strip_prefix(&src).unwrap().display().to_string();
        for (name, line) in crate_paths(code) {
            let to = aliases.get(&name).cloned().unwrap_or(name);
            if to != from && modules.contains(&to) {
                graph
                    .entry(from.clone())
                    .or_default()
                    .entry(to)
                    .or_insert_with(|| format!("src/{shown}:{line}"));
            }
        }
    }
    graph
}

fn top_module(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// Every elementary cycle through the graph's strongly connected parts, one per
/// (smallest module, path) found by depth-first search from each module, shortest first.
fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    let mut found: Vec<Vec<String>> = Vec::new();
    for start in graph.keys() {
        // Breadth-first: the shortest way back to `start` through modules after it.
        let mut parent: BTreeMap<String, String> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start.clone()]);
        let mut back = None;
        while let Some(m) = queue.pop_front() {
            for next in graph.get(&m).into_iter().flat_map(|e| e.keys()) {
                if next == start {
                    back = Some(m.clone());
                    break;
                }
                if next > start && !parent.contains_key(next) {
                    parent.insert(next.clone(), m.clone());
                    queue.push_back(next.clone());
                }
            }
            if back.is_some() {
                break;
            }
        }
        if let Some(mut m) = back {
            let mut cycle = vec![m.clone()];
            while m != *start {
                m = parent[&m].clone();
                cycle.push(m.clone());
            }
            cycle.reverse();
            found.push(cycle);
        }
    }
    found.sort_by_key(Vec::len);
    found
}

fn describe(graph: &Graph, cycle: &[String]) -> String {
    let mut s = cycle.join(" → ");
    s.push_str(&format!(" → {}", cycle[0]));
    for (i, from) in cycle.iter().enumerate() {
        let to = &cycle[(i + 1) % cycle.len()];
        s.push_str(&format!("\n    {from} → {to} at {}", graph[from][to]));
    }
    s
}

#[test]
fn no_import_circles_between_modules() {
    let graph = library_graph();
    assert!(
        graph.len() > 10,
        "the scan found too few modules: {graph:?}"
    );
    let cycles = cycles(&graph);
    let text: Vec<String> = cycles.iter().map(|c| describe(&graph, c)).collect();
    assert!(
        cycles.is_empty(),
        "{} import circle(s) between top-level modules:\n  {}",
        cycles.len(),
        text.join("\n  ")
    );
}

#[test]
fn the_scan_sees_grouped_aliased_and_inline_paths_and_skips_comments_strings_and_tests() {
    let code = "use crate::{engine::BLOCK, Scenario};\n\
                // use crate::report;\n\
                let s = \"crate::chart\";\n\
                let x = crate::stats::mean(v);\n\
                #[cfg(test)]\n\
                mod tests {\n    use crate::twoway;\n}\n";
    let (code, _) = code_only(code);
    let heads: Vec<_> = crate_paths(&code).into_iter().map(|(h, _)| h).collect();
    assert_eq!(heads, ["engine", "Scenario", "stats"]);
    let aliases = reexports("pub use engine::{RunOptions, simulate};\npub use fmt::Currency;\n");
    assert_eq!(aliases["simulate"], "engine");
    assert_eq!(aliases["Currency"], "fmt");
}

#[test]
fn a_circle_is_found_and_named() {
    let mut graph = Graph::new();
    let mut arrow = |a: &str, b: &str| {
        graph
            .entry(a.into())
            .or_default()
            .insert(b.into(), format!("src/{a}.rs:1"));
    };
    arrow("engine", "columns");
    arrow("columns", "engine");
    arrow("summary", "engine");
    arrow("text", "summary");
    arrow("summary", "fmt");
    let found = cycles(&graph);
    assert_eq!(found, [vec!["columns".to_string(), "engine".to_string()]]);
    assert!(describe(&graph, &found[0]).contains("engine → columns at src/engine.rs:1"));
}
