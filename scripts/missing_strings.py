"""List the keys of sitegen/data/strings/en.toml that each shipped language's table lacks.

    python scripts/missing_strings.py          # every shipped language
    python scripts/missing_strings.py de ja    # these only

A key missing from a table shows its English text on a site in that language. New strings land in
en.toml first (each feature under its own prefix); this is the translator's list. It prints each
missing key with its English text and exits 1 when any is missing; tests/test_languages.py fails
on the same gaps.
"""

from __future__ import annotations

import sys

from sitegen.strings import FALLBACK, missing, shipped_languages, table


def main(languages: list[str]) -> int:
    english = table(FALLBACK)
    gaps = 0
    for language in languages or [lang for lang in shipped_languages() if lang != FALLBACK]:
        keys = missing(language)
        gaps += len(keys)
        print(f"{language}.toml: {len(keys)} missing" + (":" if keys else ""))
        for key in keys:
            print(f"  {key} = {english[key]!r}")
    return 1 if gaps else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
