"""Benchmark the knowledge-map recompute on synthetic members with planted clusters.

    python bench/recompute.py --members 1000 10000 100000 [--db sqlite|postgres]

For each size: seed a fresh database (not timed), then run the real recompute service in
a child process (load + vectors, neighbours, communities, database write) and print the
stage times, its CPU time (all threads: the work, however busy the shared machine is),
its peak memory (max RSS), the adjusted Rand index against the planted clusters, and
neighbour recall@k against exact search on a sample. At 10,000 it also times the naive
exact method (dense all-pairs cosine + top-k) beside ours.

Beside ours, in a process of its own, a plain scikit-learn baseline on the same profiles:
one TF-IDF over tag tokens and bio words, brute-force cosine k-NN (same k), networkx
Louvain; and the baseline's vectors through our k-NN and Leiden. Printed with times, ARI
and how many times slower than ours they are. The baseline runs up to --baseline-max
members only (10,000 by default): its brute-force k-NN is O(N²), about 4 minutes at
100,000, and networkx Louvain about a minute more (the research note's B2 and B8). The
machine's load average is printed with the figures, since the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/"
SAMPLE = 1000
BASELINE_MAX = 10_000


def topics_for(n: int) -> int:
    return 8 if n < 5000 else 20 if n < 50_000 else 30


def seed(url: str, n: int) -> float:
    from sqlalchemy import insert

    from bench.synthetic import planted_profiles
    from config import TestConfig
    from coordinator import create_app
    from coordinator.extensions import db
    from coordinator.models import Membership, Partnership, Tag, User, membership_tags

    profiles, _ = planted_profiles(n, topics=topics_for(n), seed=1)
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    started = time.perf_counter()
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.session.execute(insert(Partnership), [{"id": 1, "slug": "bench", "name": "Bench"}])
        tag_ids = {name: i for i, name in enumerate(sorted({t for p in profiles
                                                           for t in p.tags}), start=1)}
        _chunks(insert(Tag), [{"id": i, "partnership_id": 1, "name": name}
                              for name, i in tag_ids.items()])
        _chunks(insert(User), [{"id": p.member_id, "email": f"m{p.member_id}@bench.example",
                                "name": f"Member {p.member_id}"} for p in profiles])
        _chunks(insert(Membership), [{"id": p.member_id, "partnership_id": 1,
                                      "user_id": p.member_id, "role": "member", "bio": p.bio}
                                     for p in profiles])
        _chunks(insert(membership_tags), [{"membership_id": p.member_id, "tag_id": tag_ids[t]}
                                          for p in profiles for t in p.tags])
        db.session.commit()
        db.engine.dispose()
    return time.perf_counter() - started


def _chunks(statement, rows, size=20_000):
    from coordinator.extensions import db

    for start in range(0, len(rows), size):
        db.session.execute(statement, rows[start:start + size])


def run(url: str, n: int) -> dict:
    """In the child process: one end-to-end recompute, then the quality figures."""
    import resource

    import numpy as np
    from sklearn.metrics import adjusted_rand_score
    from sqlalchemy import select

    from bench.synthetic import planted_profiles
    from config import TestConfig
    from coordinator import create_app
    from coordinator.domain.knowledge.neighbours import nearest_neighbours
    from coordinator.domain.knowledge.vectors import build_vectors
    from coordinator.extensions import db
    from coordinator.models import Cluster, ClusterAssignment, Partnership
    from coordinator.services.knowledge import compute as knowledge

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        started, cpu_started = time.perf_counter(), _cpu_seconds()
        result = knowledge.recompute(db.session.get(Partnership, 1), force=True)
        db.session.commit()
        total, cpu = time.perf_counter() - started, _cpu_seconds() - cpu_started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        snapshot = result.snapshot
        assigned = dict(db.session.execute(
            select(ClusterAssignment.membership_id, Cluster.stable_id)
            .outerjoin(Cluster, Cluster.id == ClusterAssignment.cluster_id)
            .where(ClusterAssignment.snapshot_id == snapshot.id)).all())
    profiles, truth = planted_profiles(n, topics=topics_for(n), seed=1)
    found = [assigned.get(p.member_id) or -1 for p in profiles]
    matrix = build_vectors(profiles).matrix
    k = snapshot.params["k"]
    ours = nearest_neighbours(matrix, k, seed=knowledge.SEED)
    sample = np.random.default_rng(0).choice(n, size=min(SAMPLE, n), replace=False)
    exact = _exact_rows(matrix, sample, k)
    recall = float(np.mean([len(set(ours.indices[row]) & set(exact[i])) / k
                            for i, row in enumerate(sample)]))
    figures = {"n": n, "total": total, "cpu": cpu, **result.timings, "peak_mb": peak_mb,
               "ari": adjusted_rand_score(truth, found), "recall": recall, "k": k,
               "clusters": snapshot.quality["clusters"], "method": snapshot.params["method"]}
    if n == 10_000:
        figures["dense_all_pairs"] = _dense_all_pairs(matrix, k)
        figures["ours_exact_sparse"] = result.timings["neighbours"]
    return figures


def _cpu_seconds() -> float:
    """CPU time of this process, all threads: the work, whatever else the machine runs."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _exact_rows(matrix, rows, k):
    from sparse_dot_topn import sp_matmul_topn

    product = sp_matmul_topn(matrix[rows], matrix.T.tocsr(), top_n=k + 1, threshold=1e-6,
                             n_threads=2).tocsr()
    exact = []
    for i, row in enumerate(rows):
        start, end = product.indptr[i], product.indptr[i + 1]
        cols, vals = product.indices[start:end], product.data[start:end]
        order = [c for c in cols[sorted(range(len(cols)), key=lambda j: (-vals[j], cols[j]))]
                 if c != row]
        exact.append(order[:k])
    return exact


