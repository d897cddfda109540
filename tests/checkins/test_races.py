"""Races the database decides, on PostgreSQL (threads in this process) and on SQLite (a file
database in a subprocess: the in-memory test database cannot be shared by threads).

- one member scanned on 2 devices 50 times at once → one attendance, one open segment;
- 30 members racing for the last seat → one seat taken, the rest on the waiting list;
- the same nonce sent 10 times at once → one scan, one check-in.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.checkins import races

ROOT = Path(__file__).resolve().parents[2]


def _check(result: dict) -> None:
    two = result["one_member_two_devices"]
    assert two["attendances"] == 1
    assert two["open_segments"] == 1
    assert two["scans"] == 50
    assert two["outcomes"] == ["already"] * 49 + ["ok"]
    seat = result["last_seat"]
    assert seat["registered"] == 1 and seat["taken"] == 1
    assert seat["outcomes"] == ["registered"] + ["waitlisted"] * 29
    nonce = result["same_nonce"]
    assert nonce["scans"] == 1 and nonce["segments"] == 1
    assert sorted(set(nonce["outcomes"])) == ["ok", "repeated"]
    assert nonce["outcomes"].count("ok") == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_races_on_postgresql():
    if connection.vendor != "postgresql":
        if os.environ.get("CI") == "true":
            pytest.fail("Under CI the races must run on PostgreSQL.")
        pytest.skip("DATABASE_URL is not PostgreSQL; test_races_on_sqlite covers SQLite.")
    _check({name: race() for name, race in races.RACES.items()})


def test_races_on_sqlite(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'races.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
    }
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "tests.checkins.races"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    _check(json.loads(done.stdout.strip().splitlines()[-1]))
