"""Polling: the layer where fetch, parse, schedule and the store meet.

`poll_due` is what `curator poll` and the service's job run; `add_source` and
`import_sources` are how sources arrive from the command line and OPML.
"""

from curator.poll.report import PollReport, SourceOutcome
from curator.poll.run import poll_due
from curator.poll.sources import add_source, import_sources

__all__ = ["PollReport", "SourceOutcome", "add_source", "import_sources", "poll_due"]
