//! Taking part: the [`proposal_list`], a [`proposal_page`] and its
//! [`comments`] (a long thread on its [`thread_page`]), writing
//! ([`new_proposal_page`]) and editing ([`edit_proposal_page`]) with the
//! shared [`proposal_fields`], the [`history_page`], a [`platform`]'s page,
//! the [`results`], the [`proposal_card`] and other [`widgets`], and the
//! server functions ([`server_fns`], reading proposals in [`proposal_fns`]).

pub mod comments;
pub mod edit_proposal_page;
pub mod history_page;
pub mod new_proposal_page;
pub mod platform;
pub mod proposal_card;
pub mod proposal_fields;
pub mod proposal_fns;
pub mod proposal_list;
pub mod proposal_page;
pub mod results;
pub mod server_fns;
pub mod thread_page;
pub mod widgets;
