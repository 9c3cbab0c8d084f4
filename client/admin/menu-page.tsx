import { useId, useState, type FormEvent } from 'react';
import type { CreateDrinkBody, Recipe } from '../../shared/schemas/menu.ts';
import type { DrinkWithRecipe, Section } from './admin-api.ts';
import { useAdmin } from './admin-context.ts';
import { partlyOut } from '../../shared/option-stock.ts';
import { ErrorAlert, Modal, errorCode, useResource } from './ui.tsx';
import type { Glass } from '../../shared/illustration/glasses.ts';
import { DietaryFields, GlassPicker, optionLines, parseOptionLines, type AlcoholFreeChoice } from './drink-extras.tsx';
import { ShelfPanel } from './shelf-panel.tsx';

export function MenuPage() {
  const { api, t } = useAdmin();
  const sections = useResource(() => api.sections(), [api]);
  const drinks = useResource(() => api.drinks(), [api]);
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState<DrinkWithRecipe | 'new' | null>(null);
  const [newSection, setNewSection] = useState('');
  // Bumped when drinks change, so the shelf lists the ingredients they now use.
  const [shelfVersion, setShelfVersion] = useState(0);
  const sorted = [...(sections.data ?? [])].sort((a, b) => a.display_order - b.display_order || a.name.localeCompare(b.name));
  const allDrinks = drinks.data ?? [];

  const run = (work: Promise<unknown>) =>
    work.then(
      () => {
        setError(null);
        void sections.reload();
        void drinks.reload();
        setShelfVersion((v) => v + 1);
      },
      (e: unknown) => setError(e),
    );

  /** Swaps display positions with the neighbour; positions are rewritten 0…n so ties can't stick. */
  function moveSection(index: number, delta: -1 | 1) {
    const order = sorted.map((s) => s.id);
    const target = index + delta;
    if (target < 0 || target >= order.length) return;
    [order[index], order[target]] = [order[target] as string, order[index] as string];
    void run(Promise.all(order.map((id, position) => api.updateSection(id, { display_order: position }))));
  }

  async function addSection(event: FormEvent) {
    event.preventDefault();
    if (!newSection.trim()) return;
    await run(api.createSection(newSection.trim(), sorted.length));
    setNewSection('');
  }

  return (
    <section aria-labelledby="menu-title" className="menu-admin">
      <div className="toolbar">
        <h1 id="menu-title">{t('menu.title')}</h1>
        <button type="button" className="button primary" onClick={() => setEditing('new')} disabled={sorted.length === 0}>
          {t('menu.newDrink')}
        </button>
      </div>
      <ErrorAlert error={error ?? sections.error ?? drinks.error}>
        {errorCode(error) === 'section_not_empty' ? t('menu.sectionNotEmpty') : undefined}
      </ErrorAlert>
      {sorted.map((section, index) => (
        <SectionBlock
          key={section.id}
          section={section}
          drinks={allDrinks.filter((d) => d.section_id === section.id)}
          first={index === 0}
          last={index === sorted.length - 1}
          onMove={(delta) => moveSection(index, delta)}
          run={run}
          onEdit={setEditing}
          onDrinkChanged={(drink) => drinks.setData(allDrinks.map((d) => (d.id === drink.id ? drink : d)))}
        />
      ))}
      <ShelfPanel version={shelfVersion} onChanged={() => void drinks.reload()} />
      <form className="row add-section" onSubmit={(event) => void addSection(event)}>
        <label className="grow">
          {t('menu.newSection')}
          <input type="text" value={newSection} maxLength={80} onChange={(e) => setNewSection(e.target.value)} />
        </label>
        <button type="submit" className="button">
          {t('menu.addSection')}
        </button>
      </form>
      {editing && (
        <DrinkEditor
          drink={editing === 'new' ? undefined : editing}
          sections={sorted}
          onClose={() => setEditing(null)}
          onSaved={() => {
            void drinks.reload();
            setShelfVersion((v) => v + 1);
          }}
        />
      )}
    </section>
  );
}

