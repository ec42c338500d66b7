//! IPC commands: parse, call the library, map the error. Nothing else.

pub mod draft;
pub mod editor;
pub mod library;
pub mod pick;
// K1/K2: `pub mod kits;` once `kit::inspect`, `kit::import_path`, `kit::remove_kit` and
// `kit::remote::sync` exist (the adapters are written against the contract in kits.rs).
