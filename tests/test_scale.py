"""The Dask path (toolkit.scale): the same frames as in memory, on a LocalCluster of two worker processes.

Issue 16: counts, keyness, the document-term matrix and stance rates of a Dask DataFrame equal the in-memory
results exactly (integer sums in any order, then the same statistics); the Parquet shards and the folder
reader account for every input.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import toolkit as tk
from toolkit import scale

dd = pytest.importorskip("dask.dataframe", reason="the Dask extra is not installed (pip install '.[dask]')")
distributed = pytest.importorskip("distributed")

SPEECHES = [
    "We firmly oppose unilateral sanctions. Perhaps the Council may find a way; we should act together.",
    "The United States believes that all parties must show restraint. It is clearly the right course.",
    "I think the peninsula needs dialogue. We hope for peace and we will work for it.",
    "China stands ready to work with all parties. We call on the international community to help.",
    "",
    "Korea and Japan might cooperate. Possibly, the talks could resume soon, as we all hope.",
    "Nous appelons toutes les parties à la retenue et au dialogue, dans le respect du droit international.",
    "We must not forget the victims. Certainly the Council should act, and it will.",
]


def _docs(n: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    texts = [
        SPEECHES[i % len(SPEECHES)] + " " + " ".join(rng.choice(["peace", "we", "may", "sanctions"], 5))
        for i in range(n)
    ]
    if n > 6:
        texts[4] = ""  # a document without a token
        texts[6] = SPEECHES[6]  # not English
    docs = pd.DataFrame(
        {
            "doc_id": [f"d{i:03d}" for i in range(n)],
            "text": texts,
            "country": [["CHN", "USA", "KOR", "JPN", None][i % 5] for i in range(n)],
            "year": [2014 + i % 3 for i in range(n)],
            "venue": ["UNSC" if i % 2 else "UNGA" for i in range(n)],
            "genre": "speech",
        }
    )
    docs.loc[n - 1, "country"] = "RUS"  # a group of one document: resampled by sentences
    return docs.astype({"doc_id": "string", "text": "string", "country": "string", "venue": "string"})


@pytest.fixture(scope="module")
def client():
    """Two worker processes, as a laptop or a cluster would run them; closed after the module."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
        c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def test_every_measure_on_a_local_cluster_equals_the_in_memory_result(client):
    docs = _docs()
    ddf = dd.from_pandas(docs, npartitions=5)
    assert len(client.scheduler_info()["workers"]) == 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for kw in ({"by": "country"}, {"by": ["venue", "year"], "stop_words": "english", "min_count": 2}, {}):
            pd.testing.assert_frame_equal(tk.count_terms(ddf, **kw), tk.count_terms(docs, **kw))
        for kw in (
            {"by": "country", "target": "CHN", "reference": "USA", "adjust": "bh"},
            {"by": "venue", "target": "UNSC", "measure": "fightin_words", "prior": "corpus"},
            {"by": "country", "measure": "log_ratio", "stop_words": "english"},
        ):
            pd.testing.assert_frame_equal(tk.compare_groups(ddf, **kw), tk.compare_groups(docs, **kw))
        for kw in ({}, {"ngram": (1, 2), "min_docs": 2, "max_docs": 0.9}, {"vocabulary": ["we", "peace", "nothing"]}):
            a, b = tk.document_term_matrix(ddf, **kw), tk.document_term_matrix(docs, **kw)
            assert a.terms.tolist() == b.terms.tolist() and a.doc_ids.tolist() == b.doc_ids.tolist()
            assert (a.matrix != b.matrix).nnz == 0 and np.array_equal(a.totals, b.totals)
        a, b = tk.find_stance(ddf, non_english="skip"), tk.find_stance(docs, non_english="skip", segments=None)
        pd.testing.assert_frame_equal(a, b)
        assert a.attrs["skipped"] == b.attrs["skipped"] and len(a) > 100
        for kw in (
            {"by": "country"},
            {"by": "venue", "categories": ["hedge", "booster"], "method": "rules", "seed": 4},
        ):
            a = tk.stance_rates(ddf, non_english="skip", n_resamples=300, **kw)
            b = tk.stance_rates(docs, non_english="skip", n_resamples=300, **kw)
            pd.testing.assert_frame_equal(a, b)
            assert a.attrs["skipped"] == b.attrs["skipped"] and a.attrs["single_unit"] == b.attrs["single_unit"]
    assert "sentence" in set(a["unit"]) or "sentence" in set(
        tk.stance_rates(docs, by="country", non_english="skip")["unit"]
    )


