//! A reader that stops reading (`carefund check FILE | head -1`) ends the command quietly:
//! no panic ("failed printing to stdout"), exit status 0.

mod common;

use std::io::Read;
use std::process::{Command, Stdio};

use common::{TempDir, root};

#[test]
fn a_closed_pipe_is_not_a_panic() {
    // `run --json` prints summary.json (about 160 kB), more than a pipe holds, so the
    // writer does meet the closed pipe.
    let tmp = TempDir::new("pipe");
    let scenario = root().join("data/scenarios/swindon-2015.toml");
    let mut child = Command::new(env!("CARGO_BIN_EXE_carefund"))
        .args([
            "run",
            scenario.to_str().expect("utf-8 path"),
            "--paths",
            "100",
            "--json",
            "--out",
            tmp.join("out").to_str().expect("utf-8 path"),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start carefund");
    let mut first = [0u8; 16];
    let mut stdout = child.stdout.take().expect("stdout");
    stdout.read_exact(&mut first).expect("some output");
    drop(stdout); // the reader goes away, as `head` does
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        out.status.success(),
        "exit {:?}: {stderr}",
        out.status.code()
    );
}
