// Satisfaction surveys ask one of two questions, each with its own scale.
import { InvalidArgumentError } from '@inbox/lib';

export type SurveyQuestion = 'csat' | 'nps';
export const SURVEY_QUESTIONS: readonly SurveyQuestion[] = ['csat', 'nps'];
export const SCORES: Record<SurveyQuestion, { min: number; max: number }> = { csat: { min: 1, max: 5 }, nps: { min: 0, max: 10 } };

/** The question asked, '' meaning the default; anything else is refused. */
export function surveyQuestion(value: string, fallback: SurveyQuestion): SurveyQuestion {
  if (!value) return fallback;
  if (!(SURVEY_QUESTIONS as readonly string[]).includes(value)) throw new InvalidArgumentError('invalid_question', 'question is csat or nps');
  return value as SurveyQuestion;
}
