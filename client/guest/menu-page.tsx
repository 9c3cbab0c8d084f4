import { lazy, useEffect, useId, useRef, useState, useSyncExternalStore, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { MenuDrink } from '../../shared/schemas/menu.ts';
import { listedDrink } from '../../shared/menu-list.ts';
import { ApiError } from '../lib/http.ts';
import { navigate, usePath } from '../lib/router.ts';
import { useT } from './i18n.ts';
import { fetchDrink, matchesSearch } from './menu.ts';
import { placeOrder } from './place-order.ts';
import { useMenu } from './queries.ts';
import { YourUsual } from './order-again.tsx';
import { DrinkFacts, OptionChoices, isAvailable, useOptionChoices } from './drink-facts.tsx';
import { barState } from './bar-state.ts';
import { LazyScreen } from './lazy-screen.tsx';

const SUGGEST_PATH = '/suggest';
// The questions, the taste engine and the AI bartender load when the guest asks for them.
const SuggestionsPage = lazy(() => import('./suggestions.tsx').then((module) => ({ default: module.SuggestionsPage })));

/** The menu's way in: "What should I drink?". */
function SuggestButton() {
  const t = useT();
  return (
    <button type="button" className="wide suggest-open" onClick={() => navigate(SUGGEST_PATH)}>
      {t('menu.suggest')}
    </button>
  );
}

/** While the bar is closed, order buttons stay visible but disabled: the menu is still worth reading. */
function useBarClosed(): boolean {
  return useSyncExternalStore(barState.subscribe, () => barState.value?.status === 'closed');
}

function OrderSheet({ drink, onClose }: { drink: MenuDrink; onClose: () => void }) {
  const t = useT();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const groups = drink.options;
  const choices = useOptionChoices(groups);
  const titleId = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal?.();
  }, []);

  async function place(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const options = choices.check();
    if (!options) return;
    setBusy(true);
    const trimmed = note.trim();
    await placeOrder({ id: drink.id, name: drink.name }, trimmed === '' ? null : trimmed, options);
    onClose();
    navigate('/orders');
  }

  return (
    <dialog ref={dialog} className="sheet" aria-labelledby={titleId} onCancel={onClose}>
      <form onSubmit={place}>
        <h2 id={titleId}>{t('sheet.title', { name: drink.name })}</h2>
        <OptionChoices
          groups={groups}
          chosen={choices.chosen}
          missing={choices.missing}
          onChoose={choices.choose}
        />
        <label htmlFor="order-note">{t('sheet.note')}</label>
        <textarea id="order-note" maxLength={200} rows={2} placeholder={t('sheet.notePlaceholder')} value={note} onChange={(e) => setNote(e.target.value)} />
        <button type="submit" className="primary" disabled={busy}>{t('sheet.place')}</button>
        <button type="button" className="ghost" onClick={onClose}>{t('sheet.cancel')}</button>
      </form>
    </dialog>
  );
}

function DrinkCard({ drink, onOrder }: { drink: MenuDrink; onOrder: (drink: MenuDrink) => void }) {
  const t = useT();
  const available = isAvailable(drink);
  const closed = useBarClosed();
  return (
    <li className={`drink${available ? '' : ' unavailable'}`} data-drink-id={drink.id} data-available={String(available)}>
      {drink.image_url ? <img src={drink.image_url} alt="" width={88} height={88} loading="lazy" decoding="async" /> : <div className="drink-placeholder" aria-hidden="true">🍸</div>}
      <div className="drink-body">
        <h3>{drink.name}</h3>
        {drink.ingredients.length > 0 && <p className="muted ingredients">{drink.ingredients.join(', ')}</p>}
        <DrinkFacts drink={drink} />
        <div className="drink-actions">
          <a href={`/menu/${drink.id}`} className="ghost-link" onClick={(e) => { e.preventDefault(); navigate(`/menu/${drink.id}`); }} aria-label={`${t('menu.details')}: ${drink.name}`}>
            {t('menu.details')}
          </a>
          <button type="button" className="primary" aria-label={t('menu.order', { name: drink.name })} disabled={!available || closed} onClick={() => onOrder(drink)}>
            {/* Visible text stays "Order" (its accessible name starts with it); the reason is shown above. */}
            {t('menu.orderShort')}
          </button>
        </div>
      </div>
    </li>
  );
}

