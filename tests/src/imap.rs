//! A real IMAP server on the loopback for the bounce mailbox: Debian's Dovecot, started with a
//! configuration of its own (TLS required, a certificate of the test's own authority, one user),
//! its mail in a Maildir the tests deliver into as a mail server would; stopped on drop.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cluster::{certificates, free_port, running_as_root};

pub const USER: &str = "retours";
pub const PASSWORD: &str = "Boite-des-retours-2026";

#[derive(Debug)]
pub struct Dovecot {
    dir: tempfile::TempDir,
    pub port: u16,
    running: bool,
}

impl Dovecot {
    pub fn start() -> Dovecot {
        let dir = tempfile::tempdir().expect("temporary directory");
        let base = dir.path();
        // Dovecot's unprivileged processes must reach the certificates and the mail.
        set_mode(base, 0o755);
        certificates(base);
        for file in ["server.crt", "server.key"] {
            set_mode(&base.join(file), 0o644);
        }
        std::fs::create_dir_all(base.join("run")).expect("run folder");
        std::fs::create_dir_all(maildir_of(base).join("new")).expect("mail folder");
        std::fs::create_dir_all(maildir_of(base).join("cur")).expect("mail folder");
        std::fs::create_dir_all(maildir_of(base).join("tmp")).expect("mail folder");
        std::fs::write(base.join("passwd"), format!("{USER}:{{PLAIN}}{PASSWORD}\n"))
            .expect("password file");
        set_mode(&base.join("passwd"), 0o644);
        let port = free_port();
        let (user, group) = if running_as_root() {
            ("dovecot", "dovecot")
        } else {
            ("", "")
        };
        let config = format!(
            "base_dir = {base}/run\n\
             protocols = imap\n\
             listen = 127.0.0.1\n\
             log_path = {base}/dovecot.log\n\
             ssl = required\n\
             ssl_cert = <{base}/server.crt\n\
             ssl_key = <{base}/server.key\n\
             default_internal_user = {user}\n\
             default_internal_group = {group}\n\
             default_login_user = dovenull\n\
             first_valid_uid = 100\n\
             passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {base}/passwd\n}}\n\
             userdb {{\n  driver = static\n  args = uid={user} gid={group} home={base}/mail/%u\n}}\n\
             mail_location = maildir:~/Maildir\n\
             service imap-login {{\n  inet_listener imap {{\n    port = 0\n  }}\n  inet_listener imaps {{\n    port = {port}\n  }}\n}}\n",
            base = base.display()
        );
        std::fs::write(base.join("dovecot.conf"), config).expect("configuration");
        give_mail_to_dovecot(base);
        let mut dovecot = Dovecot {
            dir,
            port,
            running: false,
        };
        dovecot.start_again();
        dovecot
    }

    /// Starts the server again (after [`Dovecot::stop`]) on the same port and mail.
    pub fn start_again(&mut self) {
        let status = Command::new("dovecot")
            .arg("-c")
            .arg(self.dir.path().join("dovecot.conf"))
            .status()
            .expect("dovecot runs (package dovecot-imapd)");
        assert!(status.success(), "dovecot did not start: {}", self.log());
        self.running = true;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "dovecot does not listen: {}",
                self.log()
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    /// Stops the server; its mail stays.
    pub fn stop(&mut self) {
        if !self.running {
            return;
        }
        let pid_file = self.dir.path().join("run/master.pid");
        if let Ok(pid) = std::fs::read_to_string(&pid_file) {
            let _ = Command::new("kill").arg(pid.trim()).status();
        }
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while pid_file.exists() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        self.running = false;
    }

    /// `localhost:<port>`, as the `bounce_imap_host` setting holds it (the certificate names
    /// `localhost` and `127.0.0.1`).
    pub fn host(&self) -> String {
        format!("localhost:{}", self.port)
    }

    /// The authority that signed the server's certificate (`GUICHET_BOUNCE_CA_FILE`).
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.crt")
    }

    /// Another authority, which did not.
    pub fn other_ca_file(&self) -> PathBuf {
        self.dir.path().join("other-ca.crt")
    }

    /// Delivers `messages` into the inbox as a mail server does (one Maildir file each).
    pub fn deliver(&self, messages: &[Vec<u8>]) {
        let new = maildir_of(self.dir.path()).join("new");
        for (index, bytes) in messages.iter().enumerate() {
            let name = format!("{}.M{index}P{}.guichet-test", unique(), std::process::id());
            let temporary = maildir_of(self.dir.path()).join("tmp").join(&name);
            std::fs::write(&temporary, bytes).expect("message written");
            std::fs::rename(&temporary, new.join(&name)).expect("message delivered");
        }
        give_mail_to_dovecot(self.dir.path());
    }

    /// The messages in a folder (`None`: the inbox), as Dovecot keeps them.
    pub fn folder(&self, folder: Option<&str>) -> Vec<Vec<u8>> {
        let mut root = maildir_of(self.dir.path());
        if let Some(folder) = folder {
            root = root.join(format!(".{folder}"));
        }
        let mut messages = Vec::new();
        for sub in ["new", "cur"] {
            if let Ok(entries) = std::fs::read_dir(root.join(sub)) {
                for entry in entries.flatten() {
                    messages.push(std::fs::read(entry.path()).expect("message read"));
                }
            }
        }
        messages
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("dovecot.log")).unwrap_or_default()
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        self.stop();
    }
}

fn maildir_of(base: &Path) -> PathBuf {
    base.join("mail").join(USER).join("Maildir")
}

fn unique() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|since| since.as_nanos())
        .unwrap_or_default()
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
}

/// Dovecot's mail processes run as `dovecot`, which must own the mail.
fn give_mail_to_dovecot(base: &Path) {
    if running_as_root() {
        let status = Command::new("chown")
            .args(["-R", "dovecot:dovecot"])
            .arg(base.join("mail"))
            .status()
            .expect("chown runs");
        assert!(status.success(), "chown dovecot");
    }
}
