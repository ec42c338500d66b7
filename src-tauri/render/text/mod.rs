//! Caption text: style, layout in asset pixels, rasterization.

pub(crate) mod blur;
pub(crate) mod layout;
pub(crate) mod raster;
pub(crate) mod style;
