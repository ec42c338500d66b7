//! IPC commands: parse, call the library, map the error. Nothing else.

pub mod accounts;
pub mod draft;
pub mod editor;
pub mod kits;
pub mod library;
pub mod mastodon;
pub mod pick;
