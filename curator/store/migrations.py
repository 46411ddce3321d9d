"""The schema, as sqlite-utils 4 `Migrations`: append new ones, never edit old ones.

Plain tables with clear names, so the database reads well in `sqlite-utils` or
Datasette. Times are ISO 8601 UTC text; lists are JSON text.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

MIGRATIONS = Migrations("curator")


@MIGRATIONS()
def m001_sources_and_entries(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE sources (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,          -- normalised; moves on 301/308
            declared_url TEXT,                 -- as written in config.toml / by the user
            name TEXT NOT NULL,
            tags TEXT NOT NULL DEFAULT '[]',
            interval_seconds INTEGER,
            origin TEXT NOT NULL DEFAULT 'cli',  -- config | cli | opml
            enabled INTEGER NOT NULL DEFAULT 1,
            disabled_reason TEXT,
            etag TEXT,
            last_modified TEXT,
            body_hash TEXT,
            feed_title TEXT,
            feed_link TEXT,
            last_polled_at TEXT,
            last_status TEXT,                  -- ok | not_modified | unchanged | error
            last_http_status INTEGER,
            last_error TEXT,
            last_warning TEXT,
            consecutive_errors INTEGER NOT NULL DEFAULT 0,
            next_poll_at TEXT,
            created_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX sources_due ON sources(enabled, next_poll_at)")
    db.execute(
        """
        CREATE TABLE entries (
            id INTEGER PRIMARY KEY,
            source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
            entry_key TEXT NOT NULL,
            url TEXT,
            title TEXT NOT NULL DEFAULT '',
            author TEXT,
            published_at TEXT,                 -- falls back to first_seen_at
            updated_at TEXT,
            summary_html TEXT NOT NULL DEFAULT '',
            summary_text TEXT NOT NULL DEFAULT '',
            content_html TEXT NOT NULL DEFAULT '',
            image_url TEXT,
            tags TEXT NOT NULL DEFAULT '[]',
            content_hash TEXT NOT NULL,
            first_seen_at TEXT NOT NULL,
            changed_at TEXT NOT NULL,
            extract_status TEXT NOT NULL DEFAULT 'pending',
            extract_attempts INTEGER NOT NULL DEFAULT 0,
            extract_note TEXT,
            next_extract_at TEXT,
            item_id INTEGER REFERENCES items(id) ON DELETE SET NULL,
            UNIQUE (source_id, entry_key)
        )
        """
    )
    db.execute("CREATE INDEX entries_extract ON entries(extract_status, next_extract_at)")
    db.execute("CREATE INDEX entries_item ON entries(item_id)")
    db.execute("CREATE INDEX entries_url ON entries(url)")
    db.execute("CREATE INDEX entries_first_seen ON entries(first_seen_at)")


@MIGRATIONS()
def m002_articles_and_items(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE items (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            url TEXT NOT NULL,
            canonical_url TEXT,
            state TEXT NOT NULL DEFAULT 'new',
            version INTEGER NOT NULL DEFAULT 1,
            score REAL NOT NULL DEFAULT 0,
            topics TEXT NOT NULL DEFAULT '[]',
            reasons TEXT NOT NULL DEFAULT '[]',
            summary TEXT NOT NULL DEFAULT '',
            description TEXT NOT NULL DEFAULT '',
            outlets INTEGER NOT NULL DEFAULT 1,
            image_url TEXT,
            site_name TEXT,
            language TEXT,
            first_seen_at TEXT NOT NULL,
            published_at TEXT,
            updated_at TEXT,
            claimed_by TEXT,
            claim_expires_at TEXT,
            snoozed_until TEXT,
            reject_reason TEXT,
            changed_by TEXT,
            changed_at TEXT
        )
        """
    )
    db.execute("CREATE INDEX items_state_rank ON items(state, score DESC, first_seen_at DESC)")
    db.execute("CREATE INDEX items_url ON items(url)")
    db.execute("CREATE INDEX items_canonical ON items(canonical_url)")
    db.execute(
        """
        CREATE TABLE articles (
            entry_id INTEGER PRIMARY KEY REFERENCES entries(id) ON DELETE CASCADE,
            url TEXT NOT NULL,
            canonical_url TEXT,
            title TEXT NOT NULL DEFAULT '',
            author TEXT,
            published_at TEXT,
            site_name TEXT,
            image_url TEXT,
            language TEXT,
            text TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL,
            note TEXT,
            extracted_at TEXT NOT NULL
        )
        """
    )
    db.table("items").enable_fts(["title", "summary", "description"], create_triggers=True)


