"""What the agent says on each kind of planned call, in our own words. Defaults that a
catalog admin's wording replaces; registered with the catalog when the app loads."""

from django.utils.translation import gettext_lazy as _

CALL_SCRIPTS = {
    "save_follow_up": _(
        "A few days ago the customer decided to stay. Ask how things are going with the new "
        "terms and whether anything still bothers them. Thank them for staying."
    ),
    "callback": _(
        "You promised to call back. Remind the customer where you left off and continue the "
        "conversation from there."
    ),
    "claim_interim": _(
        "Tell the customer where their claim stands and when the next step happens; keep the "
        "promised deadline in mind."
    ),
    "after_service": _(
        "The claim was closed a few days ago. Ask whether everything is working and whether "
        "they are satisfied with how it was handled. Thank them."
    ),
    "win_back": _(
        "Apologise that we lost them and listen to why they left, to the end. Diagnose the "
        "real reason (it may differ from what they said when leaving) and note it. Offer "
        "help with whatever went wrong, then an offer that fits: an offer, not a pitch."
    ),
    "care_check_in": _(
        "The customer came back to us. Ask how the product and the service have been since; "
        "note any problem and act on it at once."
    ),
    "care_review": _(
        "Six months since the customer returned: review their claims, service calls and "
        "payments since then with them, and thank them for their trust."
    ),
    "survey": _(
        "Ask the short satisfaction questions: a score from 1 to 5, anything they would like "
        "to add, and whether they would consider us again."
    ),
}
