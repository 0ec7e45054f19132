//! The API's words: the same Italian and English texts the pages use (the
//! app's locale files), so a field or a refusal reads alike in both.

use std::sync::LazyLock;

use http::{HeaderMap, header};
use serde_json::Value;
use shared::model::common::FieldProblem;
use shared::model::common::ProposalState;
use shared::model::common::{EditLock, ParticipationAction, Refusal};

/// The language of an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    It,
    En,
}

impl Lang {
    /// Italian unless `Accept-Language` prefers English over Italian.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let Some(accept) = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
        else {
            return Lang::It;
        };
        let mut best = (Lang::It, -1.0_f32);
        for part in accept.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let quality = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let lang = if tag == "en" || tag.starts_with("en-") {
                Lang::En
            } else if tag == "it" || tag.starts_with("it-") {
                Lang::It
            } else {
                continue;
            };
            if quality > best.1 {
                best = (lang, quality);
            }
        }
        best.0
    }

    /// The BCP 47 code, for `Content-Language`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::It => "it",
            Lang::En => "en",
        }
    }
}

static ITALIAN: LazyLock<Value> = LazyLock::new(|| {
    serde_json::from_str(app::http::LOCALE_IT)
        .expect("the Italian locale file is valid JSON (checked by the app's build)")
});
static ENGLISH: LazyLock<Value> = LazyLock::new(|| {
    serde_json::from_str(app::http::LOCALE_EN)
        .expect("the English locale file is valid JSON (checked by the app's build)")
});

fn lookup<'a>(root: &'a Value, key: &str) -> Option<&'a str> {
    key.split('.')
        .try_fold(root, |node, part| node.get(part))
        .and_then(Value::as_str)
}

/// The text at `key` (`section.name`) with `{{ name }}` placeholders
/// filled; Italian when English lacks it, the key itself when both do.
pub fn text(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let found = match lang {
        Lang::En => lookup(&ENGLISH, key).or_else(|| lookup(&ITALIAN, key)),
        Lang::It => lookup(&ITALIAN, key),
    };
    let mut out = found.unwrap_or(key).to_owned();
    for (name, value) in args {
        out = out.replace(&format!("{{{{ {name} }}}}"), value);
    }
    out
}

/// What is wrong with a field, in a sentence that names it.
pub fn field_message(lang: Lang, field: &str, problem: FieldProblem) -> String {
    let label = {
        let key = format!("field.{field}");
        let found = text(lang, &key, &[]);
        if found == key {
            field.to_owned()
        } else {
            found
        }
    };
    let (key, limit) = match problem {
        FieldProblem::Empty => ("problem.empty", None),
        FieldProblem::TooLong { max } => ("problem.too_long", Some(("max", max))),
        FieldProblem::TooShort { min } => ("problem.too_short", Some(("min", min))),
        FieldProblem::Malformed => ("problem.malformed", None),
        FieldProblem::ControlCharacters => ("problem.control", None),
        FieldProblem::TooCommon => ("problem.too_common", None),
        FieldProblem::NotConfirmed => ("problem.not_confirmed", None),
        FieldProblem::NotRecognized => ("problem.not_recognized", None),
        FieldProblem::LastAdmin => ("problem.last_admin", None),
        FieldProblem::AlreadyPresent => ("problem.already_present", None),
        FieldProblem::TooLarge { max } => ("problem.too_large", Some(("max", max / 1_000_000))),
        FieldProblem::TooManyPixels { max_megapixels } => (
            "problem.too_many_pixels",
            Some(("max", max_megapixels as usize)),
        ),
    };
    let limit_text = limit.map(|(_, n)| n.to_string()).unwrap_or_default();
    let args: Vec<(&str, &str)> = limit
        .map(|(name, _)| vec![(name, limit_text.as_str())])
        .unwrap_or_default();
    let problem = text(lang, key, &args);
    text(
        lang,
        "problem.in_field",
        &[("field", &label), ("problem", &problem)],
    )
}

fn state_name(lang: Lang, state: ProposalState) -> String {
    let key = match state {
        ProposalState::Published => "state.published",
        ProposalState::UnderEvaluation => "state.under_evaluation",
        ProposalState::Accepted => "state.accepted",
        ProposalState::Rejected => "state.rejected",
        ProposalState::Withdrawn => "state.withdrawn",
        ProposalState::Merged => "state.merged",
    };
    text(lang, key, &[])
}

