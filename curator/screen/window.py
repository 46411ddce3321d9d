"""`StoryWindow`: the clustering index the service keeps from one extraction run to
the next, and when it is read again or built anew."""

from __future__ import annotations

from datetime import datetime, timedelta

from curator.models import ItemIdentity
from curator.screen.placement import LEAD_CHARS
from curator.screen.story_index import StoryIndex
from curator.store import Store


class StoryWindow:
    """The stories new entries may join, kept from one extraction run to the next.

    Built anew each run, the index took in ~8,000 stories every 2 minutes at 2,000
    sources (30,000 when a feed had edited an old entry), and that churn fragmented the
    heap: the service grew ~3.6 MB a day. Kept, it reads only the items numbered above
    the last it read (made by this process or another). It is built again, reaching a
    quarter window further back than asked (for retries of older entries), when a run
    needs older stories than it holds, when its oldest are more than 3/4 of a window
    older than a run needs (so about every half window), when the last item it saw or
    the newest it holds is not in the database as it read it (a restored copy), or when
    an editor merged or split items since it was built (a new labelled pair): built
    again from the entries as they are grouped now, it learns the merge and gives a
    split entry's words and address to its new item.
    An item's title, addresses and first-seen time never change (but by a split, which
    builds it again); the words of entries that join its items later are learned as this
    process places them (another process's joins are read when the index is built again)."""

    def __init__(self) -> None:
        self._index: StoryIndex | None = None
        self._built_from: datetime | None = None  # it holds the items first seen since
        self._last_seen: ItemIdentity | None = None  # the newest item when it last read
        self._corrections = 0  # the editors' last labelled pair when it was built

    def index(self, store: Store, earliest: datetime, window: timedelta) -> StoryIndex:
        """The stories first seen from `earliest` on, up to date with `store`."""
        newest = store.items.newest()  # before reading, so no item falls between
        corrections = store.stories.last_label_id()
        built_from, index = self._built_from, self._index
        if (
            index is None
            or built_from is None
            or not built_from <= earliest <= built_from + window * 3 / 4
            or not self._unchanged(store, index)
            or corrections != self._corrections
        ):
            self._index = index = None  # the old one goes before the new one is built
            self._corrections = corrections
            built_from = self._built_from = earliest - window / 4
            index = self._index = StoryIndex(store.stories.signatures(built_from, 0, LEAD_CHARS))
        else:
            read_up_to = self._last_seen[0] if self._last_seen else 0
            reports = store.stories.signatures(built_from, read_up_to, LEAD_CHARS)
            for report in [r for r in reports if r.item_id not in index]:
                index.add(report)  # another process's items, with all their reports
        self._last_seen = newest
        index.forget_before(earliest)
        return index

    def _unchanged(self, store: Store, index: StoryIndex) -> bool:
        """The last item it saw in the database, and the newest it holds, are there as
        it read them (title and first-seen time)."""
        last = self._last_seen
        if last is not None and store.items.identity(last[0]) != last:
            return False
        held = index.get(index.newest_id)
        return held is None or store.items.identity(held.item_id) == (
            held.item_id,
            held.title,
            held.first_seen_at,
        )
