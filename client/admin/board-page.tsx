import { useEffect, useState } from 'react';
import { canTransition, nextStatus, type OrderStatus } from '../../shared/order-status.ts';
import type { AdminOrder, DrinkWithRecipe } from './admin-api.ts';
import { useAdmin } from './admin-context.ts';
import { ageBand, BOARD_COLUMNS, columnOrders, elapsedLabel, groupByDrink, optionsLabel } from './order-board.ts';
import { enableSound, soundEnabled } from './order-sound.ts';
import { Modal } from './ui.tsx';
import { HttpsStatusPanel } from './https-status.tsx';
import { BarControl } from './bar-control.tsx';
import { RecentChanges } from './recent-changes.tsx';
import { WalkupSheet } from './walkup-sheet.tsx';
import type { AdminMessageKey } from './messages.ts';

const GROUP_KEY = 'barback.admin.group';

/** The clock that ages the cards; a card's colour changes at whole minutes, so 5 s is plenty. */
function useNow(intervalMs = 5_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(id);
  }, [intervalMs]);
  return now;
}

/** "Push: off (reason)" when ready notifications cannot reach a closed guest app. */
function PushStatus() {
  const { api, t } = useAdmin();
  const [off, setOff] = useState<string | null>(null);
  useEffect(() => {
    let stale = false;
    api.pushStatus().then(
      (status) => {
        if (!stale && !status.available) setOff(status.reason ?? '?');
      },
      () => undefined,
    );
    return () => {
      stale = true;
    };
  }, [api]);
  if (off === null) return null;
  return <span className="chip" data-push="off" title={t('board.pushOffHint')}>{t('board.pushOff', { reason: off })}</span>;
}

export function BoardPage() {
  const { board, t, role } = useAdmin();
  const now = useNow();
  const [grouped, setGrouped] = useState(() => localStorage.getItem(GROUP_KEY) === '1');
  const [sound, setSound] = useState(soundEnabled);
  const [cancelling, setCancelling] = useState<AdminOrder | null>(null);
  const [recipeFor, setRecipeFor] = useState<AdminOrder | null>(null);
  const [takingWalkup, setTakingWalkup] = useState(false);

  const columns = BOARD_COLUMNS.map((status) => ({ status, orders: columnOrders(board.shown, status) }));
  const recipe = recipeFor ? findDrink(board.drinks, recipeFor) : undefined;

  return (
    <section className="board" aria-labelledby="board-title">
      <div className="toolbar">
        <h1 id="board-title">{t('board.title')}</h1>
        <button type="button" className="button primary big walkup-open" onClick={() => setTakingWalkup(true)}>
          {t('walkup.open')}
        </button>
        {sound ? (
          <span className="chip">{t('board.soundOn')}</span>
        ) : (
          <button type="button" className="button" onClick={() => void enableSound().then(() => setSound(true))}>
            {t('board.enableSound')}
          </button>
        )}
        <label className="toggle">
          <input
            type="checkbox"
            role="switch"
            checked={grouped}
            onChange={(event) => {
              setGrouped(event.target.checked);
              localStorage.setItem(GROUP_KEY, event.target.checked ? '1' : '0');
            }}
          />
          {t('board.group')}
        </label>
        {role === 'admin' && <PushStatus />}
        <BarControl canChange={role === 'admin'} />
      </div>
      {role === 'admin' && <HttpsStatusPanel />}
      {board.error && (
        <p role="alert" className="alert">
          {t(board.error === 'load' ? 'board.loadFailed' : 'board.actionFailed')} <button type="button" className="link" onClick={board.dismissError}>{t('common.dismiss')}</button>
        </p>
      )}
      {!board.loaded && <p>{t('common.loading')}</p>}
      <div className="columns">
        {columns.map(({ status, orders }) => (
          <section key={status} className={`column column-${status}`} aria-labelledby={`col-${status}`}>
            <h2 id={`col-${status}`}>
              {t(`status.${status}` as AdminMessageKey)} <span className="count">{orders.length}</span>
            </h2>
            {orders.length === 0 && <p className="empty">{t('board.empty')}</p>}
            {grouped
              ? groupByDrink(orders).map((group) => (
                  <div key={`${group.drinkName} ${group.optionsLabel}`} className="group">
                    <h3 className="group-title">
                      {t('board.groupTitle', { count: group.orders.length, drink: group.drinkName })}
                      {group.optionsLabel && <span className="group-options"> · {group.optionsLabel}</span>}
                    </h3>
                    {group.orders.length > 1 && nextStatus(status) && (
                      <button
                        type="button"
                        className="button"
                        onClick={() => group.orders.forEach((order) => board.move(order, nextStatus(status) as OrderStatus))}
                      >
                        {t('board.markAll', { count: group.orders.length, status: t(`status.${nextStatus(status)}` as AdminMessageKey) })}
                      </button>
                    )}
                    {group.orders.map((order) => (
                      <OrderCard key={order.id} order={order} now={now} flash={board.flashing.has(order.id)} onCancel={setCancelling} onRecipe={setRecipeFor} />
                    ))}
                  </div>
                ))
              : orders.map((order) => (
                  <OrderCard key={order.id} order={order} now={now} flash={board.flashing.has(order.id)} onCancel={setCancelling} onRecipe={setRecipeFor} />
                ))}
          </section>
        ))}
      </div>
      <RecentChanges now={now} />
      {cancelling && (
        <Modal title={t('board.cancelTitle')} onClose={() => setCancelling(null)}>
          <p>{t(cancelling.user_key === null ? 'board.cancelQuestionWalkup' : 'board.cancelQuestion', { drink: cancelling.drink_name, guest: cancelling.username })}</p>
          <div className="row">
            <button
              type="button"
              className="button danger"
              onClick={() => {
                board.move(cancelling, 'cancelled');
                setCancelling(null);
              }}
            >
              {t('board.cancelConfirm')}
            </button>
            <button type="button" className="button" autoFocus onClick={() => setCancelling(null)}>
              {t('board.cancelKeep')}
            </button>
          </div>
        </Modal>
      )}
      {takingWalkup && <WalkupSheet onClose={() => setTakingWalkup(false)} />}
      {recipeFor && (
        <Modal title={t('board.recipeTitle', { drink: recipeFor.drink_name })} onClose={() => setRecipeFor(null)}>
          {recipe ? <RecipeView drink={recipe} /> : <p>{t('board.noRecipe')}</p>}
          <button type="button" className="button" autoFocus onClick={() => setRecipeFor(null)}>
            {t('common.close')}
          </button>
        </Modal>
      )}
    </section>
  );
}

