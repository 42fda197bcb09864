"""One vocabulary across the public API (issue 15): each concept has one parameter name; the former names of
renamed parameters still work for one release, with a FutureWarning, and give the same result."""

from __future__ import annotations

import inspect
import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest

import toolkit as tk

matplotlib.use("Agg")

#: Names the API has retired, with the name that replaced each (a public signature may not use them).
RETIRED = {"n_boot": "n_resamples", "level": "confidence", "top_n": "n", "group": "by"}

DOCS = pd.DataFrame(
    {
        "doc_id": [f"d{i}" for i in range(8)],
        "text": [
            "nuclear weapons treaty talks",
            "nuclear treaty verification talks",
            "climate finance adaptation emissions",
            "climate emissions finance pledges",
            "nuclear weapons verification",
            "adaptation finance climate pledges",
            "treaty talks on nuclear weapons",
            "emissions pledges and climate finance",
        ],
        "country": ["CHN", "USA"] * 4,
    }
)


def test_no_public_function_uses_a_retired_parameter_name():
    offenders = []
    for name in tk.__all__:
        obj = getattr(tk, name)
        if not callable(obj):
            continue
        try:
            params = inspect.signature(obj).parameters
        except (TypeError, ValueError):
            continue
        offenders += [f"{name}({p})" for p in params if p in RETIRED]
    assert not offenders, offenders


def test_the_former_names_still_work_with_a_warning_and_give_the_same_result():
    model = tk.fit_topics(DOCS, k=2, stop_words=None, max_iter=20)
    new = tk.topic_prevalence(model, DOCS, by="country", n_resamples=200, confidence=0.9, seed=1)
    with pytest.warns(FutureWarning, match=r"topic_prevalence\(n_boot=\.\.\.\) is deprecated .* use n_resamples="):
        old = tk.topic_prevalence(model, DOCS, by="country", n_boot=200, level=0.9, seed=1)
    pd.testing.assert_frame_equal(new, old)
    with pytest.warns(FutureWarning, match=r"coherence\(top_n=\.\.\.\)"):
        old_c = tk.coherence(model, DOCS, top_n=3)
    pd.testing.assert_frame_equal(tk.coherence(model, DOCS, n=3), old_c)
    with pytest.warns(FutureWarning, match=r"plot_topic_prevalence\(group=\.\.\.\) is deprecated .* use by="):
        old_ax = tk.plot_topic_prevalence(new, group="country")
    new_ax = tk.plot_topic_prevalence(new, by="country")
    labels = [t.get_text() for t in new_ax.get_yticklabels()]
    assert labels and labels == [t.get_text() for t in old_ax.get_yticklabels()]


def test_the_former_names_of_the_stance_functions_warn_and_give_the_same_result():
    docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["Perhaps we may agree.", "We firmly oppose it, clearly."]})
    with pytest.warns(FutureWarning, match="find_hedges is deprecated .* use find_stance"):
        old = tk.find_hedges(docs, method="rules")
    pd.testing.assert_frame_equal(old, tk.find_stance(docs, method="rules"))
    assert set(old["category"]) > {"hedge"}  # every stance marker, hence the new name
    with pytest.warns(FutureWarning, match="hedging_rates is deprecated .* use stance_rates"):
        old_rates = tk.hedging_rates(docs, n_resamples=200)
    pd.testing.assert_frame_equal(old_rates, tk.stance_rates(docs, n_resamples=200))


def test_every_rate_column_is_per_1000_tokens():
    docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["Perhaps we may agree.", "We firmly oppose it."]})
    counts = tk.count_terms(docs)
    assert "rate_per_1k" in counts and not any("per_10k" in c for c in counts.columns)
    we = counts.set_index("term").loc["we"]
    assert we["rate_per_1k"] == pytest.approx(2 / 8 * 1000)  # "we" twice in 8 tokens
    rates = tk.stance_rates(docs, n_resamples=200)
    hedge = rates.set_index("category").loc["hedge"]
    assert hedge["rate_per_1k"] == pytest.approx(hedge["n"] / hedge["tokens"] * 1000)


def test_both_names_of_one_parameter_is_an_error():
    model = tk.fit_topics(DOCS, k=2, stop_words=None, max_iter=20)
    with warnings.catch_warnings(), pytest.raises(TypeError, match="got n_boot= and n_resamples=, two names"):
        warnings.simplefilter("ignore")
        tk.topic_prevalence(model, DOCS, n_boot=100, n_resamples=100)
    assert np.isfinite(tk.coherence(model, DOCS, n=2)["score"]).all()
