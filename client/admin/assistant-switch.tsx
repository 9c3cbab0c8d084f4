import { useState } from 'react';
import { useTranslator, type Messages } from '../i18n/translator.ts';
import { useAdmin } from './admin-context.ts';
import { ErrorAlert, useResource } from './ui.tsx';

const messages: Messages<'title' | 'switch' | 'on' | 'off' | 'unconfigured' | 'model'> = {
  en: {
    title: 'AI bartender',
    switch: 'Bartender chat',
    on: 'Guests can chat with the AI bartender. Switching it off takes effect on their next message.',
    off: 'The chat is off: guests still get the offline suggestions.',
    unconfigured: 'No model is set up (LLM_BASE_URL and LLM_MODEL); guests get the offline suggestions only. See docs/ASSISTANT.md.',
    model: 'Model: {model}',
  },
  fr: {
    title: 'Barman IA',
    switch: 'Discussion avec le barman',
    on: 'Les invités peuvent discuter avec le barman IA. L’arrêt prend effet dès leur prochain message.',
    off: 'La discussion est coupée : les invités ont toujours les suggestions hors ligne.',
    unconfigured: 'Aucun modèle n’est configuré (LLM_BASE_URL et LLM_MODEL) ; les invités n’ont que les suggestions hors ligne. Voir docs/ASSISTANT.md.',
    model: 'Modèle : {model}',
  },
};

/** The host's live switch for the AI bartender (PUT /api/admin/assistant). */
export function AssistantSwitch() {
  const { api } = useAdmin();
  const t = useTranslator(messages);
  const status = useResource(() => api.assistant(), [api]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function toggle(enabled: boolean) {
    setBusy(true);
    try {
      status.setData(await api.setAssistant(enabled));
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const current = status.data;
  return (
    <section className="assistant-switch" aria-labelledby="assistant-switch-title" data-assistant={current ? (current.configured && current.enabled ? 'on' : 'off') : undefined}>
      <h2 id="assistant-switch-title">{t('title')}</h2>
      <ErrorAlert error={status.error ?? error} />
      {current && (
        <>
          <label className="toggle">
            <input type="checkbox" role="switch" checked={current.enabled} disabled={busy} onChange={(event) => void toggle(event.target.checked)} />
            {t('switch')}
          </label>
          <p className="muted">{!current.configured ? t('unconfigured') : current.enabled ? t('on') : t('off')}</p>
          {current.model && <p className="muted">{t('model', { model: current.model })}</p>}
        </>
      )}
    </section>
  );
}
