import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { MAX_CHAT_MESSAGES, MAX_CHAT_MESSAGE_LENGTH, type ChatMessage, type ChatProposal } from '../../shared/schemas/assistant.ts';
import type { ApiAnswer } from '../../shared/schemas/api.ts';
import type { TasteAnswers } from '../../shared/taste/answers.ts';
import { tasteMessages, type TasteKey } from '../i18n/taste.ts';
import { useLocale, useTranslator } from '../i18n/translator.ts';
import { ApiError, requestJson, type ApiErrorCode } from '../lib/http.ts';
import { navigate } from '../lib/router.ts';
import { accessToken, refreshSession } from '../lib/session.ts';
import { placeOrder } from './place-order.ts';
import { startingOptions } from './drink-facts.tsx';
import { useMenu } from './queries.ts';

/**
 * The AI bartender, when the host has a model: the conversation lives in this component only
 * (never stored), and is sent whole with each message together with the taste answers, the one
 * time those leave the phone. A proposed drink is ordered with one tap through the outbox, like
 * any order, so a replay never orders it twice.
 */
interface Turn {
  role: ChatMessage['role'];
  content: string;
  proposals: ChatProposal[];
}

type StreamEvent = { event: 'delta' | 'done'; data: { text: string } } | { event: 'proposal'; data: ChatProposal } | { event: 'error'; data: { code: ApiErrorCode; message: string } };

const ERROR_KEYS: Partial<Record<ApiErrorCode, TasteKey>> = {
  assistant_off: 'chat.off',
  assistant_not_configured: 'chat.off',
  assistant_unavailable: 'chat.unreachable',
  rate_limited: 'chat.rateLimited',
  conversation_too_long: 'chat.tooLong',
  network_error: 'chat.offline',
};
/** What the server accepts for the bartender's past replies. */
const MAX_REPLY_SENT = MAX_CHAT_MESSAGE_LENGTH * 4;

async function openChat(body: unknown, signal: AbortSignal): Promise<Response> {
  const send = (token: string | undefined) =>
    fetch('/api/assistant/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
      signal,
    });
  let response: Response;
  try {
    const token = await accessToken();
    response = await send(token);
    if (response.status === 401 && token) response = await send((await refreshSession(token)).access_token);
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network_error', 'The server could not be reached.');
  }
  if (response.ok && response.headers.get('content-type')?.startsWith('text/event-stream')) return response;
  const answer = (await response.json().catch(() => undefined)) as { error?: { code?: ApiErrorCode; message?: string } } | undefined;
  throw new ApiError(response.status, answer?.error?.code ?? 'http_error', answer?.error?.message ?? `HTTP ${response.status}`);
}

async function readEvents(response: Response, onEvent: (event: StreamEvent) => void): Promise<void> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += value;
    const blocks = buffer.split('\n\n');
    buffer = blocks.pop() ?? '';
    for (const block of blocks) {
      const event = /^event: (.+)$/m.exec(block)?.[1];
      const data = /^data: (.+)$/m.exec(block)?.[1];
      if (event && data) onEvent({ event, data: JSON.parse(data) } as StreamEvent);
    }
  }
}

function Proposal({ proposal }: { proposal: ChatProposal }) {
  const t = useTranslator(tasteMessages);
  const { data: menu } = useMenu();
  const [state, setState] = useState<'offered' | 'ordering' | 'ordered'>('offered');
  async function order() {
    if (state !== 'offered') return;
    setState('ordering');
    // The sheet's starting choices: the alcohol-free one while the spirit is out.
    const drink = menu?.drinks.find((candidate) => candidate.id === proposal.drink_id);
    await placeOrder({ id: proposal.drink_id, name: proposal.name }, null, drink ? startingOptions(drink) : []);
    setState('ordered');
  }
  return (
    <div className="chat-proposal" data-proposal={proposal.drink_id}>
      <span>{t('chat.propose', { name: proposal.name })}</span>
      {state === 'ordered' ? (
        <p role="status">
          <a href="/orders" onClick={(e) => { e.preventDefault(); navigate('/orders'); }}>{t('chat.ordered', { name: proposal.name })}</a>
        </p>
      ) : (
        <button type="button" className="primary" disabled={state !== 'offered'} onClick={() => void order()}>
          {t('chat.confirm', { name: proposal.name })}
        </button>
      )}
    </div>
  );
}

