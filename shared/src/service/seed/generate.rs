//! Realistic Italian data in bulk, for benchmarks and load tests
//! (`server generate`): processes with platforms, directions and zones,
//! people, proposals, threads of comments and supports, reproducible from a
//! seed. Written with multi-row inserts in one transaction per table, the
//! counters (supports, comments, replies) computed as the rows are made, so
//! they agree with the rows exactly.

use crate::service::common::db::begin_write;
use crate::service::participation::lookup;
use std::collections::HashSet;

use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

use crate::model::PhaseKind;
use crate::model::accounts::TokenScope;
use crate::model::common::FieldProblem;
use crate::model::participation::MAX_COMMENT_DEPTH;
use crate::service::common::authz::{Operation, Scope, authorize};
use crate::service::entity::{
    api_token, comment, phase, platform, process, proposal, strategic_direction, support, user,
    zone,
};
use crate::service::{Ctx, ServiceError, common::search, common::secrets};

/// How much to make.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    pub processes: u32,
    pub users: u64,
    pub proposals: u64,
    pub comments: u64,
    pub supports: u64,
    /// Write-scope access tokens for the first people (for load tests).
    pub tokens: u64,
    pub seed: u64,
}

/// What was made.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The slugs of the new processes (in their voting phase).
    pub processes: Vec<String>,
    pub users: u64,
    pub proposals: u64,
    pub comments: u64,
    pub supports: u64,
    /// The proposal with the most comments (its page is the heavy one).
    pub busiest_proposal: Option<Uuid>,
    /// Its comment count.
    pub busiest_comments: u64,
    /// The proposal whose comment count is closest to a hundred.
    pub hundred_comments: Option<Uuid>,
    /// The access tokens' secrets, one per person, in order.
    pub tokens: Vec<String>,
}

const FIRST_NAMES: [&str; 24] = [
    "Giulia",
    "Marco",
    "Francesca",
    "Luca",
    "Chiara",
    "Alessandro",
    "Sara",
    "Matteo",
    "Elena",
    "Davide",
    "Martina",
    "Andrea",
    "Valentina",
    "Simone",
    "Federica",
    "Giorgio",
    "Paola",
    "Stefano",
    "Anna",
    "Roberto",
    "Silvia",
    "Paolo",
    "Laura",
    "Giovanni",
];
const LAST_NAMES: [&str; 24] = [
    "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino",
    "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo",
    "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro", "Mariani",
];
const TOPICS: [(&str, &str); 6] = [
    ("mobilita", "Mobilità sostenibile"),
    ("verde", "Verde e ambiente"),
    ("scuola", "Scuola e giovani"),
    ("servizi", "Servizi digitali"),
    ("cultura", "Cultura e turismo"),
    ("sociale", "Welfare e comunità"),
];
const ZONES: [&str; 8] = [
    "Centro storico",
    "Borgo Nuovo",
    "San Lazzaro",
    "Porta Ovest",
    "Collina",
    "Quartiere Stazione",
    "Zona industriale",
    "Frazioni",
];
const ACTIONS: [&str; 10] = [
    "Realizzare",
    "Potenziare",
    "Riqualificare",
    "Aprire",
    "Estendere",
    "Creare",
    "Sostenere",
    "Migliorare",
    "Rendere accessibile",
    "Promuovere",
];
const OBJECTS: [&str; 12] = [
    "una pista ciclabile protetta",
    "il servizio di autobus serale",
    "un orto urbano condiviso",
    "la biblioteca di quartiere",
    "uno sportello digitale per le pratiche",
    "il parco giochi inclusivo",
    "un centro per anziani e giovani",
    "l'illuminazione pubblica a LED",
    "le aree verdi lungo il fiume",
    "un mercato contadino settimanale",
    "la mensa scolastica biologica",
    "un punto di ricarica per bici elettriche",
];
const PLACES: [&str; 8] = [
    "vicino alla scuola",
    "in piazza",
    "lungo il viale principale",
    "nel quartiere",
    "accanto alla stazione",
    "nel parco",
    "davanti al municipio",
    "tra le frazioni",
];
const SENTENCES: [&str; 8] = [
    "Oggi molte famiglie devono spostarsi in auto anche per brevi tragitti.",
    "La proposta nasce da un'assemblea di quartiere con più di cinquanta persone.",
    "Il costo stimato è contenuto e può essere coperto da fondi europei.",
    "Serve un percorso condiviso con le associazioni e le scuole del territorio.",
    "Altre città italiane hanno ottenuto buoni risultati con interventi simili.",
    "Chiediamo che il Comune valuti la fattibilità entro il prossimo bilancio.",
    "L'intervento migliorerebbe la sicurezza e la qualità della vita.",
    "Si potrebbe partire con una sperimentazione di sei mesi.",
];
const COMMENTS: [&str; 8] = [
    "Sono d'accordo, ne abbiamo davvero bisogno.",
    "Bella idea, ma bisogna pensare ai costi di manutenzione.",
    "Nel mio quartiere il problema è ancora più sentito.",
    "Propongo di coinvolgere anche le scuole.",
    "Non sono convinto: ci sono priorità più urgenti.",
    "Aggiungerei un servizio per le persone con disabilità.",
    "Si potrebbe finanziare con il bilancio partecipativo.",
    "Ottimo, ma servono tempi certi.",
];
const ALIGNMENTS: [&str; 3] = ["favore", "neutro", "contro"];