fn date(lang: Lang, day: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let month = text(lang, &format!("month.m{}", day.month()), &[]);
    match lang {
        Lang::It => format!("{} {month} {}", day.day(), day.year()),
        Lang::En => format!("{month} {}, {}", day.day(), day.year()),
    }
}

/// Why an allowed action is refused now, as the pages say it.
pub fn refusal_message(lang: Lang, refusal: &Refusal) -> String {
    let t = |key: &str| text(lang, key, &[]);
    match refusal {
        Refusal::PhaseClosed { action, opens } => {
            let closed = match action {
                ParticipationAction::Propose => t("take.phase_closed_propose"),
                ParticipationAction::Comment => t("take.phase_closed_comment"),
                ParticipationAction::Support => t("take.phase_closed_support"),
            };
            let when = match opens {
                Some(opening) => text(
                    lang,
                    "take.opens",
                    &[
                        ("phase", &opening.phase_title),
                        ("date", &date(lang, opening.starts_on)),
                    ],
                ),
                None => t("take.no_more"),
            };
            format!("{closed} {when}")
        }
        Refusal::VerificationRequired { action } => match action {
            ParticipationAction::Support => t("take.verification_support"),
            _ => t("take.verification_propose"),
        },
        Refusal::SupportLimitReached { limit } => {
            text(lang, "take.limit_reached", &[("limit", &limit.to_string())])
        }
        Refusal::ProposalClosed { state } => text(
            lang,
            "take.proposal_closed",
            &[("state", &state_name(lang, *state))],
        ),
        Refusal::EditWindowClosed { reason } => t(match reason {
            EditLock::Supported => "take.edit_supported",
            EditLock::Commented => "take.edit_commented",
            EditLock::PhaseOver => "take.edit_phase_over",
            EditLock::NotPublished => "take.edit_not_published",
        }),
        Refusal::ThreadTooDeep { max_depth } => {
            text(lang, "take.too_deep", &[("depth", &max_depth.to_string())])
        }
        Refusal::CommentDeleted => t("take.comment_deleted"),
        Refusal::TooManyImages { max } => {
            text(lang, "take.too_many_images", &[("max", &max.to_string())])
        }
        Refusal::Blocked => t("take.blocked"),
        Refusal::ModerationStale => t("take.moderation_stale"),
        Refusal::OutOfSight => t("take.out_of_sight"),
        Refusal::MonitoringClosed => t("dup.monitoring_closed"),
        Refusal::TooManyTokens { max } => {
            text(lang, "tokens.too_many", &[("max", &max.to_string())])
        }
        Refusal::ApprovalClosed => t("plan.approval_closed"),
        Refusal::EditionOfAnotherOrganization => t("dup.other_organization"),
        Refusal::DemoOnRealData => t("demo.real_data"),
        Refusal::PlanAlreadyApproved { version } => text(
            lang,
            "plan.already_approved",
            &[("version", &version.to_string())],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_english_only_when_preferred() {
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT_LANGUAGE, value.parse().unwrap());
            Lang::from_headers(&headers)
        };
        assert_eq!(Lang::from_headers(&HeaderMap::new()), Lang::It);
        assert_eq!(with("en-GB,en;q=0.9"), Lang::En);
        assert_eq!(with("it-IT,it;q=0.9,en;q=0.8"), Lang::It);
        assert_eq!(with("de,en;q=0.5"), Lang::En);
        assert_eq!(with("fr"), Lang::It);
    }

    #[test]
    fn messages_name_the_field_and_fill_the_numbers() {
        let it = field_message(Lang::It, "titolo", FieldProblem::TooShort { min: 10 });
        assert!(it.contains("10") && it.contains('«'), "{it}");
        assert!(!it.contains("{{"), "{it}");
        let en = field_message(Lang::En, "titolo", FieldProblem::Empty);
        assert_ne!(en, field_message(Lang::It, "titolo", FieldProblem::Empty));
        let limit = refusal_message(Lang::It, &Refusal::SupportLimitReached { limit: 3 });
        assert!(limit.contains('3') && !limit.contains("{{"), "{limit}");
        let closed = refusal_message(
            Lang::It,
            &Refusal::PhaseClosed {
                action: ParticipationAction::Support,
                opens: Some(shared::model::common::PhaseOpening {
                    phase_title: "Voto".into(),
                    starts_on: chrono::NaiveDate::from_ymd_opt(2026, 3, 12).unwrap(),
                }),
            },
        );
        assert!(closed.contains("12 marzo 2026"), "{closed}");
    }
}
