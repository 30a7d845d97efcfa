"""The declared audit events. Add a member (and its label) when a feature needs a new one."""

import enum


class AuditEvent(enum.StrEnum):
    SIGN_IN_SUCCEEDED = "sign_in_succeeded"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_IN_THROTTLED = "sign_in_throttled"
    SIGNED_OUT = "signed_out"
    SESSION_EXPIRED = "session_expired"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 (an event name)
    PASSWORD_RESET = "password_reset"  # noqa: S105
    TWO_FACTOR_ENROLLED = "two_factor_enrolled"
    TWO_FACTOR_FAILED = "two_factor_failed"
    RECOVERY_CODE_USED = "recovery_code_used"
    USER_CREATED = "user_created"
    USER_UPDATED = "user_updated"
    USER_ROLES_CHANGED = "user_roles_changed"
    USER_DISABLED = "user_disabled"
    USER_ENABLED = "user_enabled"
    KEY_ADDED = "key_added"
    KEY_ROTATED = "key_rotated"
    KEY_RETIRED = "key_retired"
    INDEX_REBUILT = "index_rebuilt"
    DECRYPTION_FAILED = "decryption_failed"
    AUDIT_VIEWED = "audit_viewed"
    RECORD_ACCESS_VIEWED = "record_access_viewed"
    CASE_LIST_VIEWED = "case_list_viewed"
    CASE_LIST_SEARCHED = "case_list_searched"
    CASE_VIEWED = "case_viewed"
    CASE_CREATED = "case_created"
    CASE_UPDATED = "case_updated"
    CASE_STATUS_CHANGED = "case_status_changed"
    CASES_IMPORTED = "cases_imported"
    AGENCY_REPORT_REQUESTED = "agency_report_requested"
    AGENCY_REPORT_RECEIVED = "agency_report_received"
    AGENCY_REPORT_WAIVED = "agency_report_waived"
    AGENCY_REPORT_VIEWED = "agency_report_viewed"
    OVERDUE_REPORTS_VIEWED = "overdue_reports_viewed"
    PANEL_MEETING_CREATED = "panel_meeting_created"
    PANEL_MEETING_UPDATED = "panel_meeting_updated"
    PANEL_ATTENDANCE_RECORDED = "panel_attendance_recorded"
    CONFLICT_DECLARED = "conflict_declared"
    CONFLICT_WITHDRAWN = "conflict_withdrawn"
    PANEL_CASE_VIEWED = "panel_case_viewed"
    PANEL_PACK_DOWNLOADED = "panel_pack_downloaded"
    ANALYSIS_VIEWED = "analysis_viewed"
    ANALYSIS_UPDATED = "analysis_updated"
    ANALYSIS_REFUSED = "analysis_refused"
    OUTCOME_OVERRIDDEN = "outcome_overridden"
    REVIEW_SIGNED_OFF = "review_signed_off"
    REVIEW_REOPENED = "review_reopened"
    BREAK_GLASS_GRANTED = "break_glass_granted"
    BREAK_GLASS_ALERTS_VIEWED = "break_glass_alerts_viewed"

    REVIEW_LIST_VIEWED = "review_list_viewed"
    REVIEW_VIEWED = "review_viewed"
    REVIEW_CREATED = "review_created"
    REVIEW_UPDATED = "review_updated"
    REVIEW_DECISION_RECORDED = "review_decision_recorded"
    REVIEW_STATUS_CHANGED = "review_status_changed"
    REVIEW_AGENCY_ADDED = "review_agency_added"
    REVIEW_AGENCY_UPDATED = "review_agency_updated"
    REVIEW_MEETING_ADDED = "review_meeting_added"
    REVIEW_DASHBOARD_VIEWED = "review_dashboard_viewed"
    DOCUMENT_UPLOADED = "document_uploaded"
    DOCUMENT_REFUSED = "document_refused"
    DOCUMENT_DOWNLOADED = "document_downloaded"
    ACTION_PLAN_VIEWED = "action_plan_viewed"
    ACTION_TRACKER_EXPORTED = "action_tracker_exported"
    RECOMMENDATION_ADDED = "recommendation_added"
    ACTION_ADDED = "action_added"
    ACTION_UPDATED = "action_updated"
    ACTION_VIEWED = "action_viewed"
    ACTION_EVIDENCE_SUBMITTED = "action_evidence_submitted"
    ACTION_EVIDENCE_ACCEPTED = "action_evidence_accepted"
    ACTION_EVIDENCE_NOT_ACCEPTED = "action_evidence_not_accepted"
    ACTION_CHALLENGE_RECORDED = "action_challenge_recorded"
    ACTION_CHALLENGE_ANSWERED = "action_challenge_answered"
    REPORT_EXPORTED = "report_exported"
    UNSUPPRESSED_REPORT_VIEWED = "unsuppressed_report_viewed"
    CHILD_EXTRACT_EXPORTED = "child_extract_exported"
    DATA_QUALITY_VIEWED = "data_quality_viewed"

    @property
    def label(self):
        return LABELS.get(self, self.value.replace("_", " ").capitalize())


