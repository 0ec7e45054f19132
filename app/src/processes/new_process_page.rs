//! `/amministrazione/percorsi/nuovo`: an administrator opens a process.

use crate::i18n::{tu_string, use_i18n};
use crate::processes::editing_fns::CreateProcess;
use crate::processes::editor_page::ProcessFields;
use crate::ui::forms::{FormAlert, action_error};
use crate::ui::layout::Breadcrumbs;
use leptos::prelude::*;
use leptos_meta::Title;

/// `/amministrazione/percorsi/nuovo`: an administrator creates a process.
#[component]
pub fn NewProcessPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<CreateProcess>::new();
    let error = action_error(action);
    let title = tu_string!(i18n, facil.new_process);
    view! {
        <Title text=title />
        <Breadcrumbs trail=vec![(tu_string!(i18n, nav.admin).to_owned(), "/amministrazione".to_owned())] current=title.to_owned() />
        <h1>{title}</h1>
        <p>{tu_string!(i18n, facil.new_process_hint)}</p>
        <FormAlert error form_id="nuovo-percorso" />
        <ActionForm action attr:id="nuovo-percorso">
            <ProcessFields form_id="nuovo-percorso" process=None new=true />
            <button type="submit" class="btn btn-primary">{tu_string!(i18n, facil.create_process)}</button>
        </ActionForm>
    }
}
