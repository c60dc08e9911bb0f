"""The longest text each argument accepts, checked before any database access.

Each maximum is documented in the argument's SDL description and in README's limits table.
Without them, a long value reached the database: SQLite refuses LIKE patterns above 50 000
characters, which read as an outage.
"""

from resolvers.errors import UserInputError

MAX_SLUG_LENGTH = 64  # the slug columns' length (db/models.py)
MAX_ACRONYM_LENGTH = 32  # the longest acronym of the dataset has 11 characters
MAX_FILTER_TEXT_LENGTH = 100  # as search text (resolvers/search.py)
MAX_ID_LENGTH = 128  # a global ID is base64 of "Type:slug", at most 112 characters
MAX_CURSOR_LENGTH = 64  # a cursor is base64 of "offset:N", at most 36 characters


def check_length(value: str, argument: str, maximum: int) -> str:
    """``value`` when it has at most ``maximum`` characters; else a BAD_USER_INPUT naming the
    argument and the limit."""
    if len(value) > maximum:
        raise UserInputError(
            f"`{argument}` is {len(value)} characters long; at most {maximum} are accepted",
            argument,
        )
    return value