def test_kwic_returns_every_line_or_a_bounded_uniform_sample(client):
    ddf = dd.from_pandas(_docs(), npartitions=4)
    docs = ddf.compute()  # the dtypes Dask gives the columns
    few = tk.kwic(ddf, "sanctions", window=3)
    pd.testing.assert_frame_equal(few, tk.kwic(docs, "sanctions", window=3))  # every line, as in memory
    everything = tk.kwic(docs, "we", window=2)
    sample = scale.kwic(ddf, "we", window=2, n=10, seed=1)
    assert len(sample) == 10 and sample.attrs["hits"] == len(everything) > 10
    keys = ["doc_id", "start"]
    assert set(map(tuple, sample[keys].to_numpy())) <= set(map(tuple, everything[keys].to_numpy()))
    assert sample[keys].equals(sample.sort_values(keys)[keys].reset_index(drop=True))  # in document order
    pd.testing.assert_frame_equal(sample, scale.kwic(ddf, "we", window=2, n=10, seed=1))  # seeded
    assert not sample.equals(scale.kwic(ddf, "we", window=2, n=10, seed=2))


def test_skipped_documents_are_reported_as_in_memory(client):
    docs = _docs().assign(country="CHN")
    docs.loc[[4], "country"] = "NONE"  # a group whose only document has no token
    ddf = dd.from_pandas(docs, npartitions=3)
    with pytest.warns(UserWarning, match="left out 1 document"):
        a = tk.count_terms(ddf, by="country")
    with pytest.warns(UserWarning, match="left out 1 document"):
        b = tk.count_terms(docs, by="country")
    assert (
        a.attrs["skipped"]
        == b.attrs["skipped"]
        == [{"doc_id": "d004", "country": "NONE", "problem": "no tokens in its group, so the group has no rows"}]
    )


def test_parquet_shards_keep_every_document_and_say_what_was_left_out(tmp_path):
    folder = tmp_path / "statements"
    folder.mkdir()
    head = "---\nspeaker: {s}\nrole: ambassador\ncountry: CHN\nvenue: UNSC\ndate: 2016-0{m}-01\ngenre: speech\nsource: test\nlicence: CC0\n---\n"
    for i, k in enumerate((0, 1, 2, 3, 5)):
        (folder / f"s{i}.txt").write_text(head.format(s=f"Speaker {i}", m=i + 1) + SPEECHES[k], encoding="utf-8")
    (folder / "broken.txt").write_text("---\nspeaker: X\n---\nno header end", encoding="utf-8")
    (folder / "README.md").write_text("about these files", encoding="utf-8")
    out = tmp_path / "shards"
    with pytest.warns(UserWarning, match=r"write_parquet left out 1 document\(s\): 'broken.txt'"):
        table = scale.write_parquet(folder, out, docs_per_shard=2)
    assert table["n_docs"].tolist() == [2, 2, 1] and table["shard"].tolist()[0] == "part-00000.parquet"
    record = json.loads((out / "_inputs.json").read_text())
    assert record["documents"] == 5 and record["shards"] == 3
    assert [s["file"].endswith("broken.txt") for s in record["skipped"]] == [True]
    assert any("README" in i.get("path", "") or "README" in json.dumps(i) for i in record["ignored"])
    # read_corpus's provenance column is not reported as left out: the record lists the files read instead
    assert record["columns_left_out"] == [] and record["files"] == [f"s{i}.txt" for i in range(5)]
    assert scale.skipped_inputs(out)["problem"].str.len().gt(0).all()
    ddf = scale.read_parquet(out)
    assert ddf.npartitions == 3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        memory = tk.read_corpus(folder, errors="skip")
    back = ddf.compute().reset_index(drop=True)
    assert back["doc_id"].tolist() == memory["doc_id"].tolist()
    assert back["text"].tolist() == memory["text"].tolist()
    pd.testing.assert_frame_equal(tk.count_terms(ddf, by="speaker"), tk.count_terms(memory, by="speaker"))
    docs, skipped = scale.read_files(folder)
    assert docs.npartitions == 6  # one partition per file, the broken one empty
    assert docs.compute()["doc_id"].tolist() == memory["doc_id"].tolist()
    assert skipped.compute()["file"].str.endswith("broken.txt").tolist() == [True]