function DrinkDetail({ id, drinks, onOrder }: { id: string; drinks: MenuDrink[]; onOrder: (drink: MenuDrink) => void }) {
  const t = useT();
  const closed = useBarClosed();
  const known = drinks.find((drink) => drink.id === id);
  const detail = useQuery({ queryKey: ['drink', id], queryFn: () => fetchDrink(id), retry: false });
  const drink = detail.data ?? known;
  // The facts as the menu has them (live); a drink not in the stored menu, as its detail says.
  const facts = known ?? (detail.data ? listedDrink(detail.data) : undefined);
  const gone = detail.error instanceof ApiError && detail.error.status === 404;
  return (
    <section className="detail">
      <a href="/menu" className="ghost-link" onClick={(e) => { e.preventDefault(); navigate('/menu'); }}>← {t('menu.back')}</a>
      {!drink || !facts || gone ? (
        <p role={gone ? 'alert' : undefined}>{gone ? t('drink.notFound') : t('loading')}</p>
      ) : (
        <article data-drink-id={drink.id} data-available={String(isAvailable(facts))}>
          <h1>{drink.name}</h1>
          {drink.image_url && <img className="hero" src={drink.image_url} alt="" width={320} height={320} />}
          <DrinkFacts drink={facts} />
          {drink.description && <p>{drink.description}</p>}
          <h2>{t('drink.ingredients')}</h2>
          <ul>
            {(detail.data?.recipe.ingredients ?? drink.ingredients.map((name) => ({ name, amount: '' }))).map((item, index) => (
              <li key={index}>{item.amount ? `${item.amount} ${item.name}` : item.name}</li>
            ))}
          </ul>
          {detail.data && detail.data.recipe.steps.length > 0 && (
            <>
              <h2>{t('drink.steps')}</h2>
              <ol>{detail.data.recipe.steps.map((step, index) => <li key={index}>{step}</li>)}</ol>
            </>
          )}
          {detail.data?.recipe.garnish && <p className="muted">{t('drink.garnish', { garnish: detail.data.recipe.garnish })}</p>}
          {detail.data?.recipe.glassware && <p className="muted">{t('drink.glass', { glass: detail.data.recipe.glassware })}</p>}
          {known && (
            <button type="button" className="primary wide" aria-label={t('menu.order', { name: drink.name })} disabled={!isAvailable(known) || closed} onClick={() => onOrder(known)}>
              {t('menu.orderShort')}
            </button>
          )}
        </article>
      )}
    </section>
  );
}

/** /menu and /menu/<drink id>: shown from the phone's copy at once, revalidated behind. */
export function MenuPage() {
  const t = useT();
  const path = usePath();
  const { data: menu, isError } = useMenu();
  const [query, setQuery] = useState('');
  const [alcoholFree, setAlcoholFree] = useState(false);
  const [ordering, setOrdering] = useState<MenuDrink | null>(null);
  const detailId = path.startsWith('/menu/') ? decodeURIComponent(path.slice('/menu/'.length)) : null;
  const closed = useBarClosed();

  const sheet = ordering && <OrderSheet drink={ordering} onClose={() => setOrdering(null)} />;
  if (path === SUGGEST_PATH) {
    return (
      <LazyScreen>
        <SuggestionsPage />
      </LazyScreen>
    );
  }
  if (detailId) {
    return (
      <>
        <DrinkDetail id={detailId} drinks={menu?.drinks ?? []} onOrder={setOrdering} />
        {sheet}
      </>
    );
  }

  let body;
  if (!menu || (!menu.loaded && !isError)) body = <p className="muted" aria-busy="true">{t('menu.loading')}</p>;
  else if (!menu.loaded && isError) body = <p role="alert" className="error">{t('menu.error')}</p>;
  else if (menu.drinks.length === 0) body = <p className="muted">{t('menu.empty')}</p>;
  else {
    const visible = menu.drinks.filter((drink) => matchesSearch(drink, query) && (!alcoholFree || drink.alcohol_free));
    if (visible.length === 0) body = <p className="muted">{alcoholFree && !query.trim() ? t('menu.noAlcoholFree') : t('menu.noMatch', { query })}</p>;
    else
      body = menu.sections
        .map((section) => ({ section, drinks: visible.filter((drink) => drink.section_id === section.id) }))
        .filter(({ drinks }) => drinks.length > 0)
        .map(({ section, drinks }) => (
          <section key={section.id} aria-labelledby={`section-${section.id}`}>
            <h2 id={`section-${section.id}`}>{section.name}</h2>
            <ul className="drinks">
              {drinks.map((drink) => <DrinkCard key={drink.id} drink={drink} onOrder={setOrdering} />)}
            </ul>
          </section>
        ));
  }

  return (
    <>
      <h1 className="visually-hidden">{t('menu.title')}</h1>
      {closed && <p className="notice" data-bar-closed>{t('bar.closedMenu')}</p>}
      <SuggestButton />
      <div className="search">
        <label htmlFor="menu-search" className="visually-hidden">{t('menu.search')}</label>
        <input id="menu-search" type="search" placeholder={t('menu.search')} value={query} onChange={(e) => setQuery(e.target.value)} />
        <button type="button" className={`filter${alcoholFree ? ' on' : ''}`} aria-pressed={alcoholFree} onClick={() => setAlcoholFree(!alcoholFree)}>
          {t('menu.alcoholFree')}
        </button>
      </div>
      {!query && menu?.loaded && <YourUsual availableDrinkIds={new Set(menu.drinks.map((drink) => drink.id))} />}
      {body}
      {sheet}
    </>
  );
}
