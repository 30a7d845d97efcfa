"""Small-number suppression for published tables, and the check that gates every export.

What a reader (the attacker) knows: every shown number, that the cells add up to the totals, that
a printed 0 is 0, that `<5` is 1 to 4, that `[c]` is 5 or more, and which lines were protected
(their `[c]` cells can be any count, 0 included).

A table with its totals is a network: write each row and column as a node and each position as
an edge between its row and its column. A hidden count can differ from its true value, with
everything the reader knows still true, exactly when a cycle of hidden positions lets it move by
one while the others on the cycle move by one within their known bounds. So the checker searches
for such cycles (exact for one table, no linear programming; the tests confirm it against
scipy's LP attacker), and secondary suppression hides the cheapest cycle for each exposed cell.

Linked tables. Every table of one measure and year counts the same cases, so its totals are
numbers other tables print too: the grand total, and each dimension's counts (the row totals of
`rows=category` are the one-way table of category, in the return and on the page alike). So:
1. Margins are suppressed once, as the one-way table of their dimension, and every table
   publishes its totals exactly as that table does; a table may hide more inner cells, never a
   total. The grand total is always printed when it is at least the threshold (a one-way table
   can always be protected without hiding it); under the threshold every position of every table
   of that measure and year is hidden, the grand total as `<5`, and then one case more or fewer
   fits everything published.
2. A two-way table must also be safe for a reader who knows its margins exactly: every small
   inner count (and every protected line) moves along a cycle of hidden inner cells, or along one
   that changes the margins only by a move the margins' own table allows (its "witness" for a
   small margin count, below). Given the margins, tables are independent, so what other tables
   say about the margins cannot pin anything that still moves with the margins known.
3. Each small margin count has one witness: the move its one-way table allows (it and another
   hidden count of the same table, one up and one down). Every table with that margin must make
   the same move with its inner hidden cells, so the witness fits all of them at once and the
   small margin count stays unpinned however many tables a reader holds.

Rules (`suppress`):
1. Primary: counts 1 to threshold-1 are shown as `<5`; zeros are printed.
2. Group disclosure: where the columns are a sensitive dimension, a row whose deaths all fall in
   one column and whose total is under 2 x threshold is protected: its inner cells are hidden
   (`[c]`, zeros too), and more cells until a reader cannot tell that its deaths all share one
   column. The same for columns where the rows are sensitive. Rows whose other columns are empty
   in the whole table are left alone: the column totals already say it. Twice the threshold
   because a row of 5 to 9 deaths with one outcome names that outcome for a group small enough to
   be recognised.
3. Secondary: while some check fails, hide the cheapest cycle that mends it: fewest totals first,
   then the smallest sum of counts, then the fewest cells. Where no cycle of counts can, hide the
   problem's row and column, zeros and all, then every inner cell (with every inner cell hidden
   any check can be met). Then unhide secondary cells, largest first, where the table stays safe.
"""

import enum
import heapq
from dataclasses import dataclass, field

from .tables import build_table, percent_modifiable, tidy_rows

SECONDARY_SYMBOL = "[c]"


class Status(enum.Enum):
    SHOWN = "shown"
    PRIMARY = "primary"  # a small count, shown as <5
    SECONDARY = "secondary"  # hidden to protect a small count, shown as [c]
    GROUP = "group"  # hidden with its line (or the whole table), zeros too, shown as [c]


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
                           f"the totals, other cells or other tables, or because every death in "
                           f"a small row has the same outcome."),
        ("0", "None."),
    ]


@dataclass(frozen=True)
class SuppressedTable:
    """A table as it will be published: which positions are hidden, and why.

    `margins` (two-way tables made by `suppress`): the published one-way tables of the row and
    of the column dimension, whose cells this table's totals are.
    """

    table: object
    threshold: int
    status: dict = field(default_factory=dict)  # hidden positions only
    protected_rows: tuple = ()
    protected_cols: tuple = ()
    margins: tuple | None = None

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
    """What the checker found: small counts a reader can pin, lines still exposed, problems that
    only a reader of several linked tables could use, and each small count's interval."""

    pinned: list
    exposed_rows: list
    intervals: dict  # small hidden position -> (least, greatest or None) a reader can work out
    exposed_cols: list = field(default_factory=list)
    linked: list = field(default_factory=list)

    @property
    def safe(self):
        return not (self.pinned or self.exposed_rows or self.exposed_cols or self.linked)


