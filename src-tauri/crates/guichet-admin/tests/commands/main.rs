//! The agents' commands of `guichet-admin` run as the real binary on real databases: passwords
//! and secrets on standard input, the agent's password in `GUICHET_AGENT_PASSWORD`, JSON out.

mod agents;
mod associations;
mod audit;
mod diagnose;
mod roles;
mod secrets;
mod settings;
mod shared;

use std::io::Write;
use std::process::{Command, Stdio};

use guichet_core::model::establishment::Establishment;
use guichet_core::model::uai::Uai;
use guichet_tests::{AGENT_PASSWORD, SUPERVISOR_PASSWORD, TestDb};
use serde_json::Value;

pub const HENRI_IV: &str = "0750654D";
pub const LOUIS_LE_GRAND: &str = "0750655E";
/// A valid UAI (Saint-Pierre-et-Miquelon) that no establishment of the demo has.
pub const NOWHERE: &str = "9750001C";

/// One run of the binary: its exit code, what it printed, and stdout as JSON when it is.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub json: Value,
}

impl Run {
    /// The JSON of a run that must have succeeded.
    pub fn ok(&self) -> &Value {
        assert_eq!(self.code, 0, "{}\n{}", self.stdout, self.stderr);
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

/// A command line to run: `--json` unless [`Admin::text`], no agent password unless given.
#[derive(Debug)]
pub struct Admin {
    wrapper: Vec<String>,
    args: Vec<String>,
    env: Vec<(String, String)>,
    stdin: Option<String>,
    json: bool,
}

pub fn admin(url: &str, args: &[&str]) -> Admin {
    Admin {
        wrapper: Vec::new(),
        args: args.iter().map(|a| a.to_string()).collect(),
        env: vec![("GUICHET_DATABASE_URL".into(), url.into())],
        stdin: None,
        json: true,
    }
}

impl Admin {
    /// Acts as `login`, whose password is in `GUICHET_AGENT_PASSWORD`.
    pub fn agent(mut self, login: &str, password: &str) -> Self {
        self.args.extend(["--agent".into(), login.into()]);
        self.env
            .push(("GUICHET_AGENT_PASSWORD".into(), password.into()));
        self
    }

    pub fn stdin(mut self, text: &str) -> Self {
        self.stdin = Some(text.into());
        self
    }

    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.into(), value.into()));
        self
    }

    /// The output for people rather than `--json`.
    pub fn text(mut self) -> Self {
        self.json = false;
        self
    }

    /// Runs the binary as an argument of `wrapper` (`setsid -w`, `keyctl session -`).
    pub fn under(mut self, wrapper: &[&str]) -> Self {
        self.wrapper = wrapper.iter().map(|a| a.to_string()).collect();
        self
    }

    pub fn run(self) -> Run {
        let binary = env!("CARGO_BIN_EXE_guichet-admin");
        let mut command = match self.wrapper.split_first() {
            Some((program, args)) => {
                let mut command = Command::new(program);
                command.args(args).arg(binary);
                command
            }
            None => Command::new(binary),
        };
        command
            .args(&self.args)
            .args(self.json.then_some("--json"))
            .env_remove("GUICHET_AGENT_PASSWORD")
            .env_remove("GUICHET_KEYRING")
            .env(
                "GUICHET_DATA_DIR",
                std::env::temp_dir().join("guichet-admin-tests"),
            )
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("guichet-admin runs");
        let mut stdin = child.stdin.take().expect("stdin piped");
        if let Some(text) = &self.stdin {
            stdin.write_all(text.as_bytes()).expect("stdin written");
        }
        drop(stdin);
        let output = child.wait_with_output().expect("guichet-admin ends");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        Run {
            code: output.status.code().unwrap_or(-1),
            json: serde_json::from_str(stdout.trim()).unwrap_or(Value::Null),
            stdout,
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

/// The demo database with a supervisor (`sandrine`), an agent (`camille`) and a read-only agent
/// (`lea`), all added through the CLI.
pub fn desk(db: &TestDb) {
    admin(
        &db.url,
        &["demo", "--establishments", "6000", "--accounts", "8000"],
    )
    .run()
    .ok();
    add_agent(
        &db.url,
        None,
        "sandrine",
        "Sandrine Petit",
        "superviseur",
        SUPERVISOR_PASSWORD,
    );
    let supervisor = Some(("sandrine", SUPERVISOR_PASSWORD));
    add_agent(
        &db.url,
        supervisor,
        "camille",
        "Camille Martin",
        "agent",
        AGENT_PASSWORD,
    );
    add_agent(
        &db.url,
        supervisor,
        "lea",
        "Léa Bernard",
        "lecture",
        AGENT_PASSWORD,
    );
}

/// Runs `agent add`, the new password on standard input.
pub fn add_agent(
    url: &str,
    by: Option<(&str, &str)>,
    login: &str,
    name: &str,
    role: &str,
    password: &str,
) -> Run {
    let mut call = admin(
        url,
        &["agent", "add", login, "--name", name, "--role", role],
    )
    .stdin(&format!("{password}\n"));
    if let Some((agent, agent_password)) = by {
        call = call.agent(agent, agent_password);
    }
    call.run()
}

/// An establishment's page as the database holds it now.
pub async fn page(db: &TestDb, uai: &str) -> Establishment {
    db.store
        .establishment(
            &Uai::parse(uai).expect("valid UAI"),
            chrono_tz::Europe::Paris,
            chrono::Utc::now(),
        )
        .await
        .expect("establishment")
}

/// The addresses attached to an establishment, and its principal one.
pub async fn addresses(db: &TestDb, uai: &str) -> (Vec<String>, Option<String>) {
    let page = page(db, uai).await;
    let emails = page.addresses.into_iter().map(|a| a.email).collect();
    (emails, page.principal_email)
}
