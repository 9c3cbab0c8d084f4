import { useState } from 'react';
import type { Ingredient } from '../../shared/schemas/menu-facts.ts';
import { useAdmin } from './admin-context.ts';
import { ErrorAlert, useResource } from './ui.tsx';

/**
 * The shelf: every ingredient the menu uses, each with an "In stock" switch. Switching one off
 * greys every drink that needs it on the guests' menus (the server works out which).
 */
export function ShelfPanel({ version, onChanged }: { version: number; onChanged: () => void }) {
  const { api, t } = useAdmin();
  const ingredients = useResource(() => api.ingredients(), [api, version]);
  const [query, setQuery] = useState('');
  const [error, setError] = useState<unknown>(null);
  const list = ingredients.data ?? [];
  const needle = query.trim().toLowerCase();
  const shown = needle ? list.filter((ingredient) => ingredient.name.toLowerCase().includes(needle)) : list;
  const out = list.filter((ingredient) => !ingredient.in_stock).length;

  function toggle(ingredient: Ingredient, inStock: boolean) {
    ingredients.setData(list.map((item) => (item.name === ingredient.name ? { ...item, in_stock: inStock } : item)));
    api.setIngredientInStock(ingredient.name, inStock).then(
      () => {
        setError(null);
        onChanged();
      },
      (e: unknown) => {
        setError(e);
        void ingredients.reload();
      },
    );
  }

  return (
    <details className="shelf">
      <summary>
        <h2>{t('shelf.title', { count: out })}</h2>
      </summary>
      <p className="muted">{t('shelf.lead')}</p>
      <ErrorAlert error={error ?? ingredients.error} />
      <label>
        {t('shelf.search')}
        <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
      </label>
      <ul className="list">
        {shown.map((ingredient) => (
          <li key={ingredient.name} className={`list-row${ingredient.in_stock ? '' : ' inactive'}`} data-ingredient={ingredient.name}>
            <span className="grow">
              <strong>{ingredient.name}</strong>
              <span className="muted"> {t('shelf.drinks', { names: ingredient.drinks.map((drink) => drink.name).join(', ') })}</span>
            </span>
            <label className="toggle">
              <input type="checkbox" role="switch" checked={ingredient.in_stock} onChange={(e) => toggle(ingredient, e.target.checked)} />
              {t('shelf.inStock')}
            </label>
          </li>
        ))}
      </ul>
    </details>
  );
}
