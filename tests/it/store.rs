//! The data folder: database creation, migrations, locking, refusal of newer schemas.

use relais::db::{latest_schema, Error, Store, DATABASE_FILE};
use tempfile::TempDir;

fn journal_mode(store: &Store) -> String {
    store
        .conn()
        .pragma_query_value(None, "journal_mode", |row| row.get::<_, String>(0))
        .expect("PRAGMA journal_mode should answer")
}

/// `user_version` read straight from the SQLite file header (bytes 60..64, big-endian),
/// without going through the library.
fn header_user_version(bytes: &[u8]) -> u32 {
    assert!(
        bytes.starts_with(b"SQLite format 3\0"),
        "the database file should be an SQLite 3 database"
    );
    u32::from_be_bytes([bytes[60], bytes[61], bytes[62], bytes[63]])
}

#[test]
fn open_creates_a_wal_database_at_the_latest_schema() {
    let dir = TempDir::new().unwrap();
    let root = dir.path().join("nouveau").join("dossier");
    let store = Store::open(&root).expect("a missing data folder should be created");
    assert!(
        root.join(DATABASE_FILE).is_file(),
        "the database file should be created in the data folder"
    );
    assert_eq!(
        journal_mode(&store).to_lowercase(),
        "wal",
        "the database should run in WAL mode"
    );
    assert!(
        latest_schema() >= 1,
        "there should be at least one migration"
    );
    assert_eq!(
        store.schema_version().unwrap(),
        latest_schema(),
        "a new database should be fully migrated"
    );
    assert_eq!(
        store.root(),
        root.as_path(),
        "the store should report the folder it opened"
    );
    drop(store);
    let bytes = std::fs::read(root.join(DATABASE_FILE)).unwrap();
    assert_eq!(
        header_user_version(&bytes),
        latest_schema(),
        "the schema version should be persisted in the file"
    );
}

#[test]
fn reopening_a_data_folder_is_idempotent_and_keeps_its_content() {
    let dir = TempDir::new().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store
        .conn()
        .execute(
            "INSERT INTO kit (id, title, publisher, version, manifest_sha256, manifest, installed_at)
             VALUES ('gardé', '{}', 'Test', 1, '', '{}', 0)",
            [],
        )
        .expect("the kit table should exist after migration");
    drop(store);

    for _ in 0..2 {
        let store =
            Store::open(dir.path()).expect("reopening an up-to-date data folder should work");
        assert_eq!(
            store.schema_version().unwrap(),
            latest_schema(),
            "reopening should not change the schema version"
        );
        assert_eq!(
            journal_mode(&store).to_lowercase(),
            "wal",
            "the database should stay in WAL mode"
        );
        let kits: i64 = store
            .conn()
            .query_row("SELECT COUNT(*) FROM kit WHERE id = 'gardé'", [], |row| {
                row.get(0)
            })
            .unwrap();
        assert_eq!(
            kits, 1,
            "rows written before reopening should still be there, exactly once"
        );
    }
}

#[test]
fn a_second_open_of_a_folder_in_use_is_refused_until_the_first_is_dropped() {
    let dir = TempDir::new().unwrap();
    let first = Store::open(dir.path()).unwrap();
    match Store::open(dir.path()) {
        Err(Error::InUse { path }) => {
            assert_eq!(
                path,
                dir.path(),
                "the in-use error should name the data folder"
            );
        }
        Err(other) => panic!("a second open should fail with InUse, got {other:?}"),
        Ok(_) => panic!("a second open of a data folder in use should be refused"),
    }
    let message = Store::open(dir.path())
        .err()
        .map(|error| error.to_string())
        .unwrap_or_default();
    assert!(
        message.contains("in use"),
        "the message should say the folder is in use, got {message:?}"
    );

    drop(first);
    Store::open(dir.path()).expect("once the first store is dropped, the folder should open again");
}

