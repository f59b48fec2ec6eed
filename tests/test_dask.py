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