def test_a_doc_id_twice_across_shards_is_named(tmp_path):
    meta = {"speaker": "S", "role": "ambassador", "date": "2016-01-01", "source": "t", "licence": "CC0"}
    one = _docs(4).drop(columns="year").assign(**meta)
    chunks = [one.iloc[:2], one.iloc[1:3]]  # d001 in both
    with pytest.raises(ValueError, match="doc_id 'd001' is in part-00000.parquet and again in part-00001.parquet"):
        scale.write_parquet(iter(chunks), tmp_path / "out", docs_per_shard=2)


def test_interviews_are_refused_with_what_to_do():
    docs = _docs(6).assign(genre=["interview"] + ["speech"] * 5, speaker="Xing")
    ddf = dd.from_pandas(docs, npartitions=2)
    with pytest.raises(NotImplementedError, match="segments=None"):
        tk.stance_rates(ddf, by="country", non_english="skip")
    with pytest.raises(NotImplementedError, match="whole documents"):
        tk.stance_rates(ddf, segments=tk.split_voices(docs))


@settings(max_examples=25, deadline=None, derandomize=True)
@given(
    rows=st.lists(
        st.tuples(st.sampled_from(SPEECHES[:4] + ["", "peace peace", "We may."]), st.sampled_from(["A", "B", "C"])),
        min_size=2,
        max_size=14,
    ),
    npartitions=st.integers(1, 5),
)
def test_counts_and_keyness_do_not_depend_on_the_partitions(rows, npartitions):
    """Whatever the partitions, the sums are the in-memory ones (the threaded scheduler: no cluster needed)."""
    docs = pd.DataFrame(
        {"doc_id": [f"d{i}" for i in range(len(rows))], "text": [r[0] for r in rows], "group": [r[1] for r in rows]}
    )
    ddf = dd.from_pandas(docs, npartitions=min(npartitions, len(docs)))
    docs = ddf.compute()  # the same documents with the dtypes Dask gives them (its strings are pandas' "string")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        pd.testing.assert_frame_equal(tk.count_terms(ddf, by="group"), tk.count_terms(docs, by="group"))
        groups = sorted(set(docs["group"]))
        if len(groups) > 1 and all(tk.count_terms(docs[docs["group"] == g]).shape[0] for g in groups):
            pd.testing.assert_frame_equal(
                tk.compare_groups(ddf, by="group", target=groups[0]),
                tk.compare_groups(docs, by="group", target=groups[0]),
            )


# --------------------------------------------------------------------------- found by a second reading


def _threads():
    import dask

    return dask.config.set(scheduler="threads")


def test_a_partition_of_nothing_but_stop_words_is_a_part_not_an_error():
    df = pd.DataFrame({"doc_id": ["a", "b"], "text": ["We firmly oppose the plan.", "We are here."]})
    with _threads():
        ddf = dd.from_pandas(df, npartitions=2, sort=False)
        df = ddf.compute()
        pd.testing.assert_frame_equal(
            tk.count_terms(ddf, stop_words="english"), tk.count_terms(df, stop_words="english")
        )
        a, b = tk.document_term_matrix(ddf, stop_words="english"), tk.document_term_matrix(df, stop_words="english")
        assert a.terms.tolist() == b.terms.tolist() == ["firmly", "oppose", "plan"]


def test_no_documents_at_all_give_the_in_memory_empty_frame():
    df = pd.DataFrame({"doc_id": ["a", "b"], "text": ["We oppose.", "We hope."]})
    with _threads():
        ddf = dd.from_pandas(df, npartitions=2, sort=False)
        none = ddf[ddf["doc_id"] == "zz"]
        pd.testing.assert_frame_equal(tk.count_terms(none), tk.count_terms(none.compute()))


