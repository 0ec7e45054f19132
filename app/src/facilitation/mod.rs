//! Running a process: the dashboard, projects and moderation [`pages`], the
//! report and moderation forms ([`moderation_forms`]), the [`counter`], and
//! their [`server_fns`].

pub mod counter;
pub mod moderation_forms;
pub mod pages;
pub mod server_fns;
