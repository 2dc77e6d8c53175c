"""What the ledger checker reads: the banks' books after recovery and the clients' history.

Plain frozen dataclasses, filled from the banks' and the scheme's databases (`ledger_books`)
and from what the clients saw (`ledger_workload`); the checks in `ledger_checks` are pure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FINAL_OB_STATUSES = ("AcceptedSettlementCompleted", "Rejected")
FINAL_SCHEME_STATES = ("settled", "voided")
NO_LIMIT_KINDS = ("settlement", "interbank", "suspense")


@dataclass(frozen=True)
class LedgerAccountRow:
    id: str
    currency: str
    kind: str
    overdraft_limit_minor: int
    debits_posted: int
    credits_posted: int
    debits_pending: int
    credits_pending: int

    @property
    def posted_balance_minor(self) -> int:
        return self.credits_posted - self.debits_posted


@dataclass(frozen=True)
class TransferRow:
    seq: int
    id: str
    debit_account_id: str
    credit_account_id: str
    amount_minor: int
    currency: str
    kind: str  # posted | pending | post_pending | void_pending
    pending_id: str
    state: str | None  # pending transfers: pending | posted | voided | expired


@dataclass(frozen=True)
class ObPaymentRow:
    payment_id: str
    consent_id: str
    status: str
    transfer_ref: str | None


@dataclass(frozen=True)
class SchemePaymentRow:
    payment_id: str
    payer_bank: str
    payer_transfer_id: str
    payee_bank: str
    amount_minor: int
    state: str


@dataclass(frozen=True)
class BankBooksSnapshot:
    """One bank's ledger and OB payments, read straight from its database."""

    bank_id: str
    accounts: tuple[LedgerAccountRow, ...]
    transfers: tuple[TransferRow, ...]
    payments: tuple[ObPaymentRow, ...]

    def max_seq(self) -> int:
        return max((t.seq for t in self.transfers), default=0)


@dataclass(frozen=True)
class Answer:
    """One HTTP answer a client got to `POST /domestic-payments` (None: no answer at all)."""

    status_code: int
    payment_id: str | None = None
    status: str | None = None
    error_code: str | None = None
    body_digest: str = ""


@dataclass
class PaymentAttempt:
    """Everything one client saw for one payment (one consent, one idempotency key)."""

    bank_id: str
    idempotency_key: str
    consent_id: str
    amount_minor: int
    cross_bank: bool
    answers: list[Answer] = field(default_factory=list)
    final_status: str | None = None  # GET after recovery

    @property
    def acknowledged(self) -> Answer | None:
        return next((a for a in self.answers if a.status_code == 201), None)


@dataclass
class LedgerHistory:
    """The state before the workload, and every attempt the clients made."""

    opening: dict[str, BankBooksSnapshot]
    attempts: list[PaymentAttempt] = field(default_factory=list)
