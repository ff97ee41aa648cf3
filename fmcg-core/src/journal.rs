//! The embedded journal (feature `fs`): an append-only file of checksummed frames, one per
//! committed command, plus an atomically written snapshot (SPEC §6).
//!
//! # Format
//!
//! ```text
//! header  : b"FMCGJNL\0" | version: u32 LE | reserved: u32 LE (0)            16 bytes
//! frame   : len: u32 LE | crc32c(len bytes): u32 LE | crc32c(payload): u32 LE | payload
//! payload : one Commit as JSON (the contract form)
//! ```
//!
//! A frame holds a whole command's events, so a crash never leaves half a command. On open:
//! a frame cut short by the end of the file (a torn write), or a last frame whose payload
//! checksum fails, is dropped and the file truncated to the last complete frame; any other
//! checksum failure is [`Error::Corrupt`] naming the frame's byte offset — never silent
//! data loss. The length has its own checksum, so a flipped length byte mid-file is caught
//! rather than mistaken for a torn tail.
//!
//! A snapshot (`<journal>.snapshot`) is written to a temporary file, synced and renamed;
//! [`JournaledEngine::checkpoint`] then starts the journal afresh. Opening reads the
//! snapshot, then every frame after it.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::engine::{Commit, Engine, Envelope, Outcome, Prepared, Snapshot};
use crate::error::{Error, Result};

/// Journal magic bytes.
pub const MAGIC: &[u8; 8] = b"FMCGJNL\0";
/// Journal format version written and read by this build.
pub const VERSION: u32 = 1;
/// Header length in bytes.
pub const HEADER_LEN: u64 = 16;
/// Frame header length in bytes.
pub const FRAME_HEADER_LEN: u64 = 12;
/// The largest frame payload accepted (64 MiB).
pub const MAX_FRAME_LEN: u32 = 64 << 20;

/// When appended frames are forced to stable storage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FsyncPolicy {
    /// After every command: nothing acknowledged is ever lost.
    #[default]
    Always,
    /// After at least this many events since the last sync; a crash may lose the unsynced
    /// tail, never corrupt what came before.
    EveryEvents(u64),
    /// Never explicitly: the operating system decides.
    Never,
}

impl std::str::FromStr for FsyncPolicy {
    type Err = Error;

    /// `"always"`, `"never"`, or a number of events (`"1000"`): how hosts spell the policy.
    ///
    /// ```
    /// use fmcg_core::FsyncPolicy;
    /// assert_eq!("1000".parse::<FsyncPolicy>().unwrap(), FsyncPolicy::EveryEvents(1000));
    /// assert!("sometimes".parse::<FsyncPolicy>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<FsyncPolicy> {
        match s {
            "always" => Ok(FsyncPolicy::Always),
            "never" => Ok(FsyncPolicy::Never),
            n => match n.parse::<u64>() {
                Ok(n) if n > 0 => Ok(FsyncPolicy::EveryEvents(n)),
                _ => Err(Error::invalid(
                    "fsync",
                    format!("`{n}` is not `always`, `never` or a positive number of events"),
                )),
            },
        }
    }
}

/// What opening a journal found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Recovery {
    /// Commits loaded from the snapshot.
    pub snapshot_commits: u64,
    /// Complete frames read from the journal.
    pub frames: u64,
    /// Bytes of a torn tail that were cut off.
    pub truncated_bytes: u64,
}

fn io(e: &std::io::Error) -> Error {
    Error::Io {
        reason: e.to_string(),
    }
}

fn corrupt(offset: u64, reason: impl Into<String>) -> Error {
    Error::Corrupt {
        offset,
        reason: reason.into(),
    }
}

fn header() -> [u8; HEADER_LEN as usize] {
    let mut h = [0u8; HEADER_LEN as usize];
    h[..8].copy_from_slice(MAGIC);
    h[8..12].copy_from_slice(&VERSION.to_le_bytes());
    h
}

