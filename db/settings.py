"""What the data layer needs to reach its database, read by the entry points only.

``service.settings.Settings`` extends this class with the service's own settings; the CLI
(``python -m db``) reads it alone. Below the entry points, the values are handed down as
arguments (``db.engine.build_engine(url, statement_timeout_ms)``).
"""

from pathlib import Path

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from db.history import DEFAULT_HISTORY_VERSIONS

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SQLITE_FILE_NAME = "iom-graph.sqlite3"


def default_sqlite_path(code_root: Path = PROJECT_ROOT) -> Path:
    """Where the SQLite database lives unless ``IOM_GRAPH_DATABASE_URL`` says otherwise.

    In a checkout (``pyproject.toml`` beside the packages) it is ``var/`` of the checkout, as
    ``make run`` has always used; installed from a wheel the code sits in ``site-packages``,
    which is no place for data, so it is the user's data directory (platformdirs).
    """
    if (code_root / "pyproject.toml").is_file():
        return code_root / "var" / SQLITE_FILE_NAME
    return Path(platformdirs.user_data_dir("iom-graph", appauthor=False)) / SQLITE_FILE_NAME


DEFAULT_SQLITE_PATH = default_sqlite_path()
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
