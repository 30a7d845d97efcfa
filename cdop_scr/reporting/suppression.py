"""Small-number suppression for published tables, and the check that gates every export.

What a reader (the attacker) knows: every shown number, that the cells add up to the totals, that
a printed 0 is 0, that `<5` is 1 to 4, that `[c]` is 5 or more, and which rows were protected
(their `[c]` cells can be any count, 0 included).

A table with its totals is a network: write each row and column as a node and each position as
an edge between its row and its column. A hidden count can differ from its true value, with
everything the reader knows still true, exactly when a cycle of hidden positions lets it move by
one while the others on the cycle move by one within their known bounds. So the checker searches
for such cycles (exact for these tables, no linear programming; the tests confirm it against
scipy's LP attacker), and secondary suppression hides the cheapest cycle for each exposed cell.

Rules (`suppress`):
1. Primary: counts 1 to threshold-1, totals included, are shown as `<5`; zeros are printed.
2. Group disclosure: in a table whose columns are a sensitive dimension, a row whose deaths all
   fall in one column and whose total is under 2 x threshold is protected: all its cells are
   hidden (`[c]`, zeros too), and more cells are hidden until a reader cannot tell that its deaths
   all share one column. Rows whose other columns are empty in the whole table are left alone:
   the column totals already say it. Twice the threshold because a row of 5 to 9 deaths with one
   outcome names that outcome for a group small enough to be recognised.
3. Secondary: while some small count can be worked out exactly, or a protected row's pattern
   can, hide the cheapest cycle that frees it: fewest totals first, then the smallest sum of
   counts, then the fewest cells. Then unhide secondary cells, largest first, where the table
   stays safe.
4. Where no cycle exists (say a row total `<5` over four cells of 1: the reader knows all are
   1), the cell's row, then its column, is hidden zeros and all, as in rule 2; if even that
   cannot protect it, `UnsafeTable` is raised and nothing is published.
"""

import enum
import heapq
from dataclasses import dataclass, field

from .tables import percent_modifiable, tidy_rows

SECONDARY_SYMBOL = "[c]"


class Status(enum.Enum):
    SHOWN = "shown"
    PRIMARY = "primary"  # a small count, shown as <5
    SECONDARY = "secondary"  # hidden to protect a small count, shown as [c]
    GROUP = "group"  # hidden with its row or column, zeros too, shown as [c]


class UnsafeTable(Exception):
    """A table a reader could use to work out a small count; it must not be published."""

    def __init__(self, message, report=None):
        super().__init__(message)
        self.report = report


def primary_symbol(threshold):
    return f"<{threshold}"


def footnotes(threshold=5):
    """The symbols and what they mean, for the notes sheet."""
    return [
        (primary_symbol(threshold), f"A count from 1 to {threshold - 1}."),
        (SECONDARY_SYMBOL, f"Hidden so that a count under {threshold} cannot be worked out from "
                           f"the totals and other cells, or because every death in a small row "
                           f"has the same outcome."),
        ("0", "None."),
    ]


@dataclass(frozen=True)
class SuppressedTable:
    """A table as it will be published: which positions are hidden, and why."""

    table: object
    threshold: int
    status: dict = field(default_factory=dict)  # hidden positions only
    protected_rows: tuple = ()

    def status_of(self, key):
        return self.status.get(key, Status.SHOWN)

    def is_hidden(self, key):
        return key in self.status

    def text(self, key):
        status = self.status_of(key)
        if status is Status.SHOWN:
            return str(self.table.value(key))
        return primary_symbol(self.threshold) if status is Status.PRIMARY else SECONDARY_SYMBOL

    def bounds(self, key):
        """The least and greatest value a reader knows the position has (None: no upper bound)."""
        status = self.status_of(key)
        if status is Status.PRIMARY:
            return 1, self.threshold - 1
        if status is Status.SECONDARY:
            return self.threshold, None
        if status is Status.GROUP:
            return 0, None
        return self.table.value(key), self.table.value(key)

    def tidy_rows(self):
        return tidy_rows(self.table, self.text)

    def percent_modifiable(self):
        return percent_modifiable(self.table, self.is_hidden, SECONDARY_SYMBOL)


