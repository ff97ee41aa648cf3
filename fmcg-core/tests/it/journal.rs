//! The journal: torn tails recover exactly the complete commits, corruption names its
//! offset, snapshots are atomic, arbitrary bytes never panic the reader.

use std::path::Path;

use fmcg_core::journal::{self, FRAME_HEADER_LEN, HEADER_LEN};
use fmcg_core::{Engine, Error, FsyncPolicy, JournaledEngine};
use proptest::prelude::*;

use crate::support::{WORLD, World, order_cmd, state_json};

fn write_world(path: &Path) -> (Vec<u8>, Vec<u64>) {
    let (mut j, rec) = JournaledEngine::open(path, FsyncPolicy::EveryEvents(1000)).unwrap();
    assert_eq!(rec, Default::default());
    for line in WORLD.lines() {
        j.apply(serde_json::from_str(line).unwrap()).unwrap();
    }
    j.sync().unwrap();
    let bytes = std::fs::read(path).unwrap();
    let offsets = journal::decode(&bytes)
        .unwrap()
        .commits
        .iter()
        .map(|(o, _)| *o)
        .collect();
    (bytes, offsets)
}

#[test]
fn reopening_a_journal_rebuilds_the_same_engine() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal");
    write_world(&path);
    let (j, rec) = JournaledEngine::open(&path, FsyncPolicy::Always).unwrap();
    assert_eq!(rec.frames as usize, WORLD.lines().count());
    assert_eq!(rec.truncated_bytes, 0);
    assert_eq!(
        state_json(j.engine()),
        state_json(&World::standard().engine)
    );
}

#[test]
fn truncating_at_every_offset_of_the_last_frames_recovers_exactly_the_complete_ones() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal");
    let (bytes, offsets) = write_world(&path);
    let full = World::standard().engine;
    let first_cut = offsets[offsets.len() - 3] as usize;
    for cut in first_cut..=bytes.len() {
        let p = dir.path().join("cut");
        std::fs::write(&p, &bytes[..cut]).unwrap();
        let (mut j, rec) = JournaledEngine::open(&p, FsyncPolicy::Never).unwrap();
        let ends: Vec<u64> = offsets[1..]
            .iter()
            .copied()
            .chain([bytes.len() as u64])
            .collect();
        let complete = ends.iter().filter(|&&e| e <= cut as u64).count();
        assert_eq!(rec.frames as usize, complete, "cut at {cut}");
        let expected = Engine::replay(full.commits()[..complete].iter().cloned()).unwrap();
        assert_eq!(
            state_json(j.engine()),
            state_json(&expected),
            "cut at {cut}"
        );
        let valid = ends[complete - 1];
        assert_eq!(
            std::fs::metadata(&p).unwrap().len(),
            valid,
            "torn tail cut off at {cut}"
        );
        assert_eq!(rec.truncated_bytes, cut as u64 - valid);
        // The recovered journal takes new commands and reopens cleanly.
        let mut w = World::standard();
        let next = w.next(
            "admin",
            serde_json::json!({"type": "create_territory",
            "territory": {"id": "T-X", "code": "X", "name": "X"}}),
        );
        j.apply(next).unwrap();
        drop(j);
        let (j, rec) = JournaledEngine::open(&p, FsyncPolicy::Never).unwrap();
        assert_eq!(rec.frames as usize, complete + 1);
        assert_eq!(rec.truncated_bytes, 0);
        drop(j);
    }
}

