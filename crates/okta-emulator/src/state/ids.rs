//! Okta-shaped random ids: a three-letter resource prefix and alphanumerics, 20 characters in all.

use rand::Rng;

const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

pub fn random_alnum(rng: &mut impl Rng, len: usize) -> String {
    (0..len)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect()
}

/// A new id with `prefix` (`00u` users, `00g` groups, `req` requests...).
pub fn new_id(prefix: &str) -> String {
    let mut id = String::with_capacity(20);
    id.push_str(prefix);
    id.push_str(&random_alnum(
        &mut rand::thread_rng(),
        20usize.saturating_sub(prefix.len()),
    ));
    id
}