@dataclass(frozen=True)
class SafetyReport:
    """What the checker found: small counts a reader can pin, rows still exposed, and intervals."""

    pinned: list
    exposed_rows: list
    intervals: dict  # small hidden position -> (least, greatest or None) a reader can work out

    @property
    def safe(self):
        return not self.pinned and not self.exposed_rows


def suppress(table, threshold=5):
    """The table with primary, group and secondary suppression applied; checked safe."""
    if threshold < 3:
        raise ValueError("The threshold must be at least 3 (`<2` would print a 1)")
    status = {key: Status.PRIMARY for key in table.keys() if 0 < table.value(key) < threshold}
    protected = _rows_to_protect(table, threshold)
    status.update({(i, j): Status.GROUP for i in protected for j in range(table.n_cols)})
    published = SuppressedTable(table, threshold, status, protected)
    while (problem := _first_problem(published)) is not None:
        moves = _cheapest_fix(published, problem)
        if moves is not None:
            status.update({key: Status.SECONDARY for key, _ in moves if key not in status})
            continue
        line = _line_to_open(published, problem)
        if line is None:
            raise UnsafeTable(f"No suppression pattern protects {problem}")
        status.update(dict.fromkeys(line, Status.GROUP))
    secondaries = [key for key, s in status.items() if s is Status.SECONDARY]
    for key in sorted(secondaries, key=lambda key: (-table.value(key), key)):
        del status[key]
        if _first_problem(published) is not None:
            status[key] = Status.SECONDARY
    return published


def check_safe(published):
    """Play the reader: which small counts can be worked out exactly, and each one's interval."""
    intervals = {key: _interval(published, key) for key in _small_cells(published)}
    pinned = [key for key, (least, greatest) in intervals.items() if least == greatest]
    exposed = [i for i in published.protected_rows if not _row_can_spread(published, i)]
    return SafetyReport(pinned, exposed, intervals)


def assert_safe(published):
    """Raise UnsafeTable unless `check_safe` passes: the export gate."""
    report = check_safe(published)
    if not report.safe:
        raise UnsafeTable(f"Small counts can be worked out: {report.pinned}; rows exposed: "
                          f"{report.exposed_rows}", report)
    return report


def _rows_to_protect(table, threshold):
    if table.one_dimensional or not table.cols.sensitive:
        return ()
    rows = []
    for i in range(table.n_rows):
        filled = [j for j in range(table.n_cols) if table.value((i, j))]
        others = [j for j in range(table.n_cols) if table.col_totals[j] and j not in filled]
        if len(filled) == 1 and others and table.row_totals[i] < 2 * threshold:
            rows.append(i)
    return tuple(rows)


def _line_to_open(published, problem):
    """A row or column of cells to hide zeros and all, when hiding counts cannot help."""
    if problem[0] == "row":
        return None
    table, (i, j) = published.table, problem
    lines = [[(i, c) for c in range(table.n_cols)]] if not table.one_dimensional else []
    lines.append([(r, j) for r in range(table.n_rows)])
    return next((line for line in lines
                 if any(published.status_of(k) is not Status.GROUP for k in line)), None)


def _small_cells(published):
    return sorted(key for key in published.status if 0 < published.table.value(key)
                  < published.threshold)


def _first_problem(published):
    for key in _small_cells(published):
        if not (_moves(published, key, 1) or _moves(published, key, -1)):
            return key
    for i in published.protected_rows:
        if not _row_can_spread(published, i):
            return ("row", i)
    return None


def _empty_cells_of_row(published, i):
    return [(i, j) for j in range(published.table.n_cols) if published.table.value((i, j)) == 0]


def _row_can_spread(published, i):
    """Whether a reader must allow that some death in row i falls in another column."""
    return any(_moves(published, key, 1) for key in _empty_cells_of_row(published, i))


