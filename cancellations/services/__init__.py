"""One service per step of the cancellation logic tree.

Each service: opens a transaction, locks the request row (`select_for_update`), checks the
step is possible for this user now (refusing with a message otherwise, changing nothing),
runs the django-fsm transition, saves, writes the audit entry, and plans follow-up calls as
database rows. Views, Celery tasks and a future HTTP API call these alike.

`expected_state` is the state the caller last saw (the console sends it with every click).
If someone else has moved the request since, the service raises `Conflict` instead of
acting on a state the agent never saw: of two agents clicking at once, exactly one wins.

- `opening`: a request opened for a contract, and the customer's reason;
- `offers`: an offer presented, approved or denied by a supervisor, accepted or declined;
- `closing`: the way out (insisting, the quote, reconsidering, the confirmation) and the
  pauses and endings (a callback, resuming, withdrawing);
- `handling`: the notes, customer type and manager request every handled call has;
- `common`: what the services share (the locked request, an offer's answer).
"""
