import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for an OpenAI-compatible chat-completions server (Ollama, vLLM, OpenAI): the AI
 * model is the one true outside border of the assistant, so this is its only fake. It speaks
 * the real wire protocol: POST /v1/chat/completions with `stream: true` answers
 * `text/event-stream` chunks (`choices[0].delta.content` / `delta.tool_calls`), then
 * `data: [DONE]`. Each test scripts the turns; every request body is recorded.
 */
export type StandInTurn =
  | { text: string; chunkSize?: number; delayMs?: number }
  | { toolCalls: { name: string; arguments: unknown }[] }
  | { status: number }
  /** Accepts the request and never answers. */
  | { hang: true }
  /** Starts the reply, then goes silent. */
  | { textThenHang: string };

export interface ChatCompletionRequest {
  model: string;
  stream: boolean;
  messages: { role: string; content: string | null; tool_calls?: { id: string; function: { name: string; arguments: string } }[]; tool_call_id?: string }[];
  tools: { function: { name: string } }[];
}

export interface LlmStandIn {
  /** The base URL to give barback as LLM_BASE_URL. */
  baseUrl: string;
  requests: ChatCompletionRequest[];
  /** Authorization headers received, in order. */
  authorizations: (string | undefined)[];
  /** Scripts the next turns: a function sees the request (e.g. to echo tool results). */
  script(...turns: (StandInTurn | ((request: ChatCompletionRequest) => StandInTurn))[]): void;
  close(): Promise<void>;
}

function chunk(delta: Record<string, unknown>, finish: string | null = null): string {
  return `data: ${JSON.stringify({ id: 'chatcmpl-standin', object: 'chat.completion.chunk', created: 0, model: 'stand-in', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
}

export async function startLlmStandIn(): Promise<LlmStandIn> {
  const queue: (StandInTurn | ((request: ChatCompletionRequest) => StandInTurn))[] = [];
  const requests: ChatCompletionRequest[] = [];
  const authorizations: (string | undefined)[] = [];
  const hanging = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (part: string) => (raw += part));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found' } }));
        return;
      }
      const request = JSON.parse(raw) as ChatCompletionRequest;
      requests.push(request);
      authorizations.push(req.headers.authorization);
      const next = queue.shift() ?? { text: 'I have nothing scripted to say.' };
      const turn = typeof next === 'function' ? next(request) : next;
      void answer(res, turn);
    });
  });

  async function answer(res: http.ServerResponse, turn: StandInTurn): Promise<void> {
    if ('status' in turn) {
      res.writeHead(turn.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'stand-in failure' } }));
      return;
    }
    if ('hang' in turn) {
      hanging.add(res);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(chunk({ role: 'assistant', content: '' }));
    if ('textThenHang' in turn) {
      res.write(chunk({ content: turn.textThenHang }));
      hanging.add(res);
      return;
    }
    if ('toolCalls' in turn) {
      for (const [index, call] of turn.toolCalls.entries()) {
        const args = JSON.stringify(call.arguments);
        const half = Math.ceil(args.length / 2);
        // Arguments arrive in pieces, as real servers stream them.
        res.write(chunk({ tool_calls: [{ index, id: `call_${index}`, type: 'function', function: { name: call.name, arguments: args.slice(0, half) } }] }));
        res.write(chunk({ tool_calls: [{ index, function: { arguments: args.slice(half) } }] }));
      }
      res.write(chunk({}, 'tool_calls'));
    } else {
      const size = turn.chunkSize ?? 6;
      for (let at = 0; at < turn.text.length; at += size) {
        res.write(chunk({ content: turn.text.slice(at, at + size) }));
        if (turn.delayMs) await new Promise((resolve) => setTimeout(resolve, turn.delayMs));
      }
      res.write(chunk({}, 'stop'));
    }
    res.end('data: [DONE]\n\n');
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    authorizations,
    script(...turns) {
      queue.push(...turns);
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
