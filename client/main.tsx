import { StrictMode, Suspense, lazy } from 'react';
import { createRoot } from 'react-dom/client';
import { usePath } from './lib/router.ts';
import { GuestApp } from './guest/guest-app.tsx';
import { firstPaint } from './guest/first-paint.ts';
import './styles.css';

// The host dashboard is its own chunk: guests never download it.
const AdminApp = lazy(() => import('./admin/admin-app.tsx'));

const isHostPath = (path: string) => path.startsWith('/admin') || path.startsWith('/setup') || path.startsWith('/staff');

function Root() {
  const path = usePath();
  if (isHostPath(path)) {
    return (
      <Suspense fallback={<p className="loading">…</p>}>
        <AdminApp />
      </Suspense>
    );
  }
  return <GuestApp />;
}

/** The longest the first render waits for the phone's store (it answers in a few milliseconds). */
const FIRST_PAINT_WAIT_MS = 500;

const root = createRoot(document.getElementById('root')!);
const render = () =>
  root.render(
    <StrictMode>
      <Root />
    </StrictMode>,
  );

// A guest's first render needs the saved session and menu (IndexedDB). Rendered only once they
// are read, it never suspends: a first render that suspended would be shown no sooner than
// React's reveal throttle (300 ms after its fallback), measured at 200 ms of idle on a warm load.
if (isHostPath(location.pathname)) render();
else void Promise.race([firstPaint(), new Promise((resolve) => setTimeout(resolve, FIRST_PAINT_WAIT_MS))]).then(render);