def test_ids_that_are_not_strings_and_groups_named_doc_id_or_text():
    d = pd.DataFrame(
        {
            "doc_id": [1, 2, 3, 4],
            "text": ["We firmly oppose the plan. Perhaps we may agree.", "We hope.", "Perhaps so.", "We must act."],
            "g": [1, 2, 2, 3],
        }
    )
    with _threads():
        ddf = dd.from_pandas(d, npartitions=2, sort=False)
        d = ddf.compute()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            a = tk.stance_rates(ddf, by="g", n_resamples=200)
            b = tk.stance_rates(d, by="g", n_resamples=200)
        pd.testing.assert_frame_equal(a, b)
        assert "sentence" in set(a["unit"])  # the groups of one document were cut into their sentences
        pd.testing.assert_frame_equal(tk.count_terms(ddf, by="doc_id"), tk.count_terms(d, by="doc_id"))


def test_find_stance_gives_a_speech_its_speaker_as_the_in_memory_default_does():
    d = pd.DataFrame({"doc_id": ["a", "b"], "text": ["Perhaps we may agree.", "We must."], "speaker": ["Li", None]})
    d["genre"] = "speech"
    with _threads():
        ddf = dd.from_pandas(d, npartitions=2, sort=False)
        d = ddf.compute()
        pd.testing.assert_frame_equal(tk.find_stance(ddf), tk.find_stance(d))


def test_a_doc_id_on_two_partitions_is_refused_as_in_memory():
    d = pd.DataFrame({"doc_id": ["a", "b", "a"], "text": ["Perhaps we may agree.", "We hope.", "We must."]})
    with _threads():
        ddf = dd.from_pandas(d, npartitions=2, sort=False)
        for f in (lambda x: tk.find_stance(x, segments=None), lambda x: tk.stance_rates(x, n_resamples=200)):
            with pytest.raises(ValueError, match="doc_id 'a' is on more than one row"):
                f(ddf)


def test_a_write_that_fails_leaves_nothing_to_read(tmp_path):
    meta = {"speaker": "S", "role": "ambassador", "date": "2016-01-01", "source": "t", "licence": "CC0"}
    one = _docs(4).drop(columns="year").assign(**meta)
    out = tmp_path / "out"
    scale.write_parquet(one, out, docs_per_shard=2)
    assert scale.read_parquet(out).npartitions == 2
    with pytest.raises(ValueError, match="doc_id 'd001' is twice in part-00000.parquet"):
        scale.write_parquet(iter([one.iloc[:2], one.iloc[1:2]]), out, docs_per_shard=3)
    assert not list(out.glob("part-*.parquet")) and not (out / "_inputs.json").exists()
    scale.write_parquet(one, out, docs_per_shard=2)
    (out / "_inputs.json").unlink()  # as a write killed before its record
    with pytest.raises(ValueError, match="did not finish"):
        scale.read_parquet(out)


# --------------------------------------------------------------------------- topics and dispersion


