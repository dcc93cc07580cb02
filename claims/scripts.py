"""What the agent says at each of the seven steps, in our own words."""

from django.utils.translation import gettext_lazy as _

from claims.choices import ClaimState as S

STEP_SCRIPTS = {
    S.RECEIVED: _(
        "① Apologise first, sincerely and without conditions, for the trouble the customer "
        "has had. Do not explain or defend yet."
    ),
    S.APOLOGIZED: _(
        "② Listen to the end. Let the customer say everything, without excuses or "
        "interruptions, and write down their account in their words."
    ),
    S.LISTENED: _(
        "③ Find the cause with a few good questions: what happened, when, and what was "
        "expected. Choose the root cause so the company can fix the process too."
    ),
    S.CAUSE_IDENTIFIED: _(
        "④ Work out the countermeasure. If it cannot be solved on the spot, escalate to your "
        "team lead now and follow their instruction. Promise the customer a deadline."
    ),
    S.ESCALATED: _(
        "Your team lead has the claim. Tell the customer who is looking at it and when they "
        "will hear from us; keep the promised deadline."
    ),
    S.COUNTERMEASURE_PLANNED: _(
        "⑤ Explain how we will solve it and when, in plain words, and ask whether the "
        "customer agrees."
    ),
    S.SOLUTION_PRESENTED: _(
        "⑥ Do it now. If the customer objected, revise the countermeasure or escalate."
    ),
    S.EXECUTED: _(
        "⑦ Check the problem is really solved, recover the faulty product if there is one, "
        "and thank the customer: a complaint is valuable information that helps us improve."
    ),
    S.CLOSED: _(
        "Closed. We will call in a few days to ask how things are, and send a short survey."
    ),
}


def step_script(state: str) -> str:
    return str(STEP_SCRIPTS.get(state, ""))
