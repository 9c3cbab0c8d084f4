import { Component, Suspense, type ReactNode } from 'react';
import { useT } from './i18n.ts';

/**
 * A screen whose code loads on first use (everything past the menu): "Loading…" meanwhile, and
 * a clear way out if it cannot be shown. The worker precaches every chunk, so a failed load is
 * rare (storage cleared, a chunk gone with a new version) but must not blank the whole app.
 */
export function LazyScreen({ children }: { children: ReactNode }) {
  return (
    <ScreenFailure>
      <Suspense fallback={<Loading />}>{children}</Suspense>
    </ScreenFailure>
  );
}

function Loading() {
  const t = useT();
  return <p className="muted" aria-busy="true">{t('loading')}</p>;
}

class ScreenFailure extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override render() {
    return this.state.failed ? <ScreenFailed /> : this.props.children;
  }
}

function ScreenFailed() {
  const t = useT();
  return (
    <div role="alert" className="notice">
      <p className="error">{t('screen.failed')}</p>
      <button type="button" onClick={() => location.reload()}>{t('screen.reload')}</button>
    </div>
  );
}
