//! Authorization: one place decides who may run which operation, deny by
//! default. Every public operation of the service layer calls [`authorize`]
//! first with its [`Operation`]; the tests below check that each operation
//! is listed here, that each one calls `authorize`, and the whole
//! operation × role matrix.

use uuid::Uuid;

use crate::model::Role;
use crate::service::common::context::Person;
use crate::service::{Actor, Ctx, ServiceError};

/// Every operation of the service layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    // Reading what is public.
    ListProcesses,
    ViewProcess,
    ViewPlatform,
    ListProposals,
    ViewProposal,
    ViewSitePage,
    ViewSessionInfo,
    ListDemoAccounts,
    // Getting in.
    Register,
    ConfirmEmail,
    SignIn,
    RequestPasswordReset,
    ResetPassword,
    // One's own account.
    ViewOwnAccount,
    SignOut,
    SignOutEverywhere,
    ChangePassword,
    ExportOwnData,
    DeleteOwnAccount,
    RedeemCensusCode,
    // Reading participation.
    ViewResults,
    ListComments,
    ViewProposalHistory,
    SuggestSimilar,
    ViewImage,
    // Taking part.
    CreateProposal,
    EditProposal,
    WithdrawProposal,
    FollowProposal,
    UploadImage,
    RemoveImage,
    PostComment,
    EditComment,
    DeleteComment,
    VoteComment,
    GiveSupport,
    WithdrawSupport,
    ListNotifications,
    MarkNotificationsRead,
    SetEmailDigest,
    SaveFormDraft,
    TakeFormDraft,
    // Running a process.
    SetProcessRequirements,
    AnswerProposal,
    AdvancePhase,
    SetPhaseSettings,

    // Administration.
    ListUsers,
    ListRoleScopes,
    AssignRole,
    RevokeRole,
    ViewAuditLog,
    ViewOutbox,
    UploadCensusCodes,
    EditSitePage,
    // The server itself.
    LoadDemoData,
    CreateAdmin,
    DeliverMail,
    AdvancePhasesOnSchedule,
    SendDigests,
    Backfill,
    // Facilitation, moderation and the counter.
    ReportContent,
    ModerateContent,
    ViewModerationQueue,
    BlockPerson,
    UnblockPerson,
    SetModerationSettings,
    ViewModerationLog,
    MergeProposals,
    EditProject,
    UndoMerge,
    ViewProject,
    ListProjects,
    AnswerProposals,
    ViewDashboard,
    PreviewTransition,
    RecordVisitor,
    SearchVisitors,
    ViewVisitor,
    ProposeForVisitor,
    SupportForVisitor,
    ClaimCounterRecord,
    // Setting up a process.
    CreateProcess,
    EditProcess,
    ViewProcessEditor,
    SavePhase,
    DeletePhase,
    SaveTopic,
    AssignPlatformFacilitator,
    RemovePlatformFacilitator,
    // The DUP, links from the plan, coverage and monitoring.
    ListDupEditions,
    ViewDupEdition,
    CreateDupEdition,
    ImportDup,
    ExportDup,
    CopyDupEdition,
    AttachDupEdition,
    ViewObjective,
    ViewPlanLinks,
    LinkObjective,
    UnlinkObjective,
    ViewCoverage,
    RecordProgress,
    ViewMonitoring,
    // The REST API's personal access tokens.
    CreateApiToken,
    ListApiTokens,
    RevokeApiToken,
    // Load tests.
    GenerateData,
    // The final plan.
    ViewPlan,
    ViewPlanVersion,
    ComparePlanVersions,
    ComposePlan,
    SavePlanVersion,
    ApprovePlan,
    /// A plan version as a file (PDF, ODT, HTML, Markdown).
    ExportPlan,
    // Open data.
    ExportOpenData,
}

/// What an operation is about, for roles held within a process or platform.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Not tied to a process.
    Global,
    /// A whole process.
    Process(Uuid),
    /// One platform of a process.
    Platform { process: Uuid, platform: Uuid },
}

/// Who may run an operation, before scope is considered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Audience {
    Everyone,
    SignedIn,
    ProcessFacilitators,
    /// Facilitators of the platform (or of its whole process).
    PlatformFacilitators,
    Admins,
    /// Municipal staff (and admins): the counter.
    Staff,
    /// Municipal staff, the process's facilitators and admins: monitoring.
    Monitors,
    /// Members of the council: approving the plan.
    Council,
    ServerOnly,
}

