//! Compiles the kiosk's Slint UI. Debug info is kept so that UI tests (and
//! screen readers) can find elements by their accessible labels. The
//! Vietnamese catalogue (`ui/translations/vi/LC_MESSAGES/kiemphieu.po`) is
//! bundled into the binary; `@tr` strings carry no context, so one sentence
//! has one translation wherever it appears.

fn main() {
    let config = slint_build::CompilerConfiguration::new()
        .with_debug_info(true)
        .with_style("fluent-light".into())
        .with_bundled_translations("ui/translations")
        .with_default_translation_context(slint_build::DefaultTranslationContext::None);
    println!("cargo:rerun-if-changed=ui/translations");
    if let Err(e) = slint_build::compile_with_config("ui/app.slint", config) {
        eprintln!("ui/app.slint: {e}");
        std::process::exit(1);
    }
}
