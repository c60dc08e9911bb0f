"""The registry of issued API keys: one table every replica reads, managed by the operator
(``python -m db keys create|revoke|list``).

A key is shown once, when it is created; the table keeps only its SHA-256 digest, so a copy of
the database cannot be used to call the service. A key is 256 bits from ``secrets`` (so a plain
digest is enough: no salt or slow hash is needed against guessing), prefixed ``iomg_`` so that
secret scanners and people can tell what it is. A key carries a rate and burst of its own, or
none for the service's defaults. Revoking sets ``revoked_at``; the row stays, for the record.
"""

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import CheckConstraint, Engine, or_
from sqlmodel import Field, Session, SQLModel, col, select

KEY_PREFIX = "iomg_"
MAX_NAME_LENGTH = 64


class ApiKey(SQLModel, table=True):
    """An issued API key: its name, the digest of its secret, its budget and its life."""

    __tablename__ = "api_key"
    __table_args__ = (
        CheckConstraint("rate IS NULL OR rate > 0", name="ck_api_key_rate"),
        CheckConstraint("burst IS NULL OR burst > 0", name="ck_api_key_burst"),
    )
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=MAX_NAME_LENGTH, unique=True, index=True)
    digest: str = Field(max_length=64, unique=True, index=True)
    rate: float | None = None  # cost units regained per second; None: the service's default
    burst: int | None = None  # cost units at once; None: the service's default
    created_at: datetime
    revoked_at: datetime | None = None


@dataclass(frozen=True)
class ActiveKey:
    """What the service needs of an unrevoked key (never its secret)."""

    id: int
    name: str
    digest: str
    rate: float | None
    burst: int | None


class ApiKeyError(Exception):
    """An operator's request the registry refuses (a name taken, a key not found)."""


def digest_of(key: str) -> str:
    """The SHA-256 digest (hex) under which ``key`` is stored and looked up."""
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(
    engine: Engine, name: str, rate: float | None = None, burst: int | None = None
) -> tuple[ApiKey, str]:
    """Issue a key named ``name``: its row and the key itself, which nothing keeps."""
    if not name or len(name) > MAX_NAME_LENGTH or name.isdigit():
        raise ApiKeyError(
            f"a key's name is 1 to {MAX_NAME_LENGTH} characters and not only digits "
            f"(revoke takes a name or an id): got {name!r}"
        )
    if (rate is not None and rate <= 0) or (burst is not None and burst <= 0):
        raise ApiKeyError("--rate and --burst must be positive")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with Session(engine) as session:
        if session.exec(select(ApiKey).where(ApiKey.name == name)).first() is not None:
            raise ApiKeyError(f"a key named {name!r} exists already (names are never reused)")
        row = ApiKey(
            name=name,
            digest=digest_of(key),
            rate=rate,
            burst=burst,
            created_at=datetime.now(UTC),
        )
        session.add(row)
        session.commit()
        session.refresh(row)
    return row, key


def revoke_key(engine: Engine, name_or_id: str) -> ApiKey:
    """Revoke the key of that name (or id); revoking a revoked key is refused."""
    where = col(ApiKey.name) == name_or_id
    if name_or_id.isdigit():
        where = or_(where, col(ApiKey.id) == int(name_or_id))
    with Session(engine) as session:
        row = session.exec(select(ApiKey).where(where)).first()
        if row is None:
            raise ApiKeyError(f"no key named {name_or_id!r} or with that id")
        if row.revoked_at is not None:
            raise ApiKeyError(
                f"key {row.name!r} was revoked already at {row.revoked_at:%Y-%m-%d %H:%M:%S}"
            )
        row.revoked_at = datetime.now(UTC)
        session.add(row)
        session.commit()
        session.refresh(row)
    return row


def list_keys(engine: Engine) -> Sequence[ApiKey]:
    """Every key ever issued, oldest first (digests included, secrets never held)."""
    with Session(engine) as session:
        return session.exec(select(ApiKey).order_by(col(ApiKey.id))).all()


def active_keys(engine: Engine) -> dict[str, ActiveKey]:
    """The unrevoked keys by digest: one statement, what each replica refreshes."""
    statement = select(ApiKey).where(col(ApiKey.revoked_at).is_(None))
    with Session(engine) as session:
        rows = session.exec(statement).all()
    return {
        row.digest: ActiveKey(row.id or 0, row.name, row.digest, row.rate, row.burst)
        for row in rows
    }