def _assert_dispersion_equal(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Counts and parts exactly; DP within 1e-12 (its sums of floats are added in another order)."""
    pd.testing.assert_frame_equal(a.drop(columns=["dp", "dp_norm"]), b.drop(columns=["dp", "dp_norm"]))
    for column in ("dp", "dp_norm"):
        np.testing.assert_allclose(a[column], b[column], rtol=0, atol=1e-12, equal_nan=True)
    assert a.attrs["skipped"] == b.attrs["skipped"]


def test_dispersion_on_a_local_cluster_equals_the_in_memory_result(client):
    ddf = dd.from_pandas(_docs(), npartitions=5)
    docs = ddf.compute()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for kw in ({}, {"by": "country"}, {"by": ["venue", "year"], "stop_words": "english", "min_count": 2}):
            a, b = tk.dispersion(ddf, **kw), tk.dispersion(docs, **kw)
            _assert_dispersion_equal(a, b)
            assert len(a) > 20 and a["dp"].notna().any()
    assert [s["doc_id"] for s in a.attrs["skipped"]] == ["d004"]  # the document without a token, reported
    with pytest.raises(ValueError, match="min_count=0"):
        tk.dispersion(ddf, min_count=0)
    with pytest.raises(ValueError, match="min_count=0"):  # in memory too: a term of count 0 is no row
        tk.dispersion(docs, min_count=0)


def test_a_topic_model_fitted_on_partitions_is_the_online_fit_in_memory_bit_for_bit(client):
    """Online LDA over the partitions, in mini-batches that cross partition edges, is the in-memory online fit."""
    ddf = dd.from_pandas(_docs(60), npartitions=7)
    docs = ddf.compute()
    options = {"n_components": 3, "learning_method": "online", "batch_size": 9, "max_iter": 4, "random_state": 3}
    a = tk.TopicModel(**options).fit(ddf)
    b = tk.TopicModel(**options).fit(docs)
    assert np.array_equal(a.components_, b.components_)
    assert np.array_equal(a.doc_topic_, b.doc_topic_, equal_nan=True)
    assert a.terms_.tolist() == b.terms_.tolist() and a.labels_ == b.labels_ and a.n_iter_ == b.n_iter_ == 4
    assert a.doc_ids_.tolist() == b.doc_ids_.tolist()
    pd.testing.assert_frame_equal(a.metadata_, b.metadata_)
    pd.testing.assert_frame_equal(a.doc_topics(), b.doc_topics())
    pd.testing.assert_frame_equal(a.doc_topics(ddf, on_empty="nan"), b.doc_topics(docs, on_empty="nan"))
    assert np.isnan(a.doc_topic_[4]).all()  # the document without a token: NaN, as in memory
    with pytest.raises(ValueError, match=r"1 document\(s\) contain none of the model's .* 'd004'"):
        a.transform(ddf)  # the check sees every partition's documents, as in memory
    other = tk.TopicModel(**{**options, "random_state": 4}).fit(ddf)
    assert not np.array_equal(other.components_, a.components_)  # the seed is used


def test_a_dask_dataframe_is_fitted_online_or_refused_with_what_to_do():
    ddf = dd.from_pandas(_docs(12), npartitions=2)
    with _threads():
        for kw in ({}, {"method": "nmf"}):
            with pytest.raises(ValueError, match=r"learning_method='online'.*fit\(ddf.compute\(\)\)"):
                tk.TopicModel(n_components=2, **kw).fit(ddf)
        with pytest.raises(ValueError, match="larger than the number of documents"):
            tk.TopicModel(n_components=13, learning_method="online").fit(ddf)
        with pytest.raises(ValueError, match="no terms remain"):
            tk.TopicModel(n_components=2, learning_method="online", min_df=100).fit(ddf)


@settings(max_examples=15, deadline=None, derandomize=True)
@given(
    n=st.integers(3, 30),
    npartitions=st.integers(1, 6),
    batch_size=st.integers(1, 12),
    passes=st.integers(1, 3),
)
def test_the_streamed_topic_fit_does_not_depend_on_the_partitions(n, npartitions, batch_size, passes):
    """Any partitions and mini-batch size: the streamed fit is the in-memory online fit, bit for bit."""
    ddf = dd.from_pandas(_docs(n), npartitions=min(npartitions, n))
    with _threads():
        docs = ddf.compute()
        options = {"n_components": 2, "learning_method": "online", "batch_size": batch_size, "max_iter": passes}
        a = tk.TopicModel(**options).fit(ddf)
    b = tk.TopicModel(**options).fit(docs)
    assert np.array_equal(a.components_, b.components_)
    assert np.array_equal(a.doc_topic_, b.doc_topic_, equal_nan=True)


@settings(max_examples=15, deadline=None, derandomize=True)
@given(
    rows=st.lists(
        st.tuples(st.sampled_from(SPEECHES[:4] + ["", "peace peace", "We may."]), st.sampled_from(["A", "B"])),
        min_size=1,
        max_size=12,
    ),
    npartitions=st.integers(1, 5),
)
def test_dispersion_does_not_depend_on_the_partitions(rows, npartitions):
    docs = pd.DataFrame(
        {"doc_id": [f"d{i}" for i in range(len(rows))], "text": [r[0] for r in rows], "group": [r[1] for r in rows]}
    )
    with _threads(), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        ddf = dd.from_pandas(docs, npartitions=min(npartitions, len(docs)))
        docs = ddf.compute()
        _assert_dispersion_equal(tk.dispersion(ddf, by="group"), tk.dispersion(docs, by="group"))


def test_the_stream_follows_a_local_scheduler_chosen_in_the_config(client, monkeypatch):
    """With dask.config.set(scheduler="threads") the partitions stream through that scheduler, as dask.compute
    does, not through the distributed client that also exists."""
    from toolkit import scale as scale_module

    ddf = dd.from_pandas(_docs(12), npartitions=3)
    assert scale_module._client() is client
    with _threads():
        assert scale_module._client() is None
        matrices = list(scale.partition_matrices(ddf, ["peace", "we"]))
    assert sum(m.matrix.shape[0] for m in matrices) == 12


def test_write_parquet_names_the_columns_it_leaves_out(tmp_path):
    docs = tk.load_interview().assign(session=70, selection="test")
    docs = docs[[c for c in docs.columns if c not in ("session", "selection")] + ["session", "selection"]]
    extra = [c for c in docs.columns if c not in tk.DOC_COLUMNS]
    assert extra[-2:] == ["session", "selection"]
    with pytest.warns(UserWarning, match=r"write_parquet left out the column\(s\) .*'session', 'selection'"):
        table = scale.write_parquet(docs, tmp_path / "shards", docs_per_shard=4)
    assert table.attrs["inputs"]["columns_left_out"] == extra  # the interview's own fields too (title, ...)
    assert json.loads((tmp_path / "shards" / "_inputs.json").read_text())["columns_left_out"] == extra
    assert "session" not in scale.read_parquet(tmp_path / "shards").columns


def test_the_folder_readers_take_the_delimiter_of_read_corpus(tmp_path):
    folder = tmp_path / "statements"
    folder.mkdir()
    memory = tk.load_interview()[list(tk.DOC_COLUMNS)]
    memory.to_csv(folder / "one.csv", sep=";", index=False)
    with _threads(), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        docs, skipped = scale.read_files(folder, delimiter=";")
        assert docs.compute()["doc_id"].tolist() == memory["doc_id"].tolist() and not len(skipped.compute())
        _, wrong = scale.read_files(folder)  # read with ',' the file is skipped, and says why
        assert "semicolon-delimited" in wrong.compute()["problem"].iloc[0]
        table = scale.write_parquet(folder, tmp_path / "shards", delimiter=";")
    assert table["n_docs"].tolist() == [1]


def test_keyness_over_documents_on_dask_equals_the_in_memory_result():
    ddf = dd.from_pandas(_docs(), npartitions=4)
    with _threads(), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        docs = ddf.compute()
        for kw in (
            {"target": "CHN"},
            {"target": "CHN", "reference": "USA", "measure": "lrc"},
            {"target": "CHN", "measure": "fightin_words", "prior": "corpus"},  # the four-cell variance
        ):
            pd.testing.assert_frame_equal(
                tk.compare_groups(ddf, by="country", unit="document", **kw),
                tk.compare_groups(docs, by="country", unit="document", **kw),
            )
        with pytest.raises(ValueError, match="needs an informative prior"):
            tk.compare_groups(ddf, by="country", target="CHN", unit="document", measure="fightin_words")
        with pytest.raises(NotImplementedError, match="shuffles documents in memory"):
            tk.compare_groups(ddf, by="country", target="CHN", permutations=10)


def test_write_parquet_names_the_two_files_of_a_doc_id_met_twice(tmp_path):
    folder = tmp_path / "statements"
    (folder / "b").mkdir(parents=True)
    memory = tk.load_interview()[list(tk.DOC_COLUMNS)]
    memory.to_csv(folder / "a.csv", index=False)
    memory.to_csv(folder / "b" / "again.csv", index=False)
    with pytest.raises(
        ValueError, match=r"doc_id '[^']+' is in a\.csv and again in b/again\.csv; doc_ids must be unique"
    ):
        scale.write_parquet(folder, tmp_path / "shards")
    assert not list((tmp_path / "shards").glob("part-*"))  # nothing half-written
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # a clean folder: no warning (the file column is not 'left out')
        (folder / "b" / "again.csv").unlink()
        scale.write_parquet(folder, tmp_path / "shards")


def test_read_files_refuses_a_folder_with_nothing_to_read_as_read_corpus_does(tmp_path):
    (tmp_path / "README.md").write_text("about", encoding="utf-8")
    (tmp_path / ".draft.txt").write_text("hidden", encoding="utf-8")
    with pytest.raises(FileNotFoundError, match=r"read_corpus: .* holds no file to read \(2 README, hidden or linked"):
        tk.read_corpus(tmp_path)
    with pytest.raises(FileNotFoundError, match=r"read_files: .* holds no file to read \(2 README, hidden or linked"):
        scale.read_files(tmp_path)
