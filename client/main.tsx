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

// The guest's saved session and menu, read from IndexedDB while React starts.
if (!isHostPath(location.pathname)) void firstPaint();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
