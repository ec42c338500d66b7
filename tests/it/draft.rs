//! Editor drafts: saved per asset in the real SQLite file, back after a restart.

use relais::db::Store;
use relais::draft::{self, Draft};
use serde_json::json;

fn draft(text: &str) -> Draft {
    Draft {
        kit_id: "kit".into(),
        asset_id: "poster".into(),
        remix: json!({"layers": [{"text": text, "zone": {"x": 0.1, "y": 0.7, "width": 0.8, "height": 0.2}}]}),
        alt_text: Some("Affiche bleue.".into()),
        updated_at: 0,
    }
}

#[test]
fn a_draft_survives_closing_and_reopening_the_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path()).unwrap();
        draft::save(&store, &draft("Déjà l'été ?"), 1_700_000_000).unwrap();
    }
    let store = Store::open(dir.path()).unwrap();
    let back = draft::load(&store, "kit", "poster")
        .unwrap()
        .expect("the draft is still there after a restart");
    assert_eq!(
        back.remix,
        draft("Déjà l'été ?").remix,
        "layers come back unchanged"
    );
    assert_eq!(back.alt_text.as_deref(), Some("Affiche bleue."));
    assert_eq!(
        back.updated_at, 1_700_000_000,
        "the time passed in is recorded"
    );
}

#[test]
fn saving_again_replaces_the_draft_and_discarding_forgets_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    draft::save(&store, &draft("premier"), 1).unwrap();
    draft::save(&store, &draft("second"), 2).unwrap();
    let back = draft::load(&store, "kit", "poster").unwrap().unwrap();
    assert_eq!(
        back.remix["layers"][0]["text"], "second",
        "the newest save wins"
    );
    assert!(
        draft::load(&store, "kit", "other").unwrap().is_none(),
        "drafts are per asset"
    );
    draft::discard(&store, "kit", "poster").unwrap();
    assert!(draft::load(&store, "kit", "poster").unwrap().is_none());
}

#[test]
fn a_damaged_draft_is_reported_with_the_asset_it_belongs_to() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store
        .conn()
        .execute(
            "INSERT INTO draft (kit_id, asset_id, remix, alt_text, updated_at) VALUES ('kit', 'poster', '{not json', NULL, 0)",
            [],
        )
        .unwrap();
    let error = draft::load(&store, "kit", "poster").unwrap_err();
    assert!(
        matches!(error, draft::Error::Damaged { .. }) && error.to_string().contains("poster"),
        "{error}"
    );
}
