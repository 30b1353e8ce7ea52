"""The shared graph helpers (:mod:`zoneplan.graphs`) on graphs small enough to check by hand."""

from __future__ import annotations

from collections import defaultdict

from zoneplan.graphs import UnionFind, bfs_hops, bfs_tree, components, reach

#   0 - 1 - 2     5 - 6
#       |
#       3         4
PATH = [[1], [0, 2, 3], [1], [1], [], [6], [5]]


def test_union_find_joins_and_lists_groups_in_first_seen_order():
    uf = UnionFind()
    assert uf.union("b", "a") is True
    assert uf.union("c", "d") is True
    assert uf.union("a", "b") is False  # already together
    assert uf.find("a") == uf.find("b") != uf.find("c")
    assert "a" in uf and "z" not in uf and len(uf) == 4
    assert uf.groups() == [["a", "b"], ["d", "c"]]  # union(x, y) sees y first
    assert uf.union("d", "a") is True
    assert uf.groups() == [["a", "b", "d", "c"]]
    assert uf.find("z") == "z" and len(uf) == 5  # a new item is a set of its own


def test_union_find_over_a_range_keeps_the_range_order():
    uf = UnionFind(range(7))
    for u, vs in enumerate(PATH):
        for v in vs:
            uf.union(u, v)
    assert sorted(uf.groups()) == [[0, 1, 2, 3], [4], [5, 6]]
    assert uf.groups()[0] == [0, 1, 2, 3]


def test_components_stay_among_the_nodes_given():
    assert components(range(7), PATH) == [[0, 1, 2, 3], [4], [5, 6]]
    assert components([3, 0, 2], PATH) == [[3], [0], [2]]  # 1 is not given: nothing joins them
    assert components([6, 5, 1, 2], PATH) == [[5, 6], [1, 2]]
    nb = defaultdict(set, {0: {1}, 1: {0}})
    assert components([0, 1, 2], nb) == [[0, 1], [2]] and 2 not in nb  # a defaultdict is only read


def test_reach_moves_only_inside():
    assert reach(0, PATH) == {0, 1, 2, 3}
    assert reach(0, PATH, {0, 1, 3}) == {0, 1, 3}
    assert reach(0, PATH, {2, 3}) == {0}  # the start is always reached
    assert reach(4, PATH) == {4}
    assert reach("x", {"x": {"y"}, "y": {"z"}}) == {"x", "y", "z"}  # a dict may leave out "z"


def test_bfs_hops_counts_edges_up_to_the_cutoff():
    assert bfs_hops(PATH, 0) == {0: 0, 1: 1, 2: 2, 3: 2}
    assert list(bfs_hops(PATH, 0)) == [0, 1, 2, 3]  # breadth-first order
    assert bfs_hops(PATH, 0, cutoff=1) == {0: 0, 1: 1}
    assert bfs_hops(PATH, 0, cutoff=0) == {0: 0}
    ring = {"a": ["b", "d"], "b": ["a", "c"], "c": ["b", "d"], "d": ["c", "a"]}
    assert bfs_hops(ring, "a") == {"a": 0, "b": 1, "d": 1, "c": 2}
    assert bfs_hops({}, "alone") == {"alone": 0}


def test_bfs_tree_gives_order_and_parents():
    order, parent = bfs_tree(0, PATH)
    assert order == [0, 1, 2, 3] and parent == {0: -1, 1: 0, 2: 1, 3: 1}
    order, parent = bfs_tree(1, PATH, keep=lambda v: v != 2)
    assert order == [1, 0, 3] and parent == {1: -1, 0: 1, 3: 1}
