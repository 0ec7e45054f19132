//! Taking part: proposal [`lookup`] and [`visibility`] rules at the bottom,
//! then [`authoring`], [`images`], [`supports`], [`comments`], and the
//! read models of the proposal list and page ([`proposals`]) and of a
//! platform ([`platforms`]).

pub mod authoring;
pub mod comments;
pub mod images;
pub mod lookup;
pub mod platforms;
pub mod proposals;
pub mod supports;
pub mod visibility;
