"""Closed claims for the history, with their compensations and audit trail."""

from datetime import timedelta

from claims.models import Claim
from demo.book import copy_rows
from demo.history.common import AUDIT_COLUMNS, _Audit, _moment, _reserve, _weighted

ROOT_CAUSES = [
    ("product_defect", 26),
    ("installation", 14),
    ("technician_conduct", 12),
    ("billing", 18),
    ("delivery", 10),
    ("care_visit", 12),
    ("call_centre", 5),
    ("other", 3),
]
CLAIM_COLUMNS = [
    "id",
    "state",
    "subject",
    "customer_account",
    "root_cause",
    "cause_description",
    "countermeasure_plan",
    "escalation_note",
    "escalated_at",
    "escalated_by_id",
    "supervisor_instruction",
    "instructed_by_id",
    "customer_response",
    "response_note",
    "execution_note",
    "executed_at",
    "recovery_outcome",
    "thanked",
    "promised_deadline",
    "flag_reason",
    "last_activity_at",
    "interim_contacts",
    "notes",
    "received_at",
    "closed_at",
    "updated_at",
    "agent_id",
    "contract_id",
    "customer_id",
]
COMPENSATION_COLUMNS = [
    "claim_id",
    "form",
    "amount",
    "description",
    "status",
    "proposed_at",
    "decided_at",
    "decision_note",
    "decided_by_id",
    "proposed_by_id",
]


def _claims(rng, count, contracts, agents, supervisors, start, days, claim_type) -> list[int]:
    if not count:
        return []
    first_id = _reserve(Claim, count)
    claim_rows, compensation_rows, audit_rows = [], [], []
    for n in range(count):
        claim_id = first_id + n
        contract_id, customer_id, fee, _term = contracts[rng.randrange(len(contracts))]
        day = start + timedelta(days=rng.randrange(max(days - 7, 1)))  # closed by today
        agent = rng.choice(agents)
        received = _moment(rng, day)
        audit = _Audit(audit_rows, claim_type, claim_id, received)
        audit.step("apologize", "received", "apologized", agent, rng.randint(20, 90))
        audit.step("listen", "apologized", "listened", agent, rng.randint(120, 720))
        audit.step("identify_cause", "listened", "cause_identified", agent, rng.randint(60, 400))
        audit.step(
            "plan_countermeasure",
            "cause_identified",
            "countermeasure_planned",
            agent,
            rng.randint(60, 500),
        )
        escalated_at = escalated_by = instructed_by = None
        if rng.random() < 0.18:
            escalated_at = audit.step(
                "escalate", "countermeasure_planned", "escalated", agent, rng.randint(30, 120)
            )
            escalated_by, instructed_by = agent, rng.choice(supervisors)
            audit.step(
                "instruct",
                "escalated",
                "countermeasure_planned",
                instructed_by,
                rng.randint(300, 7200),
            )
        audit.step(
            "present_solution",
            "countermeasure_planned",
            "solution_presented",
            agent,
            rng.randint(60, 300),
        )
        deadline = None
        if rng.random() < 0.45:
            deadline = audit.at + timedelta(days=rng.randint(1, 5))
        executed = audit.step(
            "execute", "solution_presented", "executed", agent, rng.randint(3600, 5 * 86400)
        )
        closed = audit.step("close", "executed", "closed", agent, rng.randint(3600, 86400))
        root_cause = _weighted(rng, ROOT_CAUSES)
        claim_rows.append(
            (
                claim_id,
                "closed",
                f"{root_cause} #{claim_id}",
                "-",
                root_cause,
                "-",
                "-",
                "-" if escalated_at else "",
                escalated_at,
                escalated_by,
                "-" if instructed_by else "",
                instructed_by,
                "agreed",
                "",
                "-",
                executed,
                "recovered",
                True,
                deadline,
                "",
                closed,
                0,
                "",
                received,
                closed,
                closed,
                agent,
                contract_id,
                customer_id,
            )
        )
        if rng.random() < 0.3:
            amount = rng.choice([10_000, 20_000, 30_000, fee])
            compensation_rows.append(
                (claim_id, "voucher", amount, "", "approved", executed, executed, "", None, agent)
            )
    copy_rows(Claim._meta.db_table, CLAIM_COLUMNS, claim_rows)
    copy_rows("claims_compensation", COMPENSATION_COLUMNS, compensation_rows)
    copy_rows("core_auditentry", AUDIT_COLUMNS, audit_rows)
    return list(range(first_id, first_id + count))