impl Operation {
    /// Every operation, for the tests and the documentation.
    pub const ALL: [Operation; 115] = [
        Operation::ListProcesses,
        Operation::ViewProcess,
        Operation::ViewPlatform,
        Operation::ListProposals,
        Operation::ViewProposal,
        Operation::ViewSitePage,
        Operation::ViewSessionInfo,
        Operation::ListDemoAccounts,
        Operation::Register,
        Operation::ConfirmEmail,
        Operation::SignIn,
        Operation::RequestPasswordReset,
        Operation::ResetPassword,
        Operation::ViewOwnAccount,
        Operation::SignOut,
        Operation::SignOutEverywhere,
        Operation::ChangePassword,
        Operation::ExportOwnData,
        Operation::DeleteOwnAccount,
        Operation::RedeemCensusCode,
        Operation::SetProcessRequirements,
        Operation::ListUsers,
        Operation::ListRoleScopes,
        Operation::AssignRole,
        Operation::RevokeRole,
        Operation::ViewAuditLog,
        Operation::ViewOutbox,
        Operation::UploadCensusCodes,
        Operation::EditSitePage,
        Operation::LoadDemoData,
        Operation::CreateAdmin,
        Operation::DeliverMail,
        Operation::ViewResults,
        Operation::ListComments,
        Operation::ViewProposalHistory,
        Operation::SuggestSimilar,
        Operation::ViewImage,
        Operation::CreateProposal,
        Operation::EditProposal,
        Operation::WithdrawProposal,
        Operation::FollowProposal,
        Operation::UploadImage,
        Operation::RemoveImage,
        Operation::PostComment,
        Operation::EditComment,
        Operation::DeleteComment,
        Operation::VoteComment,
        Operation::GiveSupport,
        Operation::WithdrawSupport,
        Operation::ListNotifications,
        Operation::MarkNotificationsRead,
        Operation::SetEmailDigest,
        Operation::AnswerProposal,
        Operation::AdvancePhase,
        Operation::AdvancePhasesOnSchedule,
        Operation::SendDigests,
        Operation::SaveFormDraft,
        Operation::TakeFormDraft,
        Operation::SetPhaseSettings,
        Operation::Backfill,
        Operation::ReportContent,
        Operation::ModerateContent,
        Operation::ViewModerationQueue,
        Operation::BlockPerson,
        Operation::UnblockPerson,
        Operation::SetModerationSettings,
        Operation::ViewModerationLog,
        Operation::MergeProposals,
        Operation::EditProject,
        Operation::UndoMerge,
        Operation::ViewProject,
        Operation::ListProjects,
        Operation::AnswerProposals,
        Operation::ViewDashboard,
        Operation::PreviewTransition,
        Operation::RecordVisitor,
        Operation::SearchVisitors,
        Operation::ViewVisitor,
        Operation::ProposeForVisitor,
        Operation::SupportForVisitor,
        Operation::ClaimCounterRecord,
        Operation::CreateProcess,
        Operation::EditProcess,
        Operation::ViewProcessEditor,
        Operation::SavePhase,
        Operation::DeletePhase,
        Operation::SaveTopic,
        Operation::AssignPlatformFacilitator,
        Operation::RemovePlatformFacilitator,
        Operation::ListDupEditions,
        Operation::ViewDupEdition,
        Operation::CreateDupEdition,
        Operation::ImportDup,
        Operation::ExportDup,
        Operation::CopyDupEdition,
        Operation::AttachDupEdition,
        Operation::ViewObjective,
        Operation::ViewPlanLinks,
        Operation::LinkObjective,
        Operation::UnlinkObjective,
        Operation::ViewCoverage,
        Operation::RecordProgress,
        Operation::ViewMonitoring,
        Operation::CreateApiToken,
        Operation::ListApiTokens,
        Operation::RevokeApiToken,
        Operation::GenerateData,
        Operation::ViewPlan,
        Operation::ViewPlanVersion,
        Operation::ComparePlanVersions,
        Operation::ComposePlan,
        Operation::SavePlanVersion,
        Operation::ApprovePlan,
        Operation::ExportPlan,
        Operation::ExportOpenData,
    ];

