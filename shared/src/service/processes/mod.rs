//! Participatory processes: the [`lookup`] of a process and its labels,
//! the kept slow [`counts`], the [`read`] models of the process pages,
//! [`editing`] a process, and its [`phases`].

pub mod counts;
pub mod editing;
pub mod lookup;
pub mod phases;
pub mod read;
