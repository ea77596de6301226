"""Scale-out (issue 19): two gunicorn servers, one PostgreSQL, one Redis and one document worker, started from
the Procfile (bench/cluster.py), behave as one site: a session made on A works on B, a save through either is
seen at once through the other, a document requested on A is rendered once by the worker and served by both
with the same bytes, and stopping A (SIGTERM) while saves go through it loses none that it acknowledged.

The check itself is bench/scale_out.py's ``check`` (``make bench`` runs it with more rounds). It needs a
PostgreSQL server (DATABASE_URL) and Redis (REDIS_URL), as CI's second run has; otherwise it is skipped.
The process definitions are checked everywhere: the systemd units run the Procfile's commands.
"""

import configparser
import os
import shlex
from pathlib import Path

import pytest

from bench.cluster import PROCFILE, ROOT, Site, is_postgres, procfile

DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL") or os.environ.get("CACHE_URL") or ""
UNITS = ROOT / "deploy" / "systemd"


@pytest.mark.skipif(
    not (is_postgres(DATABASE_URL) and REDIS_URL),
    reason="the scale-out test needs DATABASE_URL naming PostgreSQL and REDIS_URL "
           f"(now: DATABASE_URL {'PostgreSQL' if is_postgres(DATABASE_URL) else 'not PostgreSQL'}, "
           f"REDIS_URL {'set' if REDIS_URL else 'not set'}); CI's PostgreSQL run sets both",
)
def test_two_app_servers_one_database_one_redis_one_worker_behave_as_one_site():
    from bench.scale_out import check

    lines = []
    with Site(DATABASE_URL, REDIS_URL, label="scaletest") as site:
        try:
            timings = check(site, rounds=2, say=lines.append)
        except BaseException:
            for name in list(site.processes):
                print(f"--- {name} log\n{site.log(name)[-3000:]}")
            raise
        finally:
            print("\n".join(lines))
        name, prefix = site.name, site.prefix
    assert len(lines) == 5 and all(line.endswith(": yes") for line in lines[1:]), lines
    assert "brief: requested on A until ready" in timings
    # Torn down: the database is dropped and the run's Redis keys are gone.
    import psycopg
    import redis

    with psycopg.connect(DATABASE_URL, autocommit=True) as connection:
        assert connection.execute("select count(*) from pg_database where datname = %s", (name,)).fetchone()[0] == 0
    assert not list(redis.Redis.from_url(REDIS_URL).scan_iter(f"{prefix}*"))


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str
    parser.read(UNITS / name)
    return parser


def test_the_procfile_names_a_web_and_a_worker_process():
    processes = procfile(PROCFILE)
    assert set(processes) == {"web", "worker"}
    web = shlex.split(processes["web"])
    assert web[0] == "gunicorn" and "python:hldassess.gunicorn" in web and web[-1] == "hldassess.wsgi"
    assert "127.0.0.1:${PORT:-8000}" in web  # the port comes from the environment, as honcho and foreman set it
    assert shlex.split(processes["worker"])[:3] == ["python", "manage.py", "db_worker"]
    assert "--no-reload" in processes["worker"]


@pytest.mark.parametrize(("unit_name", "process", "port"), [
    ("hldassess-web@.service", "web", "%i"),
    ("hldassess-worker.service", "worker", None),
])
def test_the_systemd_units_run_the_procfile_commands(unit_name, process, port):
    """The units and the Procfile cannot drift apart: same program, same arguments (the port from %i)."""
    service = unit(unit_name)["Service"]
    command = shlex.split(service["ExecStart"])
    expected = shlex.split(procfile(PROCFILE)[process].replace("${PORT:-8000}", port or ""))
    assert Path(command[0]).name == expected[0] and Path(command[0]).parent.name == "bin"
    assert command[1:] == expected[1:]
    assert service["KillSignal"] == "SIGTERM"  # gunicorn's graceful stop; the worker finishes its render
    assert service["Restart"] == "always"
    assert "EnvironmentFile" in service and "WorkingDirectory" in service
