"""Write every corpus case into a folder, to try ``coverage-map validate`` on them by hand.

    python tests/corpus/write.py /tmp/corpus

prints one ``coverage-map validate`` command per case.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus.layouts import CASES  # noqa: E402


def main(target: str) -> None:
    root = Path(target)
    for build in CASES:
        folder = root / build.__name__
        folder.mkdir(parents=True, exist_ok=True)
        case = build(folder)
        print(f"coverage-map validate --boundaries {case.boundaries} --stats "
              + " ".join(str(p) for p in case.stats))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "corpus-files")
