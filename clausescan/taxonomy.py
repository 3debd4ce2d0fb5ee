"""The 28 provision labels (shared/taxonomy.md), in a fixed order used everywhere."""

from __future__ import annotations

LABELS: tuple[str, ...] = (
    "termination_for_convenience",
    "termination_for_cause",
    "termination_for_insolvency",
    "termination_for_change_of_control",
    "termination_notice_period",
    "termination_assistance",
    "transition_period",
    "exit_plan",
    "data_return",
    "data_deletion",
    "ip_ownership",
    "ip_licence_post_exit",
    "service_levels",
    "service_credits",
    "performance_reporting",
    "governance",
    "escalation_dispute_resolution",
    "audit_rights",
    "knowledge_transfer",
    "staff_transfer",
    "asset_transfer",
    "source_code_escrow",
    "business_continuity",
    "change_control",
    "confidentiality",
    "liability_cap",
    "subcontracting_restriction",
    "anti_assignment",
)

# CUAD category -> our label (shared/taxonomy.md). Broader CUAD categories are marked: only
# precision against CUAD is meaningful there.
CUAD_MAP: dict[str, str] = {
    "Termination for Convenience": "termination_for_convenience",
    "Change of Control": "termination_for_change_of_control",
    "Post-Termination Services": "termination_assistance",
    "IP Ownership Assignment": "ip_ownership",
    "Audit Rights": "audit_rights",
    "Source Code Escrow": "source_code_escrow",
    "Cap on Liability": "liability_cap",
    "Anti-Assignment": "anti_assignment",
    "Notice Period to Terminate Renewal": "termination_notice_period",
}

# The evaluation's extra CUAD row: "Notice Period to Terminate Renewal" asked as narrowly as CUAD
# asks it (a notice clause that speaks of renewal or the end of a term; clausescan.nlp.train).
CUAD_RENEWAL_ROW = "termination_notice_period (renewal)"