def _dense_all_pairs(matrix, k) -> float:
    import numpy as np
    from sklearn.metrics.pairwise import cosine_similarity

    started = time.perf_counter()
    similarity = cosine_similarity(matrix, dense_output=True)
    np.fill_diagonal(similarity, -1)
    np.argpartition(-similarity, k, axis=1)[:, :k]
    return time.perf_counter() - started


def run_baseline(n: int, k: int) -> dict:
    """In its own child process: the plain baseline, then its vectors through ours."""
    import resource

    import networkx as nx
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import adjusted_rand_score
    from sklearn.neighbors import NearestNeighbors

    from bench.synthetic import planted_profiles
    from coordinator.domain.knowledge import clusters as cl
    from coordinator.domain.knowledge import structure
    from coordinator.domain.knowledge.neighbours import nearest_neighbours
    from coordinator.services.knowledge.compute import SEED

    profiles, truth = planted_profiles(n, topics=topics_for(n), seed=1)
    watch = [time.perf_counter()]
    # A tag is one token (spaces and hyphens kept), so a tag's name cannot leak words.
    docs = [" ".join([*(t.replace(" ", "_") for t in (*p.tags, *p.completed_tags)), p.bio])
            for p in profiles]
    matrix = TfidfVectorizer(token_pattern=r"\S+", sublinear_tf=True, min_df=2, max_df=0.5,
                             dtype=np.float32).fit_transform(docs).tocsr()
    watch.append(time.perf_counter())
    search = NearestNeighbors(n_neighbors=k + 1, metric="cosine", algorithm="brute", n_jobs=2)
    distances, indices = search.fit(matrix).kneighbors(matrix)
    indices, similarities = _drop_self(indices, 1 - distances, k)
    watch.append(time.perf_counter())
    edges, weights = cl.knn_edges(indices, similarities)
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_weighted_edges_from(zip(edges[:, 0].tolist(), edges[:, 1].tolist(),
                                      weights.tolist(), strict=True))
    labels = np.full(n, -1)
    for label, members in enumerate(nx.community.louvain_communities(graph, seed=SEED)):
        labels[list(members)] = label
    watch.append(time.perf_counter())
    ours_neighbours = nearest_neighbours(matrix, k, seed=SEED)
    watch.append(time.perf_counter())
    cut = structure.cut_map(matrix, np.diff(matrix.indptr) > 0, seed=SEED,
                            neighbours=ours_neighbours)
    watch.append(time.perf_counter())
    stages = np.diff(watch).tolist()
    return {"vectors": stages[0], "neighbours": stages[1], "communities": stages[2],
            "ari": adjusted_rand_score(truth, labels), "clusters": int(labels.max() + 1),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "ours_neighbours": stages[3], "ours_communities": stages[4],
            "ours_ari": adjusted_rand_score(truth, cut.labels), "ours_clusters": cut.count}


def _drop_self(indices, similarities, k):
    """Each row's k nearest others: the row itself left out, wherever the ties put it."""
    import numpy as np

    others = indices != np.arange(len(indices))[:, None]
    # Keep the first k that are not the row (a duplicate profile may come before it).
    keep = others & (np.cumsum(others, axis=1) <= k)
    rows = keep.sum(axis=1) == k
    assert rows.all(), "brute-force search returned fewer than k others"
    shape = (len(indices), k)
    return (indices[keep].reshape(shape),
            np.where(similarities[keep] > 0, similarities[keep], 0).reshape(shape))


