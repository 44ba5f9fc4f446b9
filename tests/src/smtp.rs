//! Real SMTP servers on loopback for the tests: Debian's aiosmtpd (`support/smtp_server.py`:
//! a Maildir, chosen recipients refused, AUTH or TLS on demand), and `Sink`, a minimal SMTP
//! server in Rust that answers at once, to measure the client rather than the server.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Debian's interpreter, which has python3-aiosmtpd; the `python3` first on PATH may not.
pub const PYTHON: &str = "/usr/bin/python3";
const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/support/smtp_server.py");

/// aiosmtpd run by `support/smtp_server.py`; killed on drop.
#[derive(Debug)]
pub struct Aiosmtpd {
    /// `None` while stopped (see [`Aiosmtpd::stop`]).
    child: Option<Child>,
    pub port: u16,
    dir: tempfile::TempDir,
    /// The script's arguments, to start it again on the same port and Maildir.
    args: Vec<std::ffi::OsString>,
}

/// How `Aiosmtpd` is started.
#[derive(Debug, Default, Clone)]
pub struct AiosmtpdOptions {
    /// `(user, password)` to require before MAIL.
    pub auth: Option<(String, String)>,
    /// `"starttls"` or `"implicit"`, with a self-signed certificate made by `openssl`.
    pub tls: Option<&'static str>,
    /// Seconds after which the server silently closes an idle connection (aiosmtpd: 300).
    pub idle_timeout: Option<f64>,
    /// Announce DSN and record the parameters each MAIL and RCPT carried ([`Aiosmtpd::dsn_records`]).
    pub dsn: bool,
    /// Reply to the data with a queue id (`250 2.0.0 Ok: queued as 4F2B000000`).
    pub queue_ids: bool,
}

impl Aiosmtpd {
    pub fn start() -> Aiosmtpd {
        Aiosmtpd::start_with(AiosmtpdOptions::default())
    }

    pub fn start_with(options: AiosmtpdOptions) -> Aiosmtpd {
        let dir = tempfile::tempdir().expect("temporary directory");
        let mut args: Vec<std::ffi::OsString> = vec![
            SCRIPT.into(),
            "--maildir".into(),
            dir.path().join("maildir").into(),
        ];
        if let Some((user, password)) = &options.auth {
            args.push("--auth".into());
            args.push(format!("{user}:{password}").into());
        }
        if let Some(tls) = options.tls {
            let (cert, key) = self_signed_certificate(dir.path());
            args.extend(["--tls".into(), tls.into(), "--cert".into()]);
            args.extend([cert.into(), "--key".into(), key.into()]);
        }
        if options.dsn {
            args.push("--dsn".into());
        }
        if options.queue_ids {
            args.push("--queue-ids".into());
        }
        if let Some(seconds) = options.idle_timeout {
            args.push("--idle-timeout".into());
            args.push(seconds.to_string().into());
        }
        let (child, port) = spawn(dir.path(), &args, 0);
        Aiosmtpd {
            child: Some(child),
            port,
            dir,
            args,
        }
    }

    /// Kills the server (SIGKILL, as a crash or a pulled cable would): the connections it held
    /// break, new ones are refused. What it stored stays in its Maildir.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port, storing into the same Maildir.
    pub fn start_again(&mut self) {
        self.stop();
        let (child, _) = spawn(self.dir.path(), &self.args, self.port);
        self.child = Some(child);
    }

    /// The Maildir the server stores into (`new/` holds one file per message, written as it
    /// arrived).
    pub fn maildir(&self) -> PathBuf {
        self.dir.path().join("maildir")
    }

