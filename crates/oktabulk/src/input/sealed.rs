//! A temporary file whose bytes are sealed (ChaCha20-Poly1305, `ring`) under a key that exists
//! only in this process's memory: what a run must keep on disk for a while, and that may hold
//! passwords (standard input, read twice: once to check it whole, once to send), is unreadable
//! once the process is gone, even when it is killed before it can remove the file.
//!
//! Two uses: standard input, sealed in chunks (`from_reader`, read back as bytes by `open`), and
//! the rows the preflight checked, in chunks of rows (`SealedWriter`, read back by `records`;
//! the rows' own framing is `preflight::Keeper`'s), so that the run sends what was checked
//! without reading or checking the file again.
//!
//! The file is a sequence of records, each a little-endian `u32` length and then the record
//! sealed with its tag; the nonce of the n-th record is n (a key seals one file only, so no nonce
//! repeats). The last record is the count of those before it, sealed with other additional data
//! (`END`). Reading checks every tag and the end: a record changed on disk, and a file cut short
//! even at a record's edge, is an error, never other or fewer bytes.

use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, CHACHA20_POLY1305, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::Path;
use std::sync::Arc;

/// Plain bytes per record of sealed standard input.
const CHUNK: usize = 64 * 1024;

/// The end record's additional data: a record whose length carries `END_FLAG` opens only
/// with it, so a flag set or cleared on disk is a changed record.
const END: &[u8] = b"oktabulk sealed file end";

/// Set in the end record's length (a record's own length is at most `MAX_RECORD`).
const END_FLAG: u32 = 1 << 31;

/// Any change to a sealed file on disk, a cut included.
const CHANGED: &str = "the sealed spool was changed on disk";

/// The longest record read back: anything longer was not written here.
const MAX_RECORD: usize = 64 * 1024 * 1024;

/// Why standard input could not be spooled: reading it, or writing the sealed file.
#[derive(Debug)]
pub enum Spooling {
    Read(io::Error),
    Write(io::Error),
}

/// A sealed temporary file: its path (removed when dropped) and the key that opens it.
pub struct SealedFile {
    path: tempfile::TempPath,
    key: Arc<LessSafeKey>,
}

impl std::fmt::Debug for SealedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SealedFile({})", self.path.display())
    }
}

/// A record's additional data: none, or `END` for the end record.
fn aad(end: bool) -> Aad<&'static [u8]> {
    Aad::from(if end { END } else { &[] })
}

fn nonce(n: u64) -> Nonce {
    let mut bytes = [0u8; NONCE_LEN];
    bytes[NONCE_LEN - 8..].copy_from_slice(&n.to_be_bytes());
    Nonce::assume_unique_for_key(bytes)
}

/// A failure to make or write a sealed file, saying where: the temporary directory (`TMPDIR`).
fn in_temp_dir(e: io::Error) -> io::Error {
    io::Error::new(
        e.kind(),
        format!("a sealed temporary file (the directory TMPDIR names, or /tmp): {e}"),
    )
}

/// Writes records into a new sealed file; `finish` answers the file, or the first error.
pub struct SealedWriter {
    out: BufWriter<File>,
    path: tempfile::TempPath,
    key: LessSafeKey,
    n: u64,
    error: Option<io::Error>,
}

impl std::fmt::Debug for SealedWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SealedWriter({})", self.path.display())
    }
}

impl SealedWriter {
    /// A new temporary file (readable by its owner only) under a new random key. Errors: the
    /// system's random source or the temporary directory.
    pub fn new() -> io::Result<SealedWriter> {
        Self::create().map_err(in_temp_dir)
    }

    fn create() -> io::Result<SealedWriter> {
        let mut key = [0u8; 32];
        SystemRandom::new()
            .fill(&mut key)
            .map_err(|_| io::Error::other("the system's random source failed"))?;
        let key = LessSafeKey::new(
            UnboundKey::new(&CHACHA20_POLY1305, &key)
                .map_err(|_| io::Error::other("a ChaCha20-Poly1305 key is 32 bytes"))?,
        );
        let (file, path) = tempfile::NamedTempFile::new()?.into_parts();
        Ok(SealedWriter {
            out: BufWriter::new(file),
            path,
            key,
            n: 0,
            error: None,
        })
    }

    /// Seals and appends one record. A failure is kept and answered by `finish`; records after
    /// it are dropped.
    pub fn record(&mut self, plain: &[u8]) {
        self.seal(plain, false);
    }

