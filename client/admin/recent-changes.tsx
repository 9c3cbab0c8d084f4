import type { AdminMessageKey } from './messages.ts';
import { useAdmin } from './admin-context.ts';
import { recallOf } from './use-board.ts';

/**
 * The last few changes on the board, whoever made them, each with a one-tap "Recall" while
 * the server still allows the step back (15 minutes). Taps are sent at once; this is undo.
 */
export function RecentChanges({ now }: { now: number }) {
  const { board, t } = useAdmin();
  if (board.recent.length === 0) return null;
  const status = (s: string) => t(`status.${s}` as AdminMessageKey);
  return (
    <section className="recent-changes" aria-labelledby="recent-title">
      <h2 id="recent-title">{t('board.recent')}</h2>
      <ul>
        {board.recent.map((change) => {
          const back = recallOf(change, now);
          return (
            <li key={change.orderId} data-recent-order-id={change.orderId} data-status={change.to}>
              <span>
                {t('board.recentEntry', { drink: change.drinkName, guest: change.username, from: status(change.from), to: status(change.to) })}
                {change.by && <span className="by"> {t('board.changedBy', { name: change.by })}</span>}
              </span>
              {back && (
                <button type="button" className="button" onClick={() => board.recall(change)}>
                  {t('board.recall')}
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
