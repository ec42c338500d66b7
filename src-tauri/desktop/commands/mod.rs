//! IPC commands: parse, call the library, map the error. Nothing else.

pub mod editor;
pub mod library;
