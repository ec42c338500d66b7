//! Bluesky over the AT Protocol, with an app password: the password is exchanged once
//! for a session (access and refresh tokens) and never kept. Posts are written with a
//! record key chosen before the first attempt, so a retry after a lost answer checks
//! for the record instead of writing a second one. Animated GIFs go through the video
//! service, so they play.

mod account;
mod error;
mod facets;
pub mod identity;
mod record;
mod repo;
mod session;
mod tid;
mod video;
mod xrpc;

pub use account::Account;
pub use error::{Error, VideoRefusal};
pub use facets::facets;
pub use record::{animation_embed, check_text, images_embed, record, Draft, Written};
pub use session::{check, refresh, sign_in, Session, SessionKind};
pub use tid::tid;
pub use video::{VideoService, VIDEO_SERVICE};

pub const POST_COLLECTION: &str = "app.bsky.feed.post";
/// Post text limits: graphemes as the app counts them, and bytes.
pub const MAX_GRAPHEMES: usize = 300;
pub const MAX_TEXT_BYTES: usize = 3000;
/// An image in the images embed, checked when the record is created.
pub const MAX_IMAGE_BYTES: usize = 2_000_000;
