"""What the agent says at each step of the tree, in our own words, in the agent's language.

Short on purpose: a script is read while the customer talks. These are the defaults; a
catalog admin's wording (`catalog.models.StepScript`) replaces them. Registered with the
catalog when the app loads (`CancellationsConfig.ready`).
"""

from django.utils.translation import gettext_lazy as _

from cancellations.choices import RequestState as S

STEP_SCRIPTS = {
    S.OPENED: _(
        "Thank the customer for calling and for the time with us. Ask what made them think "
        "of cancelling, and let them finish: the first reason is not always the real one. "
        "Pick the reason that fits best and note their own words."
    ),
    S.DISSATISFIED: _(
        "Say you understand what went wrong, naming it specifically, and apologise for it. "
        "Then offer a remedy that fixes that very problem. After the remedy, ask whether it "
        "would make them happy to stay."
    ),
    S.FINANCIAL_BURDEN: _(
        "Acknowledge that money is tight and that this is a reasonable worry. Check whether "
        "the current fee can be adjusted; if it cannot, suggest a lower-priced product that "
        "keeps what they value."
    ),
    S.CONTRACT_CHANGE: _(
        "Ask what needs to change: a move, the term, the account holder, a long absence. If "
        "the change is possible, offer it; if not, suggest another product that fits the new "
        "situation."
    ),
    S.COMPETITOR: _(
        "Ask which company and what they offered, without criticising them. Explain what the "
        "customer keeps with us (care history, service, benefits) and present a benefit that "
        "answers the competitor's offer."
    ),
    S.OFFER_PRESENTED: _(
        "Read the offer and its terms plainly, including how long it lasts. Ask the customer "
        "whether they would like to accept it. No pressure: their answer is recorded either way."
    ),
    S.AWAITING_APPROVAL: _(
        "Tell the customer you are checking whether you can offer something special and ask "
        "them to hold for a moment. Check back with them every 30 seconds."
    ),
    S.CANCELLING: _(
        "Explain the quote line by line: the penalty on the remaining fees, the recovery of "
        "installation and registration fees, any refund, and the effective date. Agree on the "
        "pickup date. Thank the customer for their time with us and say they are welcome back."
    ),
    S.CALLBACK_SCHEDULED: _(
        "The customer wanted time to think. Confirm the callback time you promised and call "
        "back then; resume where you left off."
    ),
    S.RETAINED: _(
        "Confirm the new terms and when they start, and thank the customer for staying. We "
        "will call in a few days to check they are satisfied."
    ),
    S.CANCELLED: _(
        "The cancellation is booked. Confirm the pickup date and the refund procedure, thank "
        "the customer, and tell them the door stays open."
    ),
    S.WITHDRAWN: _("The customer kept the contract as it was. Thank them for calling."),
}
