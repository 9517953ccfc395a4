"""The guard runs untrusted parses in a bounded worker: whatever the parse does (eat memory, spin, sleep, crash
natively, raise), the caller gets its result or one plain message naming the file, and carries on."""

from __future__ import annotations

import ctypes
import os
import time

import pytest

from loaders import guard, limits
from loaders.errors import LoaderError
from loaders.guard import GuardError, run_guarded
from loaders.limits import Limits

SMALL = Limits(memory_mb=256, cpu_s=3, wall_s=6)
#: For calls that must succeed: a busy shared machine must not turn them into "too slow".
ROOMY = SMALL.with_(wall_s=120, cpu_s=60)


# -- what a hostile file can make a parser do (module-level: they travel to the worker by name) ---------------------
def eat_memory(path):
    limits.announce(path)
    hoard = []
    while True:
        hoard.append(bytearray(16 * 1024 * 1024))


def spin(path):
    limits.announce(path)
    while True:
        pass


def sleep_forever(path):
    limits.announce(path)
    time.sleep(3600)


def segfault(path):
    limits.announce(path)
    ctypes.string_at(0)


def refuse(path):
    raise LoaderError("guard.too_big", path, limit_mb=7)


def buggy(path):
    return {}["missing"]


def answer(path, scale=1):
    return {"path": str(path), "pid": os.getpid(), "in_worker": limits.in_worker(), "scale": scale,
            "rows": limits.current().max_rows}


def nested(path):
    return run_guarded(answer, path)


def reads_two(first, second):
    limits.announce(first)
    limits.announce(second)
    ctypes.string_at(0)


# -- tests ----------------------------------------------------------------------------------------------------------
def test_a_result_comes_back_from_another_process(tmp_path):
    result = run_guarded(answer, tmp_path / "a.csv", scale=3, limits=ROOMY.with_(max_rows=17))
    assert result["pid"] != os.getpid() and result["in_worker"] and result["scale"] == 3
    assert result["rows"] == 17  # the caller's limits travel with the request
    assert guard.last_stats().outcome == "ok" and guard.last_stats().worker_peak_mb > 10


def test_a_guarded_call_inside_a_worker_runs_inline(tmp_path):
    result = run_guarded(nested, tmp_path / "a.csv", limits=ROOMY)
    assert result["in_worker"]


@pytest.mark.parametrize("probe, key, words, bounds", [
    (eat_memory, "guard.too_big", "quá lớn", ROOMY),
    (spin, "guard.too_slow", "quá lâu", SMALL),
    (sleep_forever, "guard.too_slow", "quá lâu", SMALL),
    (segfault, "guard.crashed", "bị lỗi", ROOMY),
    (buggy, "guard.failed", "KeyError", ROOMY),
])
def test_a_runaway_parse_ends_with_one_plain_message(tmp_path, probe, key, words, bounds):
    path = tmp_path / "bom.xlsx"
    started = time.monotonic()
    with pytest.raises(GuardError) as caught:
        run_guarded(probe, path, file=path, limits=bounds)
    assert time.monotonic() - started < bounds.wall_s + 15
    error = caught.value
    assert error.key == key
    for lang in ("vi", "en"):
        text = error.text(lang)
        assert text.startswith("bom.xlsx: ") and "\n" not in text and str(tmp_path) not in text
    assert words in error.text("vi") or words in error.text("en")
    assert guard.last_stats().worker_peak_mb < SMALL.memory_mb + 400  # the cap held


def test_the_readers_own_refusal_passes_through(tmp_path):
    with pytest.raises(LoaderError) as caught:
        run_guarded(refuse, tmp_path / "x.csv", limits=ROOMY)
    assert caught.value.key == "guard.too_big" and caught.value.params == {"limit_mb": 7}


def test_the_message_names_the_file_being_read_when_the_worker_died(tmp_path):
    with pytest.raises(GuardError) as caught:
        run_guarded(reads_two, tmp_path / "ranh_gioi.zip", tmp_path / "so_lieu.xlsx", limits=ROOMY)
    assert caught.value.text("en").startswith("so_lieu.xlsx: ")


def test_the_caller_keeps_working_after_each_kind_of_death(tmp_path):
    for probe in (segfault, spin):
        with pytest.raises(GuardError):
            run_guarded(probe, tmp_path / "x", limits=SMALL.with_(wall_s=2, cpu_s=1))
    assert run_guarded(answer, tmp_path / "ok.csv", limits=ROOMY)["in_worker"]


def test_limits_come_from_the_settings(tmp_path, monkeypatch):
    settings = tmp_path / "settings.toml"
    settings.write_text("[limits]\nmax_rows = 12\nwall_s = 9\nmax_field_kb = 2\n", encoding="utf-8")
    monkeypatch.setenv("COVERAGE_MAP_SETTINGS", str(settings))
    current = limits.current()
    assert current.max_rows == 12 and current.wall_s == 9 and current.max_field_bytes == 2048
    assert run_guarded(answer, tmp_path / "a.csv")["rows"] == 12


def test_a_server_that_cannot_start_a_worker_says_so(tmp_path, monkeypatch):
    from loaders import guard_zygote

    def no_process(*args, **kwargs):
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(guard_zygote.Zygote, "spawn", no_process)
    with pytest.raises(GuardError) as caught:
        run_guarded(answer, tmp_path / "so_lieu.csv", file=tmp_path / "so_lieu.csv", limits=ROOMY)
    assert caught.value.key == "guard.unavailable"
    assert caught.value.text("vi").startswith("so_lieu.csv: máy chủ đang quá tải")
