//! The Slint components compiled from `ui/*.slint` by build.rs.
#![allow(missing_docs, clippy::all, clippy::pedantic, clippy::restriction)]

slint::include_modules!();
