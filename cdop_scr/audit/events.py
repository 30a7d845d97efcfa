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
}


class Outcome(enum.StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    REFUSED = "refused"
