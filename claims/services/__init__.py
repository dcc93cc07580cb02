"""One service per step of the claim workflow, plus post-handling and compensation.

Same shape as the cancellation services: lock the row, compare the state the caller saw,
record the step's input, run the transition (its guard refuses missing input with a
message), save, audit, and plan calls as rows. Nothing is half-written: every service is
one transaction.

Import each service from its module: `opening` (a claim is opened), `steps` (the seven
steps and the revise/escalate/instruct detours), `post_handling` (the promised deadline and
the sweep), `compensation`, `handling` (notes, customer type, a manager asked for); `common`
holds what they share.
"""
