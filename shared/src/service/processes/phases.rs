//! Phases rule participation: which phase is current (stored, see
//! [`PhaseCursor`]), what it opens, and how a process moves on, by a
//! facilitator's hand or on its dates (a scheduler safe to run in several
//! server processes at once: each move is a compare-and-set, so exactly one
//! process makes it and sends its notifications).

use chrono::Duration;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::model::common::{ParticipationAction, PhaseOpening, Refusal};
use crate::model::facilitation::TransitionPreview;
use crate::model::{PhaseCursor, PhaseKind, PhaseTimeline, Role};
use crate::service::common::authz::{Operation, Scope, authorize};
use crate::service::common::context::Person;
use crate::service::common::db::begin_write;
use crate::service::entity::{phase, process};
use crate::service::notifications::inbox::followers_of_process;
use crate::service::{Ctx, ServiceError, common::audit, notifications::inbox};

/// A process with its ordered phases and where it stands.
#[derive(Clone, Debug)]
pub(crate) struct ProcessPhases {
    pub process: process::Model,
    pub phases: Vec<phase::Model>,
}

impl ProcessPhases {
    /// The stored state.
    pub fn cursor(&self) -> PhaseCursor {
        PhaseCursor {
            cursor: usize::try_from(self.process.phase_cursor).unwrap_or(0),
            open: self.process.phase_open,
        }
    }

    /// The phase running now, if any.
    pub fn current(&self) -> Option<&phase::Model> {
        match self.cursor().timeline(self.phases.len()) {
            PhaseTimeline::Running(i) => self.phases.get(i),
            _ => None,
        }
    }

    pub(crate) fn current_kind(&self) -> Option<PhaseKind> {
        self.current().and_then(|p| PhaseKind::parse(&p.kind))
    }

    /// Whether `action` is open now; if not, when it opens next.
    pub fn allows(&self, action: ParticipationAction) -> Result<(), Refusal> {
        let opens = |kind: PhaseKind| {
            let allows = kind.allows();
            match action {
                ParticipationAction::Propose => allows.proposing,
                ParticipationAction::Comment => allows.commenting,
                ParticipationAction::Support => allows.supporting,
            }
        };
        if self.current_kind().is_some_and(opens) {
            return Ok(());
        }
        let cursor = self.cursor();
        let from = if cursor.open {
            cursor.cursor + 1
        } else {
            cursor.cursor
        };
        let next = self
            .phases
            .iter()
            .skip(from)
            .find(|p| PhaseKind::parse(&p.kind).is_some_and(opens))
            .map(|p| PhaseOpening {
                phase_title: p.title.clone(),
                starts_on: p.starts_on,
            });
        Err(Refusal::PhaseClosed {
            action,
            opens: next,
        })
    }

    /// The process asks for verified residence for `action` and `person` lacks it.
    pub fn verification_missing(&self, action: ParticipationAction, person: &Person) -> bool {
        let required = match action {
            ParticipationAction::Propose => self.process.verified_to_propose,
            ParticipationAction::Support => self.process.verified_to_support,
            ParticipationAction::Comment => false,
        };
        required && !person.has(Role::Verified)
    }

    /// Both checks: the phase, then residence.
    pub fn check(&self, action: ParticipationAction, person: &Person) -> Result<(), ServiceError> {
        self.allows(action).map_err(ServiceError::Refused)?;
        if self.verification_missing(action, person) {
            return Err(ServiceError::Refused(Refusal::VerificationRequired {
                action,
            }));
        }
        Ok(())
    }

    /// Whether support counts are hidden now (a voting phase that hides them).
    pub fn counts_hidden(&self) -> bool {
        self.current()
            .is_some_and(|p| p.kind == PhaseKind::Voting.as_str() && !p.support_counts_visible)
    }

    /// Supports per person per platform allowed by the current phase.
    pub fn support_limit(&self) -> Option<u32> {
        self.current()
            .and_then(|p| p.supports_per_platform)
            .and_then(|n| u32::try_from(n).ok())
    }
}

/// Loads a process and its phases.
pub(crate) async fn load(
    db: &impl ConnectionTrait,
    process_id: Uuid,
) -> Result<ProcessPhases, ServiceError> {
    let process = process::Entity::find_by_id(process_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("process"))?;
    let phases = phase::Entity::find()
        .filter(phase::Column::ProcessId.eq(process_id))
        .order_by_asc(phase::Column::Position)
        .all(db)
        .await?;
    Ok(ProcessPhases { process, phases })
}

