"""Connected components of a graph held as a Dask dataframe of edges, by large-star / small-star.

The algorithm of Kiveris et al., "Connected Components in MapReduce and
Beyond" (SoCC 2014), as text-dedup's former Spark job used it. Each round is
two hash shuffles on the node id plus one pandas pass per partition, so no
machine ever holds the whole edge list. Node ids are int64; the engine uses
rank codes (``stages.rank_code``), so a component's label -- its smallest
member -- is the document the keep policy keeps.

Convergence is detected locally during the large-star pass: the graph is
final when every node either has only larger neighbours (a centre) or has
exactly one neighbour and it is smaller (a leaf); such a graph is a forest of
stars centred on each component's minimum.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Give up after this many rounds. The rounds needed grow like log(n) squared;
#: 64 is far beyond any real input and only guards against a bug looping forever.
MAX_ROUNDS = 64


def empty_edges() -> pd.DataFrame:
    """A zero-row edge frame with the right dtypes (pandas 3: the dtype must be a keyword)."""
    return pd.DataFrame({"u": pd.Series([], dtype="int64"), "v": pd.Series([], dtype="int64")})


def _undirected(part: pd.DataFrame) -> pd.DataFrame:
    """Both directions of every edge, self loops dropped, so a shuffle on u gives u its whole neighbourhood."""
    both = pd.DataFrame({"u": np.concatenate([part.u.to_numpy(), part.v.to_numpy()]),
                         "v": np.concatenate([part.v.to_numpy(), part.u.to_numpy()])})
    return both[both.u != both.v]


def _oriented(part: pd.DataFrame) -> pd.DataFrame:
    """Every edge as larger -> smaller, self loops dropped (small-star looks only at smaller neighbours)."""
    u, v = part.u.to_numpy(), part.v.to_numpy()
    out = pd.DataFrame({"u": np.maximum(u, v), "v": np.minimum(u, v)})
    return out[out.u != out.v]


def _neighbour_min(part: pd.DataFrame) -> pd.Series:
    """Per row, the smallest node among u's neighbours and u itself (u's rows are all in this partition)."""
    m = part.groupby("u").v.transform("min").to_numpy()
    return pd.Series(np.minimum(m, part.u.to_numpy()), index=part.index)


def large_star_part(part: pd.DataFrame) -> pd.DataFrame:
    """Large-star on one partition of undirected edges shuffled by u: link each larger neighbour to the minimum."""
    part = part.drop_duplicates()
    m = _neighbour_min(part)
    keep = (part.v > part.u).to_numpy()
    return pd.DataFrame({"u": part.v.to_numpy()[keep], "v": m.to_numpy()[keep]})


def small_star_part(part: pd.DataFrame) -> pd.DataFrame:
    """Small-star on one partition of oriented edges shuffled by u: link u and its smaller neighbours to their minimum."""
    part = part.drop_duplicates()
    m = _neighbour_min(part).to_numpy()
    u, v = part.u.to_numpy(), part.v.to_numpy()
    moved = v != m
    first = ~part.u.duplicated().to_numpy()
    return pd.DataFrame({"u": np.concatenate([v[moved], u[first]]),
                         "v": np.concatenate([m[moved], m[first]])})


def not_star_nodes(part: pd.DataFrame) -> pd.DataFrame:
    """Count the nodes of one partition (undirected, shuffled by u) that are neither star centre nor leaf."""
    part = part.drop_duplicates()
    g = part.groupby("u").v
    smaller = (part.v < part.u).groupby(part.u).sum()
    degree = g.size()
    bad = (smaller > 0) & ~((smaller == 1) & (degree == 1))
    return pd.DataFrame({"bad": [int(bad.sum())]})


def _leaf_edges(part: pd.DataFrame) -> pd.DataFrame:
    """In a star forest shuffled by u, each leaf's single edge to its smaller centre, once."""
    return part[part.v < part.u].drop_duplicates()


def _shuffle(frame, npartitions: int):
    """Hash-partition rows on u (the one data movement of each half-round)."""
    return frame.shuffle(on="u", npartitions=npartitions)


def connected_components(client, edges, npartitions: int | None = None, progress=None, stage: str = "components"):
    """Return a persisted dataframe ``(node, root)`` for every node that has an edge.

    ``root`` is the smallest node of the component. Nodes without edges are
    their own component and do not appear. Each half-round is persisted so the
    task graph stays small; ``progress(stage, round, round + 1)`` reports rounds.
    """
    n = npartitions or edges.npartitions
    meta = empty_edges()
    edges = edges[["u", "v"]].astype("int64")
    for rnd in range(1, MAX_ROUNDS + 1):
        both = client.persist(_shuffle(edges.map_partitions(_undirected, meta=meta), n))
        if int(both.map_partitions(not_star_nodes, meta={"bad": "int64"}).bad.sum().compute()) == 0:
            star = both.map_partitions(_leaf_edges, meta=meta)
            if progress:
                progress(stage, rnd, rnd)
            return client.persist(star.rename(columns={"u": "node", "v": "root"}))
        large = both.map_partitions(large_star_part, meta=meta)
        oriented = _shuffle(large.map_partitions(_oriented, meta=meta), n)
        edges = client.persist(oriented.map_partitions(small_star_part, meta=meta))
        if progress:
            progress(stage, rnd, rnd + 1)
    raise RuntimeError(f"connected components did not converge in {MAX_ROUNDS} rounds")
