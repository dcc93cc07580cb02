"""The offer engine: which offers this request may get, what each is worth, in which order.

- `eligibility`: the rules, pure (everything they need is passed in), so they can be tested
  directly and explain every refusal;
- `ranking`: what an offer is worth to the company, its evaluation, the order offers are
  made in and the acceptance history that breaks ties;
- `ab`: which arm of an A/B test a request sees;
- `loading`: what the rules need about one request, read in a fixed number of queries
  whatever the size of the catalog or the history, and the offers evaluated for it;
- `reach`: how many of today's active contracts an offer could be given to;
- `types`: the facts about a request and the verdict on one offer.

Money, in whole KRW over the contract's remaining term (the horizon, at least one month):
- cost = revenue given up by the offer + its fixed cost to the company;
- net value = the fees kept if the customer stays, minus the cost.
Offers are ranked by net value, then by how often they saved customers with the same
sub-reason (accepted / answered), best first.
"""
