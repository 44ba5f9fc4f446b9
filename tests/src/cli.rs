//! The one way the tests run the `guichet-admin` binary: [`Admin`], a builder over
//! `std::process::Command` (arguments, `--json`, environment, standard input, a wrapper such as
//! `keyctl session -`), and [`Run`], what a run gave: exit code, output, and stdout as JSON.

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

/// `guichet-admin` as Cargo built it beside the test binaries, or `GUICHET_ADMIN`. The binary's
/// own tests pass `env!("CARGO_BIN_EXE_guichet-admin")` instead.
pub fn admin_binary() -> PathBuf {
    built_binary("guichet-admin", "GUICHET_ADMIN")
}

/// The workspace's binary `name` (of the package of that name) as Cargo built it beside the test
/// binaries (`cargo build -p <name>`; `cargo test --workspace` builds it too), or `$variable`.
pub fn built_binary(name: &str, variable: &str) -> PathBuf {
    if let Some(binary) = std::env::var_os(variable) {
        return binary.into();
    }
    let exe = std::env::current_exe().expect("test binary path");
    let profile = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps");
    let binary = profile.join(name);
    assert!(
        binary.exists(),
        "{} is missing: run `cargo build -p {name}` first (or set {variable})",
        binary.display()
    );
    binary
}

/// A command line to run: `--json` after the arguments unless [`Admin::text`], the test's own
/// environment but for what it sets or removes (in that order), no standard input unless given.
#[derive(Debug, Clone)]
pub struct Admin {
    binary: PathBuf,
    wrapper: Vec<String>,
    args: Vec<String>,
    env: Vec<(String, Option<OsString>)>,
    stdin: Option<String>,
    json: bool,
}

impl Admin {
    pub fn new(binary: impl AsRef<Path>, args: &[&str]) -> Admin {
        Admin {
            binary: binary.as_ref().to_path_buf(),
            wrapper: Vec::new(),
            args: Vec::new(),
            env: Vec::new(),
            stdin: None,
            json: true,
        }
        .args(args)
    }

    /// As the command tests run it: on `database_url` (`GUICHET_DATABASE_URL`), with a data
    /// folder of these tests, and neither an agent's password nor a keyring of the test's own
    /// environment.
    pub fn on_database(binary: impl AsRef<Path>, database_url: &str, args: &[&str]) -> Admin {
        Admin::new(binary, args)
            .env_remove("GUICHET_AGENT_PASSWORD")
            .env_remove("GUICHET_KEYRING")
            .env(
                "GUICHET_DATA_DIR",
                std::env::temp_dir().join("guichet-admin-tests"),
            )
            .database(database_url)
    }

    /// More arguments, after those given.
    pub fn args(mut self, args: &[&str]) -> Self {
        self.args.extend(args.iter().map(|a| a.to_string()));
        self
    }

    /// Acts as `login`, whose password is in `GUICHET_AGENT_PASSWORD`.
    pub fn agent(self, login: &str, password: &str) -> Self {
        self.args(&["--agent", login])
            .env("GUICHET_AGENT_PASSWORD", password)
    }

    /// The database in `GUICHET_DATABASE_URL`.
    pub fn database(self, url: &str) -> Self {
        self.env("GUICHET_DATABASE_URL", url)
    }

    pub fn env(mut self, name: &str, value: impl AsRef<OsStr>) -> Self {
        self.env.push((name.into(), Some(value.as_ref().into())));
        self
    }

    pub fn env_remove(mut self, name: &str) -> Self {
        self.env.push((name.into(), None));
        self
    }

    /// What the binary reads on standard input, as it is (a password wants its `\n`).
    pub fn stdin(mut self, text: &str) -> Self {
        self.stdin = Some(text.into());
        self
    }

    /// The output for people rather than `--json`.
    pub fn text(mut self) -> Self {
        self.json = false;
        self
    }

    /// Runs the binary as an argument of `wrapper` (`setsid -w`, `keyctl session -`, or
    /// `sh -c SCRIPT`, to which the binary is `$0` and its arguments `$@`).
    pub fn under(mut self, wrapper: &[&str]) -> Self {
        self.wrapper = wrapper.iter().map(|a| a.to_string()).collect();
        self
    }

    /// The command as [`Admin::run`] would start it, standard input empty, for a caller that
    /// spawns it itself (a service it stops later).
    pub fn command(&self) -> Command {
        let mut command = match self.wrapper.split_first() {
            Some((program, rest)) => {
                let mut command = Command::new(program);
                command.args(rest).arg(&self.binary);
                command
            }
            None => Command::new(&self.binary),
        };
        command.args(&self.args).args(self.json.then_some("--json"));
        for (name, value) in &self.env {
            match value {
                Some(value) => command.env(name, value),
                None => command.env_remove(name),
            };
        }
        command.stdin(Stdio::null());
        command
    }

    /// Runs the binary to its end.
    pub fn run(self) -> Run {
        let mut command = self.command();
        if self.stdin.is_some() {
            command.stdin(Stdio::piped());
        }
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("guichet-admin runs");
        if let (Some(text), Some(mut stdin)) = (&self.stdin, child.stdin.take()) {
            stdin.write_all(text.as_bytes()).expect("stdin written");
        }
        let output = child.wait_with_output().expect("guichet-admin ends");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let json = serde_json::from_str(stdout.trim()).ok();
        Run {
            code: output.status.code().unwrap_or(-1),
            is_json: json.is_some(),
            json: json.unwrap_or(Value::Null),
            stdout,
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

/// One run of the binary: its exit code (-1 if a signal ended it), what it printed, and stdout
/// as JSON when it is (`Null` when not).
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub json: Value,
    is_json: bool,
}

impl Run {
    /// The JSON of a run that must have succeeded.
    pub fn ok(&self) -> &Value {
        assert_eq!(self.code, 0, "{}\n{}", self.stdout, self.stderr);
        &self.json
    }

    /// Stdout as JSON, which it must be.
    pub fn parsed(&self) -> &Value {
        assert!(self.is_json, "not JSON: {}\n{}", self.stdout, self.stderr);
        &self.json
    }

    /// The French message of a run that must have failed with `kind`, printed as every error is.
    pub fn refused(&self, kind: &str) -> String {
        assert_eq!(self.code, 1, "{}\n{}", self.stdout, self.stderr);
        assert_eq!(self.json["error"]["kind"], kind, "{}", self.stdout);
        let message = self.json["error"]["message"]
            .as_str()
            .expect("a message")
            .to_string();
        assert!(
            self.stderr
                .starts_with(&format!("erreur\u{a0}: {message}\ndétail\u{a0}: ")),
            "{}",
            self.stderr
        );
        message
    }

    /// The French message of a run without `--json` that must have failed: on stderr only.
    pub fn failed(&self) -> String {
        assert_eq!(self.code, 1, "{}\n{}", self.stdout, self.stderr);
        assert_eq!(self.stdout, "", "nothing on stdout");
        let message = self
            .stderr
            .strip_prefix("erreur\u{a0}: ")
            .and_then(|rest| rest.split_once("\ndétail\u{a0}: "))
            .map(|(message, _)| message.to_string());
        message.unwrap_or_else(|| panic!("not an error: {}", self.stderr))
    }

    /// Fails if `secret` appears in anything the run printed.
    pub fn never_shows(&self, secret: &str) {
        assert!(!self.stdout.contains(secret), "stdout shows it");
        assert!(!self.stderr.contains(secret), "stderr shows it");
    }
}
