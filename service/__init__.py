"""The HTTP service around the schema: ``create_app(settings, engine)`` builds it."""

from service.app import create_app

__all__ = ["create_app"]
