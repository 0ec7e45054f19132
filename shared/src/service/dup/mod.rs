//! The DUP (Documento Unico di Programmazione): the edition [`tree`] at the
//! bottom, then [`editions`] (create, import, export, copy, attach), the
//! exchange [`format`] (CSV and JSON), [`links`] from proposals and projects
//! to objectives, [`objectives`]' pages, [`monitoring`] of the approved plan,
//! and the [`demo`] editions.

pub mod demo;
pub mod editions;
pub mod format;
pub mod links;
pub mod monitoring;
pub mod objectives;
pub mod tree;
