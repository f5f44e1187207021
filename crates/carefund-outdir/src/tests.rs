//! The writer's failure paths through its typed errors (the command's tests cover the
//! swap, recovery and kills through the binary).

use std::fs;
use std::path::PathBuf;

use super::*;
use carefund::api::{Contents, FileRole, OutputFile};

/// A fresh directory for one test, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let p = std::env::temp_dir().join(format!("carefund-outdir-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&p);
        fs::create_dir_all(&p).unwrap();
        Self(p)
    }
    /// Every entry below the scratch directory, with file contents.
    fn listing(&self) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        let mut stack = vec![self.0.clone()];
        while let Some(d) = stack.pop() {
            for e in fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                let shown = p.strip_prefix(&self.0).unwrap().display().to_string();
                if p.is_dir() {
                    out.push((shown, Vec::new()));
                    stack.push(p);
                } else {
                    out.push((shown, fs::read(&p).unwrap()));
                }
            }
        }
        out.sort();
        out
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn file(name: &str, text: &str) -> OutputFile<'static> {
    OutputFile::bytes(name, text.as_bytes().to_vec())
}

#[test]
fn a_stream_that_fails_leaves_the_previous_set_and_nothing_beside_it() {
    let s = Scratch::new("stream");
    let out = s.0.join("out");
    commit(&out, &[&file("a.csv", "old\n")], &[]).unwrap();
    let before = s.listing();
    let failing = OutputFile {
        name: "b.csv".into(),
        role: FileRole::Output,
        contents: Contents::Stream(Box::new(|_| Err(carefund::Error::Invalid("no".into())))),
    };
    let e = commit(&out, &[&file("a.csv", "new\n"), &failing], &[]).unwrap_err();
    assert!(matches!(e, WriteError::NothingWritten { .. }), "{e:?}");
    assert!(matches!(e.cause(), WriteError::Render { .. }), "{e:?}");
    assert!(!e.is_bad_place());
    assert_eq!(
        s.listing(),
        before,
        "the old set stays, no staging directory is left"
    );
}

#[test]
fn a_placed_file_under_an_outputs_name_is_refused_before_anything_is_written() {
    let s = Scratch::new("same-name");
    let out = s.0.join("out");
    let report = file("report.html", "<p>");
    let e = commit(
        &out,
        &[&file("summary.json", "{}")],
        &[(out.join("summary.json"), &report)],
    )
    .unwrap_err();
    assert!(matches!(e, WriteError::SameName { .. }), "{e:?}");
    assert!(e.is_bad_place() && !e.names_the_place());
    assert_eq!(s.listing(), Vec::new());
}

#[test]
fn a_placed_file_inside_the_directory_joins_its_set_and_manifest() {
    let s = Scratch::new("inside");
    let out = s.0.join("out");
    let report = file("report.html", "<p>");
    let names = commit(
        &out,
        &[&file("summary.json", "{}")],
        &[(out.join("mine.html"), &report)],
    )
    .unwrap();
    assert_eq!(names, ["summary.json", MANIFEST]);
    let listed = recover::manifest_names(&out);
    assert_eq!(
        listed.into_iter().collect::<Vec<_>>(),
        ["mine.html", "summary.json"]
    );
}

#[test]
fn commit_file_refuses_a_directory_and_a_place_under_a_file() {
    let s = Scratch::new("one-file");
    let e = commit_file(&s.0, &file("x", "x")).unwrap_err();
    assert!(matches!(e, WriteError::IsADirectory { .. }), "{e:?}");
    fs::write(s.0.join("plain"), "x").unwrap();
    let e = commit_file(&s.0.join("plain/x.json"), &file("x", "x")).unwrap_err();
    assert!(matches!(e, WriteError::IsAFile { .. }), "{e:?}");
    assert!(e.names_the_place());
    commit_file(&s.0.join("sub/x.json"), &file("x", "one")).unwrap();
    assert_eq!(fs::read(s.0.join("sub/x.json")).unwrap(), b"one");
    assert_eq!(fs::read_dir(s.0.join("sub")).unwrap().count(), 1);
}
