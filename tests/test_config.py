"""config.toml: every wrong value stops start-up with one line naming the key."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from curator import config as config_module
from curator.errors import ConfigError


def test_shipped_config_loads_with_sources_and_topics(project_config):
    assert len(project_config.sources) >= 15
    assert project_config.poll.interval == timedelta(hours=1)
    assert project_config.network.allow_private_networks is False


def test_relative_database_path_is_relative_to_the_config_file(tmp_path: Path):
    path = tmp_path / "c.toml"
    path.write_text('[curator]\ndatabase = "db/x.db"\n')
    assert config_module.load(path).curator.database == tmp_path / "db/x.db"


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ('[poll]\ninterval = "soon"', "poll.interval"),
        ("[poll]\ninterval = 5", "poll.interval"),
        ('[network]\nmax_connections = "ten"', "network.max_connections"),
        ("[network]\nmax_connections = 0", "network.max_connections"),
        ("[network]\nmax_redirects = 500", "network.max_redirects"),
        ('[network]\nallow_private_networks = "yes"', "network.allow_private_networks"),
        ("[poll]\ncolour = 1", "poll.colour"),
        ('[export]\nauthor_mode = "everyone"', "export.author_mode"),
        ("[relevance]\nthreshold = true", "relevance.threshold"),
        ("[learning]\nask_share = 0.9", "learning.ask_share"),
        ('[learning]\nask_share = "a fifth"', "learning.ask_share"),
        ('[[sources]]\nurl = "ftp://x"', "sources[0].url"),
        ('[[sources]]\nurl = "https://x.org/f"\ninterval = "often"', "sources[0].interval"),
        ('[[sources]]\nurl = "https://x.org/f"\ntags = "a"\ncolor = 1', "sources[0].color"),
        ('[[sources]]\nurl = "https://x.org/f"\nfilter = "none"', "sources[0].filter"),
        ("[[relevance.topics]]\nweight = 1", "relevance.topics[0].name"),
        ('[[relevance.topics]]\nname = "x"\nterms = [1]', "relevance.topics[0].terms"),
        ('[[language.terms]]\nterm = "addict"', "language.terms[0].instead"),
        ("curator = 3", "curator"),
    ],
)
def test_a_wrong_value_names_its_key_in_one_line(tmp_path: Path, toml: str, key: str):
    path = tmp_path / "c.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError) as caught:
        config_module.load(path)
    assert caught.value.key == key
    assert "\n" not in str(caught.value)
    assert key in str(caught.value)


def test_missing_and_broken_files_are_named(tmp_path: Path):
    with pytest.raises(ConfigError, match="file not found"):
        config_module.load(tmp_path / "nope.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[poll\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        config_module.load(broken)


def test_an_unreadable_config_path_is_one_line(tmp_path: Path):
    (tmp_path / "plain-file").write_text("not a folder")
    with pytest.raises(ConfigError, match=r"plain-file/config.toml: cannot be read \(Not a dir"):
        config_module.load(tmp_path / "plain-file" / "config.toml")


def test_environment_chooses_the_file(tmp_path: Path):
    path = tmp_path / "other.toml"
    path.write_text('[export]\ntitle = "Other"\n')
    loaded = config_module.load(env={"CURATOR_CONFIG": str(path)})
    assert loaded.export.title == "Other"


@pytest.mark.parametrize(
    ("text", "seconds"), [("90s", 90), ("30m", 1800), ("6h", 21600), ("2d", 172800), ("1w", 604800)]
)
def test_durations_are_human(text: str, seconds: int):
    assert config_module.parse_duration(text).total_seconds() == seconds
