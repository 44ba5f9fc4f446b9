//! What a call costs at the keyboard: every key the agent presses beyond the text the caller
//! dictates, and every screen the call crosses. A scenario presses its keys through a
//! [`Keyboard`], which counts them as it sends them, so the count is of what was really pressed.

use crate::desktop::Desktop;
use thirtyfour::prelude::*;

/// The cost of a call: keys pressed (Ctrl+K is one, each Tab, arrow, Entrée, Échap is one, each
/// character of a typed command is one; the caller's dictated text is none) and screens crossed
/// (each change of the window's `data-screen`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CallCost {
    pub keys: u32,
    pub screens: u32,
}

/// The keyboard of one call, counting.
#[derive(Debug)]
pub struct Keyboard<'a> {
    desktop: &'a Desktop,
    cost: CallCost,
    screen: Option<String>,
}

impl<'a> Keyboard<'a> {
    /// Starts counting from the screen shown now.
    pub async fn start(desktop: &'a Desktop) -> Keyboard<'a> {
        let screen = Some(screen_of(desktop).await);
        Keyboard {
            desktop,
            cost: CallCost::default(),
            screen,
        }
    }

    /// One key (Tab, Entrée, Échap, an arrow, Espace): one.
    pub async fn key(&mut self, key: Key) {
        self.look().await;
        self.desktop.press(key).await;
        self.cost.keys += 1;
    }

    /// The same key `times` times.
    pub async fn keys(&mut self, key: Key, times: u32) {
        for _ in 0..times {
            self.key(key.clone()).await;
        }
    }

    /// Text the agent types of its own (a palette query): one per character.
    pub async fn type_text(&mut self, text: &str) {
        self.look().await;
        self.desktop.press(text).await;
        self.cost.keys += text.chars().count() as u32;
    }

    /// Text the caller dictates (a UAI, a name, an address): free.
    pub async fn dictate(&mut self, text: &str) {
        self.look().await;
        self.desktop.press(text).await;
    }

    /// Ctrl+K: one.
    pub async fn palette(&mut self) {
        self.look().await;
        self.desktop.open_palette().await;
        self.cost.keys += 1;
    }

    /// Counts a change of screen since the last look. Each key looks before it is pressed,
    /// once the scenario waited for what the previous key brought, so a settled screen is seen.
    pub async fn look(&mut self) {
        let now = screen_of(self.desktop).await;
        if self.screen.as_deref() != Some(now.as_str()) {
            self.cost.screens += 1;
            self.screen = Some(now);
        }
    }

    /// What the call cost, once its last screen is seen.
    pub async fn cost(mut self) -> CallCost {
        self.look().await;
        self.cost
    }
}

async fn screen_of(desktop: &Desktop) -> String {
    desktop.element("#main").await;
    let value = desktop
        .driver
        .execute(
            "return document.getElementById('main').dataset.screen || ''",
            vec![],
        )
        .await
        .expect("script runs");
    value.json().as_str().unwrap_or_default().to_string()
}

/// Prints a call's cost on one line the benchmarks page quotes, and checks it against its bound.
pub fn report(call: &str, cost: CallCost, most_keys: u32, most_screens: u32) {
    println!(
        "keyboard-cost {}",
        serde_json::json!({ "call": call, "keys": cost.keys, "screens": cost.screens })
    );
    assert!(
        cost.keys <= most_keys,
        "{call}: {} keys, no more than {most_keys} expected",
        cost.keys
    );
    assert!(
        cost.screens <= most_screens,
        "{call}: {} screens, no more than {most_screens} expected",
        cost.screens
    );
}

/// Waits for the element `id` to have the focus (a screen focuses its field once drawn), and
/// fails if it does not get it.
pub async fn wait_for_focus(desktop: &Desktop, id: &str) {
    for _ in 0..100 {
        if desktop.focused_id().await == id {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(desktop.focused_id().await, id, "the focus is elsewhere");
}