/// Encodes one commit as a frame.
///
/// # Errors
/// [`Error::InvalidInput`] if the commit is larger than [`MAX_FRAME_LEN`].
pub fn encode_frame(commit: &Commit) -> Result<Vec<u8>> {
    let payload = serde_json::to_vec(commit).map_err(|e| Error::json(&e))?;
    let len = u32::try_from(payload.len())
        .ok()
        .filter(|l| *l <= MAX_FRAME_LEN)
        .ok_or_else(|| Error::invalid("command", "produces a frame over 64 MiB"))?;
    let len_bytes = len.to_le_bytes();
    let mut frame = Vec::with_capacity(FRAME_HEADER_LEN as usize + payload.len());
    frame.extend_from_slice(&len_bytes);
    frame.extend_from_slice(&crc32c::crc32c(&len_bytes).to_le_bytes());
    frame.extend_from_slice(&crc32c::crc32c(&payload).to_le_bytes());
    frame.extend_from_slice(&payload);
    Ok(frame)
}

/// The result of reading frames from bytes.
#[derive(Debug)]
pub struct Decoded {
    /// The complete, checksummed commits, in order, with the byte offset of their frame.
    pub commits: Vec<(u64, Commit)>,
    /// Byte offset where the valid part ends (the rest is a torn tail).
    pub valid_len: u64,
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at + 4)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// Reads a whole journal image: header, then frames until the end or a torn tail.
///
/// Pure over bytes (the file I/O is elsewhere), so it can be tested and fuzzed on any
/// input: it never panics.
///
/// # Errors
/// [`Error::Corrupt`] with the byte offset of a bad header or mid-file frame.
pub fn decode(bytes: &[u8]) -> Result<Decoded> {
    let h = header();
    if bytes.len() < h.len() {
        // A crash while the header was written leaves a prefix of it: an empty journal.
        if h.starts_with(bytes) {
            return Ok(Decoded {
                commits: Vec::new(),
                valid_len: 0,
            });
        }
        return Err(corrupt(0, "not an fmcg journal (bad header)"));
    }
    if &bytes[..8] != MAGIC {
        return Err(corrupt(0, "not an fmcg journal (bad magic)"));
    }
    let version = u32_at(bytes, 8).unwrap_or(0);
    if version != VERSION {
        return Err(corrupt(
            8,
            format!("journal version {version} is not {VERSION}"),
        ));
    }
    let mut commits = Vec::new();
    let mut at = h.len();
    let end = bytes.len();
    while at < end {
        let offset = at as u64;
        let rest = &bytes[at..];
        let (Some(len), Some(len_crc), Some(crc)) =
            (u32_at(rest, 0), u32_at(rest, 4), u32_at(rest, 8))
        else {
            break; // torn frame header
        };
        if crc32c::crc32c(&len.to_le_bytes()) != len_crc {
            if rest.iter().all(|b| *b == 0) {
                break; // zero-filled tail left by a crash
            }
            return Err(corrupt(offset, "frame header checksum mismatch"));
        }
        if len > MAX_FRAME_LEN {
            return Err(corrupt(
                offset,
                format!("frame length {len} exceeds the maximum"),
            ));
        }
        let body_start = at + FRAME_HEADER_LEN as usize;
        let body_end = body_start + len as usize;
        if body_end > end {
            break; // torn payload
        }
        let payload = &bytes[body_start..body_end];
        if crc32c::crc32c(payload) != crc {
            if body_end == end {
                break; // the last frame's write did not complete
            }
            return Err(corrupt(offset, "frame payload checksum mismatch"));
        }
        let commit: Commit = serde_json::from_slice(payload)
            .map_err(|e| corrupt(offset, format!("undecodable frame: {e}")))?;
        commits.push((offset, commit));
        at = body_end;
    }
    Ok(Decoded {
        commits,
        valid_len: at as u64,
    })
}

/// An append-only journal file.
#[derive(Debug)]
pub struct Journal {
    file: File,
    path: PathBuf,
    len: u64,
    policy: FsyncPolicy,
    unsynced_events: u64,
}

