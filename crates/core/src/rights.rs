//! Which role may take which step. Jurisdiction is checked separately, by the store.

use crate::ledger::case::CaseAction;
use crate::org::Role;

/// May `role` take `action` on a case it can see?
#[must_use]
pub fn may_act(role: Role, action: &CaseAction) -> bool {
    use CaseAction as A;
    match role {
        Role::Admin | Role::CountyOffice => !matches!(action, A::Escalate { .. }),
        Role::Department => matches!(
            action,
            A::Verify { .. }
                | A::Decide { .. }
                | A::Measure { .. }
                | A::Seize { .. }
                | A::Penalty { .. }
                | A::TransferPolice { .. }
                | A::PoliceFiled { .. }
                | A::Prosecuted { .. }
                | A::CourtJudged { .. }
                | A::TransferDiscipline { .. }
                | A::Restore { .. }
                | A::ReportRectified { .. }
                | A::Note { .. }
        ),
        Role::Township => matches!(
            action,
            A::Verify { .. }
                | A::Decide { .. }
                | A::Measure { .. }
                | A::Seize { .. }
                | A::Restore { .. }
                | A::ReportRectified { .. }
                | A::LookBack { .. }
                | A::Note { .. }
        ),
        Role::Village => matches!(action, A::Note { .. }),
        Role::Inspector => matches!(
            action,
            A::DisciplineConcluded { .. } | A::LookBack { .. } | A::Note { .. }
        ),
        Role::Checkpoint | Role::RewardOfficer => false,
    }
}

/// What a role may read or do outside the case machine, one line per right, grouped by
/// capability. Where a right is granted is decided here only: the store refuses with
/// [`Right::refusal`] and the pages show a link or a button only where [`may`] says so.
/// Jurisdiction (which township, which village) is checked separately, by the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Right {
    // ledger
    /// File clues at all (where is checked by the store).
    FileClue,
    /// Undo a merge, edit routing and the other county-wide settings.
    AdministerCounty,
    /// Read the whole county's figures and ledger.
    ReadCounty,
    /// See who reported: reporter names and phones in case steps, whether a tipster left
    /// an identity.
    ReadReporter,
    // patches
    /// File field evidence on a satellite patch.
    FileFieldEvidence,
    // patrol
    /// File the daily (zero) report of a grid.
    FileZeroReport,
    /// Read the daily reports board.
    ReadZeroReports,
    /// Record patrol tracks.
    RecordTrack,
    /// File patrol records.
    FilePatrolRecord,
    /// Read every patrol record and track of the county, whatever one's own scope.
    ReadPatrolsCountyWide,
    // tips
    /// Enter a tip taken on the hotline, as its operator.
    TakeHotlineTip,
    /// Set the tip clocks (working days to accept, to answer).
    SetTipClocks,
    /// Accept a tip for handling.
    AcceptTip,
    /// Answer the tipster.
    AnswerTip,
    /// See who tipped (each view logged).
    RevealTipster,
    /// Read the log of identity views.
    ReadIdentityLog,
    /// Read the rewards.
    ReadRewards,
    /// Record a reward's payment.
    PayReward,
    // leads
    /// Read accountability leads.
    ReadLeads,
    /// Conclude an accountability lead.
    ConcludeLead,
    // dispatch
    /// Write and submit one's township's weekly dispatch (周调度).
    FileDispatch,
    /// Read every township's dispatches, and the county's roll-up.
    ReadDispatches,
    // bulletin
    /// Read the issued monthly bulletins (月通报) and the formula they rank by.
    ReadBulletins,
    /// Edit the ranking formula, read the bulletin in draft, and issue it.
    IssueBulletin,
    // scoreboard
    /// Read the 八个一批 scoreboard (a township its own line).
    ReadScoreboard,
    /// Enter campaign results the ledger does not hold (典型案例曝光, 先进典型, 制度成果).
    RecordCampaignResult,
    // acceptance
    /// Read a phase's acceptance checklist (a township its own).
    ReadAcceptance,
    /// Decide whether a township's phase is accepted (验收通过 / 不通过).
    DecideAcceptance,
    // seizures
    /// Determine a seized lot's price (the pricing office; the store narrows departments to it).
    PriceSeizure,
    /// Record a lot's disposal through the public-resources trading platform.
    DisposeSeizure,
    // blacklist
    /// Read the blacklist with its cases and measures.
    ReadBlacklist,
    /// Check one firm, person or plate against the list (a checkpoint, a screen taking an
    /// application): the answer for that one only, never the list.
    CheckBlacklist,
    /// Put a firm, person or vehicle on the list for its cases, and lift an entry.
    ManageBlacklist,
    /// Record the measure one's department applies to a listed subject (联合惩戒).
    ApplyPunishment,
    // inspections
    /// Read the inspection visits (a township those of its own).
    ReadInspections,
    /// Record an inspection visit and its findings, each filed as a case.
    RecordInspection,
    // notifications
    /// Switch the county's notification channels on and off, and watch their deliveries.
    ManageNotifications,
    // accounts
    /// Manage the county's accounts and tokens.
    ManageAccounts,
}