#[test]
fn a_flipped_byte_mid_file_is_reported_with_its_frames_offset() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal");
    let (bytes, offsets) = write_world(&path);
    let frame = offsets[5] as usize;
    for (what, at) in [
        ("length", frame),
        ("length checksum", frame + 5),
        ("payload checksum", frame + 9),
        ("payload", frame + FRAME_HEADER_LEN as usize + 7),
    ] {
        let mut bad = bytes.clone();
        bad[at] ^= 0x20;
        let p = dir.path().join("bad");
        std::fs::write(&p, &bad).unwrap();
        match JournaledEngine::open(&p, FsyncPolicy::Never) {
            Err(Error::Corrupt { offset, reason }) => {
                assert_eq!(offset, frame as u64, "{what}: {reason}");
            }
            other => panic!("{what}: expected corruption, got {other:?}"),
        }
        assert_eq!(
            std::fs::read(&p).unwrap(),
            bad,
            "a corrupt journal is left untouched"
        );
    }
    let mut bad = bytes.clone();
    bad[0] = b'X';
    let p = dir.path().join("bad");
    std::fs::write(&p, &bad).unwrap();
    assert!(matches!(
        JournaledEngine::open(&p, FsyncPolicy::Never),
        Err(Error::Corrupt { offset: 0, .. })
    ));
}

#[test]
fn a_checkpoint_snapshots_atomically_and_restarts_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal");
    write_world(&path);
    let (mut j, _) = JournaledEngine::open(&path, FsyncPolicy::Always).unwrap();
    j.checkpoint().unwrap();
    assert_eq!(std::fs::metadata(&path).unwrap().len(), HEADER_LEN);
    let mut w = World::standard();
    let env = w.next("REP-1", order_cmd("SO-1", "O-001", &[("COLA-330", 3)]));
    j.apply(env.clone()).unwrap();
    w.engine.apply(env).unwrap();
    drop(j);
    let (j, rec) = JournaledEngine::open(&path, FsyncPolicy::Always).unwrap();
    assert_eq!(rec.snapshot_commits as usize, WORLD.lines().count());
    assert_eq!(rec.frames, 1);
    assert_eq!(state_json(j.engine()), state_json(&w.engine));
    assert!(!dir.path().join("journal.snapshot.tmp").exists());
}

#[test]
fn frames_already_in_the_snapshot_are_skipped() {
    // A crash after the snapshot was written but before the journal restarted.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal");
    write_world(&path);
    let engine = World::standard().engine;
    journal::write_atomic(
        &journal::snapshot_path(&path),
        &engine.snapshot_bytes().unwrap(),
    )
    .unwrap();
    let (j, rec) = JournaledEngine::open(&path, FsyncPolicy::Always).unwrap();
    assert_eq!(rec.frames, 0);
    assert_eq!(state_json(j.engine()), state_json(&engine));
}

#[test]
fn a_failed_command_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal");
    write_world(&path);
    let len = std::fs::metadata(&path).unwrap().len();
    let (mut j, _) = JournaledEngine::open(&path, FsyncPolicy::Always).unwrap();
    let mut w = World::standard();
    let env = w.next("REP-1", order_cmd("SO-1", "O-003", &[("COLA-330", 3)]));
    assert!(j.apply(env).is_err());
    assert_eq!(std::fs::metadata(&path).unwrap().len(), len);
}

proptest! {
    #[test]
    fn the_frame_reader_never_panics_on_arbitrary_bytes(tail in prop::collection::vec(any::<u8>(), 0..600), header in any::<bool>()) {
        let mut bytes = Vec::new();
        if header {
            bytes.extend_from_slice(journal::MAGIC);
            bytes.extend_from_slice(&journal::VERSION.to_le_bytes());
            bytes.extend_from_slice(&0u32.to_le_bytes());
        }
        bytes.extend_from_slice(&tail);
        let _ = journal::decode(&bytes);
    }

    #[test]
    fn the_frame_reader_never_panics_on_mutated_journals(flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6)) {
        let engine = World::standard().engine;
        let mut bytes = Vec::new();
        bytes.extend_from_slice(journal::MAGIC);
        bytes.extend_from_slice(&journal::VERSION.to_le_bytes());
        bytes.extend_from_slice(&0u32.to_le_bytes());
        for c in engine.commits().iter().take(6) {
            bytes.extend(journal::encode_frame(c).unwrap());
        }
        for (i, b) in flips {
            let at = i.index(bytes.len());
            bytes[at] ^= b | 1;
        }
        if let Ok(decoded) = journal::decode(&bytes) {
            let _ = Engine::replay(decoded.commits.into_iter().map(|(_, c)| c));
        }
    }
}
