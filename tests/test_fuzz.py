"""Whatever an author types, the loader answers with a portal or a ContentError, nothing else."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.source.load import load_portal
from generator.text.errors import ContentError
from tests.helpers import ROOT

EXAMPLES = sorted((ROOT / "phases").glob("*.yml"))
FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,  # the same examples on every run: CI never fails by chance
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.sampled_from(["free", "atx", "guide", "https://x.example/", "導入"]),
)
keys = st.one_of(
    st.sampled_from(["id", "kind", "tier", "title", "programs", "sessions", "starts", "page"]),
    st.text(max_size=8),
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=5)),
    max_leaves=20,
)


def load_with(name: str, data: bytes) -> None:
    """Load the example portal with `name` replaced by `data`, in a fresh copy each time."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(ROOT / "phases", root / "phases")
        shutil.copytree(ROOT / "content", root / "content")
        (root / "phases" / name).write_bytes(data)
        loads_or_reports(root)


def loads_or_reports(root: Path) -> None:
    try:
        load_portal(root / "phases", root / "content", root=root)
    except ContentError as exc:
        assert exc.problems, "an error always says what is wrong"
        assert all(p.file and p.line >= 1 for p in exc.problems)


@FUZZ
@given(doc=documents, name=st.sampled_from([p.name for p in EXAMPLES]))
def test_arbitrary_yaml_documents(doc: object, name: str) -> None:
    load_with(name, yaml.safe_dump(doc, allow_unicode=True).encode("utf-8"))


CHUNKS = [
    b":",
    b"- ",
    b"\t",
    b"{",
    b"]",
    b"&a",
    b"*a",
    b"\xff",
    b"\n  ",
    b"'",
    b"#",
    b"!!python/object:os.system",
]


@st.composite
def mutations(draw: st.DrawFn) -> tuple[str, bytes]:
    """An example file with a few bytes deleted, duplicated, replaced or inserted."""
    path = draw(st.sampled_from(EXAMPLES))
    data = bytearray(path.read_bytes())
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data) - 1))
        span = draw(st.integers(1, 12))
        how = draw(st.sampled_from(["delete", "duplicate", "replace", "insert"]))
        if how == "delete":
            del data[at : at + span]
        elif how == "duplicate":
            data[at:at] = data[at : at + span]
        else:
            chunk = draw(st.sampled_from(CHUNKS))
            data[at : at + (span if how == "replace" else 0)] = chunk
    return path.name, bytes(data)


@FUZZ
@given(mutation=mutations())
def test_mutated_example_files(mutation: tuple[str, bytes]) -> None:
    load_with(*mutation)
