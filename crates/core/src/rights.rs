//! Which role may take which step. Jurisdiction is checked separately, by the store.

use crate::case::CaseAction;
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

/// May `role` file clues at all (where is checked by the store)?
#[must_use]
pub fn may_file_clue(role: Role) -> bool {
    !matches!(role, Role::Inspector | Role::RewardOfficer)
}

/// Undoing a merge, editing routing and other county-wide settings.
#[must_use]
pub fn may_administer_county(role: Role) -> bool {
    matches!(role, Role::Admin | Role::CountyOffice)
}

/// Read the whole county's figures and ledger.
#[must_use]
pub fn sees_county(role: Role) -> bool {
    matches!(
        role,
        Role::Admin | Role::CountyOffice | Role::Inspector | Role::RewardOfficer
    )
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
