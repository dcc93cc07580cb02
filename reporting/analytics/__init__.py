"""Analytics for the supervisor dashboards, read from the reporting facts.

Every figure comes from `RequestFact` / `ClaimFact` (one narrow row per closed request or
claim, see `reporting.models`), `WinBackCase` and `Survey`, each breakdown one indexed
aggregate query. Every table is a `Table`: the page shows it (the longest ones only their
first rows, `PAGE_ROWS`), the chart draws from it, and `/desk/dashboards/<name>.csv` streams
all of it.

Definitions (also on the page):
- save rate = retained ÷ (retained + cancelled), over requests closed in the period;
- re-churn at N months = saves at least N months old whose contract was cancelled within N
  months of the save, ÷ saves at least N months old;
- fees kept = the monthly fee after the offer times the months the customer stayed (to the end
  of the term, or to the re-churn), at most `RETENTION_KEPT_HORIZON_MONTHS`; net = fees kept
  minus what the offer cost. An offer whose net is ≤ 0 is over-discounting;
- recovery rate = won back ÷ targeted (the called tiers), against the ~30% of the source;
- intensive-care retention = won-back customers at least 6 months back whose new contract
  is still running, ÷ all of them.

The modules (import from them; this package re-exports nothing):
- `filters`: `Filters`, what the query string narrows and over which period, and the choices
  of the filter bar;
- `labels`: `Labels`, names for the ids and codes the facts hold;
- `tables`: `Table` and `Column`, every table by name (`TABLES`, `PAGE_ROWS`) and the tabs
  they are on, with each tab's default period;
- one module of figures per tab: `save_rate`, `quality`, `reasons`, `winback`, `claims`,
  `satisfaction`, `coaching`;
- `export`: the rows of the CSV of every closed request;
- `common`: the rate arithmetic the figures share.
"""