use Role as R;

/// The table: each right and the roles that hold it.
pub const RIGHTS: &[(Right, &[Role], &str)] = &[
    (
        Right::FileClue,
        &[
            R::Admin,
            R::CountyOffice,
            R::Department,
            R::Township,
            R::Village,
            R::Checkpoint,
        ],
        "this role does not file clues",
    ),
    (
        Right::AdministerCounty,
        &[R::Admin, R::CountyOffice],
        "county-wide settings are kept by the county office",
    ),
    (
        Right::ReadCounty,
        &[R::Admin, R::CountyOffice, R::Inspector, R::RewardOfficer],
        "the whole county is read by the county office and the inspectors",
    ),
    (
        Right::ReadReporter,
        &[R::RewardOfficer, R::Inspector],
        "only the reward officer and the inspectors see who reported",
    ),
    (
        Right::FileFieldEvidence,
        &[R::Admin, R::CountyOffice, R::Township, R::Village],
        "field evidence is filed by the village, the township or the county office",
    ),
    (
        Right::FileZeroReport,
        &[R::Admin, R::CountyOffice, R::Township, R::Village],
        "daily reports are filed by the grid's village, its township or the county office",
    ),
    (
        Right::ReadZeroReports,
        &[
            R::Admin,
            R::CountyOffice,
            R::Township,
            R::Village,
            R::Inspector,
        ],
        "daily reports are read by the villages, townships, county office and inspectors",
    ),
    (
        Right::RecordTrack,
        &[
            R::Admin,
            R::CountyOffice,
            R::Department,
            R::Township,
            R::Village,
        ],
        "this role does not patrol",
    ),
    (
        Right::FilePatrolRecord,
        &[
            R::Admin,
            R::CountyOffice,
            R::Department,
            R::Township,
            R::Village,
        ],
        "this role does not patrol",
    ),
    (
        Right::ReadPatrolsCountyWide,
        &[R::Admin, R::CountyOffice, R::Inspector, R::Department],
        "patrols are read within one's own township or village",
    ),
    (
        Right::TakeHotlineTip,
        &[R::Admin, R::CountyOffice],
        "hotline tips are entered by the county office",
    ),
    (
        Right::SetTipClocks,
        &[R::Admin, R::CountyOffice],
        "only the county office sets the tip clocks",
    ),
    (
        Right::AcceptTip,
        &[R::Admin, R::CountyOffice, R::Township],
        "tips are accepted by the township or the county office",
    ),
    (
        Right::AnswerTip,
        &[R::Admin, R::CountyOffice],
        "the county office answers tipsters",
    ),
    (
        Right::RevealTipster,
        &[R::RewardOfficer],
        "only the reward officer sees who tipped",
    ),
    (
        Right::ReadIdentityLog,
        &[R::Admin, R::CountyOffice, R::Inspector, R::RewardOfficer],
        "the log of identity views is for the inspectors and the office",
    ),
    (
        Right::ReadRewards,
        &[R::Admin, R::CountyOffice, R::Inspector, R::RewardOfficer],
        "rewards are handled by the county office and the reward officer",
    ),
    (
        Right::PayReward,
        &[R::RewardOfficer],
        "the reward officer records payments",
    ),
    (
        Right::ReadLeads,
        &[R::Admin, R::CountyOffice, R::Inspector, R::Township],
        "accountability leads are read by the township, the county office and the inspectors",
    ),
    (
        Right::FileDispatch,
        &[R::Township],
        "the weekly dispatch is written and submitted by the township",
    ),
    (
        Right::ReadDispatches,
        &[R::Admin, R::CountyOffice, R::Inspector],
        "the townships' dispatches are read by the county office and the inspectors",
    ),
    (
        Right::ReadBulletins,
        &[R::Admin, R::CountyOffice, R::Inspector, R::Township],
        "the monthly bulletin goes to the townships, the county office and the inspectors",
    ),
    (
        Right::IssueBulletin,
        &[R::Admin, R::CountyOffice],
        "the monthly bulletin and its ranking formula are the county office's",
    ),
    (
        Right::ReadScoreboard,
        &[R::Admin, R::CountyOffice, R::Inspector, R::Township],
        "the 八个一批 scoreboard is read by the townships, the county office and the inspectors",
    ),
    (
        Right::RecordCampaignResult,
        &[R::Admin, R::CountyOffice, R::Township],
        "campaign results are entered by the township for itself and by the county office",
    ),
    (
        Right::ReadAcceptance,
        &[R::Admin, R::CountyOffice, R::Inspector, R::Township],
        "the acceptance checklist is read by the townships, the county office and the inspectors",
    ),
    (
        Right::DecideAcceptance,
        &[R::Admin, R::CountyOffice],
        "the county office decides acceptance",
    ),
    (
        Right::PriceSeizure,
        &[R::Admin, R::CountyOffice, R::Department],
        "prices of confiscated products are determined by the pricing office",
    ),
    (
        Right::DisposeSeizure,
        &[R::Admin, R::CountyOffice],
        "disposal through the trading platform is recorded by the county office",
    ),
    (
        Right::ReadBlacklist,
        &[
            R::Admin,
            R::CountyOffice,
            R::Department,
            R::Inspector,
            R::Township,
        ],
        "the blacklist is read by the county office, the departments, the townships and the inspectors",
    ),
    (
        Right::CheckBlacklist,
        &[
            R::Admin,
            R::CountyOffice,
            R::Department,
            R::Inspector,
            R::Township,
            R::Checkpoint,
        ],
        "the blacklist is checked by the offices and the checkpoints",
    ),
    (
        Right::ManageBlacklist,
        &[R::Admin, R::CountyOffice],
        "the county office puts subjects on the blacklist and lifts them",
    ),
    (
        Right::ApplyPunishment,
        &[R::Admin, R::CountyOffice, R::Department],
        "joint punishment is recorded by the departments that apply it",
    ),
    (
        Right::ReadInspections,
        &[R::Admin, R::CountyOffice, R::Inspector, R::Township],
        "inspection visits are read by the county office, the inspectors and the township visited",
    ),
    (
        Right::RecordInspection,
        &[R::Admin, R::CountyOffice, R::Inspector],
        "inspection visits are recorded by the county office and the inspectors",
    ),
    (
        Right::ManageNotifications,
        &[R::Admin, R::CountyOffice],
        "notification channels are the county office's",
    ),
    (
        Right::ConcludeLead,
        &[R::Admin, R::Inspector],
        "the discipline inspectors conclude leads",
    ),
    (
        Right::ManageAccounts,
        &[R::Admin],
        "accounts are managed by the county's administrator",
    ),
];

