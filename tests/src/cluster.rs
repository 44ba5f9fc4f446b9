//! A PostgreSQL cluster of the test's own, as a shared-mode deployment runs one: TLS with a
//! certificate signed by a CA the test makes, every TCP connection password-checked
//! (`hostssl … scram-sha-256` and nothing else), wrong passwords slowed down by `auth_delay`.
//! The machine's own server trusts every local connection, so it cannot show that a password
//! or a grant is checked. Stopped (immediately) and removed when dropped.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::team;

/// The owner's password: the cluster's superuser, which runs the migrations.
pub const OWNER_PASSWORD: &str = "Proprietaire-2026!";
/// How long the server makes a wrong password wait.
pub const AUTH_DELAY_MS: u64 = 300;

/// How [`PrivateCluster::stop`] stops the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopMode {
    Immediate,
    Fast,
}

#[derive(Debug)]
pub struct PrivateCluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    pub port: u16,
}

impl PrivateCluster {
    /// Makes the certificates, `initdb`s and starts a cluster on a free port (about 2 s).
    pub fn start() -> PrivateCluster {
        let bin = postgres_bin();
        let dir = tempfile::Builder::new()
            .prefix("guichet-cluster-")
            .tempdir()
            .expect("temporary directory");
        let path = dir.path();
        certificates(path);
        std::fs::write(path.join("owner.pw"), OWNER_PASSWORD).expect("owner password file");
        give_to_postgres(path);
        run_as_postgres(
            Command::new(bin.join("initdb"))
                .arg("-D")
                .arg(path.join("data"))
                .args([
                    "-U",
                    "owner",
                    "--auth-local=trust",
                    "--auth-host=scram-sha-256",
                ])
                .arg(format!("--pwfile={}", path.join("owner.pw").display())),
        );
        let port = free_port();
        let settings = format!(
            "port = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{dir}'\n\
             ssl = on\nssl_cert_file = '{dir}/server.crt'\nssl_key_file = '{dir}/server.key'\n\
             password_encryption = 'scram-sha-256'\nshared_preload_libraries = 'auth_delay'\n\
             auth_delay.milliseconds = {AUTH_DELAY_MS}\nlog_statement = 'all'\nfsync = off\n",
            dir = path.display()
        );
        append(&path.join("data/postgresql.conf"), &settings);
        std::fs::write(
            path.join("data/pg_hba.conf"),
            "local all owner trust\nhostssl all all 127.0.0.1/32 scram-sha-256\n",
        )
        .expect("pg_hba.conf");
        let cluster = PrivateCluster { dir, bin, port };
        run_as_postgres(
            cluster
                .pg_ctl()
                .args(["-w", "start", "-l"])
                .arg(cluster.path().join("log")),
        );
        cluster
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn pg_ctl(&self) -> Command {
        let mut command = Command::new(self.bin.join("pg_ctl"));
        command.arg("-D").arg(self.path().join("data"));
        command
    }

    /// The CA that signed the server's certificate.
    pub fn ca(&self) -> PathBuf {
        self.path().join("ca.crt")
    }

    /// A CA that signed nothing of this cluster's.
    pub fn other_ca(&self) -> PathBuf {
        self.path().join("other-ca.crt")
    }

    /// `postgres://[user@]127.0.0.1:PORT/DATABASE?sslmode=verify-full&sslrootcert=CA`.
    pub fn url(&self, user: Option<&str>, database: &str) -> String {
        let user = user.map(|user| format!("{user}@")).unwrap_or_default();
        format!(
            "postgres://{user}127.0.0.1:{}/{database}?sslmode=verify-full&sslrootcert={}",
            self.port,
            self.ca().display()
        )
    }

    /// The owner's URL, its password in it (tests only: the app reads it from the keyring or
    /// PGPASSWORD).
    pub fn owner_url(&self, database: &str) -> String {
        self.url(Some(&format!("owner:{OWNER_PASSWORD}")), database)
    }

    /// Runs one statement as the owner on the maintenance database (`CREATE DATABASE …`).
    pub async fn execute(&self, sql: &str) {
        let mut connection: sqlx::PgConnection =
            sqlx::Connection::connect(&self.owner_url("postgres"))
                .await
                .expect("the cluster accepts its owner");
        sqlx::Executor::execute(&mut connection, sql)
            .await
            .unwrap_or_else(|error| panic!("{sql}: {error}"));
    }

    /// The server's log: every statement it ran, every connection it refused.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.path().join("log")).expect("the server's log")
    }

    /// Stops the server: `immediate` as a crash would (no checkpoint, recovery from the WAL at
    /// the next start), `fast` as an operator's restart (open transactions rolled back). Every
    /// connection is cut; new ones are refused until [`PrivateCluster::start_again`].
    pub fn stop(&self, mode: StopMode) {
        let mode = match mode {
            StopMode::Immediate => "immediate",
            StopMode::Fast => "fast",
        };
        run_as_postgres(self.pg_ctl().args(["-m", mode, "-w", "stop"]));
    }

