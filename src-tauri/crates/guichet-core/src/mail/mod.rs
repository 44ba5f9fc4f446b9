//! Mail the helpdesk sends, as the domain sees it: the guide's message (`message`), the sending
//! settings every PC shares (`sending`), the SMTP server's URL (`smtp_url`) and the bounce
//! reports that come back (`bounce`). No I/O here: handing a message over is `crate::delivery`,
//! draining the outbox `crate::sender`.

pub mod bounce;
pub mod bounce_reading;
pub mod delivery;
pub mod message;
pub mod sending;
pub mod smtp_url;
