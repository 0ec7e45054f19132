//! Authorization: one place decides who may run which operation, deny by
//! default. Every public operation of the service layer calls [`authorize`]
//! first with its [`Operation`]; the tests below check that each operation
//! is listed here, that each one calls `authorize`, and the whole
//! operation × role matrix.

use uuid::Uuid;

use crate::model::Role;
use crate::service::common::context::Person;
use crate::service::{Actor, Ctx, ServiceError};

/// Declares every operation once, with who may run it and the service
/// function that runs it: the enum, [`Operation::ALL`],
/// [`Operation::function`] and the audience all come from this one table.
macro_rules! operations {
    ($($(#[$doc:meta])* $name:ident: $audience:ident, $function:literal;)+) => {
        /// Every operation of the service layer.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Operation {
            $($(#[$doc])* $name,)+
        }

        impl Operation {
            /// Every operation, for the tests and the documentation.
            pub const ALL: [Operation; [$(stringify!($name)),+].len()] = [$(Operation::$name,)+];

            /// The service function that runs it, as its path under
            /// `service` (`feature::module::function`).
            pub fn function(self) -> &'static str {
                match self {
                    $(Operation::$name => $function,)+
                }
            }

            fn audience(self) -> Audience {
                match self {
                    $(Operation::$name => Audience::$audience,)+
                }
            }
        }
    };
}

operations! {
    // Reading what is public.
    ListProcesses: Everyone, "processes::read::list";
    ViewProcess: Everyone, "processes::read::detail";
    ViewPlatform: Everyone, "participation::platforms::platform_detail";
    ListProposals: Everyone, "participation::proposals::list";
    ViewProposal: Everyone, "participation::proposals::detail";
    WatchSupports: Everyone, "participation::proposals::watchable";
    ViewSitePage: Everyone, "common::site_pages::get";
    ViewSessionInfo: Everyone, "accounts::account::session_info";
    ListDemoAccounts: Everyone, "accounts::account::demo_accounts";
    // Getting in.
    Register: Everyone, "accounts::account::register";
    ConfirmEmail: Everyone, "accounts::account::confirm_email";
    SignIn: Everyone, "accounts::account::sign_in";
    RequestPasswordReset: Everyone, "accounts::account::request_password_reset";
    ResetPassword: Everyone, "accounts::account::reset_password";
    // One's own account.
    ViewOwnAccount: SignedIn, "accounts::account::overview";
    SignOut: SignedIn, "accounts::account::sign_out";
    SignOutEverywhere: SignedIn, "accounts::account::sign_out_everywhere";
    ChangePassword: SignedIn, "accounts::account::change_password";
    ExportOwnData: SignedIn, "accounts::account::export_data";
    DeleteOwnAccount: SignedIn, "accounts::account::delete_account";
    RedeemCensusCode: SignedIn, "accounts::residence::redeem_code";
    // Reading participation.
    ViewResults: Everyone, "participation::supports::results";
    ListComments: Everyone, "participation::comments::list";
    ListReplies: Everyone, "participation::comments::thread";
    ViewProposalHistory: Everyone, "participation::authoring::history";
    SuggestSimilar: Everyone, "participation::authoring::similar";
    ViewImage: Everyone, "participation::images::get";
    // Taking part.
    CreateProposal: SignedIn, "participation::authoring::create";
    EditProposal: SignedIn, "participation::authoring::edit";
    WithdrawProposal: SignedIn, "participation::authoring::withdraw";
    FollowProposal: SignedIn, "participation::authoring::follow";
    UploadImage: SignedIn, "participation::images::upload";
    RemoveImage: SignedIn, "participation::images::remove";
    PostComment: SignedIn, "participation::comments::post";
    EditComment: SignedIn, "participation::comments::edit";
    DeleteComment: SignedIn, "participation::comments::delete";
    VoteComment: SignedIn, "participation::comments::vote";
    GiveSupport: SignedIn, "participation::supports::give";
    WithdrawSupport: SignedIn, "participation::supports::withdraw";
    ListNotifications: SignedIn, "notifications::inbox::list";
    MarkNotificationsRead: SignedIn, "notifications::inbox::mark_read";
    SetEmailDigest: SignedIn, "notifications::inbox::set_digest";
    SaveFormDraft: SignedIn, "common::drafts::save";
    TakeFormDraft: Everyone, "common::drafts::take";
    // Running a process.
    SetProcessRequirements: ProcessFacilitators, "processes::read::set_requirements";
    AnswerProposal: PlatformFacilitators, "participation::authoring::answer";
    AdvancePhase: ProcessFacilitators, "processes::phases::advance";
    SetPhaseSettings: ProcessFacilitators, "processes::phases::set_settings";

    // Administration.
    ListUsers: Admins, "accounts::roles::list_users";
    ListRoleScopes: Admins, "accounts::roles::scope_choices";
    AssignRole: Admins, "accounts::roles::assign";
    RevokeRole: Admins, "accounts::roles::revoke";
    ViewAuditLog: Admins, "common::audit::list";
    ViewOutbox: Admins, "common::outbox::list";
    ViewCounterBudgets: Admins, "facilitation::counter::budgets";
    UploadCensusCodes: Admins, "accounts::residence::upload_census";
    EditSitePage: Admins, "common::site_pages::update";
    // The server itself.
    LoadDemoData: ServerOnly, "seed::demo::load";
    CreateAdmin: ServerOnly, "accounts::account::create_admin";
    DeliverMail: ServerOnly, "common::outbox::deliver_pending";
    AdvancePhasesOnSchedule: ServerOnly, "processes::phases::advance_on_schedule";
    SendDigests: ServerOnly, "notifications::inbox::send_digests";
    Backfill: ServerOnly, "seed::upgrade::backfill";
    // Facilitation, moderation and the counter.
    ReportContent: SignedIn, "facilitation::reports::report";
    ModerateContent: PlatformFacilitators, "facilitation::moderation::decide";
    ViewModerationQueue: PlatformFacilitators, "facilitation::queue::queue";
    BlockPerson: ProcessFacilitators, "facilitation::blocks::block";
    UnblockPerson: ProcessFacilitators, "facilitation::blocks::unblock";
    SetModerationSettings: ProcessFacilitators, "facilitation::moderation::set_settings";
    ViewModerationLog: Everyone, "facilitation::moderation::public_log";
    MergeProposals: PlatformFacilitators, "facilitation::projects::merge";
    EditProject: PlatformFacilitators, "facilitation::projects::edit";
    UndoMerge: PlatformFacilitators, "facilitation::projects::undo";
    ViewProject: Everyone, "facilitation::projects::detail";
    ListProjects: Everyone, "facilitation::projects::list";
    AnswerProposals: PlatformFacilitators, "participation::authoring::answer_many";
    ViewDashboard: PlatformFacilitators, "facilitation::dashboard::overview";
    PreviewTransition: Everyone, "processes::phases::preview";
    RecordVisitor: Staff, "facilitation::counter::record";
    SearchVisitors: Staff, "facilitation::counter::search";
    ViewVisitor: Staff, "facilitation::counter::detail";
    ProposeForVisitor: Staff, "facilitation::counter::propose";
    SupportForVisitor: Staff, "facilitation::counter::support";
    ClaimCounterRecord: SignedIn, "facilitation::counter::claim";
    // Setting up a process.
    CreateProcess: Admins, "processes::editing::create_process";
    EditProcess: ProcessFacilitators, "processes::editing::update_process";
    ViewProcessEditor: ProcessFacilitators, "processes::editing::editor";
    SavePhase: ProcessFacilitators, "processes::editing::save_phase";
    DeletePhase: ProcessFacilitators, "processes::editing::delete_phase";
    SaveTopic: ProcessFacilitators, "processes::editing::save_topic";
    AssignPlatformFacilitator: ProcessFacilitators, "processes::editing::assign_facilitator";
    RemovePlatformFacilitator: ProcessFacilitators, "processes::editing::remove_facilitator";
    // The DUP, links from the plan, coverage and monitoring.
    ListDupEditions: Everyone, "dup::editions::editions";
    ViewDupEdition: Everyone, "dup::editions::edition";
    CreateDupEdition: Admins, "dup::editions::create_edition";
    ImportDup: Admins, "dup::editions::import";
    ExportDup: Everyone, "dup::editions::export";
    CopyDupEdition: Admins, "dup::editions::copy_edition";
    AttachDupEdition: ProcessFacilitators, "dup::editions::attach";
    ViewObjective: Everyone, "dup::objectives::objective";
    ViewPlanLinks: Everyone, "dup::links::links_of";
    LinkObjective: PlatformFacilitators, "dup::links::link";
    UnlinkObjective: PlatformFacilitators, "dup::links::unlink";
    ViewCoverage: Everyone, "dup::links::coverage";
    RecordProgress: Monitors, "dup::monitoring::record";
    ViewMonitoring: Everyone, "dup::monitoring::overview";
    // The REST API's personal access tokens.
    CreateApiToken: SignedIn, "accounts::tokens::create";
    ListApiTokens: SignedIn, "accounts::tokens::list";
    RevokeApiToken: SignedIn, "accounts::tokens::revoke";
    // Load tests.
    GenerateData: ServerOnly, "seed::generate::generate";
    // The final plan.
    ViewPlan: Everyone, "plan::versions::overview";
    ViewPlanVersion: Everyone, "plan::versions::version";
    ComparePlanVersions: Everyone, "plan::versions::compare";
    ComposePlan: ProcessFacilitators, "plan::versions::composer";
    SavePlanVersion: ProcessFacilitators, "plan::versions::save";
    RedactPlanVersion: ProcessFacilitators, "plan::redaction::redact";
    ApprovePlan: Council, "plan::versions::approve";
    /// A plan version as a file (PDF, ODT, HTML, Markdown).
    ExportPlan: Everyone, "plan::export::chosen_version";
    // Open data.
    ExportOpenData: Everyone, "open_data::export::export";
    CheckOpenData: Everyone, "open_data::export::available";
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
            WatchSupports => "YYYYYYYYYYn",
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
            ViewCounterBudgets => "nnnnnnnnnYn",
            UploadCensusCodes => "nnnnnnnnnYn",
            EditSitePage => "nnnnnnnnnYn",
            LoadDemoData => "nnnnnnnnnnY",
            CreateAdmin => "nnnnnnnnnnY",
            DeliverMail => "nnnnnnnnnnY",
            ViewResults => "YYYYYYYYYYn",
            ListComments => "YYYYYYYYYYn",
            ListReplies => "YYYYYYYYYYn",
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
            RedactPlanVersion => "nnnnnnYnnYn",
            ApprovePlan => "nnnnnnnnYnn",
            ExportPlan => "YYYYYYYYYYn",
            ExportOpenData => "YYYYYYYYYYn",
            CheckOpenData => "YYYYYYYYYYn",
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
            | Operation::RedactPlanVersion
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
        for (module, path) in crate::service::common::source_files::service_files(&dir) {
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
