"""The Dask engine: the same batch function over partitions of the claims, on a LocalCluster
started here, gives the same report as the local audit."""
import json
import random
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from specaudit.dask import audit_dask, partitions, read_partition  # noqa: E402
from specaudit.engine import AuditOptions, audit  # noqa: E402
from specaudit.claims import iter_claims  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SPEC = str(ROOT / "specs" / "aion-ut-super.csv")
TEXTS = ["全景天窗，通透敞亮", "标配LED大灯", "倒车影像全系标配", "Every trim has alloy wheels.", "这台车没有天窗",
         "买断Max版续航502公里", "前排座椅加热可选装", "租电版4.99万元起，每月3000公里基础里程"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dask")
    rng = random.Random(7)
    with open(folder / "copy.jsonl", "w", encoding="utf-8") as fh:
        for i in range(1500):
            if i % 97 == 5:
                fh.write("\n")  # blank lines keep their numbers
                continue
            fh.write(json.dumps({"id": f"r{i}", "text": rng.choice(TEXTS), "channel": rng.choice(["web", "app"])},
                                ensure_ascii=False) + "\n")
    return folder


@pytest.fixture(scope="module")
def parquet_corpus(tmp_path_factory):
    """1,500 records (some with an empty text) in a Parquet file of 8 row groups."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    folder = tmp_path_factory.mktemp("dask-parquet")
    rng = random.Random(11)
    rows = [{"id": f"p{i}", "text": "" if i % 97 == 5 else rng.choice(TEXTS),
             "channel": rng.choice(["web", "app", "store"]), "campaign": f"c{i % 5}",
             "specaudit_ignore": "sunroof: 概念车图片" if i % 301 == 0 else None} for i in range(1500)]
    pq.write_table(pa.Table.from_pylist(rows), folder / "copy.parquet", row_group_size=200)
    assert pq.ParquetFile(folder / "copy.parquet").metadata.num_row_groups == 8
    return folder / "copy.parquet"


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as c:
        yield c


def _plain(report):
    d = report.as_dict()
    d.pop("created")
    return d


def test_partitions_read_the_same_claims_as_the_local_reader(corpus):
    parts = partitions([corpus / "copy.jsonl"], partition_bytes=4000)
    assert len(parts) > 5
    claims = [c for p in parts for c in read_partition(p)]
    assert claims == list(iter_claims([corpus / "copy.jsonl"]))


@pytest.mark.parametrize("include_supported", [True, False])
def test_dask_report_equals_the_local_one(corpus, client, include_supported):
    options = AuditOptions(include_supported=include_supported)
    inputs = [str(corpus / "copy.jsonl"), str(ROOT / "claims")]
    local = audit([SPEC], inputs, options=options)
    remote = audit_dask([SPEC], inputs, options=options, client=client, partition_bytes=5000)
    assert _plain(remote) == _plain(local)
    assert remote.sentences == local.sentences > 1000


def test_parquet_partitions_are_row_groups_read_like_the_whole_file(parquet_corpus):
    whole = list(iter_claims([parquet_corpus]))
    one_each = partitions([parquet_corpus], partition_bytes=1)
    assert [p.row_groups for p in one_each] == [(g,) for g in range(8)]
    assert [c for p in one_each for c in read_partition(p)] == whole
    assert [c.locator.line for c in read_partition(one_each[1])][:2] == [201, 202]  # file row numbers
    group_bytes = pq_group_bytes(parquet_corpus)
    paired = partitions([parquet_corpus], partition_bytes=2 * max(group_bytes))
    assert 1 < len(paired) < 8 and [g for p in paired for g in p.row_groups] == list(range(8))
    assert [c for p in paired for c in read_partition(p)] == whole
    assert [p.row_groups for p in partitions([parquet_corpus])] == [tuple(range(8))]  # a small file: one


def pq_group_bytes(path) -> list[int]:
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata
    return [meta.row_group(g).total_byte_size for g in range(meta.num_row_groups)]


@pytest.mark.parametrize("include_supported", [True, False])
def test_dask_report_on_parquet_equals_the_local_one(parquet_corpus, corpus, client, include_supported):
    from specaudit import apply_suppressions

    options = AuditOptions(include_supported=include_supported)
    inputs = [str(parquet_corpus), str(corpus / "copy.jsonl")]
    size = min(pq_group_bytes(parquet_corpus)) - 1  # every row group on its own
    assert len([p for p in partitions(inputs, partition_bytes=size) if p.row_groups]) == 8
    local = apply_suppressions(audit([SPEC], inputs, options=options))
    remote = apply_suppressions(audit_dask([SPEC], inputs, options=options, client=client, partition_bytes=size))
    assert _plain(remote) == _plain(local)
    assert remote.waivers == local.waivers and remote.waivers
    assert remote.sentences == local.sentences > 2000
    rows = [r for r in _plain(remote)["results"] if r["source"] == str(parquet_corpus)]
    assert len({(r["line"] - 1) // 200 for r in rows}) == 8  # results from every row group
