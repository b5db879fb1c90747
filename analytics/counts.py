"""The `outcome_counts` table: one row per day, urgency and likelihood, with a count."""
from __future__ import annotations

import datetime
from pathlib import Path
from typing import Dict, Mapping, Optional, Tuple

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from pht.settings import settings_from

DEFAULT_DATABASE_URL = "sqlite:///var/analytics.db"
METADATA = sa.MetaData()
OUTCOME_COUNTS = sa.Table(
    "outcome_counts", METADATA,
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("urgency", sa.String(32), primary_key=True),
    sa.Column("likelihood", sa.String(32), primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
)
Key = Tuple[datetime.date, str, str]


def database_url(env: Optional[Mapping[str, str]] = None) -> str:
    """DATABASE_URL (pht/settings.py), or the worker's own SQLite file when unset."""
    return settings_from(env).sqlalchemy_database_url or DEFAULT_DATABASE_URL


class OutcomeCounts:
    def __init__(self, url: Optional[str] = None) -> None:
        url = url or database_url()
        if url.startswith("sqlite:///"):
            Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        self.engine = sa.create_engine(url)
        METADATA.create_all(self.engine)

    def add(self, day: datetime.date, urgency: str, likelihood: str) -> None:
        """One more outcome (one statement: safe with several consumers)."""
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        insert = dialect.insert(OUTCOME_COUNTS).values(day=day, urgency=urgency, likelihood=likelihood, count=1)
        upsert = insert.on_conflict_do_update(index_elements=["day", "urgency", "likelihood"],
                                              set_={"count": OUTCOME_COUNTS.c.count + 1})
        with self.engine.begin() as connection:
            connection.execute(upsert)

    def all(self) -> Dict[Key, int]:
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(OUTCOME_COUNTS).order_by(*OUTCOME_COUNTS.primary_key.columns))
            return {(row.day, row.urgency, row.likelihood): row.count for row in rows}
