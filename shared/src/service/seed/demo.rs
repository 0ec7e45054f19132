//! Demo data: a realistic Italian process set a newcomer can explore at once,
//! drawn from the source documents (`shared/demo/demo.json`). Loading it
//! twice changes nothing: people are matched by email, processes by slug.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter,
};
use serde::Deserialize;
use uuid::Uuid;

use crate::model::accounts::NewPassword;
use crate::model::accounts::{Role, RoleGrant};
use crate::model::common::Refusal;
use crate::model::plan::PlanInput;
use crate::model::{PhaseKind, ProposalState};
use crate::service::common::authz::{Operation, Scope, authorize};
use crate::service::common::db::begin_write;
use crate::service::entity::{
    follow, phase, platform, process, proposal, proposal_version, role_assignment,
    strategic_direction, support, user, zone,
};
use crate::service::participation::lookup::random_key_for;
use crate::service::{
    Actor, Ctx, Person, ServiceError, common::search, common::secrets, dup::demo, processes::phases,
};

const DEMO_JSON: &str = include_str!("../../../demo/demo.json");

/// The demo's DUP editions, one per process that informs one.
const DEMO_DUPS: [demo::DemoEdition; 2] = [
    demo::DemoEdition {
        process_slug: "piano-strategico-metropolitano-milano",
        organization: "Città metropolitana di Milano",
        title: "DUP 2016–2018",
        years: (2016, 2018),
        csv: include_str!("../../../demo/dup-milano-2016-2018.csv"),
    },
    demo::DemoEdition {
        process_slug: "agenda-digitale-pinerolo",
        organization: "Comune di Pinerolo",
        title: "DUP 2026–2028",
        years: (2026, 2028),
        csv: include_str!("../../../demo/dup-pinerolo-2026-2028.csv"),
    },
];
/// Demo emails end with this reserved domain, so they can never reach anyone.
pub const DEMO_EMAIL_DOMAIN: &str = "demo.piazza.invalid";

#[derive(Deserialize)]
struct DemoData {
    demo_citizens: u32,
    accounts: Vec<Account>,
    processes: Vec<DemoProcess>,
}

#[derive(Deserialize)]
struct Account {
    key: String,
    display_name: String,
    email: String,
    role: String,
    process: Option<String>,
    platform: Option<String>,
}

#[derive(Deserialize)]
struct DemoProcess {
    slug: String,
    title: String,
    organization: String,
    scope: String,
    summary: String,
    description_md: String,
    dates: String,
    phases: Vec<DemoPhase>,
    directions: Vec<DemoDirection>,
    platforms: Vec<DemoPlatform>,
    zones: Vec<DemoZone>,
    proposals: Vec<DemoProposal>,
    /// A plan version saved by the process's facilitator (processes in the
    /// approval phase, so that the council has something to approve).
    #[serde(default)]
    plan: Option<DemoPlan>,
}

#[derive(Deserialize)]
struct DemoPlan {
    introduction_md: String,
    closing_md: String,
    note: String,
}

#[derive(Deserialize)]
struct DemoPhase {
    kind: String,
    title: String,
    description_md: String,
    starts_on: Option<NaiveDate>,
    ends_on: Option<NaiveDate>,
    starts_offset: Option<i64>,
    ends_offset: Option<i64>,
    #[serde(default)]
    supports_per_platform: Option<i32>,
    #[serde(default = "visible")]
    support_counts_visible: bool,
}

fn visible() -> bool {
    true
}

#[derive(Deserialize)]
struct DemoDirection {
    code: String,
    title: String,
    motto: String,
    description_md: String,
}

#[derive(Deserialize)]
struct DemoPlatform {
    slug: String,
    title: String,
    description_md: String,
    direction: Option<String>,
}

#[derive(Deserialize)]
struct DemoZone {
    slug: String,
    name: String,
    description: String,
}

#[derive(Deserialize)]
struct DemoProposal {
    title: String,
    body_md: String,
    platform: String,
    direction: Option<String>,
    zone: Option<String>,
    state: String,
    author: String,
    supports: u32,
    published_offset: i64,
}

/// What a load did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DemoReport {
    pub people_created: u64,
    pub processes_created: u64,
    pub processes_present: u64,
    pub proposals_created: u64,
    pub supports_created: u64,
}