impl Journal {
    /// Appends one commit's frame, syncing per the policy. On failure the file is cut back
    /// to its previous length.
    ///
    /// # Errors
    /// [`Error::Io`] when the write or sync fails.
    pub fn append(&mut self, commit: &Commit) -> Result<()> {
        let frame = encode_frame(commit)?;
        if let Err(e) = self.file.write_all(&frame) {
            let _ = self.file.set_len(self.len);
            let _ = self.file.seek(SeekFrom::Start(self.len));
            return Err(io(&e));
        }
        self.len += frame.len() as u64;
        self.unsynced_events += commit.events.len() as u64;
        let due = match self.policy {
            FsyncPolicy::Always => true,
            FsyncPolicy::EveryEvents(n) => self.unsynced_events >= n,
            FsyncPolicy::Never => false,
        };
        if due {
            self.sync()?;
        }
        Ok(())
    }

    /// Forces appended frames to stable storage.
    ///
    /// # Errors
    /// [`Error::Io`] when the sync fails.
    pub fn sync(&mut self) -> Result<()> {
        self.file.sync_data().map_err(|e| io(&e))?;
        self.unsynced_events = 0;
        Ok(())
    }

    /// The journal's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The journal's length in bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the journal holds no frame.
    pub fn is_empty(&self) -> bool {
        self.len <= HEADER_LEN
    }
}

/// The path of a journal's snapshot file.
pub fn snapshot_path(journal: &Path) -> PathBuf {
    let mut p = journal.as_os_str().to_owned();
    p.push(".snapshot");
    PathBuf::from(p)
}

/// Writes `bytes` to `path` atomically: a temporary file, synced, renamed over `path`, and
/// the directory synced.
///
/// # Errors
/// [`Error::Io`] when any step fails; `path` then still holds its old content.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let mut f = File::create(&tmp).map_err(|e| io(&e))?;
    f.write_all(bytes).map_err(|e| io(&e))?;
    f.sync_all().map_err(|e| io(&e))?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(|e| io(&e))?;
    sync_dir(path)
}

fn sync_dir(path: &Path) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| io(&e))
}

/// An engine whose commits are written to a journal before they take effect.
#[derive(Debug)]
pub struct JournaledEngine {
    engine: Engine,
    journal: Option<Journal>,
}

impl JournaledEngine {
    /// Opens (or creates) the journal at `path`, loading its snapshot and replaying its
    /// frames. A torn tail is cut off and reported in the [`Recovery`].
    ///
    /// # Errors
    /// [`Error::Io`] for file errors; [`Error::Corrupt`] for mid-file corruption (the file
    /// is left untouched).
    pub fn open(path: &Path, policy: FsyncPolicy) -> Result<(JournaledEngine, Recovery)> {
        let mut recovery = Recovery::default();
        let mut engine = Engine::new();
        let snap = snapshot_path(path);
        if snap.exists() {
            let bytes = std::fs::read(&snap).map_err(|e| io(&e))?;
            let snapshot: Snapshot = serde_json::from_slice(&bytes)
                .map_err(|e| corrupt(0, format!("undecodable snapshot: {e}")))?;
            recovery.snapshot_commits = snapshot.commits.len() as u64;
            engine = Engine::restore(snapshot)?;
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|e| io(&e))?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(|e| io(&e))?;
        let decoded = decode(&bytes)?;
        for (offset, commit) in decoded.commits {
            if commit.last_seq() > engine.last_seq() {
                engine.replay_commit(commit).map_err(|e| match e {
                    Error::Corrupt { reason, .. } => Error::Corrupt { offset, reason },
                    other => other,
                })?;
                recovery.frames += 1;
            }
        }
        let total = bytes.len() as u64;
        let mut len = decoded.valid_len;
        if len < HEADER_LEN {
            file.set_len(0).map_err(|e| io(&e))?;
            file.seek(SeekFrom::Start(0)).map_err(|e| io(&e))?;
            file.write_all(&header()).map_err(|e| io(&e))?;
            file.sync_all().map_err(|e| io(&e))?;
            recovery.truncated_bytes = total;
            len = HEADER_LEN;
        } else if len < total {
            file.set_len(len).map_err(|e| io(&e))?;
            file.sync_all().map_err(|e| io(&e))?;
            recovery.truncated_bytes = total - len;
        }
        file.seek(SeekFrom::Start(len)).map_err(|e| io(&e))?;
        let journal = Journal {
            file,
            path: path.to_owned(),
            len,
            policy,
            unsynced_events: 0,
        };
        Ok((
            JournaledEngine {
                engine,
                journal: Some(journal),
            },
            recovery,
        ))
    }

