"""Connected components of a graph held as a Dask dataframe of edges, by large-star / small-star.

The algorithm of Kiveris et al., "Connected Components in MapReduce and
Beyond" (SoCC 2014), as text-dedup's former Spark job used it: every round
is a groupby-min and a merge, i.e. shuffles, so no machine ever holds the
whole edge list. Node ids are int64 (document positions in input order), so
the component label -- the smallest member -- is also the first document.
"""

from __future__ import annotations

import pandas as pd

#: Give up after this many rounds. The rounds needed grow like log(n) squared;
#: 64 is far beyond any real input and only guards against a bug looping forever.
MAX_ROUNDS = 64


def _undirected(edges):
    """Both directions of every edge, self loops dropped (each node sees its whole neighbourhood)."""
    import dask.dataframe as dd

    back = edges.rename(columns={"u": "v", "v": "u"})[["u", "v"]]
    both = dd.concat([edges[["u", "v"]], back])
    return both[both.u != both.v]


def _neighbour_min(edges):
    """(u, m) with m = min over u's neighbours and u itself, as a dataframe indexed by nothing."""
    mins = edges.groupby("u").v.min().reset_index().rename(columns={"v": "m"})
    mins["m"] = mins.m.where(mins.m < mins.u, mins.u)
    return mins


def large_star(edges):
    """Connect every neighbour larger than u to the smallest node of u's neighbourhood.

    Emits (v, m) for each edge (u, v) with v > u; the result is directed child -> smaller parent.
    """
    both = _undirected(edges)
    j = both.merge(_neighbour_min(both), on="u")
    out = j[j.v > j.u][["v", "m"]].rename(columns={"v": "u", "m": "v"})
    return out.drop_duplicates(split_out=edges.npartitions)


def small_star(edges):
    """Connect u and every smaller neighbour of u to the smallest of them.

    Edges are first oriented larger -> smaller; emits (v, m) for each smaller
    neighbour v != m, and (u, m).
    """
    lo = edges.u.where(edges.u < edges.v, edges.v)
    hi = edges.u.where(edges.u > edges.v, edges.v)
    oriented = edges.assign(u=hi, v=lo)
    oriented = oriented[oriented.u != oriented.v]
    mins = _neighbour_min(oriented)
    j = oriented.merge(mins, on="u")
    import dask.dataframe as dd

    moved = j[j.v != j.m][["v", "m"]].rename(columns={"v": "u", "m": "v"})
    own = mins.rename(columns={"m": "v"})[["u", "v"]]
    return dd.concat([moved, own]).drop_duplicates(split_out=edges.npartitions)


def _is_star_forest(edges) -> bool:
    """True when every child has one parent and no parent is a child: the fixed point of both stars."""
    import dask

    parents = edges.groupby("v").size().to_frame("n")
    is_parent = edges[["u"]].merge(parents, left_on="u", right_index=True, how="inner")
    n, children, overlap = dask.compute(edges.shape[0], edges.u.nunique(), is_parent.shape[0])
    return n == children and overlap == 0


def connected_components(client, edges, progress=None, stage: str = "components"):
    """Return a persisted dataframe ``(node, root)`` for every node that has an edge.

    ``root`` is the smallest node of the component. Nodes without edges are
    their own component and do not appear. Each round is persisted so the task
    graph stays small; ``progress(stage, round, MAX_ROUNDS)`` reports rounds.
    """
    edges = client.persist(edges[["u", "v"]].astype("int64"))
    for rnd in range(1, MAX_ROUNDS + 1):
        edges = client.persist(large_star(edges))
        if _is_star_forest(edges):
            break
        edges = client.persist(small_star(edges))
        if progress:
            progress(stage, rnd, MAX_ROUNDS)
    else:
        raise RuntimeError(f"connected components did not converge in {MAX_ROUNDS} rounds")
    if progress:
        progress(stage, MAX_ROUNDS, MAX_ROUNDS)
    return edges.rename(columns={"u": "node", "v": "root"})


def empty_edges():
    """A zero-row edge frame with the right dtypes (pandas 3: dtype must be a keyword)."""
    return pd.DataFrame({"u": pd.Series([], dtype="int64"), "v": pd.Series([], dtype="int64")})
