//! Taking part: the [`proposal_list`], a [`proposal_page`], writing and
//! editing ([`write`]), a [`platform`]'s page, the [`results`], the
//! [`proposal_card`] and other [`widgets`], and the server functions
//! ([`server_fns`], reading proposals in [`proposal_fns`]).

pub mod platform;
pub mod proposal_card;
pub mod proposal_fns;
pub mod proposal_list;
pub mod proposal_page;
pub mod results;
pub mod server_fns;
pub mod widgets;
pub mod write;