LABELS = {
    AuditEvent.SIGN_IN_SUCCEEDED: "Signed in",
    AuditEvent.SIGN_IN_FAILED: "Sign-in failed",
    AuditEvent.SIGN_IN_THROTTLED: "Sign-in refused: too many attempts",
    AuditEvent.SIGNED_OUT: "Signed out",
    AuditEvent.SESSION_EXPIRED: "Session expired",
    AuditEvent.PASSWORD_CHANGED: "Password changed",
    AuditEvent.PASSWORD_RESET: "Password reset",
    AuditEvent.TWO_FACTOR_ENROLLED: "Two-factor sign-in set up",
    AuditEvent.TWO_FACTOR_FAILED: "Two-factor code refused",
    AuditEvent.RECOVERY_CODE_USED: "Recovery code used",
    AuditEvent.USER_CREATED: "User created",
    AuditEvent.USER_UPDATED: "User updated",
    AuditEvent.USER_ROLES_CHANGED: "User roles changed",
    AuditEvent.USER_DISABLED: "User disabled",
    AuditEvent.USER_ENABLED: "User enabled",
    AuditEvent.KEY_ADDED: "Encryption key added",
    AuditEvent.KEY_ROTATED: "Data re-encrypted under the primary key",
    AuditEvent.KEY_RETIRED: "Encryption key retired",
    AuditEvent.INDEX_REBUILT: "Search indexes rebuilt",
    AuditEvent.DECRYPTION_FAILED: "Protected value could not be read",
    AuditEvent.AUDIT_VIEWED: "Audit log viewed",
    AuditEvent.RECORD_ACCESS_VIEWED: "Record access report viewed",
    AuditEvent.CASE_LIST_VIEWED: "Case list viewed",
    AuditEvent.CASE_LIST_SEARCHED: "Cases searched",
    AuditEvent.CASE_VIEWED: "Case viewed",
    AuditEvent.CASE_CREATED: "Case created",
    AuditEvent.CASE_UPDATED: "Case updated",
    AuditEvent.CASE_STATUS_CHANGED: "Case status changed",
    AuditEvent.CASES_IMPORTED: "Cases imported",
    AuditEvent.AGENCY_REPORT_REQUESTED: "Agency report requested",
    AuditEvent.AGENCY_REPORT_RECEIVED: "Agency report received",
    AuditEvent.AGENCY_REPORT_WAIVED: "Agency report waived",
    AuditEvent.AGENCY_REPORT_VIEWED: "Agency report viewed",
    AuditEvent.OVERDUE_REPORTS_VIEWED: "Overdue agency reports viewed",
    AuditEvent.PANEL_MEETING_CREATED: "Panel meeting created",
    AuditEvent.PANEL_MEETING_UPDATED: "Panel meeting changed",
    AuditEvent.PANEL_ATTENDANCE_RECORDED: "Panel attendance recorded",
    AuditEvent.CONFLICT_DECLARED: "Conflict of interest declared",
    AuditEvent.CONFLICT_WITHDRAWN: "Conflict of interest withdrawn",
    AuditEvent.PANEL_CASE_VIEWED: "Panel case viewed",
    AuditEvent.PANEL_PACK_DOWNLOADED: "Panel pack downloaded",
    AuditEvent.ANALYSIS_VIEWED: "Analysis viewed",
    AuditEvent.ANALYSIS_UPDATED: "Analysis changed",
    AuditEvent.ANALYSIS_REFUSED: "Analysis change refused",
    AuditEvent.OUTCOME_OVERRIDDEN: "Modifiable outcome overridden by the chair",
    AuditEvent.REVIEW_SIGNED_OFF: "Review signed off",
    AuditEvent.REVIEW_REOPENED: "Review re-opened",
    AuditEvent.BREAK_GLASS_GRANTED: "Break-glass access to an identifiable record",
    AuditEvent.BREAK_GLASS_ALERTS_VIEWED: "Break-glass alerts viewed",
    AuditEvent.REVIEW_LIST_VIEWED: "Case review list viewed",
    AuditEvent.REPORT_EXPORTED: "Report exported",
    AuditEvent.UNSUPPRESSED_REPORT_VIEWED: "Unsuppressed report viewed",
    AuditEvent.CHILD_EXTRACT_EXPORTED: "Child-level extract exported",
    AuditEvent.DATA_QUALITY_VIEWED: "Data-quality report viewed",
    AuditEvent.REVIEW_VIEWED: "Case review viewed",
    AuditEvent.REVIEW_CREATED: "Case review created",
    AuditEvent.REVIEW_UPDATED: "Case review updated",
    AuditEvent.REVIEW_DECISION_RECORDED: "Case review decision recorded",
    AuditEvent.REVIEW_STATUS_CHANGED: "Case review status changed",
    AuditEvent.REVIEW_AGENCY_ADDED: "Agency added to a case review",
    AuditEvent.REVIEW_AGENCY_UPDATED: "Case review agency updated",
    AuditEvent.REVIEW_MEETING_ADDED: "Case review meeting added",
    AuditEvent.REVIEW_DASHBOARD_VIEWED: "Board dashboard viewed",
    AuditEvent.DOCUMENT_UPLOADED: "Document uploaded",
    AuditEvent.DOCUMENT_REFUSED: "Document upload refused",
    AuditEvent.DOCUMENT_DOWNLOADED: "Document downloaded",
    AuditEvent.ACTION_PLAN_VIEWED: "Action plan viewed",
    AuditEvent.ACTION_TRACKER_EXPORTED: "Action plan tracker exported",
    AuditEvent.RECOMMENDATION_ADDED: "Recommendation added",
    AuditEvent.ACTION_ADDED: "Action added",
    AuditEvent.ACTION_UPDATED: "Action updated",
    AuditEvent.ACTION_VIEWED: "Action viewed",
    AuditEvent.ACTION_EVIDENCE_SUBMITTED: "Action evidence submitted",
    AuditEvent.ACTION_EVIDENCE_ACCEPTED: "Action evidence accepted",
    AuditEvent.ACTION_EVIDENCE_NOT_ACCEPTED: "Action evidence not accepted",
    AuditEvent.ACTION_CHALLENGE_RECORDED: "Action challenge recorded",
    AuditEvent.ACTION_CHALLENGE_ANSWERED: "Response to an action challenge recorded",
}


class Outcome(enum.StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    REFUSED = "refused"