    /// The service function that runs it, as `module::function`.
    pub fn function(self) -> &'static str {
        use Operation::*;
        match self {
            ListProcesses => "processes::list",
            ViewProcess => "processes::detail",
            ViewPlatform => "processes::platform_detail",
            ListProposals => "proposals::list",
            ViewProposal => "proposals::detail",
            ViewSitePage => "site_pages::get",
            ViewSessionInfo => "accounts::session_info",
            ListDemoAccounts => "accounts::demo_accounts",
            Register => "accounts::register",
            ConfirmEmail => "accounts::confirm_email",
            SignIn => "accounts::sign_in",
            RequestPasswordReset => "accounts::request_password_reset",
            ResetPassword => "accounts::reset_password",
            ViewOwnAccount => "accounts::overview",
            SignOut => "accounts::sign_out",
            SignOutEverywhere => "accounts::sign_out_everywhere",
            ChangePassword => "accounts::change_password",
            ExportOwnData => "accounts::export_data",
            DeleteOwnAccount => "accounts::delete_account",
            RedeemCensusCode => "residence::redeem_code",
            SetProcessRequirements => "processes::set_requirements",
            ListUsers => "roles::list_users",
            ListRoleScopes => "roles::scope_choices",
            AssignRole => "roles::assign",
            RevokeRole => "roles::revoke",
            ViewAuditLog => "audit::list",
            ViewOutbox => "outbox::list",
            UploadCensusCodes => "residence::upload_census",
            EditSitePage => "site_pages::update",
            LoadDemoData => "demo::load",
            CreateAdmin => "accounts::create_admin",
            DeliverMail => "outbox::deliver_pending",
            ViewResults => "supports::results",
            ListComments => "comments::list",
            ViewProposalHistory => "authoring::history",
            SuggestSimilar => "authoring::similar",
            ViewImage => "attachments::get",
            CreateProposal => "authoring::create",
            EditProposal => "authoring::edit",
            WithdrawProposal => "authoring::withdraw",
            FollowProposal => "authoring::follow",
            UploadImage => "attachments::upload",
            RemoveImage => "attachments::remove",
            PostComment => "comments::post",
            EditComment => "comments::edit",
            DeleteComment => "comments::delete",
            VoteComment => "comments::vote",
            GiveSupport => "supports::give",
            WithdrawSupport => "supports::withdraw",
            ListNotifications => "notifications::list",
            MarkNotificationsRead => "notifications::mark_read",
            SetEmailDigest => "notifications::set_digest",
            AnswerProposal => "authoring::answer",
            AdvancePhase => "phases::advance",
            AdvancePhasesOnSchedule => "phases::advance_on_schedule",
            SendDigests => "notifications::send_digests",
            SaveFormDraft => "drafts::save",
            TakeFormDraft => "drafts::take",
            SetPhaseSettings => "phases::set_settings",
            Backfill => "upgrade::backfill",
            ReportContent => "moderation::report",
            ModerateContent => "moderation::decide",
            ViewModerationQueue => "moderation::queue",
            BlockPerson => "moderation::block",
            UnblockPerson => "moderation::unblock",
            SetModerationSettings => "moderation::set_settings",
            ViewModerationLog => "moderation::public_log",
            MergeProposals => "projects::merge",
            EditProject => "projects::edit",
            UndoMerge => "projects::undo",
            ViewProject => "projects::detail",
            ListProjects => "projects::list",
            AnswerProposals => "authoring::answer_many",
            ViewDashboard => "dashboard::overview",
            PreviewTransition => "phases::preview",
            RecordVisitor => "counter::record",
            SearchVisitors => "counter::search",
            ViewVisitor => "counter::detail",
            ProposeForVisitor => "counter::propose",
            SupportForVisitor => "counter::support",
            ClaimCounterRecord => "counter::claim",
            CreateProcess => "editing::create_process",
            EditProcess => "editing::update_process",
            ViewProcessEditor => "editing::editor",
            SavePhase => "editing::save_phase",
            DeletePhase => "editing::delete_phase",
            SaveTopic => "editing::save_topic",
            AssignPlatformFacilitator => "editing::assign_facilitator",
            RemovePlatformFacilitator => "editing::remove_facilitator",
            ListDupEditions => "dup::editions",
            ViewDupEdition => "dup::edition",
            CreateDupEdition => "dup::create_edition",
            ImportDup => "dup::import",
            ExportDup => "dup::export",
            CopyDupEdition => "dup::copy_edition",
            AttachDupEdition => "dup::attach",
            ViewObjective => "dup::objective",
            ViewPlanLinks => "dup_links::links_of",
            LinkObjective => "dup_links::link",
            UnlinkObjective => "dup_links::unlink",
            ViewCoverage => "dup_links::coverage",
            RecordProgress => "monitoring::record",
            ViewMonitoring => "monitoring::overview",
            CreateApiToken => "tokens::create",
            ListApiTokens => "tokens::list",
            RevokeApiToken => "tokens::revoke",
            GenerateData => "generate::generate",
            ViewPlan => "plan::overview",
            ViewPlanVersion => "plan::version",
            ComparePlanVersions => "plan::compare",
            ComposePlan => "plan::composer",
            SavePlanVersion => "plan::save",
            ApprovePlan => "plan::approve",
            ExportPlan => "plan_export::chosen_version",
            ExportOpenData => "open_data::export",
        }
    }

    fn audience(self) -> Audience {
        use Operation::*;
        match self {
            ListProcesses | ViewProcess | ViewPlatform | ListProposals | ViewProposal
            | ViewSitePage | ViewSessionInfo | ListDemoAccounts | Register | ConfirmEmail
            | SignIn | RequestPasswordReset | ResetPassword => Audience::Everyone,
            ViewOwnAccount | SignOut | SignOutEverywhere | ChangePassword | ExportOwnData
            | DeleteOwnAccount | RedeemCensusCode => Audience::SignedIn,
            SetProcessRequirements => Audience::ProcessFacilitators,
            ViewResults => Audience::Everyone,
            ListComments => Audience::Everyone,
            ViewProposalHistory => Audience::Everyone,
            SuggestSimilar => Audience::Everyone,
            ViewImage => Audience::Everyone,
            CreateProposal => Audience::SignedIn,
            EditProposal => Audience::SignedIn,
            WithdrawProposal => Audience::SignedIn,
            FollowProposal => Audience::SignedIn,
            UploadImage => Audience::SignedIn,
            RemoveImage => Audience::SignedIn,
            PostComment => Audience::SignedIn,
            EditComment => Audience::SignedIn,
            DeleteComment => Audience::SignedIn,
            VoteComment => Audience::SignedIn,
            GiveSupport => Audience::SignedIn,
            WithdrawSupport => Audience::SignedIn,
            ListNotifications => Audience::SignedIn,
            MarkNotificationsRead => Audience::SignedIn,
            SetEmailDigest => Audience::SignedIn,
            SaveFormDraft => Audience::SignedIn,
            TakeFormDraft => Audience::Everyone,
            SetPhaseSettings => Audience::ProcessFacilitators,
            Backfill => Audience::ServerOnly,
            AnswerProposal => Audience::PlatformFacilitators,
            AdvancePhase => Audience::ProcessFacilitators,
            AdvancePhasesOnSchedule => Audience::ServerOnly,
            SendDigests => Audience::ServerOnly,
            ListUsers | ListRoleScopes | AssignRole | RevokeRole | ViewAuditLog | ViewOutbox
            | UploadCensusCodes | EditSitePage => Audience::Admins,
            LoadDemoData | CreateAdmin | DeliverMail => Audience::ServerOnly,
            ReportContent => Audience::SignedIn,
            ModerateContent => Audience::PlatformFacilitators,
            ViewModerationQueue => Audience::PlatformFacilitators,
            BlockPerson => Audience::ProcessFacilitators,
            UnblockPerson => Audience::ProcessFacilitators,
            SetModerationSettings => Audience::ProcessFacilitators,
            ViewModerationLog => Audience::Everyone,
            MergeProposals => Audience::PlatformFacilitators,
            EditProject => Audience::PlatformFacilitators,
            UndoMerge => Audience::PlatformFacilitators,
            ViewProject => Audience::Everyone,
            ListProjects => Audience::Everyone,
            AnswerProposals => Audience::PlatformFacilitators,
            ViewDashboard => Audience::PlatformFacilitators,
            PreviewTransition => Audience::Everyone,
            RecordVisitor => Audience::Staff,
            SearchVisitors => Audience::Staff,
            ViewVisitor => Audience::Staff,
            ProposeForVisitor => Audience::Staff,
            SupportForVisitor => Audience::Staff,
            ClaimCounterRecord => Audience::SignedIn,
            CreateProcess => Audience::Admins,
            EditProcess => Audience::ProcessFacilitators,
            ViewProcessEditor => Audience::ProcessFacilitators,
            SavePhase => Audience::ProcessFacilitators,
            DeletePhase => Audience::ProcessFacilitators,
            SaveTopic => Audience::ProcessFacilitators,
            AssignPlatformFacilitator => Audience::ProcessFacilitators,
            RemovePlatformFacilitator => Audience::ProcessFacilitators,
            ListDupEditions => Audience::Everyone,
            ViewDupEdition => Audience::Everyone,
            CreateDupEdition => Audience::Admins,
            ImportDup => Audience::Admins,
            ExportDup => Audience::Everyone,
            CopyDupEdition => Audience::Admins,
            AttachDupEdition => Audience::ProcessFacilitators,
            ViewObjective => Audience::Everyone,
            ViewPlanLinks => Audience::Everyone,
            LinkObjective => Audience::PlatformFacilitators,
            UnlinkObjective => Audience::PlatformFacilitators,
            ViewCoverage => Audience::Everyone,
            RecordProgress => Audience::Monitors,
            ViewMonitoring => Audience::Everyone,
            CreateApiToken => Audience::SignedIn,
            ListApiTokens => Audience::SignedIn,
            RevokeApiToken => Audience::SignedIn,
            GenerateData => Audience::ServerOnly,
            ViewPlan | ViewPlanVersion | ComparePlanVersions => Audience::Everyone,
            ComposePlan | SavePlanVersion => Audience::ProcessFacilitators,
            ApprovePlan => Audience::Council,
            ExportPlan | ExportOpenData => Audience::Everyone,
        }
    }
}

