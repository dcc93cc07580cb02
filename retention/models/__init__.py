from retention.models.book import (
    Contract,
    ContractAmendment,
    Customer,
    Product,
    add_months,
    months_between,
)
from retention.models.calls import CallTask, CoachingNote
from retention.models.cancellation import AuditEntry, CancellationRequest, OfferPresentation
from retention.models.catalog import (
    Battlecard,
    CatalogVersion,
    CustomerType,
    Offer,
    Reason,
    ScheduledChange,
    StepScript,
)
from retention.models.facts import ClaimFact, RequestFact
from retention.models.submissions import Submission
from retention.models.surveys import Survey, survey_token_hash
from retention.models.winback import WinBackCase

__all__ = [
    "AuditEntry",
    "Battlecard",
    "CallTask",
    "CancellationRequest",
    "CatalogVersion",
    "ClaimFact",
    "CoachingNote",
    "Contract",
    "ContractAmendment",
    "Customer",
    "CustomerType",
    "Offer",
    "OfferPresentation",
    "Product",
    "Reason",
    "RequestFact",
    "ScheduledChange",
    "StepScript",
    "Submission",
    "Survey",
    "WinBackCase",
    "add_months",
    "months_between",
    "survey_token_hash",
]
