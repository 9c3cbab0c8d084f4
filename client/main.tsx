import { StrictMode, Suspense, lazy } from 'react';
import { createRoot } from 'react-dom/client';
import { usePath } from './lib/router.ts';
import { GuestApp } from './guest/guest-app.tsx';
import './styles.css';

// The host dashboard is its own chunk: guests never download it.
const AdminApp = lazy(() => import('./admin/admin-app.tsx'));

function Root() {
  const path = usePath();
  if (path.startsWith('/admin') || path.startsWith('/setup') || path.startsWith('/staff')) {
    return (
      <Suspense fallback={<p className="loading">…</p>}>
        <AdminApp />
      </Suspense>
    );
  }
  return <GuestApp />;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