/// Whether `actor` may run `operation` on `scope`. Pure: the tests call it
/// for every operation and role.
pub fn permits(actor: &Actor, operation: Operation, scope: Scope) -> bool {
    match (operation.audience(), actor) {
        (Audience::ServerOnly, actor) => *actor == Actor::System,
        (_, Actor::System) => false,
        (Audience::Everyone, _) => true,
        (_, Actor::Anonymous) => false,
        (Audience::SignedIn, Actor::Person(_)) => true,
        (Audience::Admins, Actor::Person(person)) => person.has(Role::Admin),
        (Audience::Staff, Actor::Person(person)) => {
            person.has(Role::Admin) || person.has(Role::Staff)
        }
        (Audience::Council, Actor::Person(person)) => person.has(Role::Council),
        (Audience::Monitors, Actor::Person(person)) => {
            person.has(Role::Admin) || person.has(Role::Staff) || facilitates(person, scope, false)
        }
        (Audience::ProcessFacilitators, Actor::Person(person)) => {
            person.has(Role::Admin) || facilitates(person, scope, false)
        }
        (Audience::PlatformFacilitators, Actor::Person(person)) => {
            person.has(Role::Admin) || facilitates(person, scope, true)
        }
    }
}

fn facilitates(person: &Person, scope: Scope, platform_suffices: bool) -> bool {
    match scope {
        Scope::Global => false,
        Scope::Process(process) => person.facilitates_process(process),
        Scope::Platform { process, platform } => {
            if platform_suffices {
                person.facilitates_platform(process, platform)
            } else {
                person.facilitates_process(process)
            }
        }
    }
}

