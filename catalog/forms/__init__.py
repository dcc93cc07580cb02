"""Forms of the catalog workspace. They hold every rule an edit must pass, so a restore or a
CSV import goes through exactly the same checks as a person typing (`catalog.services.versions`
and `catalog.services.imports` bind them to stored versions and import rows).

- `base`: what every catalog form shares (the version the editor started from);
- `offers`: the offer form and its checks;
- `items`: reasons, products, the customer-type playbook, step scripts, battlecards, and the
  CSV import form.
"""
