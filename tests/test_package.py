"""The wheel is the whole application: templates, static files, migrations and data
files ship in it, and an installed copy runs from anywhere."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _wheel(folder: Path) -> Path:
    folder.mkdir()
    # The venv's own setuptools (no isolated build environment to download).
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "--wheel-dir", str(folder), str(ROOT)],
                   check=True, capture_output=True, timeout=300, cwd=folder)
    return next(folder.glob("polder-*.whl"))


def test_the_wheel_holds_everything_the_app_reads_and_runs_installed(tmp_path):
    wheel = _wheel(tmp_path / "dist")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {str(p.relative_to(ROOT)) for folder in ("templates", "migrations")
               for p in (ROOT / folder).rglob("*") if p.is_file() and "__pycache__" not in
               p.parts}
    shipped |= {str(p.relative_to(ROOT)) for p in (ROOT / "coordinator" / "static").iterdir()}
    shipped.add("coordinator/domain/common_passwords.txt")
    assert shipped - names == set()
    assert not any(name.startswith(("tests/", "bench/")) for name in names)

    # Installed elsewhere and run from an unrelated folder: the pages render from the
    # installed templates and `flask db upgrade` finds the installed migrations.
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(target), str(wheel)], check=True, capture_output=True,
                   timeout=300)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    environment = {**os.environ, "PYTHONPATH": str(target), "FLASK_APP": "wsgi",
                   "DATABASE_URL": f"sqlite:///{tmp_path / 'installed.db'}",
                   "POLDER_INSTANCE_DIR": str(tmp_path / "instance"),
                   "POLDER_ENV_FILE": str(tmp_path / "none.env")}
    upgraded = subprocess.run([sys.executable, "-m", "flask", "db", "upgrade"],
                              cwd=elsewhere, env=environment, capture_output=True, text=True,
                              timeout=300)
    assert upgraded.returncode == 0, upgraded.stderr[-2000:]
    page = subprocess.run(
        [sys.executable, "-c", "import coordinator, wsgi; c = wsgi.app.test_client(); "
         "r = c.get('/login'); s = c.get('/static/polder.css'); "
         "print(coordinator.__file__, r.status_code, s.status_code, b'Log in' in r.data)"],
        cwd=elsewhere, env=environment, capture_output=True, text=True, timeout=300)
    assert page.returncode == 0, page.stderr[-2000:]
    where, login, css, text = page.stdout.split()
    assert where.startswith(str(target)) and (login, css, text) == ("200", "200", "True")


def test_the_lock_pins_every_dependency_within_its_range():
    import tomllib

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [Requirement(text) for text in project["dependencies"]
              + project["optional-dependencies"]["dev"]]
    pins = {}
    for line in (ROOT / "requirements-lock.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = version
    unpinned = [str(r) for r in wanted if canonicalize_name(r.name) not in pins
                and r.name != "setuptools"]  # pip freeze leaves the build tool out
    outside = [f"{r} (locked {pins[canonicalize_name(r.name)]})" for r in wanted
               if canonicalize_name(r.name) in pins
               and pins[canonicalize_name(r.name)] not in r.specifier]
    assert unpinned == [] and outside == []
