//! The system clipboard (arboard). On Linux the image stays available while Relais
//! runs, or longer when a clipboard manager takes it over.

use std::borrow::Cow;
use std::sync::Mutex;

use image::RgbaImage;

use super::IpcError;

/// arboard serves X11/Wayland requests from the process that owns the clipboard: keep one
/// alive for the app's lifetime instead of dropping the image as soon as it is copied.
static CLIPBOARD: Mutex<Option<arboard::Clipboard>> = Mutex::new(None);

pub fn put_image(image: &RgbaImage) -> Result<(), IpcError> {
    let mut slot = CLIPBOARD.lock().map_err(|_| IpcError::poisoned())?;
    if slot.is_none() {
        *slot = Some(arboard::Clipboard::new().map_err(IpcError::clipboard)?);
    }
    let Some(clipboard) = slot.as_mut() else {
        return Err(IpcError::poisoned());
    };
    clipboard
        .set_image(arboard::ImageData {
            width: image.width() as usize,
            height: image.height() as usize,
            bytes: Cow::Borrowed(image.as_raw()),
        })
        .map_err(IpcError::clipboard)
}