/// The ids of one generated process and its parts.
struct Made {
    process: Uuid,
    platforms: Vec<Uuid>,
    zones: Vec<Uuid>,
    directions: Vec<Uuid>,
}

/// Rows per multi-row insert (SQLite allows 32 766 bound values).
const BATCH: usize = 1000;

async fn insert_all<A>(txn: &sea_orm::DatabaseTransaction, rows: Vec<A>) -> Result<(), ServiceError>
where
    A: ActiveModelTrait + Send,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let batch: Vec<A> = rows.by_ref().take(BATCH).collect();
        <A::Entity as EntityTrait>::insert_many(batch)
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// Makes the data. Only the server itself (the CLI) may.
pub async fn generate(ctx: &Ctx, spec: &Spec) -> Result<Report, ServiceError> {
    authorize(ctx, Operation::GenerateData, Scope::Global)?;
    let mut rng = fastrand::Rng::with_seed(spec.seed);
    let now = Utc::now();
    let today = ctx.today();
    let run = format!("s{}", spec.seed);
    let mut report = Report::default();
    let taken = process::Entity::find()
        .filter(process::Column::Slug.eq(format!("generato-{run}-1")))
        .count(&ctx.db)
        .await?;
    if taken > 0 {
        return Err(ServiceError::field("seed", FieldProblem::AlreadyPresent));
    }

    // Processes, in their voting phase (supports open, counts visible).
    let txn = begin_write(&ctx.db).await?;
    let mut platforms_of: Vec<Made> = Vec::new();
    let (mut processes, mut phases, mut directions, mut platforms, mut zones) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for p in 0..spec.processes.max(1) {
        let id = Uuid::now_v7();
        let city = LAST_NAMES[(p as usize + 3) % LAST_NAMES.len()];
        let slug = format!("generato-{run}-{}", p + 1);
        processes.push(process::ActiveModel::from(process::Model {
            id,
            slug: slug.clone(),
            title: format!("Piano strategico di San {city} ({})", p + 1),
            organization: format!("Comune di San {city}"),
            scope: "comune".into(),
            summary: "Dati generati per le prove di carico.".into(),
            description_md: "Un processo generato da `server generate`.".into(),
            is_demo: false,
            created_at: now,
            updated_at: now,
            verified_to_propose: false,
            verified_to_support: false,
            phase_cursor: 1,
            phase_open: true,
            phase_changed_at: Some(now),
            pre_moderation: false,
            report_threshold: 5,
            dup_edition_id: None,
        }));
        report.processes.push(slug);
        let dates = [
            (PhaseKind::Proposals, -120, -31),
            (PhaseKind::Voting, -30, 60),
        ];
        for (position, (kind, from, to)) in dates.into_iter().enumerate() {
            phases.push(phase::ActiveModel::from(phase::Model {
                id: Uuid::now_v7(),
                process_id: id,
                position: position as i32,
                kind: kind.as_str().into(),
                title: match kind {
                    PhaseKind::Proposals => "Proposte".into(),
                    _ => "Sostegni".into(),
                },
                description_md: String::new(),
                starts_on: day(today, from),
                ends_on: day(today, to),
                supports_per_platform: None,
                support_counts_visible: true,
            }));
        }
        let mut direction_ids = Vec::new();
        for d in 0..3 {
            let direction = Uuid::now_v7();
            direction_ids.push(direction);
            directions.push(strategic_direction::ActiveModel::from(
                strategic_direction::Model {
                    id: direction,
                    process_id: id,
                    position: d,
                    code: format!("D{}", d + 1),
                    title: ["Città sostenibile", "Città dei diritti", "Città che innova"]
                        [d as usize]
                        .into(),
                    motto: String::new(),
                    description_md: String::new(),
                },
            ));
        }
        let mut platform_ids = Vec::new();
        for (k, (key, title)) in TOPICS.iter().enumerate() {
            let platform = Uuid::now_v7();
            platform_ids.push(platform);
            platforms.push(platform::ActiveModel::from(platform::Model {
                id: platform,
                process_id: id,
                position: k as i32,
                slug: (*key).into(),
                title: (*title).into(),
                description_md: String::new(),
                direction_id: Some(direction_ids[k % direction_ids.len()]),
            }));
        }
        let mut zone_ids = Vec::new();
        for (k, name) in ZONES.iter().enumerate() {
            let zone = Uuid::now_v7();
            zone_ids.push(zone);
            zones.push(zone::ActiveModel::from(zone::Model {
                id: zone,
                process_id: id,
                position: k as i32,
                slug: slugify(name),
                name: (*name).into(),
                description: String::new(),
            }));
        }
        platforms_of.push(Made {
            process: id,
            platforms: platform_ids,
            zones: zone_ids,
            directions: direction_ids,
        });
    }
    insert_all(&txn, processes).await?;
    insert_all(&txn, phases).await?;
    insert_all(&txn, directions).await?;
    insert_all(&txn, platforms).await?;
    insert_all(&txn, zones).await?;
    txn.commit().await?;

    // People.
    let txn = begin_write(&ctx.db).await?;
    let people: Vec<Uuid> = (0..spec.users.max(1)).map(|_| Uuid::now_v7()).collect();
    let rows = people
        .iter()
        .enumerate()
        .map(|(n, id)| {
            user::ActiveModel::from(user::Model {
                id: *id,
                email: Some(format!("persona-{run}-{n}@generato.piazza.invalid")),
                display_name: format!(
                    "{} {}",
                    FIRST_NAMES[rng.usize(..FIRST_NAMES.len())],
                    LAST_NAMES[rng.usize(..LAST_NAMES.len())]
                ),
                is_demo: false,
                created_at: now - Duration::days(rng.i64(30..400)),
                password_hash: None,
                email_confirmed_at: Some(now),
                email_digest: false,
                is_assisted: false,
            })
        })
        .collect();
    insert_all(&txn, rows).await?;
    let mut token_rows = Vec::new();
    for id in people.iter().take(spec.tokens as usize) {
        let (raw, _) = secrets::new_token()?;
        let secret = format!("{}{raw}", crate::service::accounts::tokens::TOKEN_PREFIX);
        token_rows.push(api_token::ActiveModel::from(api_token::Model {
            id: Uuid::now_v7(),
            user_id: *id,
            name: "Prove di carico".into(),
            scope: TokenScope::Write.as_str().into(),
            token_hash: secrets::sha256_hex(&secret),
            prefix: secret.chars().take(10).collect(),
            created_at: now,
            last_used_at: None,
            revoked_at: None,
        }));
        report.tokens.push(secret);
    }
    insert_all(&txn, token_rows).await?;
    txn.commit().await?;
    report.users = people.len() as u64;

    // Proposals; comments and supports are counted as they are made.
    let count = spec.proposals as usize;
    let mut ids = Vec::with_capacity(count);
    let mut rows = Vec::with_capacity(count);
    for n in 0..count {
        let Made {
            process: process_id,
            platforms: platform_ids,
            zones: zone_ids,
            directions: direction_ids,
        } = &platforms_of[n % platforms_of.len()];
        let id = Uuid::now_v7();
        let title = format!(
            "{} {} {}",
            ACTIONS[rng.usize(..ACTIONS.len())],
            OBJECTS[rng.usize(..OBJECTS.len())],
            PLACES[rng.usize(..PLACES.len())]
        );
        let body = (0..rng.usize(2..5))
            .map(|_| SENTENCES[rng.usize(..SENTENCES.len())])
            .collect::<Vec<_>>()
            .join(" ");
        let platform = rng.usize(..platform_ids.len());
        // During the proposal phase (days -120 to -31).
        let published = now - Duration::minutes(rng.i64(60 * 24 * 32..60 * 24 * 120));
        ids.push(id);
        rows.push(proposal::Model {
            id,
            process_id: *process_id,
            platform_id: platform_ids[platform],
            direction_id: Some(direction_ids[platform % direction_ids.len()]),
            zone_id: (rng.u8(..10) > 0).then(|| zone_ids[rng.usize(..zone_ids.len())]),
            author_id: Some(people[rng.usize(..people.len())]),
            search_terms: search::document(&title, &body),
            title,
            body_md: body,
            state: match rng.u8(..20) {
                0 => "accepted",
                1 => "under_evaluation",
                _ => "published",
            }
            .into(),
            support_count: 0,
            random_key: lookup::random_key_for(id),
            published_at: published,
            created_at: published,
            updated_at: published,
            comment_count: 0,
            version: 1,
            answer_md: None,
            answered_at: None,
            visibility: "visibile".into(),
            moderation_note: None,
            report_count: 0,
            project_id: None,
            premerge_state: None,
            assisted_by: None,
        });
    }

    // Comments: a few proposals draw most of them (the first gets at least
    // a hundred, for the heavy page); a third are replies.
    let mut comment_rows = Vec::with_capacity(spec.comments as usize);
    if count > 0 {
        let mut threads: Vec<Vec<(Uuid, Uuid, i32)>> = vec![Vec::new(); count];
        let mut dated: std::collections::HashMap<Uuid, chrono::DateTime<Utc>> =
            std::collections::HashMap::with_capacity(spec.comments as usize);
        for c in 0..spec.comments {
            let target = if c < 100 {
                0
            } else {
                // Skewed: squares of a uniform number favour the first ones.
                let u = rng.f64();
                ((u * u) * count as f64) as usize % count
            };
            let id = Uuid::now_v7();
            let reply_to = (rng.u8(..3) == 0 && !threads[target].is_empty())
                .then(|| threads[target][rng.usize(..threads[target].len())]);
            // After the proposal (or the comment it answers), never in the future.
            let after = reply_to
                .and_then(|(parent, _, _)| dated.get(&parent).copied())
                .unwrap_or(rows[target].published_at);
            let created_at = between(&mut rng, after, now);
            dated.insert(id, created_at);
            let (parent_id, root_id, depth) = match reply_to {
                Some((parent, root, depth)) if depth < i32::from(MAX_COMMENT_DEPTH) => {
                    (Some(parent), root, depth + 1)
                }
                _ => (None, id, 1),
            };
            threads[target].push((id, root_id, depth));
            rows[target].comment_count += 1;
            comment_rows.push(comment::Model {
                id,
                proposal_id: ids[target],
                parent_id,
                root_id,
                depth,
                author_id: Some(people[rng.usize(..people.len())]),
                body_md: COMMENTS[rng.usize(..COMMENTS.len())].into(),
                alignment: ALIGNMENTS[rng.usize(..ALIGNMENTS.len())].into(),
                upvotes: 0,
                downvotes: 0,
                reply_count: 0,
                created_at,
                edited_at: None,
                deleted_at: None,
                visibility: "visibile".into(),
                moderation_note: None,
                report_count: 0,
            });
        }
        // Replies counted on their parents.
        let index: std::collections::HashMap<Uuid, usize> = comment_rows
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id, i))
            .collect();
        let parents: Vec<usize> = comment_rows
            .iter()
            .filter_map(|c| c.parent_id.and_then(|p| index.get(&p).copied()))
            .collect();
        for parent in parents {
            comment_rows[parent].reply_count += 1;
        }
    }

    // Supports: distinct (person, proposal) pairs, popular proposals first.
    let mut support_rows = Vec::with_capacity(spec.supports as usize);
    if count > 0 {
        let wanted = spec.supports.min(people.len() as u64 * count as u64) as usize;
        let mut seen: HashSet<(u32, u32)> = HashSet::with_capacity(wanted);
        // People holding tokens are left for the load test's own supports.
        let first = if (spec.tokens as usize) < people.len() {
            spec.tokens as usize
        } else {
            0
        };
        let wanted = wanted.min((people.len() - first) * count);
        while support_rows.len() < wanted {
            let who = rng.usize(first..people.len());
            let u = rng.f64();
            let target = ((u * u) * count as f64) as usize % count;
            if !seen.insert((who as u32, target as u32)) {
                continue;
            }
            rows[target].support_count += 1;
            support_rows.push(support::Model {
                id: Uuid::now_v7(),
                proposal_id: ids[target],
                user_id: Some(people[who]),
                // During the vote (from day -30).
                created_at: between(&mut rng, now - Duration::days(30), now),
                assisted_by: None,
            });
        }
    }
    if let Some((busiest, proposal)) = rows.iter().enumerate().max_by_key(|(_, p)| p.comment_count)
    {
        report.busiest_proposal = Some(ids[busiest]);
        report.busiest_comments = proposal.comment_count as u64;
    }
    report.hundred_comments = rows
        .iter()
        .min_by_key(|p| (p.comment_count - 100).abs())
        .map(|p| p.id);
    report.proposals = rows.len() as u64;
    report.comments = comment_rows.len() as u64;
    report.supports = support_rows.len() as u64;

    let txn = begin_write(&ctx.db).await?;
    insert_all(
        &txn,
        rows.into_iter().map(proposal::ActiveModel::from).collect(),
    )
    .await?;
    insert_all(
        &txn,
        comment_rows
            .into_iter()
            .map(comment::ActiveModel::from)
            .collect(),
    )
    .await?;
    insert_all(
        &txn,
        support_rows
            .into_iter()
            .map(support::ActiveModel::from)
            .collect(),
    )
    .await?;
    search::reindex_all(&txn).await?;
    txn.commit().await?;
    Ok(report)
}

/// A moment between `from` and `to` (or `to` when they are the wrong way round).
fn between(
    rng: &mut fastrand::Rng,
    from: chrono::DateTime<Utc>,
    to: chrono::DateTime<Utc>,
) -> chrono::DateTime<Utc> {
    let span = (to - from).num_seconds();
    if span <= 0 {
        return to;
    }
    from + Duration::seconds(rng.i64(0..=span))
}

fn day(today: NaiveDate, offset: i64) -> NaiveDate {
    today + Duration::days(offset)
}

fn slugify(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_slugs_are_url_keys() {
        assert_eq!(slugify("Quartiere Stazione"), "quartiere-stazione");
    }
}