/// Refuses what `ctx.actor` may not do: `Unauthenticated` when signing in
/// would help, `Forbidden` otherwise.
pub fn authorize(ctx: &Ctx, operation: Operation, scope: Scope) -> Result<(), ServiceError> {
    if permits(&ctx.actor, operation, scope) {
        return Ok(());
    }
    match (&ctx.actor, operation.audience()) {
        (
            Actor::Anonymous,
            Audience::SignedIn
            | Audience::Admins
            | Audience::Staff
            | Audience::Monitors
            | Audience::Council
            | Audience::ProcessFacilitators
            | Audience::PlatformFacilitators,
        ) => Err(ServiceError::Unauthenticated),
        _ => Err(ServiceError::Forbidden),
    }
}

/// The signed-in person running the operation (after [`authorize`]).
pub fn person(ctx: &Ctx) -> Result<&Person, ServiceError> {
    ctx.actor.person().ok_or(ServiceError::Unauthenticated)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RoleGrant;

    const PROCESS: Uuid = Uuid::from_u128(1);
    const THIS_PLATFORM: Uuid = Uuid::from_u128(2);
    const OTHER_PLATFORM: Uuid = Uuid::from_u128(3);
    const OTHER_PROCESS: Uuid = Uuid::from_u128(4);

    fn person(grants: Vec<RoleGrant>) -> Actor {
        Actor::Person(Person {
            id: Uuid::from_u128(99),
            display_name: "Prova".into(),
            is_demo: false,
            grants,
            session_id: None,
        })
    }

    fn grant(role: Role, process: Option<Uuid>, platform: Option<Uuid>) -> RoleGrant {
        RoleGrant {
            role,
            process_id: process,
            platform_id: platform,
        }
    }

    /// The columns of the matrix, in order.
    fn actors() -> Vec<(&'static str, Actor)> {
        vec![
            ("anonymous", Actor::Anonymous),
            ("citizen", person(vec![])),
            ("verified", person(vec![grant(Role::Verified, None, None)])),
            ("staff", person(vec![grant(Role::Staff, None, None)])),
            (
                "facilitator of another platform",
                person(vec![grant(
                    Role::Facilitator,
                    Some(PROCESS),
                    Some(OTHER_PLATFORM),
                )]),
            ),
            (
                "facilitator of this platform",
                person(vec![grant(
                    Role::Facilitator,
                    Some(PROCESS),
                    Some(THIS_PLATFORM),
                )]),
            ),
            (
                "facilitator of this process",
                person(vec![grant(Role::Facilitator, Some(PROCESS), None)]),
            ),
            (
                "facilitator of another process",
                person(vec![grant(Role::Facilitator, Some(OTHER_PROCESS), None)]),
            ),
            ("council", person(vec![grant(Role::Council, None, None)])),
            ("admin", person(vec![grant(Role::Admin, None, None)])),
            ("server", Actor::System),
        ]
    }

    /// The expected matrix, written out by hand: one letter per column of
    /// [`actors`] (Y allowed, n denied). A new operation does not compile
    /// until its row is written here.
    fn expected(operation: Operation) -> &'static str {
        use Operation::*;
        //                  anon cit ver sta fOP fTP fTPr fOPr cou adm srv
        match operation {
            ListProcesses => "YYYYYYYYYYn",
            ViewProcess => "YYYYYYYYYYn",
            ViewPlatform => "YYYYYYYYYYn",
            ListProposals => "YYYYYYYYYYn",
            ViewProposal => "YYYYYYYYYYn",
            ViewSitePage => "YYYYYYYYYYn",
            ViewSessionInfo => "YYYYYYYYYYn",
            ListDemoAccounts => "YYYYYYYYYYn",
            Register => "YYYYYYYYYYn",
            ConfirmEmail => "YYYYYYYYYYn",
            SignIn => "YYYYYYYYYYn",
            RequestPasswordReset => "YYYYYYYYYYn",
            ResetPassword => "YYYYYYYYYYn",
            ViewOwnAccount => "nYYYYYYYYYn",
            SignOut => "nYYYYYYYYYn",
            SignOutEverywhere => "nYYYYYYYYYn",
            ChangePassword => "nYYYYYYYYYn",
            ExportOwnData => "nYYYYYYYYYn",
            DeleteOwnAccount => "nYYYYYYYYYn",
            RedeemCensusCode => "nYYYYYYYYYn",
            SetProcessRequirements => "nnnnnnYnnYn",
            ListUsers => "nnnnnnnnnYn",
            ListRoleScopes => "nnnnnnnnnYn",
            AssignRole => "nnnnnnnnnYn",
            RevokeRole => "nnnnnnnnnYn",
            ViewAuditLog => "nnnnnnnnnYn",
            ViewOutbox => "nnnnnnnnnYn",
            UploadCensusCodes => "nnnnnnnnnYn",
            EditSitePage => "nnnnnnnnnYn",
            LoadDemoData => "nnnnnnnnnnY",
            CreateAdmin => "nnnnnnnnnnY",
            DeliverMail => "nnnnnnnnnnY",
            ViewResults => "YYYYYYYYYYn",
            ListComments => "YYYYYYYYYYn",
            ViewProposalHistory => "YYYYYYYYYYn",
            SuggestSimilar => "YYYYYYYYYYn",
            ViewImage => "YYYYYYYYYYn",
            CreateProposal => "nYYYYYYYYYn",
            EditProposal => "nYYYYYYYYYn",
            WithdrawProposal => "nYYYYYYYYYn",
            FollowProposal => "nYYYYYYYYYn",
            UploadImage => "nYYYYYYYYYn",
            RemoveImage => "nYYYYYYYYYn",
            PostComment => "nYYYYYYYYYn",
            EditComment => "nYYYYYYYYYn",
            DeleteComment => "nYYYYYYYYYn",
            VoteComment => "nYYYYYYYYYn",
            GiveSupport => "nYYYYYYYYYn",
            WithdrawSupport => "nYYYYYYYYYn",
            ListNotifications => "nYYYYYYYYYn",
            MarkNotificationsRead => "nYYYYYYYYYn",
            SetEmailDigest => "nYYYYYYYYYn",
            AnswerProposal => "nnnnnYYnnYn",
            AdvancePhase => "nnnnnnYnnYn",
            AdvancePhasesOnSchedule => "nnnnnnnnnnY",
            SendDigests => "nnnnnnnnnnY",
            SaveFormDraft => "nYYYYYYYYYn",
            TakeFormDraft => "YYYYYYYYYYn",
            SetPhaseSettings => "nnnnnnYnnYn",
            Backfill => "nnnnnnnnnnY",
            ReportContent => "nYYYYYYYYYn",
            ModerateContent => "nnnnnYYnnYn",
            ViewModerationQueue => "nnnnnYYnnYn",
            BlockPerson => "nnnnnnYnnYn",
            UnblockPerson => "nnnnnnYnnYn",
            SetModerationSettings => "nnnnnnYnnYn",
            ViewModerationLog => "YYYYYYYYYYn",
            MergeProposals => "nnnnnYYnnYn",
            EditProject => "nnnnnYYnnYn",
            UndoMerge => "nnnnnYYnnYn",
            ViewProject => "YYYYYYYYYYn",
            ListProjects => "YYYYYYYYYYn",
            AnswerProposals => "nnnnnYYnnYn",
            ViewDashboard => "nnnnnYYnnYn",
            PreviewTransition => "YYYYYYYYYYn",
            RecordVisitor => "nnnYnnnnnYn",
            SearchVisitors => "nnnYnnnnnYn",
            ViewVisitor => "nnnYnnnnnYn",
            ProposeForVisitor => "nnnYnnnnnYn",
            SupportForVisitor => "nnnYnnnnnYn",
            ClaimCounterRecord => "nYYYYYYYYYn",
            CreateProcess => "nnnnnnnnnYn",
            EditProcess => "nnnnnnYnnYn",
            ViewProcessEditor => "nnnnnnYnnYn",
            SavePhase => "nnnnnnYnnYn",
            DeletePhase => "nnnnnnYnnYn",
            SaveTopic => "nnnnnnYnnYn",
            AssignPlatformFacilitator => "nnnnnnYnnYn",
            RemovePlatformFacilitator => "nnnnnnYnnYn",
            ListDupEditions => "YYYYYYYYYYn",
            ViewDupEdition => "YYYYYYYYYYn",
            CreateDupEdition => "nnnnnnnnnYn",
            ImportDup => "nnnnnnnnnYn",
            ExportDup => "YYYYYYYYYYn",
            CopyDupEdition => "nnnnnnnnnYn",
            AttachDupEdition => "nnnnnnYnnYn",
            ViewObjective => "YYYYYYYYYYn",
            ViewPlanLinks => "YYYYYYYYYYn",
            LinkObjective => "nnnnnYYnnYn",
            UnlinkObjective => "nnnnnYYnnYn",
            ViewCoverage => "YYYYYYYYYYn",
            RecordProgress => "nnnYnnYnnYn",
            ViewMonitoring => "YYYYYYYYYYn",
            CreateApiToken => "nYYYYYYYYYn",
            ListApiTokens => "nYYYYYYYYYn",
            RevokeApiToken => "nYYYYYYYYYn",
            GenerateData => "nnnnnnnnnnY",
            ViewPlan => "YYYYYYYYYYn",
            ViewPlanVersion => "YYYYYYYYYYn",
            ComparePlanVersions => "YYYYYYYYYYn",
            ComposePlan => "nnnnnnYnnYn",
            SavePlanVersion => "nnnnnnYnnYn",
            ApprovePlan => "nnnnnnnnYnn",
            ExportPlan => "YYYYYYYYYYn",
            ExportOpenData => "YYYYYYYYYYn",
        }
    }

    /// The scope each operation is checked on: this platform of this process
    /// where the operation is about a process, nothing otherwise.
    fn scope_of(operation: Operation) -> Scope {
        match operation {
            Operation::SetProcessRequirements
            | Operation::AdvancePhase
            | Operation::SetPhaseSettings
            | Operation::BlockPerson
            | Operation::UnblockPerson
            | Operation::SetModerationSettings
            | Operation::EditProcess
            | Operation::ViewProcessEditor
            | Operation::SavePhase
            | Operation::DeletePhase
            | Operation::SaveTopic
            | Operation::AssignPlatformFacilitator
            | Operation::RemovePlatformFacilitator
            | Operation::AttachDupEdition
            | Operation::RecordProgress
            | Operation::ComposePlan
            | Operation::SavePlanVersion
            | Operation::ApprovePlan => Scope::Process(PROCESS),
            Operation::AnswerProposal
            | Operation::ModerateContent
            | Operation::ViewModerationQueue
            | Operation::MergeProposals
            | Operation::EditProject
            | Operation::UndoMerge
            | Operation::AnswerProposals
            | Operation::ViewDashboard
            | Operation::LinkObjective
            | Operation::UnlinkObjective => Scope::Platform {
                process: PROCESS,
                platform: THIS_PLATFORM,
            },
            _ => Scope::Global,
        }
    }

    #[test]
    fn every_operation_against_every_role() {
        let actors = actors();
        let mut failures = Vec::new();
        for operation in Operation::ALL {
            let row = expected(operation);
            assert_eq!(
                row.len(),
                actors.len(),
                "{operation:?}: one letter per role"
            );
            for ((name, actor), letter) in actors.iter().zip(row.chars()) {
                let allowed = permits(actor, operation, scope_of(operation));
                if allowed != (letter == 'Y') {
                    failures.push(format!(
                        "{operation:?} by {name}: expected {}, got {}",
                        if letter == 'Y' { "allow" } else { "deny" },
                        if allowed { "allow" } else { "deny" }
                    ));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn platform_scope_never_lets_a_platform_facilitator_run_the_process() {
        let actor = person(vec![grant(
            Role::Facilitator,
            Some(PROCESS),
            Some(THIS_PLATFORM),
        )]);
        let scope = Scope::Platform {
            process: PROCESS,
            platform: THIS_PLATFORM,
        };
        assert!(!permits(&actor, Operation::SetProcessRequirements, scope));
        let Actor::Person(p) = &actor else {
            unreachable!()
        };
        assert!(p.facilitates_platform(PROCESS, THIS_PLATFORM));
        assert!(!p.facilitates_platform(PROCESS, OTHER_PLATFORM));
    }

    #[test]
    fn operations_are_listed_once_each() {
        let mut names: Vec<_> = Operation::ALL.iter().map(|o| o.function()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Operation::ALL.len());
    }

    /// Every `pub async fn` of the service layer taking a `Ctx` is an
    /// operation listed above, and calls `authorize` with that operation.
    #[test]
    fn every_service_operation_is_authorized() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/service");
        let listed: Vec<&str> = Operation::ALL.iter().map(|o| o.function()).collect();
        let mut found = Vec::new();
        let mut problems = Vec::new();
        for entry in std::fs::read_dir(&dir).expect("service folder") {
            let path = entry.expect("entry").path();
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let module = path.file_stem().unwrap().to_string_lossy().to_string();
            let source = std::fs::read_to_string(&path).expect("source");
            let source = source.split("#[cfg(test)]").next().unwrap_or_default();
            for chunk in source.split("\npub async fn ").skip(1) {
                let name: String = chunk
                    .chars()
                    .take_while(|c| *c != '(' && *c != '<')
                    .collect();
                let signature = chunk.split('{').next().unwrap_or_default();
                if !signature.contains("ctx: &Ctx") {
                    continue;
                }
                let qualified = format!("{module}::{name}");
                let body_end = ["\npub ", "\nasync fn ", "\nfn ", "\n///", "\n#["]
                    .iter()
                    .filter_map(|m| chunk.find(m))
                    .min()
                    .unwrap_or(chunk.len());
                let body = &chunk[..body_end];
                match Operation::ALL.iter().find(|o| o.function() == qualified) {
                    Some(operation) => {
                        // Compared without whitespace: rustfmt may wrap the call.
                        let call = format!("authorize(ctx,Operation::{operation:?},");
                        let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
                        if !compact.contains(&call) {
                            problems.push(format!("{qualified} never calls {call} …)"));
                        }
                    }
                    None => problems.push(format!("{qualified} is not an Operation")),
                }
                found.push(qualified);
            }
        }
        for name in &listed {
            if !found.iter().any(|f| f == name) {
                problems.push(format!("Operation {name} has no service function"));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
