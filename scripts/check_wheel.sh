#!/usr/bin/env bash
# The package as a user installs it: build the wheel, install it (with its dependencies pinned by
# requirements.lock) into a fresh virtual environment outside the clone, and there load the interview and run
# the interview's pipeline. Run by `make check-wheel` and CI.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# built from a copy of the files git tracks (and untracked ones it does not ignore), so that nothing left in the
# clone (a build/ folder of an older build, caches) can slip into the wheel
mkdir "$work/src"
(cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 tar -cf - 2>/dev/null) | tar -xf - -C "$work/src"
"$root/.venv/bin/python" -m pip wheel --quiet --disable-pip-version-check --no-deps --no-build-isolation \
  --wheel-dir "$work/dist" "$work/src"
"$python" -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check -c "$root/requirements.lock" "$work"/dist/*.whl
cd "$work"  # nothing of the clone on sys.path
"$work/venv/bin/python" - <<'PY'
import importlib.metadata as metadata
from pathlib import Path

import toolkit as tk

assert "site-packages" in tk.__file__, f"toolkit imported from {tk.__file__}, not from the installed wheel"
print("installed:", metadata.version("diplomatic-discourse-toolkit"), "at", Path(tk.__file__).parent)
docs = tk.load_interview()
own = tk.own_words(docs)
counts = tk.count_terms(own, ngram=1, stop_words="english")
segments = tk.split_voices(docs)  # the voices, split once
hits = tk.find_stance(docs, segments=segments)
rates = tk.stance_rates(docs, n_resamples=200, segments=segments)
print(f"interview: {len(docs.loc[0, 'text'])} characters; {len(counts)} terms in its own words; "
      f"{len(hits)} stance markers; hedges {rates.loc[rates['category'] == 'hedge', 'rate_per_1k'].iloc[0]:.2f} "
      "per 1,000 tokens")
PY
