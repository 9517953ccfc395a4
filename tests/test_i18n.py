"""The one catalogue of words: both languages for every key, same placeholders, plain text; numbers written the
language's way."""

import string

import pytest

from i18n import Message, Period, catalogue, format_number, format_percent, format_value, t


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_entry_has_both_languages_with_the_same_placeholders():
    assert len(catalogue()) > 150
    for key, (vi, en) in catalogue().items():
        assert vi.strip() and en.strip(), key
        assert _placeholders(vi) == _placeholders(en), key


#: The one namespace whose texts may be Markdown: page help and the About page (no parameters, no data).
MARKDOWN_NAMESPACE = "help."


def test_catalogue_texts_are_plain_text_not_markdown_or_html():
    for key, texts in catalogue().items():
        if key.startswith(MARKDOWN_NAMESPACE):
            continue
        for text in texts:
            assert "**" not in text and "](" not in text and "<" not in text.replace("< ", ""), (key, text)


def test_help_texts_are_markdown_without_parameters_or_html():
    helps = {key: texts for key, texts in catalogue().items() if key.startswith(MARKDOWN_NAMESPACE)}
    assert helps, "the pages have help"
    for key, texts in helps.items():
        for text in texts:
            assert not _placeholders(text), key  # nothing from data can enter a Markdown text
            assert "<" not in text.replace("< ", "") and "](" not in text, key


def test_vietnamese_is_the_default():
    assert t("page_map") == "Bản đồ" and t("page_map", "en") == "Map"


def test_numbers_and_periods_in_parameters_are_written_the_language_s_way():
    assert t("archive.too_big", "vi", size_mb=1234.56, limit_mb=100).startswith("tệp quá lớn (1.234,6 MB)")
    assert t("archive.too_big", "en", size_mb=1234.56, limit_mb=100).startswith("file too large (1,234.6 MB)")
    message = Message("store.unknown_version", {"version": "v0007"})
    assert message.text("vi") == "không có phiên bản v0007 trong kho dữ liệu" and str(message) == message.text("en")
    assert message.to_json()["key"] == "store.unknown_version"


def test_unknown_keys_are_programming_errors():
    with pytest.raises(KeyError):
        t("no.such.key")


def test_numbers_are_written_the_vietnamese_way():
    assert format_number(1459) == "1.459" and format_number(1459, "en") == "1,459"
    assert format_percent(85.5) == "85,5 %" and format_percent(85.5, "en") == "85.5%"
    assert format_number(1234567.25, "vi", 2) == "1.234.567,25"
    assert Period("2025-Q3") == "2025-Q3"


def test_no_data_is_never_zero():
    assert "0" not in format_value(float("nan"), "%", "vi")


def _literal_keys():
    """Every catalogue key the code names as a literal: ``t("…")``, ``Message("…")``, ``Term("…")`` and the keys of
    the error classes (with their ``namespace``)."""
    import ast
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    files = [path for package in ("i18n", "loaders", "analysis", "dashboard") for path in (repo / package).rglob("*.py")]
    files.append(repo / "app.py")
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in files}
    namespaces = {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if (isinstance(item, ast.Assign) and any(getattr(t, "id", "") == "namespace" for t in item.targets)
                            and isinstance(item.value, ast.Constant)):
                        namespaces[node.name] = item.value.value
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            key = node.args[0].value
            if name in ("t", "Message", "message", "Term", "has_key"):
                yield path.name, key, (key,)
            elif name in namespaces or name == "LoaderError":
                if " " in key:  # TRANSITION: a sentence from a loader not yet moved to the catalogue
                    continue
                namespace = namespaces.get(name, "")
                yield path.name, key, (key, f"{namespace}.{key}") if namespace else (key,)


def test_every_key_the_code_names_is_in_the_catalogue():
    names = list(_literal_keys())
    assert len(names) > 100
    missing = [(file, key) for file, key, candidates in names if not any(c in catalogue() for c in candidates)
               and not key.startswith(("common.untranslated",))]
    assert missing == []
