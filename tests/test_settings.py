"""Settings are declared once, read from one file and the environment in one place, and validated."""

import pytest

from loaders.errors import LoaderError
from loaders.settings import SETTINGS, load_settings


def _write(tmp_path, text):
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_when_the_file_is_absent(tmp_path):
    settings = load_settings(tmp_path / "absent.toml", environ={})
    assert settings.targets == {}
    assert all(settings[s.key] == s.default for s in SETTINGS)


def test_the_repository_settings_are_valid():
    settings = load_settings(environ={})
    assert settings.targets["smartphone_share"] == 80 and settings.near_target_band == 10


def test_values_are_read_and_checked(tmp_path):
    settings = load_settings(_write(tmp_path, "[targets]\nvneid_share = 75\n[upload]\nmax_upload_mb = 5\n"),
                             environ={})
    assert settings.targets == {"vneid_share": 75.0} and settings["upload.max_upload_mb"] == 5.0


@pytest.mark.parametrize("text, words", [
    ("[upload]\nmax_uplaod_mb = 5\n", "no setting 'upload.max_uplaod_mb'"),
    ("[upload]\nmax_upload_mb = 'lots'\n", "must be number"),
    ("[classification]\nnear_target_band = 400\n", "out of range"),
    ("[targets]\nsmartphone_share = 'x'\n", "must be number"),
    ("[upload\n", "not valid TOML"),
])
def test_mistakes_are_refused_in_one_line(tmp_path, text, words):
    with pytest.raises(LoaderError, match=words) as caught:
        load_settings(_write(tmp_path, text), environ={})
    assert "\n" not in caught.value.text("vi") and str(tmp_path) not in caught.value.text("vi")


def test_the_environment_overrides_declared_settings(tmp_path):
    settings = load_settings(tmp_path / "absent.toml", environ={"COVERAGE_MAP_STORE": "/srv/store"})
    assert settings["data.store"] == "/srv/store"