    /// Seals and appends a record, or with `end` the end record.
    fn seal(&mut self, plain: &[u8], end: bool) {
        if self.error.is_some() {
            return;
        }
        let mut sealed = plain.to_vec();
        let written = self
            .key
            .seal_in_place_append_tag(nonce(self.n), aad(end), &mut sealed)
            .map_err(|_| io::Error::other("sealing failed"))
            .and_then(|()| {
                u32::try_from(sealed.len())
                    .ok()
                    .filter(|len| *len as usize <= MAX_RECORD)
                    .ok_or_else(|| io::Error::other("a record over 64 MiB"))
            })
            .and_then(|len| {
                let len = if end { len | END_FLAG } else { len };
                self.out.write_all(&len.to_le_bytes())?;
                self.out.write_all(&sealed)
            });
        self.n += 1;
        if let Err(e) = written {
            self.error = Some(in_temp_dir(e));
        }
    }

    /// Seals the end record (the count of records before it), so that a file cut short at a
    /// record's edge reads as an error, not as a shorter file; answers the file, or the first
    /// error.
    pub fn finish(mut self) -> io::Result<SealedFile> {
        let records = self.n;
        self.seal(&records.to_le_bytes(), true);
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.out.flush().map_err(in_temp_dir)?;
        Ok(SealedFile {
            path: self.path,
            key: Arc::new(self.key),
        })
    }
}

impl SealedFile {
    /// Seals everything `source` gives into a new temporary file (readable by its owner only)
    /// under a new random key, in records of `CHUNK` bytes. Errors: reading `source`, the
    /// system's random source or the temporary directory.
    pub fn from_reader(mut source: impl Read) -> Result<SealedFile, Spooling> {
        let mut out = SealedWriter::new().map_err(Spooling::Write)?;
        let mut chunk = vec![0u8; CHUNK];
        loop {
            let mut filled = 0;
            while filled < CHUNK {
                match source.read(&mut chunk[filled..]).map_err(Spooling::Read)? {
                    0 => break,
                    read => filled += read,
                }
            }
            if filled == 0 {
                break;
            }
            out.record(&chunk[..filled]);
            if filled < CHUNK {
                break;
            }
        }
        out.finish().map_err(Spooling::Write)
    }

    /// The records, in the order written.
    pub fn records(&self) -> io::Result<Records> {
        Ok(Records(self.open()?))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The plain bytes, from the start.
    pub fn open(&self) -> io::Result<Unsealed> {
        Ok(Unsealed {
            file: BufReader::new(File::open(&self.path)?),
            key: Arc::clone(&self.key),
            n: 0,
            plain: Vec::new(),
            at: 0,
            ended: false,
        })
    }
}

/// A sealed file's records, in the order written (`SealedFile::records`): it owns what it
/// reads, so a thread of its own can read it.
#[derive(Debug)]
pub struct Records(Unsealed);

impl Iterator for Records {
    type Item = io::Result<Vec<u8>>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.0.next_record() {
            Ok(true) => Some(Ok(std::mem::take(&mut self.0.plain))),
            Ok(false) => None,
            Err(e) => Some(Err(e)),
        }
    }
}

/// Reads a sealed file's plain bytes, record by record.
pub struct Unsealed {
    file: BufReader<File>,
    key: Arc<LessSafeKey>,
    n: u64,
    plain: Vec<u8>,
    at: usize,
    /// The end record was read.
    ended: bool,
}

impl std::fmt::Debug for Unsealed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Unsealed(record {})", self.n)
    }
}

impl Unsealed {
    /// Opens the next record into `plain`; `false` at the end of the file.
    fn next_record(&mut self) -> io::Result<bool> {
        if self.ended {
            return Ok(false);
        }
        let changed = || io::Error::new(io::ErrorKind::InvalidData, CHANGED);
        let mut len = [0u8; 4];
        match self.file.read_exact(&mut len) {
            Ok(()) => {}
            // Before the end record: cut short.
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Err(changed()),
            Err(e) => return Err(e),
        }
        let len = u32::from_le_bytes(len);
        let end = len & END_FLAG != 0;
        let len = (len & !END_FLAG) as usize;
        if len > MAX_RECORD {
            return Err(changed());
        }
        let mut sealed = vec![0u8; len];
        self.file.read_exact(&mut sealed).map_err(|e| {
            if e.kind() == io::ErrorKind::UnexpectedEof {
                changed()
            } else {
                e
            }
        })?;
        let plain = self
            .key
            .open_in_place(nonce(self.n), aad(end), &mut sealed)
            .map_err(|_| changed())?;
        if !end {
            self.plain = plain.to_vec();
            self.at = 0;
            self.n += 1;
            return Ok(true);
        }
        // The end: it counts the records read, and nothing follows it.
        let mut after = [0u8; 1];
        if plain != self.n.to_le_bytes() || self.file.read(&mut after)? != 0 {
            return Err(changed());
        }
        self.ended = true;
        Ok(false)
    }
}

