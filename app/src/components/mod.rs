//! Reusable pieces of the pages.

pub mod error;
pub mod forms;
pub mod labels;
pub mod layout;
pub mod loaded;
pub mod moderation;
pub mod participation;
pub mod proposal_card;
pub mod timeline;
