//! The team the tests sign in as, and the one way to add it: a supervisor (`sandrine`), an
//! agent (`camille`) and a read-only agent (`lea`), through the core or through `guichet-admin`.

use guichet_core::Guichet;
use guichet_core::agents::{Role, Session};
use guichet_core::model::database::OpenMode;

use crate::cli::{Admin, Run};

/// The supervisor's password.
pub const SUPERVISOR_PASSWORD: &str = "Superviseur-2026!";
/// The password of the team's agent and reader.
pub const AGENT_PASSWORD: &str = "Guichet-agent-42";

/// An agent of the team.
#[derive(Debug, Clone, Copy)]
pub struct Member {
    pub login: &'static str,
    pub name: &'static str,
    pub role: Role,
    pub password: &'static str,
}

pub const SUPERVISOR: Member = Member {
    login: "sandrine",
    name: "Sandrine Petit",
    role: Role::Superviseur,
    password: SUPERVISOR_PASSWORD,
};
pub const AGENT: Member = Member {
    login: "camille",
    name: "Camille Martin",
    role: Role::Agent,
    password: AGENT_PASSWORD,
};
pub const READER: Member = Member {
    login: "lea",
    name: "Léa Bernard",
    role: Role::Lecture,
    password: AGENT_PASSWORD,
};
/// The whole team, the supervisor first: the others are hers to add.
pub const TEAM: [Member; 3] = [SUPERVISOR, AGENT, READER];

/// Makes [`SUPERVISOR`] the first agent of a database that has none, and her session.
pub async fn first_supervisor(guichet: &Guichet) -> Session {
    guichet
        .create_first_supervisor(SUPERVISOR.login, SUPERVISOR.name, SUPERVISOR.password)
        .await
        .expect("first supervisor")
}

/// Adds `members` as `by`.
pub async fn add_members(guichet: &Guichet, by: &Session, members: &[Member]) {
    for member in members {
        guichet
            .add_agent(by, member.login, member.name, member.role, member.password)
            .await
            .unwrap_or_else(|error| panic!("{} added: {error}", member.login));
    }
}

/// Adds the [`TEAM`] to a database that has no agent yet; the supervisor's session.
pub async fn add_team(guichet: &Guichet) -> Session {
    let supervisor = first_supervisor(guichet).await;
    add_members(guichet, &supervisor, &TEAM[1..]).await;
    supervisor
}

/// Fills the embedded demo database of `data_dir` as a first launch would, then adds the
/// [`TEAM`].
pub async fn demo_team(data_dir: &std::path::Path) {
    let settings = guichet_core::Settings::with_defaults(None, data_dir.to_path_buf());
    let guichet = Guichet::open(settings, OpenMode::MustExist)
        .await
        .expect("demo database");
    add_team(&guichet).await;
    guichet.close().await;
}

/// `admin` (a command on the database, its arguments to come) running `agent add`, the new
/// password on standard input, as `by` (login and password) when given.
pub fn add_agent_with_cli(
    admin: Admin,
    by: Option<(&str, &str)>,
    login: &str,
    name: &str,
    role: &str,
    password: &str,
) -> Run {
    let mut call = admin
        .args(&["agent", "add", login, "--name", name, "--role", role])
        .stdin(&format!("{password}\n"));
    if let Some((agent, agent_password)) = by {
        call = call.agent(agent, agent_password);
    }
    call.run()
}

/// Adds the [`TEAM`] through `guichet-admin agent add` on a database that has no agent yet: the
/// supervisor as the first one, the others by her. `admin()` is a command on the database.
pub fn add_team_with_cli(admin: impl Fn() -> Admin) {
    add_member_with_cli(admin(), None, &SUPERVISOR);
    let supervisor = Some((SUPERVISOR.login, SUPERVISOR.password));
    for member in &TEAM[1..] {
        add_member_with_cli(admin(), supervisor, member);
    }
}

/// [`add_agent_with_cli`] for a member of the team.
pub fn add_member_with_cli(admin: Admin, by: Option<(&str, &str)>, member: &Member) -> Run {
    add_agent_with_cli(
        admin,
        by,
        member.login,
        member.name,
        member.role.code(),
        member.password,
    )
}