/// The state the dates give on `ctx`'s day.
fn by_dates(ctx: &Ctx, phases: &[phase::Model]) -> PhaseCursor {
    let ranges: Vec<_> = phases.iter().map(|p| (p.starts_on, p.ends_on)).collect();
    PhaseCursor::from_timeline(PhaseTimeline::of(ctx.today(), &ranges), phases.len())
}

/// Moves `process` from `from` to `to` if nobody moved it meanwhile.
/// Returns whether this call made the move (and notified).
async fn move_to(
    ctx: &Ctx,
    state: &ProcessPhases,
    from: PhaseCursor,
    to: PhaseCursor,
    by_hand: bool,
) -> Result<bool, ServiceError> {
    let txn = begin_write(&ctx.db).await?;
    let moved = process::Entity::update_many()
        .col_expr(process::Column::PhaseCursor, Expr::value(to.cursor as i32))
        .col_expr(process::Column::PhaseOpen, Expr::value(to.open))
        .col_expr(process::Column::PhaseChangedAt, Expr::value(Some(ctx.now)))
        .filter(process::Column::Id.eq(state.process.id))
        .filter(process::Column::PhaseCursor.eq(from.cursor as i32))
        .filter(process::Column::PhaseOpen.eq(from.open))
        .exec(&txn)
        .await?
        .rows_affected
        == 1;
    if !moved {
        return Ok(false);
    }
    let today = ctx.today();
    if by_hand {
        // Keep the published dates honest: the closed phase ends today, the
        // opened one starts today.
        if let Some(closed) = from.open.then(|| state.phases.get(from.cursor)).flatten() {
            phase::Entity::update_many()
                .col_expr(
                    phase::Column::EndsOn,
                    Expr::value(Ord::min(Ord::max(today, closed.starts_on), closed.ends_on)),
                )
                .filter(phase::Column::Id.eq(closed.id))
                .exec(&txn)
                .await?;
        }
        if let Some(opened) = to.open.then(|| state.phases.get(to.cursor)).flatten()
            && opened.starts_on > today
        {
            phase::Entity::update_many()
                .col_expr(phase::Column::StartsOn, Expr::value(today))
                .col_expr(
                    phase::Column::EndsOn,
                    Expr::value(Ord::max(opened.ends_on, today + Duration::days(1))),
                )
                .filter(phase::Column::Id.eq(opened.id))
                .exec(&txn)
                .await?;
        }
    }
    let title = match to.timeline(state.phases.len()) {
        PhaseTimeline::Running(i) => state.phases.get(i).map(|p| p.title.clone()),
        _ => None,
    };
    if let Some(title) = &title {
        inbox::phase_opened(&txn, ctx, state.process.id, title).await?;
    }
    audit::record(
        &txn,
        ctx,
        if by_hand {
            "phase_advanced"
        } else {
            "phase_advanced_on_schedule"
        },
        None,
        format!(
            "{}: {}",
            state.process.slug,
            title.unwrap_or_else(|| "processo concluso".to_owned())
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}

/// A facilitator moves the process to its next phase (closing the current one).
pub async fn advance(ctx: &Ctx, process_id: Uuid) -> Result<PhaseTimeline, ServiceError> {
    authorize(ctx, Operation::AdvancePhase, Scope::Process(process_id))?;
    let state = load(&ctx.db, process_id).await?;
    let from = state.cursor();
    let len = state.phases.len();
    let to = from
        .advanced(len)
        .ok_or(ServiceError::Refused(Refusal::PhaseClosed {
            action: ParticipationAction::Propose,
            opens: None,
        }))?;
    if !move_to(ctx, &state, from, to, true).await? {
        // Someone else moved it first: report where it is now.
        let now = load(&ctx.db, process_id).await?;
        return Ok(now.cursor().timeline(len));
    }
    Ok(to.timeline(len))
}

/// What the next move would open and close, and who would be told: shown
/// before a facilitator moves the process on.
pub async fn preview(ctx: &Ctx, process_id: Uuid) -> Result<TransitionPreview, ServiceError> {
    authorize(ctx, Operation::PreviewTransition, Scope::Global)?;
    let state = load(&ctx.db, process_id).await?;
    let from = state.cursor();
    let len = state.phases.len();
    let to = from
        .advanced(len)
        .ok_or(ServiceError::Refused(Refusal::PhaseClosed {
            action: ParticipationAction::Propose,
            opens: None,
        }))?;
    let running = |cursor: PhaseCursor| match cursor.timeline(len) {
        PhaseTimeline::Running(i) => state.phases.get(i),
        _ => None,
    };
    let open_in = |phase: Option<&phase::Model>| -> Vec<ParticipationAction> {
        let Some(allows) = phase
            .and_then(|p| PhaseKind::parse(&p.kind))
            .map(PhaseKind::allows)
        else {
            return Vec::new();
        };
        [
            (ParticipationAction::Propose, allows.proposing),
            (ParticipationAction::Comment, allows.commenting),
            (ParticipationAction::Support, allows.supporting),
        ]
        .into_iter()
        .filter_map(|(action, open)| open.then_some(action))
        .collect()
    };
    let (before, after) = (running(from), running(to));
    let (was, will) = (open_in(before), open_in(after));
    let statement = ctx
        .db
        .get_database_backend()
        .build(&followers_of_process(process_id));
    let followers = ctx.db.query_all_raw(statement).await?.len() as u64;
    Ok(TransitionPreview {
        closes_phase: before.map(|p| p.title.clone()),
        opens_phase: after.map(|p| p.title.clone()),
        opened: will.iter().filter(|a| !was.contains(a)).copied().collect(),
        closed: was.iter().filter(|a| !will.contains(a)).copied().collect(),
        still_open: was.iter().filter(|a| will.contains(a)).copied().collect(),
        followers,
        today: ctx.today(),
    })
}

/// The scheduler's pass: moves every process whose dates are ahead of its
/// stored state. Never moves back (a facilitator may have moved ahead).
/// Returns how many processes this call moved.
pub async fn advance_on_schedule(ctx: &Ctx) -> Result<u32, ServiceError> {
    authorize(ctx, Operation::AdvancePhasesOnSchedule, Scope::Global)?;
    // Two queries whatever the number of processes: every process, every phase.
    let processes = process::Entity::find().all(&ctx.db).await?;
    let mut phases_of: std::collections::HashMap<Uuid, Vec<phase::Model>> =
        std::collections::HashMap::new();
    for phase in phase::Entity::find()
        .order_by_asc(phase::Column::ProcessId)
        .order_by_asc(phase::Column::Position)
        .all(&ctx.db)
        .await?
    {
        phases_of.entry(phase.process_id).or_default().push(phase);
    }
    let mut moved = 0;
    for process in processes {
        let phases = phases_of.remove(&process.id).unwrap_or_default();
        let state = ProcessPhases { process, phases };
        let from = state.cursor();
        let target = by_dates(ctx, &state.phases);
        if target.rank() > from.rank() && move_to(ctx, &state, from, target, false).await? {
            moved += 1;
        }
    }
    Ok(moved)
}

/// Sets the stored state from the dates (a new process, the demo loader).
pub(crate) async fn initialize(
    db: &impl ConnectionTrait,
    ctx: &Ctx,
    process_id: Uuid,
) -> Result<(), ServiceError> {
    let state = load(db, process_id).await?;
    let target = by_dates(ctx, &state.phases);
    process::Entity::update_many()
        .col_expr(
            process::Column::PhaseCursor,
            Expr::value(target.cursor as i32),
        )
        .col_expr(process::Column::PhaseOpen, Expr::value(target.open))
        .filter(process::Column::Id.eq(process_id))
        .exec(db)
        .await?;
    Ok(())
}

/// A facilitator sets what a phase allows: supports per person per platform
/// (`None`: no limit) and whether support counts show while it runs.
pub async fn set_settings(
    ctx: &Ctx,
    phase_id: Uuid,
    supports_per_platform: Option<u32>,
    support_counts_visible: bool,
) -> Result<(), ServiceError> {
    let phase = phase::Entity::find_by_id(phase_id)
        .one(&ctx.db)
        .await?
        .ok_or(ServiceError::NotFound("phase"))?;
    authorize(
        ctx,
        Operation::SetPhaseSettings,
        Scope::Process(phase.process_id),
    )?;
    if supports_per_platform.is_some_and(|n| n == 0 || n > 1000) {
        return Err(ServiceError::field(
            "sostegni",
            crate::model::common::FieldProblem::Malformed,
        ));
    }
    let txn = begin_write(&ctx.db).await?;
    phase::Entity::update_many()
        .col_expr(
            phase::Column::SupportsPerPlatform,
            Expr::value(supports_per_platform.map(|n| n as i32)),
        )
        .col_expr(
            phase::Column::SupportCountsVisible,
            Expr::value(support_counts_visible),
        )
        .filter(phase::Column::Id.eq(phase.id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        ctx,
        "phase_settings_changed",
        None,
        format!(
            "{}: sostegni per piattaforma {}, conteggi {}",
            phase.title,
            supports_per_platform.map_or("senza limite".to_owned(), |n| n.to_string()),
            if support_counts_visible {
                "visibili"
            } else {
                "nascosti fino alla chiusura"
            }
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
