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


def spread(published, i, kind="row"):
    """The most deaths a reader must allow in protected row (or column) i outside its one filled
    cell."""
    all_keys, index, equations, bounds = _problem(published)
    table = published.table
    keys = ([(i, j) for j in range(table.n_cols)] if kind == "row"
            else [(r, i) for r in range(table.n_rows)])
    objective = np.zeros(len(all_keys))
    for key in keys:
        if table.value(key) == 0:
            objective[index[key]] = -1
    best = _solve(objective, equations, bounds)
    return None if best is None else -best


# The reader with several tables built from the same cases -------------------------------------

def _variable(table, key, name):
    """The quantity a published position counts: a margin is the same number in every table,
    and so is an inner cell in every table of the same two dimensions, whichever way round."""
    i, j = key
    if (i, j) == (table.n_rows, len(table.grid[0]) - 1):
        return ("total",)
    if table.one_dimensional:
        return ("margin", table.rows.name, table.rows.codes[i])
    if j == table.n_cols:
        return ("margin", table.rows.name, table.rows.codes[i])
    if i == table.n_rows:
        return ("margin", table.cols.name, table.cols.codes[j])
    return ("cell",) + tuple(sorted([(table.rows.name, str(table.rows.codes[i])),
                                     (table.cols.name, str(table.cols.codes[j]))]))


def _intersect(a, b):
    least = max(a[0], b[0])
    greatest = b[1] if a[1] is None else a[1] if b[1] is None else min(a[1], b[1])
    return least, greatest


def _joint_problem(publications):
    """publications: {name: SuppressedTable}, all from the same cases (one measure and year)."""
    variables, bounds, truth, equations = {}, {}, {}, []
    for name, published in publications.items():
        table = published.table
        for key in table.keys():
            var = _variable(table, key, name)
            variables.setdefault(var, len(variables))
            value = table.value(key)
            assert truth.setdefault(var, value) == value, f"{var} differs between tables"
            bounds[var] = _intersect(bounds.get(var, (0, None)), published.bounds(key))
        for total, parts in table.sums():
            line = {variables[_variable(table, total, name)]: -1}
            for part in parts:
                index = variables[_variable(table, part, name)]
                line[index] = line.get(index, 0) + 1
            equations.append(line)
    matrix = np.zeros((len(equations), len(variables)))
    for row, line in enumerate(equations):
        for index, coefficient in line.items():
            matrix[row, index] = coefficient
    order = sorted(variables, key=variables.get)
    return variables, matrix, [bounds[var] for var in order], truth


def joint_attack(publications):
    """{quantity: (least, greatest)} the reader can prove for every hidden small count, using
    every table at once: the same margin (and grand total) is one unknown in all of them.

    Exact: a bound already reached by a solution found (the truth included) needs no solve.
    """
    variables, matrix, bounds, truth = _joint_problem(publications)
    hidden = {_variable(p.table, key, name) for name, p in publications.items()
              for key in p.status}
    threshold = next(iter(publications.values())).threshold
    solutions = [np.array([truth[var] for var in sorted(variables, key=variables.get)])]
    intervals = {}
    for var in sorted(hidden, key=str):
        if not 0 < truth[var] < threshold:
            continue
        index = variables[var]
        ends = []
        for sign, known in ((1, bounds[index][0]), (-1, bounds[index][1])):
            if known is not None and any(s[index] == known for s in solutions):
                ends.append(known)
                continue
            objective = np.zeros(len(variables))
            objective[index] = sign
            result = _solve_point(objective, matrix, bounds)
            if result is None:
                ends.append(None)
                continue
            solutions.append(result)
            ends.append(int(result[index]))
        intervals[var] = tuple(ends)
    return intervals


def _solve_point(objective, equations, bounds):
    """An optimal integer point, or None when the objective is unbounded."""
    result = linprog(objective, A_eq=equations, b_eq=np.zeros(len(equations)), bounds=bounds,
                     method="highs", integrality=np.ones(len(objective)))
    if result.status == 3:
        return None
    assert result.status == 0, result.message
    return np.round(result.x).astype(int)


def joint_spread(publications, name, line):
    """The most deaths a reader of every table must allow outside the one filled cell of a
    protected row or column (("row", i) or ("col", j)) of table `name`."""
    variables, matrix, bounds, _ = _joint_problem(publications)
    table = publications[name].table
    kind, index = line
    keys = ([(index, j) for j in range(table.n_cols)] if kind == "row"
            else [(i, index) for i in range(table.n_rows)])
    objective = np.zeros(len(variables))
    for key in keys:
        if table.value(key) == 0:
            objective[variables[_variable(table, key, name)]] = -1
    best = _solve(objective, matrix, bounds)
    return None if best is None else -best
