import { z } from 'zod';
import { tasteAnswersSchema } from '../taste/answers.ts';
import { cleanText } from './common.ts';

/** The longest conversation the chat carries: past this the guest starts a new one. */
export const MAX_CHAT_MESSAGES = 20;
export const MAX_CHAT_MESSAGE_LENGTH = 500;

/**
 * POST /api/assistant/chat. The conversation lives on the phone and is sent whole each time
 * (the server keeps none of it); the last message is the guest's. `answers` are the guest's
 * taste answers, sent only with a chat request (see docs/ASSISTANT.md).
 */
export const chatMessageSchema = z.strictObject({
  role: z.enum(['user', 'assistant']),
  content: cleanText(1, MAX_CHAT_MESSAGE_LENGTH * 4),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

export const chatRequestSchema = z.strictObject({
  messages: z
    .array(chatMessageSchema)
    .min(1)
    .refine((messages) => messages[messages.length - 1]?.role === 'user', { message: 'the last message must be the guest’s' })
    .refine((messages) => messages.every((m) => m.role !== 'user' || [...m.content].length <= MAX_CHAT_MESSAGE_LENGTH), {
      message: `a guest message is at most ${MAX_CHAT_MESSAGE_LENGTH} characters`,
    }),
  answers: tasteAnswersSchema.optional(),
  locale: z.enum(['en', 'fr']).default('en'),
});
export type ChatRequest = z.infer<typeof chatRequestSchema>;

/** An order the bartender offers: always a drink of the menu that is available now. */
export const chatProposalSchema = z.object({ drink_id: z.string(), name: z.string() });
export type ChatProposal = z.infer<typeof chatProposalSchema>;

/**
 * The answer is a `text/event-stream`; each event's data is JSON:
 * `delta` {"text"} a piece of the reply; `proposal` {"drink_id","name"}; `done` {"text"} the
 * whole reply; `error` {"code","message"} when the model fails after the reply began.
 */
export const chatStreamEvents = {
  delta: z.object({ text: z.string() }),
  proposal: chatProposalSchema,
  done: z.object({ text: z.string() }),
  error: z.object({ code: z.string(), message: z.string() }),
} as const;
export type ChatStreamEvent = { [K in keyof typeof chatStreamEvents]: { event: K; data: z.infer<(typeof chatStreamEvents)[K]> } }[keyof typeof chatStreamEvents];

/** GET/PUT /api/admin/assistant: the host's live switch, and whether a model is configured. */
export const assistantSettingsBody = z.strictObject({ enabled: z.boolean() });
export const assistantStatusSchema = z.strictObject({ enabled: z.boolean(), configured: z.boolean(), model: z.string().nullable() });
export type AssistantStatus = z.infer<typeof assistantStatusSchema>;
