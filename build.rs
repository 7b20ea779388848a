//! Compiles the kiosk's Slint UI. Debug info is kept so that UI tests (and
//! screen readers) can find elements by their accessible labels.

fn main() {
    let config = slint_build::CompilerConfiguration::new()
        .with_debug_info(true)
        .with_style("fluent-light".into());
    if let Err(e) = slint_build::compile_with_config("ui/app.slint", config) {
        eprintln!("ui/app.slint: {e}");
        std::process::exit(1);
    }
}
