//! The Slint components compiled from `ui/*.slint` by build.rs, and the
//! language their `@tr` strings are shown in.
#![allow(missing_docs, clippy::all, clippy::pedantic, clippy::restriction)]

slint::include_modules!();

thread_local! {
    /// The language last selected (`None`: not yet, so Slint's guess from the
    /// system locale may be showing).
    static SPOKEN: std::cell::Cell<Option<bool>> = const { std::cell::Cell::new(None) };
}

/// Shows every window's `@tr` text in English or in Vietnamese (the bundled
/// catalogue `ui/translations/vi`); the source strings are English. Only a
/// change re-selects, as selecting re-evaluates every translated binding.
/// Call after the first component exists (Slint keeps the catalogues there).
pub fn speak(english: bool) {
    if SPOKEN.with(std::cell::Cell::get) == Some(english) {
        return;
    }
    // "" is the source language (English); "vi" is bundled by build.rs, so
    // the only failure is a build without catalogues, which shows English.
    if slint::select_bundled_translation(if english { "" } else { "vi" }).is_ok() {
        SPOKEN.with(|s| s.set(Some(english)));
    }
}
