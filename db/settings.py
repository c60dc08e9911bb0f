"""What the data layer needs to reach its database, read by the entry points only.

``service.settings.Settings`` extends this class with the service's own settings; the CLI
(``python -m db``) reads it alone. Below the entry points, the values are handed down as
arguments (``db.engine.build_engine(url, statement_timeout_ms)``).
"""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from db.history import DEFAULT_HISTORY_VERSIONS

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "var" / "iom-graph.sqlite3"
DEFAULT_DATABASE_URL = f"sqlite:///{DEFAULT_SQLITE_PATH}"
DEFAULT_STATEMENT_TIMEOUT_MS = 5000


class DatabaseSettings(BaseSettings):
    """Database settings from the environment (prefix ``IOM_GRAPH_``)."""

    model_config = SettingsConfigDict(env_prefix="IOM_GRAPH_", extra="ignore")

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL: sqlite:///path or postgresql+psycopg://user@host/db.",
    )
    statement_timeout_ms: int = Field(
        default=DEFAULT_STATEMENT_TIMEOUT_MS,
        ge=0,
        description="PostgreSQL statement_timeout for every statement.",
    )
    history_versions: int = Field(
        default=DEFAULT_HISTORY_VERSIONS,
        ge=1,
        description="How many dataset loads the change history keeps (older ones are deleted "
        "by the load that passes the bound).",
    )