impl Right {
    fn line(self) -> Option<&'static (Right, &'static [Role], &'static str)> {
        RIGHTS.iter().find(|(r, _, _)| *r == self)
    }

    /// Why a role without this right is refused, for the error a client sees.
    #[must_use]
    pub fn refusal(self) -> &'static str {
        self.line().map_or("not permitted", |(_, _, why)| why)
    }
}

/// Does `role` hold `right`?
#[must_use]
pub fn may(role: Role, right: Right) -> bool {
    right
        .line()
        .is_some_and(|(_, roles, _)| roles.contains(&role))
}

/// May `role` file clues at all (where is checked by the store)?
#[must_use]
pub fn may_file_clue(role: Role) -> bool {
    may(role, Right::FileClue)
}

/// Undoing a merge, editing routing and other county-wide settings.
#[must_use]
pub fn may_administer_county(role: Role) -> bool {
    may(role, Right::AdministerCounty)
}

/// Read the whole county's figures and ledger.
#[must_use]
pub fn sees_county(role: Role) -> bool {
    may(role, Right::ReadCounty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nobody_escalates_by_hand_and_checkpoints_do_nothing() {
        let esc = CaseAction::Escalate {
            reason: String::new(),
        };
        let note = CaseAction::Note { text: "x".into() };
        for role in Role::ALL {
            assert!(!may_act(role, &esc), "{role:?} escalated by hand");
        }
        assert!(!may_act(Role::Checkpoint, &note));
        assert!(may_act(Role::Village, &note));
    }

    #[test]
    fn every_right_has_one_line_with_a_reason() {
        for (i, (right, roles, why)) in RIGHTS.iter().enumerate() {
            assert!(
                RIGHTS[i + 1..].iter().all(|(r, _, _)| r != right),
                "{right:?} is listed twice"
            );
            assert!(!roles.is_empty(), "{right:?} is held by nobody");
            assert!(!why.is_empty(), "{right:?} has no refusal text");
        }
        assert!(may(Role::RewardOfficer, Right::RevealTipster));
        assert!(!may(Role::Admin, Right::RevealTipster));
        assert!(!may(Role::Checkpoint, Right::RecordTrack));
    }

    #[test]
    fn only_the_office_closes() {
        let close = CaseAction::Close {
            note: String::new(),
        };
        let allowed: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| may_act(*r, &close))
            .collect();
        assert_eq!(allowed, vec![Role::Admin, Role::CountyOffice]);
    }
}
