//! The small harness every integration test uses: a throw-away data
//! directory, the real `parley` binary, and the shared data folder.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The shared test data (`../shared` beside the repository), or `None` with
/// a message when it is absent. Under `CI=true` its absence fails the test.
pub fn shared() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if dir.join("README.md").is_file() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("../shared is missing and CI=true: the measurement tests need it");
    }
    eprintln!("skipped: ../shared is absent (the test data folder beside the repository)");
    None
}

/// A fixture file under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// A fresh data directory (with an empty `corpus/`) removed at drop.
pub struct DataDir {
    pub dir: tempfile::TempDir,
}

impl DataDir {
    pub fn new() -> DataDir {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("corpus")).expect("corpus dir");
        DataDir { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn corpus(&self) -> PathBuf {
        self.dir.path().join("corpus")
    }

    /// A `parley` command with `--data-dir` set to this directory.
    pub fn parley(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_parley"));
        cmd.arg("--data-dir").arg(self.path());
        cmd.env_remove("PARLEY_DATA_DIR").env("NO_COLOR", "1");
        cmd
    }

    /// Starts `parley` with these arguments and every stream piped (for a
    /// console or a server that runs while the test talks to it).
    pub fn spawn(&self, args: &[&str]) -> std::process::Child {
        self.parley()
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn parley")
    }

    /// Runs `parley` with these arguments and returns its output.
    pub fn run(&self, args: &[&str]) -> Output {
        self.parley().args(args).output().expect("run parley")
    }

    /// Runs `parley` and expects success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "parley {args:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs `parley` and expects failure; returns stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(!out.status.success(), "parley {args:?} should have failed: {}", String::from_utf8_lossy(&out.stdout));
        String::from_utf8_lossy(&out.stderr).into_owned()
    }
}