impl Read for Unsealed {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.plain.len() {
            if !self.next_record()? {
                return Ok(0);
            }
        }
        let n = buf.len().min(self.plain.len() - self.at);
        buf[..n].copy_from_slice(&self.plain[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(bytes: &[u8]) {
        let sealed = SealedFile::from_reader(bytes).expect("sealed");
        let mut back = Vec::new();
        sealed
            .open()
            .expect("opens")
            .read_to_end(&mut back)
            .expect("reads");
        assert_eq!(back, bytes);
        // Read twice, as the preflight and the run do.
        let mut again = Vec::new();
        sealed
            .open()
            .expect("opens")
            .read_to_end(&mut again)
            .expect("reads");
        assert_eq!(again, bytes);
    }

    #[test]
    fn gives_back_what_it_sealed_at_every_size() {
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17] {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            round_trip(&bytes);
        }
    }

    #[test]
    fn the_disk_holds_no_plain_byte_of_a_password() {
        let csv = b"login,email,firstName,lastName,password\na@example.com,a@example.com,A,B,Correct-Horse-42\n";
        let sealed = SealedFile::from_reader(&csv[..]).expect("sealed");
        let on_disk = std::fs::read(sealed.path()).expect("the spool");
        assert!(
            !on_disk
                .windows(b"Correct-Horse-42".len())
                .any(|w| w == b"Correct-Horse-42"),
            "the password is not on disk"
        );
        assert!(!on_disk.windows(5).any(|w| w == b"login"));
    }

    #[test]
    fn a_changed_byte_is_an_error_not_other_data() {
        let sealed = SealedFile::from_reader(&b"login\na@example.com\n"[..]).expect("sealed");
        let mut on_disk = std::fs::read(sealed.path()).expect("the spool");
        let last = on_disk.len() - 1;
        on_disk[last] ^= 1;
        std::fs::write(sealed.path(), on_disk).expect("written");
        let mut back = Vec::new();
        let read = sealed.open().expect("opens").read_to_end(&mut back);
        assert_eq!(
            read.expect_err("refused").kind(),
            io::ErrorKind::InvalidData
        );
    }

    /// Cut anywhere before its end (at a record's edge too), or with bytes after its end, a
    /// sealed file reads as an error, never as a shorter file.
    #[test]
    fn a_file_cut_short_or_lengthened_is_an_error() {
        let records = [b"row one".to_vec(), Vec::new(), b"row three".to_vec()];
        let sealed = sealed_records(&records);
        let whole = std::fs::read(sealed.path()).expect("the spool");
        let mut edges = vec![0];
        let mut at = 0;
        while at < whole.len() {
            let len = u32::from_le_bytes(whole[at..at + 4].try_into().expect("4 bytes"));
            at += 4 + (len & !END_FLAG) as usize;
            edges.push(at);
        }
        assert_eq!(at, whole.len());
        assert_eq!(edges.len(), records.len() + 2, "three records and the end");
        // The end flag set on a record, or cleared on the end: each a changed record.
        for edge in [edges[0], edges[records.len()]] {
            let mut bytes = whole.clone();
            bytes[edge + 3] ^= 0x80;
            std::fs::write(sealed.path(), &bytes).expect("written");
            let read: io::Result<Vec<Vec<u8>>> = sealed.records().expect("opens").collect();
            assert_eq!(
                read.expect_err(&format!("flag flipped at {edge}")).kind(),
                io::ErrorKind::InvalidData
            );
        }
        for cut in (0..whole.len()).chain([whole.len() + 1]) {
            let mut bytes = whole.clone();
            if cut > whole.len() {
                bytes.push(0);
            } else {
                bytes.truncate(cut);
            }
            std::fs::write(sealed.path(), &bytes).expect("written");
            let read: io::Result<Vec<Vec<u8>>> = sealed.records().expect("opens").collect();
            let edge = if edges.contains(&cut) {
                " (a record's edge)"
            } else {
                ""
            };
            assert_eq!(
                read.expect_err(&format!("cut at {cut}{edge}")).kind(),
                io::ErrorKind::InvalidData
            );
        }
    }

    /// `records` sealed into a new file, which gives them back as they were.
    fn sealed_records(records: &[Vec<u8>]) -> SealedFile {
        let mut out = SealedWriter::new().expect("a writer");
        for r in records {
            out.record(r);
        }
        let sealed = out.finish().expect("sealed");
        let back: Vec<Vec<u8>> = sealed
            .records()
            .expect("opens")
            .collect::<io::Result<_>>()
            .expect("reads");
        assert_eq!(back, records);
        sealed
    }

    #[test]
    fn records_come_back_one_by_one() {
        let records: Vec<Vec<u8>> = (0..1000usize)
            .map(|i| format!("row {i}: {}", "x".repeat(i % 97)).into_bytes())
            .chain([Vec::new(), vec![7u8; 3 * CHUNK]])
            .collect();
        sealed_records(&records);
    }

    #[test]
    fn a_spool_is_gone_when_dropped() {
        let sealed = SealedFile::from_reader(&b"x"[..]).expect("sealed");
        let path = sealed.path().to_owned();
        assert!(path.exists());
        drop(sealed);
        assert!(!path.exists());
    }
}
