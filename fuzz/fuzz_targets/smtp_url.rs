//! `SmtpConfig::parse` on any text: no panic; what it accepts names a host and holds no
//! password.
#![no_main]

use guichet_core::delivery::transport::SmtpConfig;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    if let Ok(config) = SmtpConfig::parse(input) {
        assert!(!config.host.is_empty());
        let url = url::Url::parse(input.trim()).expect("accepted only if a URL");
        assert_eq!(url.password(), None);
        let _ = config.is_loopback();
    }
});