#[test]
fn a_database_from_a_newer_relais_is_refused_and_left_untouched() {
    let dir = TempDir::new().unwrap();
    let newer = latest_schema() + 7;
    {
        let store = Store::open(dir.path()).unwrap();
        store
            .conn()
            .pragma_update(None, "user_version", newer)
            .unwrap();
    }
    let db_path = dir.path().join(DATABASE_FILE);
    let before = std::fs::read(&db_path).unwrap();
    assert_eq!(
        header_user_version(&before),
        newer,
        "the test should have written the newer schema version"
    );

    match Store::open(dir.path()) {
        Err(Error::NewerSchema { found, known, .. }) => {
            assert_eq!(
                (found, known),
                (newer, latest_schema()),
                "the error should report both schema versions"
            );
        }
        Err(other) => panic!("a newer schema should be refused with NewerSchema, got {other:?}"),
        Ok(_) => panic!("a database from a newer Relais should not be opened"),
    }
    let after = std::fs::read(&db_path).unwrap();
    assert!(
        after == before,
        "a refused newer database should be left byte-for-byte untouched"
    );

    // The refusal released the lock: the error is repeatable, not turned into InUse.
    assert!(
        matches!(Store::open(dir.path()), Err(Error::NewerSchema { .. })),
        "a refused open should not keep the data folder locked"
    );
}

#[test]
fn a_newer_database_in_rollback_journal_mode_is_refused_without_being_switched_to_wal() {
    let dir = TempDir::new().unwrap();
    let newer = latest_schema() + 1;
    {
        let store = Store::open(dir.path()).unwrap();
        let mode = store
            .conn()
            .pragma_update_and_check(None, "journal_mode", "DELETE", |row| {
                row.get::<_, String>(0)
            })
            .unwrap();
        assert_eq!(
            mode.to_lowercase(),
            "delete",
            "the test needs a database in rollback-journal mode"
        );
        store
            .conn()
            .pragma_update(None, "user_version", newer)
            .unwrap();
    }
    let db_path = dir.path().join(DATABASE_FILE);
    let before = std::fs::read(&db_path).unwrap();
    assert_eq!(
        before[18], 1,
        "a rollback-journal database has file format version 1 at header byte 18"
    );

    assert!(
        matches!(Store::open(dir.path()), Err(Error::NewerSchema { .. })),
        "a newer schema should be refused whatever its journal mode"
    );
    let after = std::fs::read(&db_path).unwrap();
    assert_eq!(
        after[18], before[18],
        "refusing a newer database should not convert it to WAL"
    );
    assert!(
        after == before,
        "a refused newer database should be left byte-for-byte untouched"
    );
}

/// A data folder as the oldest Relais wrote it: schema 1 with a kit whose kit.json ships
/// a font, and its asset; then each later table gets a row at the schema that made it,
/// as the Relais of that day would have written it.
fn aged_data_folder(root: &std::path::Path) {
    use rusqlite::{params, Connection};
    std::fs::create_dir_all(root).unwrap();
    let conn = Connection::open(root.join(DATABASE_FILE)).unwrap();
    let sha = |c: char| c.to_string().repeat(64);
    relais::db::migrate_to(&conn, 1).unwrap();
    let manifest = serde_json::json!({
        "format": 1, "id": "ancien", "version": 7, "title": {"fr": "Ancien kit"},
        "publisher": "Comité",
        "fonts": [{"file": "m.ttf", "size": 10, "sha256": sha('f'), "family": "M"}],
        "assets": [{"id": "affiche", "kind": "image", "file": "a.png", "size": 3,
                    "sha256": sha('a'), "width": 2, "height": 2, "title": {"fr": "Affiche"}}]
    });
    conn.execute(
        "INSERT INTO kit (id, title, publisher, version, manifest_sha256, manifest, installed_at)
         VALUES ('ancien', '{\"fr\":\"Ancien kit\",\"en\":\"\"}', 'Comité', 7, ?1, ?2, 1700000000)",
        params![sha('0'), manifest.to_string()],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO asset (kit_id, id, position, kind, sha256, thumb_sha256, width, height, entry)
         VALUES ('ancien', 'affiche', 0, 'image', ?1, ?2, 2, 2, ?3)",
        params![sha('a'), sha('b'), manifest["assets"][0].to_string()],
    )
    .unwrap();
    relais::db::migrate_to(&conn, 2).unwrap();
    let key = "RWQY7gMTPbjHRBo8OBkzWvxZI3EFGIIRYWwAfq9p1ds1oeyqUBkHX2Q3";
    conn.execute(
        "INSERT INTO kit_key (kit_id, public_key, key_id, pinned_at)
         VALUES ('ancien', ?1, '44C7B83D1303EE18', 1700000001)",
        params![key],
    )
    .unwrap();
    relais::db::migrate_to(&conn, 3).unwrap();
    conn.execute(
        "INSERT INTO draft (kit_id, asset_id, remix, alt_text, updated_at)
         VALUES ('ancien', 'affiche', '{\"layers\":[{\"text\":\"Salut\"}]}', 'Une affiche', 1700000002)",
        [],
    )
    .unwrap();
    relais::db::migrate_to(&conn, 4).unwrap();
    conn.execute(
        "INSERT INTO kit_source (kit_id, url, etag, last_checked)
         VALUES ('ancien', 'https://example.org/ancien/', '\"v7\"', 1700000003)",
        [],
    )
    .unwrap();
}

