//! Helpers shared by the CLI test binaries: a temporary directory and the real binary.
#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fresh empty directory under the system temp dir, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// `<tmp>/carefund-<test binary>-<pid>-<name>`, emptied first.
    pub fn new(name: &str) -> Self {
        let p = std::env::temp_dir().join(format!(
            "carefund-{}-{}-{name}",
            env!("CARGO_CRATE_NAME"),
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("create temp dir");
        Self(p)
    }

    /// A path inside the directory.
    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Run the `carefund` binary with `args` in `cwd`.
pub fn carefund(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_carefund"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run carefund")
}

/// Bytes as text, lossily.
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The verdict box's class in an HTML report (`approved`, `support`, `conditions`,
/// `not-approved`, `not-rated`) and how many pixels of a screenshot have its bar's colour
/// (report.css, within 30 per channel): the page rendered its CSS, not just text.
pub fn verdict_bar_pixels(page: &str, pixels: &[&[u8]]) -> (String, usize) {
    let class = page
        .split("class=\"verdict ")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or("")
        .to_string();
    let (r, g, b): (i32, i32, i32) = match class.as_str() {
        "approved" => (0x1a, 0x7f, 0x37),
        "support" => (0x9a, 0x67, 0x00),
        "conditions" => (0xbc, 0x4c, 0x00),
        "not-approved" => (0xb4, 0x23, 0x18),
        _ => (0x6b, 0x72, 0x80),
    };
    let near = |p: &[u8]| {
        (i32::from(p[0]) - r).abs() < 30
            && (i32::from(p[1]) - g).abs() < 30
            && (i32::from(p[2]) - b).abs() < 30
    };
    (class, pixels.iter().filter(|p| near(p)).count())
}
