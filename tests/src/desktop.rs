//! The real desktop window under Xvfb, driven over WebDriver by tauri-driver and WebKitWebDriver.
//! Each `Desktop` owns its X display and driver processes and stops them when dropped.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use thirtyfour::prelude::*;

/// The app binary built beside the test binaries (`cargo build -p guichet`), or `GUICHET_APP`.
pub fn app_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("GUICHET_APP") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().expect("test binary path");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps");
    let app = profile_dir.join("guichet");
    assert!(
        app.exists(),
        "{} is missing: build the app first (cargo build -p guichet)",
        app.display()
    );
    app
}

pub struct Desktop {
    pub driver: WebDriver,
    processes: Vec<Child>,
    display: String,
}

impl std::fmt::Debug for Desktop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Desktop")
            .field("display", &self.display)
            .finish()
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
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

impl Desktop {
    /// Starts a display of its own, tauri-driver, and the app with `env` added to its environment.
    pub async fn launch(env: &[(&str, &str)]) -> Desktop {
        let number = free_display();
        let display = format!(":{number}");
        let mut processes = Vec::new();
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
        processes.push(xvfb);
        let socket = PathBuf::from(format!("/tmp/.X11-unix/X{number}"));
        wait_until("Xvfb", Duration::from_secs(10), || socket.exists());

        let (port, native_port) = (free_port(), free_port());
        let mut driver = Command::new(tauri_driver());
        driver
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("DISPLAY", &display)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        for (key, value) in env {
            driver.env(key, value);
        }
        processes.push(
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
        }
    }

    /// Waits for an element to be displayed.
    pub async fn element(&self, css: &str) -> WebElement {
        self.driver
            .query(By::Css(css))
            .wait(Duration::from_secs(20), Duration::from_millis(50))
            .and_displayed()
            .first()
            .await
            .unwrap_or_else(|error| panic!("{css} not shown: {error}"))
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

    /// Waits for every element matching `css` to be gone.
    pub async fn gone(&self, css: &str) {
        self.driver
            .query(By::Css(css))
            .wait(Duration::from_secs(20), Duration::from_millis(50))
            .wait_until_gone()
            .await
            .unwrap_or_else(|error| panic!("{css} still shown: {error}"));
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

    /// Saves what the screen shows, after two animation frames so that the last change is drawn.
    pub async fn screenshot(&self, name: &str) {
        let Some(dir) = std::env::var_os("GUICHET_SCREENSHOTS") else {
            return;
        };
        self.driver
            .execute_async("const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(done));", vec![])
            .await
            .expect("frames drawn");
        let png = self.driver.screenshot_as_png().await.expect("screenshot");
        let path = PathBuf::from(dir).join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    }

    pub async fn quit(mut self) {
        let driver = self.driver.clone();
        driver.quit().await.expect("session closed");
        self.stop();
    }

    fn stop(&mut self) {
        for process in self.processes.iter_mut().rev() {
            let _ = process.kill();
            let _ = process.wait();
        }
        self.processes.clear();
    }
}

impl Drop for Desktop {
    fn drop(&mut self) {
        self.stop();
    }
}

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
