//! The Slint components compiled from `ui/*.slint` by build.rs.
#![allow(missing_docs, clippy::all, clippy::pedantic)]

slint::include_modules!();
