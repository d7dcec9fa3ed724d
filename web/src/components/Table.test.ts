/**
 * The web app's shared Table (web/src/components/Table.tsx): what it decides beyond layout, rendered
 * to markup. Columns given as `false` are left out, figures are right-aligned in header and cells,
 * a sortable column says which way it sorts (others "none"), a row-header column is `th scope="row"`,
 * and a detail row spans every shown column, only for the rows that have one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import React, { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { TableProps } from './Table.tsx';

// tsx compiles the web app's JSX outside web/tsconfig.json (the classic runtime, `React.createElement`).
Object.assign(globalThis, { React });
const { Table } = await import('./Table.tsx');

interface Row {
  id: string;
  n: number;
}
const rows: Row[] = [
  { id: 'a', n: 1 },
  { id: 'b', n: 2 },
];

function render(props: Partial<TableProps<Row>>): string {
  return renderToStaticMarkup(
    createElement(Table<Row>, {
      rows,
      rowKey: (r) => r.id,
      columns: [
        { header: 'Name', rowHeader: true, cell: (r) => r.id },
        { header: 'Count', numeric: true, className: 'strong', cell: (r) => r.n },
      ],
      ...props,
    }),
  );
}

test('header cells have scope, a row-header column is th scope="row", figures are numeric in header and cells', () => {
  const html = render({});
  assert.match(html, /<th scope="col">Name<\/th><th scope="col" class="numeric">Count<\/th>/);
  assert.match(html, /<tr><th scope="row">a<\/th><td class="numeric strong">1<\/td><\/tr>/);
  assert.match(html, /^<div class="table-wrap">/);
  assert.doesNotMatch(render({ wrap: false }), /table-wrap/);
});

test('a column given as false is left out of header and rows', () => {
  const html = render({ columns: [{ header: 'Name', cell: (r) => r.id }, false, { header: 'Last', cell: () => 'x' }] });
  assert.equal(html.match(/<th scope="col"/g)?.length, 2);
  assert.equal(html.match(/<td/g)?.length, 4);
});

test('a hidden caption is for screen readers only', () => {
  assert.match(render({ caption: 'Things', captionHidden: true }), /<caption class="visually-hidden">Things<\/caption>/);
  assert.match(render({ caption: 'Things' }), /<caption>Things<\/caption>/);
});

test('sortable columns say their direction; the others say none', () => {
  const onSort = () => {};
  const html = render({
    columns: [
      { header: 'Name', sort: { direction: 'desc', onSort }, cell: (r) => r.id },
      { header: 'Count', sort: { direction: null, onSort }, cell: (r) => r.n },
      { header: 'Plain', cell: () => '' },
    ],
  });
  assert.match(html, /<th scope="col" aria-sort="descending"><button type="button" class="sort-button">Name<span aria-hidden="true"> ▼<\/span><\/button><\/th>/);
  assert.match(html, /<th scope="col" aria-sort="none"><button[^>]*>Count<span aria-hidden="true"> ↕<\/span>/);
  assert.match(html, /<th scope="col">Plain<\/th>/);
});

test('a detail row spans the shown columns, only under the rows that have one', () => {
  const html = render({ detail: { className: 'more', render: (r) => (r.id === 'b' ? `about ${r.id}` : null) } });
  assert.equal(html.match(/class="more"/g)?.length, 1);
  assert.match(html, /<td class="numeric strong">2<\/td><\/tr><tr class="more"><td colSpan="2">about b<\/td><\/tr>/);
});
