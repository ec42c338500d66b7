use image::RgbaImage;

/// A decoded asset: one still image, or the fully composed frames of an animation
/// (disposal already applied, so each frame is what a viewer shows at that moment).
#[derive(Debug, Clone)]
pub enum Picture {
    Still(RgbaImage),
    Animation { frames: Vec<Frame>, repeat: Repeat },
}

#[derive(Debug, Clone)]
pub struct Frame {
    pub image: RgbaImage,
    pub delay_ms: u32,
}

/// Loop count as GIF stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    Infinite,
    Finite(u16),
}

impl Picture {
    pub fn dimensions(&self) -> (u32, u32) {
        match self {
            Picture::Still(image) => image.dimensions(),
            Picture::Animation { frames, .. } => frames
                .first()
                .map(|frame| frame.image.dimensions())
                .unwrap_or((0, 0)),
        }
    }

    /// The frame a still export or a thumbnail starts from.
    pub fn first_frame(&self) -> &RgbaImage {
        match self {
            Picture::Still(image) => image,
            Picture::Animation { frames, .. } => &frames[0].image,
        }
    }

    pub fn is_animated(&self) -> bool {
        matches!(self, Picture::Animation { frames, .. } if frames.len() > 1)
    }
}
