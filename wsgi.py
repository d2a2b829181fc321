"""The WSGI entry point: `gunicorn wsgi:app` (or any WSGI server).

The `flask` command reads `.env` by itself; a WSGI server does not, so it is read here
(`POLDER_ENV_FILE` names another file). Variables already set in the environment win.
"""

import os
from pathlib import Path

from dotenv import load_dotenv

load_dotenv(os.environ.get("POLDER_ENV_FILE", Path(__file__).resolve().parent / ".env"),
            override=False)

from coordinator import create_app  # noqa: E402  (configuration reads the environment)

app = create_app()
