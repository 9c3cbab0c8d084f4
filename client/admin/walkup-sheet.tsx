import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../lib/http.ts';
import { newId } from '../lib/ids.ts';
import { OptionChoices, useOptionChoices } from '../guest/drink-facts.tsx';
import type { DrinkWithRecipe } from './admin-api.ts';
import { useAdmin } from './admin-context.ts';
import { Modal } from './ui.tsx';

/** With more drinks than this, the sheet offers a search field above them. */
const SEARCH_FROM = 8;

const canOrder = (drink: DrinkWithRecipe) => drink.is_active && drink.available;
/** No drink chosen yet: no option groups. */
const NO_GROUPS: DrinkWithRecipe['options'] = [];

/** Why the server refused the walk-up, in the bar's words. */
function refusal(error: unknown, t: ReturnType<typeof useAdmin>['t']): string {
  if (!(error instanceof ApiError)) return t('walkup.failed');
  const reason = (error.details as { reason?: unknown } | undefined)?.reason;
  const byCode: Partial<Record<ApiError['code'], () => string>> = {
    bar_closed: () => t('walkup.barClosed'),
    drink_unavailable: () => (typeof reason === 'string' ? t('walkup.outOf', { ingredient: reason.toLowerCase() }) : t('walkup.drinkOff')),
    drink_not_found: () => t('walkup.drinkGone'),
    invalid_name: () => t('walkup.nameRule'),
    invalid_options: () => t('walkup.optionsChanged'),
    network_error: () => t('walkup.network'),
  };
  return byCode[error.code]?.() ?? t('walkup.failed');
}

/**
 * "Walk-up order": the host or a bartender takes an order for someone without a phone. Drink
 * (and its options), the name the bar will call, a note. The id is made once per content, so
 * a double tap or a retry after a dropped answer is one order; changing the order after a
 * failure makes it a new one.
 */
export function WalkupSheet({ onClose }: { onClose: () => void }) {
  const { board, t } = useAdmin();
  const base = useId();
  const [drinkId, setDrinkId] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [name, setName] = useState('');
  const [notes, setNotes] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const attempt = useRef<{ key: string; id: string } | null>(null);
  const { reloadDrinks } = board;

  // What is available changes with the shelf: read the drinks again each time the sheet opens.
  useEffect(() => reloadDrinks(), [reloadDrinks]);

  const drinks = useMemo(() => [...board.drinks].sort((a, b) => a.name.localeCompare(b.name)), [board.drinks]);
  const shown = drinks.filter((drink) => drink.id === drinkId || drink.name.toLocaleLowerCase().includes(search.trim().toLocaleLowerCase()));
  const drink = drinks.find((candidate) => candidate.id === drinkId);
  const groups = drink?.options ?? NO_GROUPS;
  const choices = useOptionChoices(groups);

  function choose(next: DrinkWithRecipe) {
    setDrinkId(next.id);
    choices.reset(next.options);
    setError(null);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    if (!drink) return setError(t('walkup.chooseDrink'));
    const options = choices.check();
    if (!options) return;
    if (name.trim() === '') return setError(t('walkup.nameRule'));
    const body = {
      drink_id: drink.id,
      name: name.trim(),
      notes: notes.trim() === '' ? undefined : notes.trim(),
      options: Object.fromEntries(options.map((option) => [option.group_id, option.choice_id])),
    };
    const key = JSON.stringify(body);
    if (attempt.current?.key !== key) attempt.current = { key, id: newId() };
    setBusy(true);
    setError(null);
    try {
      await board.takeWalkup({ id: attempt.current.id, ...body });
      onClose();
    } catch (failure) {
      setError(refusal(failure, t));
      setBusy(false);
    }
  }

  return (
    <Modal title={t('walkup.title')} onClose={onClose} className="walkup wide">
      <form className="form" onSubmit={(event) => void submit(event)} noValidate>
        <div className="option-group">
          <span id={`${base}-drinks`} className="option-label">
            {t('walkup.drink')}
          </span>
          {drinks.length > SEARCH_FROM && (
            <label>
              <span className="visually-hidden">{t('walkup.search')}</span>
              <input type="search" placeholder={t('walkup.search')} value={search} onChange={(e) => setSearch(e.target.value)} autoComplete="off" />
            </label>
          )}
          {board.drinks.length === 0 && <p>{t('common.loading')}</p>}
          {board.drinks.length > 0 && shown.length === 0 && <p className="muted">{t('walkup.noMatch')}</p>}
          <div className="choices walkup-drinks" role="radiogroup" aria-labelledby={`${base}-drinks`}>
            {shown.map((candidate) => (
              <label key={candidate.id} className={`choice${candidate.id === drinkId ? ' chosen' : ''}${canOrder(candidate) ? '' : ' off'}`}>
                <input
                  type="radio"
                  name={`${base}-drink`}
                  value={candidate.id}
                  checked={candidate.id === drinkId}
                  disabled={!canOrder(candidate)}
                  onChange={() => choose(candidate)}
                />
                <span>{candidate.name}</span>
                {!canOrder(candidate) && (
                  <span className="walkup-off">
                    {candidate.unavailable_reason ? t('walkup.outOf', { ingredient: candidate.unavailable_reason.toLowerCase() }) : t('walkup.off')}
                  </span>
                )}
              </label>
            ))}
          </div>
        </div>
        {groups.length > 0 && (
          <OptionChoices
            groups={groups}
            chosen={choices.chosen}
            missing={choices.missing}
            onChoose={choices.choose}
          />
        )}
        <label>
          {t('walkup.name')}
          <input type="text" required maxLength={50} autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          {t('walkup.notes')}
          <textarea rows={2} maxLength={200} value={notes} onChange={(e) => setNotes(e.target.value)} placeholder={t('walkup.notesPlaceholder')} />
        </label>
        {error && (
          <p role="alert" className="alert">
            {error}
          </p>
        )}
        <div className="row walkup-actions">
          <button type="submit" className="button primary big grow" disabled={busy}>
            {busy ? t('walkup.placing') : t('walkup.place')}
          </button>
          <button type="button" className="button big" onClick={onClose}>
            {t('common.close')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
