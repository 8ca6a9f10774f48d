//! The logins seen so far in a file, to find duplicates (and, by their confusable skeletons,
//! look-alikes). Each login is kept as a 64-bit hash of its key (case and accents folded, or
//! its skeleton) with its line: in memory up to a bound, then in a temporary
//! SQLite file, so memory stays flat whatever the file's size. Two different logins would be
//! taken for the same only if their hashes collided (odds near 3 in 100 million for a million
//! rows).

use okta_model::login::login_key;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

/// Logins kept in memory before the set moves to disk: below the point where the table would
/// double (about 14 MB).
pub const IN_MEMORY: usize = 900_000;

#[derive(Debug)]
pub struct SeenLogins {
    memory: HashMap<u64, u32>,
    limit: usize,
    disk: Option<Disk>,
}

#[derive(Debug)]
struct Disk {
    conn: Connection,
    _file: tempfile::TempPath,
}

impl Default for SeenLogins {
    fn default() -> Self {
        Self::with_limit(IN_MEMORY)
    }
}

impl SeenLogins {
    pub fn with_limit(limit: usize) -> SeenLogins {
        SeenLogins {
            memory: HashMap::new(),
            limit,
            disk: None,
        }
    }

    /// Records `login` at `line`; answers the line where it was first seen, if it was. Fails
    /// only if the file on disk fails: the logins moved there cannot be checked any more.
    pub fn first_seen(&mut self, login: &str, line: u64) -> Result<Option<u64>, String> {
        self.first_with_key(&login_key(login), line)
    }

    /// Records `login` at `line` by the confusable skeleton (Unicode TR39, `unicode-security`)
    /// of its lower case, as Okta compares logins: answers the line of the first login of the
    /// file that looks the same, if any (`admin@examp1e.com` and `admin@example.com`,
    /// `rnodern` and `modern`, `pаypal` with a Cyrillic `а` and `paypal`).
    pub fn first_look_alike(&mut self, login: &str, line: u64) -> Result<Option<u64>, String> {
        let skeleton: String = unicode_security::skeleton(&login.to_lowercase()).collect();
        self.first_with_key(&skeleton, line)
    }

    fn first_with_key(&mut self, key: &str, line: u64) -> Result<Option<u64>, String> {
        let key = hash64(key);
        let line = u32::try_from(line).unwrap_or(u32::MAX);
        if self.disk.is_none() && self.memory.len() >= self.limit {
            // If no temporary file can be made, memory carries on: correct, only larger.
            self.disk = spill(&self.memory).ok();
            if self.disk.is_some() {
                self.memory = HashMap::new();
            }
        }
        match &self.disk {
            Some(disk) => disk
                .insert(key, line)
                .map(|first| first.map(u64::from))
                .map_err(|e| format!("the temporary file of logins failed: {e}")),
            None => Ok(self.remember(key, line)),
        }
    }

    fn remember(&mut self, key: u64, line: u32) -> Option<u64> {
        match self.memory.get(&key) {
            Some(first) => Some(u64::from(*first)),
            None => {
                self.memory.insert(key, line);
                None
            }
        }
    }
}

fn spill(memory: &HashMap<u64, u32>) -> rusqlite::Result<Disk> {
    let file = tempfile::NamedTempFile::new()
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?
        .into_temp_path();
    let conn = Connection::open(&file)?;
    conn.execute_batch(
        "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-8192;
         CREATE TABLE seen (key INTEGER PRIMARY KEY, line INTEGER NOT NULL);",
    )?;
    let mut sorted: Vec<(u64, u32)> = memory.iter().map(|(k, v)| (*k, *v)).collect();
    sorted.sort_unstable();
    conn.execute_batch("BEGIN")?;
    {
        let mut insert = conn.prepare("INSERT INTO seen VALUES (?1, ?2)")?;
        for (key, line) in sorted {
            insert.execute(params![key as i64, line])?;
        }
    }
    conn.execute_batch("COMMIT")?;
    Ok(Disk { conn, _file: file })
}

impl Disk {
    fn insert(&self, key: u64, line: u32) -> rusqlite::Result<Option<u32>> {
        let inserted = self
            .conn
            .prepare_cached("INSERT INTO seen VALUES (?1, ?2) ON CONFLICT(key) DO NOTHING")?
            .execute(params![key as i64, line])?;
        if inserted == 1 {
            return Ok(None);
        }
        self.conn
            .prepare_cached("SELECT line FROM seen WHERE key = ?1")?
            .query_row([key as i64], |r| r.get(0))
            .optional()
    }
}

fn hash64(key: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    key.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_duplicates_ignoring_case_and_accents_across_the_move_to_disk() {
        let mut seen = SeenLogins::with_limit(3);
        assert_eq!(seen.first_seen("a@example.com", 2), Ok(None));
        assert_eq!(seen.first_seen("b@example.com", 3), Ok(None));
        assert_eq!(
            seen.first_seen("A@Example.com", 4),
            Ok(Some(2)),
            "in memory"
        );
        assert_eq!(seen.first_seen("c@example.com", 5), Ok(None));
        assert!(seen.disk.is_none());
        assert_eq!(seen.first_seen("d@example.com", 6), Ok(None));
        assert!(seen.disk.is_some(), "moved to disk at the bound");
        assert!(seen.memory.is_empty());
        assert_eq!(
            seen.first_seen("ä@example.com", 7),
            Ok(Some(2)),
            "on disk, folded"
        );
        assert_eq!(seen.first_seen("D@example.com", 8), Ok(Some(6)));
        assert_eq!(seen.first_seen("e@example.com", 9), Ok(None));
    }

    #[test]
    fn ascii_and_unicode_look_alikes_share_a_skeleton() {
        let mut seen = SeenLogins::with_limit(2);
        assert_eq!(seen.first_look_alike("admin@example.com", 2), Ok(None));
        assert_eq!(seen.first_look_alike("admin@examp1e.com", 3), Ok(Some(2)));
        assert_eq!(seen.first_look_alike("ADMIN@EXAMPLE.COM", 4), Ok(Some(2)));
        assert_eq!(seen.first_look_alike("modern@example.com", 5), Ok(None));
        assert_eq!(seen.first_look_alike("rnodern@example.com", 6), Ok(Some(5)));
        assert_eq!(
            seen.first_look_alike("p\u{430}ypal@example.com", 7),
            Ok(None)
        );
        assert_eq!(seen.first_look_alike("paypal@example.com", 8), Ok(Some(7)));
        for (line, other) in ["ann@example.com", "anna@example.com", "bob@example.com"]
            .iter()
            .enumerate()
        {
            assert_eq!(seen.first_look_alike(other, 10 + line as u64), Ok(None));
        }
    }
}
