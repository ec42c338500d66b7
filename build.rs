fn main() {
    #[cfg(feature = "desktop")]
    {
        // Declaring the app's commands makes them deny-by-default: the capability files
        // must grant each one to the window explicitly.
        let manifest = tauri_build::AppManifest::new().commands(&[
            "app_info",
            "library",
            "render_preview",
            "undrawable_characters",
            "export_image",
            "copy_image",
            "draft_save",
            "draft_load",
            "draft_discard",
            "pick_kit",
            "kits",
            "kit_inspect",
            "kit_import",
            "kit_subscribe",
            "kit_update",
            "kit_remove",
            "account_list",
            "account_add_bluesky",
            "account_add_discord",
            "account_add_telegram",
            "account_add_folder",
            "account_test",
            "account_rename",
            "account_remove",
            "account_mastodon_start",
            "account_mastodon_finish",
            "account_mastodon_cancel",
        ]);
        let attributes = tauri_build::Attributes::new()
            .capabilities_path_pattern("./src-tauri/capabilities/**/*")
            .app_manifest(manifest);
        if let Err(error) = tauri_build::try_build(attributes) {
            panic!("tauri-build failed: {error:#}");
        }
    }
}
