"""Demo history: months of closed cancellation calls, claims, win-backs and surveys, so the
dashboards have something true-looking to show, and `make bench` has a million requests to
aggregate. Everything goes in by COPY with ids reserved up front, then the reporting facts are
refreshed the same way beat refreshes them.

The shape is deliberate: financial reasons lead; one reason (a competitor's promotion) jumps
in the last week, so the spike alert has something to say; one costly offer saves customers
who leave again soon, so the over-discounting alert does too. `random.Random(seed)` makes
every run the same.

`seed.history_seed` runs it all; `requests`, `claims`, `win_back` and `surveys` make each
kind of row, `common` holds what they share.
"""