function findDrink(drinks: readonly DrinkWithRecipe[], order: AdminOrder): DrinkWithRecipe | undefined {
  return drinks.find((d) => d.id === order.drink_id);
}

const MARK_KEYS: Partial<Record<OrderStatus, AdminMessageKey>> = {
  preparing: 'board.markPreparing',
  ready: 'board.markReady',
  served: 'board.markServed',
};

function OrderCard({
  order,
  now,
  flash,
  onCancel,
  onRecipe,
}: {
  order: AdminOrder;
  now: number;
  flash: boolean;
  onCancel: (order: AdminOrder) => void;
  onRecipe: (order: AdminOrder) => void;
}) {
  const { board, t } = useAdmin();
  const next = nextStatus(order.status);
  const band = ageBand(order.created_at, now);
  const markKey = next ? MARK_KEYS[next] : undefined;
  return (
    <article className={`card age-${band}${flash ? ' flash' : ''}`} data-order-id={order.id} data-status={order.status} data-age={band}>
      <div className="card-head">
        <h3 className="card-drink">{order.drink_name}</h3>
        <span className={`elapsed age-${band}`} title={t(`age.${band}` as AdminMessageKey)}>
          <span className="visually-hidden">{t(`age.${band}` as AdminMessageKey)} </span>
          {elapsedLabel(order.created_at, now)}
        </span>
      </div>
      <p className="guest">
        {order.username}
        {order.user_key === null && <span className="chip walkup-chip">{t('board.walkup')}</span>}
      </p>
      {order.options.length > 0 && <p className="card-options">{optionsLabel(order)}</p>}
      {order.notes && <p className="note">“{order.notes}”</p>}
      {(order.status === 'ready' || order.changed_by) && (
        <p className="card-meta">
          {order.status === 'ready' && order.ready_at && (
            <span data-ready-for>{t('board.readyFor', { minutes: Math.max(0, Math.floor((now - Date.parse(order.ready_at)) / 60_000)) })}</span>
          )}
          {order.status === 'ready' && (order.calls ?? 0) > 0 && <span data-calls={order.calls}> · {t('board.calls', { count: order.calls ?? 0 })}</span>}
          {order.changed_by && <span className="by"> · {t('board.changedBy', { name: order.changed_by.name })}</span>}
        </p>
      )}
      <div className="card-actions">
        {next && markKey && (
          <button type="button" className="button primary big" onClick={() => board.move(order, next)}>
            {t(markKey)}
          </button>
        )}
        {order.status === 'ready' && (
          <button type="button" className="button" onClick={() => board.call(order)}>
            {t('board.callAgain')}
          </button>
        )}
        <button type="button" className="button" onClick={() => onRecipe(order)}>
          {t('board.recipe')}
        </button>
        {canTransition(order.status, 'cancelled', 'host') && (
          <button type="button" className="button danger" onClick={() => onCancel(order)}>
            {t('board.cancel')}
          </button>
        )}
      </div>
    </article>
  );
}

export function RecipeView({ drink }: { drink: DrinkWithRecipe }) {
  const { t } = useAdmin();
  const { recipe } = drink;
  return (
    <div className="recipe">
      {recipe.ingredients.length > 0 ? (
        <ul>
          {recipe.ingredients.map((item, index) => (
            <li key={index}>
              <strong>{item.amount}</strong> {item.name}
            </li>
          ))}
        </ul>
      ) : (
        <ul>
          {drink.ingredients.map((item, index) => (
            <li key={index}>{item}</li>
          ))}
        </ul>
      )}
      {recipe.steps.length > 0 && (
        <ol>
          {recipe.steps.map((step, index) => (
            <li key={index}>{step}</li>
          ))}
        </ol>
      )}
      {recipe.glassware && <p>{t('recipe.glass', { glass: recipe.glassware })}</p>}
      {recipe.garnish && <p>{t('recipe.garnish', { garnish: recipe.garnish })}</p>}
    </div>
  );
}
