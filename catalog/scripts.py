"""The scripts agents read: every scripted step and kind of call, its default wording and a
catalog admin's wording, which replaces the default (`StepScript`, versioned).

The catalog does not know the workflows' steps: each workflow registers its own when it
loads (`scripts_register` in its AppConfig.ready), with the label of the step and the
default text, and reads its script back with `script_for`.
"""

from catalog.live import LiveCatalog, catalog_live

_DEFAULTS: dict[str, tuple] = {}  # key: (label, default text), in registration order


def scripts_register(entries: dict) -> None:
    """`entries`: key → (label, default text), both lazily translated."""
    _DEFAULTS.update(entries)


def script_keys() -> list[tuple[str, str]]:
    """Every scripted step and call kind, with its label (the catalog's choices)."""
    return [(key, str(label)) for key, (label, _text) in _DEFAULTS.items()]


def script_default(key: str) -> str:
    return str(_DEFAULTS[key][1]) if key in _DEFAULTS else ""


def script_for(key: str, catalog: LiveCatalog | None = None) -> str:
    """What to say: the catalog admin's wording (from the live catalog), else the default."""
    edited = (catalog or catalog_live()).scripts.get(key)
    return edited.text if edited else script_default(key)
