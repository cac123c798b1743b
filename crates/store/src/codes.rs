//! The API schemas of codes that rows carry as plain strings (a patch's class and status, a
//! determination's reason): each lists its codes from the one list the code itself checks
//! against, so the document cannot name a code the store refuses, or miss one it writes.

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

use crate::patches::{PATCH_STATUSES, VerificationReason};

macro_rules! code_schema {
    ($(#[doc = $doc:literal])* $name:ident => $codes:expr) => {
        $(#[doc = $doc])*
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                let description = [$($doc.trim()),*].join(" ");
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some(description))
                    .enum_values(Some($codes))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

code_schema! {
    /// A patch's preliminary class from triage, most serious first: overlaps a protected
    /// layer, touches no licence, touches only lapsed licences, partly outside a valid
    /// licence, inside valid licences.
    PatchClassCode => minewatch_spatial::triage::PatchClass::ALL.iter().map(|c| c.code())
}

code_schema! {
    /// Where a patch's field evidence stands: none filed, filed and awaiting the county's
    /// review, sent back, accepted; or cleared by triage (inside a valid licence).
    PatchStatusCode => PATCH_STATUSES.iter().copied()
}

code_schema! {
    /// The reason a determination gives (the form's fixed list); the licensed and approved
    /// grounds must name the licence or approval (`permit_no`), `other` must say what the
    /// change is (`note`).
    VerificationReasonCode => VerificationReason::ALL.iter().map(|r| r.code())
}

code_schema! {
    /// What field evidence determined, from its reason.
    DeterminationCode => ["legal", "illegal", "pseudo_change", "other"]
}

code_schema! {
    /// The county's review of field evidence: empty while awaiting it.
    ReviewCode => ["", "accepted", "returned"]
}

minewatch_core::code_from_text! {
    crate::patches::registers::RegisterLayer => "register layer",
}

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::PartialSchema;

    fn codes<T: PartialSchema>() -> Vec<String> {
        let value = serde_json::to_value(T::schema()).unwrap_or_default();
        value["enum"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|c| c.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn every_determination_a_reason_gives_is_listed() {
        let listed = codes::<DeterminationCode>();
        for r in VerificationReason::ALL {
            assert!(listed.iter().any(|d| d == r.determination()), "{r:?}");
        }
        assert_eq!(
            codes::<VerificationReasonCode>().len(),
            VerificationReason::ALL.len()
        );
        assert_eq!(codes::<PatchClassCode>().len(), 5);
        assert!(codes::<PatchStatusCode>().contains(&"returned".to_string()));
    }
}
