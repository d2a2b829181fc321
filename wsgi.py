"""The WSGI entry point: `gunicorn wsgi:app`."""

from coordinator import create_app

app = create_app()
