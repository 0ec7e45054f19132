//! Generates the `i18n` module from `locales/*.json` (leptos_i18n).

use std::path::PathBuf;

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("i18n");
    let config = Config::new("it")
        .expect("valid default locale")
        .add_locale("en")
        .expect("valid locale")
        .locales_path("locales")
        .parse_options(ParseOptions::new().interpolate_display(true));
    let translations = TranslationsInfos::parse(config).expect("locale files parse");
    translations.emit_diagnostics();
    translations.rerun_if_locales_changed();
    translations
        .generate_i18n_module(out)
        .expect("i18n module generated");
}