@MIGRATIONS()
def m003_desk_and_posts(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE history (
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            editor TEXT NOT NULL,
            from_state TEXT,
            to_state TEXT NOT NULL,
            note TEXT
        )
        """
    )
    db.execute("CREATE INDEX history_item ON history(item_id, id)")
    db.execute(
        """CREATE TRIGGER history_no_update BEFORE UPDATE ON history
           BEGIN SELECT RAISE(ABORT, 'history is append-only'); END"""
    )
    db.execute(
        """
        CREATE TABLE drafts (
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
            version INTEGER NOT NULL,
            title TEXT NOT NULL,
            tags TEXT NOT NULL DEFAULT '[]',
            body_markdown TEXT NOT NULL,
            editor TEXT NOT NULL,
            saved_at TEXT NOT NULL,
            UNIQUE (item_id, version)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE posts (
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL UNIQUE REFERENCES items(id),
            slug TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            body_markdown TEXT NOT NULL,
            body_html TEXT NOT NULL,
            source_url TEXT NOT NULL,
            source_name TEXT NOT NULL,
            image_url TEXT,
            tags TEXT NOT NULL DEFAULT '[]',
            editor TEXT NOT NULL,
            published_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            retracted_at TEXT,
            related TEXT                      -- JSON list of slugs, chosen at first export
        )
        """
    )
    db.execute("CREATE INDEX posts_published ON posts(retracted_at, published_at DESC)")
    db.table("posts").enable_fts(["title", "body_markdown"], create_triggers=True)


@MIGRATIONS()
def m010_export_posts_fts_on_text_change(db: Database) -> None:
    """Re-index a post's full text only when its text changes: the export writes the
    `related` column of every post, and re-indexing 10,000 posts for it took seconds."""
    db.execute("DROP TRIGGER IF EXISTS posts_au")
    db.execute(
        """
        CREATE TRIGGER posts_au AFTER UPDATE OF title, body_markdown ON posts BEGIN
          INSERT INTO posts_fts (posts_fts, rowid, title, body_markdown)
            VALUES ('delete', old.rowid, old.title, old.body_markdown);
          INSERT INTO posts_fts (rowid, title, body_markdown)
            VALUES (new.rowid, new.title, new.body_markdown);
        END
        """
    )


@MIGRATIONS()
def m011_desk_queue_indexes(db: Database) -> None:
    """The desk at 100,000 items: the queue walks `items_rank` in rank order and
    stops at --limit; --mine looks up the claim. An editor's claim or state change
    no longer re-indexes the item's text (only a change of the text does)."""
    db.execute(
        "CREATE INDEX items_rank ON items(score DESC, first_seen_at DESC, outlets DESC, id DESC)"
    )
    db.execute("CREATE INDEX items_claimed ON items(claimed_by, claim_expires_at)")
    db.execute("DROP TRIGGER IF EXISTS items_au")
    db.execute(
        """
        CREATE TRIGGER items_au AFTER UPDATE OF title, summary, description ON items BEGIN
          INSERT INTO items_fts (items_fts, rowid, title, summary, description)
            VALUES ('delete', old.rowid, old.title, old.summary, old.description);
          INSERT INTO items_fts (rowid, title, summary, description)
            VALUES (new.rowid, new.title, new.summary, new.description);
        END
        """
    )


@MIGRATIONS()
def m012_relevance_source_filter(db: Database) -> None:
    """A source may be all on topic (`filter = "all"`): its items skip the score."""
    db.execute("ALTER TABLE sources ADD COLUMN filter TEXT NOT NULL DEFAULT 'topics'")


@MIGRATIONS()
def m013_entry_cluster_reason(db: Database) -> None:
    """Why an entry is in its item ("same story: score 0.31 (text 0.35, ...)"), shown
    to editors beside each outlet's report."""
    db.execute("ALTER TABLE entries ADD COLUMN cluster_reason TEXT")


@MIGRATIONS()
def m013_story_labels(db: Database) -> None:
    """Editors' merges and splits: the pairs of entries they said are (or are not) one
    story, kept to measure clustering on this desk's own news (`curator stories eval`);
    the item a merged item went into, and the item a merged entry came from (so a split
    can put it back)."""
    db.execute(
        """
        CREATE TABLE story_labels (
            id INTEGER PRIMARY KEY,
            entry_a INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
            entry_b INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
            same INTEGER NOT NULL,             -- 1: one story, 0: two stories
            editor TEXT NOT NULL,
            at TEXT NOT NULL,
            CHECK (entry_a < entry_b AND same IN (0, 1))
        )
        """
    )
    db.execute("CREATE INDEX story_labels_pair ON story_labels(entry_a, entry_b, id)")
    db.execute(
        "ALTER TABLE items ADD COLUMN merged_into INTEGER REFERENCES items(id) ON DELETE SET NULL"
    )
    db.execute(
        "ALTER TABLE entries ADD COLUMN merged_from INTEGER REFERENCES items(id) ON DELETE SET NULL"
    )


@MIGRATIONS()
def m014_learning(db: Database) -> None:
    """What the editors keep, learned: imported labels, the model's versions as plain
    numbers (JSON, never pickle), and each item's probability and reasons. The queue
    ranks by the probability (0.5 while no model is used), then by the rules' score."""
    db.execute(
        """
        CREATE TABLE labels (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT '',
            relevant INTEGER NOT NULL,
            origin TEXT NOT NULL,             -- the file it was imported from
            added_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE learned_models (
            version INTEGER PRIMARY KEY,
            trained_at TEXT NOT NULL,
            decisions INTEGER NOT NULL,
            positives INTEGER NOT NULL,
            negatives INTEGER NOT NULL,
            active INTEGER NOT NULL,
            held_back TEXT,                   -- JSON: the figures that switched it on (or not)
            weights TEXT NOT NULL,            -- JSON: vocabularies, idf, coefficients
            seconds REAL NOT NULL DEFAULT 0
        )
        """
    )
    db.execute("ALTER TABLE items ADD COLUMN learned REAL")
    db.execute("ALTER TABLE items ADD COLUMN learned_reasons TEXT")
    db.execute("ALTER TABLE items ADD COLUMN learned_version INTEGER")
    db.execute(
        "CREATE INDEX items_learned_rank ON items(coalesce(learned, 0.5) DESC, score DESC,"
        " first_seen_at DESC, outlets DESC, id DESC)"
    )


@MIGRATIONS()
def m016_images_and_digests(db: Database) -> None:
    """A post's lead image, fetched and re-encoded at publish time: its renditions'
    bytes (one row a width), on the post what the pages say of it (JSON), on the
    draft its alt text. And the weekly digests."""
    db.execute(
        "CREATE TABLE post_images (item_id INTEGER NOT NULL REFERENCES items(id), "
        "width INTEGER NOT NULL, height INTEGER NOT NULL, data BLOB NOT NULL, "
        "PRIMARY KEY (item_id, width))"
    )
    db.execute("ALTER TABLE posts ADD COLUMN image TEXT")
    db.execute("ALTER TABLE drafts ADD COLUMN image_alt TEXT NOT NULL DEFAULT ''")
    # The weekly digest: the weeks made, and each recipient's copy, claimed before it
    # is sent and marked after: a crash between the two never sends a second copy.
    db.execute("CREATE TABLE digests (week TEXT PRIMARY KEY, made_at TEXT NOT NULL)")
    db.execute(
        "CREATE TABLE digest_sends (week TEXT NOT NULL REFERENCES digests(week), "
        "recipient TEXT NOT NULL, state TEXT NOT NULL CHECK (state IN ('sending', 'sent')), "
        "at TEXT NOT NULL, PRIMARY KEY (week, recipient))"
    )


@MIGRATIONS()
def m013_post_also_covered_by(db: Database) -> None:
    """The other outlets that covered a post's story when it was published (JSON list),
    credited under the post: "Also covered by ..."."""
    db.execute("ALTER TABLE posts ADD COLUMN also_covered_by TEXT")


@MIGRATIONS()
def m016_image_alt_suggestion(db: Database) -> None:
    """The page's own description of its lead image (og:image:alt), on the article and
    on the item: the draft template offers it to the editor, who confirms or rewrites it."""
    db.execute("ALTER TABLE articles ADD COLUMN image_alt TEXT")
    db.execute("ALTER TABLE items ADD COLUMN image_alt TEXT")


@MIGRATIONS()
def m014_asking(db: Database) -> None:
    """When the queue began asking the editors about an item the model is unsure of
    (NULL: it is not asking); the few asked items are found by a partial index."""
    db.execute("ALTER TABLE items ADD COLUMN asked_at TEXT")
    db.execute("CREATE INDEX items_asking ON items(asked_at) WHERE asked_at IS NOT NULL")
