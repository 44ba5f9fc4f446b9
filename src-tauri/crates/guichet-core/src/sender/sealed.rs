//! A message kept between its minting and the server's acceptance, so that a sender that died
//! mid-send sends it again byte for byte. It holds the link in clear, so it is sealed
//! (ChaCha20-Poly1305) with a key derived from the portal's signing key: a copy of the database
//! gives no pending link, and after the key is rotated the message no longer opens, which is
//! right, since the portal would refuse its link: the sender mints a new one.

use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};

use crate::links::token::SigningKey;

/// Names the derived key: changing it makes every kept message unreadable.
const LABEL: &[u8] = b"guichet-siec/mail-secret/v1";

#[derive(Debug)]
pub struct Seal(LessSafeKey);

impl Seal {
    pub fn new(key: &SigningKey) -> Seal {
        let derived = key.derive(LABEL);
        let key = UnboundKey::new(&CHACHA20_POLY1305, &derived[..])
            .expect("a 32-byte key fits ChaCha20-Poly1305");
        Seal(LessSafeKey::new(key))
    }

    /// `nonce || ciphertext || tag`, bound to the outbox row: a sealed message moved to another
    /// row does not open.
    pub fn seal(&self, outbox_id: i32, message: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::fill(&mut nonce);
        let mut sealed = message.to_vec();
        self.0
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(outbox_id.to_be_bytes()),
                &mut sealed,
            )
            .expect("a message fits ChaCha20-Poly1305");
        let mut out = nonce.to_vec();
        out.append(&mut sealed);
        out
    }

    /// The message, or `None` if it was sealed with another key or altered.
    pub fn open(&self, outbox_id: i32, sealed: &[u8]) -> Option<Vec<u8>> {
        let (nonce, ciphertext) = sealed.split_at_checked(NONCE_LEN)?;
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut buffer = ciphertext.to_vec();
        let plain = self
            .0
            .open_in_place(nonce, Aad::from(outbox_id.to_be_bytes()), &mut buffer)
            .ok()?;
        Some(plain.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_message_opens_with_its_key_and_row_only() {
        let key = SigningKey::new("kernel-secret").expect("key");
        let seal = Seal::new(&key);
        let message = b"https://auth.siec.education.fr/reset-password/reset/TOKEN";
        let sealed = seal.seal(7, message);
        assert!(
            !sealed.windows(5).any(|w| w == b"TOKEN"),
            "the link is not in clear"
        );
        assert_eq!(seal.open(7, &sealed).as_deref(), Some(&message[..]));
        assert_eq!(seal.open(8, &sealed), None, "another row");
        let rotated = Seal::new(&SigningKey::new("new-kernel-secret").expect("key"));
        assert_eq!(rotated.open(7, &sealed), None, "another key");
        let mut altered = sealed.clone();
        let last = altered.len() - 1;
        altered[last] ^= 1;
        assert_eq!(seal.open(7, &altered), None, "altered");
        assert_eq!(seal.open(7, &sealed[..5]), None, "truncated");
        assert_ne!(seal.seal(7, message), sealed, "a fresh nonce each time");
    }
}
