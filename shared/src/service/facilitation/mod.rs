//! Running a process: [`moderation`] in the open, merging proposals into
//! [`projects`], the facilitators' [`dashboard`], and assisted
//! participation at the [`counter`].

pub mod counter;
pub mod dashboard;
pub mod moderation;
pub mod projects;
