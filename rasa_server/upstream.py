"""How every patch of Rasa is installed (`replace`), and Rasa's own code it replaced, kept
(`upstream`): tests/test_upstream.py runs that code to show the fault each patch corrects is
still in the installed Rasa. When one of those tests fails after an upgrade, Rasa no longer
behaves so, and its patch in `rasa_server/patches.py`'s `PATCHES` can go."""
from __future__ import annotations

from typing import Any, Dict, Tuple

_replaced: Dict[Tuple[int, str], Tuple[Any, Any]] = {}  # (owner, its own value) by (id(owner), name)


def _own(owner: Any, name: str) -> Any:
    """The attribute as the owner declares it (a class's staticmethod as a staticmethod)."""
    if isinstance(owner, type):
        for klass in owner.__mro__:
            if name in vars(klass):
                return vars(klass)[name]
    return getattr(owner, name)


def replace(owner: Any, name: str, value: Any) -> None:
    """Set `owner.name` to `value`, remembering Rasa's own the first time."""
    _replaced.setdefault((id(owner), name), (owner, _own(owner, name)))
    setattr(owner, name, value)


def upstream(owner: Any, name: str) -> Any:
    """Rasa's own `owner.name`, whether or not a patch replaced it in this process."""
    replaced = _replaced.get((id(owner), name))
    return replaced[1] if replaced is not None else _own(owner, name)