export function AssistantPanel({ answers }: { answers: TasteAnswers }) {
  const t = useTranslator(tasteMessages);
  const locale = useLocale();
  const headingId = useId();
  const inputId = useId();
  const config = useQuery({ queryKey: ['config'], queryFn: () => requestJson<ApiAnswer<'GET /api/config'>>('/api/config'), retry: false, networkMode: 'always' });
  const [turns, setTurns] = useState<Turn[]>([]);
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);
  const end = useRef<HTMLDivElement>(null);
  // One-handed: the newest words (and the order button) stay in view as the reply streams in.
  useEffect(() => {
    end.current?.scrollIntoView?.({ block: 'nearest' });
  }, [turns, problem]);

  let unavailable: string | null = null;
  if (config.isError) unavailable = t('chat.offline');
  else if (config.data && !config.data.chat) unavailable = t('chat.off');
  const full = turns.length >= MAX_CHAT_MESSAGES - 1;

  async function send(event: FormEvent) {
    event.preventDefault();
    const text = draft.trim();
    if (!text || busy || full) return;
    const history = [...turns, { role: 'user' as const, content: text, proposals: [] }];
    setTurns([...history, { role: 'assistant', content: '', proposals: [] }]);
    setDraft('');
    setBusy(true);
    setProblem(null);
    const update = (change: (turn: Turn) => Turn) => setTurns((all) => [...all.slice(0, -1), change(all[all.length - 1]!)]);
    abort.current = new AbortController();
    try {
      const messages = history
        .filter((turn) => turn.content.trim() !== '')
        .map((turn) => ({ role: turn.role, content: turn.content.slice(0, turn.role === 'assistant' ? MAX_REPLY_SENT : MAX_CHAT_MESSAGE_LENGTH) }));
      const response = await openChat({ messages, answers, locale }, abort.current.signal);
      await readEvents(response, (streamed) => {
        if (streamed.event === 'delta') update((turn) => ({ ...turn, content: turn.content + streamed.data.text }));
        else if (streamed.event === 'proposal') update((turn) => ({ ...turn, proposals: [...turn.proposals, streamed.data] }));
        else if (streamed.event === 'error') setProblem(t(ERROR_KEYS[streamed.data.code] ?? 'chat.unreachable'));
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') return;
      const key = error instanceof ApiError ? ERROR_KEYS[error.code] : undefined;
      setProblem(key ? t(key) : t('chat.failed', { message: error instanceof Error ? error.message : String(error) }));
      // Nothing came back: the question stays in the box to send again.
      setTurns((all) => (all[all.length - 1]?.content === '' ? all.slice(0, -2) : all));
      setDraft((current) => current || text);
    } finally {
      setBusy(false);
    }
  }

  function restart() {
    abort.current?.abort();
    setTurns([]);
    setProblem(null);
  }

  return (
    <section className="chat" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('chat.title')}</h2>
      {unavailable ? (
        <p className="muted" data-chat="unavailable">{unavailable}</p>
      ) : (
        <>
          <p className="muted">{t('chat.lead')}</p>
          {turns.length > 0 && (
            <div role="log" aria-busy={busy}>
            <ol className="chat-log">
              {turns.map((turn, index) => (
                <li key={index} className={`chat-message from-${turn.role === 'user' ? 'guest' : 'bartender'}`} data-role={turn.role}>
                  <span className="chat-who">{t(turn.role === 'user' ? 'chat.you' : 'chat.bartender')}</span>
                  {turn.content || (busy && index === turns.length - 1 ? t('chat.sending') : '')}
                  {turn.proposals.map((proposal) => <Proposal key={proposal.drink_id} proposal={proposal} />)}
                </li>
              ))}
            </ol>
            </div>
          )}
          {problem && <p role="alert" className="error">{problem}</p>}
          {full ? (
            <p>{t('chat.tooLong')}</p>
          ) : (
            <form className="chat-form" onSubmit={(e) => void send(e)}>
              <label htmlFor={inputId} className="visually-hidden">{t('chat.message')}</label>
              <textarea id={inputId} rows={2} maxLength={MAX_CHAT_MESSAGE_LENGTH} value={draft} onChange={(e) => setDraft(e.target.value)} disabled={config.isPending} />
              <button type="submit" className="primary" disabled={busy || !draft.trim()}>{t('chat.send')}</button>
            </form>
          )}
          {turns.length > 0 && <button type="button" className="ghost" onClick={restart}>{t('chat.restart')}</button>}
          <div ref={end} />
        </>
      )}
    </section>
  );
}