def suppress(table, threshold=5):
    """The table with primary, group and secondary suppression applied, its totals as in the
    one-way tables of its dimensions; checked safe."""
    if threshold < 3:
        raise ValueError("The threshold must be at least 3 (`<2` would print a 1)")
    if not table.one_dimensional and table.rows.name > table.cols.name:
        # One pattern for the same counts whichever way round they are asked for: two
        # different patterns over the same cells would together show more than either.
        return _transposed(suppress(table.transposed(), threshold))
    margins = None
    if not table.one_dimensional:
        margins = (suppress(build_table(dict(zip(table.rows.codes, table.row_totals,
                                                 strict=True)), table.rows), threshold),
                   suppress(build_table(dict(zip(table.cols.codes, table.col_totals,
                                                 strict=True)), table.cols), threshold))
    grand = _grand_total(table)
    if 0 < table.total < threshold:
        # Everything is small: hide every position of every table of this measure and year.
        status = dict.fromkeys(table.keys(), Status.GROUP) | {grand: Status.PRIMARY}
        return SuppressedTable(table, threshold, status, margins=margins)
    status = {key: Status.PRIMARY for key in _inner(table) if 0 < table.value(key) < threshold}
    if margins:
        status.update(_margin_status(table, margins))
    rows, cols = _lines_to_protect(table, threshold)
    for i in rows:
        status.update(dict.fromkeys(_line(table, ("row", i)), Status.GROUP))
    for j in cols:
        status.update(dict.fromkeys(_line(table, ("col", j)), Status.GROUP))
    published = SuppressedTable(table, threshold, status, rows, cols, margins)
    witnesses = _witnesses(published)
    while (problem := _first_problem(published, witnesses)) is not None:
        found = [m for search in _searches(published, problem, witnesses)
                 if (m := _moves(published, *search[:2], candidates=True, **search[2]))]
        moves = min(found, key=_cost_of_moves(published), default=None)
        if moves is not None:
            status.update({key: Status.SECONDARY for key, _ in moves if key not in status})
            continue
        line = _lines_to_open(published, problem)
        if not line:
            raise UnsafeTable(f"No suppression pattern protects {problem}")
        status.update(dict.fromkeys(line, Status.GROUP))
    secondaries = [key for key, s in status.items() if s is Status.SECONDARY]
    for key in sorted(secondaries, key=lambda key: (-table.value(key), key)):
        del status[key]
        if _first_problem(published, witnesses) is not None:
            status[key] = Status.SECONDARY
    return published


def _transposed(published):
    return SuppressedTable(published.table.transposed(), published.threshold,
                           {(j, i): status for (i, j), status in published.status.items()},
                           published.protected_cols, published.protected_rows,
                           published.margins[::-1] if published.margins else None)


def check_safe(published):
    """Play the reader: which small counts can be worked out exactly, and each one's interval;
    for a table with margins, also what a reader of the linked tables could use."""
    intervals = {key: _interval(published, key) for key in _small_cells(published)}
    pinned = [key for key, (least, greatest) in intervals.items() if least == greatest]
    exposed = [i for i in published.protected_rows
               if not _solved(published, ("row", i), {})]
    exposed_cols = [j for j in published.protected_cols
                    if not _solved(published, ("col", j), {})]
    witnesses = _witnesses(published)
    linked = [problem for problem in _linked_problems(published, witnesses)
              if not _solved(published, problem, witnesses)]
    return SafetyReport(pinned, exposed, intervals, exposed_cols, linked)


def assert_safe(published):
    """Raise UnsafeTable unless `check_safe` passes: the export gate."""
    report = check_safe(published)
    if not report.safe:
        raise UnsafeTable(f"Small counts can be worked out: {report.pinned}; lines exposed: "
                          f"{report.exposed_rows} {report.exposed_cols}; through linked "
                          f"tables: {report.linked}", report)
    return report


# The table's parts ----------------------------------------------------------------------------

def _grand_total(table):
    return table.n_rows, len(table.grid[0]) - 1


def _inner(table):
    return [key for key in table.keys() if not table.is_total(key)]


def _margins(published):
    """The positions a reader of the linked tables may know exactly (all totals)."""
    table = published.table
    return frozenset(key for key in table.keys() if table.is_total(key))


