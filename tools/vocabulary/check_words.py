"""Screen every word of an English word list as a medication and list those refused as opioids.

Why: folding spelling variants and allowing a slip or two could turn an ordinary word into an opioid;
this measures it. The list is Debian's wamerican (/usr/share/dict/words, `apt-get install wamerican`),
not part of the repository, so this is a script, not a test. Run it with the project's environment:
    .venv/bin/python tools/vocabulary/check_words.py [WORDS]
and compare with tools/vocabulary/word_check.txt (the last run's result, where each hit is explained).
"""

from __future__ import annotations

import sys
from pathlib import Path

from titrate.core.screen import screen_medication


def main() -> None:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/dict/words")
    words = sorted({line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                    if line.strip().isalpha()})
    hits = [(word, found.message) for word in words for found in screen_medication(word)
            if found.rule == "opioid"]
    for word, message in hits:
        print(f"{word}\t{message}")
    print(f"{len(hits)} of {len(words)} words refused as opioids", file=sys.stderr)


if __name__ == "__main__":
    main()
