import type { LlmSettings } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import type { MenuService } from '../menu/menu.service.ts';
import { AppError } from '../http/errors.ts';
import { RateLimiter } from '../http/rate-limit.ts';
import { MAX_CHAT_MESSAGES, type AssistantStatus, type ChatProposal, type ChatRequest, type ChatStreamEvent } from '../../shared/schemas/assistant.ts';
import type { TasteAnswers } from '../../shared/taste/answers.ts';
import { AssistantSettingsRepository } from './assistant-settings.repository.ts';
import { ASSISTANT_TOOLS, runTool, type GuestOrderSummary } from './assistant-tools.ts';
import { LlmError, streamCompletion, type LlmMessage } from './llm-client.ts';

/** Where the reply goes: the route turns these into server-sent events. */
export interface ChatSink {
  /** True once anything was sent: from then on a failure can only be told inside the stream. */
  readonly started: boolean;
  send(event: ChatStreamEvent): void;
}

export interface AssistantDeps {
  llm: LlmSettings | undefined;
  db: Database;
  menu: MenuService;
  logger: Logger;
  pastOrders(userKey: string): Promise<GuestOrderSummary[]>;
}

/** Chat messages per guest per window: each costs a model call, counted before it is made. */
export const CHAT_LIMIT = 20;
export const CHAT_WINDOW_MS = 10 * 60_000;
/** Model calls in one reply (tool rounds): a model looping on tools stops here. */
const MAX_ROUNDS = 5;
const MAX_PROPOSALS = 3;
const SWITCH_CACHE_MS = 5_000;

const FAILURE_MESSAGES: Record<LlmError['reason'], string> = {
  unreachable: 'The bartender’s model cannot be reached right now.',
  timeout: 'The bartender’s model took too long to answer.',
  refused: 'The bartender’s model refused the request.',
  bad_answer: 'The bartender’s model gave an answer barback cannot read.',
};

function systemPrompt(locale: 'en' | 'fr', answers: TasteAnswers | undefined): string {
  const lines = [
    'You are the bartender at a private party, chatting with one guest on their phone.',
    'Recommend only drinks from this bar’s menu. Learn it through your tools (list_available_drinks, drink_details, suggest_drinks, past_orders); never invent a drink or an ingredient.',
    'When the guest wants a drink, call propose_order with its id: the guest confirms with one tap. You cannot place orders yourself, so never say a drink is ordered.',
    'Keep replies short and friendly: at most three sentences.',
    `Reply in ${locale === 'fr' ? 'French' : 'English'}.`,
  ];
  if (answers) lines.push(`The guest’s taste answers (null = no preference): ${JSON.stringify(answers)}.`);
  return lines.join('\n');
}

/**
 * The AI bartender. The guest's words go to the model and nowhere else: nothing here logs a
 * message, a reply or a tool argument, only counts and failure kinds.
 */
export class AssistantService {
  private readonly settings: AssistantSettingsRepository;
  private readonly limiter = new RateLimiter(CHAT_LIMIT, CHAT_WINDOW_MS);
  private switchOn = true;
  private switchReadAt = 0;

  constructor(private readonly deps: AssistantDeps) {
    this.settings = new AssistantSettingsRepository(deps.db);
  }

  async init(): Promise<void> {
    await this.readSwitch();
  }

  /** For GET /api/config: a model is configured and the host has the chat on (cached a few seconds). */
  available(): boolean {
    if (Date.now() - this.switchReadAt > SWITCH_CACHE_MS) void this.readSwitch().catch(() => undefined);
    return this.deps.llm !== undefined && this.switchOn;
  }

  async status(): Promise<AssistantStatus> {
    return { enabled: await this.readSwitch(), configured: this.deps.llm !== undefined, model: this.deps.llm?.model ?? null };
  }

  async setEnabled(enabled: boolean): Promise<AssistantStatus> {
    this.switchOn = await this.settings.setEnabled(enabled);
    this.switchReadAt = Date.now();
    return this.status();
  }

  private async readSwitch(): Promise<boolean> {
    this.switchOn = await this.settings.enabled();
    this.switchReadAt = Date.now();
    return this.switchOn;
  }

  /** One guest message in, one streamed reply out (with any order proposals). */
  async chat(userKey: string, request: ChatRequest, sink: ChatSink, signal: AbortSignal): Promise<void> {
    const llm = this.deps.llm;
    if (!llm) throw new AppError(503, 'assistant_not_configured', 'This bar has no AI bartender: the host has not set up a model.');
    // Read on every request, so the host's switch-off holds at once on every instance.
    if (!(await this.readSwitch())) throw new AppError(503, 'assistant_off', 'The host has switched the bartender chat off.');
    if (request.messages.length > MAX_CHAT_MESSAGES) {
      throw new AppError(400, 'conversation_too_long', `A conversation holds at most ${MAX_CHAT_MESSAGES} messages; start a new one.`);
    }
    this.limiter.spend(userKey, 'That is a lot of questions for the bartender: wait a few minutes, then ask again.');

    const [drinks, sections, orders] = await Promise.all([this.deps.menu.listAllDrinks(), this.deps.menu.listSections(), this.deps.pastOrders(userKey)]);
    const proposed = new Map<string, ChatProposal>();
    const tools = {
      drinks,
      sections,
      orders,
      answers: request.answers,
      propose: (proposal: ChatProposal) => {
        if (proposed.has(proposal.drink_id) || proposed.size >= MAX_PROPOSALS) return;
        proposed.set(proposal.drink_id, proposal);
        sink.send({ event: 'proposal', data: proposal });
      },
    };
    const messages: LlmMessage[] = [{ role: 'system', content: systemPrompt(request.locale, request.answers) }, ...request.messages];
    let reply = '';
    let rounds = 0;
    try {
      for (; rounds < MAX_ROUNDS; rounds += 1) {
        const turn = await streamCompletion(llm, { messages, tools: ASSISTANT_TOOLS }, (text) => {
          reply += text;
          sink.send({ event: 'delta', data: { text } });
        }, signal);
        if (turn.toolCalls.length === 0) break;
        messages.push({ role: 'assistant', content: turn.content || null, tool_calls: turn.toolCalls });
        for (const call of turn.toolCalls) {
          messages.push({ role: 'tool', tool_call_id: call.id, content: runTool(call.function.name, call.function.arguments, tools) });
        }
      }
    } catch (error) {
      if (!(error instanceof LlmError)) throw error;
      this.deps.logger.warn({ reason: error.reason, rounds }, 'assistant model failed');
      if (!sink.started) throw new AppError(503, 'assistant_unavailable', FAILURE_MESSAGES[error.reason]);
      sink.send({ event: 'error', data: { code: 'assistant_unavailable', message: FAILURE_MESSAGES[error.reason] } });
      return;
    }
    sink.send({ event: 'done', data: { text: reply } });
  }
}
