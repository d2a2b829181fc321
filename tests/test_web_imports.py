"""A web process never loads the numerical stack: clustering runs in workers only, so
each gunicorn worker would otherwise carry scikit-learn and scipy for nothing."""

from pathlib import Path

from bench.web_memory import ROOT, measure, seed


def test_serving_every_page_loads_no_numerical_stack(tmp_path: Path):
    figures = measure(ROOT, seed(tmp_path))
    assert figures["pages"] >= 30
    assert figures["errors"] == {}
    assert figures["loaded"] == [], figures["loaded"]


def test_the_wsgi_entry_point_reads_the_env_file(tmp_path: Path):
    """Under gunicorn nothing reads `.env` unless wsgi.py does."""
    import json
    import os
    import subprocess
    import sys

    env_file = tmp_path / ".env"
    env_file.write_text("SECRET_KEY=from-the-env-file-0123456789abcdefghij\n"
                        f"POLDER_INSTANCE_DIR={tmp_path}\n")
    environment = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    done = subprocess.run(
        [sys.executable, "-c", "import json, wsgi; print(json.dumps("
         "[wsgi.app.config['SECRET_KEY'], wsgi.app.instance_path]))"],
        cwd=ROOT, env={**environment, "POLDER_ENV_FILE": str(env_file),
                       "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"},
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    key, _ = json.loads(done.stdout.strip().splitlines()[-1])
    assert key == "from-the-env-file-0123456789abcdefghij"
