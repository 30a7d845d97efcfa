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
    BACKUP_CREATED = "backup_created"
    BACKUP_RESTORED = "backup_restored"
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
    ACTION_TRACKER_VIEWED = "action_tracker_viewed"
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
    LEARNING_SUMMARY_DRAFTED = "learning_summary_drafted"
    LEARNING_SUMMARY_VIEWED = "learning_summary_viewed"
    LEARNING_SUMMARY_LIST_VIEWED = "learning_summary_list_viewed"
    LEARNING_SUMMARY_UPDATED = "learning_summary_updated"
    LEARNING_SUMMARY_SUBMITTED = "learning_summary_submitted"
    LEARNING_SUMMARY_RETURNED = "learning_summary_returned"
    LEARNING_SUMMARY_APPROVED = "learning_summary_approved"
    LEARNING_SUMMARY_PUBLISHED = "learning_summary_published"
    LEARNING_SUMMARY_HELD = "learning_summary_held"
    LEARNING_SUMMARY_HOLD_RELEASED = "learning_summary_hold_released"
    LEARNING_SUMMARY_REFUSED = "learning_summary_refused"
    LEARNING_LIBRARY_VIEWED = "learning_library_viewed"
    LEARNING_SUMMARIES_EXPORTED = "learning_summaries_exported"
    LEARNING_REDACTION_PREVIEWED = "learning_redaction_previewed"
    PUBLIC_NOTIFICATION_SUBMITTED = "public_notification_submitted"
    PUBLIC_NOTIFICATION_REFUSED = "public_notification_refused"
    PUBLIC_NOTIFICATION_COPY_DOWNLOADED = "public_notification_copy_downloaded"
    PUBLIC_NOTIFICATIONS_LISTED = "public_notifications_listed"
    PUBLIC_NOTIFICATION_VIEWED = "public_notification_viewed"
    PUBLIC_NOTIFICATION_ACCEPTED = "public_notification_accepted"
    PUBLIC_NOTIFICATION_LINKED = "public_notification_linked"
    PUBLIC_NOTIFICATION_REJECTED = "public_notification_rejected"
    AGENCY_LINK_SENT = "agency_link_sent"
    AGENCY_LINK_REVOKED = "agency_link_revoked"
    AGENCY_LINK_OPENED = "agency_link_opened"
    AGENCY_LINK_FORM_VIEWED = "agency_link_form_viewed"
    AGENCY_LINK_REFUSED = "agency_link_refused"
    AGENCY_LINK_DRAFT_SAVED = "agency_link_draft_saved"
    AGENCY_LINK_SUBMITTED = "agency_link_submitted"

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
    AuditEvent.BACKUP_CREATED: "Database backup created",
    AuditEvent.BACKUP_RESTORED: "Database restored from a backup",
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
    AuditEvent.PUBLIC_NOTIFICATION_SUBMITTED: "Notification sent from the public page",
    AuditEvent.PUBLIC_NOTIFICATION_REFUSED: "Public notification refused",
    AuditEvent.PUBLIC_NOTIFICATION_COPY_DOWNLOADED: "Notifier downloaded their copy",
    AuditEvent.PUBLIC_NOTIFICATIONS_LISTED: "New notifications queue viewed",
    AuditEvent.PUBLIC_NOTIFICATION_VIEWED: "Public notification viewed",
    AuditEvent.PUBLIC_NOTIFICATION_ACCEPTED: "Public notification accepted: case created",
    AuditEvent.PUBLIC_NOTIFICATION_LINKED: "Public notification linked to an existing case",
    AuditEvent.PUBLIC_NOTIFICATION_REJECTED: "Public notification rejected",
    AuditEvent.AGENCY_LINK_SENT: "Secure agency report link sent",
    AuditEvent.AGENCY_LINK_REVOKED: "Secure agency report link revoked",
    AuditEvent.AGENCY_LINK_OPENED: "Secure agency report link opened",
    AuditEvent.AGENCY_LINK_FORM_VIEWED: "Agency report form viewed through a secure link",
    AuditEvent.AGENCY_LINK_REFUSED: "Secure agency report link refused",
    AuditEvent.AGENCY_LINK_DRAFT_SAVED: "Agency report draft saved through a secure link",
    AuditEvent.AGENCY_LINK_SUBMITTED: "Agency report submitted through a secure link",
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
    AuditEvent.ACTION_TRACKER_VIEWED: "Action tracker viewed",
    AuditEvent.RECOMMENDATION_ADDED: "Recommendation added",
    AuditEvent.ACTION_ADDED: "Action added",
    AuditEvent.ACTION_UPDATED: "Action updated",
    AuditEvent.ACTION_VIEWED: "Action viewed",
    AuditEvent.ACTION_EVIDENCE_SUBMITTED: "Action evidence submitted",
    AuditEvent.ACTION_EVIDENCE_ACCEPTED: "Action evidence accepted",
    AuditEvent.ACTION_EVIDENCE_NOT_ACCEPTED: "Action evidence not accepted",
    AuditEvent.ACTION_CHALLENGE_RECORDED: "Action challenge recorded",
    AuditEvent.ACTION_CHALLENGE_ANSWERED: "Response to an action challenge recorded",
    AuditEvent.LEARNING_SUMMARY_DRAFTED: "Learning summary drafted",
    AuditEvent.LEARNING_SUMMARY_VIEWED: "Unpublished learning summary viewed",
    AuditEvent.LEARNING_SUMMARY_LIST_VIEWED: "Learning summaries in progress viewed",
    AuditEvent.LEARNING_SUMMARY_UPDATED: "Learning summary changed (redacted on save)",
    AuditEvent.LEARNING_SUMMARY_SUBMITTED: "Learning summary submitted for approval",
    AuditEvent.LEARNING_SUMMARY_RETURNED: "Learning summary returned to draft",
    AuditEvent.LEARNING_SUMMARY_APPROVED: "Learning summary approved",
    AuditEvent.LEARNING_SUMMARY_PUBLISHED: "Learning summary published",
    AuditEvent.LEARNING_SUMMARY_HELD: "Learning summary publication put on hold",
    AuditEvent.LEARNING_SUMMARY_HOLD_RELEASED: "Learning summary hold released",
    AuditEvent.LEARNING_SUMMARY_REFUSED: "Learning summary change refused",
    AuditEvent.LEARNING_LIBRARY_VIEWED: "Learning library viewed",
    AuditEvent.LEARNING_SUMMARIES_EXPORTED: "Learning summaries exported",
    AuditEvent.LEARNING_REDACTION_PREVIEWED: "Case narrative redaction previewed",
}


# Reasons people type are narrative: they are kept encrypted in their source row, never in the
# audit log (whose rows cannot be re-encrypted). The row's detail names the source row instead:
# event -> (detail key holding the row id, table, encrypted attribute holding the reason).
REASON_SOURCES = {
    AuditEvent.BREAK_GLASS_GRANTED: ("grant", "break_glass_grant", "reason"),
    AuditEvent.OUTCOME_OVERRIDDEN: ("analysis", "panel_analysis", "override_reason"),
    AuditEvent.REVIEW_REOPENED: ("sign_off", "panel_review_sign_off", "reopen_reason"),
}


class Outcome(enum.StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    REFUSED = "refused"
