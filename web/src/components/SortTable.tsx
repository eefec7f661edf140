// SPDX-License-Identifier: MIT
/**
 * @module components/SortTable
 *
 * A table sortable by clicking a column header (toggles ascending/descending; stable, with the
 * original order as the tie-breaker). Cells are React nodes, so host strings stay text.
 */
import { useState, type ReactNode } from 'react';

/** A column: header text and a sort key per row. */
export interface Column<R> {
  title: string;
  key: (r: R) => string | number;
  cell: (r: R) => ReactNode;
  numeric?: boolean;
}

/** Compares two sort keys (numbers numerically, strings naturally). */
export function compareKeys(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

/** Sorts rows by column `col` (stable). */
export function sortRows<R>(
  rows: readonly R[],
  cols: ReadonlyArray<Column<R>>,
  col: number,
  asc: boolean,
): R[] {
  const c = cols[col];
  if (c === undefined) return [...rows];
  return rows
    .map((r, i) => ({ r, i }))
    .sort((x, y) => (asc ? 1 : -1) * compareKeys(c.key(x.r), c.key(y.r)) || x.i - y.i)
    .map((x) => x.r);
}

/** The table. */
export function SortTable<R>({
  rows,
  cols,
  label,
  empty = 'none',
}: {
  rows: readonly R[];
  cols: ReadonlyArray<Column<R>>;
  label: string;
  empty?: string;
}) {
  const [sort, setSort] = useState<{ col: number; asc: boolean } | null>(null);
  const sorted = sort === null ? rows : sortRows(rows, cols, sort.col, sort.asc);
  if (rows.length === 0) return <p className="muted">{empty}</p>;
  return (
    <table className="table" aria-label={label}>
      <thead>
        <tr>
          {cols.map((c, i) => (
            <th
              key={c.title}
              aria-sort={sort?.col === i ? (sort.asc ? 'ascending' : 'descending') : 'none'}
              className={c.numeric ? 'num' : ''}
            >
              <button
                type="button"
                onClick={() => setSort((s) => ({ col: i, asc: s?.col === i ? !s.asc : true }))}
              >
                {c.title}
                <span aria-hidden="true">{sort?.col === i ? (sort.asc ? ' ▴' : ' ▾') : ''}</span>
              </button>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {sorted.map((r, i) => (
          <tr key={i}>
            {cols.map((c) => (
              <td key={c.title} className={c.numeric ? 'num' : ''}>
                {c.cell(r)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
