"""Dense static word vectors for the learned model: a text's meaning as one short vector,
so that "Al-Anon", "a loved one in treatment" and "a parent who drinks" land near each
other even when the editors have decided only one of them.

The vectors are WordLlama's (the `wordllama` package ships its table and tokenizer inside
the wheel: nothing is downloaded). Its module is not imported: it sets up the root logger
when imported, and only its two data files are needed. The table is loaded once, when the
model first trains or scores, never on the poll path.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.metadata
import importlib.util
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from curator.errors import CuratorError

PACKAGE = "wordllama"
CONFIG = "l2_supercat"  # the Llama-2-vocabulary table the wheel bundles
STORED_DIMENSIONS = 256  # the bundled file's width (its vectors are truncatable)
WORDS_CACHED = 200_000  # words whose token ids are kept (a few tens of MB at most)


class VectorsError(CuratorError):
    """The word vectors' package is not installed, or a stored model was trained on other
    vectors than the installed ones."""


@dataclass(frozen=True)
class Table:
    """The token vectors a model was trained on, and their name."""

    name: str  # package, version, table and width: a model records it
    vectors: np.ndarray  # (tokens, dimensions), float32


def table_name(dimensions: int) -> str:
    """What a model trained on these vectors records, e.g. "wordllama 0.4.0.post1
    l2_supercat 128": another version or width gives other numbers. "" when the package
    is not installed."""
    try:
        version = importlib.metadata.version(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        return ""
    return f"{PACKAGE} {version} {CONFIG} {dimensions}"


def width(name: str) -> int:
    """The dimensions a `table_name` names (0 for a name that is not one)."""
    last = name.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


@functools.cache
def load(dimensions: int) -> Table:
    """The bundled table, cut to its first `dimensions` columns (WordLlama's vectors are
    trained so that a prefix still works)."""
    from safetensors import safe_open

    weights = _package_folder() / "weights" / f"{CONFIG}_{STORED_DIMENSIONS}.safetensors"
    with _readable(weights), safe_open(str(weights), framework="np") as file:
        vectors = file.get_tensor("embedding.weight")[:, :dimensions]
    return Table(table_name(dimensions), np.ascontiguousarray(vectors, dtype=np.float32))


@functools.cache
def _tokenizer() -> Any:
    from tokenizers import Tokenizer

    path = _package_folder() / "tokenizers" / f"{CONFIG}_tokenizer_config.json"
    with _readable(path):
        tokenizer = Tokenizer.from_file(str(path))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer


@contextlib.contextmanager
def _readable(path: Path) -> Iterator[None]:
    """Any failure to read one of the package's files as a `VectorsError` naming it
    (safetensors and tokenizers raise their own kinds, or a bare `Exception`)."""
    try:
        yield
    except Exception as error:
        raise VectorsError(f"the word vectors cannot be read from {path}: {error}") from error


def _package_folder() -> Path:
    """The installed package's folder, found without running its `__init__`."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise VectorsError(f"{PACKAGE} is not installed: pip install {PACKAGE}")
    return Path(next(iter(spec.submodule_search_locations)))


@functools.lru_cache(maxsize=WORDS_CACHED)
def _word_ids(word: str) -> tuple[int, ...]:
    """One word's token ids. The tokenizer never joins two words into one token (on the
    616 labelled rows, word by word gives the same ids as the whole text), and a text
    repeats its words: a cached look-up is a fraction of the tokenizer's 0.5 µs a character."""
    return tuple(_tokenizer().encode(word, add_special_tokens=False).ids)


def embed(table: Table, texts: Sequence[str]) -> np.ndarray:
    """Each text's `vector`, one row per text."""
    found = np.zeros((len(texts), table.vectors.shape[1]))
    for row, text in enumerate(texts):
        found[row] = vector(table, text)
    return found


def vector(table: Table, text: str) -> np.ndarray:
    """The text's token vectors averaged, at length 1 (the sum has the mean's direction;
    a text with no tokens gives zeros)."""
    ids = [i for word in text.split() for i in _word_ids(word)]
    if not ids:
        return np.zeros(table.vectors.shape[1])
    total = table.vectors.take(ids, axis=0).sum(axis=0, dtype=np.float64)
    return unit(total)


def unit(values: np.ndarray) -> np.ndarray:
    """`values` at length 1 (zeros stay zeros)."""
    norm = math.sqrt(float(values @ values))
    return values / norm if norm else values


def normalised(rows: np.ndarray) -> np.ndarray:
    """Each row at length 1 (a row of zeros stays zeros)."""
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0)
