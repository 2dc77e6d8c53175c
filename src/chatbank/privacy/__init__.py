"""Purposes, policy, hash-chained audit log and the privacy centre (issue 5).

The public surface other contexts use; everything else in this package is internal.
"""

from chatbank.privacy.audit import AuditAction, AuditEntry, AuditRecord, VerifyResult
from chatbank.privacy.audit_log import AuditLine, AuditLog, AuditPage, verify_chain
from chatbank.privacy.policy import (
    ConsentedLink,
    Decision,
    LinkStatus,
    Refusal,
    check_read,
    consent_deadline,
    needs_reconfirmation,
)
from chatbank.privacy.purposes import (
    DataClass,
    Purpose,
    account_access_permissions,
    minimum_permissions,
    needs_payment_initiation,
    parse_data_class,
    parse_purpose,
    rules_for,
)

__all__ = [
    "AuditAction", "AuditEntry", "AuditLine", "AuditLog", "AuditPage", "AuditRecord",
    "ConsentedLink", "DataClass", "Decision", "LinkStatus", "Purpose", "Refusal", "VerifyResult",
    "account_access_permissions", "check_read", "consent_deadline", "minimum_permissions",
    "needs_payment_initiation", "needs_reconfirmation", "parse_data_class", "parse_purpose",
    "rules_for", "verify_chain",
]
