//! The real desktop window under Xvfb, driven over WebDriver by tauri-driver and WebKitWebDriver.
//! Each `Desktop` owns its X display and driver processes and stops them when dropped.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use thirtyfour::prelude::*;

/// The app binary built beside the test binaries (`cargo build -p guichet`), or `GUICHET_APP`.
pub fn app_binary() -> PathBuf {
    crate::cli::built_binary("guichet", "GUICHET_APP")
}

pub struct Desktop {
    pub driver: WebDriver,
    processes: Processes,
    display: String,
    /// The webview's own storage (the theme chosen, …), new for each window.
    _profile: tempfile::TempDir,
    /// The app's credentials folder, when the test gave it one.
    _credentials: Option<tempfile::TempDir>,
}

impl std::fmt::Debug for Desktop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Desktop")
            .field("display", &self.display)
            .finish()
    }
}

/// Two distinct free ports: each listener is held until both are chosen, or the kernel may hand
/// the same port twice and tauri-driver would wait on itself.
fn two_free_ports() -> (u16, u16) {
    let bind = || TcpListener::bind("127.0.0.1:0").expect("free port");
    let (first, second) = (bind(), bind());
    let port = |l: &TcpListener| l.local_addr().expect("bound address").port();
    (port(&first), port(&second))
}

/// The display's and the driver's processes, stopped last started first when dropped, also when
/// a launch fails half-way.
struct Processes(Vec<Child>);

impl Processes {
    fn stop(&mut self) {
        for process in self.0.iter_mut().rev() {
            let _ = process.kill();
            let _ = process.wait();
        }
        self.0.clear();
    }
}

impl Drop for Processes {
    fn drop(&mut self) {
        self.stop();
    }
}