fn invalid(what: impl Into<String>) -> ServiceError {
    ServiceError::field(
        &format!("demo.json: {}", what.into()),
        crate::model::common::FieldProblem::Malformed,
    )
}

pub use crate::model::accounts::DEMO_PASSWORD;

/// Loads the demo data. Only the server itself may do this.
pub async fn load(ctx: &Ctx) -> Result<DemoReport, ServiceError> {
    authorize(ctx, Operation::LoadDemoData, Scope::Global)?;
    // The demo publishes its administrator's password: never into a
    // database that real people use. A database that already holds the demo
    // may take it again (nothing is duplicated).
    let people_of = |demo: bool| {
        user::Entity::find()
            .filter(user::Column::IsDemo.eq(demo))
            .count(&ctx.db)
    };
    if people_of(true).await? == 0 && people_of(false).await? > 0 {
        return Err(ServiceError::Refused(Refusal::DemoOnRealData));
    }
    let data: DemoData = serde_json::from_str(DEMO_JSON).map_err(|e| invalid(e.to_string()))?;
    let mut report = DemoReport::default();
    let mut created_slugs: Vec<String> = Vec::new();
    let txn = begin_write(&ctx.db).await?;

    // People: the named accounts, then the synthetic citizens.
    let mut people: HashMap<String, Uuid> = HashMap::new();
    let mut wanted: Vec<(String, String, String)> = data
        .accounts
        .iter()
        .map(|a| {
            (
                a.key.clone(),
                a.email.clone(),
                format!("{} (demo)", a.display_name),
            )
        })
        .collect();
    for n in 1..=data.demo_citizens {
        let name = if n % 2 == 0 { "Cittadino" } else { "Cittadina" };
        wanted.push((
            format!("citizen:{n}"),
            format!("cittadino-{n:03}@{DEMO_EMAIL_DOMAIN}"),
            format!("{name} demo {n:03}"),
        ));
    }
    let emails: Vec<String> = wanted.iter().map(|(_, email, _)| email.clone()).collect();
    let existing: HashMap<String, Uuid> = user::Entity::find()
        .filter(user::Column::Email.is_in(emails))
        .all(&txn)
        .await?
        .into_iter()
        .filter_map(|u| Some((u.email?, u.id)))
        .collect();
    // The named personas share one published password; the synthetic citizens cannot sign in.
    let demo_hash = secrets::hash_password(
        &NewPassword::parse(DEMO_PASSWORD).map_err(|_| invalid("demo password"))?,
    )
    .await?;
    let mut new_people = Vec::new();
    for (key, email, display_name) in wanted {
        if !email.ends_with(DEMO_EMAIL_DOMAIN) {
            return Err(invalid(format!("{email} is not a demo address")));
        }
        let id = match existing.get(&email) {
            Some(id) => *id,
            None => {
                let id = Uuid::now_v7();
                let can_sign_in = !key.starts_with("citizen:");
                new_people.push(user::ActiveModel {
                    id: Set(id),
                    email: Set(Some(email)),
                    display_name: Set(display_name),
                    is_demo: Set(true),
                    created_at: Set(ctx.now),
                    password_hash: Set(can_sign_in.then(|| demo_hash.clone())),
                    email_confirmed_at: Set(Some(ctx.now)),
                    email_digest: Set(true),
                    ..Default::default()
                });
                id
            }
        };
        people.insert(key, id);
    }
    report.people_created = new_people.len() as u64;
    for chunk in new_people.chunks(200) {
        user::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    let citizens: Vec<Uuid> = (1..=data.demo_citizens)
        .filter_map(|n| people.get(&format!("citizen:{n}")).copied())
        .collect();

    let mut platforms_by_slug: HashMap<(String, String), Uuid> = HashMap::new();
    for demo in &data.processes {
        match process::Entity::find()
            .filter(process::Column::Slug.eq(&demo.slug))
            .one(&txn)
            .await?
        {
            Some(existing) => {
                report.processes_present += 1;
                for p in platform::Entity::find()
                    .filter(platform::Column::ProcessId.eq(existing.id))
                    .all(&txn)
                    .await?
                {
                    platforms_by_slug.insert((demo.slug.clone(), p.slug), p.id);
                }
            }
            None => {
                let created =
                    load_process(ctx, &txn, demo, &people, &citizens, &mut report).await?;
                platforms_by_slug.extend(
                    created
                        .into_iter()
                        .map(|(slug, id)| ((demo.slug.clone(), slug), id)),
                );
                report.processes_created += 1;
                created_slugs.push(demo.slug.clone());
                for edition in DEMO_DUPS.iter().filter(|d| d.process_slug == demo.slug) {
                    demo::load_demo(&txn, ctx, edition).await?;
                }
            }
        }
    }

    // Roles of the named accounts, once each.
    if report.people_created > 0 {
        let process_ids: HashMap<String, Uuid> = process::Entity::find()
            .all(&txn)
            .await?
            .into_iter()
            .map(|p| (p.slug, p.id))
            .collect();
        let mut roles = Vec::new();
        // Being a citizen is being signed in: no role to store.
        for account in data.accounts.iter().filter(|a| a.role != "citizen") {
            let process_id =
                match &account.process {
                    Some(slug) => Some(*process_ids.get(slug).ok_or_else(|| {
                        invalid(format!("account {}: process {slug}", account.key))
                    })?),
                    None => None,
                };
            let platform_id = match (&account.process, &account.platform) {
                (Some(process), Some(slug)) => Some(
                    *platforms_by_slug
                        .get(&(process.clone(), slug.clone()))
                        .ok_or_else(|| {
                            invalid(format!("account {}: platform {slug}", account.key))
                        })?,
                ),
                _ => None,
            };
            roles.push(role_assignment::ActiveModel {
                id: Set(Uuid::now_v7()),
                user_id: Set(people[&account.key]),
                role: Set(account.role.clone()),
                process_id: Set(process_id),
                platform_id: Set(platform_id),
                created_at: Set(ctx.now),
            });
        }
        if !roles.is_empty() {
            role_assignment::Entity::insert_many(roles)
                .exec_without_returning(&txn)
                .await?;
        }
    }
    if report.processes_created > 0 {
        search::reindex_all(&txn).await?;
        // The per-platform support counters, from the supports just loaded.
        txn.execute_unprepared("DELETE FROM support_allowances")
            .await?;
        txn.execute_unprepared(
            "INSERT INTO support_allowances (user_id, platform_id, used) \
             SELECT s.user_id, p.platform_id, COUNT(*) FROM supports s \
             JOIN proposals p ON p.id = s.proposal_id \
             WHERE s.user_id IS NOT NULL GROUP BY s.user_id, p.platform_id",
        )
        .await?;
    }
    txn.commit().await?;
    for demo in data
        .processes
        .iter()
        .filter(|d| created_slugs.contains(&d.slug))
    {
        if let Some(plan) = &demo.plan {
            save_plan(ctx, &data, demo, plan).await?;
        }
    }
    Ok(report)
}

/// Saves the first plan version of a process just loaded, as its
/// facilitator would from the composer (every section in its order).
async fn save_plan(
    ctx: &Ctx,
    data: &DemoData,
    demo: &DemoProcess,
    plan: &DemoPlan,
) -> Result<(), ServiceError> {
    let account = data
        .accounts
        .iter()
        .find(|a| a.role == "facilitator" && a.process.as_deref() == Some(&demo.slug))
        .ok_or_else(|| invalid(format!("{}: a plan needs a facilitator", demo.slug)))?;
    let person = user::Entity::find()
        .filter(user::Column::Email.eq(account.email.as_str()))
        .one(&ctx.db)
        .await?
        .ok_or_else(|| invalid(format!("account {}", account.key)))?;
    let process = crate::service::processes::lookup::find_by_slug(ctx, &demo.slug).await?;
    let facilitator = Ctx::new(
        ctx.db.clone(),
        Actor::Person(Person {
            id: person.id,
            display_name: person.display_name,
            is_demo: true,
            grants: vec![RoleGrant {
                role: Role::Facilitator,
                process_id: Some(process.id),
                platform_id: None,
            }],
            session_id: None,
        }),
    );
    let input = PlanInput::parse(&plan.introduction_md, &plan.closing_md, &plan.note, &[])
        .map_err(|(field, _)| invalid(format!("{}: plan {field}", demo.slug)))?;
    crate::service::plan::versions::save(&facilitator, &demo.slug, &input).await?;
    Ok(())
}

async fn load_process(
    ctx: &Ctx,
    txn: &DatabaseTransaction,
    demo: &DemoProcess,
    people: &HashMap<String, Uuid>,
    citizens: &[Uuid],
    report: &mut DemoReport,
) -> Result<HashMap<String, Uuid>, ServiceError> {
    let process_id = Uuid::now_v7();
    let today = ctx.today();
    let relative = match demo.dates.as_str() {
        "relative" => true,
        "absolute" => false,
        other => return Err(invalid(format!("{}: dates {other}", demo.slug))),
    };
    process::Entity::insert(process::ActiveModel {
        id: Set(process_id),
        slug: Set(demo.slug.clone()),
        title: Set(demo.title.clone()),
        organization: Set(demo.organization.clone()),
        scope: Set(demo.scope.clone()),
        summary: Set(demo.summary.clone()),
        description_md: Set(demo.description_md.clone()),
        is_demo: Set(true),
        created_at: Set(ctx.now),
        updated_at: Set(ctx.now),
        verified_to_propose: Set(false),
        verified_to_support: Set(false),
        phase_cursor: Set(0),
        phase_open: Set(false),
        phase_changed_at: Set(None),
        ..Default::default()
    })
    .exec_without_returning(txn)
    .await?;

    let mut phases = Vec::new();
    for (position, ph) in demo.phases.iter().enumerate() {
        let date =
            |absolute: Option<NaiveDate>, offset: Option<i64>| match (relative, absolute, offset) {
                (false, Some(day), _) => Ok(day),
                (true, _, Some(days)) => Ok(today + Duration::days(days)),
                _ => Err(invalid(format!("{}: phase {} dates", demo.slug, ph.title))),
            };
        let kind = PhaseKind::parse(&ph.kind)
            .ok_or_else(|| invalid(format!("{}: phase kind {}", demo.slug, ph.kind)))?;
        phases.push(phase::ActiveModel {
            id: Set(Uuid::now_v7()),
            process_id: Set(process_id),
            position: Set(position as i32 + 1),
            kind: Set(kind.as_str().to_owned()),
            title: Set(ph.title.clone()),
            description_md: Set(ph.description_md.clone()),
            starts_on: Set(date(ph.starts_on, ph.starts_offset)?),
            ends_on: Set(date(ph.ends_on, ph.ends_offset)?),
            supports_per_platform: Set(ph.supports_per_platform),
            support_counts_visible: Set(ph.support_counts_visible),
        });
    }
    let first_day = phases
        .first()
        .and_then(|p| p.starts_on.clone().take())
        .ok_or_else(|| invalid(format!("{}: no phases", demo.slug)))?;
    phase::Entity::insert_many(phases)
        .exec_without_returning(txn)
        .await?;
    phases::initialize(txn, ctx, process_id).await?;

    let mut directions = HashMap::new();
    let rows: Vec<_> = demo
        .directions
        .iter()
        .enumerate()
        .map(|(position, d)| {
            let id = Uuid::now_v7();
            directions.insert(d.code.clone(), id);
            strategic_direction::ActiveModel {
                id: Set(id),
                process_id: Set(process_id),
                position: Set(position as i32 + 1),
                code: Set(d.code.clone()),
                title: Set(d.title.clone()),
                motto: Set(d.motto.clone()),
                description_md: Set(d.description_md.clone()),
            }
        })
        .collect();
    strategic_direction::Entity::insert_many(rows)
        .exec_without_returning(txn)
        .await?;
    let direction = |code: &Option<String>| -> Result<Option<Uuid>, ServiceError> {
        code.as_ref()
            .map(|c| {
                directions
                    .get(c)
                    .copied()
                    .ok_or_else(|| invalid(format!("{}: direction {c}", demo.slug)))
            })
            .transpose()
    };

    let mut platforms = HashMap::new();
    let mut rows = Vec::new();
    for (position, p) in demo.platforms.iter().enumerate() {
        let id = Uuid::now_v7();
        platforms.insert(p.slug.clone(), id);
        rows.push(platform::ActiveModel {
            id: Set(id),
            process_id: Set(process_id),
            position: Set(position as i32 + 1),
            slug: Set(p.slug.clone()),
            title: Set(p.title.clone()),
            description_md: Set(p.description_md.clone()),
            direction_id: Set(direction(&p.direction)?),
        });
    }
    platform::Entity::insert_many(rows)
        .exec_without_returning(txn)
        .await?;

    let mut zones = HashMap::new();
    let rows: Vec<_> = demo
        .zones
        .iter()
        .enumerate()
        .map(|(position, z)| {
            let id = Uuid::now_v7();
            zones.insert(z.slug.clone(), id);
            zone::ActiveModel {
                id: Set(id),
                process_id: Set(process_id),
                position: Set(position as i32 + 1),
                slug: Set(z.slug.clone()),
                name: Set(z.name.clone()),
                description: Set(z.description.clone()),
            }
        })
        .collect();
    zone::Entity::insert_many(rows)
        .exec_without_returning(txn)
        .await?;

    let start_of_first_day =
        DateTime::<Utc>::from_naive_utc_and_offset(first_day.and_time(NaiveTime::MIN), Utc);
    let mut proposals = Vec::new();
    let mut supports = Vec::new();
    let mut versions = Vec::new();
    let mut follows = Vec::new();
    for (index, p) in demo.proposals.iter().enumerate() {
        let id = Uuid::now_v7();
        let state = ProposalState::parse(&p.state)
            .ok_or_else(|| invalid(format!("{}: state {}", p.title, p.state)))?;
        let author = people
            .get(&p.author)
            .copied()
            .ok_or_else(|| invalid(format!("{}: author {}", p.title, p.author)))?;
        // Spread publication over the working day, deterministically.
        let published_at = start_of_first_day
            + Duration::days(p.published_offset)
            + Duration::minutes(8 * 60 + (index as i64 * 37) % 600);
        let published_at = published_at.min(ctx.now);
        if p.supports as usize > citizens.len() {
            return Err(invalid(format!(
                "{}: more supports than demo citizens",
                p.title
            )));
        }
        // Supporters: a deterministic window of distinct citizens.
        for k in 0..p.supports as usize {
            supports.push(support::ActiveModel {
                id: Set(Uuid::now_v7()),
                proposal_id: Set(id),
                user_id: Set(Some(citizens[(index * 17 + k) % citizens.len()])),
                created_at: Set(published_at),
                ..Default::default()
            });
        }
        proposals.push(proposal::ActiveModel {
            id: Set(id),
            process_id: Set(process_id),
            platform_id: Set(*platforms
                .get(&p.platform)
                .ok_or_else(|| invalid(format!("{}: platform {}", p.title, p.platform)))?),
            direction_id: Set(direction(&p.direction)?),
            zone_id: Set(p
                .zone
                .as_ref()
                .map(|z| {
                    zones
                        .get(z)
                        .copied()
                        .ok_or_else(|| invalid(format!("{}: zone {z}", p.title)))
                })
                .transpose()?),
            author_id: Set(Some(author)),
            title: Set(p.title.clone()),
            body_md: Set(p.body_md.clone()),
            state: Set(state.as_str().to_owned()),
            support_count: Set(p.supports as i32),
            random_key: Set(random_key_for(id)),
            published_at: Set(published_at),
            created_at: Set(published_at),
            updated_at: Set(published_at),
            comment_count: Set(0),
            version: Set(1),
            answer_md: Set(None),
            answered_at: Set(None),
            search_terms: Set(search::document(&p.title, &p.body_md)),
            ..Default::default()
        });
        versions.push(proposal_version::ActiveModel {
            id: Set(Uuid::now_v7()),
            proposal_id: Set(id),
            version: Set(1),
            title: Set(p.title.clone()),
            body_md: Set(p.body_md.clone()),
            zone_id: Set(None),
            editor_id: Set(Some(author)),
            created_at: Set(published_at),
        });
        follows.push(follow::ActiveModel {
            id: Set(Uuid::now_v7()),
            user_id: Set(author),
            proposal_id: Set(id),
            created_at: Set(published_at),
        });
    }
    report.proposals_created += proposals.len() as u64;
    report.supports_created += supports.len() as u64;
    for chunk in proposals.chunks(100) {
        proposal::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    for chunk in supports.chunks(500) {
        support::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    for chunk in versions.chunks(100) {
        proposal_version::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    for chunk in follows.chunks(500) {
        follow::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    Ok(platforms)
}