function SectionBlock({
  section,
  drinks,
  first,
  last,
  onMove,
  run,
  onEdit,
  onDrinkChanged,
}: {
  section: Section;
  drinks: DrinkWithRecipe[];
  first: boolean;
  last: boolean;
  onMove: (delta: -1 | 1) => void;
  run: (work: Promise<unknown>) => Promise<void>;
  onEdit: (drink: DrinkWithRecipe) => void;
  onDrinkChanged: (drink: DrinkWithRecipe) => void;
}) {
  const { api, t } = useAdmin();
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(section.name);
  const [rowError, setRowError] = useState<unknown>(null);

  return (
    <section className="menu-section" data-section-id={section.id} aria-label={section.name}>
      <div className="toolbar">
        {renaming ? (
          <form
            className="row grow"
            onSubmit={(event) => {
              event.preventDefault();
              void run(api.updateSection(section.id, { name })).then(() => setRenaming(false));
            }}
          >
            <label className="grow">
              {t('menu.sectionName')}
              <input type="text" value={name} maxLength={80} required onChange={(e) => setName(e.target.value)} autoFocus />
            </label>
            <button type="submit" className="button primary">
              {t('common.save')}
            </button>
          </form>
        ) : (
          <h2 className="grow">{section.name}</h2>
        )}
        <button type="button" className="button" onClick={() => setRenaming(!renaming)}>
          {renaming ? t('common.cancel') : t('menu.rename')}
        </button>
        <button type="button" className="button" disabled={first} onClick={() => onMove(-1)} aria-label={t('menu.moveUp', { name: section.name })}>
          ↑
        </button>
        <button type="button" className="button" disabled={last} onClick={() => onMove(1)} aria-label={t('menu.moveDown', { name: section.name })}>
          ↓
        </button>
        <button type="button" className="button danger" onClick={() => void run(api.deleteSection(section.id))} aria-label={t('menu.deleteSection', { name: section.name })}>
          {t('common.delete')}
        </button>
      </div>
      <ErrorAlert error={rowError} />
      <ul className="list">
        {drinks.map((drink) => (
          <li key={drink.id} className={`list-row drink-row${drink.is_active ? '' : ' inactive'}`} data-drink-id={drink.id}>
            {drink.image_url ? <img src={drink.image_url} alt="" className="thumb" /> : <span className="thumb" aria-hidden="true" />}
            <span className="grow">
              <strong>{drink.name}</strong>
              {drink.unavailable_reason && <span className="out-of"> {t('menu.outOf', { ingredient: drink.unavailable_reason.toLowerCase() })}</span>}
              <PartlyOut drink={drink} />
              {drink.description && <span className="muted"> {drink.description}</span>}
            </span>
            <label className="toggle">
              <input
                type="checkbox"
                role="switch"
                checked={drink.is_active}
                onChange={(event) => {
                  const isActive = event.target.checked;
                  onDrinkChanged({ ...drink, is_active: isActive });
                  api.updateDrink(drink.id, { is_active: isActive }).then(onDrinkChanged, (e: unknown) => {
                    onDrinkChanged(drink);
                    setRowError(e);
                  });
                }}
              />
              {t('menu.available')}
            </label>
            <button type="button" className="button" onClick={() => onEdit(drink)} aria-label={t('menu.editNamed', { name: drink.name })}>
              {t('menu.edit')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** "Out of gin: Alcohol-free only" while a drink can still be made another way. */
function PartlyOut({ drink }: { drink: DrinkWithRecipe }) {
  const { t } = useAdmin();
  const partly = partlyOut(drink);
  if (!partly) return null;
  return <span className="out-of"> {t('menu.partlyOut', { ingredient: partly.ingredient.toLowerCase(), choices: partly.left.join(', ') })}</span>;
}

const emptyRecipe: Recipe = { ingredients: [], steps: [] };

/** "4 cl | Gin" per line ↔ the recipe's {amount, name} pairs: quick to type on a phone. */
function recipeLines(recipe: Recipe): string {
  return recipe.ingredients.map((i) => (i.amount ? `${i.amount} | ${i.name}` : i.name)).join('\n');
}

function parseRecipeLines(text: string): Recipe['ingredients'] {
  return lines(text).map((line) => {
    const [first, ...rest] = line.split('|');
    return rest.length > 0 ? { amount: (first ?? '').trim(), name: rest.join('|').trim() } : { amount: '', name: line };
  });
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

function DrinkEditor({
  drink,
  sections,
  onClose,
  onSaved,
}: {
  drink: DrinkWithRecipe | undefined;
  sections: Section[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const { api, t } = useAdmin();
  const recipe = drink?.recipe ?? emptyRecipe;
  const [saved, setSaved] = useState<DrinkWithRecipe | undefined>(drink);
  const [name, setName] = useState(drink?.name ?? '');
  const [sectionId, setSectionId] = useState(drink?.section_id ?? sections[0]?.id ?? '');
  const [description, setDescription] = useState(drink?.description ?? '');
  const [ingredients, setIngredients] = useState((drink?.ingredients ?? []).join('\n'));
  const [recipeIngredients, setRecipeIngredients] = useState(recipeLines(recipe));
  const [steps, setSteps] = useState(recipe.steps.join('\n'));
  const [garnish, setGarnish] = useState(recipe.garnish ?? '');
  const [glassware, setGlassware] = useState(recipe.glassware ?? '');
  const [glass, setGlass] = useState<Glass | ''>((drink?.glass as Glass | null) ?? '');
  const [alcoholFree, setAlcoholFree] = useState<AlcoholFreeChoice>('');
  const [allergens, setAllergens] = useState<string[]>(drink?.allergens ?? []);
  const [abv, setAbv] = useState(drink?.abv === null || drink?.abv === undefined ? '' : String(drink.abv));
  const [options, setOptions] = useState(optionLines(drink?.options ?? []));
  const [error, setError] = useState<unknown>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const formId = useId();

  async function save(event: FormEvent) {
    event.preventDefault();
    const body = {
      section_id: sectionId,
      name,
      description,
      ingredients: lines(ingredients),
      recipe: {
        ingredients: parseRecipeLines(recipeIngredients),
        steps: lines(steps),
        ...(garnish.trim() ? { garnish: garnish.trim() } : {}),
        ...(glassware.trim() ? { glassware: glassware.trim() } : {}),
      },
      glass: glass || null,
      // Left alone, the server keeps what it has (or works it out for a new drink).
      ...(alcoholFree ? { alcohol_free: alcoholFree === 'yes' } : {}),
      allergens: allergens as CreateDrinkBody['allergens'],
      abv: abv.trim() === '' ? null : Number(abv),
      options: parseOptionLines(options, saved?.options ?? []),
    };
    try {
      const result = saved ? await api.updateDrink(saved.id, body) : await api.createDrink(body);
      setSaved(result);
      setError(null);
      onSaved();
      if (saved) onClose();
    } catch (e) {
      setError(e);
    }
  }

  return (
    <Modal title={saved ? t('menu.editTitle', { name: saved.name }) : t('menu.newDrink')} onClose={onClose} className="wide">
      <form className="form" onSubmit={(event) => void save(event)}>
        <label>
          {t('menu.drinkName')}
          <input type="text" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          {t('menu.section')}
          <select value={sectionId} onChange={(e) => setSectionId(e.target.value)}>
            {sections.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('menu.description')}
          <textarea rows={2} maxLength={1000} value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <label>
          {t('menu.ingredients')}
          <textarea rows={3} value={ingredients} onChange={(e) => setIngredients(e.target.value)} />
        </label>
        <label>
          {t('menu.recipeIngredients')}
          <textarea rows={4} value={recipeIngredients} onChange={(e) => setRecipeIngredients(e.target.value)} placeholder="4 cl | Gin" />
        </label>
        <label>
          {t('menu.steps')}
          <textarea rows={4} value={steps} onChange={(e) => setSteps(e.target.value)} />
        </label>
        <label>
          {t('menu.glassware')}
          <input type="text" maxLength={100} value={glassware} onChange={(e) => setGlassware(e.target.value)} />
        </label>
        <label>
          {t('menu.garnish')}
          <input type="text" maxLength={200} value={garnish} onChange={(e) => setGarnish(e.target.value)} />
        </label>
        <GlassPicker
          name={name}
          glass={glass}
          onGlass={setGlass}
          ingredients={lines(ingredients)}
          recipe={{ ingredients: parseRecipeLines(recipeIngredients), steps: [], garnish, glassware }}
          photo={saved?.image_url?.startsWith('/images/drawn/') === false ? saved.image_url : null}
        />
        <DietaryFields alcoholFree={alcoholFree} onAlcoholFree={setAlcoholFree} allergens={allergens} onAllergens={setAllergens} abv={abv} onAbv={setAbv} />
        <label>
          {t('menu.options')}
          <textarea rows={3} value={options} onChange={(e) => setOptions(e.target.value)} placeholder="Ice: None, Normal*, Extra" aria-describedby={`${formId}-changes`} />
        </label>
        <p id={`${formId}-changes`} className="muted">
          {t('menu.optionsChanges')}
        </p>
        <ErrorAlert error={error} />
        <div className="row">
          <button type="submit" className="button primary">
            {saved ? t('common.save') : t('menu.createDrink')}
          </button>
          <button type="button" className="button" onClick={onClose}>
            {t('common.close')}
          </button>
          {saved && (
            <button type="button" className="button danger" onClick={() => setConfirmDelete(true)}>
              {t('menu.deleteDrink')}
            </button>
          )}
        </div>
      </form>
      {saved && <ImageUpload drink={saved} onUploaded={(d) => { setSaved(d); onSaved(); }} />}
      {saved && confirmDelete && (
        <div className="confirm" role="group" aria-label={t('menu.deleteDrink')}>
          <p>{t('menu.deleteQuestion', { name: saved.name })}</p>
          <button
            type="button"
            className="button danger"
            onClick={() =>
              api.deleteDrink(saved.id).then(
                () => {
                  onSaved();
                  onClose();
                },
                setError,
              )
            }
          >
            {t('menu.deleteConfirm')}
          </button>
          <button type="button" className="button" onClick={() => setConfirmDelete(false)}>
            {t('common.cancel')}
          </button>
        </div>
      )}
    </Modal>
  );
}

function ImageUpload({ drink, onUploaded }: { drink: DrinkWithRecipe; onUploaded: (drink: DrinkWithRecipe) => void }) {
  const { api, t } = useAdmin();
  const [preview, setPreview] = useState<string | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);

  function upload(file: File) {
    if (preview) URL.revokeObjectURL(preview);
    setPreview(URL.createObjectURL(file));
    setProgress(0);
    setDone(false);
    setError(null);
    api.uploadDrinkImage(drink.id, file, setProgress).then(
      (updated) => {
        setDone(true);
        onUploaded(updated);
      },
      (e: unknown) => {
        setError(errorCode(e) === 'unsupported_image' ? t('menu.imageUnsupported') : e);
        setProgress(null);
      },
    );
  }

  return (
    <div className="image-upload">
      <label>
        {t('menu.image')}
        <input type="file" accept="image/jpeg,image/png,image/webp" onChange={(e) => e.target.files?.[0] && upload(e.target.files[0])} />
      </label>
      <div className="row">
        {(preview ?? drink.image_url) && <img src={preview ?? drink.image_url ?? ''} alt={t('menu.imagePreview')} className="preview" />}
        {progress !== null && (
          <progress max={1} value={progress} aria-label={t('menu.uploadProgress')}>
            {Math.round(progress * 100)}%
          </progress>
        )}
        {done && <span role="status">{t('menu.imageSaved')}</span>}
      </div>
      <ErrorAlert error={typeof error === 'string' ? null : error}>{typeof error === 'string' ? error : undefined}</ErrorAlert>
    </div>
  );
}
