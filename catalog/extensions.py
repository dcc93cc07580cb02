"""Where the workflows plug into the catalog workspace, registered when they load (their
AppConfig.ready): the catalog sits below them and imports none of them.

- An offer's preview: how a workflow would treat the proposed offer (who it reaches, where
  it would rank on a sample call). Each registered function adds to the preview.
- The scripted steps: `catalog.scripts.scripts_register`.
"""

from collections.abc import Callable

_OFFER_PREVIEWS: list[Callable] = []


def offer_preview_register(preview: Callable) -> None:
    """`preview(request, form, proposed)` → a dict added to the offer's preview."""
    if preview not in _OFFER_PREVIEWS:
        _OFFER_PREVIEWS.append(preview)


def offer_preview_extend(request, form, proposed) -> dict:
    extra = {}
    for preview in _OFFER_PREVIEWS:
        extra.update(preview(request, form, proposed))
    return extra
