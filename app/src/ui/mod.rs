//! What every page shares: the [`layout`] (header, footer, breadcrumbs),
//! [`forms`] and their outcomes, [`labels`] in words, [`loaded`] resources
//! and [`error`] views, the phase [`timeline`], number and date [`format`],
//! the [`session`], route [`params`], the server functions' error
//! ([`api_error`]) and their server-side helpers ([`ssr`]), and the page
//! for an unknown address ([`not_found`]).

pub mod api_error;
pub mod error;
pub mod format;
pub mod forms;
pub mod labels;
pub mod layout;
pub mod loaded;
pub mod not_found;
pub mod params;
pub mod session;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod timeline;