def print_side_by_side(n: int, ours: dict, base: dict | None, limit: int) -> None:
    """Ours, the baseline and the baseline's vectors through ours, in one block."""
    ours_time = ours["vectors"] + ours["neighbours"] + ours["communities"]
    print(f"{'':>8} {'side by side':<44} {'vectors':>8} {'k-NN':>7} {'commun.':>8} "
          f"{'sum':>7} {'peak MB':>8} {'ARI':>6} {'clusters':>8} {'time/ours':>9}")
    _side_row("ours (load + vectors; write not counted)", ours["vectors"], ours["neighbours"],
              ours["communities"], ours["peak_mb"], ours["ari"], ours["clusters"], ours_time)
    if base is None:
        print(f"{'':>8} baseline not run above {limit:,} members (--baseline-max): its "
              "brute-force k-NN is O(N²), minutes at 100,000")
        return
    _side_row("baseline: TF-IDF, brute k-NN, nx Louvain", base["vectors"],
              base["neighbours"], base["communities"], base["peak_mb"], base["ari"],
              base["clusters"], ours_time)
    _side_row("baseline vectors, our k-NN and Leiden", base["vectors"],
              base["ours_neighbours"], base["ours_communities"], None, base["ours_ari"],
              base["ours_clusters"], ours_time)


def _side_row(label, vectors, neighbours, communities, peak, ari, clusters, ours_time):
    total = vectors + neighbours + communities
    peak_text = f"{peak:>8.0f}" if peak is not None else f"{'(same)':>8}"
    print(f"{'':>8} {label:<44} {vectors:>7.2f}s {neighbours:>6.2f}s {communities:>7.2f}s "
          f"{total:>6.2f}s {peak_text} {ari:>6.3f} {clusters:>8} {total / ours_time:>8.1f}×")


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} (1, 5, 15 min; 2 cores shared)"


def _child(*args: str) -> dict:
    child = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True,
                           check=True, cwd=ROOT, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    return json.loads(child.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--baseline-max", type=int, default=BASELINE_MAX,
                        help="largest size the scikit-learn baseline runs at (0: never)")
    parser.add_argument("--child", nargs=2, metavar=("URL", "N"), help=argparse.SUPPRESS)
    parser.add_argument("--baseline-child", nargs=2, type=int, metavar=("N", "K"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run(args.child[0], int(args.child[1]))))
        return
    if args.baseline_child:
        print(json.dumps(run_baseline(*args.baseline_child)))
        return
    print(f"database: {args.db}; k-NN exact up to 30,000 members, cell search beyond; "
          f"{_load()}")
    header = (f"{'members':>8} {'vectors':>8} {'neighb.':>8} {'commun.':>8} {'write':>7} "
              f"{'total':>7} {'CPU':>7} {'peak MB':>8} {'ARI':>6} {'recall':>7} {'clusters':>8}")
    print(header)
    for n in args.members:
        with tempfile.TemporaryDirectory() as folder:
            url = _database(args.db, folder)
            seeded = seed(url, n)
            f = _child("--child", url, str(n))
            print(f"{n:>8} {f['vectors']:>7.2f}s {f['neighbours']:>7.2f}s "
                  f"{f['communities']:>7.2f}s {f['write']:>6.2f}s {f['total']:>6.2f}s "
                  f"{f['cpu']:>6.2f}s "
                  f"{f['peak_mb']:>8.0f} {f['ari']:>6.3f} {f['recall']:>7.3f} "
                  f"{f['clusters']:>8}   (seeded in {seeded:.1f} s; {f['method']}, k={f['k']})")
            print(f"{'':>8} {_load()}")
            if "dense_all_pairs" in f:
                print(f"{'':>8} exact all-pairs (dense cosine + top-k): {f['dense_all_pairs']:.2f}"
                      f" s vs ours {f['ours_exact_sparse']:.2f} s: "
                      f"{f['dense_all_pairs'] / f['ours_exact_sparse']:.1f}× slower")
            if args.db == "postgres":
                _drop_pg()
        base = (_child("--baseline-child", str(n), str(f["k"]))
                if n <= args.baseline_max else None)
        print_side_by_side(n, f, base, args.baseline_max)
        if base is not None:
            print(f"{'':>8} {_load()}")


def _database(kind: str, folder: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{folder}/bench.db"
    from sqlalchemy import create_engine, text

    admin = create_engine(PG_URL + "postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS polder_recompute_bench WITH (FORCE)"))
        conn.execute(text("CREATE DATABASE polder_recompute_bench"))
    admin.dispose()
    return PG_URL + "polder_recompute_bench"


def _drop_pg() -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(PG_URL + "postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS polder_recompute_bench WITH (FORCE)"))
    admin.dispose()


if __name__ == "__main__":
    main()