    /// An engine kept in memory only: the same interface with no file behind it, so a host
    /// can hold one type whether or not it persists.
    pub fn in_memory(engine: Engine) -> JournaledEngine {
        JournaledEngine {
            engine,
            journal: None,
        }
    }

    /// Applies a command: decided, written to the journal, then committed. If the write
    /// fails, nothing changes.
    ///
    /// # Errors
    /// As [`Engine::apply`], plus [`Error::Io`].
    pub fn apply(&mut self, envelope: Envelope) -> Result<Outcome> {
        match self.engine.prepare(envelope)? {
            Prepared::Duplicate(outcome) => Ok(outcome),
            Prepared::New(commit) => {
                if let Some(journal) = &mut self.journal {
                    journal.append(&commit)?;
                }
                self.engine.commit(commit)
            }
        }
    }

    /// Applies a device's outbox, each commit written to the journal before it is made
    /// visible: see [`crate::sync::push`].
    ///
    /// # Errors
    /// As [`crate::sync::push`], plus [`Error::Io`].
    pub fn push(
        &mut self,
        actor: &crate::ids::StaffId,
        request: crate::sync::PushRequest,
        server_now: chrono::DateTime<chrono::Utc>,
    ) -> Result<crate::sync::PushResponse> {
        crate::sync::push(self, actor, request, server_now)
    }

    /// Applies a command given as JSON (the contract form).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (field `json`) for undecodable input, else as
    /// [`JournaledEngine::apply`].
    pub fn apply_json(&mut self, json: &str) -> Result<Outcome> {
        self.apply(Envelope::from_json(json)?)
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The journal, unless the engine is [in memory](JournaledEngine::in_memory).
    pub fn journal(&self) -> Option<&Journal> {
        self.journal.as_ref()
    }

    /// Forces appended frames to stable storage (nothing to do in memory).
    ///
    /// # Errors
    /// [`Error::Io`] when the sync fails.
    pub fn sync(&mut self) -> Result<()> {
        self.journal.as_mut().map_or(Ok(()), Journal::sync)
    }

    /// Writes a snapshot of everything atomically, then starts the journal afresh (also
    /// atomically). A crash between the two leaves frames the snapshot already holds; they
    /// are skipped on open. In memory there is nothing to do.
    ///
    /// # Errors
    /// [`Error::Io`] when a write fails.
    pub fn checkpoint(&mut self) -> Result<()> {
        let Some(journal) = &mut self.journal else {
            return Ok(());
        };
        journal.sync()?;
        let bytes = self.engine.snapshot_bytes()?;
        write_atomic(&snapshot_path(&journal.path), &bytes)?;
        write_atomic(&journal.path, &header())?;
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&journal.path)
            .map_err(|e| io(&e))?;
        file.seek(SeekFrom::End(0)).map_err(|e| io(&e))?;
        journal.file = file;
        journal.len = HEADER_LEN;
        Ok(())
    }
}

impl crate::sync::Committer for JournaledEngine {
    fn engine(&self) -> &Engine {
        &self.engine
    }

    fn engine_mut(&mut self) -> &mut Engine {
        &mut self.engine
    }

    fn commit(&mut self, commit: Commit) -> Result<Outcome> {
        if let Some(journal) = &mut self.journal {
            journal.append(&commit)?;
        }
        self.engine.commit(commit)
    }
}
