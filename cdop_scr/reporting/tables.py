"""Cross-tables built from GROUP BY counts, with totals, and their tidy `row,column,value` form.

Cells are addressed by (row index, column index) in dimension order; the index one past the last
row (or column) is its total. A one-dimensional table has the single column `Count` and no
total column.
"""

import csv
import io
from dataclasses import dataclass

from .dimensions import MODIFIABLE, Dimension

TOTAL = "Total"
COUNT = Dimension("count", "Count", [("count", "Count")])
HEADER = ("row", "column", "value")


@dataclass(frozen=True)
class Table:
    """Counts by two dimensions (or one, with `cols` = COUNT), totals included in `grid`."""

    rows: Dimension
    cols: Dimension
    grid: tuple

    @property
    def one_dimensional(self):
        return self.cols is COUNT

    @property
    def n_rows(self):
        return len(self.rows.items)

    @property
    def n_cols(self):
        return len(self.cols.items)

    def keys(self):
        """Every published position, row by row, totals last."""
        return [(i, j) for i, line in enumerate(self.grid) for j in range(len(line))]

    def value(self, key):
        return self.grid[key[0]][key[1]]

    def is_total(self, key):
        return key[0] == self.n_rows or key[1] == self.n_cols

    def row_label(self, i):
        return TOTAL if i == self.n_rows else self.rows.items[i][1]

    def col_label(self, j):
        return TOTAL if j == self.n_cols else self.cols.items[j][1]

    @property
    def total(self):
        return self.grid[-1][-1]

    @property
    def row_totals(self):
        return [line[-1] for line in self.grid[:-1]]

    @property
    def col_totals(self):
        return list(self.grid[-1][: self.n_cols])

    def transposed(self):
        """The same counts with rows and columns swapped (a two-way table)."""
        return Table(self.cols, self.rows, tuple(zip(*self.grid, strict=True)))

    def sums(self):
        """The additive relations a reader knows: (total position, [part positions])."""
        rows, cols = range(len(self.grid)), range(len(self.grid[0]))
        relations = [((self.n_rows, j), [(i, j) for i in rows[:-1]]) for j in cols]
        if not self.one_dimensional:
            relations += [((i, self.n_cols), [(i, j) for j in cols[:-1]]) for i in rows]
        return relations


def build_table(counts, rows, cols=None):
    """The table of `counts`: {(row_code, col_code): n}, or {row_code: n} with no `cols`."""
    cols = cols or COUNT
    inner = [[0] * len(cols.items) for _ in rows.items]
    row_index = {code: i for i, code in enumerate(rows.codes)}
    col_index = {code: j for j, code in enumerate(cols.codes)}
    for key, n in counts.items():
        row_code, col_code = (key, "count") if cols is COUNT else key
        if n < 0 or int(n) != n:
            raise ValueError(f"A count must be a whole number, not {n!r}")
        inner[row_index[rows.code_for(row_code)]][col_index[cols.code_for(col_code)]] += int(n)
    if cols is COUNT:
        grid = [line[:] for line in inner] + [[sum(line[0] for line in inner)]]
    else:
        grid = [line + [sum(line)] for line in inner]
        grid.append([sum(column) for column in zip(*grid, strict=True)])
    return Table(rows, cols, tuple(tuple(line) for line in grid))


def tidy_rows(table, text=None):
    """(row label, column label, value text) for every cell and total, row by row."""
    text = text or (lambda key: str(table.value(key)))
    return [(table.row_label(i), table.col_label(j), text((i, j))) for i, j in table.keys()]


def tidy_csv(rows):
    """The tidy rows as CSV text with the header `row,column,value`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue()


PERCENT_MODIFIABLE = "% modifiable"
NOT_APPLICABLE = "[z]"


def percent_modifiable(table, hidden=lambda key: False, symbol="[c]"):
    """(row label, % modifiable) per row and the total: modifiable / (modifiable + not modifiable).

    Rounded half up to a whole number; `symbol` when either count is hidden, `[z]` when both are 0.
    """
    if table.cols is not MODIFIABLE:
        raise ValueError("% modifiable needs a table with modifiable outcomes as its columns")
    mod, not_mod = MODIFIABLE.codes.index("modifiable"), MODIFIABLE.codes.index("not_modifiable")
    result = []
    for i in range(table.n_rows + 1):
        if hidden((i, mod)) or hidden((i, not_mod)):
            text = symbol
        else:
            m = table.value((i, mod))
            known = m + table.value((i, not_mod))
            text = NOT_APPLICABLE if known == 0 else str((200 * m + known) // (2 * known))
        result.append((table.row_label(i), text))
    return result
