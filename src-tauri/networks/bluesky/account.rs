//! One Bluesky account behind the [`Publish`] trait: its session, its limits, the video
//! service its animations go through.
//!
//! One owner per account. A refresh token is single-use, so two refreshes racing on one
//! account would leave one of them holding a dead session. `&mut self` on every call
//! already makes calls on one `Account` one at a time (refreshes included), so a tokio
//! Mutex inside would add nothing; and no lock inside could help two `Account`s built
//! from the same keychain entry, which would each refresh the same token. So the queue
//! holds one `Account` per account, sends its posts one after another, and keeps the
//! session [`Account::take_renewed_session`] hands back after every call.

use serde_json::Value;

use super::record::{animation_embed, images_embed, record, Draft, Written};
use super::session::Session;
use super::video::{self, VideoService};
use super::{repo, Error, POST_COLLECTION};
use crate::net::Client;
use crate::networks::limits::TargetLimits;
use crate::networks::post::{Attempt, Post, Publish, Sent};

pub struct Account {
    session: Session,
    /// The session as the caller last took it: a refresh makes them differ.
    kept: Session,
    limits: TargetLimits,
    video: VideoService,
}

impl Account {
    /// `limits`: the account's (accounts::settings::limits); they say animations play
    /// once [`Account::check_video`] has found the video service open to the account.
    pub fn new(session: Session, limits: TargetLimits, video: VideoService) -> Self {
        Self {
            kept: session.clone(),
            session,
            limits,
            video,
        }
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The session, when a call refreshed it since it was last taken: the caller keeps
    /// it in the keychain at once, as the old refresh token no longer works.
    pub fn take_renewed_session(&mut self) -> Option<Session> {
        if self.session == self.kept {
            return None;
        }
        self.kept = self.session.clone();
        Some(self.session.clone())
    }

    /// Whether an animation of `bytes` can go through the video service now, asked
    /// before anything is sent, so the volunteer can choose the still instead:
    /// [`Error::VideoUnavailable`] says why not. The limits follow the answer.
    pub async fn check_video(
        &mut self,
        client: &Client,
        bytes: u64,
        now: i64,
    ) -> Result<(), Error> {
        let answer = video::check_limits(client, &mut self.session, &self.video, bytes, now).await;
        self.limits = match &answer {
            Ok(()) => self.limits.clone().with_bluesky_video(),
            Err(_) => self.limits.clone().without_animation(),
        };
        answer
    }

    fn sent(&self, written: Written) -> Sent {
        let rkey = written.uri.rsplit('/').next().unwrap_or_default();
        Sent {
            url: Some(format!(
                "https://bsky.app/profile/{}/post/{rkey}",
                self.session.handle
            )),
            id: written.uri,
        }
    }

    /// The embed of the post's media, uploaded: one animation through the video
    /// service, or still images to the PDS.
    async fn embed(
        &mut self,
        client: &Client,
        post: &Post<'_>,
        now: i64,
    ) -> Result<Option<Value>, Error> {
        if post.media.is_empty() {
            return Ok(None);
        }
        if let Some(animation) = post.media.iter().find(|media| media.animated) {
            if post.media.len() > 1 {
                return Err(Error::AnimationNotAlone {
                    count: post.media.len(),
                });
            }
            let bytes = animation.bytes.len() as u64;
            self.check_video(client, bytes, now).await?;
            let blob =
                video::upload_animation(client, &mut self.session, &self.video, animation, now)
                    .await?;
            return Ok(Some(animation_embed(blob, animation)));
        }
        let mut images = Vec::with_capacity(post.media.len());
        for media in post.media {
            let blob = repo::upload_image(client, &mut self.session, media, now).await?;
            images.push((blob, media));
        }
        Ok(Some(images_embed(&images)))
    }
}

impl Publish for Account {
    type Error = Error;

    fn limits(&self) -> &TargetLimits {
        &self.limits
    }

    async fn publish(
        &mut self,
        client: &Client,
        post: &Post<'_>,
        attempt: &Attempt<'_>,
    ) -> Result<Sent, Error> {
        crate::networks::check(post, &self.limits).map_err(Error::Check)?;
        // Before any upload: a post that exists needs nothing more.
        if attempt.earlier_unknown {
            let found =
                repo::find_post(client, &mut self.session, attempt.key, attempt.now).await?;
            if let Some(found) = found {
                return Ok(self.sent(found));
            }
        }
        let embed = self.embed(client, post, attempt.now).await?;
        let langs: Vec<&str> = post.language.into_iter().collect();
        let draft = Draft {
            text: post.text,
            langs: &langs,
            created_at: attempt.created_at,
        };
        let record = record(&draft, embed);
        let written =
            repo::create_post(client, &mut self.session, attempt.key, &record, attempt.now).await?;
        Ok(self.sent(written))
    }

    async fn delete(&mut self, client: &Client, sent: &Sent, now: i64) -> Result<(), Error> {
        let ours = format!("at://{}/{POST_COLLECTION}/", self.session.did);
        let rkey = sent
            .id
            .strip_prefix(&ours)
            .filter(|rkey| !rkey.is_empty() && !rkey.contains('/'))
            .ok_or_else(|| Error::NotOurPost {
                id: sent.id.clone(),
            })?;
        repo::delete_post(client, &mut self.session, rkey, now).await
    }
}