def _cheapest_fix(published, problem):
    if problem[0] == "row":
        options = [(key, 1) for key in _empty_cells_of_row(published, problem[1])]
    else:
        options = [(problem, 1), (problem, -1)]
    found = [m for key, step in options if (m := _moves(published, key, step, candidates=True))]
    return min(found, key=_cost_of_moves(published), default=None)


def _cost_of_moves(published):
    def cost(moves):
        return sum((_cost(published, key) for key, _ in moves), start=(0, 0, 0))
    return cost


def _cost(published, key):
    """Hiding a further cell costs (totals, counts, cells), compared in that order."""
    if published.is_hidden(key):
        return (0, 0, 0)
    return (int(published.table.is_total(key)), published.table.value(key), 1)


def _add(a, b):
    return tuple(x + y for x, y in zip(a, b, strict=True))


def _ends(table, key):
    """The row and column nodes a position joins; a 1-D table's rows share one free node."""
    i, j = key
    return ("g", 0) if table.one_dimensional else ("r", i), ("c", j)


def _sign(table, key):
    # A total enters its row and column sums with the opposite sign to an inner cell; counting
    # row and column totals negatively makes every position a plain edge from row to column.
    i, j = key
    return -1 if (i == table.n_rows) != (j == table.n_cols) else 1


def _within(bounds, value):
    least, greatest = bounds
    return least <= value and (greatest is None or value <= greatest)


def _moves(published, key, step, candidates=False, values=None, unlimited=False):
    """The cheapest cycle of moves [(position, change)] that changes `key` by `step`, with all a
    reader knows still true.

    Uses hidden positions, and with `candidates` also shown counts of at least the threshold
    (which would then be hidden as [c]). `values` overrides the true values (for intervals).
    With `unlimited`, only moves that could be repeated for ever: increases with no upper bound.
    """
    table = published.table
    values = values or {k: table.value(k) for k in table.keys()}

    def bounds(k):
        return published.bounds(k) if published.is_hidden(k) else (published.threshold, None)

    if not _within(published.bounds(key), values[key] + step):
        return None
    row, col = _ends(table, key)
    # Moving `key` by `step` carries one unit from one end to the other; a path must bring it back.
    start, goal = (col, row) if step * _sign(table, key) == 1 else (row, col)
    arcs = {}
    for k in table.keys():
        usable = published.is_hidden(k) or (candidates and values[k] >= published.threshold)
        if k == key or not usable:
            continue
        r, c = _ends(table, k)
        for a, b, change in ((r, c, _sign(table, k)), (c, r, -_sign(table, k))):
            if unlimited and (change < 0 or bounds(k)[1] is not None):
                continue
            if _within(bounds(k), values[k] + change):
                arcs.setdefault(a, []).append((b, k, change))
    best = {start: ((0, 0, 0), [])}
    heap = [((0, 0, 0), start)]
    while heap:
        cost, node = heapq.heappop(heap)
        if cost > best[node][0]:
            continue
        if node == goal:
            return [(key, step)] + best[node][1]
        for b, k, change in arcs.get(node, ()):
            new = _add(cost, _cost(published, k))
            if b not in best or new < best[b][0]:
                best[b] = (new, best[node][1] + [(k, change)])
                heapq.heappush(heap, (new, b))
    return None


def _interval(published, key):
    """The least and greatest value a reader can work out for `key` (None: unbounded)."""
    table = published.table
    ends = []
    for step in (-1, 1):
        unbounded = step == 1 and published.bounds(key)[1] is None
        if unbounded and _moves(published, key, step, unlimited=True):
            ends.append(None)
            continue
        values = {k: table.value(k) for k in table.keys()}
        # Each cycle found moves the cell one further (augmenting paths, as in max-flow).
        while moves := _moves(published, key, step, values=values):
            for k, change in moves:
                values[k] += change
        ends.append(values[key])
    return tuple(ends)