#[test]
fn a_database_written_by_the_oldest_schema_upgrades_with_every_row_kept() {
    let dir = TempDir::new().unwrap();
    let root = dir.path().join("data");
    aged_data_folder(&root);
    let store = Store::open(&root).expect("an old data folder opens and upgrades");
    assert_eq!(store.schema_version().unwrap(), latest_schema());

    let kits = relais::kit::list_kits(&store).expect("the old kit row still reads");
    assert_eq!(kits.len(), 1, "{kits:?}");
    let kit = &kits[0];
    assert_eq!((kit.id.as_str(), kit.version, kit.assets), ("ancien", 7, 1));
    assert_eq!(kit.title.fr, "Ancien kit");
    assert_eq!(
        kit.fingerprint.map(|f| f.compact()),
        Some("F030E0F2D36356843C799AF2ED9A9C03588061E2D772AE5A96F4B77832669339".to_owned()),
        "the key pinned at schema 2 shows its fingerprint, computed from the stored key"
    );
    assert_eq!(
        kit.source_url.as_deref(),
        Some("https://example.org/ancien/")
    );
    assert_eq!(kit.last_checked, Some(1_700_000_003));

    let assets = relais::kit::list_assets(&store, 1_800_000_000).unwrap();
    assert_eq!(assets.len(), 1);
    assert_eq!(assets[0].entry.id, "affiche");
    assert_eq!(assets[0].thumb_sha256, "b".repeat(64));

    let draft = relais::draft::load(&store, "ancien", "affiche")
        .unwrap()
        .expect("the draft written at schema 3 is still there");
    assert_eq!(draft.alt_text.as_deref(), Some("Une affiche"));
    assert_eq!(draft.remix["layers"][0]["text"], "Salut");

    let conn = store.conn();
    assert_eq!(
        relais::db::kit_fonts::of_kit(conn, "ancien").unwrap(),
        ["f".repeat(64)].into_iter().collect(),
        "the font listed in the stored kit.json is known to the blob collector"
    );
    for (blob, what) in [
        ('a', "the asset"),
        ('b', "its thumbnail"),
        ('f', "the kit's font"),
    ] {
        assert!(
            relais::db::blob_refs::is_referenced(conn, &blob.to_string().repeat(64)).unwrap(),
            "{what} must be protected from the blob collector after the upgrade"
        );
    }
    assert!(!relais::db::blob_refs::is_referenced(conn, &"c".repeat(64)).unwrap());
}

#[test]
fn a_stored_row_that_no_longer_parses_is_reported_not_hidden() {
    let dir = TempDir::new().unwrap();
    let root = dir.path().join("data");
    aged_data_folder(&root);
    {
        let conn = rusqlite::Connection::open(root.join(DATABASE_FILE)).unwrap();
        conn.execute(
            "UPDATE asset SET entry = '{not json' WHERE id = 'affiche'",
            [],
        )
        .unwrap();
    }
    let store = Store::open(&root).unwrap();
    let error = relais::kit::list_assets(&store, 1_800_000_000)
        .expect_err("a damaged row must not vanish from the library without a word");
    assert!(
        matches!(error, relais::kit::Error::StoredDataDamaged { ref key, .. } if key == "ancien"),
        "{error:?}"
    );
}