def _margin_status(table, margins):
    """The totals' statuses, copied from the one-way tables of the dimensions."""
    row_margin, col_margin = margins
    status = {}
    for i in range(table.n_rows):
        if row_margin.is_hidden((i, 0)):
            status[(i, table.n_cols)] = row_margin.status_of((i, 0))
    for j in range(table.n_cols):
        if col_margin.is_hidden((j, 0)):
            status[(table.n_rows, j)] = col_margin.status_of((j, 0))
    return status


def _locked(published):
    """Positions whose status is settled elsewhere: never hidden to protect something else."""
    table = published.table
    return _margins(published) if published.margins else frozenset({_grand_total(table)})


def _line(table, line):
    kind, index = line
    if kind == "row":
        return [(index, j) for j in range(table.n_cols)]
    return [(i, index) for i in range(table.n_rows)]


def _lines_to_protect(table, threshold):
    """(rows, columns) whose deaths all share one value of a sensitive dimension."""
    if table.one_dimensional:
        return (), ()

    def lonely(n, m, value, other_totals, total_of):
        found = []
        for a in range(n):
            filled = [b for b in range(m) if value(a, b)]
            others = [b for b in range(m) if other_totals[b] and b not in filled]
            if len(filled) == 1 and others and total_of(a) < 2 * threshold:
                found.append(a)
        return tuple(found)

    rows = cols = ()
    if table.cols.sensitive:
        rows = lonely(table.n_rows, table.n_cols, lambda i, j: table.value((i, j)),
                      table.col_totals, lambda i: table.row_totals[i])
    if table.rows.sensitive:
        cols = lonely(table.n_cols, table.n_rows, lambda j, i: table.value((i, j)),
                      table.row_totals, lambda j: table.col_totals[j])
    return rows, cols


def _small_cells(published):
    return sorted(key for key in published.status if 0 < published.table.value(key)
                  < published.threshold)


def _linked(published):
    """Whether the linked checks apply: margins known, grand total printed."""
    return bool(published.margins) and not published.is_hidden(_grand_total(published.table))


# The checks -----------------------------------------------------------------------------------

def _witnesses(published):
    """For each small hidden margin count, the move its one-way table allows, in this table's
    positions: {position: change}."""
    if not _linked(published):
        return []
    table = published.table
    found = []
    for margin, position in zip(published.margins,
                                (lambda i: (i, table.n_cols), lambda j: (table.n_rows, j)),
                                strict=True):
        for key in _small_cells(margin):
            moves = _moves(margin, key, 1) or _moves(margin, key, -1)
            found.append({position(k[0]): change for k, change in moves})
    return found


def _linked_problems(published, witnesses):
    if not _linked(published):
        return []
    margins = _margins(published)
    problems = [("witness", tuple(w.items())) for w in witnesses]
    problems += [("linked", key) for key in _small_cells(published) if key not in margins]
    problems += [("linked-row", i) for i in published.protected_rows]
    problems += [("linked-col", j) for j in published.protected_cols]
    return problems


def _problems(published, witnesses):
    yield from _linked_problems(published, witnesses)
    yield from (("cell", key) for key in _small_cells(published))
    yield from (("row", i) for i in published.protected_rows)
    yield from (("col", j) for j in published.protected_cols)


def _first_problem(published, witnesses):
    return next((problem for problem in _problems(published, witnesses)
                 if not _solved(published, problem, witnesses)), None)


def _solved(published, problem, witnesses):
    return any(_moves(published, key, step, **options)
               for key, step, options in _searches(published, problem, witnesses))


def _empty_cells(published, line):
    table = published.table
    return [key for key in _line(table, line) if table.value(key) == 0]


def _searches(published, problem, witnesses):
    """(position, step, options) for each cycle that would settle the problem."""
    kind, subject = problem
    if kind == "cell":
        return [(subject, 1, {}), (subject, -1, {})]
    if kind in ("row", "col"):
        return [(key, 1, {}) for key in _empty_cells(published, (kind, subject))]
    margins = _margins(published)
    if kind == "witness":
        (key, step), *rest = subject
        return [(key, step, {"fixed": margins - {k for k, _ in rest}, "forced": dict(rest)})]
    # With the margins known exactly, or moved only as a witness moves them.
    ways = [{"fixed": margins}] + [{"fixed": margins - set(w), "forced": w} for w in witnesses]
    if kind == "linked":
        return [(subject, step, way) for step in (1, -1) for way in ways]
    line = ("row" if kind == "linked-row" else "col", subject)
    return [(key, 1, way) for key in _empty_cells(published, line) for way in ways]


