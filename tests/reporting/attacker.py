"""The reader as attacker: integer linear programming over everything a published table shows."""

import numpy as np
from scipy.optimize import linprog


def _problem(published):
    table = published.table
    keys = table.keys()
    index = {key: n for n, key in enumerate(keys)}
    equations = np.zeros((len(table.sums()), len(keys)))
    for row, (total, parts) in enumerate(table.sums()):
        equations[row, index[total]] = -1
        for part in parts:
            equations[row, index[part]] = 1
    return keys, index, equations, [published.bounds(key) for key in keys]


def _solve(objective, equations, bounds):
    result = linprog(objective, A_eq=equations, b_eq=np.zeros(len(equations)), bounds=bounds,
                     method="highs", integrality=np.ones(len(objective)))
    if result.status == 3:
        return None
    assert result.status == 0, result.message
    return round(result.fun)


def attack(published):
    """{position: (least, greatest)} a reader can prove for each hidden small count.

    `greatest` is None when unbounded.
    """
    all_keys, index, equations, bounds = _problem(published)
    keys = [k for k in published.status if 0 < published.table.value(k) < published.threshold]
    intervals = {}
    for key in keys:
        objective = np.zeros(len(all_keys))
        objective[index[key]] = 1
        least = _solve(objective, equations, bounds)
        greatest = _solve(-objective, equations, bounds)
        intervals[key] = (least, None if greatest is None else -greatest)
    return intervals


def spread(published, i):
    """The most deaths a reader must allow in protected row i outside its one filled column."""
    all_keys, index, equations, bounds = _problem(published)
    table = published.table
    objective = np.zeros(len(all_keys))
    for j in range(table.n_cols):
        if table.value((i, j)) == 0:
            objective[index[(i, j)]] = -1
    best = _solve(objective, equations, bounds)
    return None if best is None else -best