    /// What each RCPT the server received carried, with its MAIL (`--dsn` only): `mail_from`,
    /// `mail` (`RET`, `ENVID`), `rcpt`, `rcpt_parameters` (`NOTIFY`, `ORCPT`).
    pub fn dsn_records(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(self.dir.path().join("dsn.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str(line).expect("a JSON line"))
            .collect()
    }

    /// `smtp://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The stored messages, byte for byte; a message is stored before the server answers 250.
    pub fn messages(&self) -> Vec<Vec<u8>> {
        let new = self.dir.path().join("maildir/new");
        let mut paths: Vec<PathBuf> = match std::fs::read_dir(&new) {
            Ok(entries) => entries.map(|entry| entry.expect("entry").path()).collect(),
            Err(_) => return Vec::new(),
        };
        paths.sort();
        paths
            .iter()
            .map(|path| std::fs::read(path).expect("stored message"))
            .collect()
    }
}

impl Aiosmtpd {
    /// How many messages the server stored, without reading them.
    pub fn count(&self) -> usize {
        std::fs::read_dir(self.dir.path().join("maildir/new")).map_or(0, |entries| entries.count())
    }

    /// The `Message-ID` of each stored message, in the order `messages` gives, with its bytes.
    pub fn by_message_id(&self) -> Vec<(String, Vec<u8>)> {
        self.messages()
            .into_iter()
            .map(|raw| {
                let id = mail_parser::MessageParser::default()
                    .parse(&raw)
                    .and_then(|message| message.message_id().map(str::to_string))
                    .expect("a Message-ID");
                (id, raw)
            })
            .collect()
    }

    /// The reset link of each stored message, in the order `messages` gives.
    pub fn reset_links(&self) -> Vec<String> {
        self.messages().iter().map(|raw| reset_link(raw)).collect()
    }

    /// Waits until the server has stored `count` messages (the app sends in the background).
    pub fn wait_for_messages(&self, count: usize) -> Vec<Vec<u8>> {
        let start = std::time::Instant::now();
        loop {
            let messages = self.messages();
            if messages.len() >= count {
                return messages;
            }
            assert!(
                start.elapsed() < std::time::Duration::from_secs(30),
                "{} message(s) received, {count} expected",
                messages.len()
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }
}

/// The link line of a reset message's text part.
pub fn reset_link(raw: &[u8]) -> String {
    let message = mail_parser::MessageParser::default()
        .parse(raw)
        .expect("a message mail-parser reads");
    let text = message.body_text(0).expect("a text part");
    text.lines()
        .map(str::trim)
        .find(|line| line.starts_with("https://"))
        .expect("a link line")
        .to_string()
}

impl Drop for Aiosmtpd {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Runs `support/smtp_server.py` with `args` on `port` (0: a free one); the child and its port
/// once it listens.
fn spawn(dir: &Path, args: &[std::ffi::OsString], port: u16) -> (Child, u16) {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("server.log"))
        .expect("log file");
    let mut child = Command::new(PYTHON)
        .args(args)
        .arg("--port")
        .arg(port.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .unwrap_or_else(|error| panic!("cannot run {PYTHON} {SCRIPT}: {error}"));
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("server's first line");
    let Ok(port) = line.trim().parse() else {
        let _ = child.kill();
        let _ = child.wait();
        let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
        panic!("aiosmtpd did not start (is python3-aiosmtpd installed?):\n{log}")
    };
    (child, port)
}

fn self_signed_certificate(dir: &Path) -> (PathBuf, PathBuf) {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let status = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args([
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("openssl runs (package openssl)");
    assert!(status.success(), "openssl could not make a certificate");
    (cert, key)
}

/// A minimal SMTP server that accepts everything at once and counts the messages; stops on drop.
#[derive(Debug)]
pub struct Sink {
    pub port: u16,
    received: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Sink {
    /// Listens on a free loopback port, served by the current tokio runtime.
    pub async fn start() -> Sink {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("address").port();
        let received = Arc::new(AtomicUsize::new(0));
        let counter = received.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, counter.clone()));
            }
        });
        Sink {
            port,
            received,
            task,
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn received(&self) -> usize {
        self.received.load(Ordering::SeqCst)
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(stream: TcpStream, received: Arc<AtomicUsize>) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let (reader, mut writer) = stream.into_split();
    let mut reader = tokio::io::BufReader::new(reader);
    writer.write_all(b"220 sink ESMTP\r\n").await?;
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => b"250-sink\r\n250 8BITMIME\r\n",
            "HELO" | "MAIL" | "RCPT" | "RSET" | "NOOP" => b"250 OK\r\n",
            "DATA" => {
                writer
                    .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                loop {
                    line.clear();
                    if reader.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" {
                        break;
                    }
                }
                received.fetch_add(1, Ordering::SeqCst);
                b"250 OK queued\r\n"
            }
            "QUIT" => {
                writer.write_all(b"221 Bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 Command not implemented\r\n",
        };
        writer.write_all(reply).await?;
    }
}