    /// Starts the stopped server again, on the same port and data, and waits until it accepts
    /// connections.
    pub fn start_again(&self) {
        run_as_postgres(
            self.pg_ctl()
                .args(["-w", "start", "-l"])
                .arg(self.path().join("log")),
        );
    }

    /// Turns TLS off (or on again) without a restart, and waits until the server says so.
    pub fn set_ssl(&self, on: bool) {
        let wanted = if on { "on" } else { "off" };
        append(
            &self.path().join("data/postgresql.conf"),
            &format!("ssl = {wanted}\n"),
        );
        run_as_postgres(self.pg_ctl().arg("reload"));
        // The postmaster rereads its configuration on SIGHUP, in its own time: ask it over the
        // Unix socket (trusted for the owner) until it answers the new value.
        for _ in 0..100 {
            let shown = as_postgres(
                Command::new("psql")
                    .arg("-h")
                    .arg(self.path())
                    .args([
                        "-p",
                        &self.port.to_string(),
                        "-U",
                        "owner",
                        "-d",
                        "postgres",
                    ])
                    .args(["-Atc", "SHOW ssl"]),
            )
            .output()
            .expect("psql runs");
            if shown.stdout.trim_ascii() == wanted.as_bytes() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("the server did not turn ssl {wanted}");
    }
}

impl Drop for PrivateCluster {
    fn drop(&mut self) {
        let _ = as_postgres(self.pg_ctl().args(["-m", "immediate", "stop"])).output();
    }
}

/// The newest PostgreSQL server of Debian's packages (`GUICHET_TEST_PG_BIN` elsewhere).
fn postgres_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("GUICHET_TEST_PG_BIN") {
        return bin.into();
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL's server binaries in /usr/lib/postgresql")
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version = entry.file_name().to_str()?.parse().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .collect();
    versions.sort();
    versions.pop().expect("a PostgreSQL version").1
}

pub(crate) fn certificates(dir: &Path) {
    let openssl = |args: &[&str]| {
        let output = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("openssl runs");
        assert!(
            output.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    for (key, cert, name) in [
        ("ca.key", "ca.crt", "/CN=Guichet test CA"),
        ("other-ca.key", "other-ca.crt", "/CN=Another CA"),
    ] {
        openssl(&[
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-keyout", key, "-out",
            cert, "-subj", name,
        ]);
    }
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=localhost",
    ]);
    std::fs::write(
        dir.join("san.ext"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n",
    )
    .expect("extension file");
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "san.ext",
        "-out",
        "server.crt",
    ]);
}

pub(crate) fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| output.stdout.trim_ascii() == b"0")
}

/// PostgreSQL refuses to run as root: as root, the server's files go to `postgres`.
fn give_to_postgres(dir: &Path) {
    if running_as_root() {
        let status = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(dir)
            .status()
            .expect("chown runs");
        assert!(status.success(), "chown postgres {}", dir.display());
    }
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        dir.join("server.key"),
        std::fs::Permissions::from_mode(0o600),
    )
    .expect("server key private");
}

fn as_postgres(command: &mut Command) -> Command {
    if !running_as_root() {
        let mut own = Command::new(command.get_program());
        own.args(command.get_args());
        return own;
    }
    let mut wrapped = Command::new("runuser");
    wrapped
        .args(["-u", "postgres", "--"])
        .arg(command.get_program())
        .args(command.get_args());
    wrapped
}

