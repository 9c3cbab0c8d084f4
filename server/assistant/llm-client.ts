import type { LlmSettings } from '../config.ts';

/**
 * A minimal client for an OpenAI-compatible chat-completions endpoint (Ollama, llama.cpp's
 * server, vLLM, LM Studio, OpenAI itself): streamed answers with tool calls. Errors say only
 * what went wrong with the model, never what was sent to it: the guest's words stay out of
 * messages that might be logged.
 */
export interface LlmToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type LlmMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: LlmToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface LlmTool {
  type: 'function';
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

export interface LlmTurn {
  content: string;
  toolCalls: LlmToolCall[];
}

export type LlmFailure = 'unreachable' | 'timeout' | 'refused' | 'bad_answer';

export class LlmError extends Error {
  constructor(
    readonly reason: LlmFailure,
    detail: string,
  ) {
    super(`model ${reason}: ${detail}`);
  }
}

interface ChunkDelta {
  content?: string | null;
  tool_calls?: { index?: number; id?: string; function?: { name?: string; arguments?: string } }[];
}

/**
 * One streamed completion. `onText` receives each piece of the reply as it arrives. The model
 * may stay silent for at most `settings.timeoutMs` (before its first byte, or between two
 * chunks); then, or when `signal` aborts (the guest left), the request is cut.
 */
export async function streamCompletion(
  settings: LlmSettings,
  request: { messages: LlmMessage[]; tools: LlmTool[] },
  onText: (text: string) => void,
  signal: AbortSignal,
): Promise<LlmTurn> {
  const silence = new AbortController();
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      silence.abort();
    }, settings.timeoutMs);
  };
  const combined = AbortSignal.any([signal, silence.signal]);
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream' };
  if (settings.apiKey) headers.authorization = `Bearer ${settings.apiKey}`;
  arm();
  try {
    let response: Response;
    try {
      response = await fetch(`${settings.baseUrl}/chat/completions`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ model: settings.model, messages: request.messages, tools: request.tools, stream: true }),
        signal: combined,
      });
    } catch {
      throw timedOut ? new LlmError('timeout', 'no answer in time') : signal.aborted ? new LlmError('unreachable', 'cancelled') : new LlmError('unreachable', 'could not connect');
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel().catch(() => undefined);
      throw new LlmError('refused', `HTTP ${response.status}`);
    }
    return await readStream(response.body, onText, arm, () => timedOut);
  } finally {
    clearTimeout(timer);
  }
}

async function readStream(body: ReadableStream<Uint8Array>, onText: (text: string) => void, arm: () => void, timedOut: () => boolean): Promise<LlmTurn> {
  const decoder = new TextDecoder();
  const calls: { id: string; name: string; arguments: string }[] = [];
  let content = '';
  let buffer = '';
  const handle = (line: string): boolean => {
    if (!line.startsWith('data:')) return false;
    const payload = line.slice(5).trim();
    if (payload === '[DONE]') return true;
    let chunk: { choices?: { delta?: ChunkDelta }[] };
    try {
      chunk = JSON.parse(payload) as typeof chunk;
    } catch {
      throw new LlmError('bad_answer', 'a chunk was not JSON');
    }
    const delta = chunk.choices?.[0]?.delta;
    if (!delta) return false;
    if (typeof delta.content === 'string' && delta.content !== '') {
      content += delta.content;
      onText(delta.content);
    }
    for (const [position, part] of (delta.tool_calls ?? []).entries()) {
      const index = part.index ?? position;
      const call = (calls[index] ??= { id: '', name: '', arguments: '' });
      if (part.id) call.id = part.id;
      if (part.function?.name) call.name += part.function.name;
      if (part.function?.arguments) call.arguments += part.function.arguments;
    }
    return false;
  };
  const reader = body.getReader();
  try {
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch {
        throw new LlmError(timedOut() ? 'timeout' : 'unreachable', timedOut() ? 'went silent' : 'the connection broke');
      }
      if (next.done) break;
      arm();
      buffer += decoder.decode(next.value, { stream: true });
      const lines = buffer.split(/\r?\n/);
      buffer = lines.pop() ?? '';
      if (lines.some(handle)) break;
    }
    if (buffer) handle(buffer);
  } finally {
    reader.cancel().catch(() => undefined);
  }
  const toolCalls = calls
    .filter((call) => call && call.name)
    .map((call, index) => ({ id: call.id || `call_${index}`, type: 'function' as const, function: { name: call.name, arguments: call.arguments } }));
  return { content, toolCalls };
}
