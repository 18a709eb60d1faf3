// An OpenAI-compatible chat-completions endpoint (OpenAI, Azure OpenAI, vLLM, Ollama, …) as the
// pluggable model behind AI assist.
import { UnavailableError, type GuardedFetch } from '@inbox/lib';
import type { AssistModel } from '../use-cases/assist';

export class OpenAiCompatibleModel implements AssistModel {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string | undefined,
    private readonly model: string,
    private readonly fetch: GuardedFetch,
  ) {}

  async complete(system: string, user: string): Promise<string> {
    let response: Awaited<ReturnType<GuardedFetch>>;
    try {
      response = await this.fetch(`${this.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}) },
        body: JSON.stringify({
          model: this.model,
          temperature: 0.3,
          messages: [
            { role: 'system', content: system },
            { role: 'user', content: user },
          ],
        }),
      });
    } catch (error) {
      throw new UnavailableError('assist_unavailable', `the model provider cannot be reached: ${(error as Error).message}`);
    }
    let body: { choices?: { message?: { content?: string } }[]; error?: { message?: string } } | null;
    try {
      body = JSON.parse(response.body.toString('utf8'));
    } catch {
      body = null;
    }
    const content = body?.choices?.[0]?.message?.content?.trim();
    if (response.status !== 200 || !content) {
      throw new UnavailableError('assist_unavailable', `the model provider answered ${response.status}${body?.error?.message ? `: ${body.error.message}` : ''}`);
    }
    return content;
  }
}
