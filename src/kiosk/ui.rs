//! The Slint components compiled from `ui/*.slint` by build.rs.
#![allow(missing_docs, clippy::all)]

slint::include_modules!();
