import type { ReactNode } from 'react';

/**
 * A select's `<option>`s, one an item: `value` is the option's value and key (the item itself when
 * the items are strings or numbers), `label` what it shows. No items (data not loaded yet): none.
 */
export function Options<T>({ items, value, label }: { items: readonly T[] | undefined; value?: (item: T) => string | number; label: (item: T) => ReactNode }) {
  const valueOf = value ?? ((item: T) => item as string | number);
  return (
    <>
      {items?.map((item) => (
        <option key={valueOf(item)} value={valueOf(item)}>
          {label(item)}
        </option>
      ))}
    </>
  );
}