def _lines_to_open(published, problem):
    """Cells to hide zeros and all when hiding counts cannot help: the problem's row and column,
    then every cell the table may hide."""
    table = published.table
    locked = _locked(published)
    kind, subject = problem
    if kind == "witness":
        keys = [k for k, _ in subject]
    elif kind in ("cell", "linked"):
        keys = [subject]
    else:
        keys = []
    lines = []
    for i, j in keys:
        if table.one_dimensional:
            lines.append(("col", 0))
        elif (i, j) in locked:
            lines.append(("row", i) if j == table.n_cols else ("col", j))
        else:
            lines += [("row", i), ("col", j)]
    for line in lines:
        cells = [k for k in _line(table, line) if k not in locked]
        if any(published.status_of(k) is not Status.GROUP for k in cells):
            return cells
    return [k for k in table.keys() if k not in locked
            and published.status_of(k) is not Status.GROUP]


# Cycles ---------------------------------------------------------------------------------------

def _cost_of_moves(published):
    def cost(moves):
        return sum(_cost(published, key) for key, _ in moves)
    return cost


# A cost compares (totals, counts, cells) in that order; packed into one number for speed.
_TOTAL, _COUNT = 10**18, 10**9


def _cost(published, key):
    """Hiding a further cell costs (totals, counts, cells), compared in that order."""
    if published.is_hidden(key):
        return 0
    return _TOTAL * published.table.is_total(key) + _COUNT * published.table.value(key) + 1


def _within(bounds, value):
    least, greatest = bounds
    return least <= value and (greatest is None or value <= greatest)


def _moves(published, key, step, candidates=False, values=None, unlimited=False,
           fixed=frozenset(), forced=None):
    """The cheapest cycle of moves [(position, change)] that changes `key` by `step`, with all a
    reader knows still true.

    Each position is an edge between its row and its column (a one-way table's rows share one
    node); a total enters its row and column sums with the opposite sign to an inner cell, so
    counting totals negatively makes every position a plain edge, and moving `key` carries one
    unit from one end to the other that a path of other moves must bring back.

    Uses hidden positions, and with `candidates` also shown counts of at least the threshold
    that are not locked (they would then be hidden as [c]). `fixed` positions are known exactly;
    `forced` positions may move only by the change given. `values` overrides the true values
    (for intervals). With `unlimited`, only moves that could be repeated for ever: increases
    with no upper bound.
    """
    table, status, threshold = published.table, published.status, published.threshold
    n_rows, n_cols, one_way, grid = table.n_rows, table.n_cols, table.one_dimensional, table.grid
    forced = forced or {}

    def value(k):
        return values[k] if values else grid[k[0]][k[1]]

    def ends(k):
        return ("g", 0) if one_way else ("r", k[0]), ("c", k[1])

    def sign(k):
        return -1 if (k[0] == n_rows) != (k[1] == n_cols) else 1

    if not _within(published.bounds(key), value(key) + step):
        return None
    row, col = ends(key)
    start, goal = (col, row) if step * sign(key) == 1 else (row, col)
    locked = _locked(published) if candidates else ()
    arcs = {}
    for k in (table.keys() if candidates else status):
        hidden = k in status
        if not hidden and (k in locked or value(k) < threshold):
            continue
        if k == key or (k in fixed and k not in forced):
            continue
        least, greatest = published.bounds(k) if hidden else (threshold, None)
        if unlimited and greatest is not None:
            continue
        v, s, cost = value(k), sign(k), 0 if hidden else _cost(published, k)
        r, c = ends(k)
        for a, b, change in ((r, c, s), (c, r, -s)):
            if (k in forced and change != forced[k]) or (unlimited and change < 0):
                continue
            if least <= v + change and (greatest is None or v + change <= greatest):
                arcs.setdefault(a, []).append((b, k, change, cost))
    best = {start: (0, None)}
    heap = [(0, start)]
    while heap:
        cost, node = heapq.heappop(heap)
        if cost > best[node][0]:
            continue
        if node == goal:
            moves = []
            while best[node][1] is not None:
                node, k, change = best[node][1]
                moves.append((k, change))
            return [(key, step)] + moves[::-1]
        for b, k, change, extra in arcs.get(node, ()):
            new = cost + extra
            if b not in best or new < best[b][0]:
                best[b] = (new, (node, k, change))
                heapq.heappush(heap, (new, b))
    return None


def _interval(published, key):
    """The least and greatest value a reader of this table alone can work out for `key`."""
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
