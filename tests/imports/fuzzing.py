"""Hypothesis strategies for malformed import input."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

# Any JSON value, a little hostile: NaN, huge numbers, NUL bytes, lone surrogates.
json_leaves = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
    | st.sampled_from(["", "\x00", "6834688", "503879", "1e400", "nan", "-0", "99999-9", "24:00"])
)
json_values = st.recursive(
    json_leaves,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=25,
)
hostile_values = (
    json_values
    | st.just("x" * 100_000)
    | st.just("\x00" * 50)
    | st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=300)
)


def paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value inside nested dicts and lists."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


@st.composite
def mutated(draw: st.DrawFn, document: Any, max_mutations: int = 6) -> Any:
    """``document`` with keys deleted and values replaced by wrong types, huge strings, NUL
    bytes and nonsense coordinates."""
    document = copy.deepcopy(document)
    for _ in range(draw(st.integers(min_value=1, max_value=max_mutations))):
        candidates = paths(document)
        if not candidates:
            break
        path = draw(st.sampled_from(candidates))
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(hostile_values)
    return document