fn wait_until(what: &str, timeout: Duration, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(
            start.elapsed() < timeout,
            "{what} not ready after {timeout:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A PC set up in English, in New York: neither its language nor its time zone is Paris's, and
/// WebKit's own messages (dates, form validation) follow it.
pub const ENGLISH_PC: [(&str, &str); 4] = [
    ("LANG", "en_US.UTF-8"),
    ("LC_ALL", "en_US.UTF-8"),
    ("LANGUAGE", "en_US"),
    ("TZ", "America/New_York"),
];

/// The portal's key of a standalone PC the tests configure, handed to the app as a service's
/// credential (`CREDENTIALS_DIRECTORY`), so that its own sender has it without a keyring.
pub const STANDALONE_SIGNING_KEY: &str = "Cle-du-portail-du-poste-de-demonstration";

impl Desktop {
    /// [`Desktop::launch`] on a standalone PC whose portal key is stored: its window says
    /// nothing of links that cannot leave.
    pub async fn launch_configured(env: &[(&str, &str)]) -> Desktop {
        let credentials = tempfile::tempdir().expect("credentials folder");
        std::fs::write(
            credentials.path().join("portal-signing-key"),
            STANDALONE_SIGNING_KEY,
        )
        .expect("key written");
        let folder = credentials.path().display().to_string();
        let mut env = env.to_vec();
        env.push(("CREDENTIALS_DIRECTORY", &folder));
        let mut desktop = Desktop::launch(&env).await;
        desktop._credentials = Some(credentials);
        desktop
    }

    /// Starts a display of its own, tauri-driver, and the app with `env` added to its environment.
    pub async fn launch(env: &[(&str, &str)]) -> Desktop {
        let number = free_display();
        let display = format!(":{number}");
        let mut processes = Processes(Vec::new());
        let xvfb = Command::new("Xvfb")
            .args([
                display.as_str(),
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb starts (apt install xvfb)");
        processes.0.push(xvfb);
        let socket = PathBuf::from(format!("/tmp/.X11-unix/X{number}"));
        wait_until("Xvfb", Duration::from_secs(10), || socket.exists());

        let profile = tempfile::tempdir().expect("temporary directory");
        let (port, native_port) = two_free_ports();
        let mut driver = Command::new(tauri_driver());
        driver
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("DISPLAY", &display)
            .env("XDG_DATA_HOME", profile.path().join("data"))
            .env("XDG_CACHE_HOME", profile.path().join("cache"))
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        for (key, value) in env {
            driver.env(key, value);
        }
        processes.0.push(
            driver
                .spawn()
                .expect("tauri-driver starts (cargo install tauri-driver)"),
        );
        let address = format!("127.0.0.1:{port}");
        // Listening is not enough: tauri-driver answers /status once WebKitWebDriver is up too.
        wait_until("tauri-driver", Duration::from_secs(30), || {
            driver_ready(&address)
        });

        let mut capabilities = Capabilities::new();
        capabilities
            .set(
                "tauri:options",
                serde_json::json!({ "application": app_binary() }),
            )
            .expect("capabilities");
        // tauri-driver may hand the first request to an upstream socket WebKitWebDriver has just
        // closed ("error sending request"): that request is lost, a new one goes through.
        let mut attempts = 0;
        let driver = loop {
            match WebDriver::new(format!("http://{address}"), capabilities.clone()).await {
                Ok(driver) => break driver,
                Err(error) if attempts < 5 => {
                    attempts += 1;
                    eprintln!("WebDriver session not created ({error}), retrying");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(error) => panic!("WebDriver session: {error}"),
            }
        };
        Desktop {
            driver,
            processes,
            display,
            _profile: profile,
            _credentials: None,
        }
    }

    /// Waits for an element to be displayed.
    pub async fn element(&self, css: &str) -> WebElement {
        let found = self
            .driver
            .query(By::Css(css))
            .wait(Duration::from_secs(20), Duration::from_millis(50))
            .and_displayed()
            .first()
            .await;
        match found {
            Ok(element) => element,
            Err(error) => {
                self.screenshot("echec").await;
                panic!("{css} not shown: {error}")
            }
        }
    }

    /// Waits for an element whose text contains `text`.
    pub async fn element_with_text(&self, css: &str, text: &str) -> WebElement {
        let wanted = text.to_string();
        self.driver
            .query(By::Css(css))
            .wait(Duration::from_secs(20), Duration::from_millis(50))
            .with_text(thirtyfour::stringmatch::StringMatch::new(wanted).partial())
            .first()
            .await
            .unwrap_or_else(|error| panic!("{css} with « {text} » not shown: {error}"))
    }

    /// Types into the element, as the keyboard would.
    pub async fn type_into(&self, css: &str, text: &str) {
        self.element(css)
            .await
            .send_keys(text)
            .await
            .unwrap_or_else(|error| panic!("typing in {css}: {error}"));
    }

    /// Sends keys to whatever has the focus: the keyboard alone, no element chosen by the test.
    pub async fn press(&self, keys: impl Into<TypingData>) {
        self.driver
            .active_element()
            .await
            .expect("a focused element")
            .send_keys(keys)
            .await
            .expect("keys sent");
    }

    /// Ctrl+K, as the keyboard sends it, then waits for the palette's field to have the focus.
    pub async fn open_palette(&self) {
        self.driver
            .action_chain()
            .key_down(Key::Control)
            .send_keys("k")
            .key_up(Key::Control)
            .perform()
            .await
            .expect("Ctrl+K");
        self.element("#palette-input").await;
        assert_eq!(self.focused_id().await, "palette-input");
    }

    /// Clicks an element once it is displayed and enabled: a button React disables while an
    /// action is under way takes the click without acting, which would leave the test waiting.
    pub async fn click(&self, css: &str) {
        let found = self
            .driver
            .query(By::Css(css))
            .wait(Duration::from_secs(20), Duration::from_millis(50))
            .and_displayed()
            .and_enabled()
            .first()
            .await;
        let clicked = match found {
            Ok(element) => element.click().await,
            Err(error) => Err(error),
        };
        if let Err(error) = clicked {
            self.screenshot("echec").await;
            panic!("clicking {css}: {error}");
        }
    }

    /// Fills the sign-in form (the login unless empty, which keeps the one typed before) and
    /// submits it.
    pub async fn sign_in(&self, login: &str, password: &str) {
        if !login.is_empty() {
            self.type_into("#login", login).await;
        }
        self.type_into("#password", password).await;
        self.click("#sign-in-submit").await;
    }

    /// Waits for every element matching `css` to be gone.
    /// An element React replaces while it is polled is reported stale: that counts as gone too,
    /// so this polls `find_all` rather than waiting on one element.
    pub async fn gone(&self, css: &str) {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        loop {
            let left = self.driver.find_all(By::Css(css)).await;
            if left.as_ref().is_ok_and(|elements| elements.is_empty()) {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{css} still shown after 20 s: {left:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Scrolls the page so that the element is in view (before a screenshot).
    pub async fn scroll_to(&self, css: &str) {
        let element = self.element(css).await;
        element
            .scroll_into_view()
            .await
            .unwrap_or_else(|error| panic!("scrolling to {css}: {error}"));
    }

    /// The id of the element that has the keyboard focus.
    pub async fn focused_id(&self) -> String {
        let value = self
            .driver
            .execute("return document.activeElement.id", vec![])
            .await
            .expect("script runs");
        value.json().as_str().unwrap_or_default().to_string()
    }

    /// Checks the screen as it is drawn now: no serious or critical axe-core violation, French
    /// typography in every text and label; then saves a screenshot of it under `name` when
    /// `GUICHET_SCREENSHOTS` names a folder.
    pub async fn check_screen(&self, name: &str) {
        // Not hovering what was last clicked: the screen as it is at rest.
        self.driver
            .action_chain()
            .move_to(4, 600)
            .perform()
            .await
            .expect("pointer moved");
        // Colours are measured once transitions (a hovered link's) are over.
        self.driver
            .execute_async(SETTLED, vec![])
            .await
            .expect("transitions over");
        let violations = self.accessibility_violations().await;
        assert!(
            violations.is_empty(),
            "screen {name}: axe-core finds {} serious or critical violation(s):\n{}",
            violations.len(),
            violations.join("\n")
        );
        let typography = self.typography_faults().await;
        assert!(
            typography.is_empty(),
            "screen {name}: French typography wants a no-break space:\n{}",
            typography.join("\n")
        );
        self.screenshot(name).await;
    }

    /// axe-core (from the UI's npm packages) run inside the window: serious and critical
    /// violations, one line each with the elements concerned.
    pub async fn accessibility_violations(&self) -> Vec<String> {
        let loaded = self
            .driver
            .execute("return typeof window.axe === 'object'", vec![])
            .await
            .expect("script runs");
        if loaded.json() != &serde_json::Value::Bool(true) {
            self.driver
                .execute(&format!("{}\nreturn true;", axe_source()), vec![])
                .await
                .expect("axe-core loads in the window");
        }
        let result = self
            .driver
            .execute_async(AXE_RUN, vec![])
            .await
            .expect("axe-core runs");
        strings(result.json())
    }

    /// Text and labels where French typography wants a no-break space and has none: before
    /// « : ; ! ? », after « and before ».
    pub async fn typography_faults(&self) -> Vec<String> {
        let result = self
            .driver
            .execute(TYPOGRAPHY_CHECK, vec![])
            .await
            .expect("typography check runs");
        strings(result.json())
    }

    /// Saves what the screen shows, after two animation frames so that the last change is drawn.
    pub async fn screenshot(&self, name: &str) {
        let Some(dir) = std::env::var_os("GUICHET_SCREENSHOTS") else {
            return;
        };
        self.driver
            .execute_async("const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(done));", vec![])
            .await
            .expect("frames drawn");
        self.driver
            .execute(REPAINT_START, vec![])
            .await
            .expect("repainting");
        let png = self.driver.screenshot_as_png().await.expect("screenshot");
        self.driver
            .execute(REPAINT_STOP, vec![])
            .await
            .expect("repainting stopped");
        let path = PathBuf::from(dir).join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    }

    /// Ends the WebDriver session, then stops the processes. tauri-driver may hand the request
    /// to an upstream socket WebKitWebDriver has just closed (as at the session's start): that
    /// request is lost and is sent once more; the test's assertions are all behind it.
    pub async fn quit(mut self) {
        let driver = self.driver.clone();
        if let Err(error) = driver.clone().quit().await {
            eprintln!("WebDriver session not closed ({error}), retrying");
            tokio::time::sleep(Duration::from_millis(500)).await;
            if let Err(error) = driver.quit().await {
                eprintln!("WebDriver session not closed ({error}); its processes are stopped");
            }
        }
        self.processes.stop();
    }
}

fn strings(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|item| {
                    item.as_str()
                        .map_or_else(|| item.to_string(), str::to_string)
                })
                .collect()
        })
        .unwrap_or_else(|| vec![format!("unexpected answer: {value}")])
}

/// axe-core's browser build, as npm installed it for the UI.
fn axe_source() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{}: {error} (run npm ci in ui/)", path.display()))
}

/// Resolves when every finite animation and transition has ended (2 s at most), two frames later.
const SETTLED: &str = r#"
const done = arguments[0];
const finite = document.getAnimations().filter((a) => a.effect?.getComputedTiming().iterations !== Infinity);
Promise.race([Promise.all(finite.map((a) => a.finished.catch(() => null))), new Promise((r) => setTimeout(r, 2000))])
  .then(() => requestAnimationFrame(() => requestAnimationFrame(done)));
"#;

/// WebKitWebDriver takes a screenshot at the window's next paint, and the app draws without GPU
/// compositing, where a still page never paints again (a screen without a blinking caret waited
/// forever): a one-pixel, invisible animation keeps the page painting while the screenshot is
/// taken.
const REPAINT_START: &str = r#"
const dot = document.createElement("div");
dot.id = "guichet-test-repaint";
dot.setAttribute("aria-hidden", "true");
dot.style.cssText = "position:fixed;left:0;top:0;width:1px;height:1px;pointer-events:none";
document.body.append(dot);
dot.animate([{ backgroundColor: "rgba(0,0,0,0)" }, { backgroundColor: "rgba(0,0,0,0.004)" }], { duration: 50, iterations: Infinity });
"#;

const REPAINT_STOP: &str = r#"document.getElementById("guichet-test-repaint")?.remove();"#;

const AXE_RUN: &str = r#"
const done = arguments[0];
window.axe.run(document, { resultTypes: ["violations"] }).then(
  (result) => done(result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 5).map((n) => `${n.target.join(" ")} (${n.failureSummary})`).join(", ")}`)),
  (error) => done([`axe-core failed: ${error}`]),
);
"#;

const TYPOGRAPHY_CHECK: &str = r#"
const faults = [];
const noBreak = (c) => c === " " || c === " ";
const scan = (text, where) => {
  for (let i = 0; i < text.length; i++) {
    const c = text[i], before = text[i - 1], after = text[i + 1];
    const ends = after === undefined || /\s/.test(after);
    const bad =
      (":;!?".includes(c) && ends && before !== undefined && !noBreak(before) && !"!?".includes(before)) ||
      (c === "«" && after !== undefined && !noBreak(after)) ||
      (c === "»" && before !== undefined && !noBreak(before));
    if (bad) faults.push(`${where}: …${text.slice(Math.max(0, i - 30), i + 10).replace(/ /g, "⍽")}…`);
  }
};
const skipped = "script, style, kbd, code, input, textarea";
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
let parent = null, run = "";
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  if (node.parentElement.closest(skipped)) continue;
  if (node.parentElement !== parent) { scan(run, "texte"); run = ""; parent = node.parentElement; }
  run += node.data;
}
scan(run, "texte");
for (const element of document.querySelectorAll("[placeholder], [title], [aria-label]")) {
  for (const name of ["placeholder", "title", "aria-label"]) {
    const value = element.getAttribute(name);
    if (value) scan(value, name);
  }
}
return faults;
"#;

/// Whether the WebDriver server at `address` answers `GET /status` with ready.
fn driver_ready(address: &str) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(address) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = format!("GET /status HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    let mut reply = String::new();
    stream.write_all(request.as_bytes()).is_ok()
        && stream.read_to_string(&mut reply).is_ok()
        && reply.starts_with("HTTP/1.1 200")
        && reply.contains("\"ready\":true")
}

fn tauri_driver() -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
    home.map(|dir| dir.join("bin/tauri-driver"))
        .filter(|path| path.exists())
        .unwrap_or_else(|| "tauri-driver".into())
}

/// A display number no X server uses yet.
fn free_display() -> u32 {
    (100 + std::process::id() % 400..1000)
        .find(|n| {
            !Path::new(&format!("/tmp/.X{n}-lock")).exists()
                && !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
        })
        .expect("a free X display")
}
