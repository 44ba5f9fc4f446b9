//! Starts a PostgreSQL cluster as the shared-mode tests do (TLS with a CA of its own,
//! `scram-sha-256` only, `auth_delay`), prints `PORT CA_FILE OWNER_PASSWORD` on one line, and
//! stops it when standard input closes. `scripts/bench-modes` measures both modes on it.

fn main() {
    let cluster = guichet_tests::cluster::PrivateCluster::start();
    println!(
        "{} {} {}",
        cluster.port,
        cluster.ca().display(),
        guichet_tests::cluster::OWNER_PASSWORD
    );
    let mut rest = String::new();
    while std::io::stdin()
        .read_line(&mut rest)
        .is_ok_and(|read| read > 0)
    {}
}
