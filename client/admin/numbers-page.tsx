import { useAdmin } from './admin-context.ts';
import { computeNumbers, type Bucket, type Numbers } from './numbers.ts';
import { ErrorAlert, useResource } from './ui.tsx';

export function NumbersPage() {
  const { api, board, t } = useAdmin();
  const { data, error } = useResource(() => api.orders(), [api, board.orders]);
  const numbers = computeNumbers(data ?? [], Date.now());
  const minutes = numbers.averageToReadyMs === null ? null : numbers.averageToReadyMs / 60_000;

  return (
    <section aria-labelledby="numbers-title">
      <h1 id="numbers-title">{t('numbers.title')}</h1>
      <ErrorAlert error={error} />
      {data === undefined && !error ? (
        <p role="status">{t('common.loading')}</p>
      ) : (
        <NumbersView numbers={numbers} minutes={minutes} />
      )}
    </section>
  );
}

function NumbersView({ numbers, minutes }: { numbers: Numbers; minutes: number | null }) {
  const { t } = useAdmin();
  return (
    <>
      <dl className="stats">
        <div>
          <dt>{t('numbers.total')}</dt>
          <dd>{numbers.total}</dd>
        </div>
        <div>
          <dt>{t('numbers.averageToReady')}</dt>
          <dd>{minutes === null ? '—' : t('numbers.minutes', { minutes: minutes.toFixed(1) })}</dd>
        </div>
      </dl>
      {minutes !== null && <p className="muted">{t('numbers.readySamples', { count: numbers.readySamples })}</p>}
      <h2>{t('numbers.perQuarter')}</h2>
      <BarChart buckets={numbers.buckets} label={t('numbers.perQuarter')} />
      <h2>{t('numbers.topDrinks')}</h2>
      {numbers.topDrinks.length === 0 ? (
        <p>{t('numbers.none')}</p>
      ) : (
        <ol className="top-drinks">
          {numbers.topDrinks.map((drink) => (
            <li key={drink.name}>
              <strong>{drink.name}</strong> — {drink.count}
            </li>
          ))}
        </ol>
      )}
    </>
  );
}

/** A dozen lines of SVG instead of a chart library: the host chunk stays small. */
function BarChart({ buckets, label }: { buckets: Bucket[]; label: string }) {
  if (buckets.length === 0) return null;
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const width = 320;
  const height = 120;
  const barWidth = width / buckets.length;
  const time = (ms: number) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return (
    <svg className="chart" viewBox={`0 0 ${width} ${height + 16}`} role="img" aria-label={label}>
      {buckets.map((bucket, index) => {
        const barHeight = (bucket.count / max) * height;
        return (
          <rect key={bucket.start} x={index * barWidth + 1} y={height - barHeight} width={Math.max(1, barWidth - 2)} height={barHeight} className="bar">
            <title>{`${time(bucket.start)}: ${bucket.count}`}</title>
          </rect>
        );
      })}
      <text x="0" y={height + 13} className="axis">
        {time(buckets[0]?.start ?? 0)}
      </text>
      <text x={width} y={height + 13} className="axis" textAnchor="end">
        {time(buckets[buckets.length - 1]?.start ?? 0)}
      </text>
    </svg>
  );
}
