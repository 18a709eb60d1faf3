// An OpenAI-compatible chat-completions endpoint (OpenAI, Azure OpenAI, vLLM, Ollama, …) as the
// pluggable model behind AI assist.
import { UnavailableError } from '@inbox/lib';

export interface AssistModel {
  complete(system: string, user: string): Promise<string>;
}

export class OpenAiCompatibleModel implements AssistModel {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string | undefined,
    private readonly model: string,
    private readonly timeoutMs: number,
  ) {}

  async complete(system: string, user: string): Promise<string> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}/chat/completions`, {
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
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new UnavailableError('assist_unavailable', `the model provider cannot be reached: ${(error as Error).message}`);
    }
    const body = (await response.json().catch(() => null)) as { choices?: { message?: { content?: string } }[]; error?: { message?: string } } | null;
    const content = body?.choices?.[0]?.message?.content?.trim();
    if (!response.ok || !content) {
      throw new UnavailableError('assist_unavailable', `the model provider answered ${response.status}${body?.error?.message ? `: ${body.error.message}` : ''}`);
    }
    return content;
  }
}
