//! A proposal in a list.

use leptos::prelude::*;
use shared::model::ProposalCard as Card;

use crate::i18n::{t_string, use_i18n};
use crate::ui::format;
use crate::ui::labels::StateBadge;

/// A card with the proposal's title (a link), platform, zone, state, supports and excerpt.
#[component]
pub fn ProposalCard(proposal: Card, #[prop(default = 3)] heading_level: u8) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/proposte/{}", proposal.id);
    let supports = proposal.support_count.map(|n| n.max(0) as u64);
    let comments = proposal.comment_count.max(0) as u64;
    let title = view! { <a href=href>{proposal.title}</a> };
    let heading = if heading_level == 2 {
        view! { <h2 class="card-title h5">{title}</h2> }.into_any()
    } else {
        view! { <h3 class="card-title h5">{title}</h3> }.into_any()
    };
    view! {
        <div class="card-wrapper">
            <article class="card card-bg proposal-card">
                <div class="card-body">
                    <p class="card-meta">
                        <StateBadge state=proposal.state />
                        " "
                        <span class="proposal-platform">{proposal.platform.name}</span>
                        {proposal.zone.map(|z| view! { " · " <span class="proposal-zone">{z.name}</span> })}
                    </p>
                    {heading}
                    <p class="card-text">{proposal.excerpt}</p>
                    <p class="card-signature">
                        {supports.map(|supports| view! {
                            <span class="proposal-supports">
                                {move || t_string!(i18n, proposals.supports, count = format::number(i18n, supports)).to_string()}
                            </span>
                            " · "
                        })}
                        <span class="proposal-comments">
                            {move || t_string!(i18n, proposals.comments, count = format::number(i18n, comments)).to_string()}
                        </span>
                    </p>
                </div>
            </article>
        </div>
    }
}
