"""Shared fixtures: a config pointing at a real SQLite file in tmp_path, the
store on it, and a fixed clock. Real HTTP comes from pytest-httpserver's
`httpserver` fixture (a real server on 127.0.0.1)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from curator import config as config_module
from curator.config import Config
from curator.store import Store

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def now() -> datetime:
    """The injected clock: a fixed, timezone-aware moment."""
    return NOW


@pytest.fixture
def make_config(tmp_path: Path) -> Callable[..., Config]:
    """Build a Config from TOML-like sections; the database and export go in tmp_path.

    make_config(poll={"interval": "30m"}, sources=[{"url": ..., "name": ...}])
    """

    def build(**sections: Any) -> Config:
        raw: dict[str, Any] = {
            "curator": {"database": str(tmp_path / "curator.db")},
            "network": {"allow_private_networks": True},
            "export": {"out_dir": str(tmp_path / "export")},
        }
        for name, body in sections.items():
            if isinstance(body, dict):
                raw.setdefault(name, {}).update(body)
            else:
                raw[name] = body
        return config_module.from_mapping(raw, root=tmp_path)

    return build


@pytest.fixture
def config(make_config: Callable[..., Config]) -> Config:
    return make_config()


@pytest.fixture
def store(config: Config) -> Iterator[Store]:
    opened = Store.open(config.curator.database)
    yield opened
    opened.close()


@pytest.fixture
def project_config() -> Config:
    """The shipped config.toml, as a new user gets it."""
    return config_module.load(ROOT / "config.toml")
