//! The final plan: saved [`versions`] and their approval, the plan as typed
//! [`blocks`], [`render`]ed as Markdown and HTML, laid out as [`odt`] and
//! [`pdf`], and written to a file by [`export`]; moderators' [`redaction`]
//! of an entry in a saved version.

pub mod blocks;
pub mod export;
pub mod odt;
pub mod pdf;
pub mod redaction;
pub mod render;
pub mod versions;
