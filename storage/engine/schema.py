"""SQLAlchemy Core tables: the one description of the database for SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from storage.limits import NAME_LENGTH, UNIT_LENGTH


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that always comes back timezone-aware in UTC (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware UTC time")
        if value is not None and dialect.name == "sqlite":
            return value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

organizations = Table(
    "organizations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(NAME_LENGTH), nullable=False, unique=True),
    Column("country", String(2), nullable=False),
    Column("source", Text, nullable=False, default=""),
)

models = Table(
    "models",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(NAME_LENGTH), nullable=False, unique=True),
    Column("org_id", Integer, ForeignKey("organizations.id"), nullable=False, index=True),
    Column("released", Date, nullable=True),
    Column("release_precision", String(7), nullable=True),  # day | month | quarter
    Column("params_b", Float, nullable=True),  # billions of parameters
    Column("context_tokens", Integer, nullable=True),
    Column("weights", String(6), nullable=True),  # open | closed
    Column("licence", String(NAME_LENGTH), nullable=True),
    Column("access", String(10), nullable=False, default="unknown"),  # until a source says
    Column("access_note", Text, nullable=True),
    Column("source", Text, nullable=False, default=""),
)

# Every name a model, organization or benchmark answers to, canonical name included,
# keyed by its normalized form (case, spaces, hyphens and dots ignored).
names = Table(
    "names",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(12), nullable=False),  # model | organization | benchmark
    Column("key", String(NAME_LENGTH), nullable=False),
    Column("label", String(NAME_LENGTH), nullable=False),
    Column("entity_id", Integer, nullable=False),
    UniqueConstraint("kind", "key", name="uq_names_kind_key"),
    Index("ix_names_entity", "kind", "entity_id"),
)

benchmarks = Table(
    "benchmarks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(NAME_LENGTH), nullable=False, unique=True),
    Column("description", Text, nullable=False, default=""),
    Column("unit", String(UNIT_LENGTH), nullable=False, default="points"),
    Column("higher_is_better", Boolean, nullable=False, default=True),
    Column("min_value", Float, nullable=True),
    Column("max_value", Float, nullable=True),
    Column("source", Text, nullable=False, default=""),
)

# One row per (model, benchmark, source) report. `is_current` marks the newest report of
# each pair, the one analyses use; the others stay as sources.
scores = Table(
    "scores",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("model_id", Integer, ForeignKey("models.id"), nullable=False),
    Column("benchmark_id", Integer, ForeignKey("benchmarks.id"), nullable=False),
    # The model's organization's country and its release date, kept here so that the
    # scores of one country on a benchmark, with their dates, are a range of one index (the
    # lag reads them on every /gap). They follow the model: storage.models.edit_model.
    Column("country", String(2), nullable=False),
    Column("released", Date, nullable=True),
    Column("value", Float, nullable=False),
    Column("stderr", Float, nullable=True),
    Column("reported_on", Date, nullable=False),
    Column("source", Text, nullable=False),
    Column("added_by", String(100), nullable=False),
    Column("is_current", Boolean, nullable=False, default=True),
    UniqueConstraint("model_id", "benchmark_id", "source", name="uq_scores_pair_source"),
    Index("ix_scores_model_current", "model_id", "is_current"),
    Index("ix_scores_benchmark_current", "benchmark_id", "is_current", "value", "model_id"),
    Index(
        "ix_scores_benchmark_country",
        "benchmark_id",
        "is_current",
        "country",
        "value",
        "released",
        "model_id",
    ),
)

forecasts = Table(
    "forecasts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("who", String(NAME_LENGTH), nullable=False),
    Column("claim", Text, nullable=False),
    Column("said_on", Date, nullable=True),
    Column("source", Text, nullable=False),
    Column("window_from", Date, nullable=False),
    Column("window_to", Date, nullable=False),
    Column("condition", Text, nullable=True),
    Column("status", String(10), nullable=False, default="open"),  # open|hit|missed|withdrawn
    Column("resolved_on", Date, nullable=True),
    Column("resolution_note", Text, nullable=True),
    Column("added_by", String(100), nullable=False),
)

news = Table(
    "news",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("headline", Text, nullable=False),
    Column("happened_on", Date, nullable=True),
    Column("source", Text, nullable=False),
    Column("model_id", Integer, ForeignKey("models.id"), nullable=True),
    Column("org_id", Integer, ForeignKey("organizations.id"), nullable=True),
    Column("added_by", String(100), nullable=False),
)

# Everything that happens, recorded once; alerts and digests are made from these rows.
events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(20), nullable=False),  # release|score|forecast|resolved|lead|access|news
    Column("at", UTCDateTime(), nullable=False, index=True),
    Column("summary", Text, nullable=False),
    Column("model", String(NAME_LENGTH), nullable=True),
    Column("organization", String(NAME_LENGTH), nullable=True),
    Column("country", String(2), nullable=True),
    Column("benchmark", String(NAME_LENGTH), nullable=True),
    Column("batch", String(40), nullable=True),  # one bulk import shares a batch
    Column("payload", JSON, nullable=False, default=dict),
    # Undone with its write (`/admin undo`): kept as history, left out of what is said next.
    Column("undone", Boolean, nullable=False, server_default=false()),
)

# Every change: who, when, what it did, and each row's before and after (for undo).
audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime(), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("action", Text, nullable=False),
    Column("changes", JSON, nullable=False),
    Column("undone_by", Integer, nullable=True),
    Column("event_runs", JSON, nullable=True),  # the events it appended: [[first, last], ...]
)

# A channel's subscription (one per platform, workspace and channel): what it follows,
# how (instant alerts, a digest schedule or both) and whether delivery is paused.
subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("platform", String(10), nullable=False),  # discord | slack | console
    Column("workspace_id", String(40), nullable=False),
    Column("channel_id", String(40), nullable=False),
    Column("topics", JSON, nullable=False),  # ["leads", "scores", ...]
    Column("filters", JSON, nullable=False),  # [{"key": "org", "value": "...", "exclude": false}]
    Column("instant", Boolean, nullable=False, default=True),
    Column("format", String(10), nullable=False, default="condensed"),  # condensed | full
    Column("digest", String(6), nullable=True),  # daily | weekly | None (no digest)
    Column("digest_time", String(5), nullable=False, default="09:00"),  # HH:MM local
    Column("timezone", String(64), nullable=False, default="UTC"),  # IANA name
    Column("weekday", Integer, nullable=True),  # 0 = Monday, weekly digests only
    Column("post_empty", Boolean, nullable=False, default=False),
    Column("digest_since", UTCDateTime(), nullable=True),  # when the schedule was set
    Column("digest_through", UTCDateTime(), nullable=True),  # the last period planned
    Column("digest_cursor", Integer, nullable=False, default=0),  # events before: not digested
    Column("paused_reason", Text, nullable=True),
    Column("paused_at", UTCDateTime(), nullable=True),
    Column("mention", String(40), nullable=True),  # role / user group pinged on lead changes
    Column("created_by", String(100), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    UniqueConstraint("platform", "workspace_id", "channel_id", name="uq_subscriptions_channel"),
)

# The outbox: one row per (subscription, message owed), written in the transaction that
# creates the events; the delivery worker claims, sends and marks each row once.
deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "subscription_id",
        Integer,
        ForeignKey("subscriptions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("key", String(80), nullable=False),  # change:<first event> | batch:<id> | digest:<end>
    Column("kind", String(6), nullable=False),  # events | batch | digest | revert
    Column("event_ids", JSON, nullable=False, default=list),  # kind events: what it says
    Column("batch", String(40), nullable=True),
    Column("cursor_from", Integer, nullable=True),  # digest: events after this id ...
    Column("cursor_to", Integer, nullable=True),  # ... up to and including this one
    Column("period_end", UTCDateTime(), nullable=True),
    Column("status", String(8), nullable=False, default="pending"),
    # pending | sending | sent | paused | failed | skipped
    Column("attempts", Integer, nullable=False, default=0),
    Column("not_before", UTCDateTime(), nullable=True),
    Column("lease_until", UTCDateTime(), nullable=True),
    Column("claimed_by", String(60), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("message_ref", String(40), nullable=True),  # Discord message id, Slack ts
    Column("reply_to", String(40), nullable=True),  # kind revert: the message it corrects
    Column("created_at", UTCDateTime(), nullable=False),
    Column("sent_at", UTCDateTime(), nullable=True),
    UniqueConstraint("subscription_id", "key", name="uq_deliveries_subscription_key"),
    Index("ix_deliveries_due", "status", "not_before"),
    Index("ix_deliveries_subscription", "subscription_id", "created_at"),
)

FEED_NAME_LENGTH = 40  # a feed's short name (`hf-deepseek-ai`)

# A public source polled on a schedule (storage/feeds.py): its kind, trust and last sync.
feeds = Table(
    "feeds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(FEED_NAME_LENGTH), nullable=False, unique=True),
    Column("kind", String(20), nullable=False),  # epoch | huggingface | openrouter | rss
    Column("url", Text, nullable=False),
    Column("trust", String(6), nullable=False),  # auto | review
    Column("every_s", Integer, nullable=False),  # seconds between polls
    Column("status", String(8), nullable=False, default="new"),  # new | ok | failing
    Column("last_error", Text, nullable=True),
    Column("failures", Integer, nullable=False, default=0),  # this failure streak
    Column("etag", Text, nullable=True),
    Column("last_modified", Text, nullable=True),
    Column("body_hash", String(64), nullable=True),
    Column("last_sync_at", UTCDateTime(), nullable=True),
    Column("last_change_at", UTCDateTime(), nullable=True),
    Column("next_run_at", UTCDateTime(), nullable=True),
    Column("created_by", String(100), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)

# Every item a feed has listed, once: a new item is one whose key is not here yet.
feed_items = Table(
    "feed_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("feed_id", Integer, ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False),
    Column("key", String(300), nullable=False),  # kind-wide: hf:deepseek-ai/DeepSeek-V4
    Column("seen_at", UTCDateTime(), nullable=False),
    UniqueConstraint("feed_id", "key", name="uq_feed_items_feed_id"),
)

# What a review feed proposes (a new model, a release date, news) until a curator decides.
proposals = Table(
    "proposals",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("feed_id", Integer, ForeignKey("feeds.id", ondelete="SET NULL"), nullable=True),
    Column("feed_name", String(40), nullable=False),
    Column("item_key", String(300), nullable=False),
    Column("kind", String(8), nullable=False),  # model | release | news
    Column("subject", String(200), nullable=False),  # the model's name, or the headline
    Column("subject_key", String(200), nullable=False),  # normalized: finds the same model
    Column("model_id", Integer, nullable=True),  # the known model it enriches, if any
    Column("payload", JSON, nullable=False),
    Column("evidence", Text, nullable=False),  # the item's link
    Column("status", String(8), nullable=False, default="pending"),  # pending|approved|rejected
    Column("created_at", UTCDateTime(), nullable=False),
    Column("decided_by", String(100), nullable=True),
    Column("decided_at", UTCDateTime(), nullable=True),
    Index("ix_proposals_status", "status", "id"),
    Index("ix_proposals_item", "item_key"),
    Index("ix_proposals_subject", "subject_key", "status"),
)

# A platform's global rate limit shared by every process of one bot (storage/pace.py): one
# row per place in its one-second window; a place is taken before a send and comes free a
# second after the answer (`free_at`, seconds since the epoch on the database's clock).
pace_places = Table(
    "pace_places",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("bucket", String(40), nullable=False),  # discord:<hash of the bot's token>
    Column("place", Integer, nullable=False),
    Column("holder", String(60), nullable=True),  # the worker sending with it, if any
    Column("free_at", Float(precision=53), nullable=False),
    UniqueConstraint("bucket", "place", name="uq_pace_places_bucket_place"),
)

# An import being written in steps (storage/bulk/staging.py): each table's run of ids that
# holds its rows, hidden from every reader until the publish deletes this row. SQLite only.
import_staging = Table(
    "import_staging",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("table_name", String(40), nullable=False, unique=True),
    Column("first_id", Integer, nullable=False),
    Column("last_id", Integer, nullable=False),
    Column("batch", String(40), nullable=False),
    Column("owner", String(200), nullable=False),  # host:pid of the import writing it
    Column("touched_at", UTCDateTime(), nullable=False),  # its last committed step
)