fn run_as_postgres(command: &mut Command) {
    let output = as_postgres(command).output().expect("PostgreSQL tool runs");
    assert!(
        output.status.success(),
        "{command:?}: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn append(path: &Path, text: &str) {
    use std::io::Write;
    std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .and_then(|mut file| file.write_all(text.as_bytes()))
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// The database the shared-mode tests use on their cluster.
pub const SHARED_DATABASE: &str = "guichet";
/// The password of the desk's sender service (`envoi`, of role `envoi`).
pub const SENDER_PASSWORD: &str = "Service-envoi-2026!";

/// A shared database on its own cluster, as `docs/DEPLOYMENT.md` sets one up: created and
/// migrated by the owner (`migrate --shared`), a small demo loaded, the first supervisor
/// (`sandrine`) added by the owner, then an agent (`camille`), a reader (`lea`) and the sender
/// service's account (`envoi`) added by her.
#[derive(Debug)]
pub struct SharedDesk {
    pub cluster: PrivateCluster,
    data_dir: tempfile::TempDir,
}

impl SharedDesk {
    pub async fn start() -> SharedDesk {
        let cluster = PrivateCluster::start();
        cluster
            .execute(&format!("CREATE DATABASE {SHARED_DATABASE}"))
            .await;
        let desk = SharedDesk {
            cluster,
            data_dir: tempfile::tempdir().expect("data folder"),
        };
        let owner_url = desk.cluster.owner_url(SHARED_DATABASE);
        let store = guichet_core::store::Store::connect(
            &owner_url,
            guichet_core::store::OpenMode::MustExist,
        )
        .await
        .expect("the owner connects");
        store.migrate().await.expect("migrations apply");
        store.enter_shared_mode().await.expect("shared mode");
        let size = guichet_core::demo::DemoSize {
            establishments: 6_000,
            accounts: 6_000,
        };
        guichet_core::demo::load(&store, size, 2026, crate::time::PARIS, chrono::Utc::now())
            .await
            .expect("demo data");
        store.close().await;

        let owner = guichet_core::Guichet::open(
            desk.settings(&owner_url),
            guichet_core::store::OpenMode::MustExist,
        )
        .await
        .expect("the owner opens the shared database");
        let session = owner.owner_session().await.expect("the owner's session");
        team::add_members(&owner, &session, &[team::SUPERVISOR]).await;
        owner.close().await;
        let (guichet, supervisor) = desk
            .sign_in(team::SUPERVISOR.login, team::SUPERVISOR.password)
            .await
            .expect("supervisor signs in");
        let sender = team::Member {
            login: "envoi",
            name: "Service d’envoi",
            role: guichet_core::agents::Role::Envoi,
            password: SENDER_PASSWORD,
        };
        team::add_members(&guichet, &supervisor, &[team::AGENT, team::READER, sender]).await;
        guichet.sign_out().await;
        desk
    }

    /// Settings on `url`, with a data folder of the test's own.
    pub fn settings(&self, url: &str) -> guichet_core::Settings {
        guichet_core::Settings::with_defaults(Some(url.into()), self.data_dir.path().to_path_buf())
    }

    /// The sender service's address: its own role, its password from its keyring
    /// (`database-password`) or its credentials.
    pub fn sender_url(&self) -> String {
        self.cluster.url(Some("envoi"), SHARED_DATABASE)
    }

    /// The sender service as `guichet-admin sender` opens it, in this process: connected as
    /// `envoi` with its password, mailing `smtp_url`.
    pub async fn sender(&self, smtp_url: &str) -> guichet_core::sender::Sender {
        self.sender_with(smtp_url, None).await
    }

    /// [`SharedDesk::sender`], trusting `ca_file`'s authorities for the bounce mailbox.
    pub async fn sender_trusting(
        &self,
        smtp_url: &str,
        ca_file: PathBuf,
    ) -> guichet_core::sender::Sender {
        self.sender_with(smtp_url, Some(ca_file)).await
    }

    async fn sender_with(
        &self,
        smtp_url: &str,
        bounce_ca_file: Option<PathBuf>,
    ) -> guichet_core::sender::Sender {
        let mut settings = self.settings(&self.sender_url());
        settings.bounce_ca_file = bounce_ca_file;
        settings.sending.set(
            guichet_core::mail::sending::SendingName::SmtpUrl,
            Some(smtp_url.into()),
        );
        let store = guichet_core::store::Store::connect_with_password(
            &self.sender_url(),
            guichet_core::store::OpenMode::MustExist,
            Some(&guichet_core::secrets::Secret::new(SENDER_PASSWORD)),
        )
        .await
        .expect("the sender connects");
        guichet_core::sender::Sender::start(store, settings, std::sync::Arc::default())
            .await
            .expect("the sender starts")
    }

    /// The address agents use: no user in it, each agent brings its own role.
    pub fn agents_url(&self) -> String {
        self.cluster.url(None, SHARED_DATABASE)
    }

    pub fn owner_url(&self) -> String {
        self.cluster.owner_url(SHARED_DATABASE)
    }

    /// The gate an agent's window opens.
    pub async fn gate(&self) -> guichet_core::Gate {
        guichet_core::Gate::open(
            self.settings(&self.agents_url()),
            guichet_core::store::OpenMode::MustExist,
        )
        .await
        .expect("the gate opens")
    }

    /// Signs an agent in through the gate, as the window does.
    pub async fn sign_in(
        &self,
        login: &str,
        password: &str,
    ) -> guichet_core::Result<(guichet_core::Guichet, guichet_core::agents::Session)> {
        self.gate().await.sign_in(login, password).await
    }

    /// A plain connection as `login` (not through the core), as `psql` would make one.
    pub async fn connect(
        &self,
        login: &str,
        password: &str,
    ) -> Result<sqlx::PgConnection, sqlx::Error> {
        let url = self
            .cluster
            .url(Some(&format!("{login}:{password}")), SHARED_DATABASE);
        sqlx::Connection::connect(&url).await
    }
}
