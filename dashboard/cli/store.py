"""``coverage-map store``: the data store from the command line, with the same checks, preview and merge as the
upload panel (the logic is in :mod:`loaders.ingest` and :mod:`loaders.store`; this module only prints).

    coverage-map store init | status | history | diff A B
    coverage-map store apply FILE... [--replace-period P] [--replace-level] [--exclude-rejected] [--as USER] [--yes]
    coverage-map store rollback [--as USER] | use VERSION [--as USER]
"""

from __future__ import annotations

import argparse
import json
import sys

ACTIONS = ("init", "status", "apply", "rollback", "use", "history", "diff")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=ACTIONS, help="what to do")
    parser.add_argument("args", nargs="*", metavar="ARG", help="apply: FILE...; use: VERSION; diff: A B")
    parser.add_argument("--store", metavar="DIR|URL", help="the store (default: the data.store setting)")
    parser.add_argument("--as", dest="user", metavar="USER",
                        help="act as this user of the roles file (login on); recorded in the history")
    parser.add_argument("--replace-period", action="append", default=[], metavar="P",
                        help="apply: replace every stored row of period P (e.g. 2025-Q3) instead of merging")
    parser.add_argument("--replace-level", action="store_true",
                        help="apply: replace every period (and every province's boundaries) of the uploaded level")
    parser.add_argument("--exclude-rejected", action="store_true",
                        help="apply: leave out the rows refused as implausible instead of stopping")
    parser.add_argument("--level", choices=("commune", "hamlet"), help="apply: level of uploaded boundaries")
    parser.add_argument("--crs", help="apply: CRS of uploaded boundaries that declare none (e.g. 5899)")
    parser.add_argument("--note", default="", help="apply: a note kept in the history")
    parser.add_argument("--yes", action="store_true", help="apply/rollback/use without asking")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--lang", choices=("vi", "en"), default="en", help="language of the output (default: en)")


def _say(messages, lang: str) -> None:
    for message in messages:
        print(message.text(lang))


def _confirm(args, question) -> bool:
    if args.yes:
        return True
    if not sys.stdin.isatty():
        from dashboard.cli import CliError

        raise CliError("not applied: add --yes to confirm when not running in a terminal")
    return input(f"{question.text(args.lang)} [y/N] ").strip().lower() in ("y", "yes", "c", "có")


def run(args: argparse.Namespace) -> int:
    from loaders.settings import load_settings
    from loaders.store import Identity, identity_for, open_store

    settings = load_settings()
    store = open_store(settings, location=args.store)
    # --as: that user's role (login on) or just their name (login off); without it, the server's operator, who
    # holds the store's files or database credentials anyway, acts as the local national officer
    identity = identity_for(args.user, settings) if args.user else Identity.local()
    tz = settings["data.timezone"]
    handler = {"init": _init, "status": _status, "apply": _apply, "rollback": _rollback, "use": _use,
               "history": _history, "diff": _diff}[args.action]
    return handler(store, args, identity, tz, settings) or 0


def _need(args, count: int, what: str) -> None:
    from dashboard.cli import CliError

    if len(args.args) != count:
        raise CliError(f"store {args.action} needs {what}")


def _init(store, args, identity, tz, settings) -> int:
    store.init()
    print(f"store ready: {store.location()} ({store.backend})")
    return 0


def _status(store, args, identity, tz, settings) -> int:
    from loaders.store.ledger import local_time

    status = store.status()
    status["created_local"] = local_time(status["created"], tz) if status["created"] else None
    if args.json:
        print(json.dumps(status, ensure_ascii=False))
        return 0
    print(f"backend: {status['backend']}  location: {status['location']}")
    print(f"active: {status['active'] or 'embedded data'}"
          + (f" (since {status['created_local']})" if status["created"] else ""))
    print(f"versions: {status['versions']}")
    return 0


def _apply(store, args, identity, tz, settings) -> int:
    from dashboard.cli import CliError
    from i18n import Message
    from loaders.archive import ArchiveLimits, stage_files
    from loaders.ingest import apply_upload, check_upload, preview_upload
    from loaders.store.plan import ApplyOptions

    if not args.args:
        raise CliError("store apply needs FILE...")
    identity.require_officer()
    staged = stage_files(list(args.args), store.staging_dir(), ArchiveLimits.from_settings())
    try:
        check = check_upload(staged, store, level=args.level, crs=args.crs)
        if check.errors:
            for error in check.errors:
                print(error.text(args.lang), file=sys.stderr)
            return 2
        options = ApplyOptions(replace_periods=tuple(args.replace_period), replace_level=args.replace_level,
                               exclude_rejected=args.exclude_rejected)
        preview = preview_upload(store, check, options, identity, settings)
        if args.json:
            print(json.dumps(preview.to_json(), ensure_ascii=False))
        else:
            _say(preview.lines(), args.lang)
        if preview.blocked or preview.empty:
            key = "store.rejected_rows" if preview.blocked else "store.nothing_to_apply"
            print(Message(key, {"count": sum(f.blocking for f in preview.rejected)}).text(args.lang),
                  file=sys.stderr)
            return 2
        if not _confirm(args, Message("store.cli.confirm_apply")):
            print(Message("store.cli.not_applied").text(args.lang))
            return 1
        entry = apply_upload(store, staged, check, uploaded_by=identity.label(), note=args.note, options=options,
                             identity=identity, preview=preview)
        print(Message("store.cli.applied", {"version": entry["id"]}).text(args.lang))
        return 0
    finally:
        staged.discard()


def _rollback(store, args, identity, tz, settings) -> int:
    from i18n import Message
    from loaders.store.ledger import rollback_label

    label = rollback_label(store, tz)
    if label is None:
        from loaders.store import StoreError

        raise StoreError("nothing_to_roll_back")
    identity.require_national("rollback")
    if not _confirm(args, label):
        return 1
    now = store.rollback(identity)
    print(Message("store.cli.active", {"version": now or Message("store.ledger.embedded")}).text(args.lang))
    return 0


def _use(store, args, identity, tz, settings) -> int:
    from i18n import Message
    from loaders.store.ledger import use_label

    _need(args, 1, "VERSION (or 'embedded')")
    version = None if args.args[0] == "embedded" else args.args[0]
    label = use_label(store, version, tz)
    identity.require_national("use")
    if not _confirm(args, label):
        return 1
    store.activate(version, identity)
    print(Message("store.cli.active", {"version": version or Message("store.ledger.embedded")}).text(args.lang))
    return 0


def _history(store, args, identity, tz, settings) -> int:
    from i18n import Term, t
    from loaders.store.ledger import event_line, history, who

    lines = history(store, tz)
    if args.json:
        print(json.dumps({"versions": [line.to_json(args.lang) for line in lines],
                          "events": [event_line(e, tz).text(args.lang) for e in store.events()]},
                         ensure_ascii=False))
        return 0
    for line in lines:
        mark = "*" if line.active else " "
        person = who(line.who if line.who != "—" else None)  # the local operator in words, as the panel says
        person = t(person, args.lang) if isinstance(person, Term) else person
        print(f"{mark} {line.version}  {line.when}  {person}  {', '.join(line.files)}")
        for message in line.what:
            print(f"      {message.text(args.lang)}")
    for event in store.events():
        print(event_line(event, tz).text(args.lang))
    return 0


def _diff(store, args, identity, tz, settings) -> int:
    from loaders.store.ledger import diff

    _need(args, 2, "two versions A B ('embedded' for the embedded data)")
    a, b = (None if v == "embedded" else v for v in args.args)
    result = diff(store, a, b)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        _say(result.lines(), args.lang)
    return 0
